// Writes the fuzz targets' seed inputs from the project's own fixtures (scripts/fuzz.sh runs it):
//   seeds/link/     link_input.h records: wasmified load_app + load_lib, the other fixtures alone,
//                   and the dylink.0 programs with their NEEDED libraries, under several flag sets
//   seeds/wasmify/  the fixture objects (clang --target=wasm32-wasi -c) as they are
//   seeds/compile/  every module above, for the decoder target
//   seeds/wasi/     wasi_input.h call sequences: open, write, read, seek, list each path of the table;
//                   link, symlink, rename, unlink it; the argument, clock, poll and socket calls
// Usage: fuzz_seeds FIXTURE_DIR OUT_DIR. FIXTURE_DIR holds hello.o, relocs.o, lib.o, load_app.o,
// load_lib.o and, when wasm-ld built them, dlmain.wasm, libdlfix.so, dlchain.wasm, libdlmid.so,
// libdlbase.so. Policy: a fixture that is missing is skipped with a note; one that fails to wasmify
// is an error (exit 1), since the fixtures are the project's own and must wasmify.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include "decoder/file.h"
#include "host/wasi/wasi.h"
#include "interp/store.h"
#include "linker/wasmify.h"
#include "tests/fuzz/link_input.h"
#include "tests/fuzz/wasi_input.h"

namespace fs = std::filesystem;
using namespace wi;
using namespace wi::fuzz;

