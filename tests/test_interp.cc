// Execution: modules assembled byte by byte (tests/wasm_builder.h), instantiated in a wi::Store and
// called through Store::call. Besides plain semantics, these target the translator's shortcuts
// (virtual local.get/const entries, local.set fused into the producing instruction, label copies on
// branches) and the store's sharing of memories, tables, globals and canonical function types.
#include <doctest/doctest.h>
#include <cmath>
#include <cstdint>
#include <cstring>
#include "tests/wasm_builder.h"

using namespace wb;
using wi::ExternKind;
using wi::FuncType;
using wi::HostCall;
using wi::Store;
using wi::ValType;
using wi::Value;

namespace {

// One exported function of type `params -> results` running `body`.
Bytes single(Bytes params, Bytes results, Bytes body, Bytes locals = {}, const char* nm = "f") {
  ModuleBuilder m;
  uint32_t t = m.type(params, results);
  m.export_func(nm, m.func(t, std::move(body), std::move(locals)));
  return m.build();
}

}  // namespace

TEST_CASE("calls and recursion") {
  ModuleBuilder m;
  uint32_t t_i64 = m.type({I64}, {I64});
  uint32_t t_i32 = m.type({I32}, {I32});
  uint32_t t_ii = m.type({I32, I32}, {I32});
  uint32_t t_mixed = m.type({I32, I64, F64, I32, F32}, {I64});
  uint32_t t_v_i64 = m.type({}, {I64});
  // fac(n) = n == 0 ? 1 : n * fac(n - 1)   (function 0)
  uint32_t fac = m.func(t_i64, code(local_get(0), op::i64_eqz, op::if_, I64, i64_const(1), op::else_,
                                    local_get(0), local_get(0), i64_const(1), op::i64_sub, call(0),
                                    op::i64_mul, op::end, op::end));
  // fib(n) = n < 2 ? n : fib(n - 1) + fib(n - 2)   (function 1)
  uint32_t fib = m.func(t_i32, code(local_get(0), i32_const(2), op::i32_lt_s, op::if_, I32, local_get(0),
                                    op::else_, local_get(0), i32_const(1), op::i32_sub, call(1), local_get(0),
                                    i32_const(2), op::i32_sub, call(1), op::i32_add, op::end, op::end));
  // even(n) = n == 0 ? 1 : odd(n - 1); odd(n) = n == 0 ? 0 : even(n - 1)   (functions 2, 3)
  uint32_t even = m.func(t_i32, code(local_get(0), op::i32_eqz, op::if_, I32, i32_const(1), op::else_,
                                     local_get(0), i32_const(1), op::i32_sub, call(3), op::end, op::end));
  uint32_t odd = m.func(t_i32, code(local_get(0), op::i32_eqz, op::if_, I32, i32_const(0), op::else_,
                                    local_get(0), i32_const(1), op::i32_sub, call(2), op::end, op::end));
  CHECK(even == 2);
  CHECK(odd == 3);
  uint32_t sq = m.func(t_i32, code(local_get(0), local_get(0), op::i32_mul, op::end));  // 4
  uint32_t sub = m.func(t_ii, code(local_get(0), local_get(1), op::i32_sub, op::end));  // 5
  // Values live below a call's arguments (a temp, a constant) survive the callee's frame:
  // (x + 1) * 100000 + 1000 + sq(x) * sub(7, x)
  uint32_t live = m.func(t_i32, code(local_get(0), i32_const(1), op::i32_add, i32_const(100000), op::i32_mul,
                                     i32_const(1000), local_get(0), call(sq), i32_const(7), local_get(0),
                                     call(sub), op::i32_mul, op::i32_add, op::i32_add, op::end));
  // a + 10b + 100 trunc(c) + 1000d + 10000 trunc(e), checking argument order across types.
  uint32_t mixed = m.func(
      t_mixed, code(local_get(0), op::i64_extend_i32_s, local_get(1), i64_const(10), op::i64_mul, op::i64_add,
                    local_get(2), op::i64_trunc_f64_s, i64_const(100), op::i64_mul, op::i64_add, local_get(3),
                    op::i64_extend_i32_s, i64_const(1000), op::i64_mul, op::i64_add, local_get(4),
                    op::i64_trunc_f32_s, i64_const(10000), op::i64_mul, op::i64_add, op::end));
  uint32_t call_mixed = m.func(t_v_i64, code(i32_const(1), i64_const(2), f64_const(3.5), i32_const(4),
                                             f32_const(5.9f), call(mixed), op::end));
  m.export_func("fac", fac).export_func("fib", fib).export_func("even", even).export_func("live", live);
  m.export_func("mixed", mixed).export_func("call_mixed", call_mixed);
  Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i64(s, inst, "fac", {vi64(0)}) == 1);
  CHECK(run_i64(s, inst, "fac", {vi64(20)}) == 2432902008176640000ll);
  CHECK(run_i32(s, inst, "fib", {vi32(20)}) == 6765);
  CHECK(run_i32(s, inst, "even", {vi32(1000)}) == 1);
  CHECK(run_i32(s, inst, "even", {vi32(777)}) == 0);
  CHECK(run_i32(s, inst, "live", {vi32(3)}) == 401036);
  CHECK(run_i32(s, inst, "live", {vi32(10)}) == 1100000 + 1000 + 100 * -3);
  CHECK(run_i64(s, inst, "mixed", {vi32(1), vi64(2), vf64(3.5), vi32(4), vf32(5.9f)}) == 54321);
  CHECK(run_i64(s, inst, "call_mixed") == 54321);
}

TEST_CASE("multi-value functions and blocks") {
  ModuleBuilder m;
  uint32_t t_triple = m.type({}, {I32, I64, F64});
  uint32_t t_v_i64 = m.type({}, {I64});
  uint32_t t_ii_iii = m.type({I32, I32}, {I32, I32, I32});
  uint32_t t_i_ii = m.type({I32}, {I32, I32});
  uint32_t t_v_ii = m.type({}, {I32, I32});
  uint32_t triple = m.func(t_triple, code(i32_const(-1), i64_const(0x123456789ll), f64_const(2.5), op::end));
  // i64(a) - (b + trunc(c)) from triple()'s three results.
  uint32_t use_triple = m.func(t_v_i64, code(call(triple), op::i64_trunc_f64_s, op::i64_add, local_set(0),
                                             op::i64_extend_i32_s, local_get(0), op::i64_sub, op::end),
                               {I64});
  // block (param i32 i32) (result i32 i32 i32): a + b, a * b, b
  uint32_t blk = m.func(t_ii_iii, code(local_get(0), local_get(1), op::block, blocktype_idx(t_ii_iii),
                                       op::i32_add, local_get(0), local_get(1), op::i32_mul, local_get(1), op::end,
                                       op::end));
  // br_if 1 carries (x + 10, 20) out of two blocks, over junk below; not taken: (1, 99).
  uint32_t brv = m.func(t_i_ii, code(op::block, blocktype_idx(t_v_ii), op::block, I32, i32_const(1), i32_const(2),
                                     local_get(0), i32_const(10), op::i32_add, i32_const(20), local_get(0),
                                     br_if(1), op::drop, op::drop, op::drop, op::end, i32_const(99), op::end,
                                     op::end));
  // br 2 with values out of three nested blocks.
  uint32_t br2 = m.func(t_i_ii, code(op::block, blocktype_idx(t_v_ii), op::block, blocktype(), op::block,
                                     blocktype(), i32_const(5), i32_const(7), local_get(0), br(2), op::end,
                                     op::end, op::unreachable, op::end, op::end));
  m.export_func("triple", triple).export_func("use_triple", use_triple).export_func("blk", blk);
  m.export_func("brv", brv).export_func("br2", br2);
  Store s;
  auto* inst = instantiate(s, m.build());

  auto r = run(s, inst, "triple");
  REQUIRE(r.size() == 3);
  CHECK(r[0].type == ValType::I32);
  CHECK(r[0].i32 == 0xffffffffu);
  CHECK(r[1].type == ValType::I64);
  CHECK(r[1].i64 == 0x123456789ull);
  CHECK(r[2].type == ValType::F64);
  CHECK(r[2].f64 == 2.5);
  CHECK(run_i64(s, inst, "use_triple") == -1 - (0x123456789ll + 2));

  r = run(s, inst, "blk", {vi32(6), vi32(7)});
  REQUIRE(r.size() == 3);
  CHECK(r[0].i32 == 13);
  CHECK(r[1].i32 == 42);
  CHECK(r[2].i32 == 7);

  r = run(s, inst, "brv", {vi32(0)});
  REQUIRE(r.size() == 2);
  CHECK(r[0].i32 == 1);
  CHECK(r[1].i32 == 99);
  r = run(s, inst, "brv", {vi32(5)});
  REQUIRE(r.size() == 2);
  CHECK(r[0].i32 == 15);
  CHECK(r[1].i32 == 20);

  r = run(s, inst, "br2", {vi32(-3)});
  REQUIRE(r.size() == 2);
  CHECK(r[0].i32 == 7);
  CHECK(int32_t(r[1].i32) == -3);
}

TEST_CASE("block params swapped through locals") {
  ModuleBuilder m;
  uint32_t t_ii = m.type({I32, I32}, {I32, I32});
  uint32_t t_f = m.type({I32, I32}, {I32});
  // (a, b) -> block (param i32 i32) (result i32 i32): swap -> b - a ... computed as second - first
  m.export_func("f", m.func(t_f, code(local_get(0), local_get(1), op::block, blocktype_idx(t_ii), local_set(2),
                                      local_set(3), local_get(2), local_get(3), op::end, op::i32_sub, op::end),
                            {I32, I32}));
  Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "f", {vi32(10), vi32(3)}) == 3 - 10);
}

