// Wasm 3.0 exception handling (try_table, throw, throw_ref), from modules built byte by byte: an
// exception is caught by the innermost matching clause however many frames away, across modules
// (an imported tag is the same tag), through a host function between two wasm frames, through a
// lazily compiled callee, and one nothing catches reaches the embedder as a trap naming its tag.
#include <doctest/doctest.h>
#include "tests/wasm_builder.h"

using namespace wb;

namespace {
constexpr uint8_t throw_ = 0x08, throw_ref = 0x0a, try_table = 0x1f;
Bytes throw_tag(uint32_t tag) { return code(throw_, leb(tag)); }
// try_table with one clause: kind 0 catch tag label, 1 catch_ref, 2 catch_all, 3 catch_all_ref.
Bytes try_one(Bytes blocktype, uint8_t kind, uint32_t tag, uint32_t label) {
  Bytes clause = kind < 2 ? code(kind, leb(tag), leb(label)) : code(kind, leb(label));
  return code(try_table, blocktype, leb(1), clause);
}
// The body of f(x) = callee(x), or the i32 payload of an exception of `tag` it throws.
Bytes catch_call(uint32_t tag, uint32_t callee) {
  return code(op::block, I32, try_one({I32}, 0, tag, 0), local_get(0), call(callee), op::end, op::end, op::end);
}

// Module "a": tag $e (param i32), exported; thrower(x) throws $e(x); mid(x) = thrower(x) + 1.
struct Thrower {
  Bytes bytes;
  Thrower() {
    ModuleBuilder m;
    uint32_t t_i = m.type({I32}, {});
    uint32_t t_ii = m.type({I32}, {I32});
    uint32_t e = m.tag(t_i);
    uint32_t thrower = m.func(t_ii, code(local_get(0), throw_tag(e), op::end));
    uint32_t mid = m.func(t_ii, code(local_get(0), call(thrower), i32_const(1), op::i32_add, op::end));
    m.export_tag("e", e).export_func("thrower", thrower).export_func("mid", mid);
    bytes = m.build();
  }
};
}  // namespace

TEST_CASE("try_table catches by tag across frames, catch_all, catch_ref and throw_ref") {
  ModuleBuilder m;
  uint32_t t_i = m.type({I32}, {});
  uint32_t t_ii = m.type({I32}, {I32});
  uint32_t t_v_i = m.type({}, {I32});
  uint32_t e = m.tag(t_i);
  uint32_t other = m.tag(t_i);
  uint32_t thrower = m.func(t_ii, code(local_get(0), throw_tag(e), op::end));
  uint32_t mid = m.func(t_ii, code(local_get(0), call(thrower), i32_const(1), op::i32_add, op::end));
  // caught(x): the payload of $e thrown two frames down, or x + 101 if nothing was thrown.
  m.export_func("caught", m.func(t_ii, code(op::block, I32, try_one({I32}, 0, e, 0), local_get(0), call(mid),
                                            i32_const(100), op::i32_add, op::end, op::end, op::end)));
  // A clause for another tag does not catch; catch_all does (and gets no values): 1.
  m.export_func("all", m.func(t_v_i, code(op::block, blocktype(), try_one(blocktype(), 2, 0, 0),
                                          op::block, I32, try_one({I32}, 0, other, 0), i32_const(7), call(mid),
                                          op::end, op::end, op::drop, op::end, i32_const(0), op::return_, op::end,
                                          i32_const(1), op::end)));
  // catch_ref, then throw_ref to an outer try_table catching $e: the same exception, its payload.
  m.export_func("rethrown", m.func(t_ii, code(op::block, I32, try_one({I32}, 0, e, 0),
                                              op::block, Bytes{0x64, 0x69}, try_one(Bytes{0x64, 0x69}, 3, 0, 0),
                                              local_get(0), call(thrower), op::drop, op::unreachable, op::end,
                                              op::end, throw_ref, op::end, op::end, op::end)));
  m.export_func("uncaught", m.func(t_ii, code(local_get(0), call(mid), op::end)));
  m.export_tag("boom", e);
  wi::Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "caught", {vi32(42)}) == 42);
  CHECK(run_i32(s, inst, "all") == 1);
  CHECK(run_i32(s, inst, "rethrown", {vi32(9)}) == 9);
  wi::Trap t = run_trap(s, inst, "uncaught", {vi32(3)});
  CHECK(t.kind == wi::TrapKind::UncaughtException);
  CHECK(t.message == "uncaught exception (tag boom)");
  // A thousand throws caught in a loop leave the store able to go on (exceptions are reused).
  for (int i = 0; i < 1000; ++i) REQUIRE(run_i32(s, inst, "caught", {vi32(i)}) == i);
}

