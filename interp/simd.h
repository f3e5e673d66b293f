// v128 values and the lane helpers behind interp/simd.def: every WebAssembly 2.0 fixed-width SIMD
// operation whose wasm semantics C++ operators on GCC vector types do not give directly (saturation,
// widening, narrowing, float min/max and rounding, NaN rules, conversions, shuffles, lane loads).
// Helpers are exact; SSE2 (the x86-64 baseline) is used where an instruction has exactly the wasm
// meaning, with a portable lane loop otherwise.
// https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions
#pragma once
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include "interp/numeric.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace wi::simd {

typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef int8_t i8x16 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef int16_t i16x8 __attribute__((vector_size(16)));
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef uint64_t u64x2 __attribute__((vector_size(16)));
typedef int64_t i64x2 __attribute__((vector_size(16)));
typedef float f32x4 __attribute__((vector_size(16)));
typedef double f64x2 __attribute__((vector_size(16)));

// One v128 value with every lane view. Lane i of a view is at byte i * lane size (little-endian, as
// wasm numbers lanes). Reading another member than the last written is GCC-documented type punning.
union V {
  u8x16 u8;
  i8x16 i8;
  u16x8 u16;
  i16x8 i16;
  u32x4 u32;
  i32x4 i32;
  u64x2 u64;
  i64x2 i64;
  f32x4 f32;
  f64x2 f64;
  uint8_t bytes[16];
#if defined(__SSE2__)
  __m128i m;
  __m128 mf;
  __m128d md;
#endif
};
static_assert(sizeof(V) == 16);

// Frame slots are 8-byte aligned, so v128 operands move through memcpy (an unaligned 16-byte move).
inline V load(const void* p) {
  V v;
  std::memcpy(&v, p, 16);
  return v;
}
inline void store(void* p, const V& v) { std::memcpy(p, &v, 16); }

// ---- generic lane access and lane loops ----
template <class T>
constexpr unsigned kLanes = 16 / sizeof(T);
template <class T>
inline T get(const V& v, unsigned i) {
  T x;
  std::memcpy(&x, v.bytes + i * sizeof(T), sizeof(T));
  return x;
}
template <class T>
inline void set(V& v, unsigned i, T x) {
  std::memcpy(v.bytes + i * sizeof(T), &x, sizeof(T));
}
template <class T, class F>
inline V map1(const V& a, F f) {
  V r;
  for (unsigned i = 0; i < kLanes<T>; ++i) set<T>(r, i, T(f(get<T>(a, i))));
  return r;
}
template <class T, class F>
inline V map2(const V& a, const V& b, F f) {
  V r;
  for (unsigned i = 0; i < kLanes<T>; ++i) set<T>(r, i, T(f(get<T>(a, i), get<T>(b, i))));
  return r;
}
template <class T>
inline V splat(T x) {
  V r;
  for (unsigned i = 0; i < kLanes<T>; ++i) set<T>(r, i, x);
  return r;
}
template <class T>
inline T clamp_to(int64_t v) {
  return T(std::clamp<int64_t>(v, std::numeric_limits<T>::min(), std::numeric_limits<T>::max()));
}

// ---- integer ----
// iabs: |x| with wraparound (abs of the minimum is the minimum).
template <class T>
inline V iabs(const V& a) {
  using U = std::make_unsigned_t<T>;
  return map1<T>(a, [](T x) { return T(x < 0 ? U(U(0) - U(x)) : U(x)); });
}

// Saturating add/sub on 8- and 16-bit lanes.
// https://webassembly.github.io/spec/core/exec/numerics.html#op-iadd-sat-s
template <class T>
inline V add_sat(const V& a, const V& b) {
  static_assert(sizeof(T) <= 2);
  V r;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<T, int8_t>) r.m = _mm_adds_epi8(a.m, b.m);
  else if constexpr (std::is_same_v<T, uint8_t>) r.m = _mm_adds_epu8(a.m, b.m);
  else if constexpr (std::is_same_v<T, int16_t>) r.m = _mm_adds_epi16(a.m, b.m);
  else r.m = _mm_adds_epu16(a.m, b.m);
#else
  r = map2<T>(a, b, [](T x, T y) { return clamp_to<T>(int64_t(x) + int64_t(y)); });
#endif
  return r;
}
template <class T>
inline V sub_sat(const V& a, const V& b) {
  static_assert(sizeof(T) <= 2);
  V r;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<T, int8_t>) r.m = _mm_subs_epi8(a.m, b.m);
  else if constexpr (std::is_same_v<T, uint8_t>) r.m = _mm_subs_epu8(a.m, b.m);
  else if constexpr (std::is_same_v<T, int16_t>) r.m = _mm_subs_epi16(a.m, b.m);
  else r.m = _mm_subs_epu16(a.m, b.m);
