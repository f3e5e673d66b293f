// libFuzzer target: the runtime linker on hostile modules. An input (link_input.h) is a main module
// and up to two libraries; they are written into a per-process scratch directory and linked with
// wi::link::Linker — load (dyninfo and dylink.0 parsing, `needed` search), check, resolve, layout,
// relocate, bind — then, by the flags byte, constructors and the entry run with fuel metering and a
// small memory limit, and a library is dlopened by bare name or by guest path. Each module's dyninfo
// and dylink.0 payloads are also fed to their parsers directly. Any input must end as a link error,
// a trap or a normal return: never a crash, hang, leak or sanitizer report.
// Policy: nothing outside the scratch directory is written. The main module is a host path, so its
// `needed` names with '/' are host paths too (load.cc's policy): they may read files (the process
// stays in libFuzzer's directory, whose relative corpus paths a chdir would break), never write. Guest paths ("/g/NAME" or relative) open beneath it
// through the WASI sandbox (host/wasi/sandbox.h), as `wi exec` opens them beneath a preopen.
// The custom mutator rewrites numbers and names inside a dyninfo section's JSON and fixes the section
// size, which plain byte mutation almost never does validly; half the mutations are libFuzzer's own.
#include <fcntl.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include "decoder/decoder.h"
#include "host/wasi/sandbox.h"
#include "interp/store.h"
#include "linker/dylink0.h"
#include "linker/dyninfo.h"
#include "linker/linker.h"
#include "tests/fuzz/link_input.h"

namespace fs = std::filesystem;
using namespace wi;
using wi::fuzz::LinkInput;

namespace {

// A custom section's place in a module: [size_at, end) is its size LEB and payload, whose content
// after the name is [payload, end).
struct CustomPlace {
  size_t section = 0, size_at = 0, payload = 0, end = 0;
};

bool read_leb(const std::vector<uint8_t>& b, size_t& p, uint32_t& v) {
  v = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (p >= b.size()) return false;
    uint8_t c = b[p++];
    v |= uint32_t(c & 0x7f) << shift;
    if (!(c & 0x80)) return true;
  }
  return false;
}

bool find_custom(const std::vector<uint8_t>& b, std::string_view name, CustomPlace& out) {
  if (b.size() < 8) return false;
  size_t p = 8;
  while (p < b.size()) {
    size_t section = p;
    uint8_t id = b[p++];
    size_t size_at = p;
    uint32_t size;
    if (!read_leb(b, p, size) || size > b.size() - p) return false;
    size_t end = p + size;
    uint32_t len;
    // The name's LEB may run past the section's end (p > end): that is no name.
    if (id == 0 && read_leb(b, p, len) && p <= end && len <= end - p &&
        std::string_view(reinterpret_cast<const char*>(&b[p]), len) == name) {
      out = {section, size_at, p + len, end};
      return true;
    }
    p = end;
  }
  return false;
}

struct Scratch {
  std::string dir;
  int fd = -1;
  Scratch() {
    const char* shm = "/dev/shm";
    const char* tmp = std::getenv("TMPDIR");
    std::string base = access(shm, W_OK) == 0 ? shm : tmp ? tmp : "/tmp";
    dir = base + "/wi-fuzz-link-" + std::to_string(getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) abort();
    std::atexit([] { fs::remove_all(instance().dir); });
  }
  // Never destroyed: the atexit handler runs after static destructors would have.
  static Scratch& instance() {
    static Scratch* s = new Scratch;
    return *s;
  }
  void clear() {
    for (auto& e : fs::directory_iterator(dir)) fs::remove_all(e.path());
  }
};

