// A wasmified (dyninfo) library used by the dylink.0 main piemain.c: it reads the main's data, calls
// and takes the address of the main's function, calls a function pointer the main passes, and uses
// libc.wasm's printf, which the main uses too.
#include <stdio.h>

extern int pie_value;    // defined by the dylink.0 main: an exported i32 global holding an offset
int pie_square(int x);   // defined by the dylink.0 main
int mix_total;
const char *mix_name = "libmix";

int mix_add(int x) {
  mix_total += x;
  return x + pie_value;
}
int mix_call(int (*f)(int), int x) { return 10 * f(x); }
int mix_square_via_main(int x) { return pie_square(x); }
int (*mix_addr_of_square(void))(int) { return pie_square; }
int *mix_addr_of_pie_value(void) { return &pie_value; }

__attribute__((constructor)) static void mix_init(void) {
  mix_total = 1000;
  printf("[libmix] constructor\n");
}
