// thinthin.dlopen/dlsym and POSIX dlopen/dlsym/dlclose/dlerror (see dl.h).
// Policy: a library name without '/' is code the user allowed (searched beside the main module, then
// --lib-path and WI_LIBRARY_PATH); a name with '/' is a guest path and is opened through the WASI
// preopens, so a guest cannot load a file it could not open. Failures return 0 (null) and leave a
// one-line reason for dlerror().
#include "host/dl.h"
#include <fcntl.h>
#include <unistd.h>
#include "fmt/format.h"
#include "host/program.h"
#include "host/thinthin.h"
#include "host/wasi/guest_memory.h"

namespace wi {
namespace {

constexpr uint32_t kRtldNow = 2;      // musl's values, which include/dlfcn.h repeats
constexpr uint32_t kRtldGlobal = 256;
constexpr uint32_t kMaxGuestString = 4096;

bool read_c_string(const wasi::GuestMemory& mem, uint32_t ptr, std::string& out) {
  out.clear();
  for (uint32_t i = 0; i < kMaxGuestString; ++i) {
    uint8_t c;
    if (!mem.load(ptr + i, c)) return false;
    if (!c) return true;
    out.push_back(char(c));
  }
  return false;
}

bool has_type(const FuncType& t, std::initializer_list<ValType> params, std::initializer_list<ValType> results) {
  return std::equal(t.params.begin(), t.params.end(), params.begin(), params.end()) &&
         std::equal(t.results.begin(), t.results.end(), results.begin(), results.end());
}

// 0 and a dlerror() message on failure.
uint32_t open_library(Program& p, DlState& st, const std::string& name, bool global, bool now) {
  link::Linker::DlopenOptions o;
  o.global = global;
  o.now = now;
  int fd = -1;
  if (name.find('/') != std::string::npos) {
    auto opened = p.open_guest_path(name);
    if (!opened) {
      st.error = opened.error().message;
      return 0;
    }
    fd = *opened;
    o.host_path = fmt::format("/proc/self/fd/{}", fd);
  }
  auto r = p.linker().dlopen(name, o);
  if (fd >= 0) ::close(fd);
  if (!r) {
    st.error = r.error().message;
    return 0;
  }
  return *r;
}

uint32_t lookup(Program& p, DlState& st, uint32_t handle, const std::string& name) {
  // RTLD_DEFAULT (0) and RTLD_NEXT (-1) search the global scope.
  auto v = p.linker().dlsym(name, handle == UINT32_MAX ? 0 : handle);
  if (!v) {
    st.error = fmt::format("undefined symbol: {}", name);
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
  auto bad_pointer = [](HostCall& hc) { return hc.fail(TrapKind::MemoryOutOfBounds, "dl: string argument out of bounds"); };

  if (module == "thinthin") {
    if (name == "dlopen" && has_type(type, {V::I32}, {V::I32}))
      return make([&p, &st, bad_pointer](HostCall& hc) {
        std::string path;
        if (!read_c_string(wasi::GuestMemory(hc.caller), hc.args[0].i32, path)) return bad_pointer(hc);
        hc.args[0].i64 = open_library(p, st, path, true, false);
        return true;
      });
    if (name == "dlsym" && has_type(type, {V::I32}, {V::I32}))
      return make([&p, &st, bad_pointer](HostCall& hc) {
        std::string sym;
        if (!read_c_string(wasi::GuestMemory(hc.caller), hc.args[0].i32, sym)) return bad_pointer(hc);
        hc.args[0].i64 = lookup(p, st, 0, sym);
        return true;
      });
    if (name == "syscall") return make_thinthin_syscall(p, type);
    return nullptr;
  }
  if (module != "env") return nullptr;
  if (name == "dlopen" && has_type(type, {V::I32, V::I32}, {V::I32}))
    return make([&p, &st, bad_pointer](HostCall& hc) {
      uint32_t path_ptr = hc.args[0].i32, flags = hc.args[1].i32;
      if (path_ptr == 0) {  // dlopen(NULL): the program itself (the main module and what it needs)
        hc.args[0].i64 = 1;
        return true;
      }
      std::string path;
      if (!read_c_string(wasi::GuestMemory(hc.caller), path_ptr, path)) return bad_pointer(hc);
      hc.args[0].i64 = open_library(p, st, path, (flags & kRtldGlobal) != 0, (flags & kRtldNow) != 0);
      return true;
    });
  if (name == "dlsym" && has_type(type, {V::I32, V::I32}, {V::I32}))
    return make([&p, &st, bad_pointer](HostCall& hc) {
      std::string sym;
      if (!read_c_string(wasi::GuestMemory(hc.caller), hc.args[1].i32, sym)) return bad_pointer(hc);
      hc.args[0].i64 = lookup(p, st, hc.args[0].i32, sym);
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