// A file name the harness may create: one component, so no record writes outside the directory.
std::string file_name(const std::string& name, size_t i) {
  bool ok = !name.empty() && name != "." && name != ".." && name.size() < 200 &&
            name.find('/') == std::string::npos && name.find('\0') == std::string::npos;
  return ok ? name : "m" + std::to_string(i) + ".wasm";
}

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// The parsers on their own, with no decode in front (load decodes first and stops at many errors).
void parse_sections(const std::vector<uint8_t>& bytes) {
  CustomPlace c;
  if (find_custom(bytes, link::kDynInfoSection, c)) {
    auto info = link::parse_dyninfo(std::string_view(reinterpret_cast<const char*>(&bytes[c.payload]), c.end - c.payload));
    if (info.ok()) {
      // Writing and reading back is the identity (dyninfo.h's policy: deterministic encoding).
      auto again = link::parse_dyninfo(link::to_json(*info));
      if (!again.ok() || !(*again == *info)) abort();
      (void)link::to_json(*info, true);
    }
  }
  if (find_custom(bytes, link::kDylink0Section, c))
    (void)link::parse_dylink0(std::span(bytes.data() + c.payload, c.end - c.payload), c.payload);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  LinkInput in = LinkInput::parse(data, size);
  if (in.files.empty()) return 0;
  Scratch& scratch = Scratch::instance();
  scratch.clear();
  std::vector<std::string> names;
  for (size_t i = 0; i < in.files.size(); ++i) {
    parse_sections(in.files[i].bytes);
    names.push_back(file_name(in.files[i].name, i));
    write_file(scratch.dir + "/" + names.back(), in.files[i].bytes);
  }

  StoreLimits limits;
  limits.max_call_depth = 500;
  limits.value_stack_slots = 1u << 16;
  limits.max_memory_pages = 256;  // 16 MiB: enough for the fixtures' stacks, small for a fuzzer
  Store store(limits);
  link::LinkOptions options;
  options.bind_now = in.flags & LinkInput::kBindNow;
  options.stack_size = 64 * 1024;
  options.compile.meter_fuel = true;
  link::HostImports host;
  // Every host import is a function returning zeros: code past its imports runs on.
  host.import = [&store](std::string_view, std::string_view name, const FuncType& type) {
    return store.create_host_function(type, [n = type.results.size()](HostCall& hc) {
      for (size_t i = 0; i < n; ++i) hc.args[i].i64 = 0;
      return true;
    }, std::string(name));
  };
  host.open_guest = [&scratch](const std::string& path) -> Result<int> {
    std::string rel = path;
    if (rel.starts_with("/g/")) rel = rel.substr(3);
    else if (rel.starts_with("/")) return make_error(SIZE_MAX, path + ": not in the sandbox");
    wasi::UniqueFd out;
    if (wasi::open_beneath(scratch.fd, rel, O_RDONLY | O_NONBLOCK, 0, out) != wasi::abi::kSuccess)
      return make_error(SIZE_MAX, path + ": cannot open in the sandbox");
    return out.release();
  };
  link::Linker linker(store, options, std::move(host));
  // WI_FUZZ_VERBOSE=1 prints each input's outcome (to see how far the seeds and a corpus get).
  static const bool verbose = std::getenv("WI_FUZZ_VERBOSE");
  store.fuel = 200000;  // wasm instructions: instantiation runs code too (dylink.0 data relocations)
  auto linked = linker.link_program(scratch.dir + "/" + names[0]);
  if (verbose) std::fprintf(stderr, "link: %s\n", linked.ok() ? "ok" : linked.error().message.c_str());
  if (!linked.ok()) return 0;
  (void)linker.bindings();
  (void)linker.module_names();
  store.fuel = 200000;  // ample for the fixtures, bounded for loops
  if (in.flags & LinkInput::kRun) {
    Trap t = linker.run_constructors();
    if (!t) t = linker.run_entry();
    if (verbose) std::fprintf(stderr, "run: %s\n", t ? t.message.c_str() : "ok");
    // Then each function the main exports, with zero arguments: the fixtures' programs are mostly
    // such functions (load_app's app_*), and they reach the relocated data and the PLT.
    auto decoded = decode_module(in.files[0].bytes, nullptr);
    if (decoded.ok()) {
      int calls = 0;
      for (auto& e : (*decoded)->exports) {
        if (e.kind != ExternKind::Func || ++calls > 16) continue;
        FuncInst* f = linker.find_function(e.name);
        if (!f) continue;
        std::vector<Value> args(f->type->params.size());
        for (size_t i = 0; i < args.size(); ++i) args[i].type = f->type->params[i];
        std::vector<Value> results;
        (void)store.call(f, args, results);
      }
    }
  }
  if (in.flags & (LinkInput::kDlopenBare | LinkInput::kDlopenGuest)) {
    const std::string& lib = names.back();
    link::Linker::DlopenOptions o;
    o.now = in.flags & LinkInput::kDlopenNow;
    o.global = !(in.flags & LinkInput::kLocal);
    auto h = linker.dlopen(in.flags & LinkInput::kDlopenGuest ? "/g/" + lib : lib, o);
    if (verbose) std::fprintf(stderr, "dlopen %s: %s\n", lib.c_str(), h.ok() ? "ok" : h.error().message.c_str());
    if (h.ok()) {
      store.fuel = 200000;
      (void)linker.run_constructors();
      (void)linker.dlsym("lib_apply", *h);
      (void)linker.dlclose(*h);
    }
  }
  (void)linker.dlsym("main");
  return 0;
}

// ---- custom mutator -------------------------------------------------------------------------------
// -DWI_FUZZ_NO_CUSTOM_MUTATOR builds the target without it, to measure what it adds (cov: figures).
#ifndef WI_FUZZ_NO_CUSTOM_MUTATOR

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

// Values that sit on the checks' edges: zero, small, page and table limits, sign and wrap points.
const uint64_t kInteresting[] = {0,     1,      2,      3,          4,          5,          7,          8,
                                 15,    16,     31,     32,         64,         255,        256,        1024,
                                 4095,  4096,   65535,  65536,      65537,      1u << 20,   10000000,   10000001,
                                 0x7ffffffb, 0x7fffffff, 0x80000000, 0xfffffffb, 0xfffffffc, 0xffffffff,
                                 0x100000000ull};
