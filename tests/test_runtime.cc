// The embedding API (host/runtime.h), used exactly as an embedder would: modules from bytes (assembled
// with wasm_builder.h), load errors, host functions (also trapping ones), modules importing each
// other's exports, link errors, calls by export name, fuel, WASI, and several Runtimes in one process.
#include <doctest/doctest.h>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>
#include "fmt/format.h"
#include "host/runtime.h"
#include "tests/wasm_builder.h"

using namespace wb;
using wi::ExternKind;
using wi::FuncType;
using wi::HostCall;
using wi::Runtime;
using wi::RuntimeOptions;
using wi::Trap;
using wi::TrapKind;
using wi::ValType;
using wi::Value;

namespace {

std::shared_ptr<const wi::CompiledModule> load(Runtime& rt, const Bytes& bytes, const std::string& name) {
  auto r = rt.load_bytes(bytes, name);
  if (!r) FAIL("load_bytes: ", r.error().message);
  return r.value();
}

wi::Instance* instantiate(Runtime& rt, const Bytes& bytes, const std::string& name) {
  auto out = rt.instantiate(load(rt, bytes, name));
  if (out.link_error) FAIL("link error: ", out.link_error->message);
  if (out.trap) FAIL("trap while instantiating: ", out.trap.message);
  return out.instance;
}

// Calls an export expecting no trap; returns the results.
std::vector<Value> call(Runtime& rt, wi::Instance* inst, const std::string& name, std::vector<Value> args = {}) {
  std::vector<Value> results;
  Trap t = rt.call(inst, name, args, results);
  if (t) FAIL("unexpected trap calling ", name, ": ", t.message);
  return results;
}

int32_t call_i32(Runtime& rt, wi::Instance* inst, const std::string& name, std::vector<Value> args = {}) {
  auto r = call(rt, inst, name, std::move(args));
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].type == ValType::I32);
  return int32_t(r[0].i32);
}

Trap call_trap(Runtime& rt, wi::Instance* inst, const std::string& name, std::vector<Value> args = {}) {
  std::vector<Value> results;
  Trap t = rt.call(inst, name, args, results);
  CHECK(t);
  return t;
}

// "add"(a, b) = a + b.
Bytes add_module() {
  ModuleBuilder m;
  uint32_t t = m.type({I32, I32}, {I32});
  m.export_func("add", m.func(t, code(local_get(0), local_get(1), op::i32_add, op::end)));
  return m.build();
}

// A mutable global "counter", "bump"() = ++counter, and a memory "mem".
Bytes counter_module() {
  ModuleBuilder m;
  uint32_t t = m.type({}, {I32});
  uint32_t g = m.global(I32, true, code(i32_const(0), op::end));
  uint32_t mem = m.memory(1);
  m.export_global("counter", g);
  m.export_memory("mem", mem);
  m.export_func("bump", m.func(t, code(global_get(g), i32_const(1), op::i32_add, global_set(g), global_get(g),
                                       op::end)));
  return m.build();
}

// "spin"() loops forever; "sum"(n) = 1 + 2 + ... + n with a loop.
Bytes loop_module() {
  ModuleBuilder m;
  uint32_t tspin = m.type({}, {});
  uint32_t tsum = m.type({I32}, {I32});
  m.export_func("spin", m.func(tspin, code(op::loop, blocktype(), br(0), op::end, op::end)));
  // acc = 0; loop { if n == 0 break; acc += n; n -= 1 }
  m.export_func("sum", m.func(tsum, code(op::block, blocktype(), op::loop, blocktype(),
                                         local_get(0), op::i32_eqz, br_if(1),
                                         local_get(1), local_get(0), op::i32_add, local_set(1),
                                         local_get(0), i32_const(1), op::i32_sub, local_set(0),
                                         br(0), op::end, op::end, local_get(1), op::end),
                                    {I32}));
  return m.build();
}

}  // namespace

