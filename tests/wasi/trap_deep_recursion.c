// Unbounded recursion whose frames live only in wasm locals (no address-taken locals, so nothing on
// the shadow stack in linear memory): the interpreter's frame limit (--max-call-depth, default 10000)
// is what stops it, with the trap "call stack exhausted". The result is combined after the call
// (r * 3 + n), so clang can neither turn the recursion into a loop nor drop it; the limit is volatile.
// EXIT: 134
// TRAP: call stack exhausted
// INNERMOST: rec
// node: skip (checks wi's own trap report).
#include <stdio.h>

static volatile unsigned depth_limit = 100000000u;

__attribute__((noinline)) unsigned rec(unsigned n) {
  if (n >= depth_limit) return n;
  return rec(n + 1) * 3u + n;
}

int main(void) {
  printf("recursing without end\n");
  fflush(stdout);
  printf("not reached: %u\n", rec(0));
  return 0;
}
