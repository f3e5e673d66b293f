// The program the `wi debug` golden transcripts step through (tests/debug/meson.build): built from C
// without -fPIC and run dynamically linked with libc.wasm, like any wi program.
#include <stdio.h>
#include <string.h>

int counter = 0;
char message[16] = "debug me";

__attribute__((noinline)) int square(int x) {
  counter++;
  return x * x;
}

__attribute__((noinline)) int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
  int total = 0;
  for (int i = 1; i <= 3; i++) total += square(i);
  strcpy(message, "stepped");
  printf("total %d fib %d counter %d %s\n", total, fib(5), counter, message);
  return total == 14 ? 0 : 1;
}
