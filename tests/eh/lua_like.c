// setjmp/longjmp the way Lua uses them (nested protected calls, errors through many frames, across a
// shared library in both directions, errors while handling errors), under wi and under node.
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include "lstate.h"

static int recurse(int n) {
  char local[16];
  snprintf(local, sizeof local, "level %d", n);
  if (n == 0) l_error(2, "deep error at level 0");
  return recurse(n - 1) + (int)strlen(local);
}
static int fail_deep(void *ud) { return recurse(*(int *)ud); }
static int fail_now(void *ud) { l_error(*(int *)ud, "failed at once"); }
static int succeed(void *ud) { return *(int *)ud * 0; }

static int inner_ok;
static int nested(void *ud) {
  (void)ud;
  int depth = 12;
  int st = l_pcall(fail_deep, &depth);
  printf("  inner pcall: status %d (%s), handlers %d\n", st, l_last_message(), l_handler_depth());
  inner_ok = st == 2;
  l_error(3, "outer error after the inner one was handled");
}

static int error_in_handler(void *ud) {
  (void)ud;
  int code = 4;
  if (l_pcall(fail_now, &code) == 4) {
    int again = 5;
    int st = l_pcall(fail_now, &again);  // an error while recovering from one
    printf("  error while handling: status %d\n", st);
    l_error(6, "rethrown from the handler");
  }
  return 0;
}

static int through_library(void *ud) {
  int frames = *(int *)ud;
  int depth = 3;
  return l_call_deep(frames, fail_deep, &depth);  // main -> lib (deep) -> main -> error in lib
}

static jmp_buf local_jb;
static int bounce_count;

int main(void) {
  int depth = 40;
  int st = l_pcall(fail_deep, &depth);
  printf("deep: status %d (%s), handlers %d\n", st, l_last_message(), l_handler_depth());

  st = l_pcall(nested, NULL);
  printf("nested: status %d (%s), inner ok %d, handlers %d\n", st, l_last_message(), inner_ok, l_handler_depth());

  st = l_pcall(error_in_handler, NULL);
  printf("in handler: status %d (%s)\n", st, l_last_message());

  int frames = 25;
  st = l_pcall(through_library, &frames);
  printf("through the library: status %d (%s)\n", st, l_last_message());

  // A setjmp in main, longjmp from the library: the value arrives, 0 becomes 1, locals survive.
  volatile int rounds = 0;
  int v = setjmp(local_jb);
  bounce_count += v;
  if (rounds < 4) {
    int next = rounds++;
    l_bounce(&local_jb, next);
  }
  printf("bounced: rounds %d, sum of values %d\n", rounds, bounce_count);

  long total = 0;
  int code = 7;
  for (int i = 0; i < 100000; ++i) total += l_pcall(i % 2 ? fail_now : succeed, &code);
  printf("100000 pcalls: status sum %ld, handlers %d\n", total, l_handler_depth());

  l_error(9, "no handler left");
}
