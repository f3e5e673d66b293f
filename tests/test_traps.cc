// Traps: every trap the spec defines, with the spec's message, the wasm byte offset of the trapping
// instruction (computed from the bytes each test assembles), the backtrace, and that a store keeps
// working after a trap.
#include <doctest/doctest.h>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include "tests/wasm_builder.h"

using namespace wb;
using wi::ExternKind;
using wi::FuncType;
using wi::HostCall;
using wi::Store;
using wi::Trap;
using wi::TrapKind;
using wi::ValType;
using wi::Value;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A module exporting "f" (params -> results) whose body is `pre`, `trapping`, `post`, plus an export
// "ok" returning 7 to check the store still runs after a trap. `setup` may add memories, tables etc.
struct TrapModule {
  Bytes bytes;
  size_t trap_offset;  // file offset of `trapping`
};
template <class Setup>
TrapModule trap_module(Bytes params, Bytes results, const Bytes& pre, const Bytes& trapping, const Bytes& post,
                       Setup setup, Bytes locals = {}) {
  ModuleBuilder m;
  uint32_t t = m.type(params, results);
  uint32_t tok = m.type({}, {I32});
  setup(m);
  uint32_t f = m.func(t, code(pre, trapping, post), locals);
  m.export_func("f", f);
  m.export_func("ok", m.func(tok, code(i32_const(7), op::end)));
  TrapModule out;
  out.bytes = m.build();
  out.trap_offset = m.code_offset(f) + pre.size();
  return out;
}
TrapModule trap_module(Bytes params, Bytes results, const Bytes& pre, const Bytes& trapping, const Bytes& post) {
  return trap_module(params, results, pre, trapping, post, [](ModuleBuilder&) {});
}
auto with_memory = [](ModuleBuilder& m) { m.memory(1); };

// Runs "f" with `args`, expecting trap `kind` with its spec message at the module's trap offset in "f";
// then checks the store still runs "ok".
void expect_trap(Store& s, wi::Instance* inst, const TrapModule& tm, std::vector<Value> args, TrapKind kind,
                 const std::string& message) {
  Trap t = run_trap(s, inst, "f", std::move(args));
  CHECK(t.kind == kind);
  CHECK(t.message == message);
  REQUIRE(t.backtrace.size() >= 1);
  CHECK(t.backtrace[0].function == "f");
  CHECK(t.backtrace[0].module_file == "test.wasm");
  CHECK(t.backtrace[0].offset == tm.trap_offset);
  CHECK(run_i32(s, inst, "ok") == 7);
}

void check_trap(const TrapModule& tm, std::vector<Value> args, TrapKind kind, const std::string& message) {
  Store s;
  auto* inst = instantiate(s, tm.bytes);
  expect_trap(s, inst, tm, std::move(args), kind, message);
}

}  // namespace

TEST_CASE("trap texts") {
  CHECK(std::string(wi::trap_text(TrapKind::Unreachable)) == "unreachable");
  CHECK(std::string(wi::trap_text(TrapKind::MemoryOutOfBounds)) == "out of bounds memory access");
  CHECK(std::string(wi::trap_text(TrapKind::TableOutOfBounds)) == "out of bounds table access");
  CHECK(std::string(wi::trap_text(TrapKind::UndefinedElement)) == "undefined element");
  CHECK(std::string(wi::trap_text(TrapKind::UninitializedElement)) == "uninitialized element");
  CHECK(std::string(wi::trap_text(TrapKind::IndirectCallTypeMismatch)) == "indirect call type mismatch");
  CHECK(std::string(wi::trap_text(TrapKind::IntegerDivideByZero)) == "integer divide by zero");
  CHECK(std::string(wi::trap_text(TrapKind::IntegerOverflow)) == "integer overflow");
  CHECK(std::string(wi::trap_text(TrapKind::InvalidConversion)) == "invalid conversion to integer");
  CHECK(std::string(wi::trap_text(TrapKind::CallStackExhausted)) == "call stack exhausted");
}

TEST_CASE("unreachable") {
  auto tm = trap_module({}, {}, code(i32_const(1), op::drop), code(op::unreachable), code(op::end));
  check_trap(tm, {}, TrapKind::Unreachable, "unreachable");
  // After something that already left values in slots, and with a result type.
  tm = trap_module({I32}, {I32}, code(local_get(0), i32_const(5), op::i32_add, op::drop), code(op::unreachable),
                   code(op::end));
  check_trap(tm, {vi32(1)}, TrapKind::Unreachable, "unreachable");
}

