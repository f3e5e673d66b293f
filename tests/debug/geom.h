// The rectangle type shared by libgeom.wasm (geom.c) and the program that links it (shapes.c): the
// DAP test (dap_session.py) and docs/debugging.md's VS Code walk-through inspect one through a pointer.
#ifndef WI_TESTS_DEBUG_GEOM_H
#define WI_TESTS_DEBUG_GEOM_H

struct point {
  int x, y;
};

struct rect {
  struct point min, max;
  const char* name;
};

int width(const struct rect* r);
int area(const struct rect* r);

#endif
