// WasiContext: builds the descriptor table from the configuration (stdio, then preopens from fd 3 in
// order, which is where wasi-libc's startup scan looks for them) and turns each area's FuncSpec list
// into host functions of one Store. Also the helpers shared by several areas (filestat, guest paths).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <exception>
#include "host/wasi/context.h"
#include "host/wasi/sandbox.h"

namespace wi::wasi {

Ctx::Ctx(WasiConfig c) : config(std::move(c)) {
  const int stdio[3] = {config.stdin_fd, config.stdout_fd, config.stderr_fd};
  const char* names[3] = {"<stdin>", "<stdout>", "<stderr>"};
  for (uint32_t i = 0; i < 3; ++i) {
    // A descriptor the embedder passes but that is not open (e.g. `wi exec ... <&-`) is no stdio.
    if (stdio[i] < 0 || fcntl(stdio[i], F_GETFD) < 0) continue;
    auto e = entry_for_host_fd(stdio[i], /*owned=*/false);
    e->guest_path = names[i];
    fds.insert_at(i, std::move(e));
  }
  uint32_t next = 3;
  for (const Preopen& p : config.preopens) {
    int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      setup_errors.push_back(p.host_path + ": " + std::strerror(errno));
      continue;
    }
    auto e = std::make_unique<FdEntry>();
    e->host_fd = fd;
    e->type = abi::kFiletypeDirectory;
    e->rights_base = kRightsDirectory;
    e->rights_inheriting = kRightsDirectoryInheriting;
    e->preopen_name = p.guest_path;
    e->guest_path = p.guest_path;
    struct stat st;
    if (fstat(fd, &st) == 0) {
      e->root_dev = st.st_dev;
      e->root_ino = st.st_ino;
    }
    fds.insert_at(next++, std::move(e));
  }
  // xoshiro256** state from the seed through splitmix64, the seeding its authors recommend.
  uint64_t x = config.seed;
  for (uint64_t& s : prng) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    s = z ^ (z >> 31);
  }
}

WasiContext::WasiContext(WasiConfig config) : ctx_(std::make_unique<Ctx>(std::move(config))) {}
WasiContext::~WasiContext() = default;

FdTable& WasiContext::fds() { return ctx_->fds; }
const std::vector<std::string>& WasiContext::setup_errors() const { return ctx_->setup_errors; }

namespace {

std::vector<FuncSpec> all_specs() {
  std::vector<FuncSpec> v;
  add_args_env(v);
  add_clocks_random(v);
  add_fd(v);
  add_path(v);
  add_poll(v);
  add_proc(v);
  add_sock(v);
  return v;
}

HostFunction wrap(Ctx* ctx, const FuncSpec& s) {
  return [ctx, fn = s.fn, ret = s.returns_errno, name = s.name](HostCall& hc) -> bool {
    // Host-side failures (allocation) must not unwind through the interpreter: they stop the guest.
    try {
      Call c{hc, *ctx, GuestMemory(hc.caller)};
      Ret r = fn(c);
      if (r == kTrapped) return false;
      if (ret) hc.args[0].i64 = uint32_t(r);  // the whole slot, so no stale high half remains
      return true;
    } catch (const std::exception& e) {
      return hc.fail(TrapKind::Host, std::string("wasi ") + name + ": " + e.what());
    }
  };
}

}  // namespace

FuncInst* WasiContext::resolve(Store& store, std::string_view module, std::string_view name) {
  if (module != kModuleName) return nullptr;
  auto it = per_store_.begin();
  for (; it != per_store_.end(); ++it)
    if (it->first == &store) break;
  if (it == per_store_.end()) {
    std::map<std::string, FuncInst*, std::less<>> funcs;
    for (const FuncSpec& s : all_specs()) {
      FuncType t;
      for (const char* p = s.params; *p; ++p) t.params.push_back(*p == 'I' ? ValType::I64 : ValType::I32);
      if (s.returns_errno) t.results.push_back(ValType::I32);
      std::string full = std::string(kModuleName) + "." + s.name;
      HostFunction fn = wrap(ctx_.get(), s);
      if (ctx_->config.interpose) fn = ctx_->config.interpose(full, t, std::move(fn));
      funcs[s.name] = store.create_host_function(t, std::move(fn), full);
    }
    per_store_.emplace_back(&store, std::move(funcs));
    it = per_store_.end() - 1;
  }
  auto f = it->second.find(name);
  return f == it->second.end() ? nullptr : f->second;
}

uint64_t stable_ino(std::string_view guest_path) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : guest_path) h = (h ^ ch) * 0x100000001b3ull;
  return h ? h : 1;
}

std::string guest_path_join(const std::string& base, std::string_view rel) {
  std::vector<std::string> parts;
  auto push = [&](std::string_view p) {
    size_t i = 0;
    while (i <= p.size()) {
      size_t j = p.find('/', i);
      if (j == std::string_view::npos) j = p.size();
      std::string_view c = p.substr(i, j - i);
      if (c == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!c.empty() && c != ".") {
        parts.emplace_back(c);
      }
      i = j + 1;
    }
  };
  push(base);
  push(rel);
  std::string out = base.starts_with('/') ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out.empty() ? "." : out;
}

// Spec (filestat): dev, ino, filetype, nlink, size, atim, mtim, ctim; times in ns since the epoch.
// https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-filestat-record
bool write_filestat(Call& c, uint32_t ptr, const struct stat& st, int host_fd, const std::string& guest_path) {
  uint8_t* p = c.mem.span(ptr, abi::kFilestatSize);
  if (!p) return false;
  auto ns = [](const struct timespec& t) { return uint64_t(t.tv_sec) * 1000000000ull + uint64_t(t.tv_nsec); };
  const bool det = c.ctx.config.deterministic;
  uint64_t dev = det ? 0 : uint64_t(st.st_dev);
  uint64_t ino = det ? stable_ino(guest_path) : uint64_t(st.st_ino);
  uint64_t nlink = uint64_t(st.st_nlink), size = uint64_t(st.st_size);
  uint64_t atim = det ? 0 : ns(st.st_atim), mtim = det ? 0 : ns(st.st_mtim), ctim = det ? 0 : ns(st.st_ctim);
  uint8_t type = filetype_from_mode(st.st_mode, host_fd);
  std::memset(p, 0, abi::kFilestatSize);
  std::memcpy(p + 0, &dev, 8);
  std::memcpy(p + 8, &ino, 8);
  p[16] = type;
  std::memcpy(p + 24, &nlink, 8);
  std::memcpy(p + 32, &size, 8);
  std::memcpy(p + 40, &atim, 8);
  std::memcpy(p + 48, &mtim, 8);
  std::memcpy(p + 56, &ctim, 8);
  return true;
}

abi::Errno read_guest_path(Call& c, uint32_t ptr, uint32_t len, std::string& out) {
  if (!c.mem.read_string(ptr, len, out)) return abi::kFault;
  return validate_guest_path(out);
}

}  // namespace wi::wasi