namespace {

fs::path out_dir;
int failures = 0;

void save(const fs::path& path, const std::vector<uint8_t>& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

std::optional<std::vector<uint8_t>> read(const fs::path& path) {
  auto r = read_module_file(path.string());
  if (!r) {
    std::fprintf(stderr, "fuzz_seeds: skipping %s: %s\n", path.c_str(), r.error().message.c_str());
    return std::nullopt;
  }
  return std::move(*r);
}

std::optional<std::vector<uint8_t>> wasmified(const fs::path& obj, bool shared, std::vector<std::string> needed = {}) {
  auto bytes = read(obj);
  if (!bytes) return std::nullopt;
  save(out_dir / "wasmify" / obj.filename(), *bytes);
  link::WasmifyOptions o;
  o.shared = shared;
  o.needed = std::move(needed);
  auto r = link::wasmify(std::move(*bytes), o);
  if (!r) {
    std::fprintf(stderr, "fuzz_seeds: %s does not wasmify: %s\n", obj.c_str(), r.error().message.c_str());
    ++failures;
    return std::nullopt;
  }
  save(out_dir / "compile" / (obj.stem().string() + ".wasm"), r->bytes);
  return std::move(r->bytes);
}

// One seed per flag set, so the corpus starts with every phase reachable.
void link_seeds(const std::string& stem, const std::vector<LinkInput::File>& files) {
  const uint8_t flag_sets[] = {0, LinkInput::kRun, LinkInput::kRun | LinkInput::kBindNow,
                               LinkInput::kRun | LinkInput::kDlopenBare,
                               LinkInput::kDlopenGuest | LinkInput::kDlopenNow | LinkInput::kLocal};
  for (uint8_t f : flag_sets) {
    LinkInput in;
    in.flags = f;
    in.files = files;
    save(out_dir / "link" / (stem + "-" + std::to_string(f)), in.serialize());
  }
}

// One argument of a wasi_input.h call.
struct Arg {
  Selector sel;
  uint8_t v = 0;
  uint64_t wide = 0;  // kSelU32 / kSelU64
};
Arg byte(uint8_t v) { return {kSelByte, v}; }
Arg fd(uint8_t n) { return {kSelFd, n}; }
Arg work(uint8_t k) { return {kSelWork, k}; }
Arg path(uint8_t i) { return {kSelPath, i}; }
Arg plen() { return {kSelPathLen, 1}; }
Arg iovs(uint8_t k) { return {kSelIovecs, k}; }
Arg subs(uint8_t k) { return {kSelSubs, k}; }
Arg u64(uint64_t v) { return {kSelU64, 0, v}; }

// Encodes calls with each function's real signature (an i32 parameter takes one more byte).
class WasiSeed {
 public:
  explicit WasiSeed(uint8_t flags) : ctx_(config()) { bytes_.push_back(flags); }
  WasiSeed& call(std::string_view name, std::vector<Arg> args) {
    size_t op = 0;
    while (op < kNumFunctions && kFunctions[op] != name) ++op;
    FuncInst* f = ctx_.resolve(store_, wasi::WasiContext::kModuleName, name);
    if (op == kNumFunctions || !f || f->type->params.size() != args.size()) {
      std::fprintf(stderr, "fuzz_seeds: bad seed call %.*s\n", int(name.size()), name.data());
      ++failures;
      return *this;
    }
    bytes_.push_back(uint8_t(op));
    for (size_t i = 0; i < args.size(); ++i) {
      bytes_.push_back(args[i].sel);
      bytes_.push_back(args[i].v);
      int wide = args[i].sel == kSelU32 ? 4 : args[i].sel == kSelU64 ? 8 : 0;
      for (int k = 0; k < wide; ++k) bytes_.push_back(uint8_t(args[i].wide >> (8 * k)));
      if (f->type->params[i] == ValType::I32) bytes_.push_back(0);
    }
    return *this;
  }
  void write(const std::string& name) { save(out_dir / "wasi" / name, bytes_); }

 private:
  static wasi::WasiConfig config() {
    wasi::WasiConfig c;
    c.stdin_fd = c.stdout_fd = c.stderr_fd = -1;
    return c;
  }
  Store store_;
  wasi::WasiContext ctx_;
  std::vector<uint8_t> bytes_;
};

void wasi_seeds() {
  const uint64_t all = (1ull << 30) - 1;
  for (uint8_t flags = 0; flags < 2; ++flags) {
    for (uint8_t i = 0; i < kNumPaths; ++i) {
      std::string suffix = std::to_string(i) + "-" + std::to_string(flags);
      // The first descriptor the input opens is 5 (3 and 4 are the preopens).
      WasiSeed(flags)
          .call("path_open", {fd(3), byte(1), path(i), plen(), byte(1), u64(all), u64(all), byte(0), work(0)})
          .call("fd_write", {fd(5), iovs(0), byte(2), work(1)})
          .call("fd_seek", {fd(5), u64(0), byte(0), work(2)})
          .call("fd_read", {fd(5), iovs(0), byte(1), work(1)})
          .call("fd_readdir", {fd(5), work(4), byte(200), u64(0), work(2)})
          .call("fd_filestat_set_size", {fd(5), u64(100)})
          .call("fd_filestat_set_times", {fd(5), u64(1), u64(2), byte(5)})
          .call("fd_allocate", {fd(5), u64(0), u64(1000)})
          .call("fd_close", {fd(5)})
          .write("open-" + suffix);
      WasiSeed(flags)
          .call("path_filestat_set_times", {fd(3), byte(1), path(i), plen(), u64(1), u64(2), byte(5)})
          .call("path_link", {fd(3), byte(1), path(i), plen(), fd(3), path(13), plen()})
          .call("path_symlink", {path(i), plen(), fd(3), path(17), plen()})
          .call("path_rename", {fd(3), path(i), plen(), fd(3), path(13), plen()})
          .call("path_readlink", {fd(3), path(i), plen(), work(0), byte(64), work(1)})
          .call("path_create_directory", {fd(4), path(i), plen()})
          .call("path_filestat_get", {fd(4), byte(0), path(i), plen(), work(0)})
          .call("path_unlink_file", {fd(3), path(i), plen()})
          .call("path_remove_directory", {fd(3), path(i), plen()})
          .write("mutate-" + suffix);
    }
  }
  WasiSeed(0)
      .call("args_sizes_get", {work(0), work(1)})
      .call("args_get", {work(2), work(3)})
      .call("environ_sizes_get", {work(0), work(1)})
      .call("environ_get", {work(2), work(3)})
      .call("clock_res_get", {byte(1), work(0)})
      .call("clock_time_get", {byte(0), u64(1), work(0)})
      .call("random_get", {work(0), byte(64)})
      .call("poll_oneoff", {subs(0), work(0), byte(3), work(1)})
      .call("fd_prestat_get", {fd(3), work(0)})
      .call("fd_prestat_dir_name", {fd(3), work(1), byte(8)})
      .call("fd_fdstat_get", {fd(4), work(0)})
      .call("fd_fdstat_set_rights", {fd(4), u64(1), u64(0)})
      .call("fd_renumber", {fd(3), fd(4)})
      .call("sock_recv", {fd(3), iovs(0), byte(1), byte(0), work(0), work(1)})
      .call("sock_shutdown", {fd(3), byte(1)})
      .call("sched_yield", {})
      .call("proc_raise", {byte(9)})
      .write("misc");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fuzz_seeds FIXTURE_DIR OUT_DIR\n");
    return 2;
  }
  fs::path fix = argv[1];
  out_dir = fs::path(argv[2]) / "seeds";
  fs::remove_all(out_dir);
  auto app = wasmified(fix / "load_app.o", false, {"load_lib.wasm"});
  auto lib = wasmified(fix / "load_lib.o", true);
  if (app && lib) link_seeds("load", {{"load_app.wasm", *app}, {"load_lib.wasm", *lib}});
  if (auto hello = wasmified(fix / "hello.o", false)) link_seeds("hello", {{"hello.wasm", *hello}});
  // relocs and lib are libraries: as the main they are refused, as load_app's second library they load.
  auto relocs = wasmified(fix / "relocs.o", true);
  auto api = wasmified(fix / "lib.o", true);
  if (app && lib && relocs)
    link_seeds("relocs", {{"load_app.wasm", *app}, {"load_lib.wasm", *lib}, {"relocs.wasm", *relocs}});
  if (app && lib && api) link_seeds("api", {{"load_app.wasm", *app}, {"load_lib.wasm", *lib}, {"lib.wasm", *api}});
  // dylink.0 (wasm-ld): names as NEEDED spells them.
  std::vector<std::vector<std::string>> programs = {{"dlmain.wasm", "libdlfix.so"},
                                                    {"dlchain.wasm", "libdlmid.so", "libdlbase.so"}};
  for (auto& p : programs) {
    std::vector<LinkInput::File> files;
    for (auto& n : p) {
      if (!fs::exists(fix / n)) break;
      auto b = read(fix / n);
      if (!b) break;
      save(out_dir / "compile" / n, *b);
      files.push_back({n, *b});
    }
    if (files.size() == p.size()) link_seeds(fs::path(p[0]).stem().string(), files);
  }
  wasi_seeds();
  size_t n = 0;
  for (auto& d : fs::recursive_directory_iterator(out_dir)) n += d.is_regular_file();
  std::printf("fuzz_seeds: %zu seeds in %s\n", n, out_dir.c_str());
  return failures ? 1 : 0;
}