TEST_CASE("br_table with values") {
  // Three nested blocks (result i32); label 0 adds 100 then leaves the outer block, label 1 adds 1000,
  // label 2 (the default) leaves the value as is. The value is 3v.
  auto module = [](bool junk_below) {
    Bytes value = junk_below ? code(i32_const(5), local_get(1), i32_const(3), op::i32_mul)
                             : code(local_get(1), i32_const(3), op::i32_mul);
    Bytes body = code(op::block, I32, op::block, I32, op::block, I32, value, local_get(0), br_table({0, 1, 2}, 2));
    append(body, code(op::end, i32_const(100), op::i32_add, br(1), op::end, i32_const(1000), op::i32_add,
                      op::end, op::end));
    return single({I32, I32}, {I32}, body);
  };
  for (bool junk : {false, true}) {
    CAPTURE(junk);
    Store s;
    auto* inst = instantiate(s, module(junk));
    CHECK(run_i32(s, inst, "f", {vi32(0), vi32(7)}) == 121);
    CHECK(run_i32(s, inst, "f", {vi32(1), vi32(7)}) == 1021);
    CHECK(run_i32(s, inst, "f", {vi32(2), vi32(7)}) == 21);
    CHECK(run_i32(s, inst, "f", {vi32(-1), vi32(7)}) == 21);
    CHECK(run_i32(s, inst, "f", {vi32(1000000), vi32(7)}) == 21);
  }
}

TEST_CASE("br_table to the function label returns multiple values") {
  ModuleBuilder m;
  uint32_t t = m.type({I32}, {I32, I64});
  uint32_t bt = m.type({}, {I32, I64});
  // block (result i32 i64): (x, 64) then br_table [0] default 1: index x; 0 -> block end -> add 1 to
  // the i64; otherwise return (x, 64) from the function.
  m.export_func("f", m.func(t, code(op::block, blocktype_idx(bt), local_get(0), i64_const(64), local_get(0),
                                    br_table({0}, 1), op::end, i64_const(1), op::i64_add, op::end)));
  Store s;
  auto* inst = instantiate(s, m.build());
  auto r = run(s, inst, "f", {vi32(0)});
  REQUIRE(r.size() == 2);
  CHECK(r[0].i32 == 0);
  CHECK(r[1].i64 == 65);
  r = run(s, inst, "f", {vi32(9)});
  REQUIRE(r.size() == 2);
  CHECK(r[0].i32 == 9);
  CHECK(r[1].i64 == 64);
}

TEST_CASE("loops with br_if") {
  ModuleBuilder m;
  uint32_t t = m.type({I32}, {I32});
  // do { sum += i; i -= 1 } while (i != 0), with i = n
  uint32_t sum = m.func(t, code(local_get(0), local_set(2), op::loop, blocktype(), local_get(1), local_get(2),
                                op::i32_add, local_set(1), local_get(2), i32_const(1), op::i32_sub, local_tee(2),
                                br_if(0), op::end, local_get(1), op::end),
                        {I32, I32});
  // while (i < n) { acc = acc * 3 + i; i++ }  with the exit test at the top
  uint32_t wh = m.func(t, code(op::block, blocktype(), op::loop, blocktype(), local_get(1), local_get(0),
                               op::i32_ge_s, br_if(1), local_get(2), i32_const(3), op::i32_mul, local_get(1),
                               op::i32_add, local_set(2), local_get(1), i32_const(1), op::i32_add, local_set(1),
                               br(0), op::end, op::end, local_get(2), op::end),
                       {I32, I32});
  // loop (result i32): count down, the loop's value is the final counter * 2
  uint32_t lr = m.func(t, code(op::loop, I32, local_get(0), i32_const(1), op::i32_sub, local_tee(0), local_get(0),
                               br_if(0), i32_const(2), op::i32_mul, op::end, op::end));
  m.export_func("sum", sum).export_func("while", wh).export_func("loop_result", lr);
  Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "sum", {vi32(100)}) == 5050);
  CHECK(run_i32(s, inst, "sum", {vi32(1)}) == 1);
  int32_t acc = 0;
  for (int i = 0; i < 6; ++i) acc = acc * 3 + i;
  CHECK(run_i32(s, inst, "while", {vi32(6)}) == acc);
  CHECK(run_i32(s, inst, "while", {vi32(0)}) == 0);
  CHECK(run_i32(s, inst, "loop_result", {vi32(5)}) == 0);
}

TEST_CASE("br_if to the function label: a conditional return of constants and locals") {
  ModuleBuilder m;
  uint32_t t = m.type({I32}, {I32});
  uint32_t t2 = m.type({I32, I32}, {I32, I32});
  // 42; br_if 0 (x) returns 42; otherwise 42 + 1
  m.export_func("one", m.func(t, code(i32_const(42), local_get(0), br_if(0), i32_const(1), op::i32_add, op::end)));
  // (7, b); br_if 0 (a) returns (7, b); otherwise (7 + 1, b * 2)
  m.export_func("two", m.func(t2, code(i32_const(7), local_get(1), local_get(0), br_if(0), local_set(2),
                                       i32_const(1), op::i32_add, local_get(2), i32_const(2), op::i32_mul,
                                       op::end),
                              {I32}));
  // Fall-through cases first, on a fresh stack: a taken branch must not leave the constant behind in a
  // slot the fall-through path would then read by accident.
  Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "one", {vi32(0)}) == 43);
  CHECK(run_i32(s, inst, "one", {vi32(1)}) == 42);
  auto r = run(s, inst, "two", {vi32(0), vi32(5)});
  REQUIRE(r.size() == 2);
  CHECK(r[0].i32 == 8);
  CHECK(r[1].i32 == 10);
  r = run(s, inst, "two", {vi32(1), vi32(5)});
  REQUIRE(r.size() == 2);
  CHECK(r[0].i32 == 7);
  CHECK(r[1].i32 == 5);
}

// A loop with a parameter whose body starts with local.set: every iteration (including those entered
// by `br 0` with a new value) must store the loop's argument into the local.
TEST_CASE("loop with a parameter consumed by local.set") {
  ModuleBuilder m;
  uint32_t t = m.type({I32}, {I32});
  uint32_t lt = m.type({I32}, {I32});
  // l1 = p + 1; loop (param i32) (result i32) { l1 = arg; l2 += 1; push l1 + 100; br_if 0 (l2 < 3);
  // drop; l1 }.  p = 0: l1 = 1, then 101, then 201 -> 201.
  m.export_func("f", m.func(t, code(local_get(0), i32_const(1), op::i32_add, op::loop, blocktype_idx(lt),
                                    local_set(1), local_get(2), i32_const(1), op::i32_add, local_set(2),
                                    local_get(1), i32_const(100), op::i32_add, local_get(2), i32_const(3),
                                    op::i32_lt_s, br_if(0), op::drop, local_get(1), op::end, op::end),
                            {I32, I32}));
  Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "f", {vi32(0)}) == 201);
}

