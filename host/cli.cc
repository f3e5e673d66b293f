// The `wi` command: global options and subcommand dispatch. Subcommands parse their own options
// (Boost.Program_options) in host/cmd_*.cc; `spectest` is small enough to live here.
#include <cerrno>
#include <cstring>
#include <iostream>
#include <boost/program_options.hpp>
#include "decoder/file.h"
#include "host/commands.h"
#include "host/spectest_runner.h"
#include "linker/wasmify_main.h"

#ifndef WI_VERSION
#error "WI_VERSION comes from meson.build (the project version)"
#endif

namespace po = boost::program_options;

namespace wi {

bool read_file(const std::string& path, std::vector<uint8_t>& bytes) {
  auto r = read_module_file(path);
  if (!r) {
    std::cerr << "wi: " << path << ": " << r.error().message << "\n";
    return false;
  }
  bytes = std::move(*r);
  return true;
}

int cmd_spectest(const std::vector<std::string>& args) {
  po::options_description opts("wi spectest [--dir DIR]... [--verbose] FILE.json...");
  opts.add_options()
      ("help,h", "show this help")
      ("dir", po::value<std::vector<std::string>>(),
       "run DIR/<name>/<name>.json for every subfolder, sorted; DIR::NAME,... only those (repeatable: a later "
       "folder of the same name replaces an earlier one)")
      ("verbose,v", "show every failing and skipped command")
      ("file", po::value<std::vector<std::string>>(), "wast2json output");
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << opts;
    return kExitOk;
  }
  std::vector<std::string> files;
  if (vm.count("file")) files = vm["file"].as<std::vector<std::string>>();
  if (vm.count("dir")) {
    std::string error;
    if (!spec_files_in_dirs(vm["dir"].as<std::vector<std::string>>(), files, error)) {
      std::cerr << "wi: " << error << "\n";
      return kExitUsage;
    }
  }
  if (files.empty()) {
    std::cerr << "wi spectest: no test files (give FILE.json or --dir DIR)\n";
    return kExitUsage;
  }
  SpecTestOptions options;
  options.verbose = vm.count("verbose") > 0;
  return run_spectest(files, options);
}

}  // namespace wi

namespace wi {
int cmd_debug(const std::vector<std::string>& args);  // host/cmd_debug.cc
}  // namespace wi

namespace {

const char* kUsage =
    "usage: wi <command> [options]\n"
    "\n"
    "commands:\n"
    "  exec MODULE [options] [-- ARGS...]      run a WASI command (_start), or --invoke NAME [VALUES...]\n"
    "  debug MODULE [exec options] [-- ARGS...]   step through a program (commands: help);\n"
    "                                          with --gdb PORT, serve LLDB as exec --gdb does\n"
    "  inspect MODULE [--internal]            summarize a module (--internal: register code)\n"
    "  spectest [--dir DIR] [--verbose] FILE.json...   run wast2json spec tests\n"
    "  wasmify IN.o -o OUT.wasm [--shared]   make a loadable module (dyninfo) from a relocatable object\n"
    "\n"
    "options:\n"
    "  -h, --help      show this help (wi <command> --help for a command's options)\n"
    "  --version       print the version\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return wi::kExitUsage;
  }
  const std::string cmd = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << kUsage;
      return wi::kExitOk;
    }
    if (cmd == "--version") {
      std::cout << "wi " WI_VERSION "\n";
      return wi::kExitOk;
    }
    if (cmd == "spectest") return wi::cmd_spectest(rest);
    if (cmd == "inspect") return wi::cmd_inspect(rest);
    if (cmd == "exec") return wi::cmd_exec(rest);
    if (cmd == "debug") return wi::cmd_debug(rest);
    if (cmd == "wasmify") return wi::link::run_wasmify(rest);
    std::cerr << "wi: unknown command '" << cmd << "'\n" << kUsage;
    return wi::kExitUsage;
  } catch (const po::error& e) {
    std::cerr << "wi " << cmd << ": " << e.what() << " (see wi " << cmd << " --help)\n";
    return wi::kExitUsage;
  } catch (const std::bad_alloc&) {
    // Every size a module states is checked against a limit before it is allocated; this is the last
    // line of defence, so it at least says what was being run.
    std::string what = rest.empty() ? cmd : cmd + " " + rest.front();
    std::cerr << "wi " << what << ": out of host memory (a host allocation failed)\n";
    return wi::kExitFailure;
  }
}
