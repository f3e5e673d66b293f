// The wast2json command interpreter of `wi spectest`. The JSON is parsed and checked completely before
// anything runs, so a malformed file is reported once and never half-counted; then each command runs
// against one Store shared by the whole file, with the `spectest` host module always importable.
#include "host/spectest_runner.h"
#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <boost/json.hpp>
#include "decoder/decoder.h"
#include "decoder/file.h"
#include "fmt/format.h"
#include "interp/code.h"
#include "interp/store.h"

namespace wi {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------------
// The parsed form of a JSON file. Parsing throws BadJson; nothing after parsing does.

struct BadJson : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One lane of an expected or argument value. Scalars have one lane, v128 has 2 to 16.
struct Lane {
  enum Kind : uint8_t { Bits, CanonicalNan, ArithmeticNan, Null } kind = Bits;
  uint64_t bits = 0;
};

struct SpecValue {
  ValType type = ValType::I32;
  unsigned lane_bits = 0;  // v128 only: 8, 16, 32 or 64
  bool float_lanes = false;
  std::vector<Lane> lanes;
};

struct Action {
  bool get = false;  // else invoke
  std::string module, field;
  std::vector<SpecValue> args;
};

struct Command {
  std::string type;
  uint64_t line = 0;
  std::string filename, name, as, text, module_type;
  bool definition = false;  // decode and validate only: never instantiated
  std::optional<Action> action;
  std::vector<SpecValue> expected;
  // assert_return with `either` (Wasm 3.0, relaxed SIMD): the one result must match any of these.
  std::vector<SpecValue> either;
};

const json::value& member(const json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) throw BadJson(fmt::format("missing \"{}\"", key));
  return it->value();
}

std::string str(const json::object& o, const char* key) {
  const json::value& v = member(o, key);
  if (!v.is_string()) throw BadJson(fmt::format("\"{}\" is not a string", key));
  const json::string& s = v.get_string();
  return std::string(s.data(), s.size());  // field names may hold NUL characters
}

std::string opt_str(const json::object& o, const char* key) {
  return o.contains(key) ? str(o, key) : std::string();
}

const json::object& obj(const json::value& v, const char* what) {
  if (!v.is_object()) throw BadJson(fmt::format("{} is not an object", what));
  return v.get_object();
}

const json::array& arr(const json::object& o, const char* key) {
  const json::value& v = member(o, key);
  if (!v.is_array()) throw BadJson(fmt::format("\"{}\" is not an array", key));
  return v.get_array();
}

uint64_t parse_uint(const std::string& s, unsigned bits) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty())
    throw BadJson(fmt::format("bad number \"{}\"", s));
  if (bits < 64 && v >> bits) throw BadJson(fmt::format("number {} does not fit in {} bits", s, bits));
  return v;
}

Lane parse_lane(const std::string& s, unsigned bits, bool is_float) {
  if (is_float && s == "nan:canonical") return {Lane::CanonicalNan, 0};
  if (is_float && s == "nan:arithmetic") return {Lane::ArithmeticNan, 0};
  return {Lane::Bits, parse_uint(s, bits)};
}

ValType parse_type(const std::string& t) {
  if (t == "i32") return ValType::I32;
  if (t == "i64") return ValType::I64;
  if (t == "f32") return ValType::F32;
  if (t == "f64") return ValType::F64;
  if (t == "v128") return ValType::V128;
  if (t == "funcref") return ValType::FuncRef;
  if (t == "externref") return ValType::ExternRef;
  if (t == "exnref") return ValType::ExnRef;
  throw BadJson(fmt::format("unknown value type \"{}\"", t));
}