TEST_CASE("local.set / local.tee folding keeps earlier reads of the local") {
  Store s;
  SUBCASE("old value read, then the local is set from an expression of itself") {
    // local.get 0; (local 0 = local 0 + 1); old * 100 + new
    auto* inst = instantiate(s, single({I32}, {I32}, code(local_get(0), local_get(0), i32_const(1), op::i32_add,
                                                          local_set(0), i32_const(100), op::i32_mul,
                                                          local_get(0), op::i32_add, op::end)));
    CHECK(run_i32(s, inst, "f", {vi32(7)}) == 708);
  }
  SUBCASE("tee of a fused result while an older read is pending") {
    // local.get 0; local.tee 0 (local 0 * 3); sub: old - new
    auto* inst = instantiate(s, single({I32}, {I32}, code(local_get(0), local_get(0), i32_const(3), op::i32_mul,
                                                          local_tee(0), op::i32_sub, op::end)));
    CHECK(run_i32(s, inst, "f", {vi32(5)}) == 5 - 15);
  }
  SUBCASE("set from a constant, another local and a call result") {
    ModuleBuilder m2;
    uint32_t u = m2.type({I32, I32}, {I32});
    uint32_t ten2 = m2.func(m2.type({I32}, {I32}), code(local_get(0), i32_const(10), op::i32_mul, op::end));
    Bytes body = code(local_get(0),                        // a0 (old local 0)
                      i32_const(9), local_set(0),          // local0 = 9
                      local_get(0),                        // a1
                      local_get(1), local_set(0),          // local0 = local1
                      local_get(0),                        // a2
                      local_get(0), call(ten2), local_set(0),  // local0 = ten(local0)
                      // stack: a0 a1 a2 -> a2 + 100 * a1 + 10000 * a0 via locals 2..4
                      local_set(4), local_set(3), local_set(2), local_get(2), i32_const(1000000), op::i32_mul,
                      local_get(3), i32_const(10000), op::i32_mul, op::i32_add, local_get(4), i32_const(100),
                      op::i32_mul, op::i32_add, local_get(0), op::i32_add, op::end);
    m2.export_func("f", m2.func(u, body, {I32, I32, I32}));
    auto* inst = instantiate(s, m2.build());
    CHECK(run_i32(s, inst, "f", {vi32(1), vi32(5)}) == 1000000 + 9 * 10000 + 5 * 100 + 50);
  }
  SUBCASE("a result stored to a local only after other code read the local") {
    // v = local0 + 1; local2 = local0; local0 = v: local2 must get the old local0
    auto* inst = instantiate(s, single({I32}, {I32}, code(local_get(0), i32_const(1), op::i32_add, local_get(0),
                                                          local_set(2), local_set(0), local_get(2), i32_const(100),
                                                          op::i32_mul, local_get(0), op::i32_add, op::end),
                                       {I32, I32}));
    CHECK(run_i32(s, inst, "f", {vi32(4)}) == 405);
    // v = local0 * 2; local1 = ten(local0) (a call between); local0 = v
    ModuleBuilder m;
    uint32_t t = m.type({I32}, {I32});
    uint32_t ten = m.func(t, code(local_get(0), i32_const(10), op::i32_mul, op::end));
    m.export_func("f", m.func(t, code(local_get(0), i32_const(2), op::i32_mul, local_get(0), call(ten), local_set(1),
                                      local_set(0), local_get(1), i32_const(100), op::i32_mul, local_get(0),
                                      op::i32_add, op::end),
                              {I32}));
    inst = instantiate(s, m.build());
    CHECK(run_i32(s, inst, "f", {vi32(3)}) == 3006);
  }
  SUBCASE("a local read before a block, set inside it, old value used after it") {
    auto* inst = instantiate(s, single({I32}, {I32}, code(local_get(0), op::block, blocktype(), local_get(0),
                                                          i32_const(1), op::i32_add, local_set(0), op::end,
                                                          i32_const(1000), op::i32_mul, local_get(0), op::i32_add,
                                                          op::end)));
    CHECK(run_i32(s, inst, "f", {vi32(4)}) == 4005);
  }
  SUBCASE("a local read before an if, set in one arm") {
    auto* inst = instantiate(s, single({I32, I32}, {I32},
                                       code(local_get(0), local_get(1), op::if_, blocktype(), i32_const(50),
                                            local_set(0), op::else_, local_get(0), i32_const(2), op::i32_mul,
                                            local_set(0), op::end, i32_const(1000), op::i32_mul, local_get(0),
                                            op::i32_add, op::end)));
    CHECK(run_i32(s, inst, "f", {vi32(4), vi32(1)}) == 4050);
    CHECK(run_i32(s, inst, "f", {vi32(4), vi32(0)}) == 4008);
  }
  SUBCASE("a local read before a loop, set on every iteration") {
    // old = local0; loop { local0 -= 1; br_if (local0 != 0) }; old * 1000 + local0
    auto* inst = instantiate(s, single({I32}, {I32}, code(local_get(0), op::loop, blocktype(), local_get(0),
                                                          i32_const(1), op::i32_sub, local_tee(0), br_if(0),
                                                          op::end, i32_const(1000), op::i32_mul, local_get(0),
                                                          op::i32_add, op::end)));
    CHECK(run_i32(s, inst, "f", {vi32(6)}) == 6000);
  }
  SUBCASE("the value kept by a not-taken br_if is the old one") {
    // block (result i32) { local0; br_if 0 (local1); local0 = 9 } -> old local0 either way
    auto* inst = instantiate(s, single({I32, I32}, {I32},
                                       code(op::block, I32, local_get(0), local_get(1), br_if(0), i32_const(9),
                                            local_set(0), op::end, i32_const(100), op::i32_mul, local_get(0),
                                            op::i32_add, op::end)));
    CHECK(run_i32(s, inst, "f", {vi32(3), vi32(1)}) == 303);
    CHECK(run_i32(s, inst, "f", {vi32(3), vi32(0)}) == 309);
  }
  SUBCASE("a store whose address was read before the local changed") {
    ModuleBuilder m;
    uint32_t t = m.type({I32, I32}, {I32});
    m.memory(1);
    // addr = local0; local0 += 4; mem[addr] = v; return mem[old addr] * 1000 + local0
    m.export_func("f", m.func(t, code(local_get(0), local_get(0), i32_const(4), op::i32_add, local_set(0),
                                      local_get(1), mem(op::i32_store), local_get(0), i32_const(4), op::i32_sub,
                                      mem(op::i32_load), i32_const(1000), op::i32_mul, local_get(0), op::i32_add,
                                      op::end)));
    auto* inst = instantiate(s, m.build());
    CHECK(run_i32(s, inst, "f", {vi32(16), vi32(7)}) == 7020);
  }
  SUBCASE("select into a local that is one of its operands") {
    auto* inst = instantiate(s, single({I32, I32, I32}, {I32},
                                       code(local_get(0), local_get(1), local_get(2), op::select, local_set(0),
                                            local_get(0), op::end)));
    CHECK(run_i32(s, inst, "f", {vi32(11), vi32(22), vi32(1)}) == 11);
    CHECK(run_i32(s, inst, "f", {vi32(11), vi32(22), vi32(0)}) == 22);
  }
  SUBCASE("two locals swapped through the stack") {
    // local.get 0; local.get 1; local.set 0; local.set 1 -> (b, a); return a*10 + b after the swap
    auto* inst = instantiate(s, single({I32, I32}, {I32},
                                       code(local_get(0), local_get(1), local_set(0), local_set(1), local_get(0),
                                            i32_const(10), op::i32_mul, local_get(1), op::i32_add, op::end)));
    CHECK(run_i32(s, inst, "f", {vi32(1), vi32(2)}) == 21);
  }
  SUBCASE("a chain of tees") {
    // local1 = local2 = local0 * 2 (tee'd), return local1 + local2 + top
    auto* inst = instantiate(s, single({I32}, {I32},
                                       code(local_get(0), i32_const(2), op::i32_mul, local_tee(1), local_tee(2),
                                            local_get(1), op::i32_add, local_get(2), op::i32_add, op::end),
                                       {I32, I32}));
    CHECK(run_i32(s, inst, "f", {vi32(5)}) == 30);
  }
}

TEST_CASE("select with i64, f32 and f64") {
  ModuleBuilder m;
  uint32_t t64 = m.type({I32, I64, I64}, {I64});
  uint32_t tf = m.type({I32, F64, F64}, {F64});
  uint32_t tf32 = m.type({I32, F32, F32}, {F32});
  uint32_t tc = m.type({I32}, {I64});
  m.export_func("i64", m.func(t64, code(local_get(1), local_get(2), local_get(0), op::select, op::end)));
  m.export_func("f64", m.func(tf, code(local_get(1), local_get(2), local_get(0), op::select, op::end)));
  m.export_func("f64t", m.func(tf, code(local_get(1), local_get(2), local_get(0), op::select_t, 0x01, F64, op::end)));
  m.export_func("f32", m.func(tf32, code(local_get(1), local_get(2), local_get(0), op::select, op::end)));
  // Constant operands, result stored to a local first.
  m.export_func("consts", m.func(tc, code(i64_const(-2), i64_const(0x7000000000000001ll), local_get(0), op::select,
                                          local_set(1), local_get(1), op::end),
                                 {I64}));
  Store s;
  auto* inst = instantiate(s, m.build());
  const int64_t a = int64_t(0x8000000000000001ull), b = 0x7fffffffffffffffll;
  CHECK(run_i64(s, inst, "i64", {vi32(1), vi64(a), vi64(b)}) == a);
  CHECK(run_i64(s, inst, "i64", {vi32(0), vi64(a), vi64(b)}) == b);
  CHECK(run_i64(s, inst, "i64", {vi32(-8), vi64(a), vi64(b)}) == a);
  CHECK(run_f64(s, inst, "f64", {vi32(1), vf64(1e300), vf64(-0.5)}) == 1e300);
  CHECK(run_f64(s, inst, "f64", {vi32(0), vf64(1e300), vf64(-0.5)}) == -0.5);
  CHECK(run_f64(s, inst, "f64t", {vi32(2), vf64(1.25), vf64(-0.5)}) == 1.25);
  CHECK(run_f64(s, inst, "f64t", {vi32(0), vf64(1.25), vf64(-0.5)}) == -0.5);
  auto r = run(s, inst, "f32", {vi32(0), vf32(1.5f), vf32(-3.25f)});
  REQUIRE(r.size() == 1);
  CHECK(r[0].f32 == -3.25f);
  CHECK(run_i64(s, inst, "consts", {vi32(1)}) == -2);
  CHECK(run_i64(s, inst, "consts", {vi32(0)}) == 0x7000000000000001ll);
}

TEST_CASE("call_indirect through a table") {
  ModuleBuilder m;
  uint32_t t1 = m.type({I32}, {I32});
  uint32_t t2 = m.type({I32, I32}, {I32});
  uint32_t td1 = m.type({I32, I32}, {I32});  // dispatch(idx, x)
  uint32_t td2 = m.type({I32, I32, I32}, {I32});
  uint32_t dbl = m.func(t1, code(local_get(0), i32_const(2), op::i32_mul, op::end));
  uint32_t add = m.func(t2, code(local_get(0), local_get(1), op::i32_add, op::end));
  uint32_t neg = m.func(t1, code(i32_const(0), local_get(0), op::i32_sub, op::end));
  m.table(FUNCREF, 4);
  m.elem(0, {dbl, add, neg});
  m.export_func("d1", m.func(td1, code(local_get(1), local_get(0), call_indirect(t1), op::end)));
  m.export_func("d2", m.func(td2, code(local_get(1), local_get(2), local_get(0), call_indirect(t2), op::end)));
  // The index is a computed temp, with a live value below the arguments.
  m.export_func("d1t", m.func(td1, code(i32_const(1000), local_get(1), local_get(0), i32_const(1), op::i32_sub,
                                        call_indirect(t1), op::i32_add, op::end)));
  Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "d1", {vi32(0), vi32(21)}) == 42);
  CHECK(run_i32(s, inst, "d1", {vi32(2), vi32(5)}) == -5);
  CHECK(run_i32(s, inst, "d2", {vi32(1), vi32(20), vi32(22)}) == 42);
  CHECK(run_i32(s, inst, "d1t", {vi32(3), vi32(5)}) == 995);
  CHECK(run_i32(s, inst, "d1t", {vi32(1), vi32(5)}) == 1010);
}

