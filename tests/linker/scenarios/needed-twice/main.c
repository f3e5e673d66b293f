// main needs liba and libb; libb needs liba too. liba loads once: both bump the same counter.
#include <stdio.h>

void a_bump(const char *who);
void b_work(void);
extern int a_count;

int main(void) {
  a_bump("main");
  b_work();
  printf("a_count = %d\n", a_count);
  return 0;
}