TEST_CASE("out of bounds memory access: loads") {
  const std::string oob = "out of bounds memory access";
  SUBCASE("i32.load") {
    auto tm = trap_module({I32}, {I32}, local_get(0), mem(op::i32_load, 0, 2), code(op::end), with_memory);
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    CHECK(run_i32(s, inst, "f", {vi32(65532)}) == 0);
    expect_trap(s, inst, tm, {vi32(65533)}, TrapKind::MemoryOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(65536)}, TrapKind::MemoryOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(-1)}, TrapKind::MemoryOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(-4)}, TrapKind::MemoryOutOfBounds, oob);
  }
  SUBCASE("offset immediate: no wrap-around") {
    auto tm = trap_module({I32}, {I32}, local_get(0), mem(op::i32_load, 0xffffffffu, 0), code(op::end),
                          with_memory);
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    expect_trap(s, inst, tm, {vi32(1)}, TrapKind::MemoryOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(-1)}, TrapKind::MemoryOutOfBounds, oob);
    auto tm2 = trap_module({I32}, {I32}, local_get(0), mem(op::i32_load, 4, 2), code(op::end), with_memory);
    Store s2;
    auto* inst2 = instantiate(s2, tm2.bytes);
    CHECK(run_i32(s2, inst2, "f", {vi32(65528)}) == 0);
    expect_trap(s2, inst2, tm2, {vi32(65529)}, TrapKind::MemoryOutOfBounds, oob);
  }
  SUBCASE("i64.load and i32.load8_u") {
    auto tm = trap_module({I32}, {I64}, local_get(0), mem(op::i64_load, 0, 3), code(op::end), with_memory);
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    CHECK(run_i64(s, inst, "f", {vi32(65528)}) == 0);
    expect_trap(s, inst, tm, {vi32(65529)}, TrapKind::MemoryOutOfBounds, oob);
    auto tm8 = trap_module({I32}, {I32}, local_get(0), mem(op::i32_load8_u), code(op::end), with_memory);
    Store s8;
    auto* inst8 = instantiate(s8, tm8.bytes);
    CHECK(run_i32(s8, inst8, "f", {vi32(65535)}) == 0);
    expect_trap(s8, inst8, tm8, {vi32(65536)}, TrapKind::MemoryOutOfBounds, oob);
  }
  SUBCASE("a constant address") {
    auto tm = trap_module({}, {I32}, i32_const(65535), mem(op::i32_load, 0, 2), code(op::end), with_memory);
    check_trap(tm, {}, TrapKind::MemoryOutOfBounds, oob);
  }
  SUBCASE("a module without memory pages") {
    auto tm = trap_module({I32}, {I32}, local_get(0), mem(op::i32_load8_u), code(op::end),
                          [](ModuleBuilder& m) { m.memory(0); });
    check_trap(tm, {vi32(0)}, TrapKind::MemoryOutOfBounds, oob);
  }
}

TEST_CASE("out of bounds memory access: stores write nothing") {
  const std::string oob = "out of bounds memory access";
  auto tm = trap_module({I32, I64}, {}, code(local_get(0), local_get(1)), mem(op::i64_store, 0, 3), code(op::end),
                        [](ModuleBuilder& m) { m.export_memory("mem", m.memory(1)); });
  Store s;
  auto* inst = instantiate(s, tm.bytes);
  auto* memory = export_ptr<wi::Memory>(inst, "mem", ExternKind::Memory);
  run(s, inst, "f", {vi32(65528), vi64(-1)});
  CHECK(memory->data[65535] == 0xff);
  std::memset(memory->data + 65520, 0, 16);
  expect_trap(s, inst, tm, {vi32(65530), vi64(-1)}, TrapKind::MemoryOutOfBounds, oob);
  for (int i = 65520; i < 65536; ++i) CHECK(memory->data[i] == 0);
  expect_trap(s, inst, tm, {vi32(-8), vi64(-1)}, TrapKind::MemoryOutOfBounds, oob);

  auto tm8 = trap_module({I32}, {}, code(local_get(0), i32_const(1)), mem(op::i32_store8), code(op::end),
                         with_memory);
  Store s8;
  auto* inst8 = instantiate(s8, tm8.bytes);
  run(s8, inst8, "f", {vi32(65535)});
  expect_trap(s8, inst8, tm8, {vi32(65536)}, TrapKind::MemoryOutOfBounds, oob);
}

