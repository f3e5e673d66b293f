// SIMD execution edge cases (interp/simd.def, interp/simd.h), on modules assembled from bytes: NaN and
// signed-zero rules of float min/max/pmin/pmax, saturation (narrow, q15mulr, trunc_sat), swizzle's
// out-of-range indices, lane memory accesses and their bounds, results written over their own operands
// (local.set fused into the producing op), and the disassembler's operand layouts.
#include <doctest/doctest.h>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include "interp/regop.h"
#include "interp/simd.h"
#include "tests/wasm_builder.h"

using namespace wb;
using wi::Store;
using wi::ValType;
using wi::Value;

namespace {

constexpr uint8_t V128 = 0x7b;

Bytes simd(uint32_t sub) { return code(0xfd, leb(sub)); }
Bytes simd_mem(uint32_t sub, uint32_t offset, uint32_t align) { return code(simd(sub), leb(align), leb(offset)); }

// SIMD opcodes used below (decoder/opcodes_simd.def).
namespace vop {
constexpr uint32_t load = 0, store = 11, shuffle = 13, swizzle = 14, i8x16_extract_lane_s = 21,
                   load8_lane = 84, store64_lane = 91, i8x16_narrow_s = 101, i8x16_narrow_u = 102,
                   f32x4_nearest = 106, i8x16_add = 110, q15mulr = 130, i16x8_narrow_u = 134,
                   i32x4_trunc_sat_f32x4_s = 248, i32x4_trunc_sat_f32x4_u = 249, f32x4_min = 232,
                   f32x4_max = 233, f32x4_pmin = 234, f32x4_pmax = 235, f64x2_min = 244, f64x2_max = 245,
                   i8x16_bitmask = 100, i16x8_bitmask = 132, i32x4_dot = 186, i64x2_abs = 192;
}

template <class T>
Value v128(std::initializer_list<T> lanes) {
  REQUIRE(lanes.size() * sizeof(T) == 16);
  Value v;
  v.type = ValType::V128;
  std::memcpy(v.v128, lanes.begin(), 16);
  return v;
}
template <class T>
T lane(const Value& v, unsigned i) {
  T x;
  std::memcpy(&x, v.v128 + i * sizeof(T), sizeof(T));
  return x;
}
uint32_t bits(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t bits(double f) { return std::bit_cast<uint64_t>(f); }
float f32_bits(uint32_t b) { return std::bit_cast<float>(b); }

// (v128 [, v128]) -> v128 applying one SIMD op to the parameters.
Bytes unary(uint32_t sub) {
  ModuleBuilder m;
  m.export_func("f", m.func(m.type({V128}, {V128}), code(local_get(0), simd(sub), op::end)));
  return m.build();
}
Bytes binary(uint32_t sub) {
  ModuleBuilder m;
  m.export_func("f", m.func(m.type({V128, V128}, {V128}), code(local_get(0), local_get(1), simd(sub), op::end)));
  return m.build();
}

Value call1(Store& s, const Bytes& mod, Value a) {
  auto r = run(s, instantiate(s, mod), "f", {a});
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].type == ValType::V128);
  return r[0];
}
Value call2(Store& s, const Bytes& mod, Value a, Value b) {
  auto r = run(s, instantiate(s, mod), "f", {a, b});
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].type == ValType::V128);
  return r[0];
}

bool is_canonical_nan32(uint32_t b) { return (b & 0x7fffffffu) == 0x7fc00000u; }
bool is_arithmetic_nan32(uint32_t b) { return (b & 0x7fc00000u) == 0x7fc00000u; }
bool is_canonical_nan64(uint64_t b) { return (b & 0x7fffffffffffffffull) == 0x7ff8000000000000ull; }

}  // namespace

