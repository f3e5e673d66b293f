// Reading of relocatable wasm objects: section layout, `linking` (version 2) and `reloc.*` sections.
// Policy: validate the module with decode_module first, then read the metadata strictly; every error
// carries the file offset of the offending byte and names what was expected.
#include "linker/object_reader.h"
#include <fmt/format.h>
#include "decoder/decoder.h"
#include "decoder/reader.h"

namespace wi::link {

const char* to_string(SymKind k) {
  switch (k) {
    case SymKind::Function: return "function";
    case SymKind::Data: return "data";
    case SymKind::Global: return "global";
    case SymKind::Section: return "section";
    case SymKind::Tag: return "tag";
    case SymKind::Table: return "table";
  }
  return "?";
}

const char* reloc_type_name(uint32_t type) {
  static const char* const names[] = {
      "R_WASM_FUNCTION_INDEX_LEB",     "R_WASM_TABLE_INDEX_SLEB",      "R_WASM_TABLE_INDEX_I32",
      "R_WASM_MEMORY_ADDR_LEB",        "R_WASM_MEMORY_ADDR_SLEB",      "R_WASM_MEMORY_ADDR_I32",
      "R_WASM_TYPE_INDEX_LEB",         "R_WASM_GLOBAL_INDEX_LEB",      "R_WASM_FUNCTION_OFFSET_I32",
      "R_WASM_SECTION_OFFSET_I32",     "R_WASM_TAG_INDEX_LEB",         "R_WASM_MEMORY_ADDR_REL_SLEB",
      "R_WASM_TABLE_INDEX_REL_SLEB",   "R_WASM_GLOBAL_INDEX_I32",      "R_WASM_MEMORY_ADDR_LEB64",
      "R_WASM_MEMORY_ADDR_SLEB64",     "R_WASM_MEMORY_ADDR_I64",       "R_WASM_MEMORY_ADDR_REL_SLEB64",
      "R_WASM_TABLE_INDEX_SLEB64",     "R_WASM_TABLE_INDEX_I64",       "R_WASM_TABLE_NUMBER_LEB",
      "R_WASM_MEMORY_ADDR_TLS_SLEB",   "R_WASM_FUNCTION_OFFSET_I64",   "R_WASM_MEMORY_ADDR_LOCREL_I32",
      "R_WASM_TABLE_INDEX_REL_SLEB64", "R_WASM_MEMORY_ADDR_TLS_SLEB64",
  };
  return type <= kMaxRelocType ? names[type] : "unknown";
}

bool reloc_has_addend(uint32_t type) {
  switch (type) {
    case R_WASM_MEMORY_ADDR_LEB:
    case R_WASM_MEMORY_ADDR_LEB64:
    case R_WASM_MEMORY_ADDR_SLEB:
    case R_WASM_MEMORY_ADDR_SLEB64:
    case R_WASM_MEMORY_ADDR_REL_SLEB:
    case R_WASM_MEMORY_ADDR_REL_SLEB64:
    case R_WASM_MEMORY_ADDR_I32:
    case R_WASM_MEMORY_ADDR_I64:
    case R_WASM_MEMORY_ADDR_TLS_SLEB:
    case R_WASM_MEMORY_ADDR_TLS_SLEB64:
    case R_WASM_FUNCTION_OFFSET_I32:
    case R_WASM_FUNCTION_OFFSET_I64:
    case R_WASM_SECTION_OFFSET_I32:
    case R_WASM_MEMORY_ADDR_LOCREL_I32:
      return true;
    default:
      return false;
  }
}

static bool addend_is_64(uint32_t type) {
  switch (type) {
    case R_WASM_MEMORY_ADDR_LEB64:
    case R_WASM_MEMORY_ADDR_SLEB64:
    case R_WASM_MEMORY_ADDR_I64:
    case R_WASM_MEMORY_ADDR_REL_SLEB64:
    case R_WASM_MEMORY_ADDR_TLS_SLEB64:
    case R_WASM_FUNCTION_OFFSET_I64:
      return true;
    default:
      return false;
  }
}

const SectionRef* ObjectFile::find_section(uint8_t id, std::string_view name) const {
  for (auto& s : sections)
    if (s.id == id && (id != 0 || s.name == name)) return &s;
  return nullptr;
}

int ObjectFile::section_index(uint8_t id) const {
  for (size_t i = 0; i < sections.size(); ++i)
    if (sections[i].id == id && id != 0) return int(i);
  return -1;
}

namespace {

class LinkingReader {
 public:
  explicit LinkingReader(ObjectFile& o) : o_(o) {}

