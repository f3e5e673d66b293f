// dyninfo is enough to load and run: a minimal loader written from docs/dyninfo.md ("Loading") links
// the wasmified fixtures load_app.c (program) and load_lib.c (library) into one wi::Store and calls the
// program's exports. It covers cross-module data refs with addends, function pointers passed both
// ways through the shared table, canonical function pointers, a weak definition overridden by the
// program, one that is not, an unresolved weak function, constructor order, and the import cycle.
// This loader is a test of the format, not the runtime linker (no WASI, no dlopen, no `needed`).
#include <doctest/doctest.h>
#include <fstream>
#include <iterator>
#include <map>
#include "decoder/decoder.h"
#include "interp/code.h"
#include "interp/store.h"
#include "linker/dyninfo.h"
#include "linker/module_writer.h"
#include "linker/wasmify.h"

#ifndef WI_LINKER_FIXTURES
#error "WI_LINKER_FIXTURES: the directory of the compiled fixtures, defined by tests/meson.build"
#endif

using namespace wi;
using namespace wi::link;

namespace {

struct Loaded {
  std::string name;
  std::vector<uint8_t> bytes;
  DynInfo info;
  std::unique_ptr<Module> decoded;  // for element-segment slots
  uint32_t memory_base = 0, table_base = 0;
  std::shared_ptr<CompiledModule> compiled;
  Instance* inst = nullptr;
  GlobalInst *g_memory_base = nullptr, *g_table_base = nullptr;

  uint32_t A(uint32_t link) const { return memory_base + (link - info.data); }
  uint32_t slot(uint32_t func) const {
    if (decoded->elems.empty()) return UINT32_MAX;
    auto& inits = decoded->elems[0].inits;
    for (uint32_t i = 0; i < inits.size(); ++i)
      if (inits[i].index == func) return i;
    return UINT32_MAX;
  }
  uint32_t T(uint32_t func) const { return table_base + slot(func); }
};

struct Def {
  Loaded* mod = nullptr;
  uint32_t value = 0;  // data: link address; function: function index
  bool weak = false;
};

class MiniLoader {
 public:
  Store store;
  std::vector<std::unique_ptr<Loaded>> mods;  // load order: program first
  std::map<std::string, Def> data, funcs;
  std::map<std::string, uint32_t> appended;   // canonical slots the loader had to add
  Memory* memory = nullptr;
  Table* table = nullptr;
  GlobalInst* stack_pointer = nullptr;

  void add(const std::string& name, bool shared) {
    std::ifstream in(std::string(WI_LINKER_FIXTURES) + "/" + name + ".o", std::ios::binary);
    REQUIRE(in.good());
    WasmifyOptions o;
    o.shared = shared;
    auto r = wasmify(std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {}), o);
    REQUIRE(r.ok());
    auto l = std::make_unique<Loaded>();
    l->name = name;
    l->bytes = std::move(r->bytes);
    auto d = decode_module(l->bytes, nullptr);
    REQUIRE(d.ok());
    l->decoded = std::move(*d);
    auto info = read_dyninfo(*l->decoded);
    REQUIRE(info.ok());
    l->info = std::move(*info);
    mods.push_back(std::move(l));
  }

  static bool is_weak(const Loaded& m, const std::string& name) {
    for (auto& w : m.info.weak)
      if (w == name) return true;
    return false;
  }

  // Steps 1-2: bases and symbol resolution (first strong definition wins, else the first weak one).
  void place_and_resolve() {
    uint32_t mem = 1024, slot = 1;
    for (auto& m : mods) {
      uint32_t a = m->info.data_align;
      mem = (mem + a - 1) / a * a;
      m->memory_base = mem;
      mem += m->info.data_end - m->info.data;
      m->table_base = slot;
      slot += m->info.table_size;
      auto define = [&](std::map<std::string, Def>& table, const std::string& name, uint32_t value) {
        bool weak = is_weak(*m, name);
        auto it = table.find(name);
        if (it == table.end() || (it->second.weak && !weak)) table[name] = Def{m.get(), value, weak};
      };
      for (auto& d : m->info.def) define(data, d.name, d.addr);
      for (auto& f : m->info.defun) define(funcs, f.name, f.func);
    }
    next_slot_ = slot;
    stack_top_ = (mem + 15) / 16 * 16 + 8192;
  }

  std::optional<uint32_t> address(const std::string& name) {
    auto it = data.find(name);
    if (it == data.end()) return std::nullopt;
    return it->second.mod->A(it->second.value);
  }
  std::optional<uint32_t> table_index(const std::string& name) {
    auto it = funcs.find(name);
    if (it == funcs.end()) return std::nullopt;
    Loaded& m = *it->second.mod;
    if (m.slot(it->second.value) != UINT32_MAX) return m.T(it->second.value);
    auto [a, inserted] = appended.emplace(name, next_slot_);
    if (inserted) ++next_slot_;
    return a->second;
  }

