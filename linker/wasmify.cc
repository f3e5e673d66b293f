// wasmify: relocatable object -> loadable module + dyninfo (docs/dyninfo.md is the contract).
// Policy:
//  - Index spaces are kept: types, function bodies, globals and code bytes are the object's, so a
//    relocation site keeps its place and only its 5-byte LEB is rewritten. The function index space
//    grows by one import per called *preemptible* function (a weak definition that is dynamic), so
//    that another module's strong definition can take over the call; defined globals shift by the
//    env.__memory_base/__table_base imports when the object does not import them itself.
//  - A symbol binds locally unless it is undefined or preemptible; local bindings become fixups
//    (relative to this module's bases), the others refs by name.
//  - Data segments are laid out from link address 0 (aligned, bss last) and written as one active
//    segment at `global.get __memory_base`, trimmed of trailing zeros; the element segment is one
//    active segment at `global.get __table_base`.
//  - Exception tags are program-wide by name (linker/symbols.h rule 8): the object's tag imports stay,
//    and each tag it defines becomes an `env` import of its symbol's name too, listed in `deftag`. The
//    tag index space is unchanged (definitions follow imports in both), so tag relocations keep
//    their values. A tag without a global symbol could not be shared and is refused.
//  - Unsupported relocation types are errors naming type, section and offset.
#include "linker/wasmify.h"
#include <algorithm>
#include <map>
#include <set>
#include <fmt/format.h>
#include "decoder/decoder.h"
#include "decoder/reader.h"
#include "linker/module_writer.h"
#include "linker/object_reader.h"

namespace wi::link {
namespace {

constexpr const char* kEnv = "env";

struct CodeSite {  // before the code section's output offset is known
  uint32_t offset;  // relative to the code section payload
  SiteKind kind;
  std::string name;  // empty: local (fixup)
  int32_t value;     // fixup: target; ref: addend
};

class Wasmifier {
 public:
  Wasmifier(ObjectFile& o, const WasmifyOptions& opt) : o_(o), m_(*o.module), opt_(opt) {}

  Result<WasmifyOutput> run() {
    WI_TRY(check_shape());
    classify_symbols();
    WI_TRY(layout_data());
    WI_TRY(plan_imports());
    WI_TRY(plan_table());
    WI_TRY(relocate_code());
    WI_TRY(relocate_data());
    WI_TRY(collect_customs());
    WI_TRY(fill_info());
    return write();
  }

 private:
  // ---- checks and classification ----

  Result<void> check_shape() {
    if (m_.memories.size() > 1) return make_error(SIZE_MAX, "more than one memory");
    if (m_.tables.size() > 1)
      return make_error(SIZE_MAX, "more than one table (only __indirect_function_table is supported)");
    if (m_.start) return make_error(SIZE_MAX, "objects with a start section are not supported");
    for (size_t i = 0; i < m_.datas.size(); ++i)
      if (m_.datas[i].mode != DataSegment::Mode::Active || m_.datas[i].memory != 0)
        return make_error(m_.datas[i].file_offset,
                          fmt::format("data segment {} is passive (shared memory objects are not supported)", i));
    for (auto& seg : o_.segments)
      if (seg.flags & kSegTls)
        return make_error(SIZE_MAX, fmt::format("thread-local segment '{}' is not supported", seg.name));
    code_index_ = o_.section_index(10);
    data_index_ = o_.section_index(11);
    return {};
  }

  bool listed(const std::string& name) const { return export_set_.count(name) > 0; }