// `with_value` is false for the `expected` lists of assert_trap and friends, which carry types only.
SpecValue parse_value(const json::value& jv, bool with_value) {
  const json::object& o = obj(jv, "value");
  SpecValue v;
  v.type = parse_type(str(o, "type"));
  if (!with_value) return v;
  switch (v.type) {
    case ValType::I32: v.lanes.push_back(parse_lane(str(o, "value"), 32, false)); break;
    case ValType::I64: v.lanes.push_back(parse_lane(str(o, "value"), 64, false)); break;
    case ValType::F32: v.lanes.push_back(parse_lane(str(o, "value"), 32, true)); break;
    case ValType::F64: v.lanes.push_back(parse_lane(str(o, "value"), 64, true)); break;
    case ValType::FuncRef:
    case ValType::ExternRef: {
      std::string s = str(o, "value");
      v.lanes.push_back(s == "null" ? Lane{Lane::Null, 0} : Lane{Lane::Bits, parse_uint(s, 64)});
      break;
    }
    case ValType::V128: {
      std::string lt = str(o, "lane_type");
      if (lt.size() < 2 || (lt[0] != 'i' && lt[0] != 'f')) throw BadJson("bad lane_type " + lt);
      v.float_lanes = lt[0] == 'f';
      v.lane_bits = unsigned(parse_uint(lt.substr(1), 8));
      if (!(v.lane_bits == 8 || v.lane_bits == 16 || v.lane_bits == 32 || v.lane_bits == 64) ||
          (v.float_lanes && v.lane_bits < 32))
        throw BadJson("bad lane_type " + lt);
      const json::array& lanes = arr(o, "value");
      if (lanes.size() != 128 / v.lane_bits) throw BadJson("wrong number of v128 lanes");
      for (auto& l : lanes) {
        if (!l.is_string()) throw BadJson("v128 lane is not a string");
        v.lanes.push_back(parse_lane(std::string(l.get_string()), v.lane_bits, v.float_lanes));
      }
      break;
    }
    default: break;
  }
  return v;
}

std::vector<SpecValue> parse_values(const json::object& o, const char* key, bool with_value) {
  std::vector<SpecValue> out;
  if (!o.contains(key)) return out;
  for (auto& v : arr(o, key)) out.push_back(parse_value(v, with_value));
  return out;
}

Action parse_action(const json::object& o) {
  Action a;
  std::string type = str(o, "type");
  if (type == "get") a.get = true;
  else if (type != "invoke") throw BadJson("unknown action type " + type);
  a.module = opt_str(o, "module");
  a.field = str(o, "field");
  a.args = parse_values(o, "args", true);
  for (auto& arg : a.args)
    for (auto& l : arg.lanes)
      if (l.kind == Lane::CanonicalNan || l.kind == Lane::ArithmeticNan)
        throw BadJson("NaN pattern used as an argument");
  return a;
}

Command parse_command(const json::value& jv) {
  const json::object& o = obj(jv, "command");
  Command c;
  c.type = str(o, "type");
  const json::value& line = member(o, "line");
  if (!line.is_int64() && !line.is_uint64()) throw BadJson("\"line\" is not an integer");
  c.line = line.is_int64() ? uint64_t(line.get_int64()) : line.get_uint64();
  c.filename = opt_str(o, "filename");
  c.name = opt_str(o, "name");
  c.as = opt_str(o, "as");
  c.text = opt_str(o, "text");
  c.module_type = opt_str(o, "module_type");
  // Wasm 3.0's `(module definition ...)` (../shared/spec3/README.md): wast2json writes "true".
  c.definition = opt_str(o, "definition") == "true";
  if (o.contains("action")) c.action = parse_action(obj(member(o, "action"), "action"));
  // Only assert_return's `expected` carries values.
  c.expected = parse_values(o, "expected", c.type == "assert_return");
  c.either = parse_values(o, "either", c.type == "assert_return");
  bool needs_file = c.type == "module" || (c.type.starts_with("assert_") && !c.action);
  bool needs_action = c.type == "action" || c.type == "assert_return" || c.type == "assert_trap" ||
                      c.type == "assert_exhaustion" || c.type == "assert_exception";
  if (needs_action && !c.action) throw BadJson(fmt::format("line {}: {} without action", c.line, c.type));
  if (needs_file && !needs_action && c.filename.empty())
    throw BadJson(fmt::format("line {}: {} without filename", c.line, c.type));
  if (c.type == "register" && c.as.empty()) throw BadJson(fmt::format("line {}: register without as", c.line));
  return c;
}

// ---------------------------------------------------------------------------------------------------
// Value conversion and comparison.

// Externref N is an opaque host pointer; +1 keeps N = 0 distinct from null.
void* extern_ptr(uint64_t n) { return reinterpret_cast<void*>(uintptr_t(n) + 1); }

uint64_t lane_of(const uint8_t* bytes, unsigned bits, size_t i) {
  uint64_t v = 0;
  std::memcpy(&v, bytes + i * bits / 8, bits / 8);  // little-endian host assumed, like the interpreter
  return v;
}