#else
  r = map2<T>(a, b, [](T x, T y) { return clamp_to<T>(int64_t(x) - int64_t(y)); });
#endif
  return r;
}

// avgr_u: (a + b + 1) / 2 without overflow (SSE2 pavgb/pavgw compute exactly this).
template <class T>
inline V avgr_u(const V& a, const V& b) {
  V r;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<T, uint8_t>) r.m = _mm_avg_epu8(a.m, b.m);
  else r.m = _mm_avg_epu16(a.m, b.m);
#else
  r = map2<T>(a, b, [](T x, T y) { return T((uint32_t(x) + uint32_t(y) + 1) >> 1); });
#endif
  return r;
}

// narrow: the lanes of a then b, each read signed and saturated to the narrower type To.
// https://webassembly.github.io/spec/core/exec/instructions.html#exec-vec-narrow
template <class From, class To>
inline V narrow(const V& a, const V& b) {
  static_assert(std::is_signed_v<From> && sizeof(To) * 2 == sizeof(From));
  V r;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<To, int8_t>) { r.m = _mm_packs_epi16(a.m, b.m); return r; }
  if constexpr (std::is_same_v<To, uint8_t>) { r.m = _mm_packus_epi16(a.m, b.m); return r; }
  if constexpr (std::is_same_v<To, int16_t>) { r.m = _mm_packs_epi32(a.m, b.m); return r; }
#endif
  constexpr unsigned n = kLanes<From>;
  for (unsigned i = 0; i < n; ++i) {
    set<To>(r, i, clamp_to<To>(get<From>(a, i)));
    set<To>(r, i + n, clamp_to<To>(get<From>(b, i)));
  }
  return r;
}

// extend: the low or high half of the lanes, each widened (sign or zero by From's signedness).
template <class From, class To>
inline V extend(const V& a, bool high) {
  V r;
  unsigned base = high ? kLanes<To> : 0;
  for (unsigned i = 0; i < kLanes<To>; ++i) set<To>(r, i, To(get<From>(a, base + i)));
  return r;
}
// extmul: widen the low or high halves of a and b, then multiply (the product always fits To).
template <class From, class To>
inline V extmul(const V& a, const V& b, bool high) {
  V r;
  unsigned base = high ? kLanes<To> : 0;
  for (unsigned i = 0; i < kLanes<To>; ++i)
    set<To>(r, i, To(To(get<From>(a, base + i)) * To(get<From>(b, base + i))));
  return r;
}
// extadd_pairwise: widened sums of adjacent lanes.
template <class From, class To>
inline V extadd_pairwise(const V& a) {
  V r;
  for (unsigned i = 0; i < kLanes<To>; ++i)
    set<To>(r, i, To(To(get<From>(a, 2 * i)) + To(get<From>(a, 2 * i + 1))));
  return r;
}
// i32x4.dot_i16x8_s: sums of adjacent signed products, wrapping (only -2^15*-2^15*2 wraps; pmaddwd
// wraps the same way).
inline V dot_i16x8_s(const V& a, const V& b) {
  V r;
#if defined(__SSE2__)
  r.m = _mm_madd_epi16(a.m, b.m);
#else
  for (unsigned i = 0; i < 4; ++i) {
    int64_t s = int64_t(get<int16_t>(a, 2 * i)) * get<int16_t>(b, 2 * i) +
                int64_t(get<int16_t>(a, 2 * i + 1)) * get<int16_t>(b, 2 * i + 1);
    set<uint32_t>(r, i, uint32_t(s));
  }
#endif
  return r;
}
// f32x4/f64x2 add and mul with num::fadd's NaN rule in every lane (numeric.h says why): the first
// operand's NaN wins. Vector operands come in registers (SSE's addps would want an aligned memory one).
#if defined(WI_HAVE_FIRST_NAN_OP)
WI_FIRST_NAN_OP(fadd, f32x4, "addps", "x")
WI_FIRST_NAN_OP(fadd, f64x2, "addpd", "x")
WI_FIRST_NAN_OP(fmul, f32x4, "mulps", "x")
WI_FIRST_NAN_OP(fmul, f64x2, "mulpd", "x")
#else
#define WI_FIRST_NAN_LANES(name, Vec, lanes)                          \
  inline Vec name(Vec a, Vec b) {                                     \
    Vec r;                                                            \
    for (unsigned i = 0; i < lanes; ++i) r[i] = num::name(a[i], b[i]); \
    return r;                                                         \
  }
