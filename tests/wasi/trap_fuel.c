// An endless loop under `--fuel`: the budget (in wasm instructions, charged per basic block) runs out
// and wi traps "fuel exhausted" instead of hanging. The output before the loop must already be out.
// EXIT: 134
// WI_OPTS: --fuel 200000
// TRAP: fuel exhausted
// INNERMOST: spin
// node: skip (wi option --fuel, and wi's own trap report).
#include <stdio.h>

static volatile unsigned counter;

__attribute__((noinline)) void spin(void) {
  for (;;) counter++;
}

int main(void) {
  printf("spinning until the fuel runs out\n");
  fflush(stdout);
  spin();
  printf("not reached\n");
  return 0;
}
