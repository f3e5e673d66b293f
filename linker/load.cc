// Phase 1, load: reading module files, finding `needed` libraries, and the header decode that tells
// the later phases each module's needs (its dyninfo, or the view of its dylink.0 section built by
// dylink_module.cc, and its element-segment slots). Function bodies are validated and translated once,
// by relocate, after their code sites are patched.
// Search order for a library name without '/': a dylink.0 module's RUNTIME_PATH ($ORIGIN: its own
// directory), the directory of the module that needs it, then each LinkOptions::lib_path directory
// (--lib-path, then WI_LIBRARY_PATH, as the host lists them).
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

std::string canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

}  // namespace

bool Linker::Module::is_weak(const std::string& symbol) const { return weak_names.count(symbol) > 0; }

Result<std::string> Linker::search(const std::string& name, const Module* needed_by, bool for_dlopen) {
  if (name.find('/') != std::string::npos) return name;
  std::vector<std::string> dirs;
  if (needed_by) {
    dirs = needed_by->runpath;
    dirs.push_back(needed_by->dir.empty() ? "." : needed_by->dir);
  }
  for (auto& d : options_.lib_path) dirs.push_back(d);
  for (auto& d : dirs) {
    fs::path p = fs::path(d) / name;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  std::string where = needed_by && !for_dlopen ? fmt::format(" (needed by {})", needed_by->name) : "";
  return make_error(SIZE_MAX, fmt::format("library '{}' not found{}; searched: {}", name, where,
                                          dirs.empty() ? "nowhere" : fmt::format("{}", fmt::join(dirs, ", "))));
}

Result<Linker::Module*> Linker::load_file(const std::string& path, const std::string& name, bool is_main) {
  std::string key = canonical(path);
  if (auto it = by_path_.find(key); it != by_path_.end()) return it->second;
  auto m = std::make_unique<Module>();
  if (!read_whole_file(path, m->bytes)) return make_error(SIZE_MAX, fmt::format("{}: cannot open file", path));
  m->path = path;
  m->name = name.empty() ? fs::path(path).filename().string() : name;
  m->dir = fs::path(path).parent_path().string();
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
  Module* raw = m.get();
  by_path_[key] = raw;
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
        WI_TRY_ASSIGN(std::string path, search(n, m));
        WI_TRY_ASSIGN(dep, load_file(path, "", false));
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
  std::vector<uint8_t> b;
  if (!read_whole_file(path, b) || b.size() < 8 || b[0] != 0 || b[1] != 'a' || b[2] != 's' || b[3] != 'm') return false;
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
