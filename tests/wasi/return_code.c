// A status returned from main becomes the exit status (crt1 calls proc_exit with it when nonzero).
// EXIT: 42
// node: agrees.
#include <stdio.h>

int main(void) {
  printf("returning 42\n");
  return 42;
}