TEST_CASE("out of bounds memory access: memory.fill, memory.copy, memory.init") {
  const std::string oob = "out of bounds memory access";
  SUBCASE("memory.fill") {
    auto tm = trap_module({I32, I32}, {}, code(local_get(0), i32_const(0xab), local_get(1)), memory_fill(),
                          code(op::end), [](ModuleBuilder& m) { m.export_memory("mem", m.memory(1)); });
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    auto* memory = export_ptr<wi::Memory>(inst, "mem", ExternKind::Memory);
    run(s, inst, "f", {vi32(65530), vi32(6)});
    CHECK(memory->data[65535] == 0xab);
    run(s, inst, "f", {vi32(65536), vi32(0)});
    std::memset(memory->data + 65520, 0, 16);
    expect_trap(s, inst, tm, {vi32(65530), vi32(7)}, TrapKind::MemoryOutOfBounds, oob);
    CHECK(memory->data[65530] == 0);  // nothing written
    expect_trap(s, inst, tm, {vi32(65537), vi32(0)}, TrapKind::MemoryOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(1), vi32(-1)}, TrapKind::MemoryOutOfBounds, oob);
  }
  SUBCASE("memory.copy") {
    auto tm = trap_module({I32, I32, I32}, {}, code(local_get(0), local_get(1), local_get(2)), memory_copy(),
                          code(op::end), with_memory);
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    run(s, inst, "f", {vi32(0), vi32(65532), vi32(4)});
    run(s, inst, "f", {vi32(65536), vi32(65536), vi32(0)});
    expect_trap(s, inst, tm, {vi32(0), vi32(65533), vi32(4)}, TrapKind::MemoryOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(65533), vi32(0), vi32(4)}, TrapKind::MemoryOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(0), vi32(65537), vi32(0)}, TrapKind::MemoryOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(0), vi32(0), vi32(-1)}, TrapKind::MemoryOutOfBounds, oob);
  }
  SUBCASE("memory.init and data.drop") {
    ModuleBuilder m;
    uint32_t t = m.type({I32, I32, I32}, {});
    uint32_t tv = m.type({}, {});
    m.memory(1);
    m.data_passive({1, 2, 3, 4});
    Bytes pre = code(local_get(0), local_get(1), local_get(2));
    uint32_t f = m.func(t, code(pre, memory_init(0), op::end));
    m.export_func("f", f);
    m.export_func("drop", m.func(tv, code(data_drop(0), op::end)));
    m.export_func("ok", m.func(m.type({}, {I32}), code(i32_const(7), op::end)));
    TrapModule tm{m.build(), 0};
    tm.trap_offset = m.code_offset(f) + pre.size();
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    run(s, inst, "f", {vi32(65532), vi32(0), vi32(4)});
    run(s, inst, "f", {vi32(0), vi32(4), vi32(0)});
    expect_trap(s, inst, tm, {vi32(0), vi32(2), vi32(3)}, TrapKind::MemoryOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(65535), vi32(0), vi32(2)}, TrapKind::MemoryOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(0), vi32(5), vi32(0)}, TrapKind::MemoryOutOfBounds, oob);
    run(s, inst, "drop");
    run(s, inst, "f", {vi32(0), vi32(0), vi32(0)});
    expect_trap(s, inst, tm, {vi32(0), vi32(0), vi32(1)}, TrapKind::MemoryOutOfBounds, oob);
  }
  SUBCASE("an active data segment out of bounds fails instantiation") {
    ModuleBuilder m;
    m.memory(1);
    m.data(65535, {1, 2});
    Store s;
    auto o = s.instantiate(compile(m.build()), {});
    CHECK_FALSE(o.link_error);
    CHECK(o.trap.kind == TrapKind::MemoryOutOfBounds);
    CHECK(o.trap.message == oob);
  }
}