TEST_CASE("f32x4.min/max: NaN operands give a NaN, -0.0 orders below +0.0") {
  Store s;
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const float snan = f32_bits(0x7fa00000u);  // signalling, payload not canonical
  Value a = v128<float>({nan, 1.0f, snan, -0.0f});
  Value b = v128<float>({1.0f, nan, 0.0f, 0.0f});
  Value mn = call2(s, binary(vop::f32x4_min), a, b);
  CHECK(is_canonical_nan32(lane<uint32_t>(mn, 0)));
  CHECK(is_canonical_nan32(lane<uint32_t>(mn, 1)));
  CHECK(is_arithmetic_nan32(lane<uint32_t>(mn, 2)));
  CHECK(lane<uint32_t>(mn, 3) == bits(-0.0f));
  Value mx = call2(s, binary(vop::f32x4_max), a, b);
  CHECK(is_canonical_nan32(lane<uint32_t>(mx, 0)));
  CHECK(is_canonical_nan32(lane<uint32_t>(mx, 1)));
  CHECK(is_arithmetic_nan32(lane<uint32_t>(mx, 2)));
  CHECK(lane<uint32_t>(mx, 3) == bits(0.0f));
  // Both operand orders of the zeros, and ordinary values with infinities.
  Value z = call2(s, binary(vop::f32x4_max), v128<float>({0.0f, -0.0f, -inf, 2.0f}),
                  v128<float>({-0.0f, 0.0f, -3.0f, inf}));
  CHECK(lane<uint32_t>(z, 0) == bits(0.0f));
  CHECK(lane<uint32_t>(z, 1) == bits(0.0f));
  CHECK(lane<float>(z, 2) == -3.0f);
  CHECK(lane<float>(z, 3) == inf);
  z = call2(s, binary(vop::f32x4_min), v128<float>({0.0f, -0.0f, -inf, 2.0f}), v128<float>({-0.0f, 0.0f, -3.0f, inf}));
  CHECK(lane<uint32_t>(z, 0) == bits(-0.0f));
  CHECK(lane<uint32_t>(z, 1) == bits(-0.0f));
  CHECK(lane<float>(z, 2) == -inf);
  CHECK(lane<float>(z, 3) == 2.0f);
}

TEST_CASE("f64x2.min/max: -0.0 vs 0.0 and NaN") {
  Store s;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Value mx = call2(s, binary(vop::f64x2_max), v128<double>({-0.0, nan}), v128<double>({0.0, 5.0}));
  CHECK(lane<uint64_t>(mx, 0) == bits(0.0));
  CHECK(is_canonical_nan64(lane<uint64_t>(mx, 1)));
  Value mn = call2(s, binary(vop::f64x2_min), v128<double>({0.0, 5.0}), v128<double>({-0.0, nan}));
  CHECK(lane<uint64_t>(mn, 0) == bits(-0.0));
  CHECK(is_canonical_nan64(lane<uint64_t>(mn, 1)));
}

// interp/numeric.h pins whose NaN an add or mul of two NaNs returns (the first operand's), so that
// every handler of the op gives the same bits whatever order the compiler chose; the lane forms keep
// the rule in every lane, and the portable statement of the rule (used off x86-64) agrees.
TEST_CASE("float add and mul of two NaNs keep the first operand's payload, in scalars and lanes") {
  const double a = std::bit_cast<double>(uint64_t(0x7ff8000000000001)),
               b = std::bit_cast<double>(uint64_t(0x7ff8000000000002)),
               s = std::bit_cast<double>(uint64_t(0x7ff0000000000003));  // signalling
  for (double first : {a, s}) {
    uint64_t want = std::bit_cast<uint64_t>(first) | 0x0008000000000000;
    CHECK(std::bit_cast<uint64_t>(wi::num::fadd(first, b)) == want);
    CHECK(std::bit_cast<uint64_t>(wi::num::fmul(first, b)) == want);
    CHECK(std::bit_cast<uint64_t>(wi::num::fadd_first_nan(first, b)) == want);
    CHECK(std::bit_cast<uint64_t>(wi::num::fmul_first_nan(first, b)) == want);
  }
  CHECK(std::bit_cast<uint64_t>(wi::num::fadd(1.0, b)) == std::bit_cast<uint64_t>(b));  // one NaN: that one
  const float a32 = std::bit_cast<float>(0x7fc00001u), b32 = std::bit_cast<float>(0x7fc00002u);
  CHECK(std::bit_cast<uint32_t>(wi::num::fadd(a32, b32)) == 0x7fc00001u);
  CHECK(std::bit_cast<uint32_t>(wi::num::fmul(b32, a32)) == 0x7fc00002u);
  wi::simd::f32x4 x{a32, b32, 1.0f, 2.0f}, y{b32, a32, b32, 3.0f};
  wi::simd::f32x4 sum = wi::simd::fadd(x, y), product = wi::simd::fmul(x, y);
  for (wi::simd::f32x4 r : {sum, product}) {
    CHECK(std::bit_cast<uint32_t>(r[0]) == 0x7fc00001u);
    CHECK(std::bit_cast<uint32_t>(r[1]) == 0x7fc00002u);
    CHECK(std::bit_cast<uint32_t>(r[2]) == 0x7fc00002u);
  }
  CHECK(float(sum[3]) == 5.0f);
  CHECK(float(product[3]) == 6.0f);
  wi::simd::f64x2 x64{b, 1.0}, y64{a, 2.0};
  CHECK(std::bit_cast<uint64_t>(wi::simd::fadd(x64, y64)[0]) == std::bit_cast<uint64_t>(b));
  CHECK(std::bit_cast<uint64_t>(wi::simd::fmul(x64, y64)[0]) == std::bit_cast<uint64_t>(b));
  CHECK(double(wi::simd::fmul(x64, y64)[1]) == 2.0);
}

