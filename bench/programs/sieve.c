/* Sieve of Eratosthenes over a byte array: byte loads and stores in tight loops. */
#include "bench.h"

#define LIMIT (1 << 20)
static unsigned char composite[LIMIT];

int run(int n) {
  u32 total = 0;
  for (int round = 0; round < n; ++round) {
    memset(composite, 0, LIMIT);
    u32 count = 0;
    for (u32 i = 2; i < LIMIT; ++i) {
      if (composite[i]) continue;
      ++count;
      for (u32 j = i * 2; j < LIMIT; j += i) composite[j] = 1;
    }
    total = total * 31 + count + (u32)round;
  }
  return (int)total;
}