WI_FIRST_NAN_LANES(fadd, f32x4, 4)
WI_FIRST_NAN_LANES(fadd, f64x2, 2)
WI_FIRST_NAN_LANES(fmul, f32x4, 4)
WI_FIRST_NAN_LANES(fmul, f64x2, 2)
#undef WI_FIRST_NAN_LANES
#endif

// f32x4/f64x2.relaxed_madd and relaxed_nmadd in the deterministic profile: fadd(fmul(±a, b), c), two
// roundings. The product is its own statement: compilers contract a*b+c written as one expression into
// an FMA where the target has one (clang's -ffp-contract=on), which would change results.
template <class F>
inline V madd_unfused(const V& a, const V& b, const V& c, bool negate) {
  V r;
  for (unsigned i = 0; i < kLanes<F>; ++i) {
    F x = get<F>(a, i);
    F product = num::fmul(negate ? -x : x, get<F>(b, i));
    set<F>(r, i, num::fadd(product, get<F>(c, i)));
  }
  return r;
}
// i16x8.relaxed_dot_i8x16_i7x16_s in the deterministic profile: lane i = a[2i]*b[2i] + a[2i+1]*b[2i+1],
// signed bytes, the sum wrapping to 16 bits (only (-128*-128)*2 = 32768 wraps).
inline V dot_i8x16_s(const V& a, const V& b) {
  V r;
  for (unsigned i = 0; i < 8; ++i) {
    int32_t s = int32_t(get<int8_t>(a, 2 * i)) * get<int8_t>(b, 2 * i) +
                int32_t(get<int8_t>(a, 2 * i + 1)) * get<int8_t>(b, 2 * i + 1);
    set<uint16_t>(r, i, uint16_t(s));
  }
  return r;
}
// i32x4.relaxed_dot_i8x16_i7x16_add_s: the 16-bit pair sums above, added in pairs (sign-extended) to
// 32 bits, plus c, wrapping.
inline V dot_i8x16_add_s(const V& a, const V& b, const V& c) {
  V d = dot_i8x16_s(a, b), r;
  for (unsigned i = 0; i < 4; ++i) {
    int32_t s = int32_t(get<int16_t>(d, 2 * i)) + get<int16_t>(d, 2 * i + 1);
    set<uint32_t>(r, i, uint32_t(s) + get<uint32_t>(c, i));
  }
  return r;
}
// i16x8.q15mulr_sat_s: (a * b + 2^14) >> 15, saturated; only INT16_MIN * INT16_MIN saturates.
// https://webassembly.github.io/spec/core/exec/numerics.html#op-iq15mulr-sat-s
inline V q15mulr_sat_s(const V& a, const V& b) {
  return map2<int16_t>(a, b, [](int16_t x, int16_t y) {
    return clamp_to<int16_t>((int32_t(x) * int32_t(y) + 0x4000) >> 15);
  });
}

inline V popcnt8(const V& a) {
  return map1<uint8_t>(a, [](uint8_t x) { return uint8_t(std::popcount(x)); });
}

// bitmask: bit i of the result is the sign bit of lane i.
template <class T>
inline uint32_t bitmask(const V& a) {
#if defined(__SSE2__)
  if constexpr (sizeof(T) == 1) return uint32_t(_mm_movemask_epi8(a.m));
  if constexpr (sizeof(T) == 2) return uint32_t(_mm_movemask_epi8(_mm_packs_epi16(a.m, _mm_setzero_si128())));
  if constexpr (sizeof(T) == 4) return uint32_t(_mm_movemask_ps(a.mf));
  if constexpr (sizeof(T) == 8) return uint32_t(_mm_movemask_pd(a.md));
#endif
  uint32_t r = 0;
  for (unsigned i = 0; i < kLanes<T>; ++i) r |= uint32_t(get<T>(a, i) < 0) << i;
  return r;
}
template <class T>
inline uint32_t all_true(const V& a) {
  for (unsigned i = 0; i < kLanes<T>; ++i)
    if (get<T>(a, i) == 0) return 0;
  return 1;
}
inline uint32_t any_true(const V& a) { return (a.u64[0] | a.u64[1]) != 0; }

// Shifts take the count modulo the lane width.
template <class T>
constexpr int shift_count(uint32_t n) { return int(n & (sizeof(T) * 8 - 1)); }

