/* Recursive calls: naive Fibonacci. Measures call/return overhead and frame setup. */
#include "bench.h"

__attribute__((noinline)) static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int run(int n) { return fib(n); }