TEST_CASE("out of bounds table access") {
  const std::string oob = "out of bounds table access";
  auto table2 = [](ModuleBuilder& m) {
    m.table(FUNCREF, 2);
    m.elem_declare({0});
  };
  SUBCASE("table.get") {
    auto tm = trap_module({I32}, {I32}, local_get(0), table_get(0), code(op::ref_is_null, op::end), table2);
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    CHECK(run_i32(s, inst, "f", {vi32(1)}) == 1);
    expect_trap(s, inst, tm, {vi32(2)}, TrapKind::TableOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(-1)}, TrapKind::TableOutOfBounds, oob);
  }
  SUBCASE("table.set") {
    auto tm = trap_module({I32}, {}, code(local_get(0), ref_func(0)), table_set(0), code(op::end), table2);
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    run(s, inst, "f", {vi32(1)});
    expect_trap(s, inst, tm, {vi32(2)}, TrapKind::TableOutOfBounds, oob);
  }
  SUBCASE("table.fill") {
    auto tm = trap_module({I32, I32}, {}, code(local_get(0), ref_null(), local_get(1)), table_fill(0),
                          code(op::end), table2);
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    run(s, inst, "f", {vi32(0), vi32(2)});
    run(s, inst, "f", {vi32(2), vi32(0)});
    expect_trap(s, inst, tm, {vi32(1), vi32(2)}, TrapKind::TableOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(3), vi32(0)}, TrapKind::TableOutOfBounds, oob);
  }
  SUBCASE("table.copy") {
    auto tm = trap_module({I32, I32, I32}, {}, code(local_get(0), local_get(1), local_get(2)), table_copy(),
                          code(op::end), table2);
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    run(s, inst, "f", {vi32(0), vi32(1), vi32(1)});
    expect_trap(s, inst, tm, {vi32(0), vi32(1), vi32(2)}, TrapKind::TableOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(1), vi32(0), vi32(2)}, TrapKind::TableOutOfBounds, oob);
  }
  SUBCASE("table.init") {
    auto setup = [](ModuleBuilder& m) {
      m.table(FUNCREF, 2);
      m.elem_passive({0, 0, 0});
    };
    auto tm = trap_module({I32, I32, I32}, {}, code(local_get(0), local_get(1), local_get(2)), table_init(0),
                          code(op::end), setup);
    Store s;
    auto* inst = instantiate(s, tm.bytes);
    run(s, inst, "f", {vi32(0), vi32(1), vi32(2)});
    expect_trap(s, inst, tm, {vi32(1), vi32(0), vi32(2)}, TrapKind::TableOutOfBounds, oob);
    expect_trap(s, inst, tm, {vi32(0), vi32(2), vi32(2)}, TrapKind::TableOutOfBounds, oob);
  }
  SUBCASE("an active element segment out of bounds fails instantiation") {
    ModuleBuilder m;
    uint32_t t = m.type({}, {});
    uint32_t f = m.func(t, code(op::end));
    m.table(FUNCREF, 2);
    m.elem(1, {f, f});
    Store s;
    auto o = s.instantiate(compile(m.build()), {});
    CHECK_FALSE(o.link_error);
    CHECK(o.trap.kind == TrapKind::TableOutOfBounds);
    CHECK(o.trap.message == oob);
  }
}

TEST_CASE("call_indirect traps: undefined element, uninitialized element, type mismatch") {
  ModuleBuilder m;
  uint32_t t1 = m.type({I32}, {I32});
  uint32_t t2 = m.type({I64}, {I32});
  uint32_t t3 = m.type({I32}, {I64});  // same params, different result
  uint32_t tf = m.type({I32}, {I32});   // same as t1: still matches
  uint32_t id = m.func(t1, code(local_get(0), op::end));
  uint32_t wide = m.func(t3, code(i64_const(1), op::end));
  m.table(FUNCREF, 4);
  m.elem(0, {id, wide});  // slots 2, 3 stay null
  Bytes pre = code(i32_const(5), local_get(0));
  uint32_t f = m.func(tf, code(pre, call_indirect(t1), op::end));
  uint32_t g = m.func(tf, code(i64_const(5), local_get(0), call_indirect(t2), op::end));
  m.export_func("f", f).export_func("g", g);
  m.export_func("ok", m.func(m.type({}, {I32}), code(i32_const(7), op::end)));
  TrapModule tm{m.build(), 0};
  tm.trap_offset = m.code_offset(f) + pre.size();
  Store s;
  auto* inst = instantiate(s, tm.bytes);
  CHECK(run_i32(s, inst, "f", {vi32(0)}) == 5);
  expect_trap(s, inst, tm, {vi32(4)}, TrapKind::UndefinedElement, "undefined element");
  expect_trap(s, inst, tm, {vi32(-1)}, TrapKind::UndefinedElement, "undefined element");
  expect_trap(s, inst, tm, {vi32(2)}, TrapKind::UninitializedElement, "uninitialized element");
  expect_trap(s, inst, tm, {vi32(1)}, TrapKind::IndirectCallTypeMismatch, "indirect call type mismatch");
  Trap t = run_trap(s, inst, "g", {vi32(0)});
  CHECK(t.kind == TrapKind::IndirectCallTypeMismatch);
  CHECK(t.message == "indirect call type mismatch");
  CHECK(t.backtrace.at(0).function == "g");
  CHECK(t.backtrace.at(0).offset == m.code_offset(g) + i64_const(5).size() + local_get(0).size());
}

TEST_CASE("call_indirect type mismatch across instances") {
  Store s;
  auto* table = s.create_table(wi::TableType{ValType::FuncRef, {1, {}}});
  ModuleBuilder a;
  uint32_t at = a.type({I32}, {I64});
  a.import_table("env", "t", FUNCREF, 1);
  a.elem(0, {a.func(at, code(i64_const(3), op::end))});
  instantiate(s, a.build(), {ext(table)});
  ModuleBuilder b;
  uint32_t bt = b.type({I32}, {I32});
  b.import_table("env", "t", FUNCREF, 1);
  b.export_func("f", b.func(bt, code(local_get(0), local_get(0), call_indirect(bt), op::end)));
  auto* ib = instantiate(s, b.build(), {ext(table)});
  Trap t = run_trap(s, ib, "f", {vi32(0)});
  CHECK(t.kind == TrapKind::IndirectCallTypeMismatch);
  CHECK(t.message == "indirect call type mismatch");
}

