// `wi inspect MODULE [--internal]`: what a module declares, read by the decoder alone (so even a module
// the translator cannot handle yet can be inspected); --internal adds the translated register code.
#include <iostream>
#include <boost/program_options.hpp>
#include "decoder/decoder.h"
#include "fmt/format.h"
#include "host/commands.h"
#include "interp/code.h"

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
  if (m.start) std::cout << fmt::format("start: func {}\n", *m.start);
  std::cout << fmt::format("element segments: {}, data segments: {}\n", m.elems.size(), m.datas.size());
  std::cout << fmt::format("custom sections: {}\n", m.customs.size());
  for (auto& c : m.customs) std::cout << fmt::format("  \"{}\" ({} bytes)\n", c.name, c.payload.size());
}

}  // namespace

int cmd_inspect(const std::vector<std::string>& args) {
  po::options_description opts("wi inspect MODULE [--internal]");
  opts.add_options()
      ("help,h", "show this help")
      ("internal", "also print every function's translated register code")
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
    return kExitOk;
  }
  auto cm = compile_module(std::move(bytes), CompileOptions{file});
  if (!cm.ok()) {
    std::cerr << "wi: " << format_error(file, cm.error()) << "\n";
    return kExitFailure;
  }
  const CompiledModule& c = **cm;
  print_summary(file, *c.module);
  for (const CompiledFunc& f : c.funcs) std::cout << "\n" << disassemble_internal(c, f);
  return kExitOk;
}

}  // namespace wi