TEST_CASE("runtime: load_bytes compiles a module; errors carry the module name and the offset") {
  Runtime rt;
  auto* inst = instantiate(rt, add_module(), "add.wasm");
  CHECK(call_i32(rt, inst, "add", {vi32(2), vi32(40)}) == 42);
  CHECK(call_i32(rt, inst, "add", {vi32(-1), vi32(-2)}) == -3);

  SUBCASE("bad magic") {
    auto r = rt.load_bytes({0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00}, "magic.wasm");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.starts_with("magic.wasm: 0x0: "));
  }
  SUBCASE("a section running past the end of the file") {
    Bytes b = header();
    append(b, {0x01, 0x10, 0x01, 0x60});  // type section claiming 16 bytes, 2 present
    auto r = rt.load_bytes(b, "short.wasm");
    REQUIRE_FALSE(r);
    const std::string& msg = r.error().message;
    CHECK(msg.starts_with("short.wasm: 0x"));
    CHECK(msg.find("0x0:") == std::string::npos);  // the offset is inside the file, past the header
  }
  SUBCASE("a validation error points at the offending instruction") {
    ModuleBuilder m;
    uint32_t t = m.type({}, {I32});
    // i64.const where an i32 result is required: the error is at the function's `end`.
    uint32_t f = m.func(t, code(i64_const(5), op::end));
    Bytes b = m.build();
    size_t end_offset = m.code_offset(f) + i64_const(5).size();
    auto r = rt.load_bytes(b, "invalid.wasm");
    REQUIRE_FALSE(r);
    INFO(r.error().message);
    CHECK(r.error().message.starts_with("invalid.wasm: 0x"));
    CHECK(r.error().message.find(fmt::format("0x{:x}:", end_offset)) != std::string::npos);
  }
  SUBCASE("load of a missing file names it") {
    auto r = rt.load("/nonexistent/dir/missing.wasm");
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("/nonexistent/dir/missing.wasm") != std::string::npos);
  }
  // A failed load leaves the runtime usable.
  CHECK(call_i32(rt, inst, "add", {vi32(1), vi32(1)}) == 2);
}

TEST_CASE("runtime: define_host makes host functions importable, and they can trap") {
  Runtime rt;
  wi::Instance* seen_caller = nullptr;
  int calls = 0;
  rt.define_host("env", "triple", FuncType{{ValType::I32}, {ValType::I32}}, [&](HostCall& hc) {
    ++calls;
    seen_caller = hc.caller;
    hc.args[0].i32 = hc.args[0].i32 * 3;
    return true;
  });
  rt.define_host("env", "refuse", FuncType{{ValType::I32}, {}}, [&](HostCall& hc) {
    if (hc.args[0].i32 == 0) return true;
    return hc.fail(TrapKind::Host, fmt::format("refused {}", hc.args[0].i32));
  });

  ModuleBuilder m;
  uint32_t t1 = m.type({I32}, {I32});
  uint32_t t2 = m.type({I32}, {});
  uint32_t triple = m.import_func("env", "triple", t1);
  uint32_t refuse = m.import_func("env", "refuse", t2);
  // f(x) = triple(x) + 1
  m.export_func("f", m.func(t1, code(local_get(0), call(triple), i32_const(1), op::i32_add, op::end)));
  // g(x): refuse(x), then 5
  uint32_t g = m.func(t1, code(local_get(0), call(refuse), i32_const(5), op::end));
  m.export_func("g", g);
  Bytes bytes = m.build();
  auto* inst = instantiate(rt, bytes, "host.wasm");

  CHECK(call_i32(rt, inst, "f", {vi32(14)}) == 43);
  CHECK(calls == 1);
  CHECK(seen_caller == inst);
  CHECK(call_i32(rt, inst, "g", {vi32(0)}) == 5);

  Trap t = call_trap(rt, inst, "g", {vi32(7)});
  CHECK(t.kind == TrapKind::Host);
  CHECK(t.message == "refused 7");
  // The backtrace starts at the wasm function that made the host call, at the call instruction.
  REQUIRE_FALSE(t.backtrace.empty());
  CHECK(t.backtrace[0].function == "g");
  CHECK(t.backtrace[0].module_file == "host.wasm");
  CHECK(t.backtrace[0].offset == m.code_offset(g) + local_get(0).size());

  // The runtime keeps working after a host trap.
  CHECK(call_i32(rt, inst, "f", {vi32(1)}) == 4);
  CHECK(calls == 2);
}