  void classify_symbols() {
    export_set_.insert(opt_.exports.begin(), opt_.exports.end());
    std::set<uint32_t> comdat_funcs, comdat_segs;
    for (auto& c : o_.comdats)
      for (auto& [kind, index] : c.members) {
        if (kind == 0) comdat_segs.insert(index);
        if (kind == 1) comdat_funcs.insert(index);
      }
    size_t n = o_.symbols.size();
    dynamic_.assign(n, false);
    preemptible_.assign(n, false);
    for (size_t i = 0; i < n; ++i) {
      const Symbol& s = o_.symbols[i];
      if (s.local() || s.undefined()) continue;
      if (s.kind != SymKind::Function && s.kind != SymKind::Data && s.kind != SymKind::Global) continue;
      dynamic_[i] = opt_.exports.empty() || listed(s.name) || (s.flags & kSymExported);
      bool in_comdat = s.kind == SymKind::Function ? comdat_funcs.count(s.index) > 0
                       : s.kind == SymKind::Data  ? comdat_segs.count(s.segment) > 0
                                                  : false;
      // Weak definitions in a comdat are C++ vague linkage: every copy is equivalent, keep ours.
      preemptible_[i] = dynamic_[i] && s.weak() && !in_comdat && s.kind != SymKind::Global;
    }
  }

  bool binds_locally(uint32_t sym) const {
    return o_.symbols[sym].defined() && !preemptible_[sym];
  }

  // ---- data layout ----

  static bool all_zero(std::span<const uint8_t> b) {
    return std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; });
  }

  Result<void> layout_data() {
    size_t n = m_.datas.size();
    seg_addr_.assign(n, 0);
    std::vector<size_t> order, bss;
    for (size_t i = 0; i < n; ++i) {
      bool is_bss = i < o_.segments.size() && o_.segments[i].name.starts_with(".bss") &&
                    all_zero(segment_bytes(i));
      (is_bss ? bss : order).push_back(i);
    }
    order.insert(order.end(), bss.begin(), bss.end());
    uint64_t cur = 0;
    uint32_t align = 1;
    for (size_t i : order) {
      uint32_t a = i < o_.segments.size() ? 1u << o_.segments[i].p2align : 1;
      // The runtime linker honours data alignment up to a page (layout.cc); a larger one could never
      // load, and padding up to it made a 2 GiB data image from a few bytes of object (fuzz_wasmify).
      if (a > kPageSize)
        return make_error(SIZE_MAX, fmt::format("data segment '{}' alignment {} is over a page (64 KiB)",
                                                o_.segments[i].name, a));
      align = std::max(align, a);
      cur = (cur + a - 1) / a * a;
      seg_addr_[i] = uint32_t(cur);
      cur += m_.datas[i].size;
      if (cur > 0xffffffffull) return make_error(SIZE_MAX, "data larger than 4 GiB");
    }
    info_.data = 0;
    info_.data_end = uint32_t(cur);
    info_.data_align = align;
    image_.assign(size_t(cur), 0);
    for (size_t i = 0; i < n; ++i) {
      auto b = segment_bytes(i);
      std::copy(b.begin(), b.end(), image_.begin() + seg_addr_[i]);
    }
    return {};
  }

  std::span<const uint8_t> segment_bytes(size_t i) const {
    return std::span<const uint8_t>(m_.bytes.data() + m_.datas[i].file_offset, m_.datas[i].size);
  }

  uint32_t data_addr(const Symbol& s, int32_t addend) const {
    return uint32_t(seg_addr_[s.segment] + s.offset + uint32_t(addend));
  }

  // ---- imports and index spaces ----

  uint32_t out_func(uint32_t obj) const { return obj < m_.num_imported_funcs ? obj : obj + func_shift_; }
  uint32_t out_global(uint32_t obj) const {
    return obj < m_.num_imported_globals ? obj : obj + global_shift_;
  }

  const RelocSection* relocs_for(int section) const {
    for (auto& r : o_.relocs)
      if (int(r.target) == section) return &r;
    return nullptr;
  }