TEST_CASE("f32x4.pmin/pmax are selects: the first operand on NaN and on equal zeros") {
  Store s;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Value a = v128<float>({nan, 1.0f, -0.0f, 3.0f});
  Value b = v128<float>({1.0f, nan, 0.0f, 2.0f});
  Value mn = call2(s, binary(vop::f32x4_pmin), a, b);
  CHECK(lane<uint32_t>(mn, 0) == bits(nan));
  CHECK(lane<float>(mn, 1) == 1.0f);
  CHECK(lane<uint32_t>(mn, 2) == bits(-0.0f));
  CHECK(lane<float>(mn, 3) == 2.0f);
  Value mx = call2(s, binary(vop::f32x4_pmax), a, b);
  CHECK(lane<uint32_t>(mx, 0) == bits(nan));
  CHECK(lane<float>(mx, 1) == 1.0f);
  CHECK(lane<uint32_t>(mx, 2) == bits(-0.0f));
  CHECK(lane<float>(mx, 3) == 3.0f);
}

TEST_CASE("i8x16.narrow_i16x8 and i16x8.narrow_i32x4 saturate") {
  Store s;
  Value a = v128<int16_t>({300, -300, 127, -128, 128, -129, 0, -1});
  Value b = v128<int16_t>({32767, -32768, 255, 256, 1, 2, 3, 4});
  Value sn = call2(s, binary(vop::i8x16_narrow_s), a, b);
  const int8_t want_s[16] = {127, -128, 127, -128, 127, -128, 0, -1, 127, -128, 127, 127, 1, 2, 3, 4};
  for (unsigned i = 0; i < 16; ++i) CHECK(lane<int8_t>(sn, i) == want_s[i]);
  Value un = call2(s, binary(vop::i8x16_narrow_u), a, b);
  const uint8_t want_u[16] = {255, 0, 127, 0, 128, 0, 0, 0, 255, 0, 255, 255, 1, 2, 3, 4};
  for (unsigned i = 0; i < 16; ++i) CHECK(lane<uint8_t>(un, i) == want_u[i]);
  // Unsigned narrowing reads its inputs as signed: -1 saturates to 0, 70000 to 65535.
  Value w = call2(s, binary(vop::i16x8_narrow_u), v128<int32_t>({-1, 70000, 65535, 65536}),
                  v128<int32_t>({INT32_MIN, INT32_MAX, 0, 1}));
  const uint16_t want_w[8] = {0, 65535, 65535, 65535, 0, 65535, 0, 1};
  for (unsigned i = 0; i < 8; ++i) CHECK(lane<uint16_t>(w, i) == want_w[i]);
}

