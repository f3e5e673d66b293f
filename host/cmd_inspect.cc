// `wi inspect MODULE [--internal] [--lines]`: what a module declares, read by the decoder alone (so even
// a module the translator cannot handle yet can be inspected), then its dynamic-linking sections decoded
// (wi's `dyninfo`, the standard `dylink.0`); --internal adds the translated register code, --lines the
// DWARF line table as wi reads it.
#include <iostream>
#include <boost/program_options.hpp>
#include "decoder/decoder.h"
#include "decoder/dwarf_line.h"
#include "fmt/format.h"
#include "host/commands.h"
#include "interp/code.h"
#include "linker/dyninfo.h"
#include "linker/dylink0.h"

namespace po = boost::program_options;

namespace wi {
namespace {

std::string limits_text(const Limits& l) {
  return l.max ? fmt::format("min {} max {}", l.min, *l.max) : fmt::format("min {}", l.min);
}

std::string import_text(const Module& m, const Import& im) {
  switch (im.kind) {
    case ExternKind::Func: return "func " + to_string(m.types[im.type_index]);
    case ExternKind::Table: return fmt::format("table {} {}", to_string(im.table.elem), limits_text(im.table.limits));
    case ExternKind::Memory: return "memory " + limits_text(im.memory.limits);
    case ExternKind::Global:
      return fmt::format("global {}{}", im.global.mut ? "mut " : "", to_string(im.global.type));
    case ExternKind::Tag: return "tag " + to_string(m.types[im.type_index]);
  }
  return "?";
}

void print_summary(const std::string& file, const Module& m) {
  std::cout << fmt::format("module {} ({} bytes)\n", file, m.bytes.size());
  std::cout << fmt::format("types: {}\n", m.types.size());
  for (size_t i = 0; i < m.types.size(); ++i) std::cout << fmt::format("  {}: {}\n", i, to_string(m.types[i]));
  std::cout << fmt::format("imports: {}\n", m.imports.size());
  for (auto& im : m.imports) std::cout << fmt::format("  {}.{}: {}\n", im.module, im.name, import_text(m, im));
  std::cout << fmt::format("functions: {} ({} imported, {} defined)\n", m.func_types.size(),
                           m.num_imported_funcs, m.codes.size());
  std::cout << fmt::format("tables: {}, memories: {}, globals: {}\n", m.tables.size(), m.memories.size(),
                           m.global_types.size());
  for (auto& mem : m.memories) std::cout << fmt::format("  memory {}\n", limits_text(mem.limits));
  std::cout << fmt::format("exports: {}\n", m.exports.size());
  for (auto& e : m.exports) std::cout << fmt::format("  \"{}\": {} {}\n", e.name, to_string(e.kind), e.index);
  if (m.start) std::cout << fmt::format("start: func {} ({})\n", *m.start, m.function_display_name(*m.start));
  std::cout << fmt::format("element segments: {}, data segments: {}\n", m.elems.size(), m.datas.size());
  std::cout << fmt::format("custom sections: {}\n", m.customs.size());
  for (auto& c : m.customs) std::cout << fmt::format("  \"{}\" ({} bytes)\n", c.name, c.payload.size());
  if (m.custom(".debug_line")) {
    if (const LineTable* t = line_table(m))
      std::cout << fmt::format("source lines: {} rows in {} files (DWARF .debug_line)\n", t->rows().size(),
                               t->files().size());
    else
      std::cout << fmt::format("source lines: none, .debug_line does not parse: {}\n", line_table_error(m));
  }
}

// `--lines`: every row of the DWARF line table, by module offset (what traps and wi debug show).
void print_lines(const Module& m) {
  const LineTable* t = line_table(m);
  if (!t) return;
  std::cout << fmt::format("line table: code section payload at 0x{:x}\n", m.code_section_start);
  for (const LineRow& r : t->rows())
    std::cout << fmt::format("  0x{:x} {}:{}:{}{}{}\n", r.offset, t->files()[r.file], r.line, r.column,
                             r.is_stmt ? " is_stmt" : "", r.end_sequence ? " end_sequence" : "");
}

// Symbol flags of dylink.0 EXPORT_INFO/IMPORT_INFO entries: "0x101 (weak tls)".
std::string symbol_flags_text(uint32_t flags) {
  static const std::pair<uint32_t, const char*> names[] = {
      {link::kSymBindingWeak, "weak"}, {link::kSymBindingLocal, "local"}, {link::kSymVisibilityHidden, "hidden"},
      {link::kSymUndefined, "undefined"}, {link::kSymExported, "exported"}, {link::kSymExplicitName, "explicit_name"},
      {link::kSymNoStrip, "no_strip"}, {link::kSymTls, "tls"}, {link::kSymAbsolute, "absolute"}};
  std::string known;
  for (auto& [bit, name] : names)
    if (flags & bit) known += known.empty() ? name : std::string(" ") + name;
  return known.empty() ? fmt::format("0x{:x}", flags) : fmt::format("0x{:x} ({})", flags, known);
}

void print_dylink0(const link::DylinkInfo& d) {
  std::cout << "dylink.0:\n";
  std::cout << fmt::format("  memory: {} bytes, align 2^{}\n", d.memory_size, d.memory_align);
  std::cout << fmt::format("  table: {} slots, align 2^{}\n", d.table_size, d.table_align);
  std::cout << fmt::format("  needed: {}\n", d.needed.size());
  for (auto& n : d.needed) std::cout << fmt::format("    {}\n", n);
  if (!d.runtime_path.empty()) {
    std::cout << fmt::format("  runtime path: {}\n", d.runtime_path.size());
    for (auto& p : d.runtime_path) std::cout << fmt::format("    {}\n", p);
  }
  if (!d.export_info.empty()) {
    std::cout << fmt::format("  export info: {}\n", d.export_info.size());
    for (auto& [name, flags] : d.export_info)
      std::cout << fmt::format("    \"{}\": {}\n", name, symbol_flags_text(flags));
  }
  if (!d.import_info.empty()) {
    std::cout << fmt::format("  import info: {}\n", d.import_info.size());
    for (auto& [key, flags] : d.import_info)
      std::cout << fmt::format("    {}.{}: {}\n", key.first, key.second, symbol_flags_text(flags));
  }
}

// The dynamic-linking sections the module carries, decoded. False (after printing the error) when one
// is malformed.
bool print_dynamic(const std::string& file, const Module& m) {
  bool ok = true;
  if (m.custom(link::kDynInfoSection)) {
    auto info = link::read_dyninfo(m);
    if (info.ok()) {
      std::cout << "dyninfo: " << link::to_json(*info, /*pretty=*/true) << "\n";
    } else {
      std::cerr << "wi: " << format_error(file, info.error()) << "\n";
      ok = false;
    }
  }
  if (link::has_dylink0(m)) {
    auto info = link::read_dylink0(m);
    if (info.ok()) {
      print_dylink0(*info);
    } else {
      std::cerr << "wi: " << format_error(file, info.error()) << "\n";
      ok = false;
    }
  }
  return ok;
}

}  // namespace

int cmd_inspect(const std::vector<std::string>& args) {
  po::options_description opts("wi inspect MODULE [--internal] [--lines]");
  opts.add_options()
      ("help,h", "show this help")
      ("internal", "also print every function's translated register code")
      ("lines", "also print the DWARF line table (module offset, file:line:column)")
      ("module", po::value<std::string>(), "the .wasm file");
  po::positional_options_description pos;
  pos.add("module", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts;
    return kExitOk;
  }
  if (!vm.count("module")) {
    std::cerr << "wi inspect: missing MODULE\n";
    return kExitUsage;
  }
  const std::string file = vm["module"].as<std::string>();
  std::vector<uint8_t> bytes;
  if (!read_file(file, bytes)) return kExitUsage;

  if (!vm.count("internal")) {
    auto m = decode_module(std::move(bytes), nullptr, DecodeOptions{file});
    if (!m.ok()) {
      std::cerr << "wi: " << format_error(file, m.error()) << "\n";
      return kExitFailure;
    }
    print_summary(file, **m);
    const bool dynamic_ok = print_dynamic(file, **m);
    if (vm.count("lines")) print_lines(**m);
    return dynamic_ok ? kExitOk : kExitFailure;
  }
  auto cm = compile_module(std::move(bytes), CompileOptions{file});
  if (!cm.ok()) {
    std::cerr << "wi: " << format_error(file, cm.error()) << "\n";
    return kExitFailure;
  }
  const CompiledModule& c = **cm;
  print_summary(file, *c.module);
  const bool dynamic_ok = print_dynamic(file, *c.module);
  if (vm.count("lines")) print_lines(*c.module);
  for (const CompiledFunc& f : c.funcs) std::cout << "\n" << disassemble_internal(c, f);
  return dynamic_ok ? kExitOk : kExitFailure;
}

}  // namespace wi
