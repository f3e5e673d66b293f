// The global symbol scope of a linked program, and the one place its resolution rules live.
//
// Rules (ELF's, as a static link with wasm-ld would decide them):
//  1. Scope order is load order: the main module, then --preload modules, then --lib files, then
//     the `needed` libraries of all of these, breadth first, then modules loaded by dlopen; each
//     file once (a bare `needed` name matches a module already loaded under that file name).
//  2. Among the modules loaded together, the first strong definition of a name wins; when there is
//     none, the first weak one. So the main program interposes on libraries, a preload interposes on
//     the libraries after it, and a weak definition yields to a strong one anywhere — also inside the
//     module that defines it (wasmify routes calls to a module's own weak functions through an env
//     import, so libc's weak `__main_argc_argv` shim binds to the program's strong one).
//  3. A module loaded later (dlopen) never changes an existing winner: references already bound must
//     keep meaning what they meant. Its new names join the scope if loaded RTLD_GLOBAL; a module
//     loaded RTLD_LOCAL keeps them in its own table (Module::local), where its own references look
//     after the global scope (then in those of the modules it needs), as in ELF's local scope; the
//     libraries first loaded with it are RTLD_LOCAL too. dylink.0 modules
//     reach even their own symbols through the GOT, so they need this.
//  4. Names no module defines fall back to the linker's own symbols (`__heap_base`, `__data_end`,
//     `__dso_handle`, `__stack_chk_guard`, `__stack_chk_fail`, `__wasm_call_ctors`) and then to the
//     host's env functions (`dlopen`, ...).
//  5. An unresolved weak reference is 0: a null data address, a null function pointer, or (called
//     directly) a PLT slot that traps. An unresolved strong reference is a link error for data and
//     function pointers; a direct call to it traps when made (lazy) or fails the link (--bind-now).
//  6. A function's address is one canonical table slot: the winner's own element-segment slot when it
//     has one, else a slot the linker appends once. `&f` compares equal in every module.
//  7. A dylink.0 module's definitions are its exports (dylink_module.cc), less the symbols every such
//     module defines for itself (`__wasm_call_ctors`, `__wasm_apply_data_relocs`, `__memory_base`...),
//     which never enter the scope: `__wasm_call_ctors` stays the linker's (rule 4).
//  8. Exception tags (Wasm 3.0) are program-wide by name, since a throw in one module must be caught by
//     the code of another: every `env` tag import of a name is one tag, which the linker creates at
//     the first such import, typed as it says; every other import of the name must have that type.
//     A dyninfo module defines a tag by importing it and listing it in `deftag` (wasmify does both),
//     so libc's `__c_longjmp` and the C++ runtime's `__cpp_exception` are shared by main and every
//     library. A name that no module of the program lists in `deftag` is unresolved, a link error.
//     A dylink.0 module's own tag definitions stay private to it (its imports share as above).
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>

namespace wi::link {

struct Symbol {
  enum class Kind : uint8_t { Func, Data } kind = Kind::Func;
  bool weak = false;
  void* module = nullptr;  // the defining Linker::Module
  uint32_t value = 0;      // Func: function index in its module; Data: run-time address
  uint32_t size = 0;       // Data: bytes
};

class SymbolTable {
 public:
  // Offers a definition made by a module of the current load batch (rules 1-2). Returns true when it
  // becomes the winner.
  bool define(const std::string& name, const Symbol& s);
  // Offers a definition from a module loaded after the batch (rule 3): only fills names not defined.
  bool define_late(const std::string& name, const Symbol& s);
  const Symbol* find(const std::string& name) const {
    auto it = map_.find(name);
    return it == map_.end() ? nullptr : &it->second;
  }
  size_t size() const { return map_.size(); }
  void erase(const std::string& name) { map_.erase(name); }

 private:
  std::unordered_map<std::string, Symbol> map_;
};

}  // namespace wi::link
