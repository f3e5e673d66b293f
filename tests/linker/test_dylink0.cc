// dylink.0: the reader on sections assembled from bytes (every subsection, unknown ones skipped,
// malformed and truncated ones reported at the right file offset), and on the modules wasm-ld 14 links
// from tests/linker/dylink/*.c (README.md there lists what they contain). WI_DYLINK_FIXTURES is the
// build directory holding them; without wasm-ld it is not defined and those cases are left out.
#include <doctest/doctest.h>
#include <algorithm>
#include <fstream>
#include <iterator>
#include "decoder/decoder.h"
#include "linker/dylink0.h"
#include "tests/wasm_builder.h"

using namespace wi;
using namespace wi::link;
using wb::Bytes;

namespace {

Bytes subsection(uint8_t type, const Bytes& body) {
  Bytes out{type};
  wb::append(out, wb::leb(body.size()));
  wb::append(out, body);
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (auto& p : parts) wb::append(out, p);
  return out;
}

// A module holding only the custom section `dylink.0` with `payload`. The payload starts at file
// offset kPayloadAt when it is shorter than 128 bytes (one-byte section size).
constexpr size_t kPayloadAt = 8 + 1 + 1 + 1 + 8;  // header, id, size, name length, "dylink.0"
Bytes module_with(const Bytes& payload, int copies = 1) {
  Bytes m{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  for (int i = 0; i < copies; ++i) wb::append(m, wb::section(0, cat({wb::name("dylink.0"), payload})));
  return m;
}

Result<DylinkInfo> read(const Bytes& payload, int copies = 1) {
  auto m = decode_module(module_with(payload, copies), nullptr);
  REQUIRE(m.ok());
  return read_dylink0(**m);
}

const Bytes kMemInfo = subsection(kDylinkMemInfo, cat({wb::leb(1040), wb::leb(4), wb::leb(3), wb::leb(0)}));

}  // namespace

TEST_CASE("dylink.0: every subsection") {
  Bytes payload = cat({
      kMemInfo,
      subsection(kDylinkNeeded, cat({wb::leb(2), wb::name("libc.so"), wb::name("libm.so")})),
      subsection(kDylinkExportInfo, cat({wb::leb(2), wb::name("errno"), wb::leb(kSymTls), wb::name("f"), wb::leb(0)})),
      subsection(kDylinkImportInfo, cat({wb::leb(2), wb::name("env"), wb::name("maybe"), wb::leb(kSymBindingWeak),
                                         wb::name("GOT.mem"), wb::name("x"), wb::leb(0)})),
      subsection(kDylinkRuntimePath, cat({wb::leb(2), wb::name("$ORIGIN/lib"), wb::name("/usr/lib")})),
  });
  auto r = read(payload);
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  const DylinkInfo& d = *r;
  CHECK(d.memory_size == 1040);
  CHECK(d.memory_align == 4);
  CHECK(d.table_size == 3);
  CHECK(d.table_align == 0);
  CHECK(d.needed == std::vector<std::string>{"libc.so", "libm.so"});
  CHECK(d.export_info == std::map<std::string, uint32_t>{{"errno", kSymTls}, {"f", 0}});
  CHECK(d.import_info.size() == 2);
  CHECK(d.import_info.at({"env", "maybe"}) == kSymBindingWeak);
  CHECK(d.weak_import("env", "maybe"));
  CHECK_FALSE(d.weak_import("GOT.mem", "x"));
  CHECK_FALSE(d.weak_import("env", "absent"));
  CHECK(d.runtime_path == std::vector<std::string>{"$ORIGIN/lib", "/usr/lib"});

  auto m = decode_module(module_with(payload), nullptr);
  REQUIRE(m.ok());
  CHECK(has_dylink0(**m));
}

TEST_CASE("dylink.0: empty, absent and repeated sections") {
  auto empty = read({});
  REQUIRE(empty.ok());
  CHECK(*empty == DylinkInfo{});

  Bytes plain{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  auto m = decode_module(plain, nullptr);
  REQUIRE(m.ok());
  CHECK_FALSE(has_dylink0(**m));
  auto r = read_dylink0(**m);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("no 'dylink.0' section") != std::string::npos);

  auto twice = read(kMemInfo, 2);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message.find("second") != std::string::npos);
  CHECK(twice.error().offset == kPayloadAt + kMemInfo.size() + 1 + 1 + 1 + 8);  // the second payload
}

