// The runtime linker: runs a program made of a main module and shared libraries in one Store, with one
// shared memory, one shared table and one shared `__stack_pointer`.
//
// A link runs as phases, each in its own file, like lld's Writer::run():
//   load      (load.cc)      read the main module, --preload and --lib files, and every `needed`
//                            library (searched beside the module that needs it, then --lib-path, then
//                            WI_LIBRARY_PATH as the host passes it); each file loads once. Where a
//                            name may lead is load.cc's policy: what a guest causes to be loaded is
//                            opened through its sandbox (HostImports::open_guest). A module is
//                            wi's `dyninfo` format (docs/dyninfo.md) or the standard `dylink.0`
//                            (docs/dylink0.md, dylink_module.cc); both mix freely in one program
//   resolve   (symbols.h)    one global scope in ELF order; the rules are stated in symbols.h
//   layout    (layout.cc)    each module's __memory_base / __table_base, the stack, __heap_base
//   relocate  (relocate.cc)  code sites patched, modules compiled, data words computed
//   bind      (bind.cc)      instantiate; env function imports are PLT slots, bound lazily or now
//   construct (linker.cc)    init functions (a dylink.0 module's __wasm_call_ctors), dependencies first
// then `run_entry` calls the program's entry (`_start`) and, when it returns, `__wasm_call_dtors`.
//
// Policy: the linker knows nothing of WASI or files other than modules; imports of other modules
// (`wasi_snapshot_preview1`, `thinthin`, ...) and runtime-provided env functions (`dlopen`) come from
// the host through HostImports. Errors are one line naming the module. Nothing is global: any number
// of Linkers (each with its own Store) may live in one process.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "decoder/file.h"
#include "decoder/result.h"
#include "interp/code.h"
#include "interp/store.h"
#include "linker/symbols.h"

namespace wi::link {

// Modules one program may load (main, libraries, dlopen'ed ones): a bound on what a chain of needed
// entries or a dlopen loop can make the host hold, far above real programs.
constexpr size_t kMaxModules = 4096;

struct LinkOptions {
  std::vector<std::string> preload;   // loaded first after the main module; interpose on libraries
  std::vector<std::string> libs;      // --lib files, in order, after the main module's own needed ones
  std::vector<std::string> lib_path;  // directories for `needed` and bare dlopen names
  bool bind_now = false;              // bind every PLT slot at load; unresolved symbols are errors
  uint32_t stack_size = 1u << 20;     // bytes of shadow stack below __heap_base
  CompileOptions compile;             // fuel metering
};

// What the host provides. `import` is asked for every function import whose module is not `env`, and
// for env functions no loaded module defines (runtime-provided symbols such as `dlopen`); it returns
// null when it has none.
struct HostImports {
  std::function<FuncInst*(std::string_view module, std::string_view name, const FuncType& type)> import;
  // Opens a guest path for reading through the guest's sandbox (the WASI preopens) and returns a host
  // descriptor the linker closes, or an error whose message may be shown to the guest (it names the
  // guest path, never a host one). Null: the program has no sandbox and no guest path opens.
  std::function<Result<int>(const std::string& guest_path)> open_guest;
};

// One line of `wi exec --print-bindings`.
struct BindingRecord {
  std::string module, symbol, kind, target;  // target: a module name, "<wi>", "<host>" or "unresolved"
};

// Whether the file carries `dyninfo` or `dylink.0` (reads section headers only; false if unreadable).
bool is_linkable_module(const std::string& path);

class Linker {
 public:
  Linker(Store& store, LinkOptions options, HostImports host);
  ~Linker();
  Linker(const Linker&) = delete;
  Linker& operator=(const Linker&) = delete;

  // All phases up to instantiation, for the main module at `path` and the libraries it needs.
  Result<void> link_program(const std::string& path);
  // Init functions of every module not yet constructed, dependencies first.
  Trap run_constructors();
  // The program's entry, then __wasm_call_dtors when the entry returns. Traps (including Exit) return.
  Trap run_entry();

  // Loads a library at run time (and what it needs): fresh memory by memory.grow, fresh table slots.
  // `name` without '/' is searched like `needed` (beside the main module, then lib_path); else it is
  // a guest path, opened through HostImports::open_guest. Returns the module's handle (1-based);
  // loading a loaded library returns its handle. Error messages are for the guest (dlerror): they
  // name no host path.
  struct DlopenOptions {
    bool global = true;     // RTLD_GLOBAL: its symbols join the global scope
    bool now = false;       // RTLD_NOW: bind its PLT slots now (also when LinkOptions::bind_now)
  };
  Result<uint32_t> dlopen(const std::string& name, const DlopenOptions& o);
  // Global-scope lookup (or within one handle's module and its dependencies): a data symbol's address
  // or a function's canonical table index. nullopt when undefined.
  std::optional<uint32_t> dlsym(const std::string& name, uint32_t handle = 0);
  // The function a symbol resolves to (for --invoke), or null.
  FuncInst* find_function(const std::string& name);
  // Handles stay valid; dlclose only drops a reference (modules are never unloaded: their code may be
  // on the stack and their function pointers in the table).
  bool dlclose(uint32_t handle);