TEST_CASE("runtime: register_instance lets a second module import the first's exports") {
  Runtime rt;
  auto* lib = instantiate(rt, counter_module(), "lib.wasm");
  rt.register_instance("lib", lib);

  ModuleBuilder m;
  uint32_t t = m.type({}, {I32});
  uint32_t bump = m.import_func("lib", "bump", t);
  uint32_t g = m.import_global("lib", "counter", I32, true);
  m.import_memory("lib", "mem", 1);
  // twice() = bump() + bump()*0 ... i.e. calls bump twice, returns the second result
  m.export_func("twice", m.func(t, code(call(bump), op::drop, call(bump), op::end)));
  m.export_func("get", m.func(t, code(global_get(g), op::end)));
  // poke() stores 1234 at address 16 of the shared memory and returns 0
  m.export_func("poke", m.func(t, code(i32_const(16), i32_const(1234), mem(op::i32_store, 0, 2), i32_const(0),
                                       op::end)));
  auto* app = instantiate(rt, m.build(), "app.wasm");

  CHECK(call_i32(rt, app, "twice") == 2);
  CHECK(call_i32(rt, lib, "bump") == 3);  // one counter, seen from both modules
  CHECK(call_i32(rt, app, "get") == 3);
  call(rt, app, "poke");
  const wi::ExternRef* mem_ref = lib->find_export("mem");
  REQUIRE(mem_ref);
  REQUIRE(mem_ref->kind == ExternKind::Memory);
  auto* memory = static_cast<wi::Memory*>(mem_ref->ptr);
  int32_t stored;
  std::memcpy(&stored, memory->data + 16, 4);
  CHECK(stored == 1234);
}

TEST_CASE("runtime: an unresolved import is a link error naming module.name") {
  Runtime rt;
  SUBCASE("unknown module") {
    ModuleBuilder m;
    m.import_func("nowhere", "thing", m.type({}, {}));
    auto out = rt.instantiate(load(rt, m.build(), "app.wasm"));
    REQUIRE(out.link_error);
    CHECK(out.instance == nullptr);
    CHECK(out.link_error->message.find("app.wasm") != std::string::npos);
    CHECK(out.link_error->message.find("nowhere.thing") != std::string::npos);
  }
  SUBCASE("a name WASI preview1 does not have") {
    ModuleBuilder m;
    m.import_func("wasi_snapshot_preview1", "not_a_call", m.type({}, {}));
    auto out = rt.instantiate(load(rt, m.build(), "app.wasm"));
    REQUIRE(out.link_error);
    CHECK(out.link_error->message.find("wasi_snapshot_preview1.not_a_call") != std::string::npos);
  }
  SUBCASE("a registered module without that export") {
    rt.register_instance("lib", instantiate(rt, counter_module(), "lib.wasm"));
    ModuleBuilder m;
    m.import_func("lib", "reset", m.type({}, {}));
    auto out = rt.instantiate(load(rt, m.build(), "app.wasm"));
    REQUIRE(out.link_error);
    CHECK(out.link_error->message.find("lib.reset") != std::string::npos);
  }
  SUBCASE("a host function of another type") {
    rt.define_host("env", "f", FuncType{{ValType::I32}, {ValType::I32}}, [](HostCall&) { return true; });
    ModuleBuilder m;
    m.import_func("env", "f", m.type({}, {}));
    auto out = rt.instantiate(load(rt, m.build(), "app.wasm"));
    REQUIRE(out.link_error);
    CHECK(out.link_error->message.starts_with("app.wasm: "));
  }
}

