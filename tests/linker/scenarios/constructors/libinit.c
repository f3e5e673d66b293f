// Library constructors with priorities, a destructor, and an atexit handler; each records its step in
// a log the library exports, so main can show the order they ran in.
#include <stdio.h>
#include <stdlib.h>

char init_log[64];
static int steps;
static void note(char c) { init_log[steps++] = c; }

__attribute__((constructor(200))) static void late(void) { note('B'); }
__attribute__((constructor(101))) static void early(void) { note('A'); }
__attribute__((constructor)) static void plain(void) {
  note('C');
  // libc is constructed first: stdio and the environment already work here.
  printf("libinit constructor sees HOME=%s\n", getenv("HOME") ? getenv("HOME") : "(unset)");
}
__attribute__((destructor)) static void bye(void) { printf("libinit destructor\n"); }
static void at_exit(void) { printf("libinit atexit handler\n"); }
__attribute__((constructor(300))) static void reg(void) { atexit(at_exit); }
