// Reading a module file into memory: the one place wi reads whole files (the CLI, the runtime, the
// linker, wasmify and the spec runner all use it). Sized from fstat and read in one go, since byte-wise
// stream iteration cost more than decoding the headers of libc.wasm.
// Policy: only regular files are read, and at most kMaxModuleFileSize bytes of them. A FIFO or a device
// such as /dev/zero (a module path or a library's `needed` entry can name one) would otherwise be read
// until memory runs out; a directory is an error of its own so users are told what they named.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "decoder/result.h"

namespace wi {

constexpr uint64_t kMaxModuleFileSize = uint64_t(1) << 30;  // 1 GiB: far above any real module

// The bytes, or an error whose message is only the reason ("no such file or directory", "is a
// directory", "is not a regular file", "is 2147483648 bytes, over the 1 GiB module file limit"):
// callers put the name they want the user (or the guest) to see in front of it.
Result<std::vector<uint8_t>> read_module_file(const std::string& path);
// The same for an open descriptor (left open).
Result<std::vector<uint8_t>> read_module_fd(int fd);

// Identity of an open file (device and inode), so one file reached by two names loads once.
struct FileId {
  uint64_t dev = 0, ino = 0;
  bool operator<(const FileId& o) const { return dev != o.dev ? dev < o.dev : ino < o.ino; }
  bool operator==(const FileId&) const = default;
};

}  // namespace wi
