// The fd_* functions: I/O and metadata on open descriptors. Policy: every call looks its descriptor up
// through FdTable::get with the rights the spec names for it (EBADF / ENOTCAPABLE), checks every guest
// buffer before the host touches it (EFAULT), hands scatter/gather lists to readv/writev pointing
// straight into guest memory (no copies), and retries EINTR so the guest never sees a signal meant for
// the host. 64-bit offsets above INT64_MAX cannot be host off_t values and are EINVAL.
// Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md (functions fd_*)
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include "host/wasi/context.h"

namespace wi::wasi {

// Spec (fstflags): ATIM and ATIM_NOW (likewise MTIM, MTIM_NOW) together are `inval`; a time without
// its flag is left alone.
abi::Errno make_timespecs(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]) {
  if (fst & ~uint32_t(abi::kFstAtim | abi::kFstAtimNow | abi::kFstMtim | abi::kFstMtimNow)) return abi::kInval;
  if (((fst & abi::kFstAtim) && (fst & abi::kFstAtimNow)) || ((fst & abi::kFstMtim) && (fst & abi::kFstMtimNow)))
    return abi::kInval;
  auto one = [](uint64_t t, bool set, bool now, struct timespec& out) {
    if (now) out = {0, UTIME_NOW};
    else if (set) out = {time_t(t / 1'000'000'000ull), long(t % 1'000'000'000ull)};
    else out = {0, UTIME_OMIT};
  };
  one(atim, fst & abi::kFstAtim, fst & abi::kFstAtimNow, ts[0]);
  one(mtim, fst & abi::kFstMtim, fst & abi::kFstMtimNow, ts[1]);
  return abi::kSuccess;
}

// More than IOV_MAX buffers are cut to IOV_MAX: the call then transfers less, which readv/writev
// semantics (and the spec's returned sizes) allow.
abi::Errno gather_iovecs(Call& c, uint32_t iovs, uint32_t n, std::vector<struct iovec>& out) {
  if (!c.mem.in_bounds(iovs, uint64_t(n) * abi::kIovecSize)) return abi::kFault;
  n = std::min<uint32_t>(n, IOV_MAX);
  out.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t buf = 0, len = 0;
    c.mem.load(iovs + i * abi::kIovecSize, buf);
    c.mem.load(iovs + i * abi::kIovecSize + 4, len);
    uint8_t* p = c.mem.span(buf, len);
    if (!p) return abi::kFault;
    out[i] = {p, len};
  }
  return abi::kSuccess;
}

namespace {

// Writing to a pipe or socket whose reader is gone raises SIGPIPE, whose default action would kill the
// whole interpreter. The guest must get EPIPE instead, and a library must not change process-wide
// signal dispositions: so SIGPIPE is blocked in this thread around the write, and the one the write
// raised (if it was not already pending) is consumed before unblocking.
template <class F>
ssize_t without_sigpipe(F&& io) {
  sigset_t pipe_set, old, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE);
  ssize_t r = io();
  int err = errno;
  if (r < 0 && err == EPIPE && !was_pending) {
    struct timespec zero {};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = err;
  return r;
}

template <class F>
Ret transfer(Call& c, const FdEntry& e, uint32_t iovs, uint32_t n, uint32_t result_ptr, F&& io) {
  if (!c.mem.in_bounds(result_ptr, 4)) return abi::kFault;
  std::vector<struct iovec> v;
  if (abi::Errno err = gather_iovecs(c, iovs, n, v)) return err;
  // Only streams can raise SIGPIPE; files and terminals skip the signal-mask system calls.
  const bool stream = e.type == abi::kFiletypeUnknown || e.type == abi::kFiletypeSocketStream ||
                      e.type == abi::kFiletypeSocketDgram;
  ssize_t r;
  do r = stream ? without_sigpipe([&] { return io(v.data(), int(v.size())); }) : io(v.data(), int(v.size()));
  while (r < 0 && errno == EINTR);
  if (r < 0) return errno_from_host(errno);
  c.mem.store<uint32_t>(result_ptr, uint32_t(r));
  return abi::kSuccess;
}

// Spec (fd_read): "Read from a file descriptor. Note: This is similar to readv in POSIX." Returns the
// number of bytes read; 0 at end of file.
Ret fd_read(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdRead, e)) return err;
  return transfer(c, *e, c.u32(1), c.u32(2), c.u32(3), [&](struct iovec* v, int n) { return readv(e->host_fd, v, n); });
}