TEST_CASE("integer divide by zero") {
  struct Case {
    uint8_t opcode;
    bool wide;
  };
  for (Case c : {Case{op::i32_div_s, false}, Case{op::i32_div_u, false}, Case{op::i32_rem_s, false},
                 Case{op::i32_rem_u, false}, Case{op::i64_div_s, true}, Case{op::i64_div_u, true},
                 Case{op::i64_rem_s, true}, Case{op::i64_rem_u, true}}) {
    CAPTURE(int(c.opcode));
    uint8_t T = c.wide ? I64 : I32;
    Value a = c.wide ? vi64(int64_t(0x8000000000000000ull)) : vi32(INT32_MIN);
    Value zero = c.wide ? vi64(0) : vi32(0);
    // Divisor in a slot.
    auto tm = trap_module({T, T}, {T}, code(local_get(0), local_get(1)), code(c.opcode), code(op::end));
    check_trap(tm, {a, zero}, TrapKind::IntegerDivideByZero, "integer divide by zero");
    // Constant divisor (the _imm form).
    tm = trap_module({T}, {T}, code(local_get(0), c.wide ? i64_const(0) : i32_const(0)), code(c.opcode),
                     code(op::end));
    check_trap(tm, {a}, TrapKind::IntegerDivideByZero, "integer divide by zero");
  }
}

TEST_CASE("integer overflow") {
  SUBCASE("div_s of the minimum by -1") {
    auto tm = trap_module({I32, I32}, {I32}, code(local_get(0), local_get(1)), code(op::i32_div_s), code(op::end));
    check_trap(tm, {vi32(INT32_MIN), vi32(-1)}, TrapKind::IntegerOverflow, "integer overflow");
    tm = trap_module({I32}, {I32}, code(local_get(0), i32_const(-1)), code(op::i32_div_s), code(op::end));
    check_trap(tm, {vi32(INT32_MIN)}, TrapKind::IntegerOverflow, "integer overflow");
    tm = trap_module({I64, I64}, {I64}, code(local_get(0), local_get(1)), code(op::i64_div_s), code(op::end));
    check_trap(tm, {vi64(INT64_MIN), vi64(-1)}, TrapKind::IntegerOverflow, "integer overflow");
  }
  SUBCASE("rem_s of the minimum by -1 is 0, not a trap") {
    Store s;
    auto* inst = instantiate(s, trap_module({I32, I32}, {I32}, code(local_get(0), local_get(1)),
                                            code(op::i32_rem_s), code(op::end))
                                    .bytes);
    CHECK(run_i32(s, inst, "f", {vi32(INT32_MIN), vi32(-1)}) == 0);
    auto* inst64 = instantiate(s, trap_module({I64, I64}, {I64}, code(local_get(0), local_get(1)),
                                              code(op::i64_rem_s), code(op::end))
                                      .bytes);
    CHECK(run_i64(s, inst64, "f", {vi64(INT64_MIN), vi64(-1)}) == 0);
  }
  SUBCASE("trunc out of range") {
    auto f64_to_i32s = trap_module({F64}, {I32}, local_get(0), code(op::i32_trunc_f64_s), code(op::end));
    Store s;
    auto* inst = instantiate(s, f64_to_i32s.bytes);
    CHECK(run_i32(s, inst, "f", {vf64(2147483647.9)}) == INT32_MAX);
    CHECK(run_i32(s, inst, "f", {vf64(-2147483648.9)}) == INT32_MIN);
    expect_trap(s, inst, f64_to_i32s, {vf64(2147483648.0)}, TrapKind::IntegerOverflow, "integer overflow");
    expect_trap(s, inst, f64_to_i32s, {vf64(-2147483649.0)}, TrapKind::IntegerOverflow, "integer overflow");
    expect_trap(s, inst, f64_to_i32s, {vf64(INFINITY)}, TrapKind::IntegerOverflow, "integer overflow");

    auto f64_to_i32u = trap_module({F64}, {I32}, local_get(0), code(op::i32_trunc_f64_u), code(op::end));
    auto* inst_u = instantiate(s, f64_to_i32u.bytes);
    CHECK(run_i32(s, inst_u, "f", {vf64(-0.9)}) == 0);
    CHECK(uint32_t(run_i32(s, inst_u, "f", {vf64(4294967295.5)})) == 4294967295u);
    expect_trap(s, inst_u, f64_to_i32u, {vf64(-1.0)}, TrapKind::IntegerOverflow, "integer overflow");
    expect_trap(s, inst_u, f64_to_i32u, {vf64(4294967296.0)}, TrapKind::IntegerOverflow, "integer overflow");

    auto f32_to_i32s = trap_module({F32}, {I32}, local_get(0), code(op::i32_trunc_f32_s), code(op::end));
    check_trap(f32_to_i32s, {vf32(3e9f)}, TrapKind::IntegerOverflow, "integer overflow");
    auto f64_to_i64s = trap_module({F64}, {I64}, local_get(0), code(op::i64_trunc_f64_s), code(op::end));
    check_trap(f64_to_i64s, {vf64(9.3e18)}, TrapKind::IntegerOverflow, "integer overflow");
    auto f64_to_i64u = trap_module({F64}, {I64}, local_get(0), code(op::i64_trunc_f64_u), code(op::end));
    check_trap(f64_to_i64u, {vf64(1.9e19)}, TrapKind::IntegerOverflow, "integer overflow");
    check_trap(f64_to_i64u, {vf64(-1.0)}, TrapKind::IntegerOverflow, "integer overflow");
  }
}

