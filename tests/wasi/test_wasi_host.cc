// Unit tests of the WASI host (host/wasi/) without compiled guests: host functions are called directly
// with a hand-made HostCall whose caller instance owns one 64 KiB memory (reserved exactly, so an
// out-of-bounds host access would fault and fail the test). Covers what the C programs under
// tests/wasi/ cannot: deterministic mode, the portable sandbox walk, sockets, import resolution, and
// robustness against garbage arguments. Build: link with wi_wasi_dep and doctest (tests/main.cc).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include "host/wasi/abi.h"
#include "host/wasi/fd_table.h"
#include "host/wasi/sandbox.h"
#include "host/wasi/wasi.h"
#include "interp/store.h"

namespace fs = std::filesystem;
using namespace wi;
namespace abi = wi::wasi::abi;

namespace {

constexpr uint32_t kMemSize = 65536;

// A scratch directory tree: root/sandbox (the preopen) beside root/outside.
struct TempTree {
  fs::path root;
  TempTree() {
    char tmpl[] = "/tmp/wi_wasi_test_XXXXXX";
    root = mkdtemp(tmpl);
    fs::create_directories(root / "sandbox" / "sub");
    fs::create_directories(root / "outside");
    write(root / "sandbox" / "file.txt", "contents\n");
    write(root / "outside" / "secret.txt", "secret\n");
    fs::create_symlink("../outside/secret.txt", root / "sandbox" / "out_link");
    fs::create_symlink("/etc", root / "sandbox" / "abs_link");
    fs::create_symlink("../file.txt", root / "sandbox" / "sub" / "up_link");
  }
  ~TempTree() { fs::remove_all(root); }
  static void write(const fs::path& p, const std::string& s) {
    FILE* f = fopen(p.c_str(), "w");
    fputs(s.c_str(), f);
    fclose(f);
  }
  std::string sandbox() const { return (root / "sandbox").string(); }
};

struct Guest {
  Store store;
  wasi::WasiContext ctx;
  Memory* mem;
  Instance inst;
  Trap last_trap;

  explicit Guest(wasi::WasiConfig cfg) : ctx(std::move(cfg)) {
    MemoryType t;
    t.limits.min = 1;
    t.limits.max = 1;
    mem = store.create_memory(t);
    REQUIRE(mem);
    inst.memories.push_back(mem);
  }
  // Calls a preview1 function; i32 arguments get garbage in their slot's high half on purpose.
  // Returns the errno, or UINT32_MAX when the call trapped (last_trap says why).
  uint32_t call(std::string_view name, std::initializer_list<uint64_t> args, bool dirty_high = true) {
    FuncInst* f = ctx.resolve(store, wasi::WasiContext::kModuleName, name);
    REQUIRE(f);
    Slot slots[16];
    size_t i = 0;
    for (uint64_t a : args) {
      bool is_i32 = f->type->params.at(i) == ValType::I32;
      slots[i].i64 = is_i32 && dirty_high ? (a & 0xffffffffu) | 0xdead000000000000ull : a;
      ++i;
    }
    REQUIRE(i == f->type->params.size());
    last_trap = Trap{};
    HostCall hc{store, &inst, slots, &last_trap};
    if (!f->host(hc)) return UINT32_MAX;
    return slots[0].i32;
  }
  uint8_t* at(uint32_t off) { return mem->data + off; }
  uint32_t put(uint32_t off, std::string_view s) {
    std::memcpy(at(off), s.data(), s.size());
    return uint32_t(s.size());
  }
  uint32_t u32(uint32_t off) { uint32_t v; std::memcpy(&v, at(off), 4); return v; }
  uint64_t u64(uint32_t off) { uint64_t v; std::memcpy(&v, at(off), 8); return v; }
  void set_u32(uint32_t off, uint32_t v) { std::memcpy(at(off), &v, 4); }
  void set_u64(uint32_t off, uint64_t v) { std::memcpy(at(off), &v, 8); }
};

wasi::WasiConfig quiet_config() {
  wasi::WasiConfig c;
  c.stdin_fd = c.stdout_fd = c.stderr_fd = -1;
  return c;
}

const char* const kAllFunctions[] = {
    "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
    "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
    "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
    "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
    "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get", "path_filestat_set_times",
    "path_link", "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
    "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get", "sock_accept",
    "sock_recv", "sock_send", "sock_shutdown"};

}  // namespace