// Spec (fd_write): "Write to a file descriptor. Note: This is similar to writev in POSIX." Like POSIX,
// the write may be partial; the guest's libc loops.
Ret fd_write(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdWrite, e)) return err;
  return transfer(c, *e, c.u32(1), c.u32(2), c.u32(3), [&](struct iovec* v, int n) { return writev(e->host_fd, v, n); });
}

// Spec (fd_pread / fd_pwrite): "without using and updating the file descriptor's offset"; they need
// fd_seek besides fd_read / fd_write.
Ret fd_pread(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdRead | abi::kRightFdSeek, e)) return err;
  uint64_t off = c.u64(3);
  if (off > uint64_t(INT64_MAX)) return abi::kInval;
  return transfer(c, *e, c.u32(1), c.u32(2), c.u32(4),
                  [&](struct iovec* v, int n) { return preadv(e->host_fd, v, n, off_t(off)); });
}

Ret fd_pwrite(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdWrite | abi::kRightFdSeek, e)) return err;
  uint64_t off = c.u64(3);
  if (off > uint64_t(INT64_MAX)) return abi::kInval;
  return transfer(c, *e, c.u32(1), c.u32(2), c.u32(4),
                  [&](struct iovec* v, int n) { return pwritev(e->host_fd, v, n, off_t(off)); });
}

// Spec (fd_seek): offset is a signed filedelta; seeking by 0 from the current position only needs
// fd_tell ("fd_tell ... rights: fd_tell", and fd_seek with these arguments is how libc tells).
Ret fd_seek(Call& c) {
  int64_t delta = int64_t(c.u64(1));
  uint32_t whence = c.u32(2) & 0xff;
  uint64_t need = delta == 0 && whence == abi::kWhenceCur ? abi::kRightFdTell : abi::kRightFdSeek;
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), need, e)) return err;
  if (!c.mem.in_bounds(c.u32(3), 8)) return abi::kFault;
  int w = whence == abi::kWhenceSet ? SEEK_SET : whence == abi::kWhenceCur ? SEEK_CUR : whence == abi::kWhenceEnd ? SEEK_END : -1;
  if (w < 0) return abi::kInval;
  off_t r = lseek(e->host_fd, off_t(delta), w);
  if (r < 0) return errno_from_host(errno);
  c.mem.store<uint64_t>(c.u32(3), uint64_t(r));
  return abi::kSuccess;
}

// Spec (fd_tell): "Return the current offset of a file descriptor." (lseek(fd, 0, SEEK_CUR)).
Ret fd_tell(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdTell, e)) return err;
  if (!c.mem.in_bounds(c.u32(1), 8)) return abi::kFault;
  off_t r = lseek(e->host_fd, 0, SEEK_CUR);
  if (r < 0) return errno_from_host(errno);
  c.mem.store<uint64_t>(c.u32(1), uint64_t(r));
  return abi::kSuccess;
}

// Spec (fd_close): closing a preopened directory is allowed; the number becomes free.
Ret fd_close(Call& c) { return c.ctx.fds.close(c.u32(0)); }

Ret fd_renumber(Call& c) { return c.ctx.fds.renumber(c.u32(0), c.u32(1)); }

// Spec (fd_sync / fd_datasync): "Synchronize the data and metadata of a file to disk" (fsync) and
// "Synchronize the data of a file to disk" (fdatasync).
Ret fd_sync(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdSync, e)) return err;
  return fsync(e->host_fd) == 0 ? abi::kSuccess : errno_from_host(errno);
}

Ret fd_datasync(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdDatasync, e)) return err;
  return fdatasync(e->host_fd) == 0 ? abi::kSuccess : errno_from_host(errno);
}