TEST_CASE("i8x16.swizzle: indices >= 16 select 0") {
  Store s;
  Value a = v128<uint8_t>({10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25});
  Value idx = v128<uint8_t>({0, 15, 16, 17, 31, 32, 127, 128, 255, 1, 2, 3, 0x80, 0xf0, 14, 7});
  Value r = call2(s, binary(vop::swizzle), a, idx);
  const uint8_t want[16] = {10, 25, 0, 0, 0, 0, 0, 0, 0, 11, 12, 13, 0, 0, 24, 17};
  for (unsigned i = 0; i < 16; ++i) CHECK(lane<uint8_t>(r, i) == want[i]);
}

TEST_CASE("i16x8.q15mulr_sat_s: INT16_MIN * INT16_MIN saturates, rounding adds 2^14") {
  Store s;
  Value a = v128<int16_t>({INT16_MIN, INT16_MIN, INT16_MAX, 0x4000, -1, 1, 3, -3});
  Value b = v128<int16_t>({INT16_MIN, INT16_MAX, INT16_MAX, 0x4000, 1, 0x4000, 0x2aab, 0x2aab});
  Value r = call2(s, binary(vop::q15mulr), a, b);
  // (x * y + 0x4000) >> 15 (arithmetic), saturated to int16.
  const int16_t want[8] = {INT16_MAX, -32767, 32766, 0x2000, 0, 1, 1, -1};
  for (unsigned i = 0; i < 8; ++i) CHECK(lane<int16_t>(r, i) == want[i]);
}

TEST_CASE("i32x4.dot_i16x8_s wraps; i64x2.abs of the minimum is the minimum") {
  Store s;
  Value d = call2(s, binary(vop::i32x4_dot), v128<int16_t>({INT16_MIN, INT16_MIN, 1, 2, -3, 4, 0, 0}),
                  v128<int16_t>({INT16_MIN, INT16_MIN, 5, 6, 7, 8, 9, 9}));
  CHECK(lane<int32_t>(d, 0) == INT32_MIN);  // 2^30 + 2^30 wraps
  CHECK(lane<int32_t>(d, 1) == 17);
  CHECK(lane<int32_t>(d, 2) == 11);
  CHECK(lane<int32_t>(d, 3) == 0);
  Value ab = call1(s, unary(vop::i64x2_abs), v128<int64_t>({INT64_MIN, -5}));
  CHECK(lane<int64_t>(ab, 0) == INT64_MIN);
  CHECK(lane<int64_t>(ab, 1) == 5);
}

TEST_CASE("trunc_sat and nearest") {
  Store s;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Value t = call1(s, unary(vop::i32x4_trunc_sat_f32x4_s), v128<float>({nan, 1e10f, -1e10f, -2.9f}));
  CHECK(lane<int32_t>(t, 0) == 0);
  CHECK(lane<int32_t>(t, 1) == INT32_MAX);
  CHECK(lane<int32_t>(t, 2) == INT32_MIN);
  CHECK(lane<int32_t>(t, 3) == -2);
  Value u = call1(s, unary(vop::i32x4_trunc_sat_f32x4_u), v128<float>({-1.0f, 1e10f, 4294967040.0f, 0.99f}));
  CHECK(lane<uint32_t>(u, 0) == 0);
  CHECK(lane<uint32_t>(u, 1) == UINT32_MAX);
  CHECK(lane<uint32_t>(u, 2) == 4294967040u);
  CHECK(lane<uint32_t>(u, 3) == 0);
  Value n = call1(s, unary(vop::f32x4_nearest), v128<float>({2.5f, -0.5f, 3.5f, -1.5f}));
  CHECK(lane<float>(n, 0) == 2.0f);
  CHECK(lane<uint32_t>(n, 1) == bits(-0.0f));
  CHECK(lane<float>(n, 2) == 4.0f);
  CHECK(lane<float>(n, 3) == -2.0f);
}

TEST_CASE("bitmask") {
  Store s;
  ModuleBuilder m;
  uint32_t t = m.type({V128}, {I32});
  m.export_func("b8", m.func(t, code(local_get(0), simd(vop::i8x16_bitmask), op::end)));
  m.export_func("b16", m.func(t, code(local_get(0), simd(vop::i16x8_bitmask), op::end)));
  wi::Instance* inst = instantiate(s, m.build());
  Value v = v128<int8_t>({-1, 0, -128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -5});
  CHECK(run_i32(s, inst, "b8", {v}) == int32_t(0x8005));
  CHECK(run_i32(s, inst, "b16", {v128<int16_t>({-1, 1, INT16_MIN, 0, 0, 0, 0, -2})}) == 0x85);
}

