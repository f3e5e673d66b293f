// The guest of wi debug's reverse-execution tests (tests/debug/reverse_property.py and
// sessions/reverse.session): it takes everything a re-run must not take again from the host — its
// standard input, the clock, random bytes — and writes standard output, which a re-run must not
// repeat. Its state lives in memory (the global `sum`, the line buffer) and in locals, which the
// tests compare between a reverse step and a fresh session's forward step.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

unsigned sum = 0;

static unsigned mix(const char* s, unsigned seed) {
  unsigned h = seed;
  for (; *s; ++s) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

int main(void) {
  char line[64];
  int n = 0;
  while (fgets(line, sizeof line, stdin)) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    unsigned r = 0;
    getentropy(&r, sizeof r);
    sum += mix(line, (unsigned)ts.tv_nsec ^ r);
    printf("%d %u %zu\n", ++n, sum, strlen(line));
  }
  printf("done %u\n", sum);
  return 0;
}
