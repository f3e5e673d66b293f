// main(void): clang defines __original_main and main, and libc's _start must reach them (main(argc,
// argv) is covered by split-program). The exit status comes back through exit().
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  puts("main(void) runs");
  exit(7);
}