std::optional<Value> to_value(const SpecValue& s, std::string& why) {
  const Lane& l = s.lanes.front();
  switch (s.type) {
    case ValType::I32: return Value::make_i32(uint32_t(l.bits));
    case ValType::I64: return Value::make_i64(l.bits);
    case ValType::F32: return Value::make_f32_bits(uint32_t(l.bits));
    case ValType::F64: return Value::make_f64_bits(l.bits);
    case ValType::ExternRef:
      return Value::make_ref(ValType::ExternRef, l.kind == Lane::Null ? nullptr : extern_ptr(l.bits));
    case ValType::FuncRef:
      if (l.kind == Lane::Null) return Value::make_ref(ValType::FuncRef, nullptr);
      why = "non-null funcref arguments cannot be made by the runner";
      return std::nullopt;
    case ValType::V128: {
      Value v;
      v.type = ValType::V128;
      for (size_t i = 0; i < s.lanes.size(); ++i)
        std::memcpy(v.v128 + i * s.lane_bits / 8, &s.lanes[i].bits, s.lane_bits / 8);
      return v;
    }
    default: why = "unsupported argument type"; return std::nullopt;
  }
}

bool lane_matches(const Lane& want, uint64_t got, unsigned bits, bool is_float) {
  if (!is_float || want.kind == Lane::Bits) return want.kind == Lane::Bits && got == want.bits;
  uint64_t exp_mask = bits == 32 ? 0x7f800000u : 0x7ff0000000000000u;
  uint64_t quiet = bits == 32 ? 0x00400000u : 0x0008000000000000u;
  uint64_t payload = bits == 32 ? 0x007fffffu : 0x000fffffffffffffu;
  if ((got & exp_mask) != exp_mask) return false;
  if (want.kind == Lane::CanonicalNan) return (got & payload) == quiet;
  return (got & quiet) != 0;  // arithmetic: any NaN with the quiet bit set
}

// The JSON names a reference's hierarchy only (funcref, externref): a typed reference from a
// function's results, (ref $t) or (ref null extern), is compared as the nullable top of its hierarchy.
ValType json_type(ValType t) { return is_ref(t) ? ref_type(true, heap_top(ref_heap(t))) : t; }

bool matches(const SpecValue& want, const Value& got) {
  if (want.type != json_type(got.type)) return false;
  const Lane& l = want.lanes.front();
  switch (want.type) {
    case ValType::I32: return lane_matches(l, got.i32, 32, false);
    case ValType::I64: return lane_matches(l, got.i64, 64, false);
    case ValType::F32: return lane_matches(l, got.i32, 32, true);
    case ValType::F64: return lane_matches(l, got.i64, 64, true);
    case ValType::ExternRef:
      return l.kind == Lane::Null ? got.ref == nullptr : got.ref == extern_ptr(l.bits);
    case ValType::FuncRef:
      // Function references have no identity the JSON could name: only null versus non-null.
      return (l.kind == Lane::Null) == (got.ref == nullptr);
    case ValType::V128:
      for (size_t i = 0; i < want.lanes.size(); ++i)
        if (!lane_matches(want.lanes[i], lane_of(got.v128, want.lane_bits, i), want.lane_bits,
                          want.float_lanes))
          return false;
      return true;
    default: return false;
  }
}

std::string lane_text(const Lane& l, unsigned bits, bool is_float) {
  switch (l.kind) {
    case Lane::CanonicalNan: return "nan:canonical";
    case Lane::ArithmeticNan: return "nan:arithmetic";
    case Lane::Null: return "null";
    case Lane::Bits: break;
  }
  if (!is_float) return std::to_string(l.bits);
  // Bits first (what is compared), then the number a reader recognizes.
  if (bits == 32) return fmt::format("0x{:08x} ({})", l.bits, std::bit_cast<float>(uint32_t(l.bits)));
  return fmt::format("0x{:016x} ({})", l.bits, std::bit_cast<double>(l.bits));
}

std::string describe(const SpecValue& v) {
  if (v.lanes.empty()) return to_string(v.type);
  bool is_float = v.type == ValType::F32 || v.type == ValType::F64;
  unsigned bits = v.type == ValType::F32 || v.type == ValType::I32 ? 32 : 64;
  if (v.type == ValType::V128) {
    std::string s = fmt::format("v128:{}{}x{}[", v.float_lanes ? 'f' : 'i', v.lane_bits, v.lanes.size());
    for (size_t i = 0; i < v.lanes.size(); ++i) {
      if (i) s += ' ';
      s += lane_text(v.lanes[i], v.lane_bits, v.float_lanes);
    }
    return s + "]";
  }
  return fmt::format("{}:{}", to_string(v.type), lane_text(v.lanes.front(), bits, is_float));
}

