// The runtime linker through its embedding API (linker/linker.h), on the wasmified fixtures
// load_app.c (program) and load_lib.c (library): cross-module data refs with addends, function
// pointers both ways through the shared table, canonical function pointers, weak definitions
// overridden or not, an unresolved weak function, constructor order; two programs linked in one
// process stay independent; a failed dlopen leaves the program as it was.
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include "decoder/file.h"
#include "interp/store.h"
#include "linker/linker.h"
#include "linker/wasmify.h"

#ifndef WI_LINKER_FIXTURES
#error "WI_LINKER_FIXTURES: the directory of the compiled fixtures, defined by tests/meson.build"
#endif

using namespace wi;
using namespace wi::link;

namespace {

namespace fs = std::filesystem;

// Wasmifies fixture `name`.o into `dir`/`name`.wasm.
std::string wasmified(const fs::path& dir, const std::string& name, bool shared, std::vector<std::string> needed = {}) {
  auto read = read_module_file(std::string(WI_LINKER_FIXTURES) + "/" + name + ".o");
  REQUIRE(read.ok());
  std::vector<uint8_t> obj = std::move(*read);
  WasmifyOptions o;
  o.shared = shared;
  o.needed = std::move(needed);
  auto r = wasmify(obj, o);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  fs::path out = dir / (name + ".wasm");
  std::ofstream(out, std::ios::binary).write(reinterpret_cast<const char*>(r->bytes.data()), std::streamsize(r->bytes.size()));
  return out.string();
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / fs::path("wi-linker-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

struct LinkedApp {
  Store store;
  Linker linker;
  explicit LinkedApp(const std::string& app, LinkOptions o = {}) : linker(store, std::move(o), HostImports{}) {
    auto r = linker.link_program(app);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    Trap t = linker.run_constructors();
    REQUIRE_MESSAGE(!t, t.message);
  }
  int32_t call(const std::string& fn, std::vector<Value> args = {}) {
    FuncInst* f = linker.find_function(fn);
    REQUIRE_MESSAGE(f, fn);
    std::vector<Value> results;
    Trap t = store.call(f, args, results);
    REQUIRE_MESSAGE(!t, fn << ": " << t.message);
    REQUIRE(results.size() == 1);
    return int32_t(results[0].i32);
  }
};

}  // namespace

TEST_CASE("the runtime linker links two wasmified modules and runs them") {
  TempDir dir;
  wasmified(dir.path, "load_lib", true);
  std::string app = wasmified(dir.path, "load_app", false, {"load_lib.wasm"});  // found beside the app
  for (bool bind_now : {false, true}) {
    CAPTURE(bind_now);
    LinkOptions o;
    o.bind_now = bind_now;
    LinkedApp l(app, o);
    auto i32 = [](uint32_t v) { return Value::make_i32(v); };
    CHECK(l.call("app_counter") == 100);                  // code_ref mem_leb into the library's data
    CHECK(l.call("app_table2") == 30);                    // ref with addend 8
    CHECK(l.call("app_apply_square", {i32(9)}) == 81);    // the app's function pointer, called by the library
    CHECK(l.call("app_lib_op", {i32(21)}) == 42);         // the library's fixupfun, called by the app
    CHECK(l.call("app_hook_via_lib", {i32(1)}) == 1001);  // the library's call to its weak hook reaches the app's
    CHECK(l.call("app_hook_ptr_equal") == 1);             // &hook is the same in both modules
    CHECK(l.call("app_fallback") == 7);                   // a weak definition nobody overrides (self import)
    CHECK(l.call("app_missing") == -1);                   // an unresolved weak function is a null pointer
    CHECK(l.call("app_init_order") == 42042);             // the library's constructor ran first
    CHECK(l.linker.module_names() == std::vector<std::string>{"load_app.wasm", "load_lib.wasm"});
  }
}

TEST_CASE("two programs linked in one process are independent") {
  TempDir dir;
  wasmified(dir.path, "load_lib", true);
  std::string app = wasmified(dir.path, "load_app", false, {"load_lib.wasm"});
  LinkedApp a(app), b(app);
  CHECK(a.linker.memory() != b.linker.memory());
  CHECK(a.call("app_lib_op", {Value::make_i32(1)}) == 2);
  CHECK(b.call("app_lib_op", {Value::make_i32(5)}) == 10);
  CHECK(a.call("app_counter") == b.call("app_counter"));
}

TEST_CASE("a missing needed library and a failed dlopen are errors that change nothing") {
  TempDir dir;
  std::string app = wasmified(dir.path, "load_app", false, {"load_lib.wasm"});
  {
    Store s;
    Linker l(s, {}, HostImports{});
    auto r = l.link_program(app);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("library 'load_lib.wasm' not found (needed by load_app.wasm)") == 0);
  }
  // The library loaded by dlopen this time; the program refers to it, so it cannot link without it.
  wasmified(dir.path, "load_lib", true);
  LinkedApp l(app);
  auto h = l.linker.dlopen("load_lib.wasm", {});  // already loaded as needed: the same module
  REQUIRE(h.ok());
  CHECK(*h == 2);
  auto missing = l.linker.dlopen("nope.wasm", {});
  REQUIRE_FALSE(missing.ok());
  // After the initial link errors reach the guest (dlerror): no host directory in them.
  CHECK(missing.error().message == "library 'nope.wasm' not found");
  CHECK(l.linker.dlopen("/any/lib.wasm", {}).error().message == "/any/lib.wasm: guest paths cannot be opened here");
  CHECK(l.call("app_counter") == 100);
  CHECK(l.linker.dlsym("no_such_symbol") == std::nullopt);
  CHECK(l.linker.dlsym("hook").has_value());
}
