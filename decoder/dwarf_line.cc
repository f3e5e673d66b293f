// The DWARF 2-5 line-number program reader behind decoder/dwarf_line.h: header (with DWARF 5's
// described directory and file entries), then the state machine of DWARF 5 section 6.2.2 run over
// each unit's opcodes. Policy: bounds-checked like the rest of decoder/; the first error stops the parse.
#include "decoder/dwarf_line.h"
#include <algorithm>
#include <cstring>
#include <map>
#include "decoder/module.h"
#include "decoder/reader.h"
#include "fmt/format.h"

namespace wi {
namespace {

// The line register plus a signed advance, wrapping like the unsigned register DWARF defines instead
// of overflowing int64_t (UB; fuzz_compile found an advance of INT64_MAX). A row keeps only lines in
// (0, INT32_MAX], so a wrapped value is dropped as any other nonsense line is.
int64_t wrap_add(int64_t line, int64_t delta) { return int64_t(uint64_t(line) + uint64_t(delta)); }

// DWARF constants used here (DWARF 5 section 7.22 and 7.5.6).
enum : uint8_t {
  DW_LNS_copy = 1, DW_LNS_advance_pc, DW_LNS_advance_line, DW_LNS_set_file, DW_LNS_set_column,
  DW_LNS_negate_stmt, DW_LNS_set_basic_block, DW_LNS_const_add_pc, DW_LNS_fixed_advance_pc,
  DW_LNS_set_prologue_end, DW_LNS_set_epilogue_begin, DW_LNS_set_isa,
};
enum : uint8_t { DW_LNE_end_sequence = 1, DW_LNE_set_address, DW_LNE_define_file, DW_LNE_set_discriminator };
enum : uint32_t { DW_LNCT_path = 1, DW_LNCT_directory_index = 2 };
enum : uint32_t {
  DW_FORM_block2 = 0x03, DW_FORM_block4 = 0x04, DW_FORM_data2 = 0x05, DW_FORM_data4 = 0x06,
  DW_FORM_data8 = 0x07, DW_FORM_string = 0x08, DW_FORM_block = 0x09, DW_FORM_block1 = 0x0a,
  DW_FORM_data1 = 0x0b, DW_FORM_flag = 0x0c, DW_FORM_sdata = 0x0d, DW_FORM_strp = 0x0e,
  DW_FORM_udata = 0x0f, DW_FORM_data16 = 0x1e, DW_FORM_line_strp = 0x1f,
};

// One unit's view of its files, before they are merged into the table's list.
struct UnitFile {
  std::string name;
  uint64_t dir = 0;
};

class UnitReader {
 public:
  UnitReader(const LineTable::Sections& s, Reader& r, bool dwarf64) : s_(s), r_(r), dwarf64_(dwarf64) {}

