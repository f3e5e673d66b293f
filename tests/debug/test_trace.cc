// The tracing contract at the Store level (interp/trace.h) and TraceCore's events (host/trace_core.h):
// modules assembled byte by byte (tests/wasm_builder.h), run in a wi::Store with a Tracer attached.
#include <doctest/doctest.h>
#include <string>
#include <string_view>
#include <vector>
#include "host/trace_core.h"
#include "tests/wasm_builder.h"

using namespace wb;
using wi::Store;
using wi::Value;

namespace {

std::shared_ptr<wi::CompiledModule> compile_traced(const Bytes& b, bool trace = true) {
  wi::CompileOptions o{"t.wasm"};
  o.trace = trace;
  auto r = wi::compile_module(b, o);
  if (!r.ok()) FAIL("compile: ", wi::format_error("t.wasm", r.error()));
  return r.value();
}

size_t count_trace_ops(const wi::CompiledModule& m, const wi::CompiledFunc& f) {
  std::string listing = wi::disassemble_internal(m, f);
  size_t n = 0;
  for (size_t at = listing.find("  Trace "); at != std::string::npos; at = listing.find("  Trace ", at + 1)) ++n;
  return n;
}

// Records every trace point as "I@off" / "R@off" with its depth, and the operand values it sees.
struct Recorder : wi::Tracer {
  std::vector<std::string> events;
  size_t stop_at = SIZE_MAX;
  bool on_trace(const wi::TraceEvent& e, wi::Trap& trap) override {
    const wi::TraceInfo& ti = e.func->code->trace;
    std::string s = (e.point.kind == wi::TracePoint::Instr ? "I@" : "R@") + std::to_string(e.point.offset);
    for (uint16_t k = 0; k < e.point.n_in; ++k) {
      const wi::TraceLoc& l = ti.in(e.point)[k];
      s += " " + std::to_string(l.is_const ? uint32_t(l.bits[0]) : e.fp[l.slot].i32);
    }
    events.push_back(s);
    if (events.size() == stop_at) {
      trap.kind = wi::TrapKind::Host;
      trap.message = "stopped";
      return false;
    }
    return true;
  }
};

// add3(a) = a + 3 through a call to add(a, 3); add is function 0.
Bytes add_module(ModuleBuilder& m) {
  uint32_t t2 = m.type({I32, I32}, {I32});
  uint32_t t1 = m.type({I32}, {I32});
  m.func(t2, code(local_get(0), local_get(1), op::i32_add, op::end));
  m.export_func("add3", m.func(t1, code(local_get(0), i32_const(3), call(0), op::end)));
  return m.build();
}

}  // namespace

TEST_CASE("untraced code has no Trace ops; traced code one per wasm instruction and return") {
  ModuleBuilder m;
  Bytes b = add_module(m);
  auto plain = compile_traced(b, false);
  auto traced = compile_traced(b, true);
  CHECK(count_trace_ops(*plain, plain->funcs[0]) == 0);
  CHECK(plain->funcs[0].trace.points.empty());
  // add: local.get, local.get, i32.add, end + the return point.
  CHECK(traced->funcs[0].trace.points.size() == 5);
  CHECK(count_trace_ops(*traced, traced->funcs[0]) == 5);
  CHECK(traced->traced);
}

TEST_CASE("trace points: order, offsets, depths, operand values; results unchanged") {
  ModuleBuilder m;
  Bytes b = add_module(m);
  for (bool with_tracer : {false, true}) {
    Store s;
    Recorder rec;
    if (with_tracer) s.tracer = &rec;
    auto o = s.instantiate(compile_traced(b), {});
    REQUIRE(o.instance);
    std::vector<Value> out;
    REQUIRE(!s.call(func_export(o.instance, "add3"), std::vector<Value>{Value::make_i32(39)}, out));
    CHECK(out.at(0).i32 == 42);
    if (!with_tracer) continue;
    size_t add = m.code_offset(0), add3 = m.code_offset(1);
    auto at = [](size_t off) { return std::to_string(off); };
    std::vector<std::string> want = {
        "I@" + at(add3),                 // local.get 0
        "I@" + at(add3 + 2),             // i32.const 3
        "I@" + at(add3 + 4) + " 39 3",   // call 0 consumes (39, 3)
        "I@" + at(add),                  // add: local.get 0
        "I@" + at(add + 2),              // local.get 1
        "I@" + at(add + 4) + " 39 3",    // i32.add
        "I@" + at(add + 5),              // end
        "R@" + at(add + 5) + " 42",      // return point: the result
        "I@" + at(add3 + 6),             // add3: end
        "R@" + at(add3 + 6) + " 42",
    };
    CHECK(rec.events == want);
  }
}

