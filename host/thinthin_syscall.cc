// thinthin.syscall(n, a1..a6) -> i32: the original loader's Linux-like system call, with x86-64 Linux
// numbers and wasm32's `long` (seven i32 parameters, i32 result). Errors are -errno (Linux values).
// Policy: descriptors are the WASI context's (a file opened here is visible to fd_read, and stdio is
// fds 0-2); paths obey the preopen sandbox exactly like path_open; memory is only ever added at the
// end of the shared memory by memory.grow, the same way malloc's sbrk grows it, so the two never
// overlap (brk's break is the end of memory). Unlisted calls return -ENOSYS. docs/host-api.md lists them.
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <cerrno>
#include <vector>
#include "fmt/format.h"
#include "host/program.h"
#include "host/thinthin.h"
#include "host/wasi/fd_table.h"
#include "host/wasi/guest_memory.h"
#include "host/wasi/sandbox.h"

namespace wi {
namespace {

namespace abi = wasi::abi;

enum Sys : uint32_t {
  kRead = 0, kWrite = 1, kOpen = 2, kClose = 3, kLseek = 8, kMmap = 9, kBrk = 12, kWritev = 20,
  kGetpid = 39, kExit = 60, kExitGroup = 231, kOpenat = 257,
};
constexpr int32_t kAtFdcwd = -100;
constexpr uint32_t kMapAnonymous = 0x20;
// open(2) flags a guest may pass through (x86-64 values, which are the host's): access mode, create,
// exclusive, truncate, append, directory, nofollow. Others (O_PATH, O_TMPFILE...) are dropped.
constexpr int kAllowedOpenFlags = O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_DIRECTORY | O_NOFOLLOW;

int32_t linux_errno(abi::Errno e) {
  switch (e) {
    case abi::kNoent: return ENOENT;
    case abi::kAcces: return EACCES;
    case abi::kNotCapable: return EACCES;
    case abi::kPerm: return EPERM;
    case abi::kIsDir: return EISDIR;
    case abi::kNotDir: return ENOTDIR;
    case abi::kExist: return EEXIST;
    case abi::kLoop: return ELOOP;
    case abi::kInval: return EINVAL;
    case abi::kBadf: return EBADF;
    case abi::kMfile: return EMFILE;
    case abi::kNameTooLong: return ENAMETOOLONG;
    case abi::kIlseq: return EILSEQ;
    default: return EIO;
  }
}

// Linux's PATH_MAX, terminator included: a longer path in bounds is ENAMETOOLONG, not EFAULT.
constexpr size_t kMaxPathLength = 4095;
// New files get permission bits only: a guest must never create a set-user-ID, set-group-ID or sticky
// file (wi may run as root). The host's umask then applies, as for any open(2) of wi's.
constexpr uint32_t kPermissionBits = 0777;

class Syscalls {
 public:
  Syscalls(Program& p, HostCall& hc) : p_(p), hc_(hc), mem_(hc.caller) {}

  // Returns false (with hc.trap set) only for exit.
  bool run(uint32_t n, const uint32_t* a, int32_t& ret) {
    switch (n) {
      case kRead: ret = io(a[0], a[1], a[2], false); return true;
      case kWrite: ret = io(a[0], a[1], a[2], true); return true;
      case kWritev: ret = writev(a[0], a[1], a[2]); return true;
      case kOpen: ret = open(kAtFdcwd, a[0], a[1], a[2]); return true;
      case kOpenat: ret = open(int32_t(a[0]), a[1], a[2], a[3]); return true;
      case kClose: ret = p_.wasi().fds().close(a[0]) == abi::kSuccess ? 0 : -EBADF; return true;
      case kLseek: ret = lseek(a[0], int32_t(a[1]), a[2]); return true;
      case kMmap: ret = mmap(a[1], a[3]); return true;
      case kBrk: ret = brk(a[0]); return true;
      case kGetpid: ret = 1; return true;  // one process; fixed, so runs stay deterministic
      case kExit:
      case kExitGroup:
        hc_.trap->kind = TrapKind::Exit;
        hc_.trap->exit_code = int(a[0] & 0xff);
        hc_.trap->message = fmt::format("exit({})", a[0] & 0xff);
        return false;
      default: ret = -ENOSYS; return true;
    }
  }

 private:
  int host_fd(uint32_t fd, uint64_t right, int32_t& err) {
    wasi::FdEntry* e = nullptr;
    abi::Errno r = p_.wasi().fds().get(fd, right, e);
    if (r != abi::kSuccess) {
      err = r == abi::kBadf ? -EBADF : -EACCES;  // no such fd, or one without the right
      return -1;
    }
    return e->host_fd;
  }

  int32_t io(uint32_t fd, uint32_t buf, uint32_t len, bool write) {
    int32_t err = 0;
    int h = host_fd(fd, write ? abi::kRightFdWrite : abi::kRightFdRead, err);
    if (h < 0) return err;
    uint8_t* p = mem_.span(buf, len);
    if (!p) return -EFAULT;
    ssize_t n = write ? ::write(h, p, len) : ::read(h, p, len);
    return n < 0 ? -errno : int32_t(n);
  }

