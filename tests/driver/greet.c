// libgreet.wasm: a shared library built with `wi-cc -shared`.
#include <stdio.h>
int greet_count;
void greet(const char *who) { printf("hello, %s (%d)\n", who, ++greet_count); }
