// wasmify and dyninfo: objects compiled from tests/linker/fixtures/*.c (by the build, see the command at
// the top of each fixture) turned into modules that must validate, with the dyninfo entries each
// relocation should produce; plus the dyninfo JSON reader and the errors for what is not supported.
// WI_LINKER_FIXTURES is the build directory holding the fixture objects (<name>.o).
#include <doctest/doctest.h>
#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include "decoder/decoder.h"
#include "decoder/reader.h"
#include "linker/dyninfo.h"
#include "linker/module_writer.h"
#include "linker/object_reader.h"
#include "linker/wasmify.h"

#ifndef WI_LINKER_FIXTURES
#error "WI_LINKER_FIXTURES: the directory of the compiled fixtures, defined by tests/meson.build"
#endif

using namespace wi;
using namespace wi::link;

namespace {

std::vector<uint8_t> fixture(const std::string& name) {
  std::string path = std::string(WI_LINKER_FIXTURES) + "/" + name + ".o";
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << path);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// A wasmified fixture, decoded again the way the runtime will.
struct Built {
  WasmifyOutput out;
  std::unique_ptr<Module> m;

  std::optional<uint32_t> func(const std::string& name) const {
    for (auto& [i, n] : m->func_names)
      if (n == name) return i;
    return std::nullopt;
  }
  const DynInfo::Def* def(const std::string& name) const {
    for (auto& d : out.info.def)
      if (d.name == name) return &d;
    return nullptr;
  }
  const uint8_t* at(size_t file_offset) const { return m->bytes.data() + file_offset; }
  // The initialized data image (the single data segment), zero-extended to data_end.
  std::vector<uint8_t> image() const {
    std::vector<uint8_t> img(out.info.data_end, 0);
    if (!m->datas.empty()) std::copy_n(at(m->datas[0].file_offset), m->datas[0].size, img.begin());
    return img;
  }
  uint32_t word(uint32_t addr) const {
    auto img = image();
    return uint32_t(img[addr]) | uint32_t(img[addr + 1]) << 8 | uint32_t(img[addr + 2]) << 16 |
           uint32_t(img[addr + 3]) << 24;
  }
};

Built build(const std::string& name, WasmifyOptions opts = {}) {
  opts.file_name = name + ".o";
  auto r = wasmify(fixture(name), opts);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : format_error(name, r.error())));
  Built b;
  b.out = std::move(*r);
  auto m = decode_module(b.out.bytes, nullptr);
  REQUIRE_MESSAGE(m.ok(), (m.ok() ? "" : format_error(name + ".wasm", m.error())));
  b.m = std::move(*m);
  auto info = read_dyninfo(*b.m);
  REQUIRE(info.ok());
  CHECK(*info == b.out.info);  // the section round-trips
  return b;
}

const Import* find_import(const Module& m, const std::string& module, const std::string& name) {
  for (auto& i : m.imports)
    if (i.module == module && i.name == name) return &i;
  return nullptr;
}

template <class V, class P>
size_t count_if(const V& v, P p) {
  return size_t(std::count_if(v.begin(), v.end(), p));
}

bool is_load_store(uint8_t op) { return op >= 0x28 && op <= 0x3e; }

}  // namespace

TEST_CASE("padded LEB128 sites read back through the decoder's Reader") {
  for (int32_t v : {0, 1, -1, 63, 64, -64, -65, 1 << 20, std::numeric_limits<int32_t>::max(),
                    std::numeric_limits<int32_t>::min()}) {
    uint8_t b[5];
    write_padded_s32(b, v);
    CHECK(is_padded_leb5(b));
    Reader r(b);
    auto x = r.s32();
    REQUIRE(x.ok());
    CHECK(*x == v);
    CHECK(read_padded_s32(b) == v);
  }
  for (uint32_t v : {0u, 127u, 128u, 0x80000000u, 0xffffffffu}) {
    uint8_t b[5];
    write_padded_u32(b, v);
    Reader r(b);
    auto x = r.u32();
    REQUIRE(x.ok());
    CHECK(*x == v);
    CHECK(read_padded_u32(b) == v);
  }
}