TEST_CASE("an imported tag is the exporter's: a catch in another module matches it") {
  Thrower a;
  ModuleBuilder b;
  uint32_t t_i = b.type({I32}, {});
  uint32_t t_ii = b.type({I32}, {I32});
  uint32_t e = b.import_tag("a", "e", t_i);
  uint32_t mid = b.import_func("a", "mid", t_ii);
  uint32_t mine = b.tag(t_i);  // same type, another tag: must not catch
  b.export_func("catch_a", b.func(t_ii, catch_call(e, mid)));
  b.export_func("catch_mine", b.func(t_ii, catch_call(mine, mid)));
  wi::Store s;
  auto* ia = instantiate(s, a.bytes);
  auto* tag = export_ptr<wi::TagInst>(ia, "e", wi::ExternKind::Tag);
  auto* ib = instantiate(s, b.build(), {{wi::ExternKind::Tag, tag}, ext(func_export(ia, "mid"))});
  CHECK(run_i32(s, ib, "catch_a", {vi32(11)}) == 11);
  CHECK(run_trap(s, ib, "catch_mine", {vi32(11)}).kind == wi::TrapKind::UncaughtException);
}

TEST_CASE("an exception crosses a host function between wasm frames, and a lazily compiled callee") {
  Thrower a;
  wi::Store s;
  wi::CompileOptions lazy;
  lazy.lazy = true;
  lazy.file_name = "a.wasm";
  auto compiled = wi::compile_module(a.bytes, lazy);
  REQUIRE(compiled.ok());
  auto o = s.instantiate(*compiled, {});
  REQUIRE(o.instance);
  wi::Instance* ia = o.instance;
  wi::FuncInst* thrower = func_export(ia, "thrower");
  // host(x) calls thrower(x) through the embedding API and hands its trap (the exception) back.
  auto* host = s.create_host_function(wi::FuncType{{wi::ValType::I32}, {wi::ValType::I32}}, [&](wi::HostCall& hc) {
    std::vector<wi::Value> r;
    wi::Trap t = hc.store.call(thrower, std::vector<wi::Value>{vi32(int32_t(hc.args[0].i32))}, r);
    if (!t) return true;
    *hc.trap = t;
    return false;
  });
  ModuleBuilder b;
  uint32_t t_i = b.type({I32}, {});
  uint32_t t_ii = b.type({I32}, {I32});
  uint32_t e = b.import_tag("a", "e", t_i);
  uint32_t h = b.import_func("env", "h", t_ii);
  uint32_t mid = b.import_func("a", "mid", t_ii);
  b.export_func("via_host", b.func(t_ii, catch_call(e, h)));
  b.export_func("via_lazy", b.func(t_ii, catch_call(e, mid)));
  auto* tag = export_ptr<wi::TagInst>(ia, "e", wi::ExternKind::Tag);
  auto* ib = instantiate(s, b.build(), {{wi::ExternKind::Tag, tag}, ext(host), ext(func_export(ia, "mid"))});
  CHECK(run_i32(s, ib, "via_lazy", {vi32(5)}) == 5);  // mid and thrower compile on this first call
  CHECK(run_i32(s, ib, "via_host", {vi32(6)}) == 6);
}