  Result<void> plan_imports() {
    // Calls to preemptible functions go through an import of the same name.
    if (auto* rs = relocs_for(code_index_)) {
      for (auto& r : rs->relocs) {
        if (r.type != R_WASM_FUNCTION_INDEX_LEB) continue;
        const Symbol& s = o_.symbols[r.index];
        if (s.kind != SymKind::Function) continue;  // reported in relocate_code
        if (preemptible_[r.index] && !redirect_.count(s.name)) {
          uint32_t idx = m_.num_imported_funcs + uint32_t(redirect_.size());
          redirect_[s.name] = idx;
          redirect_order_.push_back(r.index);
        }
      }
    }
    func_shift_ = uint32_t(redirect_.size());
    for (auto& imp : m_.imports)
      if (imp.kind == ExternKind::Func) imports_.push_back(imp);
    for (uint32_t sym : redirect_order_) {
      Import imp;
      imp.module = kEnv;
      imp.name = o_.symbols[sym].name;
      imp.kind = ExternKind::Func;
      imp.type_index = m_.func_types[o_.symbols[sym].index];
      imports_.push_back(imp);
    }
    WI_TRY(plan_tags());
    Import table;
    table.module = kEnv;
    table.name = "__indirect_function_table";
    table.kind = ExternKind::Table;
    table.table.elem = ValType::FuncRef;
    imports_.push_back(table);
    Import memory;
    memory.module = kEnv;
    memory.name = "memory";
    memory.kind = ExternKind::Memory;
    imports_.push_back(memory);
    int memory_base = -1, table_base = -1;
    uint32_t gi = 0;
    for (auto& imp : m_.imports) {
      if (imp.kind != ExternKind::Global) continue;
      bool base_shape = imp.module == kEnv && imp.global.type == ValType::I32 && !imp.global.mut;
      if (base_shape && imp.name == "__memory_base") memory_base = int(gi);
      if (base_shape && imp.name == "__table_base") table_base = int(gi);
      imports_.push_back(imp);
      ++gi;
    }
    auto add_base = [&](const char* name) {
      Import g;
      g.module = kEnv;
      g.name = name;
      g.kind = ExternKind::Global;
      g.global = GlobalType{ValType::I32, false};
      imports_.push_back(g);
      return gi + global_shift_++;
    };
    memory_base_ = memory_base >= 0 ? uint32_t(memory_base) : add_base("__memory_base");
    table_base_ = table_base >= 0 ? uint32_t(table_base) : add_base("__table_base");
    if (func_shift_)
      for (auto& g : m_.globals)
        if (g.init.kind == ConstExpr::Kind::RefFunc)
          return make_error(SIZE_MAX, "a global initialized with ref.func is not supported");
    return {};
  }

  // Tag imports in index order: the object's own, then one per tag it defines.
  Result<void> plan_tags() {
    for (auto& imp : m_.imports)
      if (imp.kind == ExternKind::Tag) imports_.push_back(imp);
    for (uint32_t t = m_.num_imported_tags; t < m_.tag_types.size(); ++t) {
      const Symbol* named = nullptr;
      for (auto& s : o_.symbols)
        if (s.kind == SymKind::Tag && s.defined() && s.index == t && !s.local()) named = &s;
      if (!named)
        return make_error(SIZE_MAX, fmt::format("tag {} has no global symbol: a module-private tag cannot be "
                                                "shared (give it external linkage)", t));
      Import imp;
      imp.module = kEnv;
      imp.name = named->name;
      imp.kind = ExternKind::Tag;
      imp.type_index = m_.tag_types[t];
      imports_.push_back(imp);
      info_.deftag.push_back(named->name);
    }
    return {};
  }

  // ---- table ----

  uint32_t slot_for(uint32_t out_index) {
    auto [it, inserted] = slot_of_.emplace(out_index, uint32_t(slots_.size()));
    if (inserted) slots_.push_back(out_index);
    return it->second;
  }

