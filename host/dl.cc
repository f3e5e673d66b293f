// thinthin.dlopen/dlsym and POSIX dlopen/dlsym/dlclose/dlerror (see dl.h).
// Policy: the linker decides where a name leads (linker/load.cc, docs/security.md): a name without '/'
// is code the user allowed (searched beside the main module, then --lib-path and WI_LIBRARY_PATH); a
// name with '/' is a guest path opened through the WASI preopens (HostImports::open_guest), so a guest
// cannot load a file it could not open. Failures return 0 (null) and leave a one-line reason for
// dlerror() that names no host path.
#include "host/dl.h"
#include "fmt/format.h"
#include "host/program.h"
#include "host/thinthin.h"
#include "host/wasi/guest_memory.h"

namespace wi {
namespace {

constexpr uint32_t kRtldNow = 2;      // musl's values, which include/dlfcn.h repeats
constexpr uint32_t kRtldGlobal = 256;
// Longest names the host reads: a path like PATH_MAX; a symbol much longer (mangled C++ names grow).
// Longer names in bounds are refused softly: null, and dlerror() says why.
constexpr size_t kMaxPathLength = 4096;
constexpr size_t kMaxSymbolLength = 65536;

bool has_type(const FuncType& t, std::initializer_list<ValType> params, std::initializer_list<ValType> results) {
  return std::equal(t.params.begin(), t.params.end(), params.begin(), params.end()) &&
         std::equal(t.results.begin(), t.results.end(), results.begin(), results.end());
}

// 0 and a dlerror() message on failure.
uint32_t open_library(Program& p, DlState& st, const std::string& name, bool global, bool now) {
  link::Linker::DlopenOptions o;
  o.global = global;
  o.now = now;
  auto r = p.linker().dlopen(name, o);
  if (!r) {
    st.error = r.error().message;
    return 0;
  }
  return *r;
}

// Reads a name argument: false with a trap for a bad pointer; true with `ok` false (and dlerror's
// text) for a name over `max` bytes, which the call then fails softly.
bool read_name(HostCall& hc, DlState& st, uint32_t ptr, size_t max, std::string& out, bool& ok) {
  using CString = wasi::GuestMemory::CString;
  ok = false;
  switch (wasi::GuestMemory(hc.caller).read_c_string(ptr, max, out)) {
    case CString::Ok: ok = true; return true;
    case CString::TooLong: st.error = fmt::format("name too long (over {} bytes)", max); return true;
    case CString::OutOfBounds: return hc.fail(TrapKind::MemoryOutOfBounds, "dl: string argument out of bounds");
  }
  return false;
}

uint32_t lookup(Program& p, DlState& st, uint32_t handle, const std::string& name) {
  // RTLD_DEFAULT (0) and RTLD_NEXT (-1) search the global scope.
  auto v = p.linker().dlsym(name, handle == UINT32_MAX ? 0 : handle);
  if (!v) {
    // dlerror's buffer holds 256 bytes: a very long name is cut, so the message stays readable.
    constexpr size_t kShown = 120;
    st.error = fmt::format("undefined symbol: {}{}", name.substr(0, kShown), name.size() > kShown ? "..." : "");
    return 0;
  }
  return *v;
}

}  // namespace

FuncInst* make_dl_function(Program& p, DlState& st, std::string_view module, std::string_view name,
                           const FuncType& type) {
  using V = ValType;
  Store& store = p.store();
  auto make = [&](HostFunction fn) { return store.create_host_function(type, std::move(fn), fmt::format("{}.{}", module, name)); };

  if (module == "thinthin") {
    if (name == "dlopen" && has_type(type, {V::I32}, {V::I32}))
      return make([&p, &st](HostCall& hc) {
        std::string path;
        bool ok;
        if (!read_name(hc, st, hc.args[0].i32, kMaxPathLength, path, ok)) return false;
        hc.args[0].i64 = ok ? open_library(p, st, path, true, false) : 0;
        return true;
      });
    if (name == "dlsym" && has_type(type, {V::I32}, {V::I32}))
      return make([&p, &st](HostCall& hc) {
        std::string sym;
        bool ok;
        if (!read_name(hc, st, hc.args[0].i32, kMaxSymbolLength, sym, ok)) return false;
        hc.args[0].i64 = ok ? lookup(p, st, 0, sym) : 0;
        return true;
      });
    if (name == "syscall") return make_thinthin_syscall(p, type);
    return nullptr;
  }
  if (module != "env") return nullptr;
  if (name == "dlopen" && has_type(type, {V::I32, V::I32}, {V::I32}))
    return make([&p, &st](HostCall& hc) {
      uint32_t path_ptr = hc.args[0].i32, flags = hc.args[1].i32;
      if (path_ptr == 0) {  // dlopen(NULL): the program itself (the main module and what it needs)
        hc.args[0].i64 = 1;
        return true;
      }
      std::string path;
      bool ok;
      if (!read_name(hc, st, path_ptr, kMaxPathLength, path, ok)) return false;
      hc.args[0].i64 = ok ? open_library(p, st, path, (flags & kRtldGlobal) != 0, (flags & kRtldNow) != 0) : 0;
      return true;
    });
  if (name == "dlsym" && has_type(type, {V::I32, V::I32}, {V::I32}))
    return make([&p, &st](HostCall& hc) {
      std::string sym;
      bool ok;
      if (!read_name(hc, st, hc.args[1].i32, kMaxSymbolLength, sym, ok)) return false;
      hc.args[0].i64 = ok ? lookup(p, st, hc.args[0].i32, sym) : 0;
      return true;
    });
  if (name == "dlclose" && has_type(type, {V::I32}, {V::I32}))
    return make([&p, &st](HostCall& hc) {
      bool ok = p.linker().dlclose(hc.args[0].i32);
      if (!ok) st.error = "dlclose: invalid handle";
      hc.args[0].i64 = ok ? 0 : uint32_t(-1);
      return true;
    });
  if (name == "dlerror" && has_type(type, {}, {V::I32}))
    return make([&p, &st](HostCall& hc) {
      if (st.error.empty()) {
        hc.args[0].i64 = 0;
        return true;
      }
      std::string msg = st.error.substr(0, link::Linker::kMessageBufferSize - 1);
      st.error.clear();
      uint32_t at = p.linker().message_buffer();
      wasi::GuestMemory mem(p.linker().memory()->data, p.linker().memory()->size);
      msg.push_back('\0');
      if (!mem.write_bytes(at, msg.data(), msg.size())) return hc.fail(TrapKind::Host, "dlerror: no buffer");
      hc.args[0].i64 = at;
      return true;
    });
  return nullptr;
}

}  // namespace wi
