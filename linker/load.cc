// Phase 1, load: reading module files, finding `needed` libraries, and the header decode that tells
// the later phases each module's needs (its dyninfo, or the view of its dylink.0 section built by
// dylink_module.cc, and its element-segment slots). Function bodies are validated and translated once,
// by relocate, after their code sites are patched. check.cc checks every number in what load read.
//
// Where a name leads (docs/security.md, "Loading code"). Two namespaces: host paths, for the modules
// the user named (main, --preload, --lib) and what they need; guest paths, opened only through the
// guest's sandbox (HostImports::open_guest), for whatever the guest causes to be loaded:
//   - a name with '/' is a guest path when a guest asks for it (dlopen) or when the module that needs
//     it was itself opened by guest path (then relative to that module's guest directory); a host
//     path only in a module loaded from the host;
//   - a name without '/' is searched in the RUNTIME_PATH of a dylink.0 module that needs it ($ORIGIN:
//     its own directory) and then that module's directory, both in that module's namespace, and then
//     in each LinkOptions::lib_path directory (--lib-path, then WI_LIBRARY_PATH): the code the user
//     allowed, which a guest may load by name as it may with dlopen("libfoo.wasm").
// So a guest module never reaches a host file outside the user's library path. Only regular files
// load (decoder/file.h), each file once however it is named.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include "decoder/file.h"
#include "decoder/decoder.h"
#include "fmt/format.h"
#include "linker/dylink_module.h"
#include "linker/loaded_module.h"