  Result<void> plan_table() {
    for (auto& e : m_.elems) {
      if (e.mode == ElemSegment::Mode::Declarative) continue;
      if (e.mode != ElemSegment::Mode::Active || e.table != 0)
        return make_error(SIZE_MAX, "only active element segments on table 0 are supported");
      for (auto& init : e.inits) {
        if (init.kind != ConstExpr::Kind::RefFunc)
          return make_error(SIZE_MAX, "element segment with a null entry is not supported");
        // Imported functions get their slot from the runtime linker (refs by name), not here.
        if (init.index >= m_.num_imported_funcs) slot_for(out_func(init.index));
      }
    }
    return {};
  }

  // ---- relocations ----

  Error reloc_error(const RelocSection& rs, const Reloc& r, std::string what) const {
    return make_error(r.file_offset, fmt::format("{}: {} at offset {:#x}: {}", rs.name, reloc_type_name(r.type),
                                                 r.offset, what));
  }

  Result<void> expect_kind(const RelocSection& rs, const Reloc& r, SymKind kind) const {
    const Symbol& s = o_.symbols[r.index];
    if (s.kind != kind)
      return reloc_error(rs, r, fmt::format("symbol '{}' is a {} symbol, expected {}", s.name, to_string(s.kind),
                                            to_string(kind)));
    return {};
  }

  Result<uint32_t> global_index_for(const RelocSection& rs, const Reloc& r) const {
    const Symbol& s = o_.symbols[r.index];
    if (s.kind == SymKind::Global) return out_global(s.index);
    // PIC code: a data or function symbol names its GOT entry, an imported global.
    const char* got = s.kind == SymKind::Data ? "GOT.mem" : s.kind == SymKind::Function ? "GOT.func" : nullptr;
    uint32_t gi = 0;
    for (auto& imp : m_.imports) {
      if (imp.kind != ExternKind::Global) continue;
      if (got && imp.module == got && imp.name == s.name) return gi;
      ++gi;
    }
    return reloc_error(rs, r, fmt::format("no global for symbol '{}'", s.name));
  }