namespace {

// The whole operand stack at every trace point (TraceInfo::stack_entry), bottom first; in a callee,
// also its caller's stack below the call's operands, which the callee's frame must leave alone.
struct StackRecorder : wi::Tracer {
  struct At {
    wi::Slot* fp;
    const wi::TracePoint* point;
    const wi::TraceInfo* ti;
  };
  std::vector<At> frames;
  std::vector<std::string> events;
  static std::string stack_text(const At& a, uint32_t n) {
    std::string s = "[";
    for (uint32_t k = 0; k < n; ++k) {
      const wi::TraceLoc* l = a.ti->stack_entry(*a.point, k);
      if (!l) return s + " missing]";
      s += (k ? " " : "") + std::to_string(l->is_const ? uint32_t(l->bits[0]) : a.fp[l->slot].i32);
    }
    return s + "]";
  }
  bool on_trace(const wi::TraceEvent& e, wi::Trap&) override {
    if (frames.size() <= e.depth) frames.resize(e.depth + 1);
    At& a = frames[e.depth] = At{e.fp, &e.point, &e.func->code->trace};
    uint32_t depth = a.ti->stack_depth(e.point);
    std::string s = (e.point.kind == wi::TracePoint::Instr ? "I " : "R ") + stack_text(a, depth);
    if (a.ti->stack_entry(e.point, depth)) s += " past the top";
    if (e.depth > 1) {
      const At& c = frames[e.depth - 1];
      s += " caller " + stack_text(c, c.ti->stack_depth(*c.point) - c.point->n_in);
    }
    events.push_back(s);
    return true;
  }
};

// Calls the export "f" of `b` (compiled with trace points) with `arg` under a StackRecorder; CHECKs
// that f returns `result` and returns the events recorded.
std::vector<std::string> stack_events(const Bytes& b, uint32_t arg, uint32_t result) {
  Store s;
  StackRecorder rec;
  s.tracer = &rec;
  auto o = s.instantiate(compile_traced(b), {});
  REQUIRE(o.instance);
  std::vector<Value> out;
  REQUIRE(!s.call(func_export(o.instance, "f"), std::vector<Value>{Value::make_i32(arg)}, out));
  CHECK(out.at(0).i32 == result);
  return rec.events;
}

}  // namespace

TEST_CASE("trace points record the whole operand stack: temporaries, locals and constants, a caller's") {
  ModuleBuilder m;
  uint32_t t2 = m.type({I32, I32}, {I32});
  uint32_t t1 = m.type({I32}, {I32});
  m.func(t2, code(local_get(0), local_get(1), op::i32_add, op::end));
  // a*2, a (copied before local 0 changes), 100, the new local 0 (1), 3; add(1, 3); then the sum.
  m.export_func("f", m.func(t1, code(local_get(0), i32_const(2), op::i32_mul, local_get(0), i32_const(1), local_set(0),
                                     i32_const(100), local_get(0), i32_const(3), call(0), op::i32_add, op::i32_add,
                                     op::i32_add, op::end)));
  std::vector<std::string> events = stack_events(m.build(), 39, 221);
  std::vector<std::string> want = {
      "I []", "I [39]", "I [39 2]", "I [78]", "I [78 39]", "I [78 39 1]",
      "I [78 39]",  // local 0 is 1 now; the entry read before the set kept 39
      "I [78 39 100]", "I [78 39 100 1]", "I [78 39 100 1 3]",
      "I [] caller [78 39 100]", "I [1] caller [78 39 100]", "I [1 3] caller [78 39 100]",
      "I [4] caller [78 39 100]", "R [4] caller [78 39 100]",
      "I [78 39 100 4]", "I [78 39 104]", "I [78 143]", "I [221]", "R [221]",
  };
  CHECK(events == want);
}

TEST_CASE("a legacy catch's hidden exception entry is not part of the recorded operand stack") {
  ModuleBuilder m;
  uint32_t tv = m.type({I32}, {});
  uint32_t t1 = m.type({I32}, {I32});
  uint32_t tag = m.tag(tv);
  // 100 under a try whose body throws the argument; the catch adds 1 to it, then 100 is added.
  m.export_func("f", m.func(t1, code(i32_const(100), 0x06, 0x7f, local_get(0), 0x08, leb(tag), 0x07, leb(tag),
                                     i32_const(1), op::i32_add, op::end, op::i32_add, op::end)));
  std::vector<std::string> events = stack_events(m.build(), 5, 106);
  std::vector<std::string> want = {
      "I []", "I [100]", "I [100]", "I [100 5]",  // i32.const, try, local.get, throw
      "I [100 5]", "I [100 5 1]",                  // in the catch: i32.const 1, i32.add
      "I [100 6]", "I [100 6]", "I [106]", "R [106]",
  };
  CHECK(events == want);
}