TEST_CASE("host functions called from wasm") {
  Store s;
  Value last_args[3];
  wi::Instance* seen_caller = nullptr;
  auto* mix = s.create_host_function(
      FuncType{{ValType::I32, ValType::I64, ValType::F64}, {ValType::F64}},
      [&](HostCall& hc) {
        seen_caller = hc.caller;
        last_args[0] = Value::make_i32(hc.args[0].i32);
        last_args[1] = Value::make_i64(hc.args[1].i64);
        last_args[2] = Value::make_f64_bits(hc.args[2].i64);
        hc.args[0].f64 = double(int32_t(hc.args[0].i32)) + double(int64_t(hc.args[1].i64)) * hc.args[2].f64;
        return true;
      },
      "mix");
  auto* swap = s.create_host_function(FuncType{{ValType::I32, ValType::I32}, {ValType::I32, ValType::I32}},
                                      [](HostCall& hc) {
                                        std::swap(hc.args[0], hc.args[1]);
                                        return true;
                                      });
  ModuleBuilder m;
  uint32_t tmix = m.type({I32, I64, F64}, {F64});
  uint32_t tswap = m.type({I32, I32}, {I32, I32});
  uint32_t tf = m.type({I32}, {F64});
  uint32_t tg = m.type({I32, I32}, {I32});
  uint32_t hmix = m.import_func("env", "mix", tmix);
  uint32_t hswap = m.import_func("env", "swap", tswap);
  // 0.5 + mix(x, 3, 2.5)  with a constant and a temp below the arguments
  m.export_func("f", m.func(tf, code(f64_const(0.5), local_get(0), i32_const(1), op::i32_add, i64_const(3),
                                     f64_const(2.5), call(hmix), op::f64_add, op::end)));
  // 1000 + (first - second) of swap(a, b) = 1000 + b - a
  m.export_func("g", m.func(tg, code(i32_const(1000), local_get(0), local_get(1), call(hswap), op::i32_sub,
                                     op::i32_add, op::end)));
  m.export_func("mix", hmix);
  auto* inst = instantiate(s, m.build(), {ext(mix), ext(swap)});
  CHECK(run_f64(s, inst, "f", {vi32(-5)}) == 0.5 + (-4 + 3 * 2.5));
  CHECK(int32_t(last_args[0].i32) == -4);
  CHECK(last_args[1].i64 == 3);
  CHECK(last_args[2].f64 == 2.5);
  CHECK(seen_caller == inst);
  CHECK(run_i32(s, inst, "g", {vi32(3), vi32(10)}) == 1007);
  // The re-exported host function is the same function, callable by the embedder.
  CHECK(func_export(inst, "mix") == mix);
  CHECK(run(s, mix, {vi32(1), vi64(2), vf64(0.25)})[0].f64 == 1.5);
  CHECK(seen_caller == nullptr);
}

TEST_CASE("re-entrant calls: host -> wasm -> host -> wasm") {
  Store s;
  wi::FuncInst* wasm_rec = nullptr;
  wi::FuncInst* wasm_fib = nullptr;
  int host_calls = 0;
  // host(n) = n == 0 ? 0 : rec(n - 1) + 1, and calls fib(10) on the way for good measure
  auto* host = s.create_host_function(FuncType{{ValType::I32}, {ValType::I32}}, [&](HostCall& hc) {
    ++host_calls;
    uint32_t n = hc.args[0].i32;
    std::vector<Value> r;
    wi::Trap t = hc.store.call(wasm_fib, std::vector<Value>{vi32(10)}, r);
    if (t || r.size() != 1 || r[0].i32 != 55) return hc.fail(wi::TrapKind::Host, "fib failed");
    if (n == 0) {
      hc.args[0].i32 = 0;
      return true;
    }
    t = hc.store.call(wasm_rec, std::vector<Value>{vi32(int32_t(n - 1))}, r);
    if (t) {
      *hc.trap = t;
      return false;
    }
    hc.args[0].i32 = r[0].i32 + 1;
    return true;
  });
  ModuleBuilder m;
  uint32_t t = m.type({I32}, {I32});
  uint32_t h = m.import_func("env", "h", t);
  // rec(n) = 10000 * 0 + ... : keeps live values below the host call: n * 1000 + host(n) - n * 1000
  uint32_t rec = m.func(t, code(local_get(0), i32_const(1000), op::i32_mul, local_get(0), call(h), op::i32_add,
                                local_get(0), i32_const(1000), op::i32_mul, op::i32_sub, op::end));
  uint32_t fib = m.func(t, code(local_get(0), i32_const(2), op::i32_lt_s, op::if_, I32, local_get(0), op::else_,
                                local_get(0), i32_const(1), op::i32_sub, call(2), local_get(0), i32_const(2),
                                op::i32_sub, call(2), op::i32_add, op::end, op::end));
  CHECK(fib == 2);
  m.export_func("rec", rec).export_func("fib", fib);
  auto* inst = instantiate(s, m.build(), {ext(host)});
  wasm_rec = func_export(inst, "rec");
  wasm_fib = func_export(inst, "fib");
  CHECK(run_i32(s, inst, "rec", {vi32(0)}) == 0);
  CHECK(run_i32(s, inst, "rec", {vi32(50)}) == 50);
  CHECK(host_calls == 52);
  // Afterwards the stack is back where it was: a plain call still works.
  CHECK(run_i32(s, inst, "fib", {vi32(15)}) == 610);
}

TEST_CASE("memory.grow and accesses at the edge") {
  ModuleBuilder m;
  uint32_t t_addr = m.type({I32}, {I32});
  uint32_t t_store = m.type({I32, I32}, {});
  uint32_t t_v = m.type({}, {I32});
  uint32_t t_l64 = m.type({I32}, {I64});
  uint32_t t_s64 = m.type({I32, I64}, {});
  m.memory(1, 3);
  m.export_func("load", m.func(t_addr, code(local_get(0), mem(op::i32_load, 0, 2), op::end)));
  m.export_func("load8", m.func(t_addr, code(local_get(0), mem(op::i32_load8_u), op::end)));
  m.export_func("load_off", m.func(t_addr, code(local_get(0), mem(op::i32_load, 0xfffc, 2), op::end)));
  m.export_func("store", m.func(t_store, code(local_get(0), local_get(1), mem(op::i32_store, 0, 2), op::end)));
  m.export_func("load64", m.func(t_l64, code(local_get(0), mem(op::i64_load, 0, 3), op::end)));
  m.export_func("store64", m.func(t_s64, code(local_get(0), local_get(1), mem(op::i64_store, 0, 3), op::end)));
  m.export_func("grow", m.func(t_addr, code(local_get(0), op::memory_grow, 0x00, op::end)));
  m.export_func("size", m.func(t_v, code(op::memory_size, 0x00, op::end)));
  // Grows from 2 to 3 pages, stores and loads in the new page within the same function, and adds
  // memory.size * 1000.
  m.export_func("grow_use", m.func(t_v, code(i32_const(1), op::memory_grow, 0x00, op::drop, i32_const(3 * 65536 - 4),
                                             i32_const(77), mem(op::i32_store, 0, 2), i32_const(3 * 65536 - 4),
                                             mem(op::i32_load, 0, 2), op::memory_size, 0x00, i32_const(1000),
                                             op::i32_mul, op::i32_add, op::end)));
  m.data(65534, {0xaa, 0xbb});
  m.export_memory("mem", 0);
  Store s;
  auto* inst = instantiate(s, m.build());
  auto* memory = export_ptr<wi::Memory>(inst, "mem", ExternKind::Memory);
  CHECK(memory->size == 65536);
  CHECK(run_i32(s, inst, "load8", {vi32(65535)}) == 0xbb);
  CHECK(run_i32(s, inst, "load8", {vi32(65534)}) == 0xaa);
  run(s, inst, "store", {vi32(65532), vi32(int32_t(0xdeadbeef))});
  CHECK(uint32_t(run_i32(s, inst, "load", {vi32(65532)})) == 0xdeadbeef);
  CHECK(uint32_t(run_i32(s, inst, "load_off", {vi32(0)})) == 0xdeadbeef);
  CHECK(memory->data[65532] == 0xef);
  run(s, inst, "store64", {vi32(65528), vi64(0x0102030405060708ll)});
  CHECK(run_i64(s, inst, "load64", {vi32(65528)}) == 0x0102030405060708ll);
  CHECK(run_i32(s, inst, "size") == 1);
  CHECK(run_i32(s, inst, "grow", {vi32(1)}) == 1);
  CHECK(run_i32(s, inst, "size") == 2);
  CHECK(memory->size == 2 * 65536);
  // Accesses straddling the old edge now succeed; the new page is zeroed.
  CHECK(run_i32(s, inst, "load", {vi32(65534)}) == 0x0102);
  CHECK(run_i32(s, inst, "load", {vi32(2 * 65536 - 4)}) == 0);
  CHECK(run_i32(s, inst, "grow", {vi32(2)}) == -1);  // 4 > max 3
  CHECK(run_i32(s, inst, "size") == 2);
  CHECK(run_i32(s, inst, "grow_use") == 3077);
  CHECK(run_i32(s, inst, "size") == 3);
  CHECK(run_i32(s, inst, "grow", {vi32(0)}) == 3);
  CHECK(run_i32(s, inst, "grow", {vi32(1)}) == -1);
  CHECK(run_i32(s, inst, "grow", {vi32(-1)}) == -1);
}