  Result<void> relocate_code() {
    if (code_index_ < 0) return {};
    const SectionRef& sec = o_.sections[code_index_];
    code_.assign(m_.bytes.begin() + sec.offset, m_.bytes.begin() + sec.offset + sec.size);
    const RelocSection* rs = relocs_for(code_index_);
    if (!rs) return {};
    for (auto& r : rs->relocs) {
      switch (r.type) {
        case R_WASM_FUNCTION_INDEX_LEB: case R_WASM_TABLE_INDEX_SLEB: case R_WASM_MEMORY_ADDR_LEB:
        case R_WASM_MEMORY_ADDR_SLEB: case R_WASM_TYPE_INDEX_LEB: case R_WASM_GLOBAL_INDEX_LEB:
        case R_WASM_MEMORY_ADDR_REL_SLEB: case R_WASM_TABLE_INDEX_REL_SLEB: case R_WASM_TABLE_NUMBER_LEB:
        case R_WASM_TAG_INDEX_LEB:
          break;
        default:
          return reloc_error(*rs, r, "relocation type not supported in code");
      }
      if (uint64_t(r.offset) + 5 > code_.size() || !is_padded_leb5(&code_[r.offset]))
        return reloc_error(*rs, r, "the site is not a 5-byte padded LEB128");
      uint8_t* p = &code_[r.offset];
      const Symbol* s = r.type == R_WASM_TYPE_INDEX_LEB ? nullptr : &o_.symbols[r.index];
      switch (r.type) {
        case R_WASM_FUNCTION_INDEX_LEB: {
          WI_TRY(expect_kind(*rs, r, SymKind::Function));
          uint32_t target;
          if (s->undefined()) target = s->index;
          else if (preemptible_[r.index]) target = redirect_.at(s->name), ++stats_.redirected_calls;
          else target = out_func(s->index);
          write_padded_u32(p, target);
          break;
        }
        case R_WASM_TYPE_INDEX_LEB: write_padded_u32(p, r.index); break;
        case R_WASM_GLOBAL_INDEX_LEB: {
          WI_TRY_ASSIGN(uint32_t g, global_index_for(*rs, r));
          write_padded_u32(p, g);
          break;
        }
        case R_WASM_TABLE_NUMBER_LEB:
          WI_TRY(expect_kind(*rs, r, SymKind::Table));
          write_padded_u32(p, 0);
          break;
        case R_WASM_TAG_INDEX_LEB:  // index spaces kept (plan_tags)
          WI_TRY(expect_kind(*rs, r, SymKind::Tag));
          write_padded_u32(p, s->index);
          break;
        case R_WASM_MEMORY_ADDR_LEB:
        case R_WASM_MEMORY_ADDR_SLEB: {
          WI_TRY(expect_kind(*rs, r, SymKind::Data));
          SiteKind kind = r.type == R_WASM_MEMORY_ADDR_LEB ? SiteKind::MemLeb : SiteKind::MemSleb;
          uint32_t v = binds_locally(r.index) ? data_addr(*s, r.addend) : uint32_t(r.addend);
          if (binds_locally(r.index)) sites_.push_back({r.offset, kind, {}, int32_t(v)});
          else sites_.push_back({r.offset, kind, s->name, r.addend});
          if (kind == SiteKind::MemLeb) write_padded_u32(p, v);
          else write_padded_s32(p, int32_t(v));
          break;
        }
        case R_WASM_TABLE_INDEX_SLEB: {
          WI_TRY(expect_kind(*rs, r, SymKind::Function));
          if (binds_locally(r.index)) {
            uint32_t f = out_func(s->index);
            sites_.push_back({r.offset, SiteKind::TableSleb, {}, int32_t(f)});
            write_padded_s32(p, int32_t(slot_for(f)));
          } else {
            sites_.push_back({r.offset, SiteKind::TableSleb, s->name, 0});
            write_padded_s32(p, 0);
          }
          break;
        }
        case R_WASM_MEMORY_ADDR_REL_SLEB:  // PIC: relative to __memory_base, known now
          WI_TRY(expect_kind(*rs, r, SymKind::Data));
          if (!binds_locally(r.index))
            return reloc_error(*rs, r, fmt::format("'{}' is not defined in this module", s->name));
          write_padded_s32(p, int32_t(data_addr(*s, r.addend)));
          break;
        case R_WASM_TABLE_INDEX_REL_SLEB:  // PIC: relative to __table_base, known now
          WI_TRY(expect_kind(*rs, r, SymKind::Function));
          if (!binds_locally(r.index))
            return reloc_error(*rs, r, fmt::format("'{}' is not defined in this module", s->name));
          write_padded_s32(p, int32_t(slot_for(out_func(s->index))));
          break;
        default:
          return reloc_error(*rs, r, "relocation type not supported in code");
      }
    }
    stats_.code_sites = uint32_t(sites_.size());
    return {};
  }

  Result<void> relocate_data() {
    if (data_index_ < 0) return {};
    const RelocSection* rs = relocs_for(data_index_);
    if (!rs) return {};
    size_t payload = o_.sections[data_index_].offset;
    size_t seg = 0;  // relocations are sorted by offset, segments by position
    for (auto& r : rs->relocs) {
      size_t file = payload + r.offset;
      while (seg < m_.datas.size() && file >= m_.datas[seg].file_offset + m_.datas[seg].size) ++seg;
      if (seg == m_.datas.size() || file < m_.datas[seg].file_offset ||
          file + 4 > m_.datas[seg].file_offset + m_.datas[seg].size)
        return reloc_error(*rs, r, "site is not inside one data segment's bytes");
      uint32_t where = seg_addr_[seg] + uint32_t(file - m_.datas[seg].file_offset);
      const Symbol& s = o_.symbols[r.index];
      uint32_t value = 0;
      switch (r.type) {
        case R_WASM_MEMORY_ADDR_I32:
          WI_TRY(expect_kind(*rs, r, SymKind::Data));
          if (binds_locally(r.index)) {
            value = data_addr(s, r.addend);
            info_.fixup.push_back({where, value});
          } else {
            value = uint32_t(r.addend);
            info_.ref.push_back({s.name, where, r.addend});
          }
          break;
        case R_WASM_TABLE_INDEX_I32:
          WI_TRY(expect_kind(*rs, r, SymKind::Function));
          if (binds_locally(r.index)) {
            uint32_t f = out_func(s.index);
            value = slot_for(f);
            info_.fixupfun.push_back({where, f});
          } else {
            info_.refun.push_back({s.name, where});
          }
          break;
        default:
          return reloc_error(*rs, r, "relocation type not supported in data");
      }
      for (int i = 0; i < 4; ++i) image_[where + i] = uint8_t(value >> (8 * i));
      last_data_site_ = std::max(last_data_site_, where + 4);
      ++stats_.data_sites;
    }
    return {};
  }

