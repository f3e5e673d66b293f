#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lstate.h"

struct handler {
  struct handler *previous;
  jmp_buf b;
  volatile int status;
};
static struct handler *error_jmp;
static char message[128];

int l_pcall(protected_fn f, void *ud) {
  struct handler h;
  h.status = 0;
  h.previous = error_jmp;
  error_jmp = &h;
  if (setjmp(h.b) == 0) {
    int r = f(ud);
    if (r != 0) h.status = r;
  }
  error_jmp = h.previous;
  return h.status;
}

_Noreturn void l_error(int status, const char *msg) {
  snprintf(message, sizeof message, "%s", msg);
  if (!error_jmp) {
    printf("PANIC: unprotected error: %s\n", msg);
    fflush(stdout);
    _Exit(70);
  }
  error_jmp->status = status;
  longjmp(error_jmp->b, 1);
}

const char *l_last_message(void) { return message; }

int l_handler_depth(void) {
  int n = 0;
  for (struct handler *h = error_jmp; h; h = h->previous) ++n;
  return n;
}

int l_call_deep(int frames, protected_fn f, void *ud) {
  volatile char pad[32];  // a real frame on the shadow stack at every level
  memset((char *)pad, frames, sizeof pad);
  if (frames == 0) return f(ud);
  return l_call_deep(frames - 1, f, ud) + pad[0] - frames;
}

_Noreturn void l_bounce(jmp_buf *target, int value) { longjmp(*target, value); }