TEST_CASE("results written over their own operands (local.set fused into the op)") {
  Store s;
  ModuleBuilder m;
  // local1 = shuffle(local0, local1): local1's bytes reversed, then lane 0 of local0; returns local1.
  Bytes lanes = {31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 0};
  m.export_func("shuf", m.func(m.type({V128, V128}, {V128}),
                               code(local_get(0), local_get(1), simd(vop::shuffle), lanes, local_set(1),
                                    local_get(1), op::end)));
  // local0 = local0 + local0.
  m.export_func("dbl", m.func(m.type({V128}, {V128}),
                              code(local_get(0), local_get(0), simd(vop::i8x16_add), local_set(0), local_get(0),
                                   op::end)));
  wi::Instance* inst = instantiate(s, m.build());
  Value a = v128<uint8_t>({100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
  Value b = v128<uint8_t>({16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31});
  auto r = run(s, inst, "shuf", {a, b});
  for (unsigned i = 0; i < 15; ++i) CHECK(lane<uint8_t>(r[0], i) == 31 - i);
  CHECK(lane<uint8_t>(r[0], 15) == 100);
  r = run(s, inst, "dbl", {a});
  for (unsigned i = 0; i < 16; ++i) CHECK(lane<uint8_t>(r[0], i) == uint8_t(2 * lane<uint8_t>(a, i)));
}

TEST_CASE("extract_lane into the operand's own home") {
  Store s;
  ModuleBuilder m;
  Bytes body = code(local_get(0), local_get(0), simd(vop::i8x16_add), simd(vop::i8x16_extract_lane_s), 15,
                    op::end);
  m.export_func("f", m.func(m.type({V128}, {I32}), body));
  wi::Instance* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "f", {v128<int8_t>({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -60})}) == -120);
}

