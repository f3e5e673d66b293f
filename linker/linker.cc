// Linker: the phase driver (link_program, dlopen), symbol lookup shared by the phases, constructors
// and the entry. The phases themselves are in load.cc, layout.cc, relocate.cc and bind.cc; what is
// particular to dylink.0 modules is in dylink_module.cc.
#include "linker/linker.h"
#include <algorithm>
#include <filesystem>
#include <set>
#include "fmt/format.h"
#include "linker/loaded_module.h"

namespace wi::link {

Linker::Linker(Store& store, LinkOptions options, HostImports host)
    : store_(store), options_(std::move(options)), host_(std::move(host)) {}

Linker::~Linker() = default;

std::vector<std::string> Linker::module_names() const {
  std::vector<std::string> out;
  for (auto& m : modules_) out.push_back(m->name);
  return out;
}

std::vector<Linker::LoadedFile> Linker::loaded_files() const {
  std::vector<LoadedFile> out;
  for (auto& m : modules_) out.push_back({m->instance, m->path, m->from_guest, m->customs_relocated});
  return out;
}

Result<void> Linker::link_program(const std::string& path) {
  if (!modules_.empty()) return make_error(SIZE_MAX, "a program is already linked");
  WI_TRY_ASSIGN(Module* main, load_file(Source{path}, "", true));
  // --lib and --preload name host files; a bare name that is not a file here is searched like `needed`.
  auto find = [&](const std::string& p) -> Result<Source> {
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) return Source{p};
    return search(p, main, Asker::CommandLine);
  };
  for (auto& p : options_.preload) {
    WI_TRY_ASSIGN(Source found, find(p));
    WI_TRY_ASSIGN(Module* m, load_file(found, "", false));
    main->needed.push_back(m);
  }
  for (auto& p : options_.libs) {
    WI_TRY_ASSIGN(Source found, find(p));
    WI_TRY_ASSIGN(Module* m, load_file(found, "", false));
    if (m->is_main) return make_error(SIZE_MAX, fmt::format("--lib {}: is the main program", p));
    main->needed.push_back(m);
  }
  WI_TRY(load_closure(0));
  WI_TRY(link_new_modules(0, options_.bind_now));
  linked_ = true;
  return {};
}

// The phases after load, for modules [first, end): the initial program (first == 0) or what one
// dlopen brought in.
Result<void> Linker::link_new_modules(size_t first, bool now) {
  WI_TRY(resolve(first));
  WI_TRY(layout(first));
  WI_TRY(relocate(first));
  WI_TRY(instantiate(first));
  WI_TRY(write_data_words(first));
  if (now) WI_TRY(bind_now(first));
  return {};
}

// Phase 2. Data symbols keep their link address; A() turns it into an address once laid out.
// A dylink.0 module's def/defun are its exports (its dyninfo view, dylink_module.cc).
Result<void> Linker::resolve(size_t first) {
  for (size_t i = first; i < modules_.size(); ++i) {
    Module* m = modules_[i].get();
    auto offer = [&](const std::string& name, const Symbol& s) {
      if (!m->global) m->local.define(name, s);  // RTLD_LOCAL: its own scope only (symbols.h rule 3)
      else if (first == 0) symbols_.define(name, s);
      else if (symbols_.define_late(name, s)) batch_names_.push_back(name);
    };
    for (auto& d : m->info.def)
      offer(d.name, Symbol{Symbol::Kind::Data, m->is_weak(d.name), m, d.addr, d.size});
    for (auto& f : m->info.defun) offer(f.name, Symbol{Symbol::Kind::Func, m->is_weak(f.name), m, f.func, 0});
  }
  return {};
}

// The definition `from` sees: the global scope's, else one in the local table of `from` or of a module
// it needs, breadth first (symbols.h rule 3). Null when none.
const Symbol* Linker::lookup(const std::string& name, const Module* from) {
  if (const Symbol* s = symbols_.find(name)) return s;
  if (!from) return nullptr;
  std::vector<const Module*> queue{from};
  for (size_t q = 0; q < queue.size(); ++q) {
    if (const Symbol* s = queue[q]->local.find(name)) return s;
    for (const Module* d : queue[q]->needed)
      if (std::find(queue.begin(), queue.end(), d) == queue.end()) queue.push_back(d);
  }
  return nullptr;
}

