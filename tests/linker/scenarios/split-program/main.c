// Main of the split program (main + libshapes.wasm + libc.wasm): reads library data and calls through
// function pointers the library stored in data; gives the library pointers to its own functions and
// data; checks &f is the same in both modules; uses libc's stdout/stderr objects. Also built statically
// (static.wasm) to show both print the same.
#include <stdlib.h>
#include <string.h>
#include "libshapes.h"

static double doubled(double a) { return 2 * a; }
static double by_size(const struct shape *s) { return s->size; }
static struct shape local = {"triangle", NULL, 4.0};
static const char *names[] = {"first", "second", "third"};  // pointers to main's data, in main's data

static double triangle_area(const struct shape *s) { return s->size * s->size / 2; }

int main(int argc, char **argv) {
  char buf[128];
  printf("%d shapes in the library\n", shape_count);
  for (int i = 0; i < shape_count; i++) printf("  %s\n", lib_describe(&shapes[i], buf, sizeof buf));
  local.area = triangle_area;
  printf("  %s\n", lib_describe(&local, buf, sizeof buf));
  scale_hook = doubled;  // main's function, called by the library
  printf("  %s (scaled)\n", lib_describe(&shapes[0], buf, sizeof buf));
  scale_hook = NULL;
  printf("total size %.1f\n", lib_total(by_size));
  printf("&circle_area equal across modules: %s\n", lib_same_pointer(circle_area) ? "yes" : "no");
  printf("shapes[0].area == circle_area: %s\n", shapes[0].area == circle_area ? "yes" : "no");
  printf("names: %s %s %s\n", names[0], names[1], names[2]);
  char *copy = strdup(names[argc > 1 ? 1 : 2]);
  printf("strdup: %s\n", copy);
  free(copy);
  fflush(stdout);
  lib_log(stdout, "to stdout");
  lib_log(stderr, "to stderr");
  printf("no newline at exit");
  return argc > 2 ? 3 : 0;
}