// Describes `got` in the shape of `like` (v128 lanes as the expectation reads them).
std::string describe(const Value& got, const SpecValue* like) {
  SpecValue s;
  s.type = json_type(got.type);
  switch (s.type) {
    case ValType::I32: case ValType::F32: s.lanes.push_back({Lane::Bits, got.i32}); break;
    case ValType::I64: case ValType::F64: s.lanes.push_back({Lane::Bits, got.i64}); break;
    case ValType::FuncRef:
    case ValType::ExternRef:
      if (!got.ref) return fmt::format("{}:null", to_string(s.type));
      if (s.type == ValType::ExternRef)
        return fmt::format("externref:{}", reinterpret_cast<uintptr_t>(got.ref) - 1);
      return "funcref:<function>";
    case ValType::V128: {
      bool same_shape = like && like->type == ValType::V128;
      s.lane_bits = same_shape ? like->lane_bits : 32;
      s.float_lanes = same_shape && like->float_lanes;
      for (size_t i = 0; i < 128 / s.lane_bits; ++i)
        s.lanes.push_back({Lane::Bits, lane_of(got.v128, s.lane_bits, i)});
      break;
    }
    default: return to_string(got.type);
  }
  return describe(s);
}

std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') out += fmt::format("\\{:02x}", c);
    else out += char(c);
  }
  return out;
}

std::string describe(const Action& a) {
  std::string s = a.module.empty() ? "" : a.module + ".";
  s += a.get ? "get \"" + printable(a.field) + "\"" : "invoke \"" + printable(a.field) + "\"(";
  if (!a.get) {
    for (size_t i = 0; i < a.args.size(); ++i) s += (i ? ", " : "") + describe(a.args[i]);
    s += ")";
  }
  return s;
}

std::string trap_message(const Trap& t) { return t.message.empty() ? trap_text(t.kind) : t.message; }

// Spec texts and ours differ in detail ("uninitialized element 2" vs "uninitialized element"): a
// prefix either way is a match.
bool similar_message(const std::string& ours, const std::string& spec) {
  return ours.starts_with(spec) || spec.starts_with(ours);
}

// ---------------------------------------------------------------------------------------------------
// Running a file.

enum class Verdict { Pass, Fail, Skip };
struct Outcome {
  Verdict verdict;
  std::string detail;
};
Outcome pass() { return {Verdict::Pass, {}}; }
Outcome fail(std::string s) { return {Verdict::Fail, std::move(s)}; }
Outcome skip(std::string s) { return {Verdict::Skip, std::move(s)}; }

using ExportMap = std::map<std::string, ExternRef, std::less<>>;

// A `module` command's result, good or bad, so later commands naming it can say why they cannot run.
struct LoadedModule {
  Instance* instance = nullptr;
  const ExportMap* exports = nullptr;  // the instance's, or the host module's
  std::string problem;        // why there are no exports
};

class FileRunner {
 public:
  explicit FileRunner(fs::path dir) : dir_(std::move(dir)) {
    make_spectest_module();
  }

  Outcome run(const Command& c) {
    if (c.type == "module") return module(c);
    if (c.type == "action") {
      ActionResult r = perform(*c.action);
      if (r.verdict) return *r.verdict;
      if (r.trap) return fail("unexpected trap: " + trap_message(r.trap));
      return pass();
    }
    if (c.type == "assert_return") return assert_return(c);
    if (c.type == "assert_trap" || c.type == "assert_exhaustion") return assert_trap(c);
    if (c.type == "assert_exception") return assert_exception(c);
    if (c.type == "assert_malformed" || c.type == "assert_invalid") return assert_rejected(c);
    if (c.type == "assert_unlinkable") return assert_unlinkable(c);
    if (c.type == "assert_uninstantiable") return assert_uninstantiable(c);
    return fail("unknown command type " + c.type);
  }

  // `register` is not counted, as in wabt, so it has no outcome.
  void do_register(const Command& c) {
    const LoadedModule* m = c.name.empty() ? current_ : find_named(c.name);
    if (m) {
      registered_[c.as] = *m;
    } else {
      LoadedModule missing;
      missing.problem = "no module " + c.name + " to register";
      registered_[c.as] = missing;
    }
  }

