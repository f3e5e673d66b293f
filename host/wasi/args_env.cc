// args_get, args_sizes_get, environ_get, environ_sizes_get: the guest's argv and environment, exactly
// the strings the embedder put in WasiConfig (no host environment leaks in unless the embedder copies
// it). Policy: both buffers are bounds-checked as wholes before anything is written, so a bad pointer
// leaves guest memory untouched and yields EFAULT.
#include <cstring>
#include "host/wasi/context.h"

namespace wi::wasi {
namespace {

// Spec (args_sizes_get / environ_sizes_get): "Returns the number of arguments and the size of the
// argument string data" — the data size counts each string's terminating NUL.
// https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-args_sizes_get---resultsize-size-errno
Ret sizes_get(Call& c, const std::vector<std::string>& list) {
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  if (bytes > UINT32_MAX) return abi::k2Big;
  if (!c.mem.store<uint32_t>(c.u32(0), uint32_t(list.size())) || !c.mem.store<uint32_t>(c.u32(1), uint32_t(bytes)))
    return abi::kFault;
  return abi::kSuccess;
}

// Spec (args_get / environ_get): fills `argv` with pointers into `argv_buf`, where the NUL-terminated
// strings are laid out back to back; the guest sized both from *_sizes_get.
Ret list_get(Call& c, const std::vector<std::string>& list) {
  uint32_t ptrs = c.u32(0), buf = c.u32(1);
  uint64_t bytes = 0;
  for (const std::string& s : list) bytes += s.size() + 1;
  if (!c.mem.in_bounds(ptrs, uint64_t(list.size()) * 4) || !c.mem.in_bounds(buf, bytes)) return abi::kFault;
  uint32_t at = buf;
  for (size_t i = 0; i < list.size(); ++i) {
    c.mem.store<uint32_t>(ptrs + uint32_t(i * 4), at);
    c.mem.write_bytes(at, list[i].c_str(), list[i].size() + 1);
    at += uint32_t(list[i].size() + 1);
  }
  return abi::kSuccess;
}

Ret args_sizes_get(Call& c) { return sizes_get(c, c.ctx.config.args); }
Ret args_get(Call& c) { return list_get(c, c.ctx.config.args); }
Ret environ_sizes_get(Call& c) { return sizes_get(c, c.ctx.config.env); }
Ret environ_get(Call& c) { return list_get(c, c.ctx.config.env); }

}  // namespace

void add_args_env(std::vector<FuncSpec>& out) {
  out.push_back({"args_get", "ii", true, args_get});
  out.push_back({"args_sizes_get", "ii", true, args_sizes_get});
  out.push_back({"environ_get", "ii", true, environ_get});
  out.push_back({"environ_sizes_get", "ii", true, environ_sizes_get});
}

}  // namespace wi::wasi
