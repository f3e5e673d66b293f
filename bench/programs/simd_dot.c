/* SIMD kernels: an f32 dot product and a 3x3 Gaussian blur (1 2 1 / 2 4 2 / 1 2 1, /16 rounded) of a
 * W x H uint8 image, plus a position-weighted checksum of every blurred row. n = number of rounds; each
 * round rewrites one input row, blurs the whole image (storing it) and takes DOTS dot products at
 * shifted offsets.
 *
 * Built twice for wasm from this one source (bench/meson.build, run_programs.py):
 *   simd_dot.wasm         -msimd128: the wasm_simd128.h kernels below (f32x4.mul/add, i16x8 widen/add/
 *                         shift, u8x16.narrow, i32x4.extadd_pairwise)
 *   simd_dot_scalar.wasm  no -msimd128, -fno-vectorize -fno-slp-vectorize: the plain C kernels
 * so the pair measures what wi's v128 instructions buy over the scalar code doing the same work. The
 * native builds use the plain C kernels (simd_dot.native may be auto-vectorized, the _scalar one not).
 * Both kernels compute exactly the same integers, and every f32 input is a multiple of 1/4 in [-2, 2],
 * so each dot product (|sum| <= 4 * L, multiples of 1/16) is exact in f32 whatever the summation
 * order: every build prints the same checksum. */
#include "bench.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define W 128          /* output width, a multiple of 16 */
#define H 128          /* output height */
#define S (W + 16)     /* input row stride: W + 2 pixels used, padded to keep rows 16-byte aligned */
#define L 4096         /* dot product length, a multiple of 8 */
#define SHIFTS 64      /* b is read at offsets 0..SHIFTS-1 */
#define DOTS 4         /* dot products per round */

static unsigned char img[(H + 2) * S] __attribute__((aligned(16)));
static unsigned char out[H * W] __attribute__((aligned(16)));
static float fa[L] __attribute__((aligned(16)));
static float fb[L + SHIFTS] __attribute__((aligned(16)));

#ifdef __wasm_simd128__

static float dot(const float* a, const float* b) {
  v128_t acc0 = wasm_f32x4_splat(0.0f), acc1 = acc0;
  for (int i = 0; i < L; i += 8) {
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    acc1 = wasm_f32x4_add(acc1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
  }
  v128_t acc = wasm_f32x4_add(acc0, acc1);
  return (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
         (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
}

/* p[x] + 2 p[x+1] + p[x+2] for 16 pixels, as two u16x8 halves. */
static inline void hsum(const unsigned char* p, v128_t* lo, v128_t* hi) {
  v128_t a = wasm_v128_load(p), b = wasm_v128_load(p + 1), c = wasm_v128_load(p + 2);
  *lo = wasm_i16x8_add(wasm_i16x8_add(wasm_u16x8_extend_low_u8x16(a), wasm_u16x8_extend_low_u8x16(c)),
                       wasm_i16x8_shl(wasm_u16x8_extend_low_u8x16(b), 1));
  *hi = wasm_i16x8_add(wasm_i16x8_add(wasm_u16x8_extend_high_u8x16(a), wasm_u16x8_extend_high_u8x16(c)),
                       wasm_i16x8_shl(wasm_u16x8_extend_high_u8x16(b), 1));
}

/* Blurs output row y (input rows y..y+2) and returns sum(out[x] * ((x & 7) + 1)). */
static u32 blur_row(int y) {
  const unsigned char* p = img + y * S;
  unsigned char* o = out + y * W;
  const v128_t round = wasm_i16x8_splat(8), weights = wasm_i16x8_make(1, 2, 3, 4, 5, 6, 7, 8);
  v128_t acc = wasm_i32x4_splat(0);
  for (int x = 0; x < W; x += 16) {
    v128_t l0, h0, l1, h1, l2, h2;
    hsum(p + x, &l0, &h0);
    hsum(p + S + x, &l1, &h1);
    hsum(p + 2 * S + x, &l2, &h2);
    v128_t lo = wasm_i16x8_add(wasm_i16x8_add(l0, l2), wasm_i16x8_add(wasm_i16x8_shl(l1, 1), round));
    v128_t hi = wasm_i16x8_add(wasm_i16x8_add(h0, h2), wasm_i16x8_add(wasm_i16x8_shl(h1, 1), round));
    lo = wasm_u16x8_shr(lo, 4);
    hi = wasm_u16x8_shr(hi, 4);
    wasm_v128_store(o + x, wasm_u8x16_narrow_i16x8(lo, hi));
    /* lanes <= 255 * 8 each, so the sum of the two halves fits in u16 */
    v128_t w = wasm_i16x8_add(wasm_i16x8_mul(lo, weights), wasm_i16x8_mul(hi, weights));
    acc = wasm_i32x4_add(acc, wasm_u32x4_extadd_pairwise_u16x8(w));
  }
  return (wasm_u32x4_extract_lane(acc, 0) + wasm_u32x4_extract_lane(acc, 1)) +
         (wasm_u32x4_extract_lane(acc, 2) + wasm_u32x4_extract_lane(acc, 3));
}

#else

static float dot(const float* a, const float* b) {
  float sum = 0.0f;
  for (int i = 0; i < L; ++i) sum += a[i] * b[i];
  return sum;
}

static u32 blur_row(int y) {
  const unsigned char* p = img + y * S;
  unsigned char* o = out + y * W;
  u32 acc = 0;
  for (int x = 0; x < W; ++x) {
    u32 h0 = p[x] + 2u * p[x + 1] + p[x + 2];
    u32 h1 = p[S + x] + 2u * p[S + x + 1] + p[S + x + 2];
    u32 h2 = p[2 * S + x] + 2u * p[2 * S + x + 1] + p[2 * S + x + 2];
    u32 v = (h0 + 2u * h1 + h2 + 8u) >> 4;
    o[x] = (unsigned char)v;
    acc += v * ((u32)(x & 7) + 1u);
  }
  return acc;
}

#endif

int run(int n) {
  u32 seed = 0x9e3779b9u;
  for (int i = 0; i < (H + 2) * S; ++i) img[i] = (unsigned char)(bench_rand(&seed) >> 24);
  for (int i = 0; i < L; ++i) fa[i] = (float)((int)(bench_rand(&seed) % 17) - 8) * 0.25f;
  for (int i = 0; i < L + SHIFTS; ++i) fb[i] = (float)((int)(bench_rand(&seed) % 17) - 8) * 0.25f;
  u32 sum = 0;
  for (int r = 0; r < n; ++r) {
    unsigned char* row = img + (u32)r % (H + 2) * S;  /* new data in one input row per round */
    for (int x = 0; x < W + 2; ++x) row[x] = (unsigned char)(bench_rand(&seed) >> 24);
    for (int y = 0; y < H; ++y) sum = sum * 31u + blur_row(y);
    for (int d = 0; d < DOTS; ++d) {
      float v = dot(fa, fb + ((u32)r * 7u + (u32)d * 13u) % SHIFTS);
      sum = sum * 31u + (u32)(int)(v * 16.0f);
    }
    sum = sum * 31u + out[(u32)r * 4099u % (H * W)];  /* reads out, so its stores are not dead */
  }
  return (int)(sum ^ (sum >> 16));
}