TEST_CASE("invalid conversion to integer") {
  const std::string msg = "invalid conversion to integer";
  for (uint8_t o : {op::i32_trunc_f64_s, op::i32_trunc_f64_u, op::i64_trunc_f64_s, op::i64_trunc_f64_u}) {
    CAPTURE(int(o));
    bool wide = o == op::i64_trunc_f64_s || o == op::i64_trunc_f64_u;
    auto tm = trap_module({F64}, {wide ? I64 : I32}, local_get(0), code(o), code(op::end));
    check_trap(tm, {vf64(kNaN)}, TrapKind::InvalidConversion, msg);
    check_trap(tm, {vf64(-kNaN)}, TrapKind::InvalidConversion, msg);
  }
  for (uint8_t o : {op::i32_trunc_f32_s, op::i32_trunc_f32_u, op::i64_trunc_f32_s}) {
    CAPTURE(int(o));
    auto tm = trap_module({F32}, {o == op::i64_trunc_f32_s ? I64 : I32}, local_get(0), code(o), code(op::end));
    check_trap(tm, {vf32(std::numeric_limits<float>::quiet_NaN())}, TrapKind::InvalidConversion, msg);
  }
  // A constant NaN operand.
  auto tm = trap_module({}, {I32}, f64_const(kNaN), code(op::i32_trunc_f64_s), code(op::end));
  check_trap(tm, {}, TrapKind::InvalidConversion, msg);
}