TEST_CASE("exception handling validation") {
  auto error = [](const Bytes& b) {
    auto r = wi::compile_module(b, wi::CompileOptions{"t.wasm"});
    return r.ok() ? std::string() : r.error().message;
  };
  ModuleBuilder unknown;
  uint32_t t = unknown.type({}, {});
  unknown.func(t, code(throw_tag(0), op::end));
  CHECK(error(unknown.build()) == "unknown tag 0");
  ModuleBuilder result;
  result.tag(result.type({}, {I32}));
  CHECK(error(result.build()) == "non-empty tag result type");
  // A catch clause's label must take the tag's values: here the label takes nothing.
  ModuleBuilder label;
  uint32_t ti = label.type({I32}, {});
  uint32_t tv = label.type({}, {});
  label.tag(ti);
  label.func(tv, code(op::block, blocktype(), try_one(blocktype(), 0, 0, 0), op::end, op::end, op::end));
  CHECK(error(label.build()) == "type mismatch");
  ModuleBuilder ref;  // throw_ref needs an exnref
  uint32_t rt = ref.type({}, {});
  ref.func(rt, code(i32_const(0), throw_ref, op::end));
  CHECK(error(ref.build()) == "type mismatch");
}

TEST_CASE("legacy try/catch/catch_all/delegate/rethrow, as clang emits them") {
  constexpr uint8_t try_ = 0x06, catch_ = 0x07, catch_all = 0x19, delegate = 0x18, rethrow = 0x09;
  ModuleBuilder m;
  uint32_t t_i = m.type({I32}, {});
  uint32_t t_ii = m.type({I32}, {I32});
  uint32_t t_v = m.type({}, {});
  uint32_t e = m.tag(t_i);
  uint32_t g = m.global(I32, true, code(i32_const(0), op::end));  // counts "destructor" runs
  uint32_t thrower = m.func(t_ii, code(local_get(0), throw_tag(e), op::end));
  // cleanup(x): try { thrower(x) } catch_all { ++g; rethrow 0 } — a C++ destructor on unwind.
  uint32_t cleanup = m.func(t_ii, code(try_, I32, local_get(0), call(thrower), catch_all, global_get(g), i32_const(1),
                                       op::i32_add, global_set(g), rethrow, 0, op::end, op::end));
  // outer(x): try { cleanup(x) } catch $e { payload * 2 }
  m.export_func("outer", m.func(t_ii, code(try_, I32, local_get(0), call(cleanup), catch_, leb(e), i32_const(2),
                                           op::i32_mul, op::end, op::end)));
  // delegated(x): try { try { thrower(x) } delegate 0 ; 0 } catch $e { payload + 1000 }: the inner
  // try hands its exception to the outer one (label 0, counted from outside the inner try).
  m.export_func("delegated", m.func(t_ii, code(try_, I32, try_, I32, local_get(0), call(thrower), delegate, 0,
                                               catch_, leb(e), i32_const(1000), op::i32_add, op::end, op::end)));
  // to_caller(x): try { thrower(x) } delegate 0 (the function's label): the caller catches.
  uint32_t to_caller = m.func(t_ii, code(try_, I32, local_get(0), call(thrower), delegate, 0, op::end));
  m.export_func("via_delegate", m.func(t_ii, code(try_, I32, local_get(0), call(to_caller), catch_, leb(e),
                                                  op::end, op::end)));
  m.export_func("count", m.func(m.type({}, {I32}), code(global_get(g), op::end)));
  (void)t_v;
  wi::Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "outer", {vi32(21)}) == 42);
  CHECK(run_i32(s, inst, "count") == 1);
  CHECK(run_i32(s, inst, "delegated", {vi32(5)}) == 1005);
  CHECK(run_i32(s, inst, "via_delegate", {vi32(8)}) == 8);
  // Rethrown exceptions are the same exception each time, however often it happens.
  for (int i = 0; i < 500; ++i) REQUIRE(run_i32(s, inst, "outer", {vi32(i)}) == 2 * i);
  CHECK(run_i32(s, inst, "count") == 501);
}