 private:
  struct ActionResult {
    std::optional<Outcome> verdict;  // set when the action could not run as asked (fail or skip)
    Trap trap;
    std::vector<Value> values;
  };

  void make_spectest_module() {
    spectest_exports_ = std::make_unique<ExportMap>();
    ExportMap& ex = *spectest_exports_;
    auto func = [&](const char* name, std::vector<ValType> params) {
      // The reference interpreter prints the arguments; nothing checks that output, so stay silent.
      FuncInst* f = store_.create_host_function(FuncType{std::move(params), {}},
                                                [](HostCall&) { return true; },
                                                std::string("spectest.") + name);
      ex[name] = ExternRef{ExternKind::Func, f};
    };
    using V = ValType;
    func("print", {});
    func("print_i32", {V::I32});
    func("print_i64", {V::I64});
    func("print_f32", {V::F32});
    func("print_f64", {V::F64});
    func("print_i32_f32", {V::I32, V::F32});
    func("print_f64_f64", {V::F64, V::F64});
    auto global = [&](const char* name, ValType t, Value v) {
      ex[name] = ExternRef{ExternKind::Global, store_.create_global(GlobalType{t, false}, v)};
    };
    global("global_i32", V::I32, Value::make_i32(666));
    global("global_i64", V::I64, Value::make_i64(666));
    global("global_f32", V::F32, Value::make_f32_bits(std::bit_cast<uint32_t>(666.6f)));
    global("global_f64", V::F64, Value::make_f64_bits(std::bit_cast<uint64_t>(666.6)));
    ex["table"] = ExternRef{ExternKind::Table,
                            store_.create_table(TableType{ValType::FuncRef, Limits{10, 20}})};
    // Wasm 3.0's spectest module adds a 64-bit table (https://github.com/WebAssembly/spec/tree/main/interpreter#spectest-host-module).
    ex["table64"] = ExternRef{ExternKind::Table,
                              store_.create_table(TableType{ValType::FuncRef, Limits{10, 20}, true})};
    ex["memory"] = ExternRef{ExternKind::Memory, store_.create_memory(MemoryType{Limits{1, 2}})};
    registered_["spectest"].exports = &ex;
  }

  const LoadedModule* find_named(const std::string& name) {
    auto it = named_.find(name);
    return it == named_.end() ? nullptr : &it->second;
  }

  // Reads and compiles a module file; a read failure is the runner's problem, not the module's.
  struct Compiled {
    std::shared_ptr<CompiledModule> module;
    std::optional<std::string> read_error, compile_error;
  };
  Compiled compile(const std::string& filename) {
    Compiled out;
    fs::path path = dir_ / filename;
    auto bytes = read_module_file(path.string());
    if (!bytes) {
      out.read_error = fmt::format("cannot read {}: {}", path.string(), bytes.error().message);
      return out;
    }
    auto r = compile_module(std::move(*bytes), CompileOptions{filename});
    if (!r.ok()) out.compile_error = format_error(filename, r.error());
    else out.module = std::move(r.value());
    return out;
  }

  // Import resolution by (module, field) over registered modules. Returns a reason on failure.
  std::optional<std::string> resolve(const Module& m, std::vector<ExternRef>& imports) {
    for (const Import& im : m.imports) {
      std::string what = fmt::format("{}.{}", printable(im.module), printable(im.name));
      auto reg = registered_.find(im.module);
      if (reg == registered_.end()) return "unknown import " + what;
      const LoadedModule& lm = reg->second;
      if (!lm.exports) return "unknown import " + what + " (" + lm.problem + ")";
      auto it = lm.exports->find(im.name);
      if (it == lm.exports->end()) return "unknown import " + what;
      if (it->second.kind != im.kind) return "incompatible import type " + what;
      imports.push_back(it->second);
    }
    return std::nullopt;
  }

  Outcome module(const Command& c) {
    LoadedModule lm;
    if (c.definition) {
      // A definition declares what an instance would need (a table of 2^32-1 entries, say) without
      // creating one: it passes when it decodes and validates, and is not the current module.
      Compiled cm = compile(c.filename);
      if (cm.read_error) return fail(*cm.read_error);
      if (cm.compile_error) return fail("module failed to compile: " + *cm.compile_error);
      lm.problem = "a module definition is not instantiated";
      if (!c.name.empty()) named_[c.name] = lm;
      return pass();
    }
    Outcome o = load(c.filename, lm);
    if (!c.name.empty()) named_[c.name] = lm;
    current_storage_.push_back(lm);
    current_ = &current_storage_.back();
    return o;
  }