  // Offset of a defined function's body (after its size field) in the code section payload, the
  // value of R_WASM_FUNCTION_OFFSET_I32.
  Result<uint32_t> function_offset(uint32_t obj_index) const {
    const FunctionBody& b = m_.codes[obj_index - m_.num_imported_funcs];
    Reader rd(std::span<const uint8_t>(m_.bytes.data() + b.offset, b.code_start - b.offset), b.offset);
    WI_TRY(rd.u32());
    return uint32_t(b.offset + rd.pos() - o_.sections[code_index_].offset);
  }

  // Custom sections that stay, with relocations applied for the link layout; the data addresses among
  // them are listed in custom_fixup, for the loader to move with the data.
  Result<void> collect_customs() {
    for (size_t i = 0; i < o_.sections.size(); ++i) {
      const SectionRef& sec = o_.sections[i];
      if (sec.id != 0) continue;
      const std::string& n = sec.name;
      if (n == "linking" || n.starts_with("reloc.") || n == "name" || n == "producers" ||
          n == "target_features" || n == kDynInfoSection)
        continue;
      bool debug = n.starts_with(".debug_") || n == "external_debug_info" || n == "sourceMappingURL";
      if (debug && !opt_.keep_debug) continue;
      std::vector<uint8_t> body(m_.bytes.begin() + sec.offset, m_.bytes.begin() + sec.offset + sec.size);
      if (auto* rs = relocs_for(int(i))) {
        for (auto& r : rs->relocs) {
          if (uint64_t(r.offset) + 4 > body.size()) return reloc_error(*rs, r, "site past the end of the section");
          const Symbol& s = o_.symbols[r.index];
          uint32_t v;
          switch (r.type) {
            case R_WASM_MEMORY_ADDR_I32:
              WI_TRY(expect_kind(*rs, r, SymKind::Data));
              v = s.defined() ? data_addr(s, r.addend) : 0;
              // The loader moves this module's data to its __memory_base; listing the word lets it move
              // the address too, so a debugger reading DWARF finds the variable where it lives.
              if (s.defined()) custom_sites_.push_back({customs_.size(), r.offset, v});
              break;
            case R_WASM_FUNCTION_OFFSET_I32: {
              WI_TRY(expect_kind(*rs, r, SymKind::Function));
              if (s.undefined()) {
                v = 0;
                break;
              }
              WI_TRY_ASSIGN(uint32_t off, function_offset(s.index));
              v = off + uint32_t(r.addend);
              break;
            }
            case R_WASM_SECTION_OFFSET_I32: v = uint32_t(r.addend); break;  // sections are copied whole
            case R_WASM_GLOBAL_INDEX_I32: {
              WI_TRY_ASSIGN(v, global_index_for(*rs, r));
              break;
            }
            default: return reloc_error(*rs, r, "relocation type not supported in a custom section");
          }
          for (int k = 0; k < 4; ++k) body[r.offset + k] = uint8_t(v >> (8 * k));
        }
      }
      customs_.emplace_back(n, std::move(body));
    }
    return {};
  }

  // ---- dyninfo and exports ----

