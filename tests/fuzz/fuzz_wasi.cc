// libFuzzer target: the WASI preview1 host (host/wasi/) under a random sequence of calls. An input is
// a flags byte then at most kMaxCalls operations: a call of one preview1 function with arguments
// decoded from the input (fds, pointers in and out of bounds, lengths that wrap 2^32, paths from a
// table of hostile ones: `..`, absolute, symlinks that leave), or a write of input bytes into guest
// memory (so iovec arrays, subscriptions and paths can be crafted). Calls go straight to the host
// functions, as tests/wasi/test_wasi_host.cc calls them, on a fresh WasiContext per input whose only
// preopens are a scratch sandbox/ (fd 3, "/sandbox") and its sub/ (fd 4, ".").
// Oracles, checked after every input; a violation abort()s so libFuzzer keeps the input:
//   - outside/, a sibling of sandbox/ holding a file, a directory and a symlink, is unchanged (names,
//     types, sizes, contents, link targets, modification times), and the scratch root holds nothing new;
//   - the guard bytes around the guest memory buffer are untouched (a host write past the memory).
// Policy: nothing may block or grow without bound: deterministic mode (poll_oneoff never sleeps), no
// stdio and no sockets, RLIMIT_FSIZE caps any file the guest writes (SIGXFSZ ignored: EFBIG instead).
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>
#include "host/wasi/sandbox.h"
#include "host/wasi/wasi.h"
#include "tests/fuzz/wasi_input.h"
#include "interp/store.h"

namespace fs = std::filesystem;
using namespace wi;
using namespace wi::fuzz;

namespace {

constexpr uint32_t kMemSize = 65536;
constexpr size_t kGuard = 4096;
constexpr uint8_t kGuardByte = 0xa5;
constexpr int kMaxCalls = 64;
// Guest memory layout the harness prepares: the path table at kPaths, iovec arrays at kIovecs,
// subscriptions at kSubs, a work area (where out-pointers usually point) from kWork.
constexpr uint32_t kPaths = 0x0100, kIovecs = 0x0800, kSubs = 0x0a00, kWork = 0x1000;


// What outside/ (and the root's names) look like: path -> "type size content-or-target mtime".
using Snapshot = std::map<std::string, std::string>;

struct World {
  fs::path root, sandbox, outside;
  Snapshot before;