std::optional<uint32_t> Linker::data_address(const std::string& name, const Module* from) {
  if (const Symbol* s = lookup(name, from); s && s->kind == Symbol::Kind::Data)
    return static_cast<Module*>(s->module)->A(s->value);
  // Rule 4: what a static link gets from wasm-ld or the C runtime.
  if (name == "__heap_base") return heap_base_;
  if (name == "__data_end") return data_top_;
  if (name == "__dso_handle") return linker_words_;
  if (name == "__stack_chk_guard") return linker_words_ + 4;
  return std::nullopt;
}

FuncInst* Linker::resolve_function(const std::string& name, const FuncType& type, const Module* from) {
  if (const Symbol* s = lookup(name, from)) {
    if (s->kind != Symbol::Kind::Func) return nullptr;
    auto* def = static_cast<Module*>(s->module);
    return def->instance ? def->instance->funcs[s->value] : nullptr;
  }
  if (FuncInst* f = linker_function(name, type)) return f;
  return host_.import ? host_.import("env", name, type) : nullptr;
}

FuncInst* Linker::linker_function(const std::string& name, const FuncType& type) {
  if (auto it = linker_funcs_.find(name); it != linker_funcs_.end()) return it->second;
  FuncInst* f = nullptr;
  if (name == "__stack_chk_fail" && type.params.empty() && type.results.empty()) {
    f = store_.create_host_function(type, [](HostCall& hc) {
      return hc.fail(TrapKind::Host, "stack smashing detected (__stack_chk_fail)");
    }, "__stack_chk_fail");
  } else if (name == "__wasm_call_ctors" && type.params.empty() && type.results.empty()) {
    // Newer wasi-libc's _start calls it; the linker has already run (or now runs) every init function.
    f = store_.create_host_function(type, [this](HostCall& hc) {
      Trap t = run_constructors();
      if (!t) return true;
      *hc.trap = std::move(t);
      return false;
    }, "__wasm_call_ctors");
  }
  if (f) linker_funcs_[name] = f;
  return f;
}

// Rule 6 of symbols.h.
// The slot is filled when its module is instantiated: now, or in write_data_words (pending_slots_).
Result<uint32_t> Linker::canonical_index(const std::string& name, const Module* from) {
  const Symbol* s = lookup(name, from);
  if (!s || s->kind != Symbol::Kind::Func) {
    if (from && from->is_weak(name)) return 0u;
    return make_error(SIZE_MAX, fmt::format("{}: unresolved symbol '{}' (function pointer)",
                                            from ? from->name : std::string("dlsym"), name));
  }
  auto* def = static_cast<Module*>(s->module);
  if (def->has_slot(s->value)) return def->T(s->value);
  // A local definition (rule 3) gets the slot dlsym on its handle would give it.
  std::string key = s == symbols_.find(name) ? name : name + "@" + def->name;
  return append_slot(key, def, s->value);
}

// The slot `key` names, appended at the end of the table the first time (filled now, or when `def` is
// instantiated). Refused past the host's table limit, so the table never wraps or overflows.
Result<uint32_t> Linker::append_slot(const std::string& key, Module* def, uint32_t func) {
  if (auto it = appended_slots_.find(key); it != appended_slots_.end()) return it->second;
  if (uint64_t(table_top_) + 1 > kMaxTableElements)
    return make_error(SIZE_MAX, fmt::format("{}: no table slot left for '{}' (table limit {})", def->name, key,
                                            kMaxTableElements));
  if (table_ && table_->elems.size() <= table_top_ && table_->grow(table_top_ + 1 - table_->elems.size(), nullptr) < 0)
    return make_error(SIZE_MAX, fmt::format("{}: cannot grow the table for '{}'", def->name, key));
  uint32_t slot = table_top_++;
  appended_slots_.emplace(key, slot);
  batch_slots_.push_back(key);
  if (table_ && def->instance) table_->elems[slot] = def->instance->funcs[func];
  else pending_slots_.push_back({slot, def, func});
  return slot;
}

