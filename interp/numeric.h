// Scalar numeric semantics that C++ does not give directly: wasm's min/max (NaN and -0.0 rules),
// nearest (round half to even), NaN canonicalization, trapping and saturating float-to-int.
// https://webassembly.github.io/spec/core/exec/numerics.html
#pragma once
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace wi::num {

template <class F>
inline F fmin(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<F>::quiet_NaN();
  if (a == 0 && b == 0) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <class F>
inline F fmax(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<F>::quiet_NaN();
  if (a == 0 && b == 0) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
template <class F>
inline F nearest(F a) { return std::nearbyint(a); }  // default rounding mode is to-nearest-even
// libm returns a signalling NaN unchanged; wasm rounding ops must return a quiet (arithmetic) NaN.
template <class F>
inline F ceil(F a) { return std::isnan(a) ? a + a : std::ceil(a); }
template <class F>
inline F floor(F a) { return std::isnan(a) ? a + a : std::floor(a); }
template <class F>
inline F trunc(F a) { return std::isnan(a) ? a + a : std::trunc(a); }

inline float fabs_bits(float a) { return std::bit_cast<float>(std::bit_cast<uint32_t>(a) & 0x7fffffffu); }
inline double fabs_bits(double a) { return std::bit_cast<double>(std::bit_cast<uint64_t>(a) & 0x7fffffffffffffffull); }
inline float fneg_bits(float a) { return std::bit_cast<float>(std::bit_cast<uint32_t>(a) ^ 0x80000000u); }
inline double fneg_bits(double a) { return std::bit_cast<double>(std::bit_cast<uint64_t>(a) ^ 0x8000000000000000ull); }
inline float fcopysign_bits(float a, float b) {
  return std::bit_cast<float>((std::bit_cast<uint32_t>(a) & 0x7fffffffu) | (std::bit_cast<uint32_t>(b) & 0x80000000u));
}
inline double fcopysign_bits(double a, double b) {
  return std::bit_cast<double>((std::bit_cast<uint64_t>(a) & 0x7fffffffffffffffull) |
                               (std::bit_cast<uint64_t>(b) & 0x8000000000000000ull));
}

// Float add and mul whose NaN result does not depend on the compiler. When both operands are NaNs,
// wasm lets the result carry either payload
// (https://webassembly.github.io/spec/core/exec/numerics.html#nan-propagation), and x86's addsd and
// mulsd keep the first operand's. But `a + b` commutes in C++, so the compiler orders the operands
// afresh in every handler it inlines the op into: an accumulator form, a pair and the plain handler
// of one op did not agree, and a traced run (plain handlers) returned other NaN bits than an untraced
// one (seed 881536 of tests/fuzz/diff_exec.py). A recorded run replayed under tracing or the debugger
// must compute what it computed before, so the order is pinned: the first operand's NaN wins.
// x86-64 pins it with the instruction itself (no cost); elsewhere first_nan_* states the rule in C++.
template <class F>
inline F fadd_first_nan(F a, F b) { return std::isnan(a) ? a + a : a + b; }  // a + a: a's payload, quiet
template <class F>
inline F fmul_first_nan(F a, F b) { return std::isnan(a) ? a * a : a * b; }
#if defined(__x86_64__) && defined(__SSE2__)
// b_in is "x", a register, for scalars too: given "xm", clang picks memory and spills the operand to
// the stack first (nbody ran 22 % slower); a register costs at most a load the op would have folded.
// (A vector's must be a register anyway: SSE's addps wants an aligned memory operand.)
#if defined(__AVX__)
#define WI_FIRST_NAN_OP(name, T, insn, b_in)                  \
  inline T name(T a, T b) {                                   \
    T r;                                                      \
    asm("v" insn " %2, %1, %0" : "=x"(r) : "x"(a), b_in(b));  \
    return r;                                                 \
  }
#else
#define WI_FIRST_NAN_OP(name, T, insn, b_in)      \
  inline T name(T a, T b) {                       \
    asm(insn " %1, %0" : "+x"(a) : b_in(b));      \
    return a;                                     \
  }
#endif
WI_FIRST_NAN_OP(fadd, float, "addss", "x")
WI_FIRST_NAN_OP(fadd, double, "addsd", "x")
WI_FIRST_NAN_OP(fmul, float, "mulss", "x")
WI_FIRST_NAN_OP(fmul, double, "mulsd", "x")
#define WI_HAVE_FIRST_NAN_OP 1  // simd.h defines the vector forms with WI_FIRST_NAN_OP too
#else
inline float fadd(float a, float b) { return fadd_first_nan(a, b); }
inline double fadd(double a, double b) { return fadd_first_nan(a, b); }
inline float fmul(float a, float b) { return fmul_first_nan(a, b); }
inline double fmul(double a, double b) { return fmul_first_nan(a, b); }
#endif

// Range checks for trapping truncation: true when trunc(x) fits the integer type.
// Bounds are exact powers of two, so they are representable in every float type.
template <class I, class F>
inline bool trunc_in_range(F x) {
  if (std::isnan(x)) return false;
  F t = std::trunc(x);
  if constexpr (std::is_signed_v<I>) {
    constexpr F lo = -F(std::numeric_limits<I>::max()) - F(1);  // -2^(n-1), exact
    return t >= lo && t < -lo;
  } else {
    constexpr F hi = F(std::numeric_limits<I>::max() / 2 + 1) * F(2);  // 2^n
    return t >= F(0) && t < hi;
  }
}

template <class I, class F>
inline I trunc_sat(F x) {
  if (std::isnan(x)) return 0;
  if constexpr (std::is_signed_v<I>) {
    constexpr F lo = -F(std::numeric_limits<I>::max()) - F(1);
    if (x < lo) return std::numeric_limits<I>::min();
    if (x >= -lo) return std::numeric_limits<I>::max();
  } else {
    constexpr F hi = F(std::numeric_limits<I>::max() / 2 + 1) * F(2);
    if (x <= F(-1)) return 0;
    if (x >= hi) return std::numeric_limits<I>::max();
  }
  return I(x);
}

inline uint32_t rotl32(uint32_t a, uint32_t b) { return std::rotl(a, int(b & 31)); }
inline uint32_t rotr32(uint32_t a, uint32_t b) { return std::rotr(a, int(b & 31)); }
inline uint64_t rotl64(uint64_t a, uint64_t b) { return std::rotl(a, int(b & 63)); }
inline uint64_t rotr64(uint64_t a, uint64_t b) { return std::rotr(a, int(b & 63)); }

// u64 -> f32 must round once (a naive two-step conversion rounds twice).
inline float u64_to_f32(uint64_t v) { return float(v); }
inline double u64_to_f64(uint64_t v) { return double(v); }

}  // namespace wi::num
