// Loading a `dylink.0` module (tool-conventions DynamicLinking.md; what wasm-ld 14 writes around it:
// tests/linker/dylink/README.md) into the linker's model: its dyninfo view and its bytes.
//
// The view (Module::info):
//   data_end/data_align/table_size  MEM_INFO's memory_size, 2^memory_align, table_size (data = 0, so
//                                   A(offset) = __memory_base + offset)
//   needed                          NEEDED (file names, searched like dyninfo `needed`, after RUNTIME_PATH)
//   defun                           exported functions the module defines, under their export names
//   def                             exported immutable i32 globals with an i32.const init: data symbols,
//                                   the value being the offset from the module's __memory_base
//   weak                            IMPORT_INFO entries with WASM_SYMBOL_BINDING_WEAK (looked up by field
//                                   name whatever their module: wasm-ld writes `env` for GOT imports too),
//                                   and weak definitions as far as they can be told: EXPORT_INFO's weak
//                                   flag, or a function the module both exports and imports from `env`
//                                   (wasm-ld calls a weak definition through an import of its own name;
//                                   strong ones are called directly). Other exports count as strong.
//   shared                          false when the module defines its own memory (a -pie main)
//   entry                           "_start", resolved in the global scope like a dyninfo entry
// Relocation lists stay empty: the module's start function (__wasm_apply_data_relocs/__wasm_start)
// applies its data relocations at instantiation from its GOT imports, and its code reads addresses
// from globals, so nothing is patched.
//
// Memory ownership: one shared memory, the linker's (layout.cc). A main that defines and exports its
// own memory is rewritten here to import `env.memory` instead, as if linked with --import-memory, so
// its data segment and start function write into the shared memory from the start. (Instantiating
// the main first and adopting its memory does not work in general: its data segment lands at
// __memory_base during instantiation, before the memory could be grown to hold it.) The main's
// declared limits are dropped; the linker's memory has no maximum, like the dyninfo modules'.
#include "linker/dylink_module.h"
#include <set>
#include "decoder/decoder.h"
#include "decoder/reader.h"
#include "fmt/format.h"
#include "linker/module_writer.h"