  Result<uint64_t> offset_field() {
    if (!dwarf64_) {
      WI_TRY_ASSIGN(uint32_t v, r_.fixed32());
      return uint64_t(v);
    }
    return r_.fixed64();
  }
  Result<std::string> cstring() {
    const uint8_t* p = r_.cursor();
    const void* nul = std::memchr(p, 0, r_.remaining());
    if (!nul) return r_.error("unterminated string in .debug_line");
    size_t n = size_t(static_cast<const uint8_t*>(nul) - p);
    r_.skip(n + 1);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  Result<std::string> string_at(std::span<const uint8_t> section, uint64_t at, const char* name) {
    if (at >= section.size()) return r_.error(fmt::format("string offset 0x{:x} is outside {}", at, name));
    const uint8_t* p = section.data() + at;
    const void* nul = std::memchr(p, 0, section.size() - at);
    if (!nul) return r_.error(fmt::format("unterminated string in {}", name));
    return std::string(reinterpret_cast<const char*>(p), size_t(static_cast<const uint8_t*>(nul) - p));
  }

  // A DWARF 5 entry field of form `form`: strings come back in `text`, numbers in `number`.
  Result<void> form_value(uint32_t form, std::string& text, uint64_t& number) {
    switch (form) {
      case DW_FORM_string: { WI_TRY_ASSIGN(text, cstring()); return {}; }
      case DW_FORM_line_strp: {
        WI_TRY_ASSIGN(uint64_t at, offset_field());
        WI_TRY_ASSIGN(text, string_at(s_.debug_line_str, at, ".debug_line_str"));
        return {};
      }
      case DW_FORM_strp: {
        WI_TRY_ASSIGN(uint64_t at, offset_field());
        WI_TRY_ASSIGN(text, string_at(s_.debug_str, at, ".debug_str"));
        return {};
      }
      case DW_FORM_udata: { WI_TRY_ASSIGN(number, r_.u64()); return {}; }
      case DW_FORM_sdata: { WI_TRY_ASSIGN(int64_t v, r_.s64()); number = uint64_t(v); return {}; }
      case DW_FORM_data1: case DW_FORM_flag: { WI_TRY_ASSIGN(uint8_t v, r_.u8()); number = v; return {}; }
      case DW_FORM_data2: {
        WI_TRY_ASSIGN(auto b, r_.bytes(2));
        number = uint64_t(b[0]) | uint64_t(b[1]) << 8;
        return {};
      }
      case DW_FORM_data4: { WI_TRY_ASSIGN(uint32_t v, r_.fixed32()); number = v; return {}; }
      case DW_FORM_data8: { WI_TRY_ASSIGN(number, r_.fixed64()); return {}; }
      case DW_FORM_data16: { WI_TRY(r_.bytes(16)); return {}; }
      case DW_FORM_block: {
        WI_TRY_ASSIGN(uint64_t n, r_.u64());
        WI_TRY(r_.bytes(n));
        return {};
      }
      case DW_FORM_block1: {
        WI_TRY_ASSIGN(uint8_t n, r_.u8());
        WI_TRY(r_.bytes(n));
        return {};
      }
      default: return r_.error(fmt::format("unsupported form 0x{:x} in a .debug_line entry", form));
    }
  }

  // DWARF 5: a format description, then entries following it. Directories give a name; files a name and
  // a directory index.
  Result<std::vector<UnitFile>> described_entries() {
    WI_TRY_ASSIGN(uint8_t nformats, r_.u8());
    std::vector<std::pair<uint64_t, uint64_t>> format;  // (content type, form)
    for (uint8_t k = 0; k < nformats; ++k) {
      WI_TRY_ASSIGN(uint64_t type, r_.u64());
      WI_TRY_ASSIGN(uint64_t form, r_.u64());
      format.emplace_back(type, form);
    }
    WI_TRY_ASSIGN(uint64_t count, r_.u64());
    if (count > r_.remaining()) return r_.error("entry count larger than the .debug_line header");
    std::vector<UnitFile> out;
    for (uint64_t k = 0; k < count; ++k) {
      UnitFile f;
      for (auto [type, form] : format) {
        std::string text;
        uint64_t number = 0;
        WI_TRY(form_value(uint32_t(form), text, number));
        if (type == DW_LNCT_path) f.name = std::move(text);
        if (type == DW_LNCT_directory_index) f.dir = number;
      }
      out.push_back(std::move(f));
    }
    return out;
  }

 private:
  const LineTable::Sections& s_;
  Reader& r_;
  bool dwarf64_;
};

struct Header {
  uint16_t version = 0;
  uint8_t address_size = 4;
  uint8_t min_inst_length = 1;
  bool default_is_stmt = true;
  int8_t line_base = 0;
  uint8_t line_range = 1;
  uint8_t opcode_base = 1;
  std::vector<uint8_t> standard_lengths;
  std::vector<std::string> dirs;
  std::vector<UnitFile> files;
};

// Where a file's name shows: joined with its directory unless that is the compilation directory
// (index 0), so a program compiled as `clang -g prog.c` reports "prog.c" wherever it was built.
std::string display_path(const Header& h, const UnitFile& f) {
  if (f.name.empty() || f.name[0] == '/' || f.dir == 0 || f.dir >= h.dirs.size()) return f.name;
  const std::string& d = h.dirs[f.dir];
  if (d.empty()) return f.name;
  return d.back() == '/' ? d + f.name : d + "/" + f.name;
}

struct TableBuilder {
  const LineTable::Sections& s;
  std::vector<std::string>& files;
  std::map<std::string, uint32_t> file_ids;
  std::vector<std::vector<LineRow>> sequences;

  uint32_t file_id(const std::string& path) {
    auto [it, added] = file_ids.emplace(path, uint32_t(files.size()));
    if (added) files.push_back(path);
    return it->second;
  }

