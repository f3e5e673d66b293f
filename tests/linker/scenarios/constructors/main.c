// Constructors: the library's run (in priority order) before main's, main's before main(); after
// main returns, atexit handlers and destructors run and buffered stdio is flushed.
#include <stdio.h>

extern char init_log[];
static int main_ctor_saw;

__attribute__((constructor)) static void main_ctor(void) { main_ctor_saw = init_log[0] != 0; }

int main(void) {
  printf("library constructors ran in order: %s\n", init_log);
  printf("main's constructor ran after them: %s\n", main_ctor_saw ? "yes" : "no");
  printf("buffered, flushed at exit");
  return 0;
}
