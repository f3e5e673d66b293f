// DWARF line tables (decoder/dwarf_line.h), assembled byte by byte: DWARF 4 and 5 headers, every
// standard opcode that moves the state machine, discarded (tombstone) sequences, breakpoint lines, bad
// input; then a module carrying one, whose traps report file:line. The same reader is checked against
// llvm-dwarfdump on clang -g output in tests/debug/check_dwarfdump.py.
#include <doctest/doctest.h>
#include "decoder/dwarf_line.h"
#include "tests/wasm_builder.h"

using namespace wb;
using wi::LineTable;
using wi::Store;

namespace {

Bytes u32le(uint32_t v) { return {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)}; }
Bytes cstr(const std::string& s) {
  Bytes b(s.begin(), s.end());
  b.push_back(0);
  return b;
}

constexpr int8_t kLineBase = -5;
constexpr uint8_t kLineRange = 14, kOpcodeBase = 13;
const Bytes kStandardLengths = {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1};

// Line-number program pieces.
Bytes set_address(uint32_t a) { return code(0x00, 5, 0x02, u32le(a)); }
Bytes end_sequence() { return {0x00, 1, 0x01}; }
Bytes advance_line(int64_t n) { return code(0x03, sleb(n)); }
Bytes advance_pc(uint64_t n) { return code(0x02, leb(n)); }
Bytes special(int line_delta, int addr_delta) {
  return {uint8_t((line_delta - kLineBase) + kLineRange * addr_delta + kOpcodeBase)};
}
constexpr uint8_t kCopy = 0x01, kNegateStmt = 0x06, kConstAddPc = 0x08;

// A DWARF 32-bit unit: version, (v5: address and segment selector sizes,) header_length, fields, program.
Bytes unit(uint16_t version, const Bytes& dirs_and_files, const Bytes& program) {
  Bytes fields = code(1);                       // minimum_instruction_length
  if (version >= 4) fields.push_back(1);        // maximum_operations_per_instruction
  append(fields, code(1, uint8_t(kLineBase), kLineRange, kOpcodeBase, kStandardLengths, dirs_and_files));
  Bytes after_length = code(uint8_t(version), uint8_t(version >> 8));
  if (version >= 5) append(after_length, code(4, 0));
  append(after_length, code(u32le(uint32_t(fields.size())), fields, program));
  return code(u32le(uint32_t(after_length.size())), after_length);
}

// DWARF 4: include directory "src"; files a.c (compilation directory) and b.h (in src).
Bytes v4_unit() {
  Bytes names = code(cstr("src"), 0, cstr("a.c"), 0, 0, 0, cstr("b.h"), 1, 0, 0, 0);
  Bytes program = code(
      set_address(5), advance_line(9), kCopy,    // 5: a.c:10
      special(1, 3),                             // 8: a.c:11
      0x05, 4, advance_pc(2), kCopy,             // 10: a.c:11:4, the same line again
      0x04, 2, advance_line(-5), 0x09, 4, 0, kCopy,  // 14: src/b.h:6:4 (fixed_advance_pc)
      kNegateStmt, kConstAddPc, kCopy,           // 31: src/b.h:6:4, not a statement
      advance_pc(1), end_sequence(),             // 32: end
      set_address(0xffffffff), kCopy, advance_pc(2), end_sequence(),  // discarded by the linker
      set_address(0x40), advance_line(19), kCopy,  // 0x40: a.c:20
      special(2, 2),                             // 0x42: a.c:22
      advance_pc(1), end_sequence());
  return unit(4, names, program);
}