TEST_CASE("relocs.c: imports, layout and the module's shape") {
  WasmifyOptions o;
  o.shared = true;
  Built b = build("relocs", o);
  const Module& m = *b.m;
  const DynInfo& d = b.out.info;
  CHECK(d.version == kDynInfoVersion);
  CHECK(d.shared);
  CHECK_FALSE(d.entry);

  auto* mem = find_import(m, "env", "memory");
  REQUIRE(mem);
  CHECK(mem->kind == ExternKind::Memory);
  auto* table = find_import(m, "env", "__indirect_function_table");
  REQUIRE(table);
  CHECK(table->kind == ExternKind::Table);
  REQUIRE(find_import(m, "env", "__memory_base"));
  REQUIRE(find_import(m, "env", "__table_base"));
  CHECK(find_import(m, "env", "ext_func"));
  CHECK(find_import(m, "env", "maybe_func"));
  CHECK(m.memories.size() == 1);
  CHECK(m.num_imported_memories == 1);
  CHECK(m.num_imported_tables == 1);

  // One data segment at __memory_base, one element segment at __table_base.
  REQUIRE(m.datas.size() == 1);
  CHECK(m.datas[0].offset.kind == ConstExpr::Kind::GlobalGet);
  REQUIRE(m.elems.size() == 1);
  CHECK(m.elems[0].offset.kind == ConstExpr::Kind::GlobalGet);
  CHECK(m.datas[0].offset.index != m.elems[0].offset.index);

  // Layout: alignment honoured, bss last and not written.
  CHECK(d.data == 0);
  CHECK(d.data_align == 64);
  REQUIRE(b.def("aligned_buf"));
  CHECK(b.def("aligned_buf")->addr % 64 == 0);
  REQUIRE(b.def("zeros"));
  CHECK(b.def("zeros")->size == 400);
  CHECK(b.def("zeros")->addr + 400 == d.data_end);
  CHECK(m.datas[0].size < d.data_end);
  CHECK(b.word(b.def("counter")->addr) == 7);

  // Local symbols are not dynamic; everything global is, hidden or not.
  CHECK_FALSE(b.def("local_table"));
  CHECK(count_if(d.defun, [](auto& e) { return e.name == "local_fn"; }) == 0);
  CHECK(count_if(d.defun, [](auto& e) { return e.name == "load_ext"; }) == 1);
  CHECK(count_if(m.exports, [](auto& e) { return e.name == "load_ext"; }) == 1);

  CHECK(d.weak == std::vector<std::string>{"overridable", "maybe_func", "maybe_data"});
  REQUIRE(d.init.size() == 2);
  CHECK(d.init[0].priority == 101);
  CHECK(d.init[0].func == *b.func("init_early"));
  CHECK(d.init[1].priority == 200);
  CHECK(d.init[1].func == *b.func("init_late"));
}

TEST_CASE("relocs.c: data relocations") {
  WasmifyOptions o;
  o.shared = true;
  Built b = build("relocs", o);
  const DynInfo& d = b.out.info;
  uint32_t p_ext = b.def("p_ext")->addr, p_ext_plus = b.def("p_ext_plus")->addr;
  uint32_t p_local = b.def("p_local")->addr, fp_ext = b.def("fp_ext")->addr, fp_local = b.def("fp_local")->addr;

  CHECK(d.ref == std::vector<DynInfo::Ref>{{"ext_data", p_ext, 0}, {"ext_array", p_ext_plus, 12}});
  CHECK(d.refun == std::vector<DynInfo::RefFun>{{"ext_func", fp_ext}});
  REQUIRE(d.fixup.size() == 1);
  CHECK(d.fixup[0].where == p_local);
  CHECK(b.word(p_local) == d.fixup[0].target);  // the link-time value is in place
  REQUIRE(d.fixupfun.size() == 1);
  CHECK(d.fixupfun[0].where == fp_local);
  CHECK(d.fixupfun[0].func == *b.func("local_fn"));
  // The element segment gives local_fn its slot; the word holds that slot at link time.
  auto& inits = b.m->elems[0].inits;
  CHECK(inits.size() == d.table_size);
  CHECK(inits[b.word(fp_local)].index == *b.func("local_fn"));
}

