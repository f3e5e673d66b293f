// Phase 5, bind: instantiate each module against the shared memory, table and stack pointer, and bind
// its imports. An `env` function import is the module's PLT slot for that symbol: the instance's
// function-index entry the interpreter reads at every call. It starts as a stub; the stub's first call
// resolves the symbol in the global scope, writes the definition into the slot and forwards the call,
// so every later call goes straight to the definition (one load and a direct call: cheaper than a
// call_indirect, which also bounds-checks and compares signatures). --bind-now writes every slot before
// any code runs and makes an unresolved symbol a link error instead of a trap at its first call.
// Imports from other modules (WASI, thinthin) come from the host, bound at instantiation.
// GOT.mem.X / GOT.func.X globals (PIC code, every dylink.0 module) get their final value here, before
// instantiation runs the module's start function: a dylink.0 module's __wasm_apply_data_relocs stores
// them into its data. A GOT.func slot appended for a module not instantiated yet is filled by
// write_data_words, before any constructor or entry runs.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include "decoder/decoder.h"
#include "decoder/instruction.h"
#include "fmt/format.h"
#include "linker/loaded_module.h"

namespace wi::link {
namespace {

// Whether every use of function `callee` (a call or ref.func) is inside a function for which `dead`
// holds. Only asked when --bind-now meets an unresolved symbol, so the scan costs nothing otherwise.
template <class Dead>
bool only_used_by(const wi::Module& m, uint32_t callee, Dead dead) {
  Instruction ins;
  std::vector<uint32_t> targets;
  for (uint32_t i = 0; i < m.codes.size(); ++i) {
    uint32_t func = m.num_imported_funcs + i;
    if (dead(func)) continue;
    const FunctionBody& body = m.codes[i];
    Reader r(std::span<const uint8_t>(m.bytes).subspan(body.code_start, body.end - body.code_start), body.code_start);
    while (!r.at_end()) {
      if (!read_instruction(r, ins, targets).ok()) return false;
      if ((ins.op == Opcode::Call || ins.op == Opcode::RefFunc) && ins.a == callee)
        return false;
    }
  }
  return true;
}

}  // namespace

// The stub is a function that is not ready (FuncInst::prepare): the call that meets it binds the slot
// and goes on into the definition in the same activation, with the arguments in place.
FuncInst* Linker::plt_stub(Module& m, uint32_t import_index, const std::string& symbol, const FuncType& type) {
  uint32_t type_id = store_.canonical_type_id(type);
  FuncInst* stub = store_.create_host_function(type, nullptr, fmt::format("{}@plt", symbol));
  stub->prepare = [this, &m, import_index, symbol, type_id](Store&, Trap& trap) -> const FuncInst* {
    auto fail = [&](std::string message) -> const FuncInst* {
      trap.kind = TrapKind::Host;
      trap.message = std::move(message);
      return nullptr;
    };
    FuncInst* target = resolve_function(symbol, store_.canonical_type(type_id), &m);
    if (!target) return fail(fmt::format("unresolved symbol '{}' (called from {})", symbol, m.name));
    if (target->type_id != type_id)
      return fail(fmt::format("symbol '{}' is {} but {} calls it as {}", symbol, to_string(*target->type), m.name,
                              to_string(store_.canonical_type(type_id))));
    m.instance->funcs[import_index] = target;  // bound: later calls skip the stub
    return target;
  };
  return stub;
}

const Linker::Module* Linker::tag_definer(const std::string& name) const {
  for (auto& m : modules_)
    if (std::find(m->info.deftag.begin(), m->info.deftag.end(), name) != m->info.deftag.end()) return m.get();
  return nullptr;
}

Result<TagInst*> Linker::program_tag(const Module& m, const Import& im) {
  const wi::Module& mod = *m.compiled->module;
  uint32_t type_id = store_.module_type_ids(mod)[im.type_index];
  auto it = tags_.find(im.name);
  if (it == tags_.end()) {
    if (!tag_definer(im.name))
      return make_error(SIZE_MAX, fmt::format("{}: unresolved tag '{}' (no module defines it)", m.name, im.name));
    it = tags_.emplace(im.name, store_.create_tag(type_id, im.name)).first;
  }
  if (it->second->type_id != type_id)
    return make_error(SIZE_MAX, fmt::format("{}: tag '{}' is imported as {} but is {} elsewhere", m.name, im.name,
                                            to_string(mod.types[im.type_index]), to_string(*it->second->type)));
  return it->second;
}

Result<void> Linker::instantiate(size_t first) {
  if (!table_) table_ = store_.create_table(TableType{ValType::FuncRef, Limits{table_top_, std::nullopt}});
  if (table_->elems.size() < table_top_ && table_->grow(table_top_ - table_->elems.size(), nullptr) < 0)
    return make_error(SIZE_MAX, "cannot grow the table");
  if (first == 0) {
    // __stack_chk_guard: a fixed value keeps runs deterministic; it only has to be unlikely in data.
    const uint32_t guard = 0x5a3c96e1;
    for (int b = 0; b < 4; ++b) memory_->data[linker_words_ + 4 + b] = uint8_t(guard >> (8 * b));
  }
  for (size_t i = first; i < modules_.size(); ++i) {
    Module& m = *modules_[i];
    const wi::Module& mod = *m.compiled->module;
    m.g_memory_base = store_.create_global(GlobalType{ValType::I32, false}, Value::make_i32(m.memory_base));
    m.g_table_base = store_.create_global(GlobalType{ValType::I32, false}, Value::make_i32(m.table_base));
    std::vector<ExternRef> imports;
    uint32_t func_index = 0;
    for (const Import& im : mod.imports) {
      auto unresolved = [&] {
        return make_error(SIZE_MAX, fmt::format("{}: unresolved import {}.{} ({})", m.name, im.module, im.name,
                                                to_string(im.kind)));
      };
      switch (im.kind) {
        case ExternKind::Memory:
          if (im.module != "env" || im.name != "memory") return unresolved();
          imports.push_back({im.kind, memory_});
          break;
        case ExternKind::Table:
          if (im.module != "env" || im.name != "__indirect_function_table") return unresolved();
          imports.push_back({im.kind, table_});
          break;
        case ExternKind::Global: {
          GlobalInst* g = nullptr;
          if (im.module == "env" && im.name == "__memory_base") g = m.g_memory_base;
          else if (im.module == "env" && im.name == "__table_base") g = m.g_table_base;
          else if (im.module == "env" && im.name == "__stack_pointer") g = stack_pointer_;
          else if (im.module == "GOT.mem" || im.module == "GOT.func") {
            // PIC code: the address or table index of a symbol, final before any code runs.
            uint32_t v = 0;
            if (im.module == "GOT.func") {
              WI_TRY_ASSIGN(v, canonical_index(im.name, &m));
            } else if (auto a = data_address(im.name, &m)) {
              v = *a;
            } else if (!m.is_weak(im.name)) {
              return make_error(SIZE_MAX, fmt::format("{}: unresolved symbol '{}' (GOT.mem)", m.name, im.name));
            }
            g = store_.create_global(im.global, Value::make_i32(v));
          }
          if (!g) return unresolved();
          imports.push_back({im.kind, g});
          break;
        }
        case ExternKind::Func: {
          const FuncType& type = mod.types[im.type_index];
          FuncInst* f = nullptr;
          if (im.module == "env") f = plt_stub(m, func_index, im.name, type);
          else if (host_.import) f = host_.import(im.module, im.name, type);
          if (!f) return unresolved();
          imports.push_back({im.kind, f});
          ++func_index;
          break;
        }
        case ExternKind::Tag: {
          if (im.module != "env") return unresolved();
          WI_TRY_ASSIGN(TagInst* t, program_tag(m, im));
          imports.push_back({im.kind, t});
          break;
        }
        default:
          return unresolved();
      }
    }
    InstantiateOutcome out = store_.instantiate(m.compiled, imports);
    if (out.link_error) return make_error(SIZE_MAX, fmt::format("{}: {}", m.name, out.link_error->message));
    if (out.trap) return make_error(SIZE_MAX, fmt::format("{}: instantiation trapped: {}", m.name, out.trap.message));
    m.instance = out.instance;
  }
  return {};
}

Result<void> Linker::bind_now(size_t first) {
  for (size_t i = first; i < modules_.size(); ++i) {
    Module& m = *modules_[i];
    const wi::Module& mod = *m.compiled->module;
    uint32_t func_index = 0;
    for (const Import& im : mod.imports) {
      if (im.kind != ExternKind::Func) continue;
      uint32_t idx = func_index++;
      if (im.module != "env") continue;
      const FuncType& type = mod.types[im.type_index];
      FuncInst* target = resolve_function(im.name, type, &m);
      if (!target) {
        if (m.is_weak(im.name)) continue;  // stays a stub that traps if called
        // A reference made only by weak definitions that lost to another module's (libc's
        // `__main_argc_argv` shim calling `main`) can never run: the losers are unreachable, since
        // calls to preemptible functions go through their symbol. Like an unused archive member.
        auto preempted = [&](uint32_t func) {  // every name it has is weak and won elsewhere
          bool named = false;
          for (auto& d : m.info.defun) {
            if (d.func != func) continue;
            named = true;
            const Symbol* s = symbols_.find(d.name);
            if (!m.is_weak(d.name) || !s || (s->module == &m && s->value == func)) return false;
          }
          return named;
        };
        if (only_used_by(mod, idx, preempted)) continue;
        return make_error(SIZE_MAX, fmt::format("{}: unresolved symbol '{}' (--bind-now)", m.name, im.name));
      }
      if (target->type_id != m.instance->type_ids[im.type_index])
        return make_error(SIZE_MAX, fmt::format("{}: symbol '{}' is {} but is imported as {}", m.name, im.name,
                                                to_string(*target->type), to_string(type)));
      m.instance->funcs[idx] = target;
    }
  }
  return {};
}

std::vector<BindingRecord> Linker::bindings() {
  std::vector<BindingRecord> out;
  auto where = [&](const Module& m, const std::string& name, bool func) -> std::string {
    if (const Symbol* s = lookup(name, &m)) return static_cast<Module*>(s->module)->name;
    if (!func && data_address(name, &m)) return "<wi>";
    if (func && linker_funcs_.count(name)) return "<wi>";
    if (func && (name == "__stack_chk_fail" || name == "__wasm_call_ctors")) return "<wi>";
    return m.is_weak(name) ? "unresolved (weak: null)" : "unresolved";
  };
  for (auto& mp : modules_) {
    Module& m = *mp;
    const wi::Module& mod = *m.compiled->module;
    std::map<std::string, int> host_modules;
    for (const Import& im : mod.imports) {
      if (im.kind == ExternKind::Func) {
        if (im.module == "env") {
          std::string t = where(m, im.name, true);
          if (t == "unresolved" && host_.import && host_.import("env", im.name, mod.types[im.type_index]))
            t = "<host>";
          out.push_back({m.name, im.name, options_.bind_now ? "call" : "call (lazy)", t});
        } else {
          host_modules[im.module]++;
        }
      } else if (im.module == "GOT.mem" || im.module == "GOT.func") {
        out.push_back({m.name, im.name, im.module, where(m, im.name, im.module == "GOT.func")});
      } else if (im.kind == ExternKind::Tag && im.module == "env") {
        const Module* d = tag_definer(im.name);
        out.push_back({m.name, im.name, "tag", d ? d->name : "unresolved"});
      }
    }
    for (auto& [hm, n] : host_modules)
      out.push_back({m.name, fmt::format("{}.* ({} functions)", hm, n), "host calls", "<host>"});
    for (auto& r : m.info.ref) out.push_back({m.name, r.name, "data ref", where(m, r.name, false)});
    for (auto& r : m.info.refun) out.push_back({m.name, r.name, "function pointer", where(m, r.name, true)});
    for (auto& r : m.info.code_ref)
      out.push_back({m.name, r.name, r.kind == SiteKind::TableSleb ? "function pointer" : "data ref",
                     where(m, r.name, r.kind == SiteKind::TableSleb)});
  }
  // One line per (module, symbol, kind): code_ref lists every site.
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  std::erase_if(out, [&](const BindingRecord& b) { return !seen.insert({b.module, b.symbol, b.kind}).second; });
  return out;
}

}  // namespace wi::link