  Outcome load(const std::string& filename, LoadedModule& lm) {
    Compiled cm = compile(filename);
    if (cm.read_error) {
      lm.problem = *cm.read_error;
      return fail(lm.problem);
    }
    if (cm.compile_error) {
      lm.problem = "module failed to compile";
      return fail("module failed to compile: " + *cm.compile_error);
    }
    std::vector<ExternRef> imports;
    if (auto why = resolve(*cm.module->module, imports)) {
      lm.problem = "module failed to link";
      return fail("module failed to link: " + *why);
    }
    InstantiateOutcome r = store_.instantiate(cm.module, imports);
    if (r.link_error) {
      lm.problem = "module failed to link";
      return fail("module failed to link: " + format_error(filename, *r.link_error));
    }
    if (r.trap) {
      lm.problem = "module failed to instantiate";
      return fail("instantiation trapped: " + trap_message(r.trap));
    }
    lm.instance = r.instance;
    lm.exports = &r.instance->exports;
    return pass();
  }

  ActionResult perform(const Action& a) {
    ActionResult r;
    const LoadedModule* lm = a.module.empty() ? current_ : find_named(a.module);
    if (!lm && !a.module.empty()) {
      auto it = registered_.find(a.module);
      if (it != registered_.end()) lm = &it->second;
    }
    if (!lm) {
      r.verdict = fail(a.module.empty() ? "no current module" : "no module named " + a.module);
      return r;
    }
    if (!lm->exports) {
      r.verdict = fail(lm->problem);
      return r;
    }
    auto found = lm->exports->find(a.field);
    const ExternRef* ex = found == lm->exports->end() ? nullptr : &found->second;
    if (!ex) {
      r.verdict = fail("no export \"" + printable(a.field) + "\"");
      return r;
    }
    if (a.get) {
      if (ex->kind != ExternKind::Global) {
        r.verdict = fail("export \"" + printable(a.field) + "\" is not a global");
        return r;
      }
      r.values.push_back(Store::read_global(*static_cast<GlobalInst*>(ex->ptr)));
      return r;
    }
    if (ex->kind != ExternKind::Func) {
      r.verdict = fail("export \"" + printable(a.field) + "\" is not a function");
      return r;
    }
    auto* f = static_cast<FuncInst*>(ex->ptr);
    std::vector<Value> args;
    for (size_t i = 0; i < a.args.size(); ++i) {
      std::string why;
      auto v = to_value(a.args[i], why);
      if (!v) {
        r.verdict = fail(why);
        return r;
      }
      args.push_back(*v);
    }
    // The store trusts its caller on types, so check them here.
    const FuncType& t = *f->type;
    bool types_ok = t.params.size() == args.size();
    // A reference argument fits a parameter of its hierarchy that allows null or gets a non-null one.
    for (size_t i = 0; types_ok && i < args.size(); ++i)
      types_ok = is_ref(t.params[i]) ? json_type(t.params[i]) == args[i].type &&
                                           (ref_nullable(t.params[i]) || args[i].ref)
                                     : t.params[i] == args[i].type;
    if (!types_ok) {
      r.verdict = fail("arguments do not match the function type " + to_string(t));
      return r;
    }
    r.trap = store_.call(f, args, r.values);
    return r;
  }

  Outcome assert_return(const Command& c) {
    ActionResult r = perform(*c.action);
    if (r.verdict) return *r.verdict;
    if (r.trap) return fail(describe(*c.action) + ": unexpected trap: " + trap_message(r.trap));
    if (!c.either.empty()) {
      if (r.values.size() == 1)
        for (const SpecValue& alternative : c.either)
          if (matches(alternative, r.values[0])) return pass();
      std::string want, got;
      for (size_t i = 0; i < c.either.size(); ++i) want += (i ? " or " : "") + describe(c.either[i]);
      for (size_t i = 0; i < r.values.size(); ++i) got += (i ? ", " : "") + describe(r.values[i], &c.either[0]);
      return fail(fmt::format("{}: expected {}, got ({})", describe(*c.action), want, got));
    }
    bool ok = r.values.size() == c.expected.size();
    for (size_t i = 0; ok && i < r.values.size(); ++i) ok = matches(c.expected[i], r.values[i]);
    if (ok) return pass();
    std::string want, got;
    for (size_t i = 0; i < c.expected.size(); ++i) want += (i ? ", " : "") + describe(c.expected[i]);
    for (size_t i = 0; i < r.values.size(); ++i)
      got += (i ? ", " : "") + describe(r.values[i], i < c.expected.size() ? &c.expected[i] : nullptr);
    return fail(fmt::format("{}: expected ({}), got ({})", describe(*c.action), want, got));
  }