TEST_CASE("resolve: every preview1 function with its signature, nothing else") {
  Guest g(quiet_config());
  for (const char* name : kAllFunctions) {
    FuncInst* f = g.ctx.resolve(g.store, "wasi_snapshot_preview1", name);
    REQUIRE_MESSAGE(f, name);
    CHECK(f->type->results.size() == (std::string_view(name) == "proc_exit" ? 0u : 1u));
  }
  auto sig = [&](const char* n) { return to_string(*g.ctx.resolve(g.store, "wasi_snapshot_preview1", n)->type); };
  CHECK(sig("path_open") == to_string(FuncType{{ValType::I32, ValType::I32, ValType::I32, ValType::I32, ValType::I32,
                                                 ValType::I64, ValType::I64, ValType::I32, ValType::I32},
                                                {ValType::I32}}));
  CHECK(sig("fd_seek") == to_string(FuncType{{ValType::I32, ValType::I64, ValType::I32, ValType::I32}, {ValType::I32}}));
  CHECK(g.ctx.resolve(g.store, "wasi_snapshot_preview1", "fd_dup") == nullptr);
  CHECK(g.ctx.resolve(g.store, "wasi_unstable", "fd_write") == nullptr);
  CHECK(g.ctx.resolve(g.store, "env", "fd_write") == nullptr);
  // Resolving again gives the same instance (created once per store).
  CHECK(g.ctx.resolve(g.store, "wasi_snapshot_preview1", "fd_write") ==
        g.ctx.resolve(g.store, "wasi_snapshot_preview1", "fd_write"));
}

TEST_CASE("proc_exit ends the guest with TrapKind::Exit and the status") {
  Guest g(quiet_config());
  CHECK(g.call("proc_exit", {300}) == UINT32_MAX);
  CHECK(g.last_trap.kind == TrapKind::Exit);
  CHECK(g.last_trap.exit_code == 300);
  CHECK(g.call("proc_raise", {10}) == abi::kNoSys);
}

