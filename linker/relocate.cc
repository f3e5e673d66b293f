// Phase 4, relocate: every place whose value depends on where modules landed. Code sites (`code_fixup`,
// `code_ref`: 5-byte LEBs, rewritten in place) are patched in the module's bytes before it is
// translated, so relocated code runs at full speed, and so are the data addresses of kept DWARF
// (`custom_fixup`), so the module image a debugger reads agrees with memory; data words (`fixup`,
// `fixupfun`, `ref`, `refun`) are written into the shared memory after instantiation has copied the
// data segments there.
// docs/dyninfo.md ("The section") defines each entry; unresolved strong references are link errors.
// A dylink.0 module has none of these entries: it is compiled as it is (load may have rewritten its
// memory into an import), and its start function applies its data relocations from the GOT values
// bind gives it.
#include "decoder/decoder.h"
#include "fmt/format.h"
#include "linker/loaded_module.h"
#include "linker/module_writer.h"

namespace wi::link {
namespace {

Error bad_site(const Linker::Module& m, uint32_t where) {
  return make_error(SIZE_MAX, fmt::format("{}: dyninfo code site at 0x{:x} is outside the code", m.name, where));
}

}  // namespace

Result<void> Linker::relocate(size_t first) {
  for (size_t i = first; i < modules_.size(); ++i) {
    Module& m = *modules_[i];
    std::vector<uint8_t>& bytes = m.decoded ? m.decoded->bytes : m.bytes;
    auto put = [&](uint32_t where, SiteKind kind, uint32_t value) -> Result<void> {
      if (uint64_t(where) + 5 > bytes.size()) return bad_site(m, where);
      if (kind == SiteKind::MemLeb) write_padded_u32(&bytes[where], value);
      else write_padded_s32(&bytes[where], int32_t(value));
      return {};
    };
    for (auto& s : m.info.code_fixup) {
      uint32_t v;
      if (s.kind == SiteKind::TableSleb) {
        if (!m.has_slot(s.target))
          return make_error(SIZE_MAX, fmt::format("{}: dyninfo code_fixup names function {} without a table slot",
                                                  m.name, s.target));
        v = m.T(s.target);
      } else {
        v = m.A(s.target);
      }
      WI_TRY(put(s.where, s.kind, v));
    }
    for (auto& s : m.info.code_ref) {
      uint32_t v = 0;
      if (s.kind == SiteKind::TableSleb) {
        WI_TRY_ASSIGN(v, canonical_index(s.name, &m));
      } else if (auto a = data_address(s.name, &m)) {
        v = *a + uint32_t(s.addend);
      } else if (!m.is_weak(s.name)) {
        return make_error(SIZE_MAX, fmt::format("{}: unresolved symbol '{}' (data address)", m.name, s.name));
      }
      WI_TRY(put(s.where, s.kind, v));
    }
    // DWARF kept by wasmify names data by link address; the image debuggers read (the stub serves these
    // bytes) names it where it lives. Checked to be custom-section words (check.cc).
    for (auto& f : m.info.custom_fixup) {
      if (uint64_t(f.where) + 4 > bytes.size())  // check.cc refused it already; never write past the bytes
        return make_error(SIZE_MAX, fmt::format("{}: dyninfo custom_fixup word at 0x{:x} is past the module", m.name,
                                                f.where));
      uint32_t v = m.A(f.target);
      for (int b = 0; b < 4; ++b) bytes[f.where + b] = uint8_t(v >> (8 * b));
      if (v != f.target) m.customs_relocated = true;
    }
    CompileOptions co = options_.compile;
    co.file_name = m.name;
    // The compiled module takes the (patched) module over: no second decode, no copy of the bytes.
    auto compiled = m.decoded ? compile_decoded(std::move(m.decoded), co) : compile_module(std::move(m.bytes), co);
    m.bytes = {};
    if (!compiled) return make_error(SIZE_MAX, format_error(m.name, compiled.error()));
    m.compiled = std::move(*compiled);
  }
  return {};
}

Result<void> Linker::write_data_words(size_t first) {
  auto word = [&](Module& m, uint32_t link_where, uint32_t v) -> Result<void> {
    if (link_where < m.info.data || uint64_t(link_where) + 4 > m.info.data_end)
      return make_error(SIZE_MAX, fmt::format("{}: dyninfo data site 0x{:x} is outside its data", m.name, link_where));
    uint32_t at = m.A(link_where);
    for (int b = 0; b < 4; ++b) memory_->data[at + b] = uint8_t(v >> (8 * b));
    return {};
  };
  for (size_t i = first; i < modules_.size(); ++i) {
    Module& m = *modules_[i];
    for (auto& f : m.info.fixup) WI_TRY(word(m, f.where, m.A(f.target)));
    for (auto& f : m.info.fixupfun) {
      if (!m.has_slot(f.func))
        return make_error(SIZE_MAX, fmt::format("{}: dyninfo fixupfun names function {} without a table slot",
                                                m.name, f.func));
      WI_TRY(word(m, f.where, m.T(f.func)));
    }
    for (auto& r : m.info.ref) {
      uint32_t v = 0;
      if (auto a = data_address(r.name, &m)) v = *a + uint32_t(r.addend);
      else if (!m.is_weak(r.name))
        return make_error(SIZE_MAX, fmt::format("{}: unresolved symbol '{}' (data reference)", m.name, r.name));
      WI_TRY(word(m, r.where, v));
    }
    for (auto& r : m.info.refun) {
      WI_TRY_ASSIGN(uint32_t v, canonical_index(r.name, &m));
      WI_TRY(word(m, r.where, v));
    }
  }
  // Canonical slots appended, for functions without one of their own, before their module existed.
  if (table_->elems.size() < table_top_ && table_->grow(table_top_ - table_->elems.size(), nullptr) < 0)
    return make_error(SIZE_MAX, "cannot grow the table");
  std::erase_if(pending_slots_, [&](const PendingSlot& p) {
    if (!p.module->instance) return false;
    table_->elems[p.slot] = p.module->instance->funcs[p.func];
    return true;
  });
  return {};
}

}  // namespace wi::link