const char* const kNames[] = {"",          "main.wasm",  "m0.wasm",    "m1.wasm",       "../m1.wasm", "./m1.wasm",
                              "/g/m1.wasm", "/etc/passwd", "sub/x.wasm", "/dev/zero",     ".",          "..",
                              "_start",    "__wasm_call_ctors", "__memory_base", "__table_base", "__stack_pointer",
                              "dlopen",    "lib_apply",  "mem_leb",    "table_sleb",    "mem_sleb"};

// Token spans of a JSON text: numbers (with a leading '-') and the insides of strings.
struct Token {
  size_t begin, end;
  bool number;
};

std::vector<Token> tokens(const std::string& j) {
  std::vector<Token> out;
  for (size_t i = 0; i < j.size();) {
    if (j[i] == '"') {
      size_t k = i + 1;
      while (k < j.size() && j[k] != '"') k += j[k] == '\\' ? 2 : 1;
      if (k >= j.size()) break;
      out.push_back({i + 1, k, false});
      i = k + 1;
    } else if (j[i] == '-' || (j[i] >= '0' && j[i] <= '9')) {
      size_t k = i + 1;
      while (k < j.size() && j[k] >= '0' && j[k] <= '9') ++k;
      out.push_back({i, k, true});
      i = k;
    } else {
      ++i;
    }
  }
  return out;
}

bool mutate_json(std::string& j, std::mt19937& rng) {
  auto toks = tokens(j);
  if (toks.empty()) return false;
  const Token t = toks[rng() % toks.size()];
  std::string repl;
  if (t.number) {
    switch (rng() % 4) {
      case 0: repl = std::to_string(kInteresting[rng() % std::size(kInteresting)]); break;
      case 1: {  // a near value: off by one, by a word, doubled
        int64_t v = std::strtoll(j.c_str() + t.begin, nullptr, 10);
        const int64_t deltas[] = {-1, 1, -4, 4, 5, -5};
        repl = std::to_string(rng() % 5 ? v + deltas[rng() % 6] : v * 2);
        break;
      }
      case 2: {  // another number of the same module: an index or address that is valid elsewhere
        const Token& o = toks[rng() % toks.size()];
        repl = o.number ? j.substr(o.begin, o.end - o.begin) : "0";
        break;
      }
      default: repl = std::to_string(int64_t(int32_t(rng()))); break;
    }
  } else {
    if (rng() % 2) {
      repl = kNames[rng() % std::size(kNames)];
    } else {
      const Token& o = toks[rng() % toks.size()];
      repl = o.number ? "" : j.substr(o.begin, o.end - o.begin);
    }
  }
  j.replace(t.begin, t.end - t.begin, repl);
  return true;
}

// The module with its dyninfo payload replaced, the section's size rewritten.
bool mutate_dyninfo(std::vector<uint8_t>& m, std::mt19937& rng) {
  CustomPlace c;
  if (!find_custom(m, link::kDynInfoSection, c)) return false;
  std::string json(m.begin() + c.payload, m.begin() + c.end);
  if (!mutate_json(json, rng)) return false;
  size_t p = c.size_at;
  uint32_t old_size;
  if (!read_leb(m, p, old_size)) return false;
  std::vector<uint8_t> name_part(m.begin() + p, m.begin() + c.payload);
  uint32_t new_size = uint32_t(name_part.size() + json.size());
  std::vector<uint8_t> sec;
  for (uint32_t v = new_size;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    sec.push_back(uint8_t(b | (v ? 0x80 : 0)));
    if (!v) break;
  }
  sec.insert(sec.end(), name_part.begin(), name_part.end());
  sec.insert(sec.end(), json.begin(), json.end());
  std::vector<uint8_t> out(m.begin(), m.begin() + c.size_at);
  out.insert(out.end(), sec.begin(), sec.end());
  out.insert(out.end(), m.begin() + c.end, m.end());
  m = std::move(out);
  return true;
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
  std::mt19937 rng(seed);
  if (rng() % 2 == 0) return LLVMFuzzerMutate(data, size, max_size);
  LinkInput in = LinkInput::parse(data, size);
  if (in.files.empty()) return LLVMFuzzerMutate(data, size, max_size);
  switch (rng() % 8) {
    case 0: in.flags ^= uint8_t(1u << (rng() % 6)); break;
    case 1: {  // a file's name: another file's, or one of the hostile ones
      auto& f = in.files[rng() % in.files.size()];
      f.name = rng() % 2 ? in.files[rng() % in.files.size()].name : kNames[rng() % std::size(kNames)];
      break;
    }
    default:
      if (!mutate_dyninfo(in.files[rng() % in.files.size()].bytes, rng))
        return LLVMFuzzerMutate(data, size, max_size);
  }
  std::vector<uint8_t> out = in.serialize();
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
#endif  // WI_FUZZ_NO_CUSTOM_MUTATOR
