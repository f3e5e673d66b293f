// Lazy binding: a call to a symbol no module defines links fine and traps only when made, naming the
// symbol and the caller; --bind-now refuses to load the program instead.
#include <stdio.h>

int present(int x);
int not_here(int x);

int main(int argc, char **argv) {
  printf("present(1) = %d\n", present(1));
  fflush(stdout);
  if (argc > 1) printf("not_here(1) = %d\n", not_here(1));
  return 0;
}
