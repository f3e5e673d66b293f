// Path resolution that never leaves a preopened directory. Owns the only code that turns a guest path
// into a host descriptor. Policy: the kernel does the confinement where it can — openat2() with
// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS rejects absolute paths, `..` above the start directory and
// symlinks (absolute, or relative ones climbing out) atomically, so there is no check-then-use race.
// Where openat2 is missing (ENOSYS: Linux < 5.6, or a seccomp filter) a portable walk opens one
// component at a time with O_NOFOLLOW, keeps its own stack of directory fds for `..`, expands symlinks
// itself and refuses any that are absolute or climb above the start. Escapes report ENOTCAPABLE.
// Operations that are not opens (unlink, mkdir, rename, ...) open the *parent* beneath the preopen and
// apply the *at() call to the last component, which then is a single name with no `/` to traverse.
#pragma once
#include <sys/types.h>
#include <string>
#include <string_view>
#include "host/wasi/abi.h"

namespace wi::wasi {

// An owned host descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  ~UniqueFd();
  int get() const { return fd_; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Rejects guest paths the host cannot represent: embedded NUL (EINVAL) or invalid UTF-8 (EILSEQ; the
// spec's paths are UTF-8 strings).
abi::Errno validate_guest_path(std::string_view path);

// Opens `path` relative to directory `dirfd` without escaping it. `flags` are open(2) flags (O_CLOEXEC
// is always added; O_NOFOLLOW applies to the last component as in open(2)). On success `out` holds the
// descriptor.
abi::Errno open_beneath(int dirfd, std::string_view path, int flags, mode_t mode, UniqueFd& out);

// The directory containing the last component of `path` (opened O_PATH beneath `dirfd`) and that
// component. `name` never contains '/'; it may be "." or ".." (callers that mutate reject those).
// `trailing_slash` records a path written "name/", which POSIX says must name a directory.
struct ParentDir {
  UniqueFd dir;
  std::string name;
  bool trailing_slash = false;
};
abi::Errno open_parent(int dirfd, std::string_view path, ParentDir& out);

// Whether a symlink with contents `target`, created in directory `link_dir`, resolves beneath the
// directory identified by (`root_dev`, `root_ino`) — the preopen `link_dir` was reached from; 0/0 means
// `link_dir` itself. Absolute targets never do; a relative one may climb with `..` only as far as the
// link's own depth below the root (measured on the host by walking `..` up from `link_dir`). The
// target's components are taken lexically: a symlink inside it is checked when it is followed, by
// open_beneath. ENOTCAPABLE when the target would leave the root.
abi::Errno symlink_target_beneath(int link_dir, dev_t root_dev, ino_t root_ino, std::string_view target);

// Testing hook: force the portable component walk even where openat2 exists.
void sandbox_force_portable_walk(bool on);

}  // namespace wi::wasi
