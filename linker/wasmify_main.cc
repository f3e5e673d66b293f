// `wi wasmify IN.o -o OUT.wasm [--shared] [--export=NAME]... [--needed=LIB]... [--keep-debug]
// [--print-dyninfo] [--verbose]`. Policy: read and write whole files; on failure nothing is written.
#include <fstream>
#include "decoder/file.h"
#include "linker/wasmify_main.h"
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <boost/program_options.hpp>
#include <fmt/format.h>
#include "decoder/decoder.h"
#include "linker/wasmify.h"

namespace po = boost::program_options;

namespace wi::link {
namespace {

constexpr int kOk = 0, kFailure = 1, kUsage = 2;

bool read_all(const std::string& path, std::vector<uint8_t>& bytes) {
  auto r = read_module_file(path);
  if (!r) {
    std::cerr << "wi wasmify: " << path << ": " << r.error().message << "\n";
    return false;
  }
  bytes = std::move(*r);
  return true;
}

bool write_all(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  if (!out) {
    std::cerr << "wi wasmify: " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  return true;
}

}  // namespace

int run_wasmify(const std::vector<std::string>& args) {
  po::options_description opts(
      "wi wasmify IN.o -o OUT.wasm [options]\n"
      "Turns a relocatable wasm object (clang -c, wasm-ld -r) into a module loadable by wi's dynamic\n"
      "linker, with a `dyninfo` section (docs/dyninfo.md)");
  opts.add_options()
      ("help,h", "show this help")
      ("output,o", po::value<std::string>(), "the module to write")
      ("shared", "make a library (no entry point) instead of a program (entry _start)")
      ("export", po::value<std::vector<std::string>>()->composing(),
       "make only these symbols dynamic (repeatable; default: every non-local symbol, hidden ones too)")
      ("needed", po::value<std::vector<std::string>>()->composing(),
       "record a library the module needs (repeatable), e.g. --needed=libc.wasm")
      ("keep-debug", "keep .debug_* sections (default: drop them)")
      ("print-dyninfo", "print the dyninfo JSON, one entry per line")
      ("verbose,v", "print sizes, counts and the time taken")
      ("input", po::value<std::vector<std::string>>(), "the object");
  po::positional_options_description pos;
  pos.add("input", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "wi wasmify: " << e.what() << " (see wi wasmify --help)\n";
    return kUsage;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return kOk;
  }
  if (!vm.count("input") || vm["input"].as<std::vector<std::string>>().size() != 1) {
    std::cerr << "wi wasmify: give exactly one object (combine several with wasm-ld -r first)\n";
    return kUsage;
  }
  if (!vm.count("output")) {
    std::cerr << "wi wasmify: missing -o OUT.wasm\n";
    return kUsage;
  }
  std::string in = vm["input"].as<std::vector<std::string>>()[0];
  std::string out = vm["output"].as<std::string>();
  WasmifyOptions o;
  o.shared = vm.count("shared") > 0;
  if (vm.count("export")) o.exports = vm["export"].as<std::vector<std::string>>();
  if (vm.count("needed")) o.needed = vm["needed"].as<std::vector<std::string>>();
  o.keep_debug = vm.count("keep-debug") > 0;
  o.file_name = in;

  std::vector<uint8_t> bytes;
  if (!read_all(in, bytes)) return kUsage;
  size_t in_size = bytes.size();
  auto t0 = std::chrono::steady_clock::now();
  auto r = wasmify(std::move(bytes), o);
  auto t1 = std::chrono::steady_clock::now();
  if (!r.ok()) {
    std::cerr << "wi wasmify: " << format_error(in, r.error()) << "\n";
    return kFailure;
  }
  if (!write_all(out, r->bytes)) return kFailure;
  if (vm.count("print-dyninfo")) std::cout << to_json(r->info, true);
  if (vm.count("verbose")) {
    const auto& s = r->stats;
    std::cerr << fmt::format(
        "{}: {} -> {} bytes in {:.1f} ms; {} functions, {} imports ({} calls redirected to preemptible "
        "definitions), {} code sites, {} data sites, data {} bytes ({} initialized), {} table slots\n",
        out, in_size, r->bytes.size(), std::chrono::duration<double, std::milli>(t1 - t0).count(), s.functions,
        s.imports, s.redirected_calls, s.code_sites, s.data_sites, r->info.data_end, s.data_image,
        r->info.table_size);
  }
  return kOk;
}

}  // namespace wi::link
