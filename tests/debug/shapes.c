// The program of the DAP test (dap_session.py) and docs/debugging.md's VS Code walk-through: it passes
// a struct by pointer into libgeom.wasm (geom.c) and exits with the area, 42, so that the exit code
// the debugger reports is not the 0 every successful run has.
#include <stdio.h>

#include "geom.h"

int main(void) {
  struct rect box = {{1, 2}, {7, 9}, "box"};
  int a = area(&box);  // dap: call
  printf("%s %d\n", box.name, a);
  return a;
}