  Result<void> unit(Reader& r) {
    size_t unit_at = r.offset();
    WI_TRY_ASSIGN(uint32_t len32, r.fixed32());
    bool dwarf64 = len32 == 0xffffffff;
    uint64_t length = len32;
    if (dwarf64) {
      WI_TRY_ASSIGN(length, r.fixed64());
    } else if (len32 >= 0xfffffff0) {
      return r.error_at(unit_at, fmt::format("reserved unit length 0x{:x}", len32));
    }
    if (length > r.remaining()) return r.error_at(unit_at, "line table unit runs past the end of .debug_line");
    Reader u(std::span<const uint8_t>(r.cursor(), length), r.offset());
    r.skip(length);
    UnitReader ur(s, u, dwarf64);

    Header h;
    WI_TRY_ASSIGN(auto vbytes, u.bytes(2));
    h.version = uint16_t(vbytes[0] | vbytes[1] << 8);
    if (h.version < 2 || h.version > 5)
      return u.error_at(unit_at, fmt::format("unsupported .debug_line version {}", h.version));
    if (h.version >= 5) {
      WI_TRY_ASSIGN(h.address_size, u.u8());
      WI_TRY_ASSIGN(uint8_t seg, u.u8());
      (void)seg;
    }
    WI_TRY_ASSIGN(uint64_t header_length, ur.offset_field());
    if (header_length > u.remaining()) return u.error("header_length runs past the unit");
    size_t program_at = u.pos() + header_length;
    WI_TRY_ASSIGN(h.min_inst_length, u.u8());
    if (h.version >= 4) {
      WI_TRY_ASSIGN(uint8_t max_ops, u.u8());
      if (max_ops != 1) return u.error("VLIW line tables (maximum_operations_per_instruction > 1) are not supported");
    }
    WI_TRY_ASSIGN(uint8_t is_stmt, u.u8());
    h.default_is_stmt = is_stmt != 0;
    WI_TRY_ASSIGN(uint8_t lb, u.u8());
    h.line_base = int8_t(lb);
    WI_TRY_ASSIGN(h.line_range, u.u8());
    if (h.line_range == 0) return u.error("line_range is 0");
    WI_TRY_ASSIGN(h.opcode_base, u.u8());
    if (h.opcode_base == 0) return u.error("opcode_base is 0");
    WI_TRY_ASSIGN(auto lengths, u.bytes(h.opcode_base - 1));
    h.standard_lengths.assign(lengths.begin(), lengths.end());

    if (h.version >= 5) {
      WI_TRY_ASSIGN(auto dirs, ur.described_entries());
      for (auto& d : dirs) h.dirs.push_back(std::move(d.name));
      WI_TRY_ASSIGN(h.files, ur.described_entries());
    } else {
      h.dirs.push_back("");  // index 0: the compilation directory
      while (true) {
        WI_TRY_ASSIGN(std::string d, ur.cstring());
        if (d.empty()) break;
        h.dirs.push_back(std::move(d));
      }
      h.files.push_back({});  // DWARF 2-4 number files from 1
      while (true) {
        UnitFile f;
        WI_TRY_ASSIGN(f.name, ur.cstring());
        if (f.name.empty()) break;
        WI_TRY_ASSIGN(f.dir, u.u64());
        WI_TRY(u.u64());  // modification time
        WI_TRY(u.u64());  // length
        h.files.push_back(std::move(f));
      }
    }
    if (program_at > u.pos()) u.skip(program_at - u.pos());
    else if (program_at < u.pos()) return u.error("header longer than its header_length");
    return program(u, ur, h);
  }

