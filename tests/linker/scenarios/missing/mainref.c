// Takes the address of data no module defines: a link error (data cannot bind lazily).
#include <stdio.h>

extern int half_data;
int half_fn(void);

int main(void) {
  printf("%d %d\n", half_fn(), half_data);
  return 0;
}