TEST_CASE("memory.grow is capped by StoreLimits, and a host function may grow memory") {
  wi::StoreLimits lim;
  lim.max_memory_pages = 4;
  Store s(lim);
  auto* grow2 = s.create_host_function(FuncType{{}, {}}, [](HostCall& hc) {
    return hc.caller->memories[0]->grow(2) >= 0 ? true : hc.fail(wi::TrapKind::Host, "grow failed");
  });
  ModuleBuilder m;
  uint32_t tv = m.type({}, {});
  uint32_t t = m.type({I32}, {I32});
  uint32_t h = m.import_func("env", "grow2", tv);
  m.memory(1);
  m.export_func("grow", m.func(t, code(local_get(0), op::memory_grow, 0x00, op::end)));
  // Stores into page 2 right after the host grew memory, then reads it back.
  m.export_func("host_grow_use", m.func(t, code(call(h), i32_const(2 * 65536), local_get(0),
                                                 mem(op::i32_store, 0, 2), i32_const(2 * 65536),
                                                 mem(op::i32_load, 0, 2), op::memory_size, 0x00, op::i32_add,
                                                 op::end)));
  auto* inst = instantiate(s, m.build(), {ext(grow2)});
  CHECK(run_i32(s, inst, "host_grow_use", {vi32(40)}) == 43);
  CHECK(run_i32(s, inst, "grow", {vi32(2)}) == -1);
  CHECK(run_i32(s, inst, "grow", {vi32(1)}) == 3);
  CHECK(run_i32(s, inst, "grow", {vi32(0)}) == 4);
}

TEST_CASE("globals: a mutable imported global shared by two instances") {
  Store s;
  auto* g = s.create_global(wi::GlobalType{ValType::I32, true}, vi32(5));
  ModuleBuilder a;
  uint32_t tv = a.type({}, {I32});
  uint32_t gi = a.import_global("env", "g", I32, true);
  // inc: g = g + 1; return g
  a.export_func("inc", a.func(tv, code(global_get(gi), i32_const(1), op::i32_add, global_set(gi), global_get(gi),
                                       op::end)));
  uint32_t own = a.global(I64, true, code(i64_const(-7), op::end));
  uint32_t ts = a.type({I64}, {});
  a.export_func("set64", a.func(ts, code(local_get(0), global_set(own), op::end)));
  a.export_global("g64", own);
  uint32_t gf = a.global(F64, true, code(f64_const(0.5), op::end));
  uint32_t tf = a.type({F64}, {F64});
  // f(x): old = gf; gf = x; old + gf
  a.export_func("f64", a.func(tf, code(global_get(gf), local_get(0), global_set(gf), global_get(gf), op::f64_add,
                                       op::end)));
  auto* ia = instantiate(s, a.build(), {ext(g)});

  ModuleBuilder b;
  uint32_t bv = b.type({}, {I32});
  uint32_t b64 = b.type({}, {I64});
  uint32_t bg = b.import_global("env", "g", I32, true);
  uint32_t bg64 = b.import_global("a", "g64", I64, true);
  b.export_func("get", b.func(bv, code(global_get(bg), op::end)));
  b.export_func("get64", b.func(b64, code(global_get(bg64), op::end)));
  auto* g64 = export_ptr<wi::GlobalInst>(ia, "g64", ExternKind::Global);
  auto* ib = instantiate(s, b.build(), {ext(g), ext(g64)});

  CHECK(run_i32(s, ia, "inc") == 6);
  CHECK(run_i32(s, ib, "get") == 6);
  CHECK(Store::read_global(*g).i32 == 6);
  Store::write_global(*g, vi32(100));
  CHECK(run_i32(s, ib, "get") == 100);
  CHECK(run_i32(s, ia, "inc") == 101);
  CHECK(run_i32(s, ib, "get") == 101);
  CHECK(run_i64(s, ib, "get64") == -7);
  run(s, ia, "set64", {vi64(int64_t(0x8000000000000000ull))});
  CHECK(uint64_t(run_i64(s, ib, "get64")) == 0x8000000000000000ull);
  CHECK(run_f64(s, ia, "f64", {vf64(2.0)}) == 2.5);
  CHECK(run_f64(s, ia, "f64", {vf64(3.0)}) == 5.0);
}

TEST_CASE("two instances share one imported memory and one imported table") {
  Store s;
  auto* memory = s.create_memory(wi::MemoryType{{1, 4}});
  auto* table = s.create_table(wi::TableType{ValType::FuncRef, {4, {}}});
  REQUIRE(memory);
  REQUIRE(table);

  ModuleBuilder a;
  uint32_t av = a.type({}, {I32});
  uint32_t aw = a.type({I32, I32}, {});
  uint32_t at = a.type({I32}, {I32});
  a.import_memory("env", "mem", 1);
  a.import_table("env", "table", FUNCREF, 4);
  // a_val() = mem[0] + 1
  uint32_t a_val = a.func(av, code(i32_const(0), mem(op::i32_load, 0, 2), i32_const(1), op::i32_add, op::end));
  a.export_func("write", a.func(aw, code(local_get(0), local_get(1), mem(op::i32_store, 0, 2), op::end)));
  a.export_func("size", a.func(av, code(op::memory_size, 0x00, op::end)));
  a.export_func("call_at", a.func(at, code(local_get(0), call_indirect(av), op::end)));
  a.export_func("read", a.func(at, code(local_get(0), mem(op::i32_load, 0, 2), op::end)));
  a.elem(0, {a_val});
  auto* ia = instantiate(s, a.build(), {ext(memory), ext(table)});

  ModuleBuilder b;
  uint32_t bv = b.type({}, {I32});
  uint32_t bt = b.type({I32}, {I32});
  b.import_memory("env", "mem", 1);
  b.import_table("env", "table", FUNCREF, 2);
  // b_val() = 2000 + mem[4]
  uint32_t b_val = b.func(bv, code(i32_const(4), mem(op::i32_load, 0, 2), i32_const(2000), op::i32_add, op::end));
  b.export_func("call_at", b.func(bt, code(local_get(0), call_indirect(bv), op::end)));
  b.export_func("read", b.func(bt, code(local_get(0), mem(op::i32_load, 0, 2), op::end)));
  b.export_func("grow", b.func(bt, code(local_get(0), op::memory_grow, 0x00, op::end)));
  b.elem(1, {b_val});
  b.data(4, {0x05, 0, 0, 0});
  auto* ib = instantiate(s, b.build(), {ext(memory), ext(table)});

  CHECK(table->elems[0] == func_export(ia, "call_at")->instance->funcs[a_val]);
  run(s, ia, "write", {vi32(0), vi32(41)});
  CHECK(run_i32(s, ib, "read", {vi32(0)}) == 41);
  CHECK(run_i32(s, ia, "read", {vi32(4)}) == 5);  // B's data segment, seen by A
  CHECK(run_i32(s, ib, "call_at", {vi32(0)}) == 42);    // B calls A's function: A's view of memory
  CHECK(run_i32(s, ib, "call_at", {vi32(1)}) == 2005);
  CHECK(run_i32(s, ia, "call_at", {vi32(1)}) == 2005);  // A calls B's function
  CHECK(run_i32(s, ib, "grow", {vi32(1)}) == 1);
  CHECK(run_i32(s, ia, "size") == 2);
  run(s, ia, "write", {vi32(65536 + 8), vi32(9)});
  CHECK(run_i32(s, ib, "read", {vi32(65536 + 8)}) == 9);
  CHECK(memory->size == 2 * 65536);
}

TEST_CASE("a callee in another instance that grows the shared memory") {
  Store s;
  auto* memory = s.create_memory(wi::MemoryType{{1, {}}});
  ModuleBuilder a;
  uint32_t av = a.type({}, {I32});
  a.import_memory("env", "mem", 1);
  a.export_func("grow", a.func(av, code(i32_const(1), op::memory_grow, 0x00, op::end)));
  auto* ia = instantiate(s, a.build(), {ext(memory)});
  ModuleBuilder b;
  uint32_t bv = b.type({}, {I32});
  uint32_t g = b.import_func("a", "grow", bv);
  b.import_memory("env", "mem", 1);
  // grow through A, then store and load in the new page
  b.export_func("f", b.func(bv, code(call(g), op::drop, i32_const(65536), i32_const(123), mem(op::i32_store, 0, 2),
                                     i32_const(65536), mem(op::i32_load, 0, 2), op::end)));
  auto* ib = instantiate(s, b.build(), {ext(func_export(ia, "grow")), ext(memory)});
  CHECK(run_i32(s, ib, "f") == 123);
}

TEST_CASE("a callee that grows memory: the caller sees the new size when it returns") {
  ModuleBuilder m;
  uint32_t tv = m.type({}, {I32});
  m.memory(1);
  uint32_t grow = m.func(tv, code(i32_const(1), op::memory_grow, 0x00, op::end));
  m.export_func("f", m.func(tv, code(call(grow), op::drop, i32_const(65536), i32_const(55), mem(op::i32_store, 0, 2),
                                     i32_const(65536), mem(op::i32_load, 0, 2), op::memory_size, 0x00, op::i32_add,
                                     op::end)));
  Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "f") == 57);
}