TEST_CASE("relocs.c: code relocation sites are padded LEBs in valid instructions") {
  WasmifyOptions o;
  o.shared = true;
  Built b = build("relocs", o);
  const DynInfo& d = b.out.info;
  auto check_site = [&](uint32_t where, SiteKind kind) {
    const uint8_t* p = b.at(where);
    CHECK(is_padded_leb5(p));
    if (kind == SiteKind::MemLeb) CHECK(is_load_store(p[-2]));  // opcode, alignment, offset
    else CHECK(p[-1] == 0x41);                                   // i32.const
  };
  for (auto& s : d.code_fixup) check_site(s.where, s.kind);
  for (auto& s : d.code_ref) check_site(s.where, s.kind);

  auto has_ref = [&](SiteKind k, const char* name) {
    return count_if(d.code_ref, [&](auto& e) { return e.kind == k && e.name == name; });
  };
  CHECK(has_ref(SiteKind::MemLeb, "ext_data") == 1);
  CHECK(has_ref(SiteKind::MemSleb, "ext_data") == 1);
  CHECK(has_ref(SiteKind::MemSleb, "ext_array") == 1);
  CHECK(has_ref(SiteKind::TableSleb, "ext_func") == 1);
  CHECK(has_ref(SiteKind::TableSleb, "maybe_func") == 1);
  CHECK(has_ref(SiteKind::MemSleb, "maybe_data") == 1);

  uint32_t counter = b.def("counter")->addr, zeros = b.def("zeros")->addr;
  uint32_t local_fn = *b.func("local_fn");
  CHECK(count_if(d.code_fixup, [&](auto& e) { return e.kind == SiteKind::MemLeb && e.target == counter; }) == 5);
  auto z = std::find_if(d.code_fixup.begin(), d.code_fixup.end(),
                        [&](auto& e) { return e.kind == SiteKind::MemSleb; });
  REQUIRE(z != d.code_fixup.end());
  CHECK(z->target == zeros + 20);                          // addend folded into the target
  CHECK(read_padded_s32(b.at(z->where)) == int32_t(zeros + 20));
  auto t = std::find_if(d.code_fixup.begin(), d.code_fixup.end(),
                        [&](auto& e) { return e.kind == SiteKind::TableSleb; });
  REQUIRE(t != d.code_fixup.end());
  CHECK(t->target == local_fn);
  CHECK(b.m->elems[0].inits[read_padded_s32(b.at(t->where))].index == local_fn);
}

TEST_CASE("relocs.c: calls to a weak definition go through an import of its name") {
  WasmifyOptions o;
  o.shared = true;
  Built b = build("relocs", o);
  const Module& m = *b.m;
  auto* imp = find_import(m, "env", "overridable");
  REQUIRE(imp);
  uint32_t import_index = 0;
  for (auto& i : m.imports) {
    if (&i == imp) break;
    if (i.kind == ExternKind::Func) ++import_index;
  }
  uint32_t def_index = 0;
  for (auto& e : b.out.info.defun)
    if (e.name == "overridable") def_index = e.func;
  CHECK(def_index >= m.num_imported_funcs);  // the definition stays, exported
  // call_overridable's body: local.get 0; call <import_index> (padded)
  auto& body = m.codes[*b.func("call_overridable") - m.num_imported_funcs];
  const uint8_t* p = b.at(body.code_start);
  REQUIRE(p[2] == 0x10);
  CHECK(read_padded_u32(p + 3) == import_index);
  CHECK(b.out.stats.redirected_calls == 1);
}

TEST_CASE("hello.c: a program") {
  Built b = build("hello");
  const DynInfo& d = b.out.info;
  CHECK_FALSE(d.shared);
  REQUIRE(d.entry);
  CHECK(*d.entry == "_start");
  CHECK(find_import(*b.m, "env", "puts"));  // printf("...\n") becomes puts
  CHECK(count_if(d.defun, [](auto& e) { return e.name == "main"; }) == 1);
  REQUIRE(d.code_fixup.size() == 1);
  CHECK(d.code_fixup[0].kind == SiteKind::MemSleb);
  CHECK(d.code_fixup[0].target == 0);  // the string is the only data
  CHECK(d.data_end == 13);
  CHECK(std::string(reinterpret_cast<const char*>(b.at(b.m->datas[0].file_offset)), 12) == "hello, world");
}

TEST_CASE("lib.c: --export limits the dynamic symbols") {
  WasmifyOptions o;
  o.shared = true;
  o.exports = {"lib_api"};
  o.needed = {"libc.wasm"};
  Built b = build("lib", o);
  const DynInfo& d = b.out.info;
  CHECK(d.needed == std::vector<std::string>{"libc.wasm"});
  REQUIRE(d.defun.size() == 1);
  CHECK(d.defun[0].name == "lib_api");
  REQUIRE(b.m->exports.size() == 1);
  CHECK(b.m->exports[0].name == "lib_api");
  CHECK(d.def.empty());
  CHECK_FALSE(d.code_fixup.empty());  // `calls` is local data

  o.exports = {"no_such_symbol"};
  auto r = wasmify(fixture("lib"), o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("no_such_symbol") != std::string::npos);
}

