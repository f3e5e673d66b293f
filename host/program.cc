// Program: a Store, WASI, the runtime linker and the dl host APIs wired together (see program.h).
#include "host/program.h"
#include <fcntl.h>
#include "fmt/format.h"
#include "host/dl.h"
#include "host/wasi/fd_table.h"
#include "host/wasi/sandbox.h"

namespace wi {
namespace {

std::string errno_text(wasi::abi::Errno e) {
  switch (e) {
    case wasi::abi::kNoent: return "no such file or directory";
    case wasi::abi::kAcces: return "permission denied";
    case wasi::abi::kNotCapable: return "outside the preopened directory";
    case wasi::abi::kIsDir: return "is a directory";
    case wasi::abi::kLoop: return "too many symbolic links";
    default: return fmt::format("WASI errno {}", int(e));
  }
}

}  // namespace

Program::Program(ProgramOptions options)
    : options_(std::move(options)), store_(options_.runtime.limits), wasi_(options_.runtime.wasi),
      dl_(std::make_unique<DlState>()) {
  if (options_.runtime.fuel) {
    store_.fuel = *options_.runtime.fuel;
    options_.link.compile.meter_fuel = true;
  }
  link::HostImports host;
  host.import = [this](std::string_view module, std::string_view name, const FuncType& type) {
    return host_import(module, name, type);
  };
  // O_NONBLOCK: a FIFO in the sandbox must not block the open (the linker then refuses it).
  host.open_guest = [this](const std::string& guest_path) { return open_guest_path(guest_path, O_RDONLY | O_NONBLOCK); };
  linker_ = std::make_unique<link::Linker>(store_, options_.link, std::move(host));
}

Program::~Program() = default;

Result<void> Program::link(const std::string& main_path) { return linker_->link_program(main_path); }

Trap Program::run() {
  if (Trap t = linker_->run_constructors()) return t;
  return linker_->run_entry();
}

FuncInst* Program::host_import(std::string_view module, std::string_view name, const FuncType& type) {
  std::string key = fmt::format("{}.{}", module, name);
  if (auto it = host_funcs_.find(key); it != host_funcs_.end())
    return it->second && it->second->type_id == store_.canonical_type_id(type) ? it->second : nullptr;
  FuncInst* f = nullptr;
  if (module == wasi::WasiContext::kModuleName) f = wasi_.resolve(store_, module, name);
  else if ((f = make_dl_function(*this, *dl_, module, name, type)) && options_.runtime.wasi.interpose)
    f->host = options_.runtime.wasi.interpose(key, *f->type, std::move(f->host));
  if (f && f->type_id != store_.canonical_type_id(type)) f = nullptr;
  host_funcs_[key] = f;
  return f;
}

// The longest preopen whose guest name prefixes the path (a "." preopen takes relative paths), then a
// sandboxed open beneath it, as wasi-libc's path_open would do.
Result<int> Program::open_guest_path(const std::string& path, int flags, unsigned mode, uint16_t* err_out) {
  if (err_out) *err_out = wasi::abi::kNotCapable;
  if (path.empty()) {
    if (err_out) *err_out = wasi::abi::kNoent;
    return make_error(SIZE_MAX, "empty path: no such file or directory");
  }
  wasi::FdTable& fds = wasi_.fds();
  wasi::FdEntry* best = nullptr;
  std::string rel;
  size_t best_len = 0;
  for (uint32_t fd = 0; fd < fds.capacity(); ++fd) {
    wasi::FdEntry* e = fds.find(fd);
    if (!e || !e->preopen_name) continue;
    std::string pre = *e->preopen_name;
    while (pre.size() > 1 && pre.back() == '/') pre.pop_back();
    std::string r;
    if (pre == "." && path[0] != '/') r = path;
    else if (path == pre) r = ".";
    else if (path.starts_with(pre + "/")) r = path.substr(pre.size() + 1);
    else if (pre == "/" && path[0] == '/') r = path.substr(1);
    else continue;
    if (!best || pre.size() > best_len) {
      best = e;
      best_len = pre.size();
      rel = r;
    }
  }
  if (!best) return make_error(SIZE_MAX, fmt::format("{}: not inside any preopened directory (--dir)", path));
  wasi::UniqueFd out;
  if (auto err = wasi::open_beneath(best->host_fd, rel, flags, mode, out); err != wasi::abi::kSuccess) {
    if (err_out) *err_out = err;
    return make_error(SIZE_MAX, fmt::format("{}: cannot open in the sandbox: {}", path, errno_text(err)));
  }
  return out.release();
}

}  // namespace wi
