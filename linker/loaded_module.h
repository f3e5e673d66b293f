// Linker::Module: one module as the linker's phases see it, from its file to its instance. Shared by
// the phase files only (linker/*.cc); embedders use linker.h.
// A module is in one of two formats: wi's own `dyninfo` (docs/dyninfo.md) or the standard `dylink.0`
// (docs/dylink0.md). Load gives a dylink.0 module a dyninfo *view* in `info` (its layout needs,
// `needed`, definitions and entry; no relocation entries, since its own code applies its relocations
// through the GOT), so the phases share one model and branch on `format` only where the formats differ.
#pragma once
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>
#include "interp/code.h"
#include "interp/store.h"
#include "linker/dylink0.h"
#include "linker/dyninfo.h"
#include "linker/linker.h"
#include "linker/symbols.h"

namespace wi::link {

struct Linker::Module {
  std::string name;  // file name without directories: how messages and backtraces name it
  std::string path;  // as opened: a host path, or a guest path when from_guest
  std::string dir;   // directory of `path` (same namespace), where its `needed` are searched first
  bool from_guest = false;  // opened by guest path (dlopen, or a guest module's needed/runpath)
  bool is_main = false;
  bool global = true;        // its definitions are in the global scope (RTLD_GLOBAL)
  bool late = false;         // loaded by dlopen after the initial link
  std::vector<uint8_t> bytes;  // Dylink0: the file as rewritten by load, for relocate to compile
  // DynInfo: the file decoded by load (bodies left for the translator), its bytes patched in place by
  // relocate and then handed to compile_decoded: one decode per module.
  std::unique_ptr<wi::Module> decoded;
  enum class Format : uint8_t { DynInfo, Dylink0 } format = Format::DynInfo;
  DynInfo info;        // the dyninfo section, or the view of a dylink.0 module (dylink_module.cc)
  DylinkInfo dylink;   // Dylink0: the dylink.0 section as read
  std::vector<std::string> runpath;  // Dylink0: RUNTIME_PATH, $ORIGIN expanded; searched before `dir`
                                     // (guest paths when from_guest)
  std::unordered_set<std::string> weak_names;  // info.weak, for lookups
  std::vector<Module*> needed;  // resolved `needed` entries and --lib files (for init order)
  SymbolTable local;            // a module outside the global scope (RTLD_LOCAL): its own definitions

  // layout
  uint32_t memory_base = 0, table_base = 0;
  // relocate
  std::shared_ptr<CompiledModule> compiled;
  bool customs_relocated = false;  // custom_fixup moved a word: the bytes' DWARF differs from the file's
  std::vector<uint32_t> slot_of_func;  // function index -> element-segment slot, or UINT32_MAX
  // bind
  Instance* instance = nullptr;
  GlobalInst *g_memory_base = nullptr, *g_table_base = nullptr;
  bool constructed = false;
  uint32_t refcount = 0;  // dlopen references

  // docs/dyninfo.md: A(a) and T(f).
  uint32_t A(uint32_t link_addr) const { return memory_base + (link_addr - info.data); }
  bool has_slot(uint32_t func) const { return func < slot_of_func.size() && slot_of_func[func] != UINT32_MAX; }
  uint32_t T(uint32_t func) const { return table_base + slot_of_func[func]; }
  bool is_weak(const std::string& symbol) const;
  uint32_t table_align() const { return format == Format::Dylink0 ? 1u << dylink.table_align : 1; }
};

}  // namespace wi::link
