// The program of the DAP test (dap_session.py) and docs/debugging.md's VS Code walk-through: it passes
// a struct by pointer into libgeom.wasm (geom.c) and exits with the area, 42 (not the 0 of every good
// run); the test evaluates `shapes_built`, a global of the program, where the linker placed its data.
#include <stdio.h>

#include "geom.h"
int shapes_built = 3;  // just above main, so main keeps the lines the walk-through names
int main(void) {
  struct rect box = {{1, 2}, {7, 9}, "box"};
  int a = area(&box);  // dap: call
  printf("%s %d\n", box.name, a);
  return a;
}