// DWARF 5: directories and file names described by forms, strings in .debug_line_str.
const Bytes kLineStr = code(cstr("/comp"), cstr("inc"));
Bytes v5_unit() {
  Bytes md5(16, 0xab);
  Bytes names = code(1, 1, 0x1f,              // directories: path as line_strp
                     2, u32le(0), u32le(6),   // "/comp", "inc"
                     3, 1, 0x08, 2, 0x0f, 5, 0x1e,  // files: path string, directory udata, MD5 data16
                     2, cstr("main.c"), 0, md5, cstr("x.h"), 1, md5);
  Bytes program = code(set_address(0x80), advance_line(4), 0x04, 0, kCopy,  // 0x80: main.c:5
                       0x04, 1, special(0, 1),                              // 0x81: inc/x.h:5
                       advance_pc(1), end_sequence());
  return unit(5, names, program);
}

constexpr uint32_t kCodeStart = 100;

wi::Result<LineTable> parse(const Bytes& debug_line, const Bytes& line_str = {}) {
  LineTable::Sections s;
  s.debug_line = debug_line;
  s.debug_line_str = line_str;
  s.code_start = kCodeStart;
  s.code_size = 0x100;
  return LineTable::parse(s);
}

std::string at(const LineTable& t, uint32_t code_address) {
  auto p = t.at(kCodeStart + code_address);
  return p ? wi::to_string(*p) : "-";
}

}  // namespace

TEST_CASE("DWARF 4 line table: positions by module offset") {
  auto t = parse(v4_unit());
  REQUIRE_MESSAGE(t.ok(), t.error().message);
  CHECK(at(*t, 4) == "-");  // before the first row
  CHECK(at(*t, 5) == "a.c:10");
  CHECK(at(*t, 7) == "a.c:10");
  CHECK(at(*t, 8) == "a.c:11");
  CHECK(at(*t, 10) == "a.c:11:4");
  CHECK(at(*t, 14) == "src/b.h:6:4");
  CHECK(at(*t, 31) == "src/b.h:6:4");
  CHECK(at(*t, 32) == "-");  // end_sequence: a gap until the next sequence
  CHECK(at(*t, 0x41) == "a.c:20");
  CHECK(at(*t, 0x42) == "a.c:22");
  CHECK(at(*t, 0x43) == "-");
  // The discarded sequence left no rows; the others are in order.
  CHECK(t->rows().size() == 9);
  for (size_t k = 1; k < t->rows().size(); ++k) CHECK(t->rows()[k - 1].offset <= t->rows()[k].offset);
  CHECK(t->rows()[4].is_stmt == false);
}

TEST_CASE("DWARF 4 line table: where FILE:LINE breakpoints stop") {
  auto t = parse(v4_unit());
  REQUIRE(t.ok());
  auto b = t->breakpoint("a.c", 11);
  CHECK(b.line == 11);
  CHECK(b.offsets == std::vector<uint32_t>{kCodeStart + 8});  // not 10: that row continues line 11
  b = t->breakpoint("a.c", 12);  // no code on 12..19: the next line that has some
  CHECK(b.line == 20);
  CHECK(b.offsets == std::vector<uint32_t>{kCodeStart + 0x40});
  CHECK(t->breakpoint("b.h", 6).offsets == std::vector<uint32_t>{kCodeStart + 14});  // a path suffix
  CHECK(t->breakpoint("src/b.h", 6).offsets.size() == 1);
  CHECK(t->breakpoint("rc/b.h", 6).offsets.empty());  // only whole components match
  CHECK(t->breakpoint("a.c", 23).offsets.empty());
  CHECK(t->breakpoint("c.c", 1).line == 0);
}

TEST_CASE("DWARF 5 line table: described entries and .debug_line_str") {
  auto t = parse(v5_unit(), kLineStr);
  REQUIRE_MESSAGE(t.ok(), t.error().message);
  CHECK(at(*t, 0x80) == "main.c:5");  // directory 0 is the compilation directory
  CHECK(at(*t, 0x81) == "inc/x.h:5");
  // Units of both versions in one section.
  auto both = parse(code(v4_unit(), v5_unit()), kLineStr);
  REQUIRE(both.ok());
  CHECK(at(*both, 14) == "src/b.h:6:4");
  CHECK(at(*both, 0x81) == "inc/x.h:5");
  CHECK(both->rows().size() == 12);
}