FuncInst* Linker::find_function(const std::string& name) {
  const Symbol* s = symbols_.find(name);
  if (!s || s->kind != Symbol::Kind::Func) return nullptr;
  auto* def = static_cast<Module*>(s->module);
  return def->instance ? def->instance->funcs[s->value] : nullptr;
}

// dyninfo: the `init` functions. dylink.0: the module's exported __wasm_call_ctors (wasm-ld's: it
// applies the data relocations again, idempotent, then runs the constructors); a main exports none
// unless linked with --export=__wasm_call_ctors.
Trap Linker::call_init(Module& m) {
  m.constructed = true;
  if (m.format == Module::Format::Dylink0) {
    const ExternRef* e = m.instance->find_export("__wasm_call_ctors");
    if (!e || e->kind != ExternKind::Func) return {};
    auto* f = static_cast<FuncInst*>(e->ptr);
    if (!f->type->params.empty() || !f->type->results.empty()) return {};
    std::vector<Value> results;
    return store_.call(f, {}, results);
  }
  for (auto& init : m.info.init) {
    std::vector<Value> results;
    if (Trap t = store_.call(m.instance->funcs[init.func], {}, results)) return t;
  }
  return {};
}

// What must be constructed before `m`: its `needed` libraries, then every module defining a symbol `m`
// uses (a library wasmified without --needed still depends on libc; GOT entries count as uses). Never
// the main module: like an ELF executable it is constructed last, and libc's references to `main` must
// not put it first.
std::vector<Linker::Module*> Linker::init_dependencies(Module& m) {
  std::vector<Module*> deps = m.needed;
  Module* main = modules_.front().get();
  auto use = [&](const std::string& name) {
    const Symbol* s = lookup(name, &m);
    if (!s) return;
    auto* d = static_cast<Module*>(s->module);
    if (d != &m && d != main && std::find(deps.begin(), deps.end(), d) == deps.end()) deps.push_back(d);
  };
  for (const Import& im : m.compiled->module->imports)
    if ((im.module == "env" && im.kind == ExternKind::Func) || im.module == "GOT.mem" || im.module == "GOT.func")
      use(im.name);
  for (auto& r : m.info.ref) use(r.name);
  for (auto& r : m.info.refun) use(r.name);
  for (auto& r : m.info.code_ref) use(r.name);
  return deps;
}

// Dependencies first: a depth-first post-order from the main module (then any module it does not
// reach, in load order); a cycle is broken where the walk first meets it.
Trap Linker::run_constructors() {
  if (constructing_) return {};
  constructing_ = true;
  std::vector<Module*> order;
  std::set<Module*> seen;
  auto visit = [&](auto& self, Module* m) -> void {
    if (!seen.insert(m).second) return;
    for (Module* d : init_dependencies(*m)) self(self, d);
    order.push_back(m);
  };
  for (auto& m : modules_) visit(visit, m.get());
  Trap t;
  for (Module* m : order) {
    if (m->constructed || !m->instance) continue;
    if ((t = call_init(*m))) break;
  }
  constructing_ = false;
  return t;
}

Trap Linker::run_entry() {
  Trap t;
  Module* main = modules_.empty() ? nullptr : modules_.front().get();
  if (!main || !main->info.entry) {
    t.kind = TrapKind::Host;
    t.message = "the program has no entry point";
    return t;
  }
  FuncType void_fn;
  FuncInst* entry = resolve_function(*main->info.entry, void_fn, main);
  if (!entry || entry->type->params.size() || entry->type->results.size()) {
    t.kind = TrapKind::Host;
    t.message = fmt::format("{}: entry point '{}' is not defined as a function () -> ()", main->name,
                            *main->info.entry);
    return t;
  }
  std::vector<Value> results;
  if ((t = store_.call(entry, {}, results))) return t;
  // What wasm-ld's command wrapper does after _start returns: wasi-libc flushes stdio here.
  if (FuncInst* dtors = find_function("__wasm_call_dtors"))
    if (dtors->type->params.empty()) t = store_.call(dtors, {}, results);
  return t;
}

