// libgeom.wasm, a shared library with DWARF (tests/debug/meson.build): where the DAP test and the
// VS Code walk-through of docs/debugging.md set a breakpoint, so that it is in a library, not in the
// main module. Built at -O0 so that every local lives in memory and each statement has its own line.
#include "geom.h"

int width(const struct rect* r) { return r->max.x - r->min.x; }  // dap: width

int area(const struct rect* r) {
  int w = width(r);  // dap: break
  int h = r->max.y - r->min.y;  // dap: next
  return w * h;
}