TEST_CASE("dylink.0: unknown subsections are skipped") {
  Bytes payload = cat({subsection(9, {0xff, 0xff, 0xff}), kMemInfo, subsection(0, {}), subsection(200, {1, 2})});
  auto r = read(payload);
  REQUIRE_MESSAGE(r.ok(), r.error().message);
  CHECK(r->memory_size == 1040);
  CHECK(r->table_size == 3);
}

TEST_CASE("dylink.0: malformed subsections name the field and the file offset") {
  struct Case {
    const char* what;
    Bytes payload;
    size_t offset;         // expected error offset within the payload
    const char* message;   // expected substring
  };
  const Case cases[] = {
      {"MEM_INFO cut after two fields", subsection(kDylinkMemInfo, cat({wb::leb(16), wb::leb(2)})), 4,
       "dylink.0 MEM_INFO: expected tablesize (varuint32): unexpected end"},
      {"MEM_INFO with a byte left over", subsection(kDylinkMemInfo, {16, 2, 0, 0, 7}), 6,
       "dylink.0 MEM_INFO: expected the subsection to end after its fields (1 bytes left over)"},
      {"MEM_INFO alignment too large", subsection(kDylinkMemInfo, {16, 40, 0, 0}), 6,
       "expected alignments below 32"},
      {"subsection longer than the section", Bytes{kDylinkNeeded, 10, 1, 1, 'a'}, 0,
       "dylink.0: expected 10 bytes of subsection 2 (NEEDED), only 3 remain"},
      {"subsection size cut", Bytes{kDylinkNeeded, 0x80}, 2, "dylink.0: expected a subsection size (varuint32)"},
      {"NEEDED string longer than its subsection", cat({subsection(kDylinkNeeded, {1, 5, 'a', 'b'}), kMemInfo}), 4,
       "dylink.0 NEEDED: expected library name 0 of 1 (string): unexpected end"},
      {"NEEDED count larger than its entries", subsection(kDylinkNeeded, cat({wb::leb(2), wb::name("a")})), 5,
       "dylink.0 NEEDED: expected library name 1 of 2 (string)"},
      {"NEEDED name not UTF-8", subsection(kDylinkNeeded, {1, 2, 0xc3, 0x28}), 4, "malformed UTF-8"},
      {"EXPORT_INFO without flags", subsection(kDylinkExportInfo, cat({wb::leb(1), wb::name("f")})), 5,
       "dylink.0 EXPORT_INFO: expected the flags of entry 0 (varuint32)"},
      {"IMPORT_INFO without field", subsection(kDylinkImportInfo, cat({wb::leb(1), wb::name("env")})), 7,
       "dylink.0 IMPORT_INFO: expected the field of entry 0 (string)"},
      {"IMPORT_INFO flags too long", subsection(kDylinkImportInfo,
                                                cat({wb::leb(1), wb::name("m"), wb::name("f"),
                                                     Bytes{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}})),
       11, "dylink.0 IMPORT_INFO: expected the flags of entry 0 (varuint32): integer representation too long"},
      {"RUNTIME_PATH count cut", subsection(kDylinkRuntimePath, {0x80}), 3,
       "dylink.0 RUNTIME_PATH: expected the path count (varuint32): unexpected end"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    auto r = read(c.payload);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find(c.message) != std::string::npos);
    CAPTURE(r.error().message);
    CHECK(r.error().offset == kPayloadAt + c.offset);
  }
  // parse_dylink0 on a bare payload reports offsets from the given base.
  auto bare = parse_dylink0(subsection(kDylinkMemInfo, {1}), 1000);
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.error().offset == 1003);
}

#ifdef WI_DYLINK_FIXTURES

namespace {

struct Fixture {
  std::unique_ptr<Module> m;
  DylinkInfo d;