TEST_CASE("a tracer that returns false stops the guest with its trap, at that instruction") {
  ModuleBuilder m;
  Bytes b = add_module(m);
  Store s;
  Recorder rec;
  rec.stop_at = 6;  // before add's i32.add
  s.tracer = &rec;
  auto o = s.instantiate(compile_traced(b), {});
  std::vector<Value> out;
  wi::Trap t = s.call(func_export(o.instance, "add3"), std::vector<Value>{Value::make_i32(1)}, out);
  REQUIRE(t);
  CHECK(t.message == "stopped");
  REQUIRE(t.backtrace.size() == 2);
  CHECK(t.backtrace[0].offset == m.code_offset(0) + 4);
  CHECK(t.backtrace[1].offset == m.code_offset(1) + 4);
}

// A traced run uses other handlers than an untraced one (plain ones, no accumulator forms, pairs or
// fused loads), so where wasm leaves a result open, as the payload of a NaN made from two NaNs, both
// must still pick the same: interp/numeric.h pins the first operand's NaN (tests/fuzz seed 881536).
TEST_CASE("two NaN operands: traced and untraced runs give the same bits, the first operand's") {
  constexpr uint8_t f32_neg = 0x8c, f32_add = 0x92, f32_mul = 0x94, f64_neg = 0x9a, i32_reinterpret_f32 = 0xbc,
                    i64_reinterpret_f64 = 0xbd, f32_reinterpret_i32 = 0xbe, f64_reinterpret_i64 = 0xbf;
  ModuleBuilder m;
  m.memory(1);
  uint32_t t64 = m.type({I64, I64}, {I64}), t32 = m.type({I32, I32}, {I32});
  // f(a, b) = bits(op(float(a), float(b))), each operand reaching op in another way: b computed just
  // before (an untraced run keeps it in the accumulator), a computed first, or b loaded from memory.
  auto f64_func = [&](const char* name, uint8_t bin, Bytes a, Bytes b) {
    m.export_func(name, m.func(t64, code(a, b, bin, i64_reinterpret_f64, op::end)));
  };
  Bytes a64 = code(local_get(0), f64_reinterpret_i64), b64 = code(local_get(1), f64_reinterpret_i64);
  Bytes neg_neg = code(f64_neg, f64_neg);
  Bytes b64_loaded = code(i32_const(8), local_get(1), mem(op::i64_store), i32_const(8), mem(op::f64_load));
  for (uint8_t bin : {op::f64_add, op::f64_mul}) {
    std::string suffix = bin == op::f64_add ? "add" : "mul";
    f64_func(("f64_" + suffix + "_b_computed").c_str(), bin, a64, code(b64, neg_neg));
    f64_func(("f64_" + suffix + "_a_computed").c_str(), bin, code(a64, neg_neg), b64);
    f64_func(("f64_" + suffix + "_b_loaded").c_str(), bin, a64, b64_loaded);
  }
  for (uint8_t bin : {f32_add, f32_mul}) {
    std::string name = bin == f32_add ? "f32_add_b_computed" : "f32_mul_b_computed";
    m.export_func(name, m.func(t32, code(local_get(0), f32_reinterpret_i32, local_get(1), f32_reinterpret_i32,
                                         f32_neg, f32_neg, bin, i32_reinterpret_f32, op::end)));
  }
  Bytes b = m.build();
  const uint64_t a_nan = 0x7ff8000000000001, b_nan = 0x7ff8000000000002, a_snan = 0x7ff0000000000003;
  const uint32_t a_nan32 = 0x7fc00001, b_nan32 = 0x7fc00002;
  for (const char* f : {"f64_add_b_computed", "f64_add_a_computed", "f64_add_b_loaded", "f64_mul_b_computed",
                        "f64_mul_a_computed", "f64_mul_b_loaded", "f32_add_b_computed", "f32_mul_b_computed"}) {
    bool f32 = std::string_view(f).starts_with("f32");
    for (uint64_t a : {a_nan, a_snan}) {
      std::vector<uint64_t> bits;
      for (bool traced : {false, true}) {
        Store s;
        Recorder rec;
        if (traced) s.tracer = &rec;
        auto o = s.instantiate(compile_traced(b, traced), {});
        REQUIRE(o.instance);
        std::vector<Value> args = f32 ? std::vector<Value>{Value::make_i32(uint32_t(a == a_nan ? a_nan32 : 0x7f800003)),
                                                           Value::make_i32(b_nan32)}
                                      : std::vector<Value>{Value::make_i64(a), Value::make_i64(b_nan)};
        std::vector<Value> out;
        REQUIRE(!s.call(func_export(o.instance, f), args, out));
        bits.push_back(f32 ? out.at(0).i32 : out.at(0).i64);
        if (traced) CHECK(!rec.events.empty());
      }
      INFO(f, " a=", a);
      CHECK(bits[0] == bits[1]);
      // The first operand's payload, quieted (a signalling NaN gains the quiet bit).
      CHECK(bits[0] == (f32 ? (a == a_nan ? a_nan32 : 0x7fc00003u) : (a | 0x0008000000000000)));
    }
  }
}