  int32_t writev(uint32_t fd, uint32_t iov, uint32_t count) {
    int32_t err = 0;
    int h = host_fd(fd, abi::kRightFdWrite, err);
    if (h < 0) return err;
    if (count > 1024) return -EINVAL;
    std::vector<iovec> v(count);
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t base, len;
      if (!mem_.load(iov + 8 * i, base) || !mem_.load(iov + 8 * i + 4, len)) return -EFAULT;
      v[i].iov_base = mem_.span(base, len);
      v[i].iov_len = len;
      if (!v[i].iov_base && len) return -EFAULT;
    }
    ssize_t n = ::writev(h, v.data(), int(count));
    return n < 0 ? -errno : int32_t(n);
  }

  int32_t open(int32_t dirfd, uint32_t path_ptr, uint32_t flags, uint32_t mode) {
    std::string path;
    switch (mem_.read_c_string(path_ptr, kMaxPathLength, path)) {
      case wasi::GuestMemory::CString::Ok: break;
      case wasi::GuestMemory::CString::TooLong: return -ENAMETOOLONG;
      case wasi::GuestMemory::CString::OutOfBounds: return -EFAULT;
    }
    if (path.empty()) return -ENOENT;
    int host_flags = int(flags) & kAllowedOpenFlags;
    mode &= kPermissionBits;
    int fd = -1;
    if (dirfd == kAtFdcwd || path[0] == '/') {
      uint16_t werr = 0;
      auto r = p_.open_guest_path(path, host_flags, mode, &werr);
      if (!r) return -linux_errno(abi::Errno(werr));
      fd = *r;
    } else {
      wasi::FdEntry* dir = nullptr;
      if (p_.wasi().fds().get(uint32_t(dirfd), abi::kRightPathOpen, dir) != abi::kSuccess) return -EBADF;
      wasi::UniqueFd out;
      abi::Errno e = wasi::open_beneath(dir->host_fd, path, host_flags, mode, out);
      if (e != abi::kSuccess) return -linux_errno(e);
      fd = out.release();
    }
    uint32_t guest_fd = 0;
    if (p_.wasi().fds().insert(wasi::entry_for_host_fd(fd, true), guest_fd) != abi::kSuccess) return -EMFILE;
    return int32_t(guest_fd);
  }

  int32_t lseek(uint32_t fd, int32_t off, uint32_t whence) {
    int32_t err = 0;
    int h = host_fd(fd, abi::kRightFdSeek, err);
    if (h < 0) return err;
    if (whence > SEEK_END) return -EINVAL;
    off_t r = ::lseek(h, off, int(whence));
    if (r < 0) return -errno;
    return r > INT32_MAX ? -EOVERFLOW : int32_t(r);
  }

  // The end of memory is the break; growing it hands out fresh zeroed pages. Results are wasm32
  // `long`s: an address is returned as its 32 bits (above 2 GiB it reads negative as a signed value,
  // which musl tells from -errno because errors are only -4095..-1 and addresses are page-aligned).
  // The memory may grow to 4 GiB, but an end of memory at 2^32 has no 32-bit address: a break there
  // cannot be reported, so such a growth is refused.
  bool grow_to(uint64_t end) {
    Memory* m = p_.linker().memory();
    if (end <= m->size) return true;
    uint64_t pages = (end - m->size + kPageSize - 1) / kPageSize;
    if ((m->pages() + pages) * kPageSize > UINT32_MAX) return false;
    return m->grow(pages) >= 0;
  }

  // brk(2): the new break, or the old one when it cannot move (Linux never returns an error).
  int32_t brk(uint32_t addr) {
    Memory* m = p_.linker().memory();
    if (m->size > UINT32_MAX) return -ENOMEM;  // memory.grow filled all 4 GiB: no break to report
    if (addr > m->size) grow_to(addr);
    return int32_t(uint32_t(m->size));
  }

  // mmap(2) of anonymous memory: the start of a fresh region at the old end of memory, or -ENOMEM.
  int32_t mmap(uint32_t len, uint32_t flags) {
    if (!(flags & kMapAnonymous)) return -ENODEV;  // file mappings: no
    if (len == 0) return -EINVAL;
    Memory* m = p_.linker().memory();
    uint64_t old = m->size;
    if (!grow_to(old + len)) return -ENOMEM;
    return int32_t(uint32_t(old));
  }

  Program& p_;
  HostCall& hc_;
  wasi::GuestMemory mem_;
};

}  // namespace

FuncInst* make_thinthin_syscall(Program& p, const FuncType& type) {
  if (type.params.size() != 7 || type.results.size() != 1) return nullptr;
  for (ValType t : type.params)
    if (t != ValType::I32) return nullptr;
  if (type.results[0] != ValType::I32) return nullptr;
  return p.store().create_host_function(type, [&p](HostCall& hc) {
    uint32_t a[6];
    for (int i = 0; i < 6; ++i) a[i] = hc.args[1 + i].i32;
    int32_t ret = 0;
    if (!Syscalls(p, hc).run(hc.args[0].i32, a, ret)) return false;
    hc.args[0].i64 = uint32_t(ret);
    return true;
  }, "thinthin.syscall");
}

}  // namespace wi