  Result<void> read(const CustomSection& c) {
    Reader r(c.payload, c.offset);
    WI_TRY_ASSIGN(o_.linking_version, r.u32());
    if (o_.linking_version != 2)
      return r.error_at(c.offset, fmt::format("linking section version {} (only 2 is supported)",
                                              o_.linking_version));
    while (!r.at_end()) {
      size_t at = r.offset();
      WI_TRY_ASSIGN(uint8_t type, r.u8());
      WI_TRY_ASSIGN(uint32_t size, r.u32());
      if (size > r.remaining()) return r.error("linking subsection extends past the section");
      Reader s(std::span<const uint8_t>(r.cursor(), size), r.offset());
      r.skip(size);
      switch (type) {
        case 5: WI_TRY(segment_info(s)); break;
        case 6: WI_TRY(init_funcs(s)); break;
        case 7: WI_TRY(comdat_info(s)); break;
        case 8: WI_TRY(symbol_table(s)); break;
        default: return r.error_at(at, fmt::format("unknown linking subsection type {}", type));
      }
      if (!s.at_end()) return s.error("linking subsection size mismatch");
    }
    return {};
  }

 private:
  Result<uint32_t> count(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, s.u32());
    if (n > s.remaining()) return s.error("count larger than the subsection");
    return n;
  }

  Result<void> segment_info(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      SegmentInfo seg;
      WI_TRY_ASSIGN(seg.name, s.name());
      WI_TRY_ASSIGN(seg.p2align, s.u32());
      if (seg.p2align > 31) return s.error(fmt::format("segment {} alignment 2^{} too large", i, seg.p2align));
      WI_TRY_ASSIGN(seg.flags, s.u32());
      o_.segments.push_back(std::move(seg));
    }
    if (o_.segments.size() != o_.module->datas.size())
      return s.error(fmt::format("segment info has {} entries for {} data segments", o_.segments.size(),
                                 o_.module->datas.size()));
    return {};
  }