// i8x16.shuffle: lane i = (a ++ b)[lanes[i]] (indices < 32, validated); swizzle: a[b[i]], or 0
// when b[i] >= 16.
inline V shuffle(const V& a, const V& b, const uint8_t lanes[16]) {
  uint8_t both[32];
  std::memcpy(both, a.bytes, 16);
  std::memcpy(both + 16, b.bytes, 16);
  V r;
  for (unsigned i = 0; i < 16; ++i) r.bytes[i] = both[lanes[i] & 31];
  return r;
}
inline V swizzle(const V& a, const V& b) {
  V r;
  for (unsigned i = 0; i < 16; ++i) r.bytes[i] = b.bytes[i] < 16 ? a.bytes[b.bytes[i]] : 0;
  return r;
}

// ---- float ----
// min/max: NaN if either operand is NaN (we return the canonical NaN, which every NaN rule allows);
// -0.0 < +0.0. SSE2's minps/maxps return the second operand on NaN and on equal zeros, so taking both
// operand orders and combining fixes the zeros, and an unordered mask substitutes the canonical NaN.
// https://webassembly.github.io/spec/core/exec/numerics.html#op-fmin
template <class F>
inline V fmin(const V& a, const V& b) {
  V r;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<F, float>) {
    __m128 m = _mm_or_ps(_mm_min_ps(a.mf, b.mf), _mm_min_ps(b.mf, a.mf));
    __m128 nan = _mm_cmpunord_ps(a.mf, b.mf);
    r.mf = _mm_or_ps(_mm_andnot_ps(nan, m), _mm_and_ps(nan, _mm_set1_ps(std::numeric_limits<float>::quiet_NaN())));
  } else {
    __m128d m = _mm_or_pd(_mm_min_pd(a.md, b.md), _mm_min_pd(b.md, a.md));
    __m128d nan = _mm_cmpunord_pd(a.md, b.md);
    r.md = _mm_or_pd(_mm_andnot_pd(nan, m), _mm_and_pd(nan, _mm_set1_pd(std::numeric_limits<double>::quiet_NaN())));
  }
#else
  r = map2<F>(a, b, [](F x, F y) { return num::fmin(x, y); });
#endif
  return r;
}
template <class F>
inline V fmax(const V& a, const V& b) {
  V r;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<F, float>) {
    __m128 m = _mm_and_ps(_mm_max_ps(a.mf, b.mf), _mm_max_ps(b.mf, a.mf));
    __m128 nan = _mm_cmpunord_ps(a.mf, b.mf);
    r.mf = _mm_or_ps(_mm_andnot_ps(nan, m), _mm_and_ps(nan, _mm_set1_ps(std::numeric_limits<float>::quiet_NaN())));
  } else {
    __m128d m = _mm_and_pd(_mm_max_pd(a.md, b.md), _mm_max_pd(b.md, a.md));
    __m128d nan = _mm_cmpunord_pd(a.md, b.md);
    r.md = _mm_or_pd(_mm_andnot_pd(nan, m), _mm_and_pd(nan, _mm_set1_pd(std::numeric_limits<double>::quiet_NaN())));
  }
#else
  r = map2<F>(a, b, [](F x, F y) { return num::fmax(x, y); });
#endif
  return r;
}

template <class F>
inline V fsqrt(const V& a) {
  V r;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<F, float>) r.mf = _mm_sqrt_ps(a.mf);
  else r.md = _mm_sqrt_pd(a.md);
#else
  r = map1<F>(a, [](F x) { return std::sqrt(x); });
#endif
  return r;
}

// Lane conversions From -> To over min(lanes of From, lanes of To) lanes; remaining result lanes are
// zero (the *_zero ops) and remaining input lanes are ignored (the *_low ops).
template <class From, class To, class Fn>
inline V convert(const V& a, Fn f) {
  V r{};
  constexpr unsigned n = std::min(kLanes<From>, kLanes<To>);
  for (unsigned i = 0; i < n; ++i) set<To>(r, i, To(f(get<From>(a, i))));
  return r;
}

// ---- memory ----
// load*_extend: kLanes<To> narrow values widened (sign or zero by From).
template <class From, class To>
inline V load_extend(const uint8_t* m) {
  V r;
  for (unsigned i = 0; i < kLanes<To>; ++i) {
    From x;
    std::memcpy(&x, m + i * sizeof(From), sizeof(From));
    set<To>(r, i, To(x));
  }
  return r;
}
template <class T>
inline V load_splat(const uint8_t* m) {
  T x;
  std::memcpy(&x, m, sizeof(T));
  return splat<T>(x);
}
template <class T>
inline V load_zero(const uint8_t* m) {
  V r{};
  std::memcpy(r.bytes, m, sizeof(T));
  return r;
}

}  // namespace wi::simd