Result<uint32_t> Linker::dlopen(const std::string& name, const DlopenOptions& o) {
  if (modules_.empty()) return make_error(SIZE_MAX, "dlopen: no program is linked");
  Module* main = modules_.front().get();
  bool bare = name.find('/') == std::string::npos;
  for (size_t i = 0; i < modules_.size(); ++i)
    if (bare && modules_[i]->name == name) {
      ++modules_[i]->refcount;
      return uint32_t(i + 1);
    }
  WI_TRY_ASSIGN(Source file, search(name, main, Asker::Guest));
  size_t first = modules_.size();
  std::string display = name.substr(name.rfind('/') + 1);
  WI_TRY_ASSIGN(Module* m, load_file(file, display, false));
  if (modules_.size() == first) {  // already loaded (the main program too), maybe under another name
    ++m->refcount;
    for (size_t i = 0; i < modules_.size(); ++i)
      if (modules_[i].get() == m) return uint32_t(i + 1);
  }
  auto forget = [&] {
    for (size_t i = first; i < modules_.size(); ++i) {
      std::erase_if(by_file_, [&](auto& kv) { return kv.second == modules_[i].get(); });
      std::erase_if(pending_slots_, [&](const PendingSlot& p) { return p.module == modules_[i].get(); });
    }
    modules_.resize(first);
  };
  if (!m->info.shared) {
    forget();
    return make_error(SIZE_MAX, fmt::format("dlopen {}: is a program, not a library", name));
  }
  if (auto r = load_closure(first); !r) {
    forget();
    return r.take_error();
  }
  // The libraries loaded with it share its scope: RTLD_LOCAL keeps theirs out of the global scope
  // too (they stay reachable from it, through `needed`; symbols.h rule 3).
  for (size_t i = first; i < modules_.size(); ++i) modules_[i]->global = o.global;
  for (size_t i = first; i < modules_.size(); ++i) modules_[i]->late = true;
  batch_names_.clear();
  batch_slots_.clear();
  if (auto r = link_new_modules(first, o.now || options_.bind_now); !r) {
    // Forget the batch, so a failed dlopen leaves the program as it was (its memory and table slots
    // stay used; nothing refers to them).
    for (auto& n : batch_names_) symbols_.erase(n);
    for (auto& n : batch_slots_) appended_slots_.erase(n);
    forget();
    return r.take_error();
  }
  ++m->refcount;
  if (Trap t = run_constructors())
    return make_error(SIZE_MAX, fmt::format("dlopen {}: constructor trapped: {}", name, t.message));
  return uint32_t(first + 1);
}

std::optional<uint32_t> Linker::dlsym(const std::string& name, uint32_t handle) {
  if (handle == 0 || handle > modules_.size()) {
    if (handle > modules_.size()) return std::nullopt;
    if (auto a = data_address(name)) return a;
    auto ti = canonical_index(name, nullptr);
    if (ti.ok()) return *ti;
    return std::nullopt;
  }
  // The handle's module, then its dependencies, breadth first (POSIX dlsym on a handle).
  std::vector<Module*> queue{modules_[handle - 1].get()};
  std::set<Module*> seen{queue.front()};
  for (size_t q = 0; q < queue.size(); ++q) {
    Module* m = queue[q];
    for (auto& d : m->info.def)
      if (d.name == name) return m->A(d.addr);
    for (auto& f : m->info.defun) {
      if (f.name != name) continue;
      const Symbol* s = symbols_.find(name);
      if (m->has_slot(f.func)) return m->T(f.func);
      bool global = s && s->module == m && s->value == f.func;
      // A definition the global scope does not see has a slot of its own name.
      auto slot = append_slot(global ? name : name + "@" + m->name, m, f.func);
      if (!slot) return std::nullopt;
      return *slot;
    }
    for (Module* d : m->needed)
      if (seen.insert(d).second) queue.push_back(d);
  }
  return std::nullopt;
}

bool Linker::dlclose(uint32_t handle) {
  if (handle == 0 || handle > modules_.size() || modules_[handle - 1]->refcount == 0) return false;
  --modules_[handle - 1]->refcount;
  return true;
}

}  // namespace wi::link
