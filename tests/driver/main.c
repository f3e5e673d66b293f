// A program in two sources, built with `wi-cc -o prog.wasm main.c util.c -L. -lgreet`.
#include <stdio.h>
void greet(const char *who);
int twice(int x);
extern int greet_count;
int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) greet(argv[i]);
  printf("twice(21) = %d, greeted %d\n", twice(21), greet_count);
  return 0;
}