TEST_CASE("DWARF line table: bad input is an error with its offset, never a crash") {
  Bytes good = v4_unit();
  for (size_t n = 1; n < good.size(); ++n) {
    Bytes cut(good.begin(), good.begin() + n);
    auto t = parse(cut);
    CHECK(!t.ok());
  }
  Bytes v6 = good;
  v6[4] = 6;
  auto t = parse(v6);
  REQUIRE(!t.ok());
  CHECK(t.error().message == "unsupported .debug_line version 6");
  CHECK(t.error().offset == 0);
  auto no_str = parse(v5_unit());  // line_strp offsets with no .debug_line_str
  REQUIRE(!no_str.ok());
  CHECK(no_str.error().message == "string offset 0x0 is outside .debug_line_str");
  // Every single-byte corruption parses or fails cleanly.
  for (size_t k = 0; k < good.size(); ++k) {
    Bytes bad = good;
    bad[k] ^= 0xff;
    (void)parse(bad);
  }
}

TEST_CASE("a module's line table maps its offsets; traps carry file:line") {
  // Two passes: the first build finds where the code section and the trapping instruction land (a
  // custom section appended at the end moves neither).
  auto build = [](const Bytes& debug_line) {
    ModuleBuilder m;
    uint32_t t = m.type({}, {});
    uint32_t f = m.func(t, code(op::nop, op::unreachable, op::end));
    m.export_func("f", f);
    if (!debug_line.empty()) m.custom(".debug_line", debug_line);
    Bytes b = m.build();
    return std::make_pair(b, m.code_offset(f));
  };
  auto [plain, code_at] = build({});
  auto decoded = wi::decode_module(plain, nullptr, wi::DecodeOptions{"t.wasm"});
  REQUIRE(decoded.ok());
  CHECK(wi::line_table(**decoded) == nullptr);  // no .debug_line: no table, no error
  CHECK(wi::line_table_error(**decoded).empty());
  uint32_t rel = uint32_t(code_at - (*decoded)->code_section_start);
  Bytes names = code(0, cstr("t.c"), 0, 0, 0, 0);
  Bytes program = code(set_address(rel), advance_line(6), kCopy,  // nop: t.c:7
                       special(1, 1),                             // unreachable: t.c:8
                       advance_pc(2), end_sequence());
  auto [with_lines, same_at] = build(unit(4, names, program));
  REQUIRE(same_at == code_at);

  Store s;
  auto* inst = instantiate(s, with_lines, {}, "t.wasm");
  REQUIRE_MESSAGE(wi::line_table(*inst->module) != nullptr, wi::line_table_error(*inst->module));
  CHECK(wi::line_table(*inst->module)->rows().size() == 3);  // the last row ends the Code section
  wi::Trap trap = run_trap(s, inst, "f");
  REQUIRE(trap.backtrace.size() == 1);
  CHECK(trap.backtrace[0].offset == code_at + 1);
  REQUIRE(trap.backtrace[0].module);
  CHECK(wi::source_position(*trap.backtrace[0].module, trap.backtrace[0].offset) == "t.c:8");

  // A table that does not parse is reported and ignored: the module still runs.
  auto [broken, unused] = build(code(u32le(1000), 4, 0));
  auto m = wi::decode_module(broken, nullptr, wi::DecodeOptions{"t.wasm"});
  REQUIRE(m.ok());
  CHECK(wi::line_table(**m) == nullptr);
  CHECK(wi::line_table_error(**m).find("line table unit runs past the end of .debug_line") != std::string::npos);
  Store s2;
  auto* inst2 = instantiate(s2, broken, {}, "t.wasm");
  wi::Trap t2 = run_trap(s2, inst2, "f");
  REQUIRE(t2.backtrace.size() == 1);
  CHECK(t2.backtrace[0].module);
  CHECK(wi::source_position(*t2.backtrace[0].module, t2.backtrace[0].offset).empty());
}
