/* Function-pointer dispatch: a table of small operations called through pointers in a data-dependent
 * order (call_indirect with varying targets), like an interpreter of closures or a visitor. */
#include "bench.h"

typedef u32 (*op_fn)(u32 acc, u32 x);

__attribute__((noinline)) static u32 op_add(u32 a, u32 x) { return a + x; }
__attribute__((noinline)) static u32 op_xor(u32 a, u32 x) { return a ^ (x * 0x9e3779b9u); }
__attribute__((noinline)) static u32 op_rot(u32 a, u32 x) { return (a << (x & 31)) | (a >> ((32 - x) & 31)); }
__attribute__((noinline)) static u32 op_mul(u32 a, u32 x) { return a * (x | 1); }
__attribute__((noinline)) static u32 op_sub(u32 a, u32 x) { return a - (x >> 3); }
__attribute__((noinline)) static u32 op_mix(u32 a, u32 x) { return (a ^ (a >> 15)) + x; }
__attribute__((noinline)) static u32 op_neg(u32 a, u32 x) { return ~a + (x & 0xff); }
__attribute__((noinline)) static u32 op_div(u32 a, u32 x) { return a / ((x & 7) + 1) + a; }

static op_fn const ops[8] = {op_add, op_xor, op_rot, op_mul, op_sub, op_mix, op_neg, op_div};

/* Keep the table opaque so clang cannot turn the indirect call into a switch. */
static op_fn volatile_ops[8];

int run(int n) {
  for (int i = 0; i < 8; ++i) volatile_ops[i] = ops[i];
  __asm__ volatile("" ::: "memory");
  u32 acc = 1, seed = 12345;
  for (int i = 0; i < n; ++i) {
    u32 r = bench_rand(&seed);
    acc = volatile_ops[(r ^ acc) & 7](acc, r);
  }
  return (int)acc;
}
