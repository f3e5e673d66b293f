// A plugin whose constructor reads the clock and random bytes and writes to stdout.
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long stamp;
__attribute__((constructor)) static void plugin_init(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  stamp = (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
  unsigned char r[4];
  getentropy(r, sizeof r);
  printf("plugin constructor: random %02x%02x%02x%02x\n", r[0], r[1], r[2], r[3]);
  fflush(stdout);
}
long long plugin_stamp(void) { return stamp; }
