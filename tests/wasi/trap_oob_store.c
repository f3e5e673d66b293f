// A store far past the end of linear memory (address 0xfffffff0, with a memory of a few pages) traps
// "out of bounds memory access" in the function doing the store. The address is read from a volatile
// so clang keeps the store.
// EXIT: 134
// TRAP: out of bounds memory access
// INNERMOST: poke
// SOURCE: trap_oob_store.c:14
// node: skip (checks wi's own trap report).
#include <stdint.h>
#include <stdio.h>

static volatile uintptr_t where = 0xfffffff0u;

__attribute__((noinline)) void poke(int v) { *(volatile int*)where = v; }

int main(void) {
  printf("storing far past the end of memory\n");
  fflush(stdout);
  poke(7);
  printf("not reached\n");
  return 0;
}
