// A call through a null function pointer: call_indirect on table slot 0, which wasm-ld leaves empty,
// traps "uninitialized element". The pointer is volatile so clang cannot see it is null and fold the
// call away (or into an unreachable). wi prints the trap and a backtrace and exits 134.
// EXIT: 134
// TRAP: uninitialized element
// INNERMOST: call_through
// SOURCE: trap_null_fnptr.c:14
// node: skip (checks wi's own trap report).
#include <stdio.h>

typedef int (*fn_t)(int);
static fn_t volatile target = 0;

__attribute__((noinline)) int call_through(int x) { return target(x); }

int main(void) {
  printf("calling a null function pointer\n");
  fflush(stdout);
  int r = call_through(42);
  printf("not reached: %d\n", r);
  return 0;
}
