// Tail calls (Wasm 3.0 return_call / return_call_indirect, built with clang -mtail-call and musttail)
// run in constant stack space: within a module, through a function pointer, and ping-ponging across
// two modules through their PLT slots. cmd runs them with --max-call-depth 100, so any call that kept
// its frame would trap with "call stack exhausted" long before the end.
#include <stdio.h>
#include <stdlib.h>

int pong(int n, int acc);  // libtc.wasm: tail-calls ping back

int ping(int n, int acc) {
  if (!n) return acc;
  __attribute__((musttail)) return pong(n - 1, acc + 1);
}

// Two functions, not one: clang turns direct self-recursion into a loop before any call is emitted.
__attribute__((noinline)) long long count_b(long long n, long long acc);
__attribute__((noinline)) long long count(long long n, long long acc) {
  if (!n) return acc;
  __attribute__((musttail)) return count_b(n - 1, acc + 3);  // return_call
}
__attribute__((noinline)) long long count_b(long long n, long long acc) {
  if (!n) return acc;
  __attribute__((musttail)) return count(n - 1, acc + 3);
}

typedef long long (*step_fn)(long long, long long);
long long odd(long long n, long long acc);
static volatile step_fn steps[2];
long long even(long long n, long long acc) {
  if (!n) return acc;
  __attribute__((musttail)) return steps[1](n - 1, acc + 1);  // return_call_indirect
}
long long odd(long long n, long long acc) {
  if (!n) return acc;
  __attribute__((musttail)) return steps[0](n - 1, acc + 2);
}

int main(int argc, char **argv) {
  long long n = argc > 1 ? atoll(argv[1]) : 1000;
  steps[0] = even;
  steps[1] = odd;
  printf("count(%lld) = %lld\n", n, count(n, 0));
  printf("even/odd through pointers (%lld) = %lld\n", n / 10, even(n / 10, 0));
  printf("ping/pong across modules (%lld) = %d\n", n / 10, ping((int)(n / 10), 0));
  return 0;
}