  // Guest memory the host may write a message into for the guest (dlerror's string).
  static constexpr uint32_t kMessageBufferSize = 256;
  uint32_t message_buffer() const { return linker_words_ + 16; }

  Store& store() { return store_; }
  Memory* memory() const { return memory_; }
  Table* table() const { return table_; }
  // Where every symbol each module references resolves (or will, for lazy PLT slots).
  std::vector<BindingRecord> bindings();
  // Module names in load order.
  std::vector<std::string> module_names() const;
  // Each loaded module's instance (null until instantiated) and the file it was read from, in load
  // order: for debuggers, which show the file (a guest path when the guest opened it).
  struct LoadedFile {
    const Instance* instance = nullptr;
    std::string path;
    bool from_guest = false;
    // Its DWARF's data addresses were moved where its data landed (dyninfo custom_fixup): the file
    // no longer says what the instance's module bytes say, and a debugger should read those.
    bool relocated_debug = false;
  };
  std::vector<LoadedFile> loaded_files() const;

  struct Module;  // a loaded module (loaded_module.h)

 private:
  friend struct LinkSession;
  // A file to load: a host path, or a guest path that only opens through the guest's sandbox.
  struct Source {
    std::string path;
    bool guest = false;
  };
  Result<Module*> load_file(const Source& file, const std::string& name, bool is_main);
  Result<void> load_closure(size_t first);  // load `needed` of modules [first, end)
  // Who asks for a library decides how a name with '/' is read and what an error says.
  enum class Asker { Needed, CommandLine, Guest };
  Result<Source> search(const std::string& name, const Module* needed_by, Asker asker = Asker::Needed);
  bool source_exists(const Source& file);
  Result<void> check_module(const Module& m, const wi::Module& decoded);  // check.cc
  Result<void> link_new_modules(size_t first, bool now);
  Result<void> resolve(size_t first);
  Result<void> layout(size_t first);
  Result<void> place_table(Module& m);
  Result<uint32_t> append_slot(const std::string& key, Module* def, uint32_t func);
  Result<void> relocate(size_t first);
  Result<void> instantiate(size_t first);
  Result<void> bind_now(size_t first);
  Result<void> write_data_words(size_t first);
  const Symbol* lookup(const std::string& name, const Module* from);
  Result<uint32_t> canonical_index(const std::string& name, const Module* from);
  std::optional<uint32_t> data_address(const std::string& name, const Module* from = nullptr);
  FuncInst* resolve_function(const std::string& name, const FuncType& type, const Module* from);
  FuncInst* plt_stub(Module& m, uint32_t import_index, const std::string& symbol, const FuncType& type);
  FuncInst* linker_function(const std::string& name, const FuncType& type);
  Result<TagInst*> program_tag(const Module& m, const Import& im);  // bind.cc
  const Module* tag_definer(const std::string& name) const;
  Trap call_init(Module& m);
  std::vector<Module*> init_dependencies(Module& m);

  Store& store_;
  LinkOptions options_;
  HostImports host_;
  std::vector<std::unique_ptr<Module>> modules_;  // load order: main, preloads, libraries
  std::map<FileId, Module*> by_file_;             // each file (device, inode) loads once
  SymbolTable symbols_;
  Memory* memory_ = nullptr;
  Table* table_ = nullptr;
  GlobalInst* stack_pointer_ = nullptr;
  uint32_t data_top_ = 0;         // first free byte after laid-out data
  uint32_t table_top_ = 1;        // first free table slot (slot 0 stays null)
  uint32_t heap_base_ = 0;
  uint32_t linker_words_ = 0;     // address of the linker's own data words (__dso_handle, guard)
  std::map<std::string, uint32_t> appended_slots_;  // canonical slots for functions without one
  struct PendingSlot {
    uint32_t slot;
    Module* module;
    uint32_t func;
  };
  std::vector<PendingSlot> pending_slots_;  // appended slots whose module is not instantiated yet
  std::map<std::string, FuncInst*> linker_funcs_;
  std::map<std::string, TagInst*> tags_;  // program-wide tags by name (symbols.h rule 8)
  bool constructing_ = false;
  bool linked_ = false;  // the initial link is done: what fails now is reported to the guest
  std::vector<std::string> batch_names_, batch_slots_;  // what a dlopen added, to undo if it fails
};

}  // namespace wi::link