// Spec (fd_advise): advice is one of the six `advice` values; anything else is `inval`.
Ret fd_advise(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdAdvise, e)) return err;
  uint64_t off = c.u64(1), len = c.u64(2);
  static const int kAdvice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  uint32_t advice = c.u32(3) & 0xff;
  if (advice > abi::kAdviceNoreuse || off > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX)) return abi::kInval;
  int r = posix_fadvise(e->host_fd, off_t(off), off_t(len), kAdvice[advice]);
  return errno_from_host(r);  // posix_fadvise returns the error number instead of setting errno
}

// Spec (fd_allocate): "Force the allocation of space in a file." (posix_fallocate). A zero length is
// `inval`, as in POSIX.
Ret fd_allocate(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdAllocate, e)) return err;
  uint64_t off = c.u64(1), len = c.u64(2);
  if (len == 0 || off > uint64_t(INT64_MAX) || len > uint64_t(INT64_MAX) - off) return abi::kInval;
  int r;
  do r = posix_fallocate(e->host_fd, off_t(off), off_t(len));
  while (r == EINTR);
  return errno_from_host(r);
}

uint16_t fdflags_of(int host_fd) {
  int fl = fcntl(host_fd, F_GETFL);
  if (fl < 0) return 0;
  uint16_t out = 0;
  if (fl & O_APPEND) out |= abi::kFdflagAppend;
  if (fl & O_NONBLOCK) out |= abi::kFdflagNonblock;
  // Linux: O_SYNC is __O_SYNC|O_DSYNC and O_RSYNC == O_SYNC, so RSYNC cannot be told apart from SYNC.
  if ((fl & O_SYNC) == O_SYNC) out |= abi::kFdflagSync;
  else if (fl & O_DSYNC) out |= abi::kFdflagDsync;
  return out;
}

// Spec (fd_fdstat_get): filetype, flags, rights_base, rights_inheriting. Needs no rights.
Ret fd_fdstat_get(Call& c) {
  FdEntry* e = c.ctx.fds.find(c.u32(0));
  if (!e) return abi::kBadf;
  uint8_t* p = c.mem.span(c.u32(1), abi::kFdstatSize);
  if (!p) return abi::kFault;
  uint16_t flags = fdflags_of(e->host_fd);
  std::memset(p, 0, abi::kFdstatSize);
  p[0] = e->type;
  std::memcpy(p + 2, &flags, 2);
  std::memcpy(p + 8, &e->rights_base, 8);
  std::memcpy(p + 16, &e->rights_inheriting, 8);
  return abi::kSuccess;
}

// Spec (fd_fdstat_set_flags). Linux can change APPEND and NONBLOCK on an open file; the sync flags are
// fixed at open, so asking for a different sync mode is `notsup` rather than silently ignored.
Ret fd_fdstat_set_flags(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdFdstatSetFlags, e)) return err;
  uint32_t want = c.u32(1) & 0xffff;
  constexpr uint32_t kSyncFlags = abi::kFdflagDsync | abi::kFdflagRsync | abi::kFdflagSync;
  if (want & ~uint32_t(abi::kFdflagAppend | kSyncFlags | abi::kFdflagNonblock)) return abi::kInval;
  uint16_t have = fdflags_of(e->host_fd);
  uint32_t have_sync = have & kSyncFlags, want_sync = want & kSyncFlags;
  if (want_sync & abi::kFdflagRsync) want_sync = (want_sync & ~uint32_t(abi::kFdflagRsync)) | abi::kFdflagSync;
  if (want_sync != have_sync) return abi::kNotSup;
  int fl = fcntl(e->host_fd, F_GETFL);
  if (fl < 0) return errno_from_host(errno);
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (want & abi::kFdflagAppend) fl |= O_APPEND;
  if (want & abi::kFdflagNonblock) fl |= O_NONBLOCK;
  return fcntl(e->host_fd, F_SETFL, fl) == 0 ? abi::kSuccess : errno_from_host(errno);
}

// Spec (fd_fdstat_set_rights): "can only remove rights": asking for a right the fd lacks is notcapable.
Ret fd_fdstat_set_rights(Call& c) {
  FdEntry* e = c.ctx.fds.find(c.u32(0));
  if (!e) return abi::kBadf;
  uint64_t base = c.u64(1), inh = c.u64(2);
  if ((base & ~e->rights_base) || (inh & ~e->rights_inheriting)) return abi::kNotCapable;
  e->rights_base = base;
  e->rights_inheriting = inh;
  return abi::kSuccess;
}