TEST_CASE("errors: not an object, unsupported and unknown relocation types") {
  WasmifyOptions o;
  o.shared = true;
  Built b = build("relocs", o);
  auto again = wasmify(b.out.bytes, o);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message.find("linking") != std::string::npos);

  // Rewrite the type of the first code relocation (a one-byte LEB) and expect an error naming it.
  std::vector<uint8_t> obj = fixture("relocs");
  auto parsed = read_object(obj, "relocs.o");
  REQUIRE(parsed.ok());
  const RelocSection* code = nullptr;
  for (auto& rs : parsed->relocs)
    if (rs.name == "reloc.CODE") code = &rs;
  REQUIRE(code);
  const Reloc& first = code->relocs.at(0);
  REQUIRE(first.type == R_WASM_FUNCTION_INDEX_LEB);  // no addend: the entry keeps its length
  auto with_type = [&](uint8_t type) {
    std::vector<uint8_t> bad = obj;
    bad[first.file_offset] = type;
    return wasmify(std::move(bad), o);
  };
  auto tag = with_type(R_WASM_TAG_INDEX_LEB);
  REQUIRE_FALSE(tag.ok());
  CHECK(tag.error().message.find("R_WASM_TAG_INDEX_LEB") != std::string::npos);
  CHECK(tag.error().message.find("offset 0x16") != std::string::npos);  // relative to the code section
  CHECK(tag.error().message.find("reloc.CODE") != std::string::npos);
  CHECK(tag.error().offset == first.file_offset);

  auto table_number = with_type(R_WASM_TABLE_INDEX_REL_SLEB64);
  REQUIRE_FALSE(table_number.ok());
  CHECK(table_number.error().message.find("R_WASM_TABLE_INDEX_REL_SLEB64") != std::string::npos);

  auto unknown = with_type(99);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("unknown relocation type 99") != std::string::npos);
}

TEST_CASE("dyninfo JSON: round trip and strict shapes") {
  DynInfo d;
  d.shared = true;
  d.needed = {"libc.wasm"};
  d.data_end = 100;
  d.data_align = 16;
  d.table_size = 2;
  d.def = {{"x", 4, 4}};
  d.defun = {{"f", 3}};
  d.ref = {{"y", 8, -4}};
  d.refun = {{"g", 12}};
  d.fixup = {{16, 4}};
  d.fixupfun = {{20, 3}};
  d.code_fixup = {{300, SiteKind::MemLeb, 4}};
  d.code_ref = {{310, SiteKind::TableSleb, "g", 0}};
  d.init = {{100, 3}};
  d.weak = {"g"};
  d.custom_fixup = {{400, 8}};
  for (bool pretty : {false, true}) {
    auto r = parse_dyninfo(to_json(d, pretty));
    REQUIRE(r.ok());
    CHECK(*r == d);
  }
  auto future = parse_dyninfo(R"({"version":1,"something_new":[1,2]})");
  CHECK(future.ok());  // unknown members are ignored

  auto v2 = parse_dyninfo(R"({"version":2})");
  REQUIRE_FALSE(v2.ok());
  CHECK(v2.error().message.find("version 2") != std::string::npos);
  auto shape = parse_dyninfo(R"({"version":1,"ref":[["a",1,0],["b",2]]})");
  REQUIRE_FALSE(shape.ok());
  CHECK(shape.error().message.find("'ref'[1]") != std::string::npos);
  auto kind = parse_dyninfo(R"({"version":1,"code_fixup":[[1,"mem",2]]})");
  REQUIRE_FALSE(kind.ok());
  CHECK(kind.error().message.find("mem") != std::string::npos);
  auto range = parse_dyninfo(R"({"version":1,"fixup":[[-1,2]]})");
  CHECK_FALSE(range.ok());
  CHECK_FALSE(parse_dyninfo("{").ok());
}

TEST_CASE("load_lib.c -g: the data addresses in kept DWARF are listed in custom_fixup") {
  WasmifyOptions o;
  o.shared = true;
  o.keep_debug = true;
  Built b = build("load_lib_g", o);
  const DynInfo::Def* counter = b.def("lib_counter");
  REQUIRE(counter);
  REQUIRE_FALSE(b.out.info.custom_fixup.empty());
  bool names_counter = false;
  for (auto& f : b.out.info.custom_fixup) {
    // Each site is a word of a .debug_* section holding the link address, which the loader moves.
    const CustomSection* in = nullptr;
    for (auto& c : b.m->customs)
      if (f.where >= c.offset && f.where + 4 <= c.offset + c.payload.size()) in = &c;
    REQUIRE(in);
    CHECK(in->name.starts_with(".debug_"));
    const uint8_t* p = b.at(f.where);
    CHECK((uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24) == f.target);
    CHECK(f.target < b.out.info.data_end);
    names_counter |= f.target == counter->addr;
  }
  CHECK(names_counter);
  // Without --keep-debug nothing of the DWARF stays, and nothing is listed.
  o.keep_debug = false;
  CHECK(build("load_lib_g", o).out.info.custom_fixup.empty());
}