namespace wi::link {
namespace {

namespace fs = std::filesystem;

// Reads sections and checks module-level rules; bodies are left for compile_module.
class SkipBodies : public CodeDelegate {
 public:
  Result<void> on_function(const wi::Module&, uint32_t, const FunctionBody&) override { return {}; }
};

// Owns a descriptor for the length of one load.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

bool Linker::Module::is_weak(const std::string& symbol) const { return weak_names.count(symbol) > 0; }

bool Linker::source_exists(const Source& file) {
  if (!file.guest) {
    std::error_code ec;
    return fs::is_regular_file(file.path, ec);
  }
  if (!host_.open_guest) return false;
  auto fd = host_.open_guest(file.path);
  if (!fd) return false;
  FdCloser closer{*fd};
  struct stat st;
  return fstat(*fd, &st) == 0 && S_ISREG(st.st_mode);
}

Result<Linker::Source> Linker::search(const std::string& name, const Module* needed_by, Asker asker) {
  bool guest_module = needed_by && needed_by->from_guest;
  if (name.find('/') != std::string::npos) {
    if (guest_module && name[0] != '/') return Source{join(needed_by->dir, name), true};
    return Source{name, asker == Asker::Guest || guest_module};
  }
  std::vector<Source> dirs;
  if (needed_by) {
    for (auto& r : needed_by->runpath) dirs.push_back({r, guest_module});
    dirs.push_back({needed_by->dir.empty() ? "." : needed_by->dir, guest_module});
  }
  for (auto& d : options_.lib_path) dirs.push_back({d, false});
  for (auto& d : dirs) {
    Source candidate{join(d.path, name), d.guest};
    if (source_exists(candidate)) return candidate;
  }
  std::string where = needed_by && asker == Asker::Needed ? fmt::format(" (needed by {})", needed_by->name) : "";
  // After the initial link the message reaches the guest (dlerror): it lists no host directory.
  if (linked_) return make_error(SIZE_MAX, fmt::format("library '{}' not found{}", name, where));
  std::vector<std::string> searched;
  for (auto& d : dirs) searched.push_back(d.path);
  return make_error(SIZE_MAX, fmt::format("library '{}' not found{}; searched: {}", name, where,
                                          searched.empty() ? "nowhere" : fmt::format("{}", fmt::join(searched, ", "))));
}

Result<Linker::Module*> Linker::load_file(const Source& file, const std::string& name, bool is_main) {
  const std::string& path = file.path;
  std::string display = name.empty() ? fs::path(path).filename().string() : name;
  // How errors name the file: its path, unless that is a host path the guest must not learn (a
  // library found in the library path after the initial link).
  std::string shown = file.guest || !linked_ ? path : display;
  int fd = -1;
  if (file.guest) {
    if (!host_.open_guest) return make_error(SIZE_MAX, fmt::format("{}: guest paths cannot be opened here", path));
    WI_TRY_ASSIGN(fd, host_.open_guest(path));
  } else {
    // O_NONBLOCK: a FIFO must not block the open before read_module_fd refuses it.
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return make_error(SIZE_MAX, fmt::format("{}: cannot open file: {}", shown, std::strerror(errno)));
  }
  FdCloser closer{fd};
  struct stat st;
  if (fstat(fd, &st) != 0) return make_error(SIZE_MAX, fmt::format("{}: cannot open file", shown));
  FileId id{uint64_t(st.st_dev), uint64_t(st.st_ino)};
  if (auto it = by_file_.find(id); it != by_file_.end()) return it->second;
  if (modules_.size() >= kMaxModules)
    return make_error(SIZE_MAX, fmt::format("{}: one module too many: a program may load at most {}", display, kMaxModules));
  auto bytes = read_module_fd(fd);
  if (!bytes) return make_error(SIZE_MAX, fmt::format("{}: {}", shown, bytes.error().message));
  auto m = std::make_unique<Module>();
  m->bytes = std::move(*bytes);
  m->path = path;
  m->name = display;
  m->dir = file.guest ? parent_of(path) : fs::path(path).parent_path().string();
  m->from_guest = file.guest;
  m->is_main = is_main;

  SkipBodies skip;
  DecodeOptions dopt;
  dopt.file_name = m->name;
  auto decoded = decode_module(std::move(m->bytes), &skip, dopt);
  m->bytes = {};
  if (!decoded) return make_error(SIZE_MAX, format_error(m->name, decoded.error()));
  const wi::Module& dm = **decoded;
  if (has_dylink0(dm) && !dm.custom(kDynInfoSection)) {
    m->bytes = dm.bytes;  // load_dylink0 rewrites the file (its memory becomes an import)
    WI_TRY(load_dylink0(*m, dm));  // a dylink.0 library may be run as the main: nothing marks one
  } else {
    m->decoded = std::move(*decoded);  // dm stays valid: the object does not move
    auto info = read_dyninfo(dm);
    if (!info) return make_error(SIZE_MAX, format_error(m->name, info.error()));
    m->info = std::move(*info);
    m->weak_names.insert(m->info.weak.begin(), m->info.weak.end());
    if (is_main && m->info.shared)
      return make_error(SIZE_MAX, fmt::format("{}: is a library (wasmified with --shared), not a program", m->name));
  }

  // Element-segment slots: wasmify writes at most one active segment at __table_base.
  m->slot_of_func.assign(dm.func_types.size(), UINT32_MAX);
  for (auto& seg : dm.elems) {
    if (seg.mode != ElemSegment::Mode::Active) continue;
    for (uint32_t i = 0; i < seg.inits.size(); ++i) {
      auto& e = seg.inits[i];
      if (e.kind == ConstExpr::Kind::RefFunc && e.index < m->slot_of_func.size() &&
          m->slot_of_func[e.index] == UINT32_MAX)
        m->slot_of_func[e.index] = i;
    }
    break;
  }
  WI_TRY(check_module(*m, dm));
  Module* raw = m.get();
  by_file_[id] = raw;
  modules_.push_back(std::move(m));
  return raw;
}

// Breadth first over `needed`, so a program's direct dependencies come before theirs in scope order.
Result<void> Linker::load_closure(size_t first) {
  for (size_t i = first; i < modules_.size(); ++i) {
    Module* m = modules_[i].get();
    for (auto& n : m->info.needed) {
      // Like a soname: a bare name already loaded (say by --lib from elsewhere) is that module.
      Module* dep = nullptr;
      if (n.find('/') == std::string::npos)
        for (auto& other : modules_)
          if (other->name == n) dep = other.get();
      if (!dep) {
        WI_TRY_ASSIGN(Source file, search(n, m));
        WI_TRY_ASSIGN(dep, load_file(file, "", false));
      }
      if (dep->is_main) return make_error(SIZE_MAX, fmt::format("{}: needs the main program {}", m->name, n));
      m->needed.push_back(dep);
    }
  }
  return {};
}

}  // namespace wi::link

namespace wi::link {

// Section headers only: id byte, LEB size; custom sections start with a LEB-prefixed name.
bool is_linkable_module(const std::string& path) {
  auto read = read_module_file(path);
  if (!read) return false;
  const std::vector<uint8_t>& b = *read;
  if (b.size() < 8 || b[0] != 0 || b[1] != 'a' || b[2] != 's' || b[3] != 'm') return false;
  size_t p = 8;
  auto leb = [&](uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 35 && p < b.size(); shift += 7) {
      uint8_t c = b[p++];
      v |= uint64_t(c & 0x7f) << shift;
      if (!(c & 0x80)) return true;
    }
    return false;
  };
  while (p < b.size()) {
    uint8_t id = b[p++];
    uint64_t size, name_len;
    if (!leb(size) || size > b.size() - p) return false;
    size_t end = p + size;
    if (id == 0 && leb(name_len) && name_len <= end - p) {
      std::string_view name(reinterpret_cast<const char*>(&b[p]), name_len);
      if (name == kDynInfoSection || name == "dylink.0") return true;
    }
    p = end;
  }
  return false;
}

}  // namespace wi::link