TEST_CASE("call stack exhausted") {
  wi::StoreLimits lim;
  lim.max_call_depth = 100;
  SUBCASE("infinite recursion") {
    ModuleBuilder m;
    uint32_t t = m.type({I32}, {I32});
    // f(n) = n == 0 ? 0 : f(n - 1) + 1   -- finite for small n, unbounded for n < 0
    Bytes pre = code(local_get(0), op::i32_eqz, op::if_, I32, i32_const(0), op::else_, local_get(0), i32_const(1),
                     op::i32_sub);
    uint32_t f = m.func(t, code(pre, call(0), i32_const(1), op::i32_add, op::end, op::end));
    m.export_func("f", f);
    Store s(lim);
    auto* inst = instantiate(s, m.build());
    CHECK(run_i32(s, inst, "f", {vi32(50)}) == 50);
    Trap tr = run_trap(s, inst, "f", {vi32(-1)});
    CHECK(tr.kind == TrapKind::CallStackExhausted);
    CHECK(tr.message == "call stack exhausted");
    REQUIRE_FALSE(tr.backtrace.empty());
    CHECK(tr.backtrace.size() <= 100);
    CHECK(tr.backtrace[0].function == "f");
    CHECK(tr.backtrace[0].offset == m.code_offset(f) + pre.size());  // at the call
    // The store is usable again, and the full depth is available again.
    CHECK(run_i32(s, inst, "f", {vi32(90)}) == 90);
    tr = run_trap(s, inst, "f", {vi32(-1)});
    CHECK(tr.kind == TrapKind::CallStackExhausted);
    CHECK(run_i32(s, inst, "f", {vi32(90)}) == 90);
  }
  SUBCASE("value stack exhausted: large frames") {
    wi::StoreLimits small;
    small.value_stack_slots = 4096;
    ModuleBuilder m;
    uint32_t t = m.type({I32}, {I32});
    Bytes many_locals(200, I32);
    uint32_t f = m.func(t, code(local_get(0), op::i32_eqz, op::if_, I32, i32_const(0), op::else_, local_get(0),
                                i32_const(1), op::i32_sub, call(0), i32_const(1), op::i32_add, op::end, op::end),
                        many_locals);
    m.export_func("f", f);
    Store s(small);
    auto* inst = instantiate(s, m.build());
    CHECK(run_i32(s, inst, "f", {vi32(5)}) == 5);
    Trap tr = run_trap(s, inst, "f", {vi32(1000)});
    CHECK(tr.kind == TrapKind::CallStackExhausted);
    CHECK(tr.message == "call stack exhausted");
    CHECK(run_i32(s, inst, "f", {vi32(5)}) == 5);
  }
  SUBCASE("unbounded recursion through call_indirect") {
    ModuleBuilder m;
    uint32_t t = m.type({}, {});
    uint32_t f = m.func(t, code(i32_const(0), call_indirect(t), op::end));
    m.table(FUNCREF, 1);
    m.elem(0, {f});
    m.export_func("f", f);
    Store s(lim);
    auto* inst = instantiate(s, m.build());
    Trap tr = run_trap(s, inst, "f");
    CHECK(tr.kind == TrapKind::CallStackExhausted);
  }
  SUBCASE("unbounded recursion through the host (wasm -> host -> wasm ...)") {
    Store s(lim);
    wi::FuncInst* wasm = nullptr;
    int depth = 0, max_depth = 0;
    auto* host = s.create_host_function(FuncType{{}, {}}, [&](HostCall& hc) {
      max_depth = std::max(max_depth, ++depth);
      std::vector<Value> r;
      Trap t = hc.store.call(wasm, {}, r);
      --depth;
      if (t) {
        *hc.trap = t;
        return false;
      }
      return true;
    });
    ModuleBuilder m;
    uint32_t t = m.type({}, {});
    uint32_t h = m.import_func("env", "h", t);
    m.export_func("f", m.func(t, code(call(h), op::end)));
    m.export_func("ok", m.func(m.type({}, {I32}), code(i32_const(7), op::end)));
    auto* inst = instantiate(s, m.build(), {ext(host)});
    wasm = func_export(inst, "f");
    Trap tr = run_trap(s, inst, "f");
    CHECK(tr.kind == TrapKind::CallStackExhausted);
    CHECK(tr.message == "call stack exhausted");
    CHECK(max_depth <= 200);
    CHECK(depth == 0);
    CHECK(run_i32(s, inst, "ok") == 7);
  }
}

TEST_CASE("backtraces name every frame and the wasm offset of its instruction") {
  ModuleBuilder m;
  uint32_t t = m.type({I32}, {I32});
  // inner (func 0, exported): traps dividing by its argument
  Bytes inner_pre = code(i32_const(100), local_get(0));
  uint32_t inner = m.func(t, code(inner_pre, op::i32_div_u, op::end));
  // middle (func 1, not exported): 1 + inner(x)
  Bytes middle_pre = code(i32_const(1), local_get(0));
  uint32_t middle = m.func(t, code(middle_pre, call(inner), op::i32_add, op::end));
  // outer (func 2): a block, a loop, then middle(x - 1)
  Bytes outer_pre = code(op::block, I32, local_get(0), i32_const(1), op::i32_sub);
  uint32_t outer = m.func(t, code(outer_pre, call(middle), op::end, op::end));
  m.export_func("inner", inner).export_func("outer", outer);
  Bytes bytes = m.build();
  Store s;
  auto* inst = instantiate(s, bytes, {}, "bt.wasm");
  CHECK(run_i32(s, inst, "outer", {vi32(11)}) == 11);
  Trap tr = run_trap(s, inst, "outer", {vi32(1)});
  CHECK(tr.kind == TrapKind::IntegerDivideByZero);
  CHECK(tr.message == "integer divide by zero");
  REQUIRE(tr.backtrace.size() == 3);
  CHECK(tr.backtrace[0].function == "inner");
  CHECK(tr.backtrace[0].func_index == inner);
  CHECK(tr.backtrace[0].module_file == "bt.wasm");
  CHECK(tr.backtrace[0].offset == m.code_offset(inner) + inner_pre.size());
  CHECK(tr.backtrace[1].function == "func[1]");
  CHECK(tr.backtrace[1].func_index == middle);
  CHECK(tr.backtrace[1].offset == m.code_offset(middle) + middle_pre.size());
  CHECK(tr.backtrace[2].function == "outer");
  CHECK(tr.backtrace[2].offset == m.code_offset(outer) + outer_pre.size());
  CHECK(bytes[tr.backtrace[0].offset] == op::i32_div_u);
  CHECK(bytes[tr.backtrace[1].offset] == op::call);
  CHECK(bytes[tr.backtrace[2].offset] == op::call);
  CHECK(run_i32(s, inst, "outer", {vi32(11)}) == 11);
}