namespace wi::link {
namespace {

Error module_error(const Linker::Module& m, const std::string& what) {
  return make_error(SIZE_MAX, fmt::format("{}: {}", m.name, what));
}

// RUNTIME_PATH entries with $ORIGIN (or ${ORIGIN}) replaced by the directory of the module.
std::vector<std::string> expand_runpath(const std::vector<std::string>& paths, const std::string& dir) {
  std::vector<std::string> out;
  const std::string origin = dir.empty() ? "." : dir;
  for (std::string p : paths) {
    for (const char* var : {"${ORIGIN}", "$ORIGIN"}) {
      const std::string v = var;
      for (size_t at = p.find(v); at != std::string::npos; at = p.find(v, at + origin.size()))
        p.replace(at, v.size(), origin);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

bool is_module_private_symbol(const std::string& name) {
  static const std::set<std::string> names = {
      "__wasm_call_ctors", "__wasm_apply_data_relocs", "__wasm_apply_global_relocs", "__wasm_apply_tls_relocs",
      "__wasm_start",      "__wasm_init_memory",       "__wasm_init_tls",            "__memory_base",
      "__table_base",      "__stack_pointer",          "__heap_base",                "__heap_end",
      "__data_end",        "__dso_handle",             "__global_base",              "__stack_low",
      "__stack_high",      "__tls_base",               "__tls_size",                 "__tls_align"};
  return names.count(name) > 0;
}

Result<void> load_dylink0(Linker::Module& m, const wi::Module& dm) {
  auto section = read_dylink0(dm);
  if (!section) return make_error(SIZE_MAX, format_error(m.name, section.error()));
  m.format = Linker::Module::Format::Dylink0;
  m.dylink = std::move(*section);
  const DylinkInfo& d = m.dylink;
  if (d.table_align > 16)  // 2^16 slots: far beyond any real module; keeps the table layout in range
    return module_error(m, fmt::format("dylink.0 MEM_INFO: table alignment 2^{} is too large", d.table_align));
  m.runpath = expand_runpath(d.runtime_path, m.dir);

  DynInfo& v = m.info;
  v = DynInfo{};
  v.data = 0;
  v.data_end = d.memory_size;
  v.data_align = 1u << d.memory_align;
  v.table_size = d.table_size;
  v.needed = d.needed;
  v.entry = "_start";
  const bool own_memory = dm.memories.size() > dm.num_imported_memories;
  const bool own_table = dm.tables.size() > dm.num_imported_tables && dm.num_imported_tables == 0;
  v.shared = !own_memory;

  std::set<std::string> env_funcs;  // functions imported from env: calls the loader binds by name
  for (const Import& im : dm.imports)
    if (im.module == "env" && im.kind == ExternKind::Func) env_funcs.insert(im.name);
  for (const Export& e : dm.exports) {
    if (is_module_private_symbol(e.name)) continue;
    uint32_t flags = 0;
    if (auto it = d.export_info.find(e.name); it != d.export_info.end()) flags = it->second;
    if (flags & kSymTls) continue;  // relative to __tls_base: not supported, so not offered
    if (e.kind == ExternKind::Func && e.index >= dm.num_imported_funcs) {
      v.defun.push_back({e.name, e.index});
      if ((flags & kSymBindingWeak) || env_funcs.count(e.name)) v.weak.push_back(e.name);
    } else if (e.kind == ExternKind::Global && e.index >= dm.num_imported_globals) {
      const Global& g = dm.globals[e.index - dm.num_imported_globals];
      if (g.type.type != ValType::I32 || g.type.mut || g.init.kind != ConstExpr::Kind::Value) continue;
      v.def.push_back({e.name, uint32_t(g.init.bits[0]), 0});
      if (flags & kSymBindingWeak) v.weak.push_back(e.name);
    }
  }
  for (auto& [key, flags] : d.import_info)
    if (flags & kSymBindingWeak) v.weak.push_back(key.second);
  m.weak_names.insert(v.weak.begin(), v.weak.end());

  if (own_memory || own_table) {
    if (own_memory && (dm.num_imported_memories || dm.memories.size() != 1))
      return module_error(m, "defines more than one memory; the linker provides the one shared memory");
    if (own_table && dm.tables.size() != 1)
      return module_error(m, "defines more than one table; the linker provides the one shared table");
    auto rewritten = import_shared_memory(m.bytes, own_memory, own_table);
    if (!rewritten) return make_error(SIZE_MAX, format_error(m.name, rewritten.error()));
    m.bytes = std::move(*rewritten);
  }
  return {};
}

Result<std::vector<uint8_t>> import_shared_memory(const std::vector<uint8_t>& bytes, bool memory, bool table) {
  std::vector<Import> added;
  if (table) {
    Import t;
    t.module = "env";
    t.name = "__indirect_function_table";
    t.kind = ExternKind::Table;
    t.table = TableType{ValType::FuncRef, Limits{0, std::nullopt}};
    added.push_back(t);
  }
  if (memory) {
    Import mem;
    mem.module = "env";
    mem.name = "memory";
    mem.kind = ExternKind::Memory;
    mem.memory = MemoryType{Limits{0, std::nullopt}};
    added.push_back(mem);
  }
  ModuleWriter out;
  bool imports_written = false;
  // The import section: the old entries, then the added ones (the count grows).
  auto write_imports = [&](std::span<const uint8_t> old) -> Result<void> {
    ByteWriter p;
    uint32_t count = 0;
    Reader r(old);
    if (!old.empty()) {
      WI_TRY_ASSIGN(count, r.u32());
    }
    p.u32(count + uint32_t(added.size()));
    p.raw(old.subspan(r.pos()));
    for (auto& im : added) write_import(p, im);
    out.section(2, p.bytes);
    imports_written = true;
    return {};
  };
  Reader r(bytes);
  r.skip(8);
  while (!r.at_end()) {
    WI_TRY_ASSIGN(uint8_t id, r.u8());
    WI_TRY_ASSIGN(uint32_t size, r.u32());
    WI_TRY_ASSIGN(auto payload, r.bytes(size));
    // The import section comes after the type section and before every other known section.
    if (!imports_written && id != 0 && id != 1 && id != 2) WI_TRY(write_imports({}));
    if (id == 2) WI_TRY(write_imports(payload));
    else if ((id == 5 && memory) || (id == 4 && table)) continue;  // its one memory/table, now imported
    else out.section(id, payload);
  }
  if (!imports_written) WI_TRY(write_imports({}));
  return out.take();
}

}  // namespace wi::link