TEST_CASE("deterministic mode: virtual clocks, seeded random, no host metadata") {
  TempTree tree;
  auto cfg = quiet_config();
  cfg.deterministic = true;
  cfg.seed = 42;
  cfg.preopens.push_back({tree.sandbox(), "/sandbox"});
  Guest a(cfg), b(cfg);
  cfg.seed = 43;
  Guest c(cfg);

  CHECK(a.call("clock_time_get", {abi::kClockMonotonic, 0, 100}) == 0);
  CHECK(a.u64(100) == 0);
  CHECK(a.call("clock_time_get", {abi::kClockMonotonic, 0, 100}) == 0);
  CHECK(a.u64(100) == 1'000'000);  // one step per read
  CHECK(a.call("clock_time_get", {abi::kClockRealtime, 0, 100}) == 0);
  CHECK(a.u64(100) == 946'684'800ull * 1'000'000'000ull + 2'000'000);
  CHECK(a.call("clock_res_get", {abi::kClockMonotonic, 100}) == 0);
  CHECK(a.u64(100) == 1'000'000);

  // A 10 s relative sleep returns at once and moves virtual time by 10 s.
  std::memset(a.at(200), 0, 48);
  a.at(208)[0] = abi::kEventClock;
  a.set_u32(216, abi::kClockMonotonic);
  a.set_u64(224, 10'000'000'000ull);
  CHECK(a.call("poll_oneoff", {200, 300, 1, 400}) == 0);
  CHECK(a.u32(400) == 1);
  CHECK(a.call("clock_time_get", {abi::kClockMonotonic, 0, 100}) == 0);
  CHECK(a.u64(100) >= 10'000'000'000ull);
  CHECK(a.u64(100) < 10'010'000'000ull);

  CHECK(a.call("random_get", {1000, 100}) == 0);
  CHECK(b.call("random_get", {1000, 100}) == 0);
  CHECK(c.call("random_get", {1000, 100}) == 0);
  CHECK(std::memcmp(a.at(1000), b.at(1000), 100) == 0);
  CHECK(std::memcmp(a.at(1000), c.at(1000), 100) != 0);
  CHECK(a.call("random_get", {2000, 100}) == 0);
  CHECK(std::memcmp(a.at(1000), a.at(2000), 100) != 0);  // the stream continues

  // filestat: stable per-path inode, no device, no times; same answer in another context.
  uint32_t len = a.put(500, "file.txt");
  b.put(500, "file.txt");
  CHECK(a.call("path_filestat_get", {3, abi::kLookupSymlinkFollow, 500, len, 600}) == 0);
  CHECK(b.call("path_filestat_get", {3, abi::kLookupSymlinkFollow, 500, len, 600}) == 0);
  struct stat st;
  REQUIRE(stat((tree.root / "sandbox" / "file.txt").c_str(), &st) == 0);
  CHECK(a.u64(600) == 0);                      // dev
  CHECK(a.u64(608) == b.u64(608));             // ino, stable
  CHECK(a.u64(608) != uint64_t(st.st_ino));    // and not the host's
  CHECK(a.at(616)[0] == abi::kFiletypeRegularFile);
  CHECK(a.u64(632) == 9);                      // size is real
  CHECK(a.u64(640) == 0);
  CHECK(a.u64(648) == 0);
  CHECK(a.u64(656) == 0);
  // The same file opened and fstat'ed reports the same inode.
  CHECK(a.call("path_open", {3, 0, 500, len, 0, abi::kRightFdFilestatGet, 0, 0, 700}) == 0);
  CHECK(a.call("fd_filestat_get", {a.u32(700), 800}) == 0);
  CHECK(a.u64(808) == a.u64(608));
}

TEST_CASE("path_open rights: ~0 is trimmed to what files can have, dropped rights stay dropped") {
  TempTree tree;
  auto cfg = quiet_config();
  cfg.preopens.push_back({tree.sandbox(), "/sandbox"});
  Guest g(cfg);
  uint32_t len = g.put(100, "file.txt");
  CHECK(g.call("path_open", {3, 0, 100, len, 0, ~0ull, ~0ull, 0, 200}) == 0);
  uint32_t fd = g.u32(200);
  CHECK(g.call("fd_fdstat_get", {fd, 300}) == 0);
  CHECK(g.u64(308) == wasi::kRightsRegularFile);  // base, masked to what a regular file can use
  CHECK(g.u64(316) == 0);                         // files hand nothing down
  // The preopen gives up fd_write for what it opens; asking for it now is refused.
  CHECK(g.call("fd_fdstat_set_rights", {3, wasi::kRightsDirectory, wasi::kRightsDirectoryInheriting & ~abi::kRightFdWrite}) == 0);
  CHECK(g.call("path_open", {3, 0, 100, len, 0, abi::kRightFdWrite, 0, 0, 200}) == abi::kNotCapable);
  CHECK(g.call("path_open", {3, 0, 100, len, 0, abi::kRightFdRead, 0, 0, 200}) == 0);
  CHECK(g.call("fd_fdstat_set_rights", {3, wasi::kRightsDirectory, wasi::kRightsDirectoryInheriting}) == abi::kNotCapable);
}

TEST_CASE("garbage arguments never crash the host") {
  TempTree tree;
  auto cfg = quiet_config();
  cfg.deterministic = true;  // no real sleeping in poll_oneoff
  cfg.preopens.push_back({tree.sandbox(), "/sandbox"});
  cfg.args = {"prog", "a", "b"};
  cfg.env = {"K=V"};
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  cfg.stdin_fd = cfg.stdout_fd = cfg.stderr_fd = null_fd;
  Guest g(cfg);
  std::mt19937_64 rng(1234);
  auto pick = [&]() -> uint64_t {
    switch (rng() % 8) {
      case 0: return rng();                             // anything
      case 1: return kMemSize - rng() % 64;             // near the end of memory
      case 2: return 0xffffffffu - rng() % 16;          // wraps when a length is added
      case 3: return rng() % 8;                         // small: fds, flags, counts
      default: return rng() % kMemSize;                 // in bounds
    }
  };
  for (const char* name : kAllFunctions) {
    if (std::string_view(name) == "proc_exit") continue;
    FuncInst* f = g.ctx.resolve(g.store, "wasi_snapshot_preview1", name);
    for (int iter = 0; iter < 3000; ++iter) {
      // Random bytes in memory too, so structures read from it are garbage as well; paths stay short
      // and mostly printable so some calls get past validation.
      for (int k = 0; k < 64; ++k) g.at(uint32_t(rng() % kMemSize))[0] = uint8_t(rng() % 3 ? 'a' + rng() % 4 : rng());
      Slot slots[16];
      for (size_t i = 0; i < f->type->params.size(); ++i) slots[i].i64 = pick();
      Trap trap;
      HostCall hc{g.store, &g.inst, slots, &trap};
      bool ok = f->host(hc);
      REQUIRE_MESSAGE(ok, name);
      REQUIRE_MESSAGE(slots[0].i32 <= abi::kNotCapable, name);
    }
  }
  // Whatever the fuzzing did, nothing outside the preopen changed.
  CHECK(fs::exists(tree.root / "outside" / "secret.txt"));
  size_t outside = 0;
  for (auto& e : fs::directory_iterator(tree.root / "outside")) (void)e, ++outside;
  CHECK(outside == 1);
  close(null_fd);
}

TEST_CASE("sockets lent as descriptors: send, recv (peek), shutdown") {
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  auto cfg = quiet_config();
  cfg.stdin_fd = sv[0];
  Guest g(cfg);
  // fd 0 is a stream socket.
  CHECK(g.call("fd_fdstat_get", {0, 100}) == 0);
  CHECK(g.at(100)[0] == abi::kFiletypeSocketStream);
  REQUIRE(write(sv[1], "ping", 4) == 4);
  g.set_u32(200, 300);  // iovec {buf 300, len 16}
  g.set_u32(204, 16);
  CHECK(g.call("sock_recv", {0, 200, 1, abi::kRecvPeek, 400, 404}) == 0);
  CHECK(g.u32(400) == 4);
  CHECK(g.call("sock_recv", {0, 200, 1, 0, 400, 404}) == 0);
  CHECK(std::string(reinterpret_cast<char*>(g.at(300)), 4) == "ping");
  CHECK(g.call("sock_recv", {0, 200, 1, 0x80, 400, 404}) == abi::kInval);
  g.put(500, "pong");
  g.set_u32(208, 500);
  g.set_u32(212, 4);
  CHECK(g.call("sock_send", {0, 208, 1, 0, 400}) == 0);
  CHECK(g.u32(400) == 4);
  char buf[8] = {};
  CHECK(read(sv[1], buf, sizeof buf) == 4);
  CHECK(std::string(buf, 4) == "pong");
  CHECK(g.call("sock_shutdown", {0, 0}) == abi::kInval);
  CHECK(g.call("sock_shutdown", {0, abi::kShutWr}) == 0);
  CHECK(read(sv[1], buf, sizeof buf) == 0);  // the peer sees EOF
  CHECK(g.call("sock_accept", {0, 0, 400}) == abi::kInval);  // not listening
  close(sv[1]);
  // Sending to a closed peer is EPIPE, and does not raise SIGPIPE in the host.
  CHECK(g.call("sock_send", {0, 208, 1, 0, 400}) == abi::kPipe);
  close(sv[0]);
}

TEST_CASE("sandbox: openat2 and the portable walk refuse the same escapes") {
  TempTree tree;
  int root = open(tree.sandbox().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(root >= 0);
  struct Case {
    const char* path;
    int flags;
    abi::Errno want;
  };
  const Case cases[] = {
      {"file.txt", O_RDONLY, abi::kSuccess},
      {"sub/../file.txt", O_RDONLY, abi::kSuccess},
      {"sub/up_link", O_RDONLY, abi::kSuccess},  // relative symlink that stays inside
      {"sub/up_link", O_RDONLY | O_NOFOLLOW, abi::kLoop},
      {".", O_RDONLY | O_DIRECTORY, abi::kSuccess},
      {"..", O_RDONLY, abi::kNotCapable},
      {"sub/../..", O_RDONLY, abi::kNotCapable},
      {"../outside/secret.txt", O_RDONLY, abi::kNotCapable},
      {"/etc/passwd", O_RDONLY, abi::kNotCapable},
      {"out_link", O_RDONLY, abi::kNotCapable},
      {"abs_link/passwd", O_RDONLY, abi::kNotCapable},
      {"out_link", O_RDONLY | O_NOFOLLOW, abi::kLoop},
      {"out_link", O_WRONLY | O_CREAT, abi::kNotCapable},
      {"missing", O_RDONLY, abi::kNoent},
      {"file.txt/", O_RDONLY, abi::kNotDir},
      {"", O_RDONLY, abi::kNoent},
  };
  for (bool walk : {false, true}) {
    wasi::sandbox_force_portable_walk(walk);
    for (const Case& c : cases) {
      wasi::UniqueFd fd;
      abi::Errno e = wasi::open_beneath(root, c.path, c.flags, 0644, fd);
      CHECK_MESSAGE(e == c.want, (walk ? "walk: " : "openat2: ") << c.path << " got " << e);
      CHECK(bool(fd) == (e == abi::kSuccess));
    }
    wasi::ParentDir p;
    CHECK(wasi::open_parent(root, "sub/new/", p) == abi::kSuccess);
    CHECK(p.name == "new");
    CHECK(p.trailing_slash);
    CHECK(wasi::open_parent(root, "../outside/x", p) == abi::kNotCapable);
    CHECK(wasi::open_parent(root, "abs_link/x", p) == abi::kNotCapable);
  }
  wasi::sandbox_force_portable_walk(false);
  close(root);
  CHECK_FALSE(fs::exists(tree.root / "outside" / "secret.txt.new"));
}

TEST_CASE("fd table: lowest free number, renumber, borrowed stdio stays open") {
  int p[2];
  REQUIRE(pipe(p) == 0);
  auto cfg = quiet_config();
  cfg.stdout_fd = p[1];
  {
    Guest g(cfg);
    CHECK(g.call("fd_close", {1}) == 0);
    CHECK(g.call("fd_close", {1}) == abi::kBadf);
    CHECK(g.ctx.fds().find(1) == nullptr);
  }
  // The guest closed its fd 1, and the context is gone: the embedder's descriptor is still open.
  CHECK(write(p[1], "x", 1) == 1);
  wasi::FdTable t;
  uint32_t a, b, c;
  auto entry = [] {
    auto e = std::make_unique<wasi::FdEntry>();
    e->owned = false;
    return e;
  };
  REQUIRE(t.insert(entry(), a) == abi::kSuccess);
  REQUIRE(t.insert(entry(), b) == abi::kSuccess);
  REQUIRE(t.insert(entry(), c) == abi::kSuccess);
  CHECK((a == 0 && b == 1 && c == 2));
  CHECK(t.close(1) == abi::kSuccess);
  REQUIRE(t.insert(entry(), b) == abi::kSuccess);
  CHECK(b == 1);
  CHECK(t.renumber(2, 0) == abi::kSuccess);
  CHECK(t.find(2) == nullptr);
  CHECK(t.renumber(0, 5) == abi::kBadf);
  close(p[0]);
  close(p[1]);
}

TEST_CASE("fd_write to a pipe without a reader is EPIPE, not the death of the host") {
  int p[2];
  REQUIRE(pipe(p) == 0);
  close(p[0]);
  auto cfg = quiet_config();
  cfg.stdout_fd = p[1];
  Guest g(cfg);
  g.put(100, "data");
  g.set_u32(200, 100);
  g.set_u32(204, 4);
  // SIGPIPE keeps its default action (terminate) here: surviving this call is the test.
  CHECK(g.call("fd_write", {1, 200, 1, 300}) == abi::kPipe);
  sigset_t pending;
  sigpending(&pending);
  CHECK_FALSE(sigismember(&pending, SIGPIPE));
  close(p[1]);
}

TEST_CASE("fd_fdstat_set_flags on lent stdio: NONBLOCK and APPEND are undone when the guest is gone") {
  int p[2];
  REQUIRE(pipe(p) == 0);
  const int before = fcntl(p[1], F_GETFL);
  REQUIRE((before & O_NONBLOCK) == 0);
  auto cfg = quiet_config();
  cfg.stdout_fd = p[1];
  {
    Guest g(cfg);
    CHECK(g.call("fd_fdstat_set_flags", {1, abi::kFdflagNonblock | abi::kFdflagAppend}) == 0);
    CHECK((fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0);  // the guest does get what it asked for
    CHECK(g.call("fd_fdstat_get", {1, 100}) == 0);
    CHECK((g.at(102)[0] & abi::kFdflagNonblock) != 0);
  }
  CHECK(fcntl(p[1], F_GETFL) == before);  // the embedder's (and its shell's) descriptor is as it was
  {
    Guest g(cfg);
    CHECK(g.call("fd_fdstat_set_flags", {1, abi::kFdflagNonblock}) == 0);
    CHECK(g.call("fd_close", {1}) == 0);  // closing the guest's fd 1 restores it too
    CHECK(fcntl(p[1], F_GETFL) == before);
  }
  close(p[0]);
  close(p[1]);
}

TEST_CASE("symlink_target_beneath: depth below the preopen, measured on the host") {
  TempTree tree;
  fs::create_directories(tree.root / "sandbox" / "sub" / "deeper");
  int root = open(tree.sandbox().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int deeper = open((tree.root / "sandbox" / "sub" / "deeper").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  int outside = open((tree.root / "outside").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE((root >= 0 && deeper >= 0 && outside >= 0));
  struct stat st;
  REQUIRE(fstat(root, &st) == 0);
  // Two levels down: two `..` stay inside, a third climbs out.
  CHECK(wasi::symlink_target_beneath(deeper, st.st_dev, st.st_ino, "../../file.txt") == abi::kSuccess);
  CHECK(wasi::symlink_target_beneath(deeper, st.st_dev, st.st_ino, "../../../outside") == abi::kNotCapable);
  CHECK(wasi::symlink_target_beneath(deeper, st.st_dev, st.st_ino, "x/../../../../y") == abi::kNotCapable);
  CHECK(wasi::symlink_target_beneath(deeper, st.st_dev, st.st_ino, "/tmp") == abi::kNotCapable);
  CHECK(wasi::symlink_target_beneath(root, st.st_dev, st.st_ino, "..") == abi::kNotCapable);
  CHECK(wasi::symlink_target_beneath(root, st.st_dev, st.st_ino, "./sub/..") == abi::kSuccess);
  // No root known: the link's directory is the bound.
  CHECK(wasi::symlink_target_beneath(deeper, 0, 0, "..") == abi::kNotCapable);
  CHECK(wasi::symlink_target_beneath(deeper, 0, 0, "a/..") == abi::kSuccess);
  // A directory that is not beneath the root at all: nothing it could hold is.
  CHECK(wasi::symlink_target_beneath(outside, st.st_dev, st.st_ino, "secret.txt") == abi::kNotCapable);
  close(root);
  close(deeper);
  close(outside);
}

TEST_CASE("path_open of a directory with write-class rights: openat2 and the portable walk agree") {
  TempTree tree;
  auto cfg = quiet_config();
  cfg.preopens.push_back({tree.sandbox(), "/sandbox"});
  for (bool walk : {false, true}) {
    wasi::sandbox_force_portable_walk(walk);
    Guest g(cfg);
    uint32_t dot = g.put(100, "."), sub = g.put(110, "sub");
    const uint64_t datasync = abi::kRightFdDatasync | abi::kRightFdReaddir;
    CHECK(g.call("path_open", {3, 0, 100, dot, 0, datasync, 0, 0, 200}) == 0);
    CHECK(g.call("fd_datasync", {g.u32(200)}) == 0);
    CHECK(g.call("path_open", {3, 0, 110, sub, 0, abi::kRightFdAllocate, 0, 0, 200}) == 0);
    CHECK(g.call("path_open", {3, 0, 110, sub, abi::kOflagDirectory, datasync, 0, 0, 200}) == 0);
    CHECK(g.call("path_open", {3, 0, 110, sub, abi::kOflagDirectory, abi::kRightFdWrite, 0, 0, 200}) == abi::kIsDir);
    CHECK(g.call("path_open", {3, 0, 110, sub, 0, abi::kRightFdWrite, 0, 0, 200}) == abi::kIsDir);
    CHECK(g.call("path_open", {3, 0, 110, sub, abi::kOflagCreat, datasync, 0, 0, 200}) == abi::kIsDir);
  }
  wasi::sandbox_force_portable_walk(false);
}
