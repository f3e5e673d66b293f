// Session: recording and replaying host calls (session.h).
#include "host/replay/session.h"
#include <unistd.h>
#include <cerrno>
#include "decoder/file.h"
#include "fmt/format.h"
#include "host/wasi/fd_table.h"
#include "linker/linker.h"

namespace wi::replay {
namespace {

std::string shown(const std::string& v) { return v.empty() ? "not given" : v; }

// "fd_read(0, 1048576, 1, 1048572)": a call as a divergence report shows it.
std::string call_text(std::string_view func, const std::vector<uint64_t>& args) {
  if (func.starts_with("wasi_snapshot_preview1.")) func.remove_prefix(23);
  std::string s(func);
  s += '(';
  for (size_t i = 0; i < args.size(); ++i) s += fmt::format("{}{}", i ? ", " : "", args[i]);
  return s + ')';
}

bool write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

}  // namespace

Result<uint64_t> hash_file(const std::string& path) {
  auto bytes = read_module_file(path);
  if (!bytes) return make_error(SIZE_MAX, fmt::format("{}: {}", path, bytes.error().message));
  return fnv1a(bytes->data(), bytes->size());
}

Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::record(const std::string& path, Settings settings, ArgsEnv ae) {
  std::unique_ptr<Session> s(new Session);
  s->path_ = path;
  s->settings_ = std::move(settings);
  s->ae_ = std::move(ae);
  WI_TRY(s->writer_.open(path));
  return s;
}

std::unique_ptr<Session> Session::in_memory() {
  std::unique_ptr<Session> s(new Session);
  s->in_memory_ = true;
  s->path_ = "the debugger's log";
  return s;
}

std::unique_ptr<Session> Session::replica_of(const Session& log) {
  std::unique_ptr<Session> s(new Session);
  s->in_memory_ = true;
  s->replaying_ = true;
  s->source_ = &log.rec_;
  s->ae_ = log.ae_;
  s->path_ = "the debugger's log";
  return s;
}

Result<std::unique_ptr<Session>> Session::replay(const std::string& path, const Settings& settings) {
  std::unique_ptr<Session> s(new Session);
  s->replaying_ = true;
  s->path_ = path;
  WI_TRY_ASSIGN(s->rec_, read_recording(path));
  const Settings& was = s->rec_.header.settings;
  for (auto& [key, value] : settings) {
    auto it = std::find_if(was.begin(), was.end(), [&](auto& kv) { return kv.first == key; });
    if (it == was.end())
      return make_error(SIZE_MAX, fmt::format("replay: {} has no setting {} (recorded by another wi?)", path, key));
    // The guest's arguments and environment come from the recording; given again, they must agree.
    if ((key == "guest-args" || key == "env") && value.empty()) continue;
    if (it->second != value) {
      auto pretty = [](std::string v) {
        std::replace(v.begin(), v.end(), '\0', ' ');
        return shown(v);
      };
      std::string what = key == "values" ? "the --invoke arguments" : key == "guest-args" ? "the guest arguments (after --)" : "--" + key;
      return make_error(SIZE_MAX, fmt::format("replay: {} {} {} here but {} in the recording {}", what,
                                              key == "values" || key == "guest-args" ? "are" : "is", pretty(value),
                                              pretty(it->second), path));
    }
  }
  return s;
}

size_t Session::modules_loaded() const { return linker_ ? linker_->loaded_files().size() : 0; }

std::vector<ModuleHash> Session::modules_loaded_since(size_t first) const {
  std::vector<ModuleHash> out;
  if (!linker_) return out;
  auto files = linker_->loaded_files();
  for (size_t i = first; i < files.size(); ++i) {
    ModuleHash m{files[i].path, 0};
    // A module the guest opened by a guest path is named by it; its bytes are not reread here.
    if (files[i].from_guest) m.name = "guest:" + m.name;
    else if (auto h = hash_file(files[i].path)) m.hash = *h;
    out.push_back(std::move(m));
  }
  return out;
}

Result<void> Session::begin(const std::vector<std::string>& module_files) {
  if (in_memory_) {
    // Each run of the debugger's program starts at the log's first event; the modules are the same
    // files as in the first run (wi debug reads them again, so there is nothing to compare against).
    next_ = 0;
    nested_.clear();
    divergence_.clear();
    begun_ = true;
    return {};
  }
  if (begun_) return {};
  std::vector<ModuleHash> mods;
  for (const std::string& f : module_files) {
    WI_TRY_ASSIGN(uint64_t h, hash_file(f));
    mods.push_back({f, h});
  }
  if (!replaying_) {
    Header h;
    h.settings = settings_;
    h.modules = std::move(mods);
    writer_.header(h);
    begun_ = true;
    return {};
  }
  const auto& was = rec_.header.modules;
  for (size_t i = 0; i < std::max(was.size(), mods.size()); ++i) {
    if (i >= mods.size())
      return make_error(SIZE_MAX, fmt::format("replay: the recording {} has module {} ({}) that this run does not load",
                                              path_, i + 1, was[i].name));
    if (i >= was.size())
      return make_error(SIZE_MAX, fmt::format("replay: module {} ({}) is not in the recording {}", i + 1, mods[i].name, path_));
    if (mods[i].hash != was[i].hash)
      return make_error(SIZE_MAX, fmt::format("replay: module {} is not the recorded one (FNV-1a {:016x}, recorded {:016x} for {})",
                                              mods[i].name, mods[i].hash, was[i].hash, was[i].name));
  }
  begun_ = true;
  return {};
}

Result<void> Session::end(int status) {
  if (in_memory_) return {};  // the log lives on for the next run
  if (!replaying_) {
    if (!begun_) WI_TRY(begin({}));
    return writer_.finish(status);
  }
  if (!divergence_.empty()) return make_error(SIZE_MAX, divergence_);
  if (!begun_) return {};  // stopped before the guest ran (its error is reported already)
  if (next_ < events().size()) {
    const Event& e = events()[next_];
    return make_error(SIZE_MAX, fmt::format("replay diverged at event {}: the guest ended (exit status {}) but the "
                                            "recording has {} next", next_ + 1, status, call_text(e.func, e.args)));
  }
  if (status != rec_.exit_status)
    return make_error(SIZE_MAX, fmt::format("replay diverged at the end: exit status {}, recorded {}", status,
                                            rec_.exit_status));
  return {};
}

HostFunction Session::interpose(std::string_view func, const FuncType& type, HostFunction real) {
  return [this, name = std::string(func), type, real = std::move(real)](HostCall& hc) {
    return call(name, type, real, hc);
  };
}

bool Session::call(const std::string& func, const FuncType& type, const HostFunction& real, HostCall& hc) {
  std::vector<uint64_t> args(type.params.size());
  for (size_t i = 0; i < args.size(); ++i)
    args[i] = type.params[i] == ValType::I32 ? uint64_t(hc.args[i].i32) : hc.args[i].i64;
  CallKind kind = kind_of(func, args);
  if (kind == CallKind::Passthrough) {
    ++passthrough_;
    return real(hc);
  }
  // The live log gone back to a snapshot (rewind_to) has caught up: this call is new.
  if (replaying_ && in_memory_ && !source_ && next_ >= rec_.events.size()) replaying_ = false;
  if (replaying_) return replay_call(func, type, real, hc, args, kind);
  return record_call(func, type, real, hc, std::move(args), kind);
}

bool Session::record_call(const std::string& func, const FuncType& type, const HostFunction& real, HostCall& hc,
                          std::vector<uint64_t> args, CallKind kind) {
  size_t loaded = kind == CallKind::Dlopen ? modules_loaded() : 0;
  // A dlopen runs the loaded modules' constructors, whose host calls come after it in the file: the
  // order a replay meets them in.
  if (kind == CallKind::Dlopen) nested_.emplace_back();
  bool ok = real(hc);
  std::vector<Event> nested;
  if (kind == CallKind::Dlopen) {
    nested = std::move(nested_.back());
    nested_.pop_back();
  }
  Event e;
  e.func = func;
  e.args = std::move(args);
  wasi::GuestMemory mem(hc.caller);
  if (!ok) {
    e.trapped = true;
    e.trap_kind = uint32_t(hc.trap->kind);
    e.exit_code = hc.trap->exit_code;
    e.trap_message = hc.trap->message;
  } else if (!type.results.empty()) {
    e.result = type.results[0] == ValType::I32 ? uint64_t(hc.args[0].i32) : hc.args[0].i64;
  }
  if (ok) {
    written_regions(func, e.args, e.result, mem, ae_, e.regions);
    uint32_t fd = 0, count = 0;
    std::string bytes;
    if (output_count(func, e.args, e.result, mem, fd, count) && output_bytes(func, e.args, count, mem, bytes)) {
      e.output = true;
      e.out_len = count;
      e.out_hash = fnv1a(bytes.data(), bytes.size());
      if (wasi::FdEntry* fe = fds_ ? fds_->find(fd) : nullptr) {
        // Stdout and stderr are the host's descriptors 1 and 2 as the guest received them.
        if (fe->host_fd == STDOUT_FILENO) e.out_stream = 1;
        else if (fe->host_fd == STDERR_FILENO) e.out_stream = 2;
      }
    }
    if (kind == CallKind::Dlopen) e.modules = modules_loaded_since(loaded);
  }
  emit(std::move(e));
  for (Event& n : nested) emit(std::move(n));
  return ok;
}

void Session::emit(Event e) {
  if (!nested_.empty()) {
    nested_.back().push_back(std::move(e));
    return;
  }
  if (in_memory_) {
    rec_.events.push_back(std::move(e));
    return;
  }
  if (!begun_) (void)begin({});
  writer_.event(e);
}

bool Session::diverge(HostCall& hc, std::string what) { return diverge_at(hc, next_, std::move(what)); }

bool Session::diverge_at(HostCall& hc, size_t index, std::string what) {
  if (divergence_.empty()) divergence_ = fmt::format("replay diverged at event {}: {}", index + 1, what);
  return hc.fail(TrapKind::Host, divergence_);
}

bool Session::replay_call(const std::string& func, const FuncType& type, const HostFunction& real, HostCall& hc,
                          const std::vector<uint64_t>& args, CallKind kind) {
  if (!divergence_.empty()) return hc.fail(TrapKind::Host, divergence_);
  if (next_ >= events().size())
    return diverge(hc, fmt::format("guest called {} but the recording ends after {} events{}", call_text(func, args),
                                   events().size(),
                                   source_ ? " (going back into a host call that had not returned?)" : ""));
  const Event& e = events()[next_];
  if (e.func != func || e.args != args)
    return diverge(hc, fmt::format("guest called {} but the recording has {}", call_text(func, args),
                                   call_text(e.func, e.args)));
  wasi::GuestMemory mem(hc.caller);
  if (kind == CallKind::Dlopen) {
    // Modules are loaded for real: their code runs. The call must load the same ones and agree.
    size_t loaded = modules_loaded();
    size_t index = next_++;  // the constructors' host calls are the events after this one
    bool ok = real(hc);
    if (!divergence_.empty()) return hc.fail(TrapKind::Host, divergence_);
    uint64_t result = ok && !type.results.empty() ? uint64_t(hc.args[0].i32) : 0;
    if (!ok || e.trapped || result != e.result) {
      // Both dlopens take the name first. A guest path leads through the preopens a replay lacks.
      std::string name;
      bool guest_path = mem.read_c_string(uint32_t(args[0]), 4096, name) == wasi::GuestMemory::CString::Ok &&
                        name.find('/') != std::string::npos;
      return diverge_at(hc, index, fmt::format("{} returned {} but {} in the recording{}", call_text(func, args),
                                     ok ? fmt::format("{}", result) : "a trap", e.trapped ? "a trap" : fmt::format("{}", e.result),
                                     guest_path ? fmt::format(" (\"{}\" is a guest path, opened through --dir "
                                                              "preopens, which a replay does not open)", name)
                                                : ""));
    }
    auto mods = modules_loaded_since(loaded);
    for (size_t i = 0; i < std::max(mods.size(), e.modules.size()); ++i) {
      if (i >= mods.size() || i >= e.modules.size() || mods[i] != e.modules[i])
        return diverge_at(hc, index, fmt::format("{} loaded {} but the recording has {}", call_text(func, args),
                                       i < mods.size() ? fmt::format("{} (FNV-1a {:016x})", mods[i].name, mods[i].hash) : "nothing more",
                                       i < e.modules.size() ? fmt::format("{} (FNV-1a {:016x})", e.modules[i].name, e.modules[i].hash)
                                                            : "nothing more"));
    }
    return true;
  }
  for (const Region& r : e.regions)
    if (!mem.write_bytes(r.ptr, r.bytes.data(), r.bytes.size()))
      return diverge(hc, fmt::format("{}: the recorded {} bytes at {} are outside guest memory", call_text(func, args),
                                     r.bytes.size(), r.ptr));
  if (e.output) {
    std::string bytes;
    if (!output_bytes(func, args, e.out_len, mem, bytes) || fnv1a(bytes.data(), bytes.size()) != e.out_hash)
      return diverge(hc, fmt::format("{} wrote other bytes than the recorded run ({} bytes, FNV-1a {:016x})",
                                     call_text(func, args), e.out_len, e.out_hash));
    // The in-memory log's output was written when the call ran live: it is not repeated.
    if (e.out_stream && !in_memory_ && !write_all(e.out_stream == 1 ? STDOUT_FILENO : STDERR_FILENO, bytes))
      return diverge(hc, fmt::format("{}: writing the output failed: {}", call_text(func, args), std::strerror(errno)));
  }
  ++next_;
  if (e.trapped) {
    if (e.trap_kind == uint32_t(TrapKind::Exit)) {
      hc.trap->exit_code = e.exit_code;
      return hc.fail(TrapKind::Exit);
    }
    return hc.fail(TrapKind::Host, e.trap_message);
  }
  if (!type.results.empty()) hc.args[0].i64 = type.results[0] == ValType::I32 ? uint32_t(e.result) : e.result;
  return true;
}

}  // namespace wi::replay