namespace {

// TraceCore's events, as text.
struct Events : wi::TraceCore {
  std::vector<std::string> log;
  bool on_enter(const wi::TraceEvent& e) override {
    log.push_back("enter " + names().func_name(e.func) + " depth " + std::to_string(e.depth));
    return true;
  }
  bool on_instr(const Instr& i) override {
    std::string s = std::to_string(i.step) + " " +
                    names().instruction_text(*i.func->instance->module, i.point->offset);
    if (i.is_call) s += " (call)";
    log.push_back(s);
    return true;
  }
  void on_instr_done(const Instr& i, bool valid) override {
    const wi::TraceInfo& ti = i.func->code->trace;
    if (valid && i.point->n_out) log.back() += " -> " + names().locs_text(ti.out(*i.point), i.point->n_out, i.fp);
  }
  bool on_return(const wi::TraceEvent& e) override {
    log.push_back("return " + names().func_name(e.func));
    return true;
  }
  void on_host_call(const HostCall& h) override { log.push_back("host-call " + names().func_name(h.callee)); }
  void on_host_return(const HostCall& h, bool valid) override {
    log.push_back("host-return " + names().func_name(h.callee) + (valid ? " " + names().locs_text(
        h.caller->code->trace.out(*h.point), h.point->n_out, h.fp) : ""));
  }
  void on_finish(const wi::Trap& t) override { log.push_back(t ? "trap " + t.message : "done"); }
};

}  // namespace

TEST_CASE("TraceCore: steps, entries, host calls with results, a host calling back into wasm") {
  ModuleBuilder m;
  uint32_t t1 = m.type({I32}, {I32});
  uint32_t host = m.import_func("env", "twice", t1);  // calls back into "inc", then doubles
  uint32_t inc = m.func(t1, code(local_get(0), i32_const(1), op::i32_add, op::end));
  m.export_func("inc", inc);
  m.export_func("go", m.func(t1, code(local_get(0), call(host), op::end)));
  Bytes b = m.build();

  Store s;
  Events ev;
  s.tracer = &ev;
  wi::FuncInst* inc_inst = nullptr;
  wi::FuncType ft{{wi::ValType::I32}, {wi::ValType::I32}};
  wi::FuncInst* h = s.create_host_function(ft, [&](wi::HostCall& hc) {
    std::vector<Value> out;
    if (wi::Trap t = hc.store.call(inc_inst, std::vector<Value>{Value::make_i32(hc.args[0].i32)}, out)) {
      *hc.trap = t;
      return false;
    }
    hc.args[0].i32 = out[0].i32 * 2;
    return true;
  }, "env.twice");
  auto o = s.instantiate(compile_traced(b), {wi::ExternRef{wi::ExternKind::Func, h}});
  REQUIRE(o.instance);
  inc_inst = func_export(o.instance, "inc");
  std::vector<Value> out;
  wi::Trap t = s.call(func_export(o.instance, "go"), std::vector<Value>{Value::make_i32(20)}, out);
  ev.finish(t);
  CHECK(out.at(0).i32 == 42);
  std::vector<std::string> want = {
      "enter go depth 1",
      "1 local.get 0 -> [i32:20]",
      "2 call 0 <env.twice> (call)",
      "host-call env.twice",
      "enter inc depth 2",
      "3 local.get 0 -> [i32:20]",
      "4 i32.const 1 -> [i32:1]",
      "5 i32.add -> [i32:21]",
      "6 end",
      "return inc",
      "host-return env.twice [i32:42]",
      "7 end",
      "return go",
      "done",
  };
  CHECK(ev.log == want);
}