TEST_CASE("runtime: calling a missing export or with wrong arguments is a Host trap") {
  Runtime rt;
  auto* inst = instantiate(rt, add_module(), "add.wasm");
  auto* counter = instantiate(rt, counter_module(), "counter.wasm");

  Trap t = call_trap(rt, inst, "sub", {vi32(1), vi32(2)});
  CHECK(t.kind == TrapKind::Host);
  CHECK(t.message.find("sub") != std::string::npos);

  t = call_trap(rt, counter, "mem");  // an export, but a memory
  CHECK(t.kind == TrapKind::Host);

  t = call_trap(rt, inst, "add", {vi32(1)});
  CHECK(t.kind == TrapKind::Host);

  t = call_trap(rt, inst, "add", {vi32(1), vi64(2)});
  CHECK(t.kind == TrapKind::Host);
  CHECK(t.message.find("i64") != std::string::npos);

  t = call_trap(rt, inst, "add", {vi32(1), Value::make_ref(ValType::FuncRef, nullptr)});
  CHECK(t.kind == TrapKind::Host);

  // None of that disturbed the store.
  CHECK(call_i32(rt, inst, "add", {vi32(20), vi32(22)}) == 42);
}

TEST_CASE("runtime: the fuel option meters every module and traps with \"fuel exhausted\"") {
  RuntimeOptions o;
  o.fuel = 10000;
  Runtime rt(o);
  CHECK(rt.store().fuel == 10000);
  auto* inst = instantiate(rt, loop_module(), "loop.wasm");
  CHECK(call_i32(rt, inst, "sum", {vi32(10)}) == 55);
  int64_t left = rt.store().fuel;
  CHECK(left < 10000);
  CHECK(left > 0);

  Trap t = call_trap(rt, inst, "spin");
  CHECK(t.kind == TrapKind::FuelExhausted);
  CHECK(t.message == "fuel exhausted");
  REQUIRE_FALSE(t.backtrace.empty());
  CHECK(t.backtrace[0].function == "spin");
  CHECK(t.backtrace[0].module_file == "loop.wasm");

  // Out of fuel, even short code traps; refuelled, it runs again.
  t = call_trap(rt, inst, "sum", {vi32(1000)});
  CHECK(t.kind == TrapKind::FuelExhausted);
  rt.store().fuel = 1000000;
  CHECK(call_i32(rt, inst, "sum", {vi32(1000)}) == 500500);

  // A bigger job than the budget allows.
  rt.store().fuel = 100;
  t = call_trap(rt, inst, "sum", {vi32(100000)});
  CHECK(t.kind == TrapKind::FuelExhausted);
}

TEST_CASE("runtime: WASI imports resolve to the runtime's WASI context") {
  // args_sizes_get(&argc, &buf_size), then exit with argc via proc_exit.
  ModuleBuilder m;
  uint32_t t_sizes = m.type({I32, I32}, {I32});
  uint32_t t_exit = m.type({I32}, {});
  uint32_t t = m.type({}, {I32});
  uint32_t sizes = m.import_func("wasi_snapshot_preview1", "args_sizes_get", t_sizes);
  uint32_t exit = m.import_func("wasi_snapshot_preview1", "proc_exit", t_exit);
  m.export_memory("memory", m.memory(1));
  m.export_func("argc", m.func(t, code(i32_const(0), i32_const(4), call(sizes), op::drop, i32_const(0),
                                       mem(op::i32_load, 0, 2), op::end)));
  m.export_func("exit_argc", m.func(t, code(i32_const(0), i32_const(4), call(sizes), op::drop, i32_const(0),
                                            mem(op::i32_load, 0, 2), call(exit), i32_const(-1), op::end)));
  Bytes bytes = m.build();

  RuntimeOptions o;
  o.wasi.args = {"prog", "a", "b"};
  Runtime rt(o);
  auto* inst = instantiate(rt, bytes, "wasi.wasm");
  CHECK(call_i32(rt, inst, "argc") == 3);
  Trap tr = call_trap(rt, inst, "exit_argc");
  CHECK(tr.kind == TrapKind::Exit);
  CHECK(tr.exit_code == 3);
}