TEST_CASE("calls across instances run with the callee's memory and globals, then the caller's again") {
  Store s;
  ModuleBuilder a;
  uint32_t av = a.type({}, {I32});
  a.memory(1);
  uint32_t ag = a.global(I32, false, code(i32_const(111), op::end));
  a.data(0, {1, 0, 0, 0});
  // mem[0] * 1000 + global
  a.export_func("get", a.func(av, code(i32_const(0), mem(op::i32_load, 0, 2), i32_const(1000), op::i32_mul,
                                       global_get(ag), op::i32_add, op::end)));
  auto* ia = instantiate(s, a.build());
  ModuleBuilder b;
  uint32_t bv = b.type({}, {I32});
  uint32_t get = b.import_func("a", "get", bv);
  b.memory(2);
  uint32_t bg = b.global(I32, false, code(i32_const(222), op::end));
  b.data(0, {2, 0, 0, 0});
  b.data(65536, {3, 0, 0, 0});
  // A's view, then B's own: mem[65536] (only B has a second page) * 1000000 + mem[0] * 1000 + global
  b.export_func("f", b.func(bv, code(call(get), i32_const(65536), mem(op::i32_load, 0, 2), i32_const(1000000),
                                     op::i32_mul, op::i32_add, i32_const(0), mem(op::i32_load, 0, 2),
                                     i32_const(1000), op::i32_mul, op::i32_add, global_get(bg), op::i32_add,
                                     op::end)));
  auto* ib = instantiate(s, b.build(), {ext(func_export(ia, "get"))});
  CHECK(run_i32(s, ia, "get") == 1111);
  CHECK(run_i32(s, ib, "f") == 1111 + 3000000 + 2000 + 222);
}

TEST_CASE("canonical type ids: identical types in two modules are one type") {
  Store s;
  auto* table = s.create_table(wi::TableType{ValType::FuncRef, {2, {}}});
  ModuleBuilder a;
  uint32_t a_t = a.type({I32}, {I32});
  a.import_table("env", "t", FUNCREF, 2);
  uint32_t sq = a.func(a_t, code(local_get(0), local_get(0), op::i32_mul, op::end));
  a.export_func("sq", sq);
  a.elem(0, {sq});
  auto* ia = instantiate(s, a.build(), {ext(table)});

  ModuleBuilder b;
  b.type({}, {});
  b.type({F32}, {F32});
  uint32_t b_t = b.type({I32}, {I32});
  uint32_t b_call = b.type({I32, I32}, {I32});
  b.import_table("env", "t", FUNCREF, 2);
  b.export_func("call", b.func(b_call, code(local_get(1), local_get(0), call_indirect(b_t), op::end)));
  auto* ib = instantiate(s, b.build(), {ext(table)});

  auto* fsq = func_export(ia, "sq");
  CHECK(fsq->type_id == ia->type_ids[a_t]);
  CHECK(ib->type_ids[b_t] == ia->type_ids[a_t]);
  CHECK(ib->type_ids[0] != ib->type_ids[b_t]);
  CHECK(s.canonical_type_id(FuncType{{ValType::I32}, {ValType::I32}}) == fsq->type_id);
  CHECK(run_i32(s, ib, "call", {vi32(0), vi32(12)}) == 144);
}

TEST_CASE("many results: a function returning 40 values, a host function with more results than params") {
  Store s;
  auto* host = s.create_host_function(FuncType{{}, {ValType::I32, ValType::I64, ValType::I32}}, [](HostCall& hc) {
    hc.args[0].i32 = 1;
    hc.args[1].i64 = 2;
    hc.args[2].i32 = 3;
    return true;
  });
  ModuleBuilder m;
  Bytes forty(40, I32);
  uint32_t t40 = m.type({}, forty);
  uint32_t th = m.type({}, {I32, I64, I32});
  uint32_t tv = m.type({}, {I32});
  uint32_t h = m.import_func("env", "h", th);
  Bytes body;
  for (int i = 0; i < 40; ++i) append(body, i32_const(i * 3));
  append(body, code(op::end));
  uint32_t f40 = m.func(t40, body);
  // Sum of the 40 values, computed by the caller.
  Bytes sum = code(call(f40));
  for (int i = 0; i < 39; ++i) append(sum, code(op::i32_add));
  append(sum, code(op::end));
  m.export_func("f40", f40);
  m.export_func("sum40", m.func(tv, sum));
  // 1000 + a * 100 + b * 10 + c from the host's three results
  m.export_func("h", m.func(tv, code(i32_const(1000), call(h), local_set(1), i32_wrap(), local_set(0),
                                     i32_const(100), op::i32_mul, op::i32_add, local_get(0), i32_const(10),
                                     op::i32_mul, op::i32_add, local_get(1), op::i32_add, op::end),
                            {I32, I32}));
  auto* inst = instantiate(s, m.build(), {ext(host)});
  auto r = run(s, inst, "f40");
  REQUIRE(r.size() == 40);
  for (int i = 0; i < 40; ++i) CHECK(r[i].i32 == uint32_t(i * 3));
  CHECK(run_i32(s, inst, "sum40") == 3 * 39 * 40 / 2);
  CHECK(run_i32(s, inst, "h") == 1123);
}

TEST_CASE("Store::call checks the argument count") {
  Store s;
  auto* inst = instantiate(s, single({I32}, {I32}, code(local_get(0), op::end)));
  std::vector<Value> results;
  wi::Trap t = s.call(func_export(inst, "f"), std::vector<Value>{}, results);
  CHECK(t.kind == wi::TrapKind::Host);
  CHECK(run_i32(s, inst, "f", {vi32(3)}) == 3);
}

TEST_CASE("lazy compilation: bodies compile on first call, once, and a bad body traps when called") {
  ModuleBuilder m;
  uint32_t t_i32 = m.type({I32}, {I32});
  // fib, recursive, so its first call runs the freshly compiled code re-entering itself.
  uint32_t fib = m.func(t_i32, code(local_get(0), i32_const(2), op::i32_lt_s, op::if_, I32, local_get(0),
                                    op::else_, local_get(0), i32_const(1), op::i32_sub, call(0), local_get(0),
                                    i32_const(2), op::i32_sub, call(0), op::i32_add, op::end, op::end));
  uint32_t bad = m.func(t_i32, code(local_get(0), f32_const(1.0f), op::i32_add, op::end));  // i32.add of f32
  m.export_func("fib", fib).export_func("bad", bad);
  Bytes bytes = m.build();

  wi::CompileOptions eager;
  CHECK_FALSE(wi::compile_module(bytes, eager).ok());  // eager: the bad body fails the load

  wi::CompileOptions lazy;
  lazy.lazy = true;
  lazy.file_name = "lazy.wasm";
  auto cm = wi::compile_module(bytes, lazy);
  REQUIRE(cm.ok());
  CHECK((*cm)->funcs[0].pending);
  std::shared_ptr<const wi::CompiledModule> shared = std::move(*cm);
  Store s1, s2;
  auto i1 = s1.instantiate(shared, {}).instance;
  auto i2 = s2.instantiate(shared, {}).instance;  // two stores share one lazily filled module
  REQUIRE(i1);
  REQUIRE(i2);
  CHECK(run_i32(s1, i1, "fib", {vi32(20)}) == 6765);
  CHECK_FALSE(shared->funcs[0].pending);
  const uint32_t* code_before = shared->funcs[0].code.data();
  CHECK(run_i32(s2, i2, "fib", {vi32(10)}) == 55);  // already compiled: reused, not redone
  CHECK(shared->funcs[0].code.data() == code_before);
  CHECK(shared->funcs[1].pending);

  std::vector<Value> results;
  Value arg = vi32(1);
  wi::Trap t = s1.call(func_export(i1, "bad"), {&arg, 1}, results);
  REQUIRE(t);
  CHECK(t.message.find("lazy.wasm: 0x") == 0);
  CHECK(t.message.find("type mismatch") != std::string::npos);
  CHECK(t.message.find("compiled on its first call") != std::string::npos);
  t = s1.call(func_export(i1, "bad"), {&arg, 1}, results);  // fails the same way again
  CHECK(t.message.find("type mismatch") != std::string::npos);
}

// The register code of every function of a module, as `wi inspect --internal` lists it.
static std::string register_code(const Bytes& bytes) {
  auto cm = compile(bytes);
  std::string listing;
  for (auto& f : cm->funcs) listing += wi::disassemble_internal(*cm, f);
  return listing;
}