  // Step 3: code sites, then compile.
  void patch_and_compile(Loaded& m) {
    auto put = [&](uint32_t where, SiteKind k, uint32_t v) {
      REQUIRE(where + 5 <= m.bytes.size());
      if (k == SiteKind::MemLeb) write_padded_u32(&m.bytes[where], v);
      else write_padded_s32(&m.bytes[where], int32_t(v));
    };
    for (auto& s : m.info.code_fixup) put(s.where, s.kind, s.kind == SiteKind::TableSleb ? m.T(s.target) : m.A(s.target));
    for (auto& s : m.info.code_ref) {
      auto v = s.kind == SiteKind::TableSleb ? table_index(s.name) : address(s.name);
      if (!v) REQUIRE_MESSAGE(is_weak(m, s.name), "unresolved " << s.name);
      put(s.where, s.kind, v ? *v + uint32_t(s.addend) : 0);
    }
    CompileOptions co;
    co.file_name = m.name + ".wasm";
    auto c = compile_module(m.bytes, co);
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : format_error(m.name, c.error())));
    m.compiled = std::move(*c);
  }

  // A host function standing for a function whose module is not instantiated yet (import cycles),
  // or a trap for an unresolved weak function.
  FuncInst* forwarder(const FuncType& type, const std::string& name, bool resolvable) {
    return store.create_host_function(type, [this, name, resolvable, type](HostCall& hc) {
      if (!resolvable) return hc.fail(TrapKind::Unreachable, "call to undefined weak function " + name);
      auto& d = funcs.at(name);
      FuncInst* f = d.mod->inst->funcs[d.value];
      std::vector<Value> args, results;
      for (size_t i = 0; i < type.params.size(); ++i) {
        Value v;
        v.type = type.params[i];
        v.i64 = hc.args[i].i64;
        args.push_back(v);
      }
      Trap t = hc.store.call(f, args, results);
      if (t) return hc.fail(t.kind, t.message);
      for (size_t i = 0; i < results.size(); ++i) hc.args[i].i64 = results[i].i64;
      return true;
    }, name + " (forwarder)");
  }

  // Steps 4-5.
  void instantiate_all() {
    memory = store.create_memory(MemoryType{Limits{2, std::nullopt}});
    table = store.create_table(TableType{ValType::FuncRef, Limits{64, std::nullopt}});
    stack_pointer = store.create_global(GlobalType{ValType::I32, true}, Value::make_i32(stack_top_));
    for (auto it = mods.rbegin(); it != mods.rend(); ++it) {  // dependencies first
      Loaded& m = **it;
      m.g_memory_base = store.create_global(GlobalType{ValType::I32, false}, Value::make_i32(m.memory_base));
      m.g_table_base = store.create_global(GlobalType{ValType::I32, false}, Value::make_i32(m.table_base));
      std::vector<ExternRef> imports;
      const Module& mod = *m.compiled->module;
      for (auto& im : mod.imports) {
        REQUIRE(im.module == "env");
        if (im.kind == ExternKind::Memory) imports.push_back({im.kind, memory});
        else if (im.kind == ExternKind::Table) imports.push_back({im.kind, table});
        else if (im.name == "__memory_base") imports.push_back({im.kind, m.g_memory_base});
        else if (im.name == "__table_base") imports.push_back({im.kind, m.g_table_base});
        else if (im.name == "__stack_pointer") imports.push_back({im.kind, stack_pointer});
        else {
          REQUIRE(im.kind == ExternKind::Func);
          auto d = funcs.find(im.name);
          if (d == funcs.end()) REQUIRE_MESSAGE(is_weak(m, im.name), "unresolved import " << im.name);
          bool ready = d != funcs.end() && d->second.mod->inst;
          FuncInst* f = ready ? d->second.mod->inst->funcs[d->second.value]
                              : forwarder(mod.types[im.type_index], im.name, d != funcs.end());
          imports.push_back({im.kind, f});
        }
      }
      auto out = store.instantiate(m.compiled, imports);
      REQUIRE_MESSAGE(!out.link_error, (out.link_error ? out.link_error->message : ""));
      REQUIRE(!out.trap);
      m.inst = out.instance;
    }
    for (auto& m : mods) {
      auto word = [&](uint32_t link_where, uint32_t v) {
        uint32_t at = m->A(link_where);
        for (int i = 0; i < 4; ++i) memory->data[at + i] = uint8_t(v >> (8 * i));
      };
      for (auto& f : m->info.fixup) word(f.where, m->A(f.target));
      for (auto& f : m->info.fixupfun) word(f.where, m->T(f.func));
      for (auto& r : m->info.ref) {
        auto a = address(r.name);
        REQUIRE(a);
        word(r.where, *a + uint32_t(r.addend));
      }
      for (auto& r : m->info.refun) {
        auto t = table_index(r.name);
        REQUIRE(t);
        word(r.where, *t);
      }
    }
    for (auto& [name, slot] : appended) {
      auto& d = funcs.at(name);
      table->elems[slot] = d.mod->inst->funcs[d.value];
    }
    for (auto it = mods.rbegin(); it != mods.rend(); ++it)
      for (auto& i : (*it)->info.init) {
        std::vector<Value> results;
        Trap t = store.call((*it)->inst->funcs[i.func], {}, results);
        REQUIRE_FALSE(t);
      }
  }

  int32_t call(const std::string& fn, std::vector<Value> args = {}) {
    Loaded& app = *mods.front();
    auto* e = app.inst->find_export(fn);
    REQUIRE(e);
    std::vector<Value> results;
    Trap t = store.call(static_cast<FuncInst*>(e->ptr), args, results);
    REQUIRE_MESSAGE(!t, fn << ": " << t.message);
    REQUIRE(results.size() == 1);
    return int32_t(results[0].i32);
  }

 private:
  uint32_t next_slot_ = 1, stack_top_ = 0;
};

}  // namespace

TEST_CASE("two wasmified modules load and run from dyninfo alone") {
  MiniLoader l;
  l.add("load_app", false);
  l.add("load_lib", true);
  l.place_and_resolve();
  for (auto& m : l.mods) l.patch_and_compile(*m);
  l.instantiate_all();
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
}