  // DWARF 5 section 6.2.5: the line-number program's state machine.
  Result<void> program(Reader& u, UnitReader& ur, Header& h) {
    std::vector<uint32_t> ids;  // unit file number -> table file id
    auto map_file = [&](uint64_t n) -> uint32_t {
      while (ids.size() < h.files.size()) ids.push_back(file_id(display_path(h, h.files[ids.size()])));
      return n < ids.size() ? ids[n] : file_id(fmt::format("<file {}>", n));
    };
    struct State {
      uint64_t address = 0;
      uint64_t file = 1;
      int64_t line = 1;
      uint64_t column = 0;
      bool is_stmt = true;
    } st;
    st.is_stmt = h.default_is_stmt;
    std::vector<LineRow> seq;
    auto emit = [&](bool end) {
      LineRow row;
      // Rows outside the Code section belong to discarded code; the sequence is dropped below.
      // (An end_sequence row may sit one past the section's last byte.)
      row.offset = st.address <= s.code_size ? uint32_t(s.code_start + st.address) : UINT32_MAX;
      row.line = st.line > 0 && st.line <= INT32_MAX ? uint32_t(st.line) : 0;
      row.column = uint32_t(std::min<uint64_t>(st.column, UINT32_MAX));
      row.file = map_file(st.file);
      row.is_stmt = st.is_stmt;
      row.end_sequence = end;
      seq.push_back(row);
    };
    auto end_sequence = [&]() {
      emit(true);
      bool discarded = seq.front().offset == UINT32_MAX || seq.front().offset == s.code_start;
      for (auto& row : seq)
        if (row.offset == UINT32_MAX) discarded = true;
      if (!discarded) sequences.push_back(std::move(seq));
      seq.clear();
      st = State{};
      st.is_stmt = h.default_is_stmt;
    };
    auto advance = [&](uint64_t operation_advance) { st.address += operation_advance * h.min_inst_length; };

    while (!u.at_end()) {
      WI_TRY_ASSIGN(uint8_t op, u.u8());
      if (op >= h.opcode_base) {
        uint8_t adjusted = op - h.opcode_base;
        advance(adjusted / h.line_range);
        st.line = wrap_add(st.line, h.line_base + adjusted % h.line_range);
        emit(false);
        continue;
      }
      switch (op) {
        case 0: {
          WI_TRY_ASSIGN(uint64_t len, u.u64());
          if (len == 0 || len > u.remaining()) return u.error("bad extended opcode length");
          size_t next = u.pos() + len;
          WI_TRY_ASSIGN(uint8_t sub, u.u8());
          if (sub == DW_LNE_end_sequence) {
            end_sequence();
          } else if (sub == DW_LNE_set_address) {
            if (len - 1 == 4) {
              WI_TRY_ASSIGN(uint32_t a, u.fixed32());
              st.address = a;
            } else if (len - 1 == 8) {
              WI_TRY_ASSIGN(st.address, u.fixed64());
            } else {
              return u.error(fmt::format("DW_LNE_set_address with a {}-byte address", len - 1));
            }
          } else if (sub == DW_LNE_define_file && h.version < 5) {
            UnitFile f;
            WI_TRY_ASSIGN(f.name, ur.cstring());
            WI_TRY_ASSIGN(f.dir, u.u64());
            h.files.push_back(std::move(f));
          }
          // DW_LNE_set_discriminator and vendor extensions carry nothing a position needs.
          if (u.pos() > next) return u.error("extended opcode longer than its length");
          u.skip(next - u.pos());
          break;
        }
        case DW_LNS_copy: emit(false); break;
        case DW_LNS_advance_pc: {
          WI_TRY_ASSIGN(uint64_t n, u.u64());
          advance(n);
          break;
        }
        case DW_LNS_advance_line: {
          WI_TRY_ASSIGN(int64_t n, u.s64());
          st.line = wrap_add(st.line, n);
          break;
        }
        case DW_LNS_set_file: { WI_TRY_ASSIGN(st.file, u.u64()); break; }
        case DW_LNS_set_column: { WI_TRY_ASSIGN(st.column, u.u64()); break; }
        case DW_LNS_negate_stmt: st.is_stmt = !st.is_stmt; break;
        case DW_LNS_const_add_pc: advance((255 - h.opcode_base) / h.line_range); break;
        case DW_LNS_fixed_advance_pc: {
          WI_TRY_ASSIGN(auto b, u.bytes(2));
          st.address += uint64_t(b[0]) | uint64_t(b[1]) << 8;
          break;
        }
        default:
          // Opcodes without state we keep (basic_block, prologue_end, epilogue_begin, isa) and ones
          // newer than this reader: skip their ULEB operands as the header says.
          for (uint8_t k = 0; k < h.standard_lengths[op - 1]; ++k) WI_TRY(u.u64());
      }
    }
    return {};  // rows after the last end_sequence do not form a sequence
  }
};

}  // namespace

std::string to_string(const SourcePosition& p) {
  if (p.column) return fmt::format("{}:{}:{}", p.file, p.line, p.column);
  return fmt::format("{}:{}", p.file, p.line);
}

Result<LineTable> LineTable::parse(const Sections& s) {
  LineTable t;
  TableBuilder b{s, t.files_, {}, {}};
  Reader r(s.debug_line);
  while (!r.at_end()) WI_TRY(b.unit(r));
  std::stable_sort(b.sequences.begin(), b.sequences.end(),
                   [](const auto& x, const auto& y) { return x.front().offset < y.front().offset; });
  for (auto& seq : b.sequences) t.rows_.insert(t.rows_.end(), seq.begin(), seq.end());
  return t;
}

std::optional<SourcePosition> LineTable::at(uint32_t offset) const {
  auto it = std::upper_bound(rows_.begin(), rows_.end(), offset,
                             [](uint32_t o, const LineRow& r) { return o < r.offset; });
  if (it == rows_.begin()) return std::nullopt;
  const LineRow& row = *--it;
  if (row.end_sequence || row.line == 0) return std::nullopt;
  return SourcePosition{files_[row.file], row.line, row.column};
}

LineBreakpoint LineTable::breakpoint(std::string_view file, uint32_t line) const {
  auto matches = [&](const std::string& path) {
    if (path == file) return true;
    return path.size() > file.size() && path.ends_with(file) && path[path.size() - file.size() - 1] == '/';
  };
  std::vector<bool> wanted(files_.size());
  for (size_t k = 0; k < files_.size(); ++k) wanted[k] = matches(files_[k]);
  // A row starts a line when it is a statement and the row before it in its sequence was elsewhere.
  auto starts = [&](size_t k) {
    const LineRow& r = rows_[k];
    if (r.end_sequence || !r.is_stmt || !wanted[r.file] || r.line == 0) return false;
    if (k == 0 || rows_[k - 1].end_sequence) return true;
    return rows_[k - 1].line != r.line || rows_[k - 1].file != r.file;
  };
  LineBreakpoint bp;
  for (size_t k = 0; k < rows_.size(); ++k)
    if (starts(k) && rows_[k].line >= line && (bp.line == 0 || rows_[k].line < bp.line)) bp.line = rows_[k].line;
  if (bp.line == 0) return bp;
  for (size_t k = 0; k < rows_.size(); ++k)
    if (starts(k) && rows_[k].line == bp.line) bp.offsets.push_back(rows_[k].offset);
  std::sort(bp.offsets.begin(), bp.offsets.end());
  bp.offsets.erase(std::unique(bp.offsets.begin(), bp.offsets.end()), bp.offsets.end());
  return bp;
}

namespace {
void parse_once(const Module& m) {
  LineTableCache& c = *m.line_cache;
  std::call_once(c.once, [&] {
    const CustomSection* line = m.custom(".debug_line");
    if (!line || m.codes.empty()) return;
    LineTable::Sections s;
    s.debug_line = line->payload;
    if (auto* ls = m.custom(".debug_line_str")) s.debug_line_str = ls->payload;
    if (auto* st = m.custom(".debug_str")) s.debug_str = st->payload;
    s.code_start = m.code_section_start;
    s.code_size = m.code_section_size;
    auto t = LineTable::parse(s);
    if (t.ok()) {
      c.table = std::move(t.value());
    } else {
      // Report offsets in the module file, like every other decoder error.
      c.error = fmt::format("0x{:x}: {}", line->offset + t.error().offset, t.error().message);
    }
  });
}
}  // namespace

const LineTable* line_table(const Module& m) {
  if (!m.line_cache) return nullptr;
  parse_once(m);
  return m.line_cache->table ? &*m.line_cache->table : nullptr;
}

std::string source_position(const Module& m, size_t offset) {
  const LineTable* lines = offset <= UINT32_MAX ? line_table(m) : nullptr;
  if (!lines) return "";
  auto pos = lines->at(uint32_t(offset));
  return pos ? to_string(*pos) : "";
}

std::string line_table_error(const Module& m) {
  if (!m.line_cache) return "";
  parse_once(m);
  return m.line_cache->error;
}

}  // namespace wi