  Result<void> init_funcs(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      InitFunc f;
      WI_TRY_ASSIGN(f.priority, s.u32());
      size_t at = s.offset();
      WI_TRY_ASSIGN(f.symbol, s.u32());
      if (f.symbol >= o_.symbols.size() || o_.symbols[f.symbol].kind != SymKind::Function)
        return s.error_at(at, fmt::format("init function {} is not a function symbol", f.symbol));
      o_.init_funcs.push_back(f);
    }
    return {};
  }

  Result<void> comdat_info(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      Comdat c;
      WI_TRY_ASSIGN(c.name, s.name());
      size_t at = s.offset();
      WI_TRY_ASSIGN(uint32_t flags, s.u32());
      if (flags != 0) return s.error_at(at, fmt::format("comdat '{}' has flags {}", c.name, flags));
      WI_TRY_ASSIGN(uint32_t m, count(s));
      for (uint32_t j = 0; j < m; ++j) {
        WI_TRY_ASSIGN(uint8_t kind, s.u8());
        WI_TRY_ASSIGN(uint32_t index, s.u32());
        if (kind > 5) return s.error(fmt::format("comdat '{}': unknown member kind {}", c.name, kind));
        c.members.emplace_back(kind, index);
      }
      o_.comdats.push_back(std::move(c));
    }
    return {};
  }

  // The name of an undefined function/global/table/tag symbol without an explicit name is the field
  // of the import it refers to.
  Result<std::string> import_name(Reader& s, size_t at, ExternKind kind, uint32_t index) {
    uint32_t seen = 0;
    for (auto& imp : o_.module->imports) {
      if (imp.kind != kind) continue;
      if (seen++ == index) return imp.name;
    }
    return s.error_at(at, fmt::format("undefined symbol refers to {} {}, which is not an import",
                                      wi::to_string(kind), index));
  }

  Result<void> symbol_table(Reader& s) {
    const Module& m = *o_.module;
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      size_t at = s.offset();
      Symbol sym;
      WI_TRY_ASSIGN(uint8_t kind, s.u8());
      if (kind > 5) return s.error_at(at, fmt::format("symbol {}: unknown kind {}", i, kind));
      sym.kind = SymKind(kind);
      WI_TRY_ASSIGN(sym.flags, s.u32());
      switch (sym.kind) {
        case SymKind::Function:
        case SymKind::Global:
        case SymKind::Tag:
        case SymKind::Table: {
          size_t iat = s.offset();
          WI_TRY_ASSIGN(sym.index, s.u32());
          ExternKind ek = sym.kind == SymKind::Function ? ExternKind::Func
                          : sym.kind == SymKind::Global ? ExternKind::Global
                          : sym.kind == SymKind::Tag    ? ExternKind::Tag
                                                        : ExternKind::Table;
          uint64_t total = 0, imported = 0;
          if (sym.kind == SymKind::Function) total = m.func_types.size(), imported = m.num_imported_funcs;
          if (sym.kind == SymKind::Global) total = m.global_types.size(), imported = m.num_imported_globals;
          if (sym.kind == SymKind::Table) total = m.tables.size(), imported = m.num_imported_tables;
          if (sym.kind == SymKind::Tag) total = m.tag_types.size(), imported = m.num_imported_tags;
          if (sym.index >= total)
            return s.error_at(iat, fmt::format("symbol {}: {} index {} out of range", i, to_string(sym.kind),
                                               sym.index));
          if (sym.undefined() != (sym.index < imported))
            return s.error_at(iat, fmt::format("symbol {}: undefined flag does not match import {}", i, sym.index));
          if (sym.defined() || (sym.flags & kSymExplicitName)) {
            WI_TRY_ASSIGN(sym.name, s.name());
          } else {
            WI_TRY_ASSIGN(sym.name, import_name(s, iat, ek, sym.index));
          }
          break;
        }
        case SymKind::Data: {
          WI_TRY_ASSIGN(sym.name, s.name());
          if (sym.defined()) {
            size_t sat = s.offset();
            WI_TRY_ASSIGN(sym.segment, s.u32());
            WI_TRY_ASSIGN(sym.offset, s.u32());
            WI_TRY_ASSIGN(sym.size, s.u32());
            if (sym.segment >= m.datas.size())
              return s.error_at(sat, fmt::format("data symbol '{}': segment {} out of range", sym.name,
                                                 sym.segment));
            if (uint64_t(sym.offset) + sym.size > m.datas[sym.segment].size)
              return s.error_at(sat, fmt::format("data symbol '{}' extends past its segment", sym.name));
          }
          break;
        }
        case SymKind::Section: {
          size_t sat = s.offset();
          WI_TRY_ASSIGN(sym.index, s.u32());
          if (sym.index >= o_.sections.size())
            return s.error_at(sat, fmt::format("section symbol {}: section {} out of range", i, sym.index));
          sym.name = o_.sections[sym.index].name;
          break;
        }
      }
      o_.symbols.push_back(std::move(sym));
    }
    return {};
  }

  ObjectFile& o_;
};

