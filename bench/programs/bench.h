/* Shared by every program in bench/programs/: each exports `int run(int n)` returning a checksum.
 * Built three times from the same source (and NAME-dyn.wasm: -DWI_LIBC, wasm32-wasi, wasmified, run
 * with libc.wasm; see bench/meson.build):
 *   wasm:   clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export=run  (no libc, no WASI)
 *   native: clang -O2 -DNATIVE ... -lm  (adds a main that prints run(atoi(argv[1])))
 * Checksums must not depend on pointer width or on the order of floating-point evaluation beyond what
 * both targets share (no FMA contraction on baseline x86-64), so every runtime prints the same number. */
#ifndef WI_BENCH_H
#define WI_BENCH_H

typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned long usize;

#if defined(WI_LIBC)
/* wasm32-wasi object wasmified into a program run with libc.wasm (NAME-dyn.wasm): libc's memset,
 * memcpy and qsort, called across modules. */
#include <stdlib.h>
#include <string.h>
#define bench_sqrt(x) __builtin_sqrt(x)
#elif defined(NATIVE)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define bench_sqrt(x) __builtin_sqrt(x)
int run(int n);
int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  printf("%d\n", run(n));
  return 0;
}
#else
/* wasm32 without libc: clang lowers __builtin_sqrt to f64.sqrt, and its loop-idiom pass may call
 * memset/memcpy, so define them here (no_builtin keeps these bodies from becoming calls to themselves). */
#define bench_sqrt(x) __builtin_sqrt(x)
__attribute__((no_builtin("memset"))) void* memset(void* d, int c, usize n) {
  unsigned char* p = (unsigned char*)d;
  while (n--) *p++ = (unsigned char)c;
  return d;
}
__attribute__((no_builtin("memcpy"))) void* memcpy(void* d, const void* s, usize n) {
  unsigned char* p = (unsigned char*)d;
  const unsigned char* q = (const unsigned char*)s;
  while (n--) *p++ = *q++;
  return d;
}
#endif

/* A small deterministic PRNG shared by the programs (xorshift32). */
static inline u32 bench_rand(u32* s) {
  u32 x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}

#endif
