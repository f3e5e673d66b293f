// Source positions from a module's DWARF line table (`.debug_line`, with `.debug_line_str`/`.debug_str`
// for DWARF 5 string forms), for trap backtraces and `wi debug`. Read-only metadata: nothing here knows
// about execution.
//
// Policy:
// - Addresses in WebAssembly DWARF are offsets from the start of the Code section's payload; this reader
//   turns them into module file offsets (what every other wi message shows).
// - Line info is optional: a table that does not parse is reported (to `wi inspect`) and otherwise
//   ignored; it never stops a module from loading or running.
// - Sequences that start outside the Code section, or at 0 where no function can start, are code a
//   linker discarded (wasm-ld writes a tombstone address) and are dropped.
// https://dwarfstd.org/doc/DWARF5.pdf section 6.2; https://yurydelendik.github.io/webassembly-dwarf/
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include "decoder/result.h"

namespace wi {

struct Module;

struct SourcePosition {
  std::string_view file;  // as the compiler recorded it, joined with its include directory when that is not the compilation's own
  uint32_t line = 0;
  uint32_t column = 0;    // 0: not known
};

// "file:line" or "file:line:column".
std::string to_string(const SourcePosition& p);

struct LineRow {
  uint32_t offset = 0;  // module file offset
  uint32_t line = 0;    // 0: compiler-generated code with no source line
  uint32_t column = 0;
  uint32_t file = 0;    // index into LineTable::files()
  bool is_stmt = false;
  bool end_sequence = false;  // one past the last byte of a sequence; carries no position
};

struct LineBreakpoint {
  uint32_t line = 0;              // the line asked for, or the next one that has code
  std::vector<uint32_t> offsets;  // module offsets where that line begins, ascending
};

class LineTable {
 public:
  struct Sections {
    std::span<const uint8_t> debug_line, debug_line_str, debug_str;
    size_t code_start = 0;  // module offset of the Code section payload
    size_t code_size = 0;
  };
  static Result<LineTable> parse(const Sections& s);

  // The position of the instruction at module offset `offset`, if the table covers it.
  std::optional<SourcePosition> at(uint32_t offset) const;
  // Where a breakpoint on FILE:LINE stops: the rows that start line LINE (is_stmt, and not a
  // continuation of the same line) in each file whose path is FILE or ends in "/FILE". When LINE has
  // no code, the next line of the same file that has some (as gdb does).
  LineBreakpoint breakpoint(std::string_view file, uint32_t line) const;

  const std::vector<std::string>& files() const { return files_; }
  const std::vector<LineRow>& rows() const { return rows_; }  // by offset, sequences contiguous

 private:
  std::vector<std::string> files_;
  std::vector<LineRow> rows_;
};

// Held by Module (decode_module creates it) so that the table is parsed once, on first use, even when
// several threads ask.
struct LineTableCache {
  std::once_flag once;
  std::optional<LineTable> table;
  std::string error;
};

// The module's line table, parsed on first use; null when it has none or it does not parse.
const LineTable* line_table(const Module& m);
// "file:line:column" of wasm offset `offset` of `m` from its line table, or "" (no DWARF, no row).
// What backtraces print beside a frame; the executor records only the offset.
std::string source_position(const Module& m, size_t offset);
// Why the module's `.debug_line` did not parse ("" when it did or there is none).
std::string line_table_error(const Module& m);

}  // namespace wi
