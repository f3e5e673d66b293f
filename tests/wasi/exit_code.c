// exit() with a status: stdio is flushed by exit, then proc_exit(7) ends the guest and the runner's
// exit status is 7. Code after exit() must not run.
// EXIT: 7
// node: agrees.
#include <stdio.h>
#include <stdlib.h>

static void at_exit(void) { printf("atexit handler ran\n"); }

int main(void) {
  atexit(at_exit);
  printf("before exit (buffered, no newline yet)");
  exit(7);
  printf("unreachable\n");
}