  Outcome assert_trap(const Command& c) {
    ActionResult r = perform(*c.action);
    if (r.verdict) return *r.verdict;
    if (!r.trap) return fail(describe(*c.action) + ": expected trap \"" + c.text + "\", got a result");
    if (c.type == "assert_exhaustion") {
      if (r.trap.kind == TrapKind::CallStackExhausted) return pass();
    } else if (similar_message(trap_message(r.trap), c.text)) {
      return pass();
    }
    return fail(fmt::format("{}: expected trap \"{}\", got \"{}\"", describe(*c.action), c.text,
                            trap_message(r.trap)));
  }

  // Wasm 3.0: the action throws a wasm exception that nothing catches.
  Outcome assert_exception(const Command& c) {
    ActionResult r = perform(*c.action);
    if (r.verdict) return *r.verdict;
    if (r.trap.kind == TrapKind::UncaughtException) return pass();
    if (!r.trap) return fail(describe(*c.action) + ": expected an exception, got a result");
    return fail(fmt::format("{}: expected an exception, got trap \"{}\"", describe(*c.action), trap_message(r.trap)));
  }

  Outcome assert_rejected(const Command& c) {
    // wi reads only the binary format; text modules are the text parser's business.
    if (c.module_type == "text") return skip("text format");
    Compiled cm = compile(c.filename);
    if (cm.read_error) return fail(*cm.read_error);
    if (cm.compile_error) return pass();
    return fail(fmt::format("{}: module was accepted, expected \"{}\"", c.filename, c.text));
  }

  Outcome assert_unlinkable(const Command& c) {
    Compiled cm = compile(c.filename);
    if (cm.read_error) return fail(*cm.read_error);
    if (cm.compile_error) return fail("module failed to compile: " + *cm.compile_error);
    std::vector<ExternRef> imports;
    if (resolve(*cm.module->module, imports)) return pass();
    InstantiateOutcome r = store_.instantiate(cm.module, imports);
    if (r.link_error) return pass();
    if (r.trap) return fail("instantiation trapped (\"" + trap_message(r.trap) + "\"), expected a link error \"" + c.text + "\"");
    return fail(fmt::format("{}: module linked, expected \"{}\"", c.filename, c.text));
  }

  Outcome assert_uninstantiable(const Command& c) {
    Compiled cm = compile(c.filename);
    if (cm.read_error) return fail(*cm.read_error);
    if (cm.compile_error) return fail("module failed to compile: " + *cm.compile_error);
    std::vector<ExternRef> imports;
    if (auto why = resolve(*cm.module->module, imports))
      return fail("module failed to link: " + *why);
    InstantiateOutcome r = store_.instantiate(cm.module, imports);
    if (r.link_error) return fail("module failed to link: " + format_error(c.filename, *r.link_error));
    if (!r.trap) return fail(fmt::format("{}: module instantiated, expected trap \"{}\"", c.filename, c.text));
    if (similar_message(trap_message(r.trap), c.text)) return pass();
    return fail(fmt::format("{}: expected trap \"{}\", got \"{}\"", c.filename, c.text, trap_message(r.trap)));
  }

  fs::path dir_;
  Store store_;
  std::unique_ptr<ExportMap> spectest_exports_;
  std::map<std::string, LoadedModule> named_;
  std::map<std::string, LoadedModule> registered_;
  std::deque<LoadedModule> current_storage_;  // stable addresses for current_
  const LoadedModule* current_ = nullptr;
};

}  // namespace