  World() {
    // tmpfs when there is one: each input rebuilds the sandbox, and a disk makes that the bottleneck.
    const char* tmp = std::getenv("TMPDIR");
    std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmp ? tmp : "/tmp";
    root = fs::path(base) / ("wi-fuzz-wasi-" + std::to_string(getpid()));
    fs::remove_all(root);
    sandbox = root / "sandbox";
    outside = root / "outside";
    fs::create_directories(outside / "dir");
    put(outside / "secret.txt", "secret\n");
    put(outside / "dir" / "inner", "inner\n");
    fs::create_symlink("secret.txt", outside / "link");
    fs::create_directories(sandbox);
    before = snapshot();
    // A guest write is capped (EFBIG), so an input cannot fill the disk.
    struct rlimit rl = {1u << 20, 1u << 20};
    setrlimit(RLIMIT_FSIZE, &rl);
    signal(SIGXFSZ, SIG_IGN);
    std::atexit([] { fs::remove_all(instance().root); });
  }
  // Never destroyed: the atexit handler runs after static destructors would have.
  static World& instance() {
    static World* w = new World;
    return *w;
  }
  static void put(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

  // The sandbox as each input starts: a file, a directory, and links that leave in every way.
  void reset_sandbox() {
    fs::remove_all(sandbox);  // removes links, never what they point to
    fs::create_directories(sandbox / "sub");
    put(sandbox / "file.txt", "contents\n");
    fs::create_symlink("../outside/secret.txt", sandbox / "out_link");
    fs::create_symlink(outside, sandbox / "abs_link");
    fs::create_symlink("../outside", sandbox / "dir_link");
    fs::create_symlink("../outside/dir", sandbox / "out_dir_link");
    fs::create_symlink("../file.txt", sandbox / "sub" / "up_link");
    fs::create_symlink("loop", sandbox / "loop");
  }

  Snapshot snapshot() const {
    Snapshot s;
    for (auto& e : fs::directory_iterator(root)) s["root:" + e.path().filename().string()] = "";
    for (auto& e : fs::recursive_directory_iterator(outside)) {
      struct stat st;
      if (lstat(e.path().c_str(), &st) != 0) continue;
      std::string v = std::to_string(st.st_mode) + " " + std::to_string(st.st_size) + " " +
                      std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + " ";
      if (S_ISLNK(st.st_mode)) v += fs::read_symlink(e.path()).string();
      else if (S_ISREG(st.st_mode)) {
        std::ifstream f(e.path(), std::ios::binary);
        v.append(std::istreambuf_iterator<char>(f), {});
      }
      s[fs::relative(e.path(), outside).string()] = v;
    }
    return s;
  }
};

// The input as a stream; past its end every read is zero.
struct Reader {
  const uint8_t* p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t u8() {
    if (!n) return 0;
    --n;
    return *p++;
  }
  uint32_t u32() { return u8() | uint32_t(u8()) << 8 | uint32_t(u8()) << 16 | uint32_t(u8()) << 24; }
  uint64_t u64() { return u32() | uint64_t(u32()) << 32; }
};

const uint64_t kEdges[] = {0,          1,          2,          7,          8,          24,         64,
                           kMemSize - 1, kMemSize,  kMemSize - 8, kMemSize - 24, kMemSize + 1, 0x7fffffff,
                           0x80000000, 0xfffffff8, 0xfffffffc, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull,
                           0xffffffffffffffffull, 1u << 20, 1u << 30};

struct PathRef {
  uint32_t ptr, len;
};

void prepare_memory(uint8_t* mem, PathRef* paths) {
  std::memset(mem, 0, kMemSize);
  uint32_t at = kPaths;
  for (size_t i = 0; i < kNumPaths; ++i) {
    size_t len = std::strlen(kPathTable[i]);
    std::memcpy(mem + at, kPathTable[i], len);
    paths[i] = {at, uint32_t(len)};
    at += uint32_t(len) + 1;
  }
  // iovec arrays: two good buffers; one straddling the end; one whose length wraps 2^32.
  const uint32_t iovs[][2] = {{kWork + 0x100, 64}, {kWork + 0x200, 100}, {kMemSize - 8, 16},
                              {0xfffffff0, 0x20},  {kWork, 0xffffffff}, {kWork + 0x300, 0}};
  for (size_t i = 0; i < std::size(iovs); ++i) {
    std::memcpy(mem + kIovecs + 8 * i, &iovs[i][0], 4);
    std::memcpy(mem + kIovecs + 8 * i + 4, &iovs[i][1], 4);
  }
  // poll_oneoff subscriptions: a relative clock, an fd_read on fd 3, an fd_write on fd 5.
  uint8_t* s = mem + kSubs;
  s[8] = 0;
  uint64_t timeout = 1000;
  std::memcpy(s + 24, &timeout, 8);
  s[48 + 8] = 1;
  uint32_t fd = 3;
  std::memcpy(s + 48 + 16, &fd, 4);
  s[96 + 8] = 2;
  fd = 5;
  std::memcpy(s + 96 + 16, &fd, 4);
}

// One argument: the selector byte chooses its kind, so mutations move between kinds.
uint64_t argument(Reader& r, const PathRef* paths, uint32_t& pending_len) {
  uint8_t sel = r.u8();
  uint8_t b = r.u8();
  switch (sel % kNumSelectors) {
    case kSelByte: return b;
    case kSelFd: return b % 12;                                // stdio, the preopens, opened ones
    case kSelWork: return kWork + uint32_t(b) * 64;            // an out-pointer in the work area
    case kSelEdge: return kEdges[b % std::size(kEdges)];
    case kSelU32: return r.u32();
    case kSelPath: pending_len = paths[b % kNumPaths].len; return paths[b % kNumPaths].ptr;
    case kSelPathLen: return pending_len + (b & 3 ? 0 : b >> 2);  // the last path's length (or more)
    case kSelIovecs: return kIovecs + 8 * (b % 6);             // an iovec array (its count is an argument)
    case kSelSubs: return kSubs + 48 * (b % 3);                // poll_oneoff subscriptions
    default: return r.u64();                                   // rights, offsets, timestamps
  }
}

[[noreturn]] void violation(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "fuzz_wasi: %s %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& world = World::instance();
  world.reset_sandbox();
  Reader r{data, size};
  uint8_t flags = r.u8();
  wasi::sandbox_force_portable_walk(flags & 1);  // both confinement implementations
  {
    wasi::WasiConfig cfg;
    cfg.stdin_fd = cfg.stdout_fd = cfg.stderr_fd = -1;
    cfg.deterministic = true;
    cfg.args = {"fuzz", "arg"};
    cfg.env = {"A=1"};
    cfg.preopens = {{world.sandbox.string(), "/sandbox"}, {(world.sandbox / "sub").string(), "."}};
    Store store;
    wasi::WasiContext ctx(std::move(cfg));
    // The guest memory, with guard bytes on both sides that no host access may reach.
    std::vector<uint8_t> buf(kGuard + kMemSize + kGuard, kGuardByte);
    uint8_t* mem = buf.data() + kGuard;
    PathRef paths[kNumPaths];
    prepare_memory(mem, paths);
    Memory memory;
    memory.data = mem;
    memory.size = kMemSize;
    memory.max_pages = 1;
    Instance inst;
    inst.memories.push_back(&memory);

    for (int i = 0; i < kMaxCalls && !r.empty(); ++i) {
      uint8_t op = r.u8();
      if (op >= kOpMemWrite) {  // a memory write: offset, length, bytes
        uint32_t off = r.u32() % kMemSize;
        uint32_t len = std::min<uint32_t>(r.u8(), kMemSize - off);
        for (uint32_t k = 0; k < len; ++k) mem[off + k] = r.u8();
        continue;
      }
      FuncInst* f = ctx.resolve(store, wasi::WasiContext::kModuleName, kFunctions[op % kNumFunctions]);
      if (!f) violation("a preview1 function does not resolve:", kFunctions[op % kNumFunctions]);
      Slot slots[16] = {};
      uint32_t pending_len = 0;
      for (size_t k = 0; k < f->type->params.size(); ++k) {
        uint64_t v = argument(r, paths, pending_len);
        // i32 arguments get garbage in the slot's high half, which handlers must ignore.
        slots[k].i64 = f->type->params[k] == ValType::I32 ? (v & 0xffffffffu) | (uint64_t(r.u8()) << 40) : v;
      }
      Trap trap;
      HostCall hc{store, &inst, slots, &trap};
      (void)f->host(hc);
    }
    memory.data = nullptr;  // the buffer is not an mmap ~Memory may unmap
    for (size_t k = 0; k < kGuard; ++k)
      if (buf[k] != kGuardByte || buf[kGuard + kMemSize + k] != kGuardByte)
        violation("a host write outside the guest memory at guard offset", std::to_string(k));
  }  // the context closes every descriptor here
  Snapshot after = world.snapshot();
  if (after != world.before) {
    std::string diff;
    for (auto& [k, v] : after)
      if (!world.before.count(k) || world.before.at(k) != v) diff += " changed/new: " + k;
    for (auto& [k, v] : world.before)
      if (!after.count(k)) diff += " gone: " + k;
    violation("the guest changed what is outside its sandbox:", diff);
  }
  return 0;
}
