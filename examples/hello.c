// The README demo: a C program using stdio, malloc and math, compiled to wasm32-wasi at build time
// (examples/meson.build) and run with `wi exec`.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int compare_ints(const void* a, const void* b) {
  int x = *(const int*)a, y = *(const int*)b;
  return (x > y) - (x < y);
}

int main(int argc, char** argv) {
  printf("hello from wi: %d argument(s)\n", argc - 1);
  for (int i = 1; i < argc; ++i) printf("  argv[%d] = %s\n", i, argv[i]);
  int n = 10;
  int* v = malloc(n * sizeof *v);
  for (int i = 0; i < n; ++i) v[i] = (i * 7919) % 23;
  qsort(v, n, sizeof *v, compare_ints);  // libc calls back into our comparator through the table
  printf("sorted:");
  for (int i = 0; i < n; ++i) printf(" %d", v[i]);
  free(v);
  printf("\nsqrt(2) = %.12f, %s\n", sqrt(2.0), strlen(argv[0]) ? "ok" : "?");
  return 0;
}
