// clock_res_get, clock_time_get and random_get: all four clock ids, invalid ids (EINVAL = 28), bad
// pointers (EFAULT = 21), monotonicity, libc's time functions on top, and random bytes that are not
// constant. Prints only facts that hold on any host (no actual times or random values).
// node: differs on the bad pointers (uvwasi says EOVERFLOW = 61); the rest agrees.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <wasi/api.h>

int main(void) {
  for (__wasi_clockid_t id = 0; id < 4; ++id) {
    __wasi_timestamp_t res = 0, t = 0;
    __wasi_errno_t e1 = __wasi_clock_res_get(id, &res);
    __wasi_errno_t e2 = __wasi_clock_time_get(id, 1, &t);
    printf("clock %u: res errno=%d res>0=%d res<=1s=%d time errno=%d time>0=%d\n", id, e1, res > 0,
           res <= 1000000000ull, e2, t > 0);
  }
  __wasi_timestamp_t t = 0;
  printf("clock_res_get(99): errno=%d\n", __wasi_clock_res_get(99, &t));
  printf("clock_time_get(99): errno=%d\n", __wasi_clock_time_get(99, 0, &t));
  printf("clock_res_get bad ptr: errno=%d\n", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, (__wasi_timestamp_t*)0xfffffffcu));
  printf("clock_time_get bad ptr: errno=%d\n", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, (__wasi_timestamp_t*)0xfffffff9u));

  (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &t);
  printf("realtime after 2020: %d\n", t > 1577836800ull * 1000000000ull);
  __wasi_timestamp_t prev = 0;
  int monotonic = 1;
  for (int i = 0; i < 1000; ++i) {
    __wasi_timestamp_t now;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &now);
    monotonic &= now >= prev;
    prev = now;
  }
  printf("monotonic never goes back: %d\n", monotonic);
  struct timespec ts;
  struct timeval tv;
  printf("libc: time>2020=%d clock_gettime=%d gettimeofday=%d\n", time(0) > 1577836800,
         clock_gettime(CLOCK_MONOTONIC, &ts), gettimeofday(&tv, 0));
  struct timespec a, b, req = {0, 20 * 1000000};
  clock_gettime(CLOCK_MONOTONIC, &a);
  int r = nanosleep(&req, 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ms = (b.tv_sec - a.tv_sec) * 1000LL + (b.tv_nsec - a.tv_nsec) / 1000000;
  printf("nanosleep(20ms)=%d slept>=20ms=%d\n", r, ms >= 20);

  unsigned char x[64], y[64], zero[64] = {0};
  memset(x, 0, sizeof x);
  memset(y, 0, sizeof y);
  printf("random_get: errno=%d\n", __wasi_random_get(x, sizeof x));
  (void)__wasi_random_get(y, sizeof y);
  printf("random nonzero=%d two draws differ=%d\n", memcmp(x, zero, 64) != 0, memcmp(x, y, 64) != 0);
  printf("random_get len 0: errno=%d\n", __wasi_random_get(x, 0));
  printf("random_get bad ptr: errno=%d\n", __wasi_random_get((uint8_t*)0xfffffff0u, 64));
  unsigned char* big = malloc(1 << 20);
  memset(big, 0, 1 << 20);
  printf("random_get 1 MiB: errno=%d", __wasi_random_get(big, 1 << 20));
  int zeros = 0;
  for (int i = 0; i < (1 << 20); ++i) zeros += big[i] == 0;
  printf(" zero bytes plausible=%d\n", zeros > 2000 && zeros < 6000);  // expect ~4096
  printf("getentropy=%d arc4random differs=%d\n", getentropy(x, 32), arc4random() != arc4random());
  return 0;
}
