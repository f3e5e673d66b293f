// __builtin_trap() compiles to the wasm instruction `unreachable`, which traps "unreachable".
// EXIT: 134
// TRAP: unreachable
// INNERMOST: give_up
// node: skip (checks wi's own trap report).
#include <stdio.h>

__attribute__((noinline)) void give_up(void) { __builtin_trap(); }

int main(void) {
  printf("about to trap\n");
  fflush(stdout);
  give_up();
  printf("not reached\n");
  return 0;
}