  Result<void> fill_info() {
    info_.shared = opt_.shared;
    if (!opt_.shared) info_.entry = opt_.entry;
    info_.needed = opt_.needed;
    std::set<std::string> seen;
    std::set<std::string> exported_names;
    for (size_t i = 0; i < o_.symbols.size(); ++i) {
      const Symbol& s = o_.symbols[i];
      if (!dynamic_[i]) continue;
      if (!seen.insert(s.name).second) continue;
      if (s.kind == SymKind::Function) {
        info_.defun.push_back({s.name, out_func(s.index)});
        exports_.push_back({s.name, ExternKind::Func, out_func(s.index)});
      } else if (s.kind == SymKind::Data) {
        info_.def.push_back({s.name, data_addr(s, 0), s.size});
      } else if (s.kind == SymKind::Global) {
        exports_.push_back({s.name, ExternKind::Global, out_global(s.index)});
      }
      if (s.weak()) info_.weak.push_back(s.name);
    }
    for (auto& name : opt_.exports)
      if (!seen.count(name)) return make_error(SIZE_MAX, fmt::format("--export={}: no such symbol defined", name));
    for (auto& s : o_.symbols)
      if (s.undefined() && s.weak() && !s.local() && seen.insert(s.name).second) info_.weak.push_back(s.name);

    std::vector<std::pair<InitFunc, size_t>> inits;
    for (size_t i = 0; i < o_.init_funcs.size(); ++i) inits.emplace_back(o_.init_funcs[i], i);
    std::stable_sort(inits.begin(), inits.end(),
                     [](auto& a, auto& b) { return a.first.priority < b.first.priority; });
    for (auto& [f, _] : inits) {
      const Symbol& s = o_.symbols[f.symbol];
      if (s.undefined()) return make_error(SIZE_MAX, fmt::format("init function '{}' is not defined here", s.name));
      info_.init.push_back({f.priority, out_func(s.index)});
    }
    info_.table_size = uint32_t(slots_.size());
    return {};
  }

  // Names for the name section: imports by symbol, definitions by their global symbol if any.
  std::map<uint32_t, std::string> function_names() const {
    std::map<uint32_t, std::string> names;
    for (auto& [idx, n] : m_.func_names) names[out_func(idx)] = n;
    for (int pass = 0; pass < 2; ++pass)  // local symbols first, global ones override
      for (auto& s : o_.symbols)
        if (s.kind == SymKind::Function && s.local() == (pass == 0)) names[out_func(s.index)] = s.name;
    for (auto& [name, idx] : redirect_) names[idx] = name;
    return names;
  }

  // ---- output ----