// Spec (fd_filestat_get / fd_filestat_set_size / fd_filestat_set_times): fstat, ftruncate and futimens
// on the open file, each behind its own right.
Ret fd_filestat_get(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdFilestatGet, e)) return err;
  if (!c.mem.in_bounds(c.u32(1), abi::kFilestatSize)) return abi::kFault;
  struct stat st;
  if (fstat(e->host_fd, &st) != 0) return errno_from_host(errno);
  write_filestat(c, c.u32(1), st, e->host_fd, e->guest_path);
  return abi::kSuccess;
}

Ret fd_filestat_set_size(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdFilestatSetSize, e)) return err;
  uint64_t size = c.u64(1);
  if (size > uint64_t(INT64_MAX)) return abi::kInval;
  int r;
  do r = ftruncate(e->host_fd, off_t(size));
  while (r < 0 && errno == EINTR);
  return r == 0 ? abi::kSuccess : errno_from_host(errno);
}

Ret fd_filestat_set_times(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdFilestatSetTimes, e)) return err;
  struct timespec ts[2];
  if (abi::Errno err = make_timespecs(c.u64(1), c.u64(2), c.u32(3) & 0xffff, ts)) return err;
  return futimens(e->host_fd, ts) == 0 ? abi::kSuccess : errno_from_host(errno);
}

// Spec (fd_prestat_get): only preopened directories have a prestat; for anything else we say `badf`,
// which is also what ends wasi-libc's startup scan of fds 3, 4, ...
Ret fd_prestat_get(Call& c) {
  FdEntry* e = c.ctx.fds.find(c.u32(0));
  if (!e || !e->preopen_name) return abi::kBadf;
  uint8_t* p = c.mem.span(c.u32(1), abi::kPrestatSize);
  if (!p) return abi::kFault;
  uint32_t len = uint32_t(e->preopen_name->size());
  std::memset(p, 0, abi::kPrestatSize);
  p[0] = abi::kPreopenDir;
  std::memcpy(p + 4, &len, 4);
  return abi::kSuccess;
}

// Spec (fd_prestat_dir_name): writes the name (no NUL); a buffer shorter than pr_name_len is
// `nametoolong` (wasmtime's reading; uvwasi says `nobufs`).
Ret fd_prestat_dir_name(Call& c) {
  FdEntry* e = c.ctx.fds.find(c.u32(0));
  if (!e || !e->preopen_name) return abi::kBadf;
  const std::string& name = *e->preopen_name;
  if (c.u32(2) < name.size()) return abi::kNameTooLong;
  return c.mem.write_bytes(c.u32(1), name.data(), name.size()) ? abi::kSuccess : abi::kFault;
}

abi::Errno snapshot_dir(Ctx& ctx, FdEntry& e) {
  // A fresh open file description, so the listing neither depends on nor moves the fd's own position.
  int fd = openat(e.host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_from_host(errno);
  DIR* d = fdopendir(fd);
  if (!d) {
    int err = errno;
    close(fd);
    return errno_from_host(err);
  }
  std::vector<DirEntry> out;
  errno = 0;
  while (struct dirent* de = readdir(d)) {
    DirEntry x;
    x.name = de->d_name;
    switch (de->d_type) {
      case DT_REG: x.type = abi::kFiletypeRegularFile; break;
      case DT_DIR: x.type = abi::kFiletypeDirectory; break;
      case DT_LNK: x.type = abi::kFiletypeSymbolicLink; break;
      case DT_CHR: x.type = abi::kFiletypeCharacterDevice; break;
      case DT_BLK: x.type = abi::kFiletypeBlockDevice; break;
      case DT_SOCK: x.type = abi::kFiletypeSocketStream; break;
      case DT_FIFO: x.type = abi::kFiletypeUnknown; break;
      default: {
        struct stat st;
        if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) x.type = filetype_from_mode(st.st_mode);
      }
    }
    x.ino = ctx.config.deterministic ? stable_ino(guest_path_join(e.guest_path, x.name)) : uint64_t(de->d_ino);
    out.push_back(std::move(x));
    errno = 0;
  }
  int err = errno;
  closedir(d);
  if (err) return errno_from_host(err);
  // Name order: the host's order depends on the file system's hashing; sorted listings are reproducible.
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  e.dir_snapshot = std::move(out);
  e.has_snapshot = true;
  return abi::kSuccess;
}