  bool imports(const std::string& module, const std::string& name, ExternKind kind) const {
    return std::any_of(m->imports.begin(), m->imports.end(),
                       [&](const Import& i) { return i.module == module && i.name == name && i.kind == kind; });
  }
  bool imports_global(const std::string& module, const std::string& name, bool mut) const {
    return std::any_of(m->imports.begin(), m->imports.end(), [&](const Import& i) {
      return i.module == module && i.name == name && i.kind == ExternKind::Global &&
             i.global.type == ValType::I32 && i.global.mut == mut;
    });
  }
  bool exports(const std::string& name, ExternKind kind) const {
    return std::any_of(m->exports.begin(), m->exports.end(),
                       [&](const Export& e) { return e.name == name && e.kind == kind; });
  }
  std::string global_import_name(uint32_t global_index) const {
    for (const Import& i : m->imports)
      if (i.kind == ExternKind::Global && global_index-- == 0) return i.module + "." + i.name;
    return "";
  }
  std::string start_name() const { return m->start ? m->function_display_name(*m->start) : ""; }
  // The data segment: one active segment at global.get env.__memory_base, within memory_size.
  void check_data_segment() const {
    REQUIRE(m->datas.size() == 1);
    const DataSegment& s = m->datas[0];
    CHECK(s.mode == DataSegment::Mode::Active);
    REQUIRE(s.offset.kind == ConstExpr::Kind::GlobalGet);
    CHECK(global_import_name(s.offset.index) == "env.__memory_base");
    CHECK(s.size <= d.memory_size);
  }
};

Fixture load(const std::string& file) {
  std::string path = std::string(WI_DYLINK_FIXTURES) + "/" + file;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << path);
  auto m = decode_module(std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {}), nullptr, DecodeOptions{file});
  REQUIRE_MESSAGE(m.ok(), format_error(file, m.error()));
  Fixture f;
  f.m = std::move(*m);
  REQUIRE(f.m->customs.size() > 0);
  CHECK(f.m->bytes[8] == 0);                  // the module's first section is a custom section:
  CHECK(f.m->customs[0].name == "dylink.0");  // dylink.0
  auto d = read_dylink0(*f.m);
  REQUIRE_MESSAGE(d.ok(), format_error(file, d.error()));
  f.d = std::move(*d);
  return f;
}

// What every module wasm-ld 14 links with --experimental-pic imports.
void check_common(const Fixture& f) {
  CHECK(f.imports("env", "__indirect_function_table", ExternKind::Table));
  CHECK(f.imports_global("env", "__memory_base", false));
  CHECK(f.imports_global("env", "__table_base", false));
  CHECK(f.d.memory_align <= 4);
  CHECK(f.d.table_align == 0);
  CHECK(f.d.export_info.empty());  // no TLS in the fixtures
  CHECK(f.d.runtime_path.empty());  // wasm-ld 14 has no -rpath
  f.check_data_segment();
}

void check_library(const Fixture& f) {
  check_common(f);
  CHECK(f.imports("env", "memory", ExternKind::Memory));
  CHECK(f.m->memories.size() == f.m->num_imported_memories);  // imports memory, defines none
  CHECK(f.exports("__wasm_call_ctors", ExternKind::Func));
  CHECK(f.start_name() == "__wasm_apply_data_relocs");
}

void check_main(const Fixture& f) {
  check_common(f);
  CHECK_FALSE(f.imports("env", "memory", ExternKind::Memory));  // -pie without --import-memory
  CHECK(f.m->num_imported_memories == 0);
  CHECK(f.m->memories.size() == 1);
  CHECK(f.exports("memory", ExternKind::Memory));
  CHECK(f.exports("_start", ExternKind::Func));
  CHECK_FALSE(f.exports("__wasm_call_ctors", ExternKind::Func));
  CHECK(f.imports_global("env", "__stack_pointer", true));
}

}  // namespace