Result<void> scan_sections(ObjectFile& o) {
  const auto& bytes = o.module->bytes;
  Reader r(bytes);
  r.skip(8);  // magic and version, checked by the decoder
  while (!r.at_end()) {
    SectionRef sec;
    WI_TRY_ASSIGN(sec.id, r.u8());
    WI_TRY_ASSIGN(uint32_t size, r.u32());
    sec.start = r.offset();
    Reader s(std::span<const uint8_t>(r.cursor(), size), r.offset());
    r.skip(size);
    if (sec.id == 0) {
      WI_TRY_ASSIGN(sec.name, s.name());
    }
    sec.offset = s.offset();
    sec.size = s.remaining();
    o.sections.push_back(std::move(sec));
  }
  return {};
}

Result<void> read_relocs(ObjectFile& o, const CustomSection& c) {
  Reader r(c.payload, c.offset);
  RelocSection rs;
  rs.name = c.name;
  size_t at = r.offset();
  WI_TRY_ASSIGN(rs.target, r.u32());
  if (rs.target >= o.sections.size())
    return r.error_at(at, fmt::format("{}: target section {} out of range", c.name, rs.target));
  const SectionRef& target = o.sections[rs.target];
  WI_TRY_ASSIGN(uint32_t n, r.u32());
  if (n > r.remaining()) return r.error_at(at, fmt::format("{}: count larger than the section", c.name));
  rs.relocs.reserve(n);
  uint32_t last_offset = 0;
  for (uint32_t i = 0; i < n; ++i) {
    Reloc rel;
    rel.file_offset = r.offset();
    WI_TRY_ASSIGN(uint32_t type, r.u32());
    if (type > kMaxRelocType)
      return r.error_at(rel.file_offset, fmt::format("{}: unknown relocation type {}", c.name, type));
    rel.type = uint8_t(type);
    WI_TRY_ASSIGN(rel.offset, r.u32());
    WI_TRY_ASSIGN(rel.index, r.u32());
    if (reloc_has_addend(type)) {
      if (addend_is_64(type)) {
        WI_TRY_ASSIGN(int64_t a, r.s64());
        rel.addend = int32_t(a);
      } else {
        WI_TRY_ASSIGN(rel.addend, r.s32());
      }
    }
    if (type == R_WASM_TYPE_INDEX_LEB) {
      if (rel.index >= o.module->types.size())
        return r.error_at(rel.file_offset, fmt::format("{}: type index {} out of range", c.name, rel.index));
    } else if (rel.index >= o.symbols.size()) {
      return r.error_at(rel.file_offset, fmt::format("{}: symbol index {} out of range", c.name, rel.index));
    }
    if (rel.offset >= target.size)
      return r.error_at(rel.file_offset,
                        fmt::format("{}: offset {:#x} past the end of the section", c.name, rel.offset));
    if (i && rel.offset < last_offset)
      return r.error_at(rel.file_offset, fmt::format("{}: relocations are not sorted by offset", c.name));
    last_offset = rel.offset;
    rs.relocs.push_back(rel);
  }
  if (!r.at_end()) return r.error(fmt::format("{}: trailing bytes", c.name));
  o.relocs.push_back(std::move(rs));
  return {};
}

}  // namespace

Result<ObjectFile> read_object(std::vector<uint8_t> bytes, const std::string& file_name) {
  ObjectFile o;
  DecodeOptions opts;
  opts.file_name = file_name;
  WI_TRY_ASSIGN(o.module, decode_module(std::move(bytes), nullptr, opts));
  WI_TRY(scan_sections(o));
  const CustomSection* linking = o.module->custom("linking");
  if (!linking)
    return make_error(SIZE_MAX, "no 'linking' section: not a relocatable object (compile with clang -c)");
  LinkingReader lr(o);
  WI_TRY(lr.read(*linking));
  for (auto& c : o.module->customs)
    if (c.name.starts_with("reloc.")) WI_TRY(read_relocs(o, c));
  return o;
}

}  // namespace wi::link