TEST_CASE("v128 memory accesses: lanes, 64-bit effective addresses, bounds") {
  Store s;
  ModuleBuilder m;
  m.memory(1);
  // load(addr) with offset 1; load8_lane(addr, v) into lane 3; store64_lane lane 1 at addr + 8.
  m.export_func("load", m.func(m.type({I32}, {V128}), code(local_get(0), simd_mem(vop::load, 1, 0), op::end)));
  m.export_func("lane8", m.func(m.type({I32, V128}, {V128}),
                                code(local_get(0), local_get(1), simd_mem(vop::load8_lane, 0, 0), 3, op::end)));
  m.export_func("st64", m.func(m.type({I32, V128}, {}),
                               code(local_get(0), local_get(1), simd_mem(vop::store64_lane, 8, 0), 1, op::end)));
  m.export_func("store", m.func(m.type({I32, V128}, {}),
                                code(local_get(0), local_get(1), simd_mem(vop::store, 0xffffffffu, 0), op::end)));
  m.data(0, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
  wi::Instance* inst = instantiate(s, m.build());
  auto r = run(s, inst, "load", {vi32(0)});
  for (unsigned i = 0; i < 16; ++i) CHECK(lane<uint8_t>(r[0], i) == i + 2);
  // The last 16 bytes of the page load; one byte further traps.
  run(s, inst, "load", {vi32(65536 - 17)});
  CHECK(run_trap(s, inst, "load", {vi32(65536 - 16)}).message == "out of bounds memory access");
  CHECK(run_trap(s, inst, "load", {vi32(-1)}).message == "out of bounds memory access");
  r = run(s, inst, "lane8", {vi32(4), v128<uint64_t>({0, ~0ull})});
  CHECK(lane<uint64_t>(r[0], 0) == 0x05000000ull);
  CHECK(lane<uint64_t>(r[0], 1) == ~0ull);
  run(s, inst, "lane8", {vi32(65535), v128<uint64_t>({0, 0})});
  CHECK(run_trap(s, inst, "lane8", {vi32(65536), v128<uint64_t>({0, 0})}).message == "out of bounds memory access");
  run(s, inst, "st64", {vi32(65536 - 16), v128<uint64_t>({1, 0x1122334455667788ull})});
  CHECK(run_trap(s, inst, "st64", {vi32(65536 - 15), v128<uint64_t>({1, 2})}).message ==
        "out of bounds memory access");
  // Offset 0xffffffff plus any address is beyond a 64 KiB memory: no 32-bit wraparound.
  CHECK(run_trap(s, inst, "store", {vi32(1), v128<uint64_t>({1, 2})}).message == "out of bounds memory access");
  r = run(s, inst, "load", {vi32(65536 - 17)});
  CHECK(lane<uint64_t>(r[0], 1) == 0x1122334455667788ull);
}

TEST_CASE("SIMD register ops list their operands for the disassembler") {
  CHECK(std::string(wi::regop_operands(wi::RegOp::V_V128Load8Lane)) == "d a v offset lane");
  CHECK(std::string(wi::regop_operands(wi::RegOp::V_V128Store)) == "a s offset");
  CHECK(std::string(wi::regop_operands(wi::RegOp::V_I8x16Shuffle)) == "d a b v128");
  CHECK(std::string(wi::regop_operands(wi::RegOp::V_V128Bitselect)) == "d a b c");
  CHECK(std::string(wi::regop_name(wi::RegOp::V_I8x16Swizzle)) == "I8x16Swizzle");
  Bytes mod = binary(vop::swizzle);
  auto cm = compile(mod);
  CHECK(cm->uses_simd);
  std::string listing = wi::disassemble_internal(*cm, cm->funcs[0]);
  CHECK(listing.find("I8x16Swizzle       d=4 a=0 b=2") != std::string::npos);
}

// Relaxed SIMD in the deterministic profile (interp/simd.def): the spec data has no assertion for the
// relaxed truncations, and exercises the others only through `either` lists.
namespace {
Bytes ternary(uint32_t sub) {
  ModuleBuilder m;
  m.export_func("f", m.func(m.type({V128, V128, V128}, {V128}),
                            code(local_get(0), local_get(1), local_get(2), simd(sub), op::end)));
  return m.build();
}
namespace rop {
constexpr uint32_t swizzle = 0x100, trunc_f32_s = 0x101, trunc_f32_u = 0x102, trunc_f64_s_zero = 0x103,
                   f32_madd = 0x105, f32_nmadd = 0x106, i8_laneselect = 0x109, dot_i8 = 0x112,
                   dot_i8_add = 0x113;
}
}  // namespace

TEST_CASE("relaxed truncations saturate and map NaN to 0, as trunc_sat") {
  Store s;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Value in = v128<float>({nan, 3e9f, -3e9f, -1.75f});
  Value r = call1(s, unary(rop::trunc_f32_s), in);
  CHECK(lane<int32_t>(r, 0) == 0);
  CHECK(lane<int32_t>(r, 1) == INT32_MAX);
  CHECK(lane<int32_t>(r, 2) == INT32_MIN);
  CHECK(lane<int32_t>(r, 3) == -1);
  Value u = call1(s, unary(rop::trunc_f32_u), in);
  CHECK(lane<uint32_t>(u, 0) == 0);
  CHECK(lane<uint32_t>(u, 1) == 3000000000u);
  CHECK(lane<uint32_t>(u, 2) == 0);
  CHECK(lane<uint32_t>(u, 3) == 0);
  Value z = call1(s, unary(rop::trunc_f64_s_zero), v128<double>({1e300, -2.5}));
  CHECK(lane<int32_t>(z, 0) == INT32_MAX);
  CHECK(lane<int32_t>(z, 1) == -2);
  CHECK(lane<int32_t>(z, 2) == 0);
  CHECK(lane<int32_t>(z, 3) == 0);
}

TEST_CASE("relaxed madd is unfused: the product is rounded before the sum") {
  Store s;
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: rounding the product to f32 drops the 2^-24, so adding
  // -(1 + 2^-11) leaves 0 (unfused) where an FMA would leave 2^-24.
  const float x = 1.0f + std::ldexp(1.0f, -12), c = -(1.0f + std::ldexp(1.0f, -11));
  auto call3 = [&](uint32_t sub, Value a, Value b, Value cc) {
    auto r = run(s, instantiate(s, ternary(sub)), "f", {a, b, cc});
    REQUIRE(r.size() == 1);
    return r[0];
  };
  Value m = call3(rop::f32_madd, v128<float>({x, 2.0f, x, 1.0f}), v128<float>({x, 3.0f, x, 1.0f}),
                  v128<float>({c, 1.0f, 0.0f, -1.0f}));
  CHECK(lane<float>(m, 0) == 0.0f);
  CHECK(lane<float>(m, 1) == 7.0f);
  CHECK(lane<float>(m, 2) == x * x);
  CHECK(lane<uint32_t>(m, 3) == bits(0.0f));
  Value n = call3(rop::f32_nmadd, v128<float>({x, 2.0f, 0.0f, 0.0f}), v128<float>({x, 3.0f, 0.0f, 0.0f}),
                  v128<float>({-c, 1.0f, 0.0f, 0.0f}));
  CHECK(lane<float>(n, 0) == 0.0f);  // -(x*x) rounded, + (1 + 2^-11)
  CHECK(lane<float>(n, 1) == -5.0f);
  // laneselect takes bits of the mask, not each lane's top bit (as bitselect).
  Value sel = call3(rop::i8_laneselect, v128<uint64_t>({~0ull, ~0ull}), v128<uint64_t>({0, 0}),
                    v128<uint64_t>({0x0f0f0f0f0f0f0f0full, 0x8000000000000001ull}));
  CHECK(lane<uint64_t>(sel, 0) == 0x0f0f0f0f0f0f0f0full);
  CHECK(lane<uint64_t>(sel, 1) == 0x8000000000000001ull);
}

TEST_CASE("relaxed dot products: signed bytes, 16-bit pair sums wrap, then widened and accumulated") {
  Store s;
  Value a = v128<int8_t>({-128, -128, 127, 127, 1, 2, 3, 4, -1, -1, 0, 0, 5, -5, 100, 100});
  Value b = v128<int8_t>({-128, -128, 127, 127, 10, 20, 30, 40, -1, 1, 9, 9, 5, 5, -100, 100});
  Value d = call2(s, binary(rop::dot_i8), a, b);
  CHECK(lane<int16_t>(d, 0) == -32768);  // 16384 + 16384 wraps
  CHECK(lane<int16_t>(d, 1) == 32258);
  CHECK(lane<int16_t>(d, 2) == 50);
  CHECK(lane<int16_t>(d, 3) == 250);
  CHECK(lane<int16_t>(d, 4) == 0);
  CHECK(lane<int16_t>(d, 5) == 0);
  CHECK(lane<int16_t>(d, 6) == 0);
  CHECK(lane<int16_t>(d, 7) == 0);
  auto r = run(s, instantiate(s, ternary(rop::dot_i8_add)), "f", {a, b, v128<int32_t>({1, 2, 3, 4})});
  REQUIRE(r.size() == 1);
  CHECK(lane<int32_t>(r[0], 0) == -32768 + 32258 + 1);
  CHECK(lane<int32_t>(r[0], 1) == 50 + 250 + 2);
  CHECK(lane<int32_t>(r[0], 2) == 3);
  CHECK(lane<int32_t>(r[0], 3) == 4);
}

TEST_CASE("relaxed swizzle: an index of 16 or more selects 0") {
  Store s;
  Value a = v128<uint8_t>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  Value idx = v128<uint8_t>({0, 15, 16, 255, 128, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  Value r = call2(s, binary(rop::swizzle), a, idx);
  CHECK(lane<uint8_t>(r, 0) == 1);
  CHECK(lane<uint8_t>(r, 1) == 16);
  CHECK(lane<uint8_t>(r, 2) == 0);
  CHECK(lane<uint8_t>(r, 3) == 0);
  CHECK(lane<uint8_t>(r, 4) == 0);
  CHECK(lane<uint8_t>(r, 5) == 4);
}
