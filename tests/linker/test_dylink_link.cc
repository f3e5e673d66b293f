// The runtime linker on dylink.0 modules assembled from bytes, for what wasm-ld 14 cannot write (the
// fixtures of tests/linker/dylink cover what it can): a NEEDED library found through RUNTIME_PATH with
// $ORIGIN (the library in a subdirectory of the main's), the main's own memory rewritten into the
// shared one, exported i32 globals as data symbols, and the library's exported __wasm_call_ctors run
// as its constructor but kept out of the global scope.
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <unistd.h>
#include "interp/store.h"
#include "linker/dylink0.h"
#include "linker/linker.h"
#include "tests/wasm_builder.h"

using namespace wi;
using namespace wi::link;
using wb::Bytes;

namespace {

namespace fs = std::filesystem;

Bytes subsection(uint8_t type, const Bytes& body) {
  Bytes out{type};
  wb::append(out, wb::leb(body.size()));
  wb::append(out, body);
  return out;
}

Bytes names(const std::vector<std::string>& list) {
  Bytes out = wb::leb(list.size());
  for (auto& s : list) wb::append(out, wb::name(s));
  return out;
}

// `module` with a dylink.0 section first (where wasm-ld puts it).
Bytes with_dylink0(const Bytes& module, const Bytes& payload) {
  Bytes out(module.begin(), module.begin() + 8);
  Bytes custom = wb::name("dylink.0");
  wb::append(custom, payload);
  wb::append(out, wb::section(0, custom));
  out.insert(out.end(), module.begin() + 8, module.end());
  return out;
}

// libsub.so: `sub_answer` returns 42; data symbol `sub_word` at offset 4 of its 8 bytes, which its
// __wasm_call_ctors sets to 7.
Bytes library() {
  wb::ModuleBuilder b;
  uint32_t ti = b.type({}, {wb::I32}), tv = b.type({}, {});
  b.import_memory("env", "memory", 0);
  uint32_t base = b.import_global("env", "__memory_base", wb::I32, false);
  b.export_func("sub_answer", b.func(ti, wb::code(wb::i32_const(42), wb::op::end)));
  b.export_global("sub_word", b.global(wb::I32, false, wb::code(wb::i32_const(4), wb::op::end)));
  b.export_func("__wasm_call_ctors", b.func(tv, wb::code(wb::global_get(base), wb::i32_const(7),
                                                         wb::mem(wb::op::i32_store, 4, 2), wb::op::end)));
  Bytes mem_info = subsection(kDylinkMemInfo, {8, 2, 0, 0});
  return with_dylink0(b.build(), mem_info);
}

// main.wasm: defines and exports its own memory (a -pie main); calls sub_answer, reads sub_word
// through GOT.mem. `runpath` empty: no RUNTIME_PATH subsection.
Bytes main_module(const std::vector<std::string>& runpath) {
  wb::ModuleBuilder b;
  uint32_t ti = b.type({}, {wb::I32});
  b.import_global("env", "__memory_base", wb::I32, false);
  uint32_t sub = b.import_func("env", "sub_answer", ti);
  uint32_t got = b.import_global("GOT.mem", "sub_word", wb::I32, true);
  b.export_memory("memory", b.memory(1));
  b.export_func("get_answer", b.func(ti, wb::code(wb::call(sub), wb::op::end)));
  b.export_func("get_word", b.func(ti, wb::code(wb::global_get(got), wb::mem(wb::op::i32_load, 0, 2), wb::op::end)));
  Bytes payload = subsection(kDylinkMemInfo, {16, 2, 0, 0});
  wb::append(payload, subsection(kDylinkNeeded, names({"libsub.so"})));
  if (!runpath.empty()) wb::append(payload, subsection(kDylinkRuntimePath, names(runpath)));
  return with_dylink0(b.build(), payload);
}

void write(const fs::path& p, const Bytes& b) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

struct TempDir {
  fs::path path;
  TempDir() {
    static int n = 0;
    path = fs::temp_directory_path() / ("wi-dylink-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

int32_t call(Store& s, Linker& l, const std::string& fn) {
  FuncInst* f = l.find_function(fn);
  REQUIRE_MESSAGE(f, fn);
  std::vector<Value> results;
  Trap t = s.call(f, {}, results);
  REQUIRE_MESSAGE(!t, fn << ": " << t.message);
  REQUIRE(results.size() == 1);
  return int32_t(results[0].i32);
}

}  // namespace

TEST_CASE("dylink.0: a NEEDED library found through RUNTIME_PATH $ORIGIN") {
  for (std::string origin : {"$ORIGIN/lib", "${ORIGIN}/lib"}) {
    CAPTURE(origin);
    TempDir dir;
    write(dir.path / "lib" / "libsub.so", library());
    write(dir.path / "main.wasm", main_module({"/nonexistent", origin}));
    Store s;
    Linker l(s, {}, HostImports{});
    auto r = l.link_program((dir.path / "main.wasm").string());
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    CHECK(l.module_names() == std::vector<std::string>{"main.wasm", "libsub.so"});
    Trap t = l.run_constructors();
    REQUIRE_MESSAGE(!t, t.message);
    CHECK(call(s, l, "get_answer") == 42);  // env.sub_answer bound to the library's export
    CHECK(call(s, l, "get_word") == 7);     // GOT.mem.sub_word: its __memory_base + 4, set by its ctor
    auto word = l.dlsym("sub_word");
    REQUIRE(word);
    CHECK(l.memory()->data[*word] == 7);
    CHECK_FALSE(l.dlsym("__wasm_call_ctors"));  // every library has one: never in the global scope
    // The main's own memory became an import of the shared one.
    const ExternRef* mem = l.find_function("get_answer")->instance->find_export("memory");
    REQUIRE(mem);
    CHECK(mem->ptr == l.memory());
  }
}

TEST_CASE("dylink.0: without RUNTIME_PATH a library in a subdirectory is not found") {
  TempDir dir;
  write(dir.path / "lib" / "libsub.so", library());
  write(dir.path / "main.wasm", main_module({}));
  Store s;
  Linker l(s, {}, HostImports{});
  auto r = l.link_program((dir.path / "main.wasm").string());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "library 'libsub.so' not found (needed by main.wasm); searched: " + dir.path.string());
  // --lib-path finds it as well.
  Store s2;
  LinkOptions o;
  o.lib_path = {(dir.path / "lib").string()};
  Linker l2(s2, o, HostImports{});
  auto r2 = l2.link_program((dir.path / "main.wasm").string());
  REQUIRE_MESSAGE(r2.ok(), (r2.ok() ? "" : r2.error().message));
  REQUIRE_FALSE(l2.run_constructors());
  CHECK(call(s2, l2, "get_word") == 7);
}

TEST_CASE("dylink.0: RUNTIME_PATH of a library opened by guest path is a guest path") {
  TempDir dir;
  write(dir.path / "lib" / "libsub.so", library());
  write(dir.path / "main.wasm", main_module({"$ORIGIN/lib"}));
  // A library that would lead outside the sandbox: its NEEDED libother.so lies in a host directory
  // that its RUNTIME_PATH names (absolute), and nowhere the guest can reach.
  write(dir.path / "host" / "libother.so", library());
  wb::ModuleBuilder b;
  b.import_memory("env", "memory", 0);
  b.export_func("plugin_fn", b.func(b.type({}, {wb::I32}), wb::code(wb::i32_const(1), wb::op::end)));
  Bytes payload = subsection(kDylinkMemInfo, {0, 0, 0, 0});
  wb::append(payload, subsection(kDylinkNeeded, names({"libother.so"})));
  wb::append(payload, subsection(kDylinkRuntimePath, names({(dir.path / "host").string(), "$ORIGIN/deps"})));
  write(dir.path / "sandbox" / "plugin.so", with_dylink0(b.build(), payload));

  std::vector<std::string> asked;
  HostImports host;
  host.open_guest = [&](const std::string& guest_path) -> Result<int> {
    asked.push_back(guest_path);
    if (guest_path == "/sb/plugin.so") return ::open((dir.path / "sandbox" / "plugin.so").c_str(), O_RDONLY);
    return make_error(SIZE_MAX, guest_path + ": not found in the sandbox");
  };
  Store s;
  Linker l(s, {}, host);
  REQUIRE(l.link_program((dir.path / "main.wasm").string()).ok());
  auto r = l.dlopen("/sb/plugin.so", {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "library 'libother.so' not found (needed by plugin.so)");
  // Both RUNTIME_PATH entries and the library's own directory were tried as guest paths, in order.
  CHECK(asked == std::vector<std::string>{"/sb/plugin.so", (dir.path / "host" / "libother.so").string(),
                                          "/sb/deps/libother.so", "/sb/libother.so"});
  CHECK(l.module_names() == std::vector<std::string>{"main.wasm", "libsub.so"});
}