  Result<WasmifyOutput> write() {
    ModuleWriter w;
    auto copy_section = [&](uint8_t id) {
      int i = o_.section_index(id);
      if (i < 0) return;
      const SectionRef& s = o_.sections[i];
      w.section(id, std::span<const uint8_t>(m_.bytes.data() + s.offset, s.size));
    };
    copy_section(1);  // types
    ByteWriter imp;
    imp.u32(uint32_t(imports_.size()));
    for (auto& i : imports_) write_import(imp, i);
    w.section(2, imp.bytes);
    copy_section(3);  // function declarations
    copy_section(6);  // globals (their init expressions name imported globals only)
    if (!exports_.empty()) {
      ByteWriter ex;
      ex.u32(uint32_t(exports_.size()));
      for (auto& e : exports_) {
        ex.name(e.name);
        ex.u8(uint8_t(e.kind));
        ex.u32(e.index);
      }
      w.section(7, ex.bytes);
    }
    if (!slots_.empty()) {
      ByteWriter el;
      el.u32(1);
      el.u32(0);  // active, table 0, funcidx vector
      write_global_get_expr(el, table_base_);
      el.u32(uint32_t(slots_.size()));
      for (uint32_t f : slots_) el.u32(f);
      w.section(9, el.bytes);
    }
    size_t code_at = 0;
    if (code_index_ >= 0) code_at = w.section(10, code_);
    size_t image_len = image_.size();
    while (image_len > last_data_site_ && image_[image_len - 1] == 0) --image_len;
    if (image_len > 0) {
      ByteWriter d;
      d.u32(1);
      d.u32(0);  // active, memory 0
      write_global_get_expr(d, memory_base_);
      d.u32(uint32_t(image_len));
      d.raw(std::span<const uint8_t>(image_.data(), image_len));
      w.section(11, d.bytes);
    }
    // name section: function names (subsection 1)
    auto names = function_names();
    ByteWriter fn;
    fn.u32(uint32_t(names.size()));
    for (auto& [idx, n] : names) {
      fn.u32(idx);
      fn.name(n);
    }
    ByteWriter ns;
    ns.u8(1);
    ns.u32(uint32_t(fn.size()));
    ns.raw(fn.bytes);
    w.custom("name", ns.bytes);
    std::vector<size_t> custom_at;
    for (auto& [n, body] : customs_) custom_at.push_back(w.custom(n, body));
    for (auto& c : custom_sites_) info_.custom_fixup.push_back({uint32_t(custom_at[c.custom] + c.offset), c.target});

    for (auto& s : sites_) {
      uint32_t where = uint32_t(code_at + s.offset);
      if (s.name.empty()) info_.code_fixup.push_back({where, s.kind, uint32_t(s.value)});
      else info_.code_ref.push_back({where, s.kind, s.name, s.value});
    }
    std::string json = to_json(info_);
    w.custom(kDynInfoSection, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(json.data()), json.size()));

    WasmifyOutput out;
    out.bytes = w.take();
    out.info = std::move(info_);
    stats_.functions = uint32_t(m_.codes.size());
    stats_.imports = uint32_t(imports_.size());
    stats_.data_image = uint32_t(image_len);
    out.stats = stats_;
    return out;
  }

  ObjectFile& o_;
  const Module& m_;
  const WasmifyOptions& opt_;
  int code_index_ = -1, data_index_ = -1;
  std::set<std::string> export_set_;
  std::vector<bool> dynamic_, preemptible_;
  std::vector<uint32_t> seg_addr_;
  std::vector<uint8_t> image_;
  uint32_t last_data_site_ = 0;
  std::map<std::string, uint32_t> redirect_;  // preemptible function name -> its import index
  std::vector<uint32_t> redirect_order_;      // symbols, in import order
  uint32_t func_shift_ = 0, global_shift_ = 0;
  uint32_t memory_base_ = 0, table_base_ = 0;
  std::vector<Import> imports_;
  std::vector<uint32_t> slots_;
  std::map<uint32_t, uint32_t> slot_of_;
  std::vector<uint8_t> code_;
  std::vector<CodeSite> sites_;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> customs_;
  struct CustomSite {  // a data address in customs_[custom] at `offset` in its body
    size_t custom;
    uint32_t offset, target;
  };
  std::vector<CustomSite> custom_sites_;
  std::vector<Export> exports_;
  DynInfo info_;
  WasmifyStats stats_;
};

}  // namespace

Result<WasmifyOutput> wasmify(std::vector<uint8_t> object, const WasmifyOptions& options) {
  WI_TRY_ASSIGN(ObjectFile o, read_object(std::move(object), options.file_name));
  Wasmifier w(o, options);
  WI_TRY_ASSIGN(WasmifyOutput out, w.run());
  // An object whose relocations contradict its code (fuzz_wasmify: a table-index site on a `call`'s
  // operand became `call 0` of another type) or whose code was never valid gives an invalid module;
  // reject it here, naming the object, rather than at load in a program that needs it.
  if (auto decoded = decode_module(out.bytes, nullptr); !decoded)
    return make_error(SIZE_MAX, fmt::format("the output does not validate ({}): the object's code or relocations "
                                            "are malformed", format_error("output", decoded.error())));
  return out;
}

}  // namespace wi::link
