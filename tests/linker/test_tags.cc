// Exception tags shared by the runtime linker (linker/symbols.h rule 8), on dyninfo modules built byte
// by byte: a library that defines a tag (imports it and lists it in `deftag`, as wasmify writes it)
// throws, the main module that imports the same name catches; a tag no module defines and a tag
// imported with another type are link errors naming the module and the tag.
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include "interp/store.h"
#include "linker/linker.h"
#include "tests/wasm_builder.h"

using namespace wb;
namespace fs = std::filesystem;

namespace {

struct Dir {
  fs::path path = fs::temp_directory_path() / ("wi-tags-test-" + std::to_string(::getpid()));
  Dir() { fs::create_directories(path); }
  ~Dir() { fs::remove_all(path); }
  std::string write(const std::string& name, const Bytes& b) const {
    fs::path p = path / name;
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
    return p.string();
  }
};

Bytes json(const std::string& s) { return Bytes(s.begin(), s.end()); }
constexpr uint8_t throw_ = 0x08, try_table = 0x1f;

// libthrow.wasm: defines tag `tag_name` (param `param`) and exports lib_throw(x), which throws it.
Bytes thrower_library(const std::string& tag_name, uint8_t param) {
  ModuleBuilder m;
  uint32_t t_tag = m.type({param}, {});
  uint32_t t_i = m.type({I32}, {});
  m.import_tag("env", tag_name, t_tag);
  Bytes payload = param == I32 ? local_get(0) : code(local_get(0), op::i64_extend_i32_s);
  uint32_t f = m.func(t_i, code(payload, throw_, leb(0), op::end));
  m.export_func("lib_throw", f);
  m.custom("dyninfo", json(R"({"version":1,"shared":true,"defun":[["lib_throw",)" + std::to_string(f) +
                           R"(]],"deftag":[")" + tag_name + R"("]})"));
  return m.build();
}

// main.wasm: imports tag `tag_name` (param i32) and lib_throw; catcher(x) = payload + 1000 of what
// lib_throw(x) throws, or 0.
Bytes catcher_main(const std::string& tag_name) {
  ModuleBuilder m;
  uint32_t t_tag = m.type({I32}, {});
  uint32_t t_ii = m.type({I32}, {I32});
  uint32_t t_v = m.type({}, {});
  uint32_t lib_throw = m.import_func("env", "lib_throw", t_tag);
  m.import_tag("env", tag_name, t_tag);
  Bytes try_catch = code(try_table, I32, leb(1), code(uint8_t(0), leb(0), leb(0)));
  uint32_t catcher = m.func(t_ii, code(op::block, I32, try_catch, local_get(0), call(lib_throw), i32_const(0),
                                       op::end, op::end, i32_const(1000), op::i32_add, op::end));
  uint32_t start = m.func(t_v, code(op::end));
  m.export_func("catcher", catcher).export_func("_start", start);
  m.custom("dyninfo", json(R"({"version":1,"shared":false,"entry":"_start","defun":[["catcher",)" +
                           std::to_string(catcher) + R"(],["_start",)" + std::to_string(start) + "]]}"));
  return m.build();
}

wi::link::LinkOptions with_lib(const std::string& lib) {
  wi::link::LinkOptions o;
  o.libs = {lib};
  return o;
}

struct Program {
  wi::Store store;
  wi::link::Linker linker;
  wi::Result<void> linked;
  Program(const std::string& main, const std::string& lib)
      : linker(store, with_lib(lib), wi::link::HostImports{}),
        linked(linker.link_program(main)) {}
};

}  // namespace

TEST_CASE("a tag defined by a library is the tag the main module imports: its throw is caught there") {
  Dir d;
  Program p(d.write("main.wasm", catcher_main("wi_err")), d.write("libthrow.wasm", thrower_library("wi_err", I32)));
  REQUIRE_MESSAGE(p.linked.ok(), (p.linked.ok() ? "" : p.linked.error().message));
  wi::FuncInst* catcher = p.linker.find_function("catcher");
  REQUIRE(catcher);
  std::vector<wi::Value> results;
  wi::Trap t = p.store.call(catcher, std::vector<wi::Value>{wi::Value::make_i32(5)}, results);
  REQUIRE_MESSAGE(!t, t.message);
  CHECK(results.at(0).i32 == 1005);
  bool listed = false;
  for (auto& b : p.linker.bindings())
    if (b.module == "main.wasm" && b.symbol == "wi_err") listed = b.kind == "tag" && b.target == "libthrow.wasm";
  CHECK(listed);
}

TEST_CASE("a tag no module defines is an unresolved tag, not a fresh one") {
  Dir d;
  Program p(d.write("main.wasm", catcher_main("nobody")), d.write("libthrow.wasm", thrower_library("wi_err", I32)));
  REQUIRE_FALSE(p.linked.ok());
  CHECK(p.linked.error().message == "main.wasm: unresolved tag 'nobody' (no module defines it)");
}

TEST_CASE("a tag imported with two types is a link error naming both") {
  Dir d;
  Program p(d.write("main.wasm", catcher_main("wi_err")), d.write("libthrow.wasm", thrower_library("wi_err", I64)));
  REQUIRE_FALSE(p.linked.ok());
  CHECK(p.linked.error().message == "libthrow.wasm: tag 'wi_err' is imported as [i64] -> [] but is [i32] -> [] elsewhere");
}