bool run_spec_file(const std::string& json_path, const SpecTestOptions& options, std::ostream& out,
                   std::ostream& err, SpecTestCounts& counts) {
  std::string source_name;
  std::vector<Command> commands;
  try {
    // Read like a module: a directory or a device named x.json is reported as what it is.
    auto text = read_module_file(json_path);
    if (!text) {
      err << "wi: " << json_path << ": " << text.error().message << "\n";
      return false;
    }
    boost::system::error_code ec;
    json::value root = json::parse(json::string_view(reinterpret_cast<const char*>(text->data()), text->size()), ec);
    if (ec) {
      err << "wi: " << json_path << ": bad JSON: " << ec.message() << "\n";
      return false;
    }
    const json::object& o = obj(root, "top level");
    source_name = opt_str(o, "source_filename");
    for (auto& c : arr(o, "commands")) commands.push_back(parse_command(c));
  } catch (const std::exception& e) {
    err << "wi: " << json_path << ": not wast2json output: " << e.what() << "\n";
    return false;
  }

  fs::path path(json_path);
  if (source_name.empty()) source_name = path.filename().string();
  FileRunner runner(path.parent_path());
  SpecTestCounts file_counts;
  std::vector<std::string> details;
  size_t failures = 0;
  for (const Command& c : commands) {
    if (c.type == "register") {
      runner.do_register(c);
      continue;
    }
    Outcome o = runner.run(c);
    std::string line = fmt::format("  {}:{}: {}: {}", source_name, c.line, c.type, o.detail);
    switch (o.verdict) {
      case Verdict::Pass: ++file_counts.passed; break;
      case Verdict::Fail:
        ++file_counts.failed;
        if (options.verbose || failures < options.max_failures_shown) details.push_back(line);
        ++failures;
        break;
      case Verdict::Skip:
        ++file_counts.skipped;
        if (options.verbose) details.push_back(line + " (skipped)");
        break;
    }
  }
  out << fmt::format("{}: {} passed, {} failed, {} skipped\n", path.stem().string(), file_counts.passed,
                     file_counts.failed, file_counts.skipped);
  for (auto& d : details) out << d << "\n";
  if (!options.verbose && failures > options.max_failures_shown)
    out << fmt::format("  ... and {} more failures (--verbose shows all)\n",
                       failures - options.max_failures_shown);
  counts += file_counts;
  return true;
}

bool spec_files_in(const std::string& dir, std::vector<std::string>& files, std::string& error) {
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    error = fmt::format("{}: {}", dir, ec.message());
    return false;
  }
  std::vector<std::string> names;
  for (const auto& e : it) {
    std::error_code e2;
    if (!e.is_directory(e2)) continue;
    std::string name = e.path().filename().string();
    if (fs::is_regular_file(e.path() / (name + ".json"), e2)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  for (auto& n : names) files.push_back((fs::path(dir) / n / (n + ".json")).string());
  return true;
}

bool spec_files_in_dirs(const std::vector<std::string>& dirs, std::vector<std::string>& files, std::string& error) {
  std::vector<std::pair<std::string, std::string>> named;  // (subfolder name, json path), in order
  for (const std::string& arg : dirs) {
    std::string dir = arg;
    std::vector<std::string> only;
    if (size_t sep = arg.find("::"); sep != std::string::npos) {
      dir = arg.substr(0, sep);
      std::string list = arg.substr(sep + 2);
      for (size_t at = 0; at <= list.size();) {
        size_t comma = std::min(list.find(',', at), list.size());
        if (comma > at) only.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    }
    std::vector<std::string> found;
    if (!spec_files_in(dir, found, error)) return false;
    for (const std::string& path : found) {
      std::string name = fs::path(path).parent_path().filename().string();
      if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
      auto same = std::find_if(named.begin(), named.end(), [&](auto& e) { return e.first == name; });
      if (same != named.end()) same->second = path;
      else named.emplace_back(name, path);
    }
    for (const std::string& name : only)
      if (std::none_of(named.begin(), named.end(), [&](auto& e) { return e.first == name; })) {
        error = fmt::format("{}: no test folder {}", dir, name);
        return false;
      }
  }
  for (auto& e : named) files.push_back(e.second);
  return true;
}

int run_spectest(const std::vector<std::string>& files, const SpecTestOptions& options) {
  SpecTestCounts total;
  bool unreadable = false;
  for (const std::string& f : files) {
    if (!run_spec_file(f, options, std::cout, std::cerr, total)) unreadable = true;
    std::cout.flush();
  }
  std::cout << fmt::format("{} passed, {} failed, {} skipped\n", total.passed, total.failed, total.skipped);
  if (unreadable) return 2;
  return total.failed ? 1 : 0;
}

}  // namespace wi