TEST_CASE("runtime: two Runtimes in one process are independent") {
  RuntimeOptions o1, o2;
  o1.fuel = 5000;
  o1.wasi.args = {"one"};
  o2.wasi.args = {"two", "x", "y", "z"};
  Runtime rt1(o1), rt2(o2);

  // The same module in both: separate globals.
  auto* c1 = instantiate(rt1, counter_module(), "counter.wasm");
  auto* c2 = instantiate(rt2, counter_module(), "counter.wasm");
  CHECK(call_i32(rt1, c1, "bump") == 1);
  CHECK(call_i32(rt1, c1, "bump") == 2);
  CHECK(call_i32(rt1, c1, "bump") == 3);
  CHECK(call_i32(rt2, c2, "bump") == 1);

  // Host definitions and registered instances belong to one runtime.
  rt1.define_host("env", "seven", FuncType{{}, {ValType::I32}}, [](HostCall& hc) {
    hc.args[0].i32 = 7;
    return true;
  });
  rt1.register_instance("lib", c1);
  ModuleBuilder m;
  uint32_t t = m.type({}, {I32});
  uint32_t seven = m.import_func("env", "seven", t);
  uint32_t bump = m.import_func("lib", "bump", t);
  m.export_func("f", m.func(t, code(call(seven), call(bump), op::i32_add, op::end)));
  Bytes app = m.build();
  auto* a1 = instantiate(rt1, app, "app.wasm");
  CHECK(call_i32(rt1, a1, "f") == 7 + 4);
  auto out = rt2.instantiate(load(rt2, app, "app.wasm"));
  REQUIRE(out.link_error);
  CHECK(out.link_error->message.find("env.seven") != std::string::npos);
  rt2.define_host("env", "seven", FuncType{{}, {ValType::I32}}, [](HostCall& hc) {
    hc.args[0].i32 = 70;
    return true;
  });
  out = rt2.instantiate(load(rt2, app, "app.wasm"));
  REQUIRE(out.link_error);
  CHECK(out.link_error->message.find("lib.bump") != std::string::npos);
  rt2.register_instance("lib", c2);
  auto* a2 = instantiate(rt2, app, "app.wasm");
  CHECK(call_i32(rt2, a2, "f") == 70 + 2);
  CHECK(call_i32(rt1, c1, "bump") == 5);  // rt1's counter went on from 4

  // Fuel: rt1 is metered and runs dry; rt2 has no fuel option and runs the same code unmetered.
  auto* l1 = instantiate(rt1, loop_module(), "loop.wasm");
  auto* l2 = instantiate(rt2, loop_module(), "loop.wasm");
  Trap tr = call_trap(rt1, l1, "sum", {vi32(100000)});
  CHECK(tr.kind == TrapKind::FuelExhausted);
  CHECK(call_i32(rt2, l2, "sum", {vi32(100000)}) == int32_t(uint32_t(100000ull * 100001 / 2)));
  CHECK(rt2.store().fuel == 0);

  // WASI: each runtime has its own context (arguments here).
  ModuleBuilder w;
  uint32_t ts = w.type({I32, I32}, {I32});
  uint32_t sizes = w.import_func("wasi_snapshot_preview1", "args_sizes_get", ts);
  w.export_memory("memory", w.memory(1));
  w.export_func("argc", w.func(w.type({}, {I32}), code(i32_const(0), i32_const(4), call(sizes), op::drop,
                                                        i32_const(0), mem(op::i32_load, 0, 2), op::end)));
  Bytes wasi_mod = w.build();
  rt1.store().fuel = 100000;
  auto* w1 = instantiate(rt1, wasi_mod, "w.wasm");
  auto* w2 = instantiate(rt2, wasi_mod, "w.wasm");
  CHECK(call_i32(rt1, w1, "argc") == 1);
  CHECK(call_i32(rt2, w2, "argc") == 4);

  // One runtime destroyed, the other keeps running.
  {
    Runtime tmp;
    auto* x = instantiate(tmp, add_module(), "add.wasm");
    CHECK(call_i32(tmp, x, "add", {vi32(1), vi32(2)}) == 3);
  }
  CHECK(call_i32(rt2, c2, "bump") == 3);
}