// An i32.add whose sum is only a load's or store's address is folded into it (LI_/LR_/SI_/SR_ in
// interp/regops.def). The sum must still wrap at 32 bits before the offset is added, and a trap must
// name the load or store, not the add.
TEST_CASE("address arithmetic folded into loads and stores wraps like the i32.add it replaces") {
  ModuleBuilder m;
  uint32_t t_1 = m.type({I32}, {I32});
  uint32_t t_2 = m.type({I32, I32}, {I32});
  uint32_t t_st = m.type({I32, I32, I32}, {});
  m.memory(1);
  uint32_t load_imm = m.func(t_1, code(local_get(0), i32_const(8), op::i32_add, mem(op::i32_load, 4, 2), op::end));
  uint32_t load_add = m.func(t_2, code(local_get(0), local_get(1), op::i32_add, mem(op::i32_load8_u, 1), op::end));
  uint32_t store_imm = m.func(t_st, code(local_get(0), i32_const(-4), op::i32_add, local_get(2),
                                         mem(op::i32_store, 8, 2), op::end));
  uint32_t store_add = m.func(t_st, code(local_get(0), local_get(1), op::i32_add, local_get(2),
                                         mem(op::i32_store8, 0), op::end));
  m.export_func("load_imm", load_imm).export_func("load_add", load_add);
  m.export_func("store_imm", store_imm).export_func("store_add", store_add);
  m.data(0, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  Bytes bytes = m.build();
  // The fused forms are what runs (this is the point of the test).
  const std::string listing = register_code(bytes);
  CHECK(listing.find("load.I32Load+imm") != std::string::npos);
  CHECK(listing.find("load.I32Load8U+add") != std::string::npos);
  CHECK(listing.find("store.I32Store+imm") != std::string::npos);
  CHECK(listing.find("store.I32Store8+add") != std::string::npos);

  Store s;
  auto* inst = instantiate(s, bytes);
  CHECK(run_i32(s, inst, "load_imm", {vi32(0)}) == 0x100f0e0d);     // bytes 12..15
  CHECK(run_i32(s, inst, "load_imm", {vi32(-8)}) == 0x08070605);    // -8 + 8 wraps to 0, then + 4
  CHECK(run_i32(s, inst, "load_add", {vi32(-1), vi32(3)}) == 4);    // 0xffffffff + 3 = 2, + 1
  CHECK(run_i32(s, inst, "load_add", {vi32(5), vi32(0)}) == 7);
  run(s, inst, "store_imm", {vi32(8), vi32(0), vi32(0x44332211)});  // 8 - 4 + 8 = 12
  CHECK(run_i32(s, inst, "load_imm", {vi32(0)}) == 0x44332211);
  run(s, inst, "store_add", {vi32(-16), vi32(20), vi32(0x99)});     // wraps to 4
  CHECK((run_i32(s, inst, "load_imm", {vi32(-8)}) & 0xff) == 0x99);
  // 2 - 4 wraps to 0xfffffffe, and the offset 8 is added without wrapping: out of bounds (an
  // address computed as 2 - 4 + 8 = 6 would not be). The trap names the store.
  wi::Trap t = run_trap(s, inst, "store_imm", {vi32(2), vi32(0), vi32(1)});
  CHECK(t.kind == wi::TrapKind::MemoryOutOfBounds);
  REQUIRE(!t.backtrace.empty());
  CHECK(t.backtrace[0].offset == m.code_offset(store_imm) + 2 + 2 + 1 + 2);  // local.get, const, add, local.get
  t = run_trap(s, inst, "load_imm", {vi32(65536 - 12)});  // the 4 bytes at 65536
  CHECK(t.kind == wi::TrapKind::MemoryOutOfBounds);
  REQUIRE(!t.backtrace.empty());
  CHECK(t.backtrace[0].offset == m.code_offset(load_imm) + 2 + 2 + 1);  // local.get, i32.const, i32.add
  t = run_trap(s, inst, "store_add", {vi32(65535), vi32(1), vi32(0)});
  CHECK(t.kind == wi::TrapKind::MemoryOutOfBounds);
  CHECK(t.backtrace[0].offset == m.code_offset(store_add) + 2 + 2 + 1 + 2);
  CHECK(run_i32(s, inst, "load_add", {vi32(65534), vi32(0)}) == 0);  // the last byte, in bounds
  CHECK(run_i32(s, inst, "load_imm", {vi32(65536 - 16)}) == 0);      // the last 4 bytes
}

// A constant address (C's static variables: i32.const 0 with the variable's address as the offset)
// is encoded in the load or store itself (LA_/SA_ in interp/regops.def).
TEST_CASE("loads and stores at constant addresses") {
  ModuleBuilder m;
  uint32_t t_v = m.type({}, {I32});
  uint32_t t_s = m.type({I32}, {});
  uint32_t t_far = m.type({}, {I64});
  m.memory(1);
  uint32_t get = m.func(t_v, code(i32_const(0), mem(op::i32_load, 100, 2), op::end));
  uint32_t set = m.func(t_s, code(i32_const(96), local_get(0), mem(op::i32_store, 4, 2), op::end));
  uint32_t set_const = m.func(t_s, code(i32_const(100), i32_const(7), mem(op::i32_store8, 1), op::end));
  // 0xffffffff + 0x10 is past 4 GiB: out of bounds, never wrapped to 0xf.
  uint32_t far = m.func(t_far, code(i32_const(-1), mem(op::i64_load, 0x10, 3), op::end));
  m.export_func("get", get).export_func("set", set).export_func("set_const", set_const).export_func("far", far);
  Bytes bytes = m.build();
  const std::string listing = register_code(bytes);
  CHECK(listing.find("load.I32Load@") != std::string::npos);
  CHECK(listing.find("store.I32Store@") != std::string::npos);
  CHECK(listing.find("storek.I32Store8@") != std::string::npos);  // the value a constant too
  Store s;
  auto* inst = instantiate(s, bytes);
  run(s, inst, "set", {vi32(0x01020304)});
  CHECK(run_i32(s, inst, "get") == 0x01020304);
  run(s, inst, "set_const", {vi32(0)});
  CHECK(run_i32(s, inst, "get") == 0x01020704);
  wi::Trap t = run_trap(s, inst, "far");
  CHECK(t.kind == wi::TrapKind::MemoryOutOfBounds);
  REQUIRE(!t.backtrace.empty());
  CHECK(t.backtrace[0].offset == m.code_offset(far) + 2);  // after i32.const -1
}

// Loop latches `x += imm; br_if x` and `x += imm; br_if x != n` run as one op (AddImmBrIfNez,
// AddImmBrNe): the add still happens on the last iteration, and a loop made of nothing else jumps
// back onto the fused op itself.
TEST_CASE("fused loop latches") {
  ModuleBuilder m;
  uint32_t t = m.type({I32}, {I32});
  Bytes add1 = code(local_get(1), i32_const(1), op::i32_add, op::local_set, 1);
  // sum of 0..n-1: acc += x; x += 1; br_if x != n
  uint32_t sum = m.func(t, code(op::loop, 0x40, local_get(2), local_get(1), op::i32_add, op::local_set, 2, add1,
                                local_get(1), local_get(0), op::i32_ne, op::br_if, 0, op::end, local_get(2), op::end),
                        {I32, I32});
  // counts down n to 0, two per iteration: cnt += 2; n -= 1; br_if n
  uint32_t down = m.func(t, code(op::loop, 0x40, local_get(1), i32_const(2), op::i32_add, op::local_set, 1,
                                 local_get(0), i32_const(-1), op::i32_add, op::local_set, 0, local_get(0),
                                 op::br_if, 0, op::end, local_get(1), op::end),
                         {I32});
  // the loop is the latch alone: x += 1 until x == n; then x is returned (the add ran n times)
  uint32_t only = m.func(t, code(op::loop, 0x40, add1, local_get(1), local_get(0), op::i32_ne, op::br_if, 0,
                                 op::end, local_get(1), op::end),
                         {I32});
  m.export_func("sum", sum).export_func("down", down).export_func("only", only);
  Bytes bytes = m.build();
  const std::string listing = register_code(bytes);
  CHECK(listing.find("AddImmBrNe") != std::string::npos);
  CHECK(listing.find("AddImmBrIfNez") != std::string::npos);
  Store s;
  auto* inst = instantiate(s, bytes);
  CHECK(run_i32(s, inst, "sum", {vi32(10)}) == 45);
  CHECK(run_i32(s, inst, "sum", {vi32(1)}) == 0);
  CHECK(run_i32(s, inst, "down", {vi32(7)}) == 14);
  CHECK(run_i32(s, inst, "down", {vi32(1)}) == 2);
  CHECK(run_i32(s, inst, "only", {vi32(5)}) == 5);
  CHECK(run_i32(s, inst, "only", {vi32(1)}) == 1);
}

// base + (i << k) as a load's or store's address folds into one op (LS_/SS_ in interp/regops.def);
// the shift and the add each wrap at 32 bits as they would unfused, and k is taken mod 32.
TEST_CASE("scaled-index addresses folded into loads and stores") {
  ModuleBuilder m;
  uint32_t t_get = m.type({I32, I32}, {I32});
  uint32_t t_set = m.type({I32, I32, I32}, {});
  m.memory(1);
  uint32_t get = m.func(t_get, code(local_get(0), local_get(1), i32_const(2), op::i32_shl, op::i32_add,
                                    mem(op::i32_load, 0, 2), op::end));
  uint32_t get33 = m.func(t_get, code(local_get(1), i32_const(33), op::i32_shl, local_get(0), op::i32_add,
                                      mem(op::i32_load8_u, 0), op::end));  // index first; shl by 33 is by 1
  uint32_t set = m.func(t_set, code(local_get(0), local_get(1), i32_const(2), op::i32_shl, op::i32_add, local_get(2),
                                    mem(op::i32_store, 4, 2), op::end));
  m.export_func("get", get).export_func("get33", get33).export_func("set", set);
  m.data(0, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  Bytes bytes = m.build();
  const std::string listing = register_code(bytes);
  CHECK(listing.find("load.I32Load+shl") != std::string::npos);
  CHECK(listing.find("load.I32Load8U+shl") != std::string::npos);
  CHECK(listing.find("store.I32Store+shl") != std::string::npos);
  Store s;
  auto* inst = instantiate(s, bytes);
  CHECK(run_i32(s, inst, "get", {vi32(0), vi32(1)}) == 0x08070605);
  CHECK(run_i32(s, inst, "get", {vi32(-16), vi32(5)}) == 0x08070605);          // -16 + 20 wraps to 4
  CHECK(run_i32(s, inst, "get", {vi32(0), vi32(0x40000001)}) == 0x08070605);   // the shift wraps: 4
  CHECK(run_i32(s, inst, "get33", {vi32(1), vi32(3)}) == 8);                    // 1 + (3 << 1) = 7
  run(s, inst, "set", {vi32(4), vi32(1), vi32(0x0a0b0c0d)});                    // 4 + 4 + 4 = 12
  CHECK(run_i32(s, inst, "get", {vi32(0), vi32(3)}) == 0x0a0b0c0d);
  wi::Trap t = run_trap(s, inst, "get", {vi32(65536 - 4), vi32(1)});
  CHECK(t.kind == wi::TrapKind::MemoryOutOfBounds);
  REQUIRE(!t.backtrace.empty());
  CHECK(t.backtrace[0].offset == m.code_offset(get) + 2 + 2 + 2 + 1 + 1);  // at the load
  t = run_trap(s, inst, "set", {vi32(-8), vi32(0), vi32(0)});  // 0xfffffff8 + offset 4: past the memory
  CHECK(t.kind == wi::TrapKind::MemoryOutOfBounds);
}

// A stored constant is the store's immediate k (K_ forms, interp/regops.def): k's low bytes are
// stored, sign-extended for a 64-bit value; an i64 or f64 constant that is no sign-extended 32-bit
// value still goes through a slot.
TEST_CASE("a stored constant is an immediate, its bytes those of the wasm value") {
  ModuleBuilder m;
  uint32_t t_set = m.type({I32}, {});
  uint32_t t_get = m.type({I32}, {I64});
  m.memory(1);
  auto store_at = [&](Bytes value, uint8_t opcode, uint32_t align) {
    return m.func(t_set, code(local_get(0), value, mem(opcode, 0, align), op::end));
  };
  uint32_t i32_16 = store_at(i32_const(0x12345678), op::i32_store16, 1);
  uint32_t i64_neg = store_at(i64_const(-2), op::i64_store, 3);
  uint32_t i64_u32 = store_at(i64_const(0xffffffffll), op::i64_store, 3);  // not sign-extended: a slot
  uint32_t i64_8 = store_at(i64_const(-1), op::i64_store8, 0);
  uint32_t f32_bits = store_at(f32_const(1.5f), op::f32_store, 2);
  uint32_t f64_zero = store_at(f64_const(0.0), op::f64_store, 3);
  uint32_t f64_one = store_at(f64_const(1.0), op::f64_store, 3);  // 0x3ff0...: a slot
  uint32_t at_imm = m.func(t_set, code(local_get(0), i32_const(12), op::i32_add, i32_const(-1),
                                       mem(op::i32_store8, 1), op::end));  // KI_: mem[a + 12 + 1]
  uint32_t at_abs = m.func(t_set, code(i32_const(200), i32_const(0x01020304), mem(op::i32_store, 8, 2), op::end));
  uint32_t get = m.func(t_get, code(local_get(0), mem(op::i64_load, 0, 3), op::end));
  m.export_func("i32_16", i32_16).export_func("i64_neg", i64_neg).export_func("i64_u32", i64_u32);
  m.export_func("i64_8", i64_8).export_func("f32_bits", f32_bits).export_func("f64_zero", f64_zero);
  m.export_func("f64_one", f64_one).export_func("at_imm", at_imm).export_func("at_abs", at_abs);
  m.export_func("get", get);
  Bytes bytes = m.build();
  const std::string listing = register_code(bytes);
  for (const char* form : {"storek.I32Store16 ", "storek.I64Store ", "storek.I64Store8 ", "storek.F32Store ",
                           "storek.F64Store ", "storek.I32Store8+imm ", "storek.I32Store@ "})
    CHECK_MESSAGE(listing.find(form) != std::string::npos, form);
  CHECK(listing.find("store.I64Store ") != std::string::npos);  // 0xffffffff
  CHECK(listing.find("store.F64Store ") != std::string::npos);  // 1.0
  Store s;
  auto* inst = instantiate(s, bytes);
  auto stored = [&](const char* setter, int32_t addr) {  // each setter's own 8 bytes, zero before
    run(s, inst, setter, {vi32(addr)});
    return run_i64(s, inst, "get", {vi32(addr)});
  };
  CHECK(stored("i32_16", 64) == 0x5678);
  CHECK(stored("i64_neg", 72) == -2);
  CHECK(stored("i64_u32", 80) == 0xffffffffll);
  CHECK(stored("i64_8", 88) == 0xff);
  CHECK(stored("f32_bits", 96) == 0x3fc00000);
  run(s, inst, "i64_neg", {vi32(104)});
  CHECK(stored("f64_zero", 104) == 0);  // all eight bytes overwritten
  CHECK(stored("f64_one", 112) == 0x3ff0000000000000ll);
  run(s, inst, "at_imm", {vi32(107)});  // 107 + 12 + 1
  CHECK(run_i64(s, inst, "get", {vi32(120)}) == 0xff);
  run(s, inst, "at_abs", {vi32(0)});
  CHECK(run_i64(s, inst, "get", {vi32(208)}) == 0x01020304);
  wi::Trap t = run_trap(s, inst, "i32_16", {vi32(65535)});  // the second byte is past the memory
  CHECK(t.kind == wi::TrapKind::MemoryOutOfBounds);
  REQUIRE(!t.backtrace.empty());
  CHECK(t.backtrace[0].offset == m.code_offset(i32_16) + 2 + 6);  // local.get, i32.const: at the store
}

// A constant stored through a folded address is either the store's immediate (K_ forms) or, when
// its bits are no sign-extended 32-bit value, materialized in a spare slot: its own home is where
// the add (or the shift) read a computed index.
TEST_CASE("storing a constant through a folded address keeps the index intact") {
  ModuleBuilder m;
  uint32_t t_set = m.type({I32, I32}, {});
  uint32_t t_get = m.type({I32}, {I32});
  m.memory(1);
  // mem[base + i*3] = 7 (the index i*3 is a temporary in the slot the constant would take)
  uint32_t set_mul = m.func(t_set, code(local_get(0), local_get(1), i32_const(3), op::i32_mul, op::i32_add,
                                        i32_const(7), mem(op::i32_store8, 0), op::end));
  // mem[base + ((i + 1) << 2)] = 9 (the shifted index i+1 is a temporary too)
  uint32_t set_shl = m.func(t_set, code(local_get(0), local_get(1), i32_const(1), op::i32_add, i32_const(2),
                                        op::i32_shl, op::i32_add, i64_const(9), mem(op::i64_store, 0, 3), op::end));
  // The same with a constant of 33 bits (0x1_0000_0009): it cannot be an immediate.
  uint32_t set_shl_wide = m.func(t_set, code(local_get(0), local_get(1), i32_const(1), op::i32_add, i32_const(2),
                                             op::i32_shl, op::i32_add, i64_const(0x100000009ll),
                                             mem(op::i64_store, 0, 3), op::end));
  uint32_t get = m.func(t_get, code(local_get(0), mem(op::i32_load8_u, 0), op::end));
  m.export_func("set_mul", set_mul).export_func("set_shl", set_shl).export_func("get", get);
  m.export_func("set_shl_wide", set_shl_wide);
  Bytes bytes = m.build();
  const std::string listing = register_code(bytes);
  CHECK(listing.find("storek.I32Store8+add") != std::string::npos);
  CHECK(listing.find("storek.I64Store+add") != std::string::npos);
  CHECK(listing.find("store.I64Store+shl") != std::string::npos);
  Store s;
  auto* inst = instantiate(s, bytes);
  run(s, inst, "set_mul", {vi32(10), vi32(2)});
  CHECK(run_i32(s, inst, "get", {vi32(16)}) == 7);
  CHECK(run_i32(s, inst, "get", {vi32(10)}) == 0);
  run(s, inst, "set_shl", {vi32(0), vi32(1)});
  CHECK(run_i32(s, inst, "get", {vi32(8)}) == 9);
  CHECK(run_i32(s, inst, "get", {vi32(9)}) == 0);
  run(s, inst, "set_shl_wide", {vi32(16), vi32(1)});
  CHECK(run_i32(s, inst, "get", {vi32(24)}) == 9);
  CHECK(run_i32(s, inst, "get", {vi32(28)}) == 1);  // bit 32 of the constant
  CHECK(run_i32(s, inst, "get", {vi32(23)}) == 0);
}

// `x OP load(p)` with the loaded value used only there runs as one op (F64AddLoad, ...): it computes
// what the pair did, and a trap in it is reported at the load.
TEST_CASE("arithmetic with a loaded right operand") {
  ModuleBuilder m;
  uint32_t t_f = m.type({F64, I32}, {F64});
  uint32_t t_i = m.type({I32, I32}, {I32});
  m.memory(1);
  auto f64_op = [&](uint8_t opcode) {
    return m.func(t_f, code(local_get(0), local_get(1), mem(op::f64_load, 8, 3), opcode, op::end));
  };
  uint32_t add = f64_op(op::f64_add), sub = f64_op(op::f64_sub), mul = f64_op(op::f64_mul);
  uint32_t iadd = m.func(t_i, code(local_get(0), local_get(1), mem(op::i32_load, 0, 2), op::i32_add, op::end));
  m.export_func("add", add).export_func("sub", sub).export_func("mul", mul).export_func("iadd", iadd);
  double two_and_half = 2.5;
  Bytes init(8);
  std::memcpy(init.data(), &two_and_half, 8);
  m.data(16, init);  // f64 2.5 at 16; its low word read as i32 at 16
  Bytes bytes = m.build();
  const std::string listing = register_code(bytes);
  for (const char* name : {"F64AddLoad", "F64SubLoad", "F64MulLoad", "I32AddLoad"})
    CHECK_MESSAGE(listing.find(name) != std::string::npos, name);
  Store s;
  auto* inst = instantiate(s, bytes);
  CHECK(run_f64(s, inst, "add", {vf64(1.25), vi32(8)}) == 3.75);
  CHECK(run_f64(s, inst, "sub", {vf64(1.25), vi32(8)}) == -1.25);  // a - load, not load - a
  CHECK(run_f64(s, inst, "mul", {vf64(-2.0), vi32(8)}) == -5.0);
  uint32_t low;
  std::memcpy(&low, &two_and_half, 4);
  CHECK(uint32_t(run_i32(s, inst, "iadd", {vi32(5), vi32(16)})) == low + 5);
  wi::Trap t = run_trap(s, inst, "mul", {vf64(1.0), vi32(65536 - 8)});
  CHECK(t.kind == wi::TrapKind::MemoryOutOfBounds);
  REQUIRE(!t.backtrace.empty());
  CHECK(t.backtrace[0].offset == m.code_offset(mul) + 2 + 2);  // the f64.load, after two local.gets
}