TEST_CASE("dylink.0 fixtures: libdlfix.so and dlmain.wasm") {
  Fixture lib = load("libdlfix.so");
  check_library(lib);
  CHECK(lib.d.needed.empty());
  CHECK(lib.d.memory_size >= 72);  // the greeting, the constructor's message and 8 words
  CHECK(lib.d.memory_size < 4096);
  CHECK(lib.d.table_size == 1);     // dl_square: the only function it takes the address of locally
  CHECK(lib.imports_global("env", "__stack_pointer", true));
  CHECK(lib.imports("env", "main_callback", ExternKind::Func));
  CHECK(lib.imports("wasi_snapshot_preview1", "fd_write", ExternKind::Func));
  CHECK(lib.imports_global("GOT.mem", "main_value", true));     // the main's data
  CHECK(lib.imports_global("GOT.func", "main_callback", true));  // the main's function, by address
  CHECK(lib.imports_global("GOT.mem", "dl_counter", true));      // its own exported data, preemptible
  CHECK(lib.imports_global("GOT.func", "dl_twice", true));       // its own exported function, preemptible
  CHECK_FALSE(lib.imports_global("GOT.func", "dl_square", true));  // static: __table_base + slot
  // Weak: a definition is called through an import of its own name (and exported); an undefined
  // reference is listed in IMPORT_INFO under "env" even when the import is a GOT entry.
  CHECK(lib.imports("env", "dl_hook", ExternKind::Func));
  CHECK(lib.exports("dl_hook", ExternKind::Func));
  CHECK(lib.imports_global("GOT.func", "main_optional", true));
  CHECK(lib.imports_global("GOT.mem", "main_optional_data", true));
  CHECK_FALSE(lib.imports("env", "main_optional", ExternKind::Func));  // never called directly
  const uint32_t weak_undefined = kSymBindingWeak | kSymUndefined;
  CHECK(lib.d.import_info == std::map<std::pair<std::string, std::string>, uint32_t>{
                                 {{"env", "main_optional"}, weak_undefined},
                                 {{"env", "main_optional_data"}, weak_undefined}});
  CHECK(lib.d.weak_import("env", "main_optional"));
  for (const char* data : {"dl_counter", "dl_greeting", "dl_op", "dl_counter_ptr", "dl_main_value_ptr"})
    CHECK_MESSAGE(lib.exports(data, ExternKind::Global), data);  // data: i32 globals, relative to __memory_base
  for (const char* fn : {"dl_twice", "dl_apply", "dl_notify"}) CHECK_MESSAGE(lib.exports(fn, ExternKind::Func), fn);

  Fixture main = load("dlmain.wasm");
  check_main(main);
  CHECK(main.d.needed == std::vector<std::string>{"libdlfix.so"});
  CHECK(main.d.import_info.empty());
  CHECK(main.d.memory_size >= 12);
  CHECK(main.d.memory_size < 4096);
  CHECK(main.d.table_size == 1);  // triple, passed to the library
  CHECK(main.start_name() == "__wasm_start");
  CHECK(main.imports("env", "dl_twice", ExternKind::Func));
  CHECK(main.imports("env", "dl_apply", ExternKind::Func));
  CHECK(main.imports_global("GOT.mem", "dl_counter", true));
  CHECK(main.imports_global("GOT.mem", "dl_greeting", true));
  CHECK(main.imports_global("GOT.func", "dl_twice", true));
  CHECK(main.exports("main_callback", ExternKind::Func));  // --export-dynamic: what the library imports
  CHECK(main.exports("main_value", ExternKind::Global));
  CHECK(main.exports("dl_hook", ExternKind::Func));  // overrides the library's weak definition
}

TEST_CASE("dylink.0 fixtures: the NEEDED chain dlchain.wasm -> libdlmid.so -> libdlbase.so") {
  Fixture base = load("libdlbase.so");
  check_library(base);
  CHECK(base.d.needed.empty());
  CHECK(base.d.import_info.empty());
  CHECK(base.d.memory_size > 0);
  CHECK(base.d.table_size == 0);

  Fixture mid = load("libdlmid.so");
  check_library(mid);
  CHECK(mid.d.needed == std::vector<std::string>{"libdlbase.so"});
  CHECK(mid.d.import_info.empty());
  CHECK(mid.imports("env", "base_scale", ExternKind::Func));
  CHECK(mid.imports_global("GOT.mem", "base_value", true));
  CHECK(mid.imports_global("GOT.func", "base_scale", true));

  Fixture main = load("dlchain.wasm");
  check_main(main);
  CHECK(main.d.needed == std::vector<std::string>{"libdlmid.so"});  // not transitive
  CHECK(main.d.import_info.empty());
  CHECK(main.start_name() == "__wasm_apply_data_relocs");           // no __wasm_start: no internal GOT
  CHECK(main.imports("env", "mid_compute", ExternKind::Func));
  CHECK(main.imports_global("GOT.mem", "mid_base_value_ptr", true));
  CHECK_FALSE(main.imports("env", "base_scale", ExternKind::Func));
}

#endif  // WI_DYLINK_FIXTURES