TEST_CASE("a host function's trap: message, backtrace at the call, store still usable") {
  Store s;
  auto* host = s.create_host_function(FuncType{{ValType::I32}, {ValType::I32}}, [](HostCall& hc) {
    if (hc.args[0].i32 == 0) return hc.fail(TrapKind::Host, "host says no");
    return true;
  });
  ModuleBuilder m;
  uint32_t t = m.type({I32}, {I32});
  uint32_t h = m.import_func("env", "h", t);
  Bytes pre = code(local_get(0));
  uint32_t f = m.func(t, code(pre, call(h), op::end));
  m.export_func("f", f);
  auto* inst = instantiate(s, m.build(), {ext(host)});
  Trap tr = run_trap(s, inst, "f", {vi32(0)});
  CHECK(tr.kind == TrapKind::Host);
  CHECK(tr.message == "host says no");
  REQUIRE_FALSE(tr.backtrace.empty());
  CHECK(tr.backtrace[0].function == "f");
  CHECK(tr.backtrace[0].offset == m.code_offset(f) + pre.size());
  CHECK(run_i32(s, inst, "f", {vi32(3)}) == 3);
}

TEST_CASE("a trap inside a re-entrant call unwinds only its own frames") {
  Store s;
  wi::FuncInst* div = nullptr;
  Trap inner_trap;
  auto* host = s.create_host_function(FuncType{{ValType::I32}, {ValType::I32}}, [&](HostCall& hc) {
    std::vector<Value> r;
    inner_trap = hc.store.call(div, std::vector<Value>{vi32(int32_t(hc.args[0].i32))}, r);
    if (inner_trap) {
      hc.args[0].i32 = 12345;  // recover: the host swallows the trap
      return true;
    }
    hc.args[0].i32 = r[0].i32;
    return true;
  });
  ModuleBuilder m;
  uint32_t t = m.type({I32}, {I32});
  uint32_t h = m.import_func("env", "h", t);
  uint32_t d = m.func(t, code(i32_const(1000), local_get(0), op::i32_div_s, op::end));
  // 1 + h(x) + 10 * x, with values live across the host call
  uint32_t f = m.func(t, code(i32_const(1), local_get(0), call(h), op::i32_add, local_get(0), i32_const(10),
                              op::i32_mul, op::i32_add, op::end));
  m.export_func("div", d).export_func("f", f);
  auto* inst = instantiate(s, m.build(), {ext(host)});
  div = func_export(inst, "div");
  CHECK(run_i32(s, inst, "f", {vi32(10)}) == 1 + 100 + 100);
  CHECK_FALSE(inner_trap);
  CHECK(run_i32(s, inst, "f", {vi32(0)}) == 1 + 12345);
  CHECK(inner_trap.kind == TrapKind::IntegerDivideByZero);
  CHECK(inner_trap.backtrace.size() == 1);
  CHECK(run_i32(s, inst, "f", {vi32(-5)}) == 1 - 200 - 50);
}

TEST_CASE("a trapping start function fails instantiation with the trap") {
  ModuleBuilder m;
  uint32_t t = m.type({}, {});
  m.start(m.func(t, code(op::unreachable, op::end)));
  Store s;
  auto o = s.instantiate(compile(m.build()), {});
  CHECK_FALSE(o.link_error);
  CHECK(o.trap.kind == TrapKind::Unreachable);
  CHECK(o.trap.message == "unreachable");
}

// A host function that returns false without describing a trap still stops the guest: Store::call
// reports TrapKind::Host when it calls such a function directly, and a call from wasm must not differ.
TEST_CASE("a host function failing without a trap kind, called from wasm") {
  Store s;
  int after = 0;
  auto* host = s.create_host_function(FuncType{{}, {}}, [](HostCall&) { return false; });
  auto* mark = s.create_host_function(FuncType{{}, {}}, [&](HostCall&) {
    ++after;
    return true;
  });
  ModuleBuilder m;
  uint32_t t = m.type({}, {});
  uint32_t h = m.import_func("env", "h", t);
  uint32_t k = m.import_func("env", "mark", t);
  m.export_func("f", m.func(t, code(call(h), call(k), op::end)));
  m.export_func("h", h);
  auto* inst = instantiate(s, m.build(), {ext(host), ext(mark)});
  std::vector<Value> results;
  Trap direct = s.call(host, std::vector<Value>{}, results);
  CHECK(direct.kind == TrapKind::Host);
  Trap t2 = s.call(func_export(inst, "f"), std::vector<Value>{}, results);
  CHECK(t2.kind == TrapKind::Host);
  CHECK(after == 0);
}