// Spec (fd_readdir): fills `buf` with dirent headers each followed by its name; "If the buffer is not
// large enough to fit all the directory entries, the last entry is truncated", and the guest knows to
// come back with the last d_next as cookie when bufused == buf_len. Cookies here are indices into the
// snapshot taken when a listing starts at cookie 0 (d_next of entry i is i + 1).
Ret fd_readdir(Call& c) {
  FdEntry* e;
  if (abi::Errno err = c.ctx.fds.get(c.u32(0), abi::kRightFdReaddir, e)) return err;
  uint32_t buf = c.u32(1), buf_len = c.u32(2);
  uint64_t cookie = c.u64(3);
  uint8_t* out = c.mem.span(buf, buf_len);
  if (!out || !c.mem.in_bounds(c.u32(4), 4)) return abi::kFault;
  if (cookie == 0 || !e->has_snapshot)
    if (abi::Errno err = snapshot_dir(c.ctx, *e)) return err;
  uint32_t used = 0;
  for (uint64_t i = cookie; i < e->dir_snapshot.size() && used < buf_len; ++i) {
    const DirEntry& d = e->dir_snapshot[i];
    uint8_t hdr[abi::kDirentSize] = {};
    uint64_t next = i + 1;
    uint32_t namlen = uint32_t(d.name.size());
    std::memcpy(hdr + 0, &next, 8);
    std::memcpy(hdr + 8, &d.ino, 8);
    std::memcpy(hdr + 16, &namlen, 4);
    hdr[20] = d.type;
    uint32_t n = std::min<uint32_t>(abi::kDirentSize, buf_len - used);
    std::memcpy(out + used, hdr, n);
    used += n;
    n = std::min<uint32_t>(namlen, buf_len - used);
    std::memcpy(out + used, d.name.data(), n);
    used += n;
  }
  c.mem.store<uint32_t>(c.u32(4), used);
  return abi::kSuccess;
}

}  // namespace

void add_fd(std::vector<FuncSpec>& out) {
  out.push_back({"fd_advise", "iIIi", true, fd_advise});
  out.push_back({"fd_allocate", "iII", true, fd_allocate});
  out.push_back({"fd_close", "i", true, fd_close});
  out.push_back({"fd_datasync", "i", true, fd_datasync});
  out.push_back({"fd_fdstat_get", "ii", true, fd_fdstat_get});
  out.push_back({"fd_fdstat_set_flags", "ii", true, fd_fdstat_set_flags});
  out.push_back({"fd_fdstat_set_rights", "iII", true, fd_fdstat_set_rights});
  out.push_back({"fd_filestat_get", "ii", true, fd_filestat_get});
  out.push_back({"fd_filestat_set_size", "iI", true, fd_filestat_set_size});
  out.push_back({"fd_filestat_set_times", "iIIi", true, fd_filestat_set_times});
  out.push_back({"fd_pread", "iiiIi", true, fd_pread});
  out.push_back({"fd_prestat_get", "ii", true, fd_prestat_get});
  out.push_back({"fd_prestat_dir_name", "iii", true, fd_prestat_dir_name});
  out.push_back({"fd_pwrite", "iiiIi", true, fd_pwrite});
  out.push_back({"fd_read", "iiii", true, fd_read});
  out.push_back({"fd_readdir", "iiiIi", true, fd_readdir});
  out.push_back({"fd_renumber", "ii", true, fd_renumber});
  out.push_back({"fd_seek", "iIii", true, fd_seek});
  out.push_back({"fd_sync", "i", true, fd_sync});
  out.push_back({"fd_tell", "ii", true, fd_tell});
  out.push_back({"fd_write", "iiii", true, fd_write});
}

}  // namespace wi::wasi
