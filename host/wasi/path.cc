// The path_* functions: everything that names a file by (directory fd, relative path). Policy: no guest
// path is ever handed to the host as a whole path. Opens and lookups that must follow symlinks go
// through open_beneath (openat2 RESOLVE_BENEATH, or the portable walk), so `..`, absolute paths and
// symlinks — pre-existing ones pointing out and ones the guest creates — cannot leave the preopen.
// Mutations (mkdir, unlink, rmdir, rename, symlink, link) open the parent beneath the preopen and call
// the *at() function on the last component, a single name with nothing left to traverse; the kernel
// never follows a final symlink for those calls. A symlink the guest creates must resolve beneath the
// preopen (no absolute contents, no `..` above it); following any symlink out is refused as well,
// which is what holds for links the host planted.
// Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md (functions path_*)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <string>
#include "host/wasi/context.h"
#include "host/wasi/sandbox.h"

namespace wi::wasi {
namespace {

bool dot_or_dotdot(const std::string& n) { return n == "." || n == ".."; }

// A path ending in "." or ".." names a directory no mutation may take as its last component. If the
// path climbs out of the preopen ("..", "a/../..") that is what the guest learns (ENOTCAPABLE);
// otherwise it gets `posix`, the error POSIX gives for that operation.
abi::Errno dot_errno(int dirfd, const std::string& path, abi::Errno posix) {
  UniqueFd fd;
  abi::Errno e = open_beneath(dirfd, path, O_PATH | O_DIRECTORY, 0, fd);
  return e ? e : posix;
}

// The last component as the kernel should see it: a trailing slash is kept (it makes unlink, rmdir,
// rename and mkdir insist on a directory), and cannot cause traversal.
std::string last_name(const ParentDir& p) { return p.trailing_slash ? p.name + "/" : p.name; }

// Looks up the directory fd with `rights` and reads the path argument.
abi::Errno dir_and_path(Call& c, uint32_t fd, uint64_t rights, uint32_t ptr, uint32_t len, FdEntry*& e,
                        std::string& path, uint64_t inheriting = 0) {
  // A file where a directory is expected is ENOTDIR (as openat says), before any rights question.
  FdEntry* f = c.ctx.fds.find(fd);
  if (f && f->type != abi::kFiletypeDirectory) return abi::kNotDir;
  if (abi::Errno err = c.ctx.fds.get(fd, rights, e, inheriting)) return err;
  return read_guest_path(c, ptr, len, path);
}

// Spec (path_open): "Open a file or directory. ... The returned file descriptor is not guaranteed to be
// the lowest-numbered file descriptor not currently open" (ours is). The new fd's rights are the
// requested ones, which must be a subset of the directory's inheriting rights (`notcapable` otherwise),
// minus those that cannot apply to the type of file opened.
Ret path_open(Call& c) {
  uint32_t dirfd = c.u32(0), dirflags = c.u32(1);
  uint32_t oflags = c.u32(4) & 0xffff, fdflags = c.u32(7) & 0xffff, result_ptr = c.u32(8);
  // Bits no file reachable by path can ever carry (socket rights, undefined high bits) are dropped
  // rather than refused, so guests that ask for "everything" (~0) still open files; a right the
  // directory could carry but does not (dropped with fd_fdstat_set_rights) is still refused below.
  uint64_t base = c.u64(5) & kRightsDirectoryInheriting, inheriting = c.u64(6) & kRightsDirectoryInheriting;
  if (oflags & ~uint32_t(abi::kOflagCreat | abi::kOflagDirectory | abi::kOflagExcl | abi::kOflagTrunc))
    return abi::kInval;
  if (fdflags & ~uint32_t(abi::kFdflagAppend | abi::kFdflagDsync | abi::kFdflagNonblock | abi::kFdflagRsync |
                          abi::kFdflagSync))
    return abi::kInval;
  uint64_t need = abi::kRightPathOpen;
  if (oflags & abi::kOflagCreat) need |= abi::kRightPathCreateFile;
  if (oflags & abi::kOflagTrunc) need |= abi::kRightPathFilestatSetSize;
  FdEntry* dir;
  std::string path;
  if (abi::Errno err = dir_and_path(c, dirfd, need, c.u32(2), c.u32(3), dir, path, base | inheriting)) return err;
  if (!c.mem.in_bounds(result_ptr, 4)) return abi::kFault;

  // Rights are capabilities, not an open mode, but the host mode must make them usable: a right that
  // needs a writable host fd (fd_write, and fd_datasync/fd_allocate/fd_filestat_set_size, which fail on
  // a read-only one) asks for one. A directory is never writable, so one asked for with O_DIRECTORY is
  // opened read-only unless the guest wants fd_write on it — then the kernel's EISDIR is the answer
  // (what wasmtime gives). Without O_DIRECTORY the guest may not know it names a directory (reopening
  // "." with its preopen's rights, which include fd_datasync to inherit): see the retry below.
  const bool read = base & (abi::kRightFdRead | abi::kRightFdReaddir);
  const bool want_write = base & abi::kRightFdWrite;
  const bool write = want_write || (base & (abi::kRightFdDatasync | abi::kRightFdAllocate |
                                            abi::kRightFdFilestatSetSize));
  int flags = O_NOCTTY;
  if (oflags & abi::kOflagDirectory) flags |= O_DIRECTORY | (!want_write ? O_RDONLY : read ? O_RDWR : O_WRONLY);
  else flags |= read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
  if (oflags & abi::kOflagCreat) flags |= O_CREAT;
  if (oflags & abi::kOflagExcl) flags |= O_EXCL;
  if (oflags & abi::kOflagTrunc) flags |= O_TRUNC;
  if (fdflags & abi::kFdflagAppend) flags |= O_APPEND;
  if (fdflags & abi::kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & (abi::kFdflagSync | abi::kFdflagRsync)) flags |= O_SYNC;
  if (fdflags & abi::kFdflagNonblock) flags |= O_NONBLOCK;
  if (!(dirflags & abi::kLookupSymlinkFollow)) flags |= O_NOFOLLOW;

  UniqueFd fd;
  abi::Errno err = open_beneath(dir->host_fd, path, flags, 0666, fd);
  // EISDIR from a writable open the guest did not ask for with fd_write: the path is a directory, and
  // its rights (fd_datasync, ...) work on a read-only one. O_DIRECTORY makes the retry open nothing
  // else, so a file is never opened read-only for a guest that needs it writable. With O_CREAT or
  // O_TRUNC the guest asked for a file: EISDIR stands.
  if (err == abi::kIsDir && write && !want_write && !(oflags & (abi::kOflagCreat | abi::kOflagTrunc)))
    err = open_beneath(dir->host_fd, path, (flags & ~O_ACCMODE) | O_RDONLY | O_DIRECTORY, 0, fd);
  if (err) return err;
  auto e = std::make_unique<FdEntry>();
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return errno_from_host(errno);
  e->type = filetype_from_mode(st.st_mode, fd.get());
  if (e->type == abi::kFiletypeDirectory) {
    // The new directory descends from the same preopen (path_symlink's bound); one under a directory
    // with no known root has that directory as its root.
    e->root_dev = dir->root_dev;
    e->root_ino = dir->root_ino;
    struct stat dst;
    if (!e->root_dev && !e->root_ino && fstat(dir->host_fd, &dst) == 0) {
      e->root_dev = dst.st_dev;
      e->root_ino = dst.st_ino;
    }
  }
  e->is_tty = e->type == abi::kFiletypeCharacterDevice && isatty(fd.get());
  e->rights_base = base & rights_for_type(e->type, e->is_tty);
  e->rights_inheriting = e->type == abi::kFiletypeDirectory ? inheriting & kRightsDirectoryInheriting : 0;
  e->guest_path = guest_path_join(dir->guest_path, path);
  e->host_fd = fd.release();
  uint32_t guest_fd;
  if (abi::Errno err = c.ctx.fds.insert(std::move(e), guest_fd)) return err;
  c.mem.store<uint32_t>(result_ptr, guest_fd);
  return abi::kSuccess;
}

// Spec (path_filestat_get): flags carry symlink_follow; without it a symlink reports itself. The
// lookup follows symlinks only beneath the preopen (an O_PATH open through open_beneath).
Ret path_filestat_get(Call& c) {
  FdEntry* dir;
  std::string path;
  if (abi::Errno err = dir_and_path(c, c.u32(0), abi::kRightPathFilestatGet, c.u32(2), c.u32(3), dir, path)) return err;
  if (!c.mem.in_bounds(c.u32(4), abi::kFilestatSize)) return abi::kFault;
  bool follow = c.u32(1) & abi::kLookupSymlinkFollow;
  UniqueFd fd;
  if (abi::Errno err = open_beneath(dir->host_fd, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0, fd)) return err;
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return errno_from_host(errno);
  write_filestat(c, c.u32(4), st, -1, guest_path_join(dir->guest_path, path));
  return abi::kSuccess;
}

// Spec (path_filestat_set_times): "Adjust the timestamps of a file or directory" (utimensat), with
// symlink_follow deciding whether a final symlink or its target is changed.
Ret path_filestat_set_times(Call& c) {
  FdEntry* dir;
  std::string path;
  if (abi::Errno err = dir_and_path(c, c.u32(0), abi::kRightPathFilestatSetTimes, c.u32(2), c.u32(3), dir, path))
    return err;
  struct timespec ts[2];
  if (abi::Errno err = make_timespecs(c.u64(4), c.u64(5), c.u32(6) & 0xffff, ts)) return err;
  bool follow = c.u32(1) & abi::kLookupSymlinkFollow;
  UniqueFd fd;
  if (abi::Errno err = open_beneath(dir->host_fd, path, O_PATH | (follow ? 0 : O_NOFOLLOW), 0, fd)) return err;
  // The O_PATH fd names exactly the inode the confined lookup found; AT_EMPTY_PATH applies the change to
  // it (a symlink itself when not following).
  if (utimensat(fd.get(), "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0) return abi::kSuccess;
  return errno_from_host(errno);
}

// Spec (path_create_directory): "Create a directory. Note: This is similar to mkdirat in POSIX."
Ret path_create_directory(Call& c) {
  FdEntry* dir;
  std::string path;
  if (abi::Errno err = dir_and_path(c, c.u32(0), abi::kRightPathCreateDirectory, c.u32(1), c.u32(2), dir, path))
    return err;
  ParentDir p;
  if (abi::Errno err = open_parent(dir->host_fd, path, p)) return err;
  if (dot_or_dotdot(p.name)) return dot_errno(dir->host_fd, path, abi::kExist);
  return mkdirat(p.dir.get(), p.name.c_str(), 0777) == 0 ? abi::kSuccess : errno_from_host(errno);
}

// Spec (path_remove_directory): "Remove a directory. Return errno::notempty if the directory is not
// empty. Note: This is similar to unlinkat(fd, path, AT_REMOVEDIR) in POSIX."
Ret path_remove_directory(Call& c) {
  FdEntry* dir;
  std::string path;
  if (abi::Errno err = dir_and_path(c, c.u32(0), abi::kRightPathRemoveDirectory, c.u32(1), c.u32(2), dir, path))
    return err;
  ParentDir p;
  if (abi::Errno err = open_parent(dir->host_fd, path, p)) return err;
  if (p.name == ".") return dot_errno(dir->host_fd, path, abi::kInval);      // rmdir(".") in POSIX
  if (p.name == "..") return dot_errno(dir->host_fd, path, abi::kNotEmpty);  // rmdir("..") in POSIX
  return unlinkat(p.dir.get(), last_name(p).c_str(), AT_REMOVEDIR) == 0 ? abi::kSuccess : errno_from_host(errno);
}

// Spec (path_unlink_file): "Unlink a file. Return errno::isdir if the path refers to a directory."
Ret path_unlink_file(Call& c) {
  FdEntry* dir;
  std::string path;
  if (abi::Errno err = dir_and_path(c, c.u32(0), abi::kRightPathUnlinkFile, c.u32(1), c.u32(2), dir, path)) return err;
  ParentDir p;
  if (abi::Errno err = open_parent(dir->host_fd, path, p)) return err;
  if (dot_or_dotdot(p.name)) return dot_errno(dir->host_fd, path, abi::kIsDir);
  return unlinkat(p.dir.get(), last_name(p).c_str(), 0) == 0 ? abi::kSuccess : errno_from_host(errno);
}

// Spec (path_rename): source needs path_rename_source on fd, target path_rename_target on new_fd. Both
// parents are opened beneath their preopens, so a target like "../outside/x" is refused, not moved out.
Ret path_rename(Call& c) {
  FdEntry *from, *to;
  std::string old_path, new_path;
  if (abi::Errno err = dir_and_path(c, c.u32(0), abi::kRightPathRenameSource, c.u32(1), c.u32(2), from, old_path))
    return err;
  if (abi::Errno err = dir_and_path(c, c.u32(3), abi::kRightPathRenameTarget, c.u32(4), c.u32(5), to, new_path))
    return err;
  ParentDir a, b;
  if (abi::Errno err = open_parent(from->host_fd, old_path, a)) return err;
  if (abi::Errno err = open_parent(to->host_fd, new_path, b)) return err;
  // Linux's answer for renaming "." or "..".
  if (dot_or_dotdot(a.name)) return dot_errno(from->host_fd, old_path, abi::kBusy);
  if (dot_or_dotdot(b.name)) return dot_errno(to->host_fd, new_path, abi::kBusy);
  if (renameat(a.dir.get(), last_name(a).c_str(), b.dir.get(), last_name(b).c_str()) == 0) return abi::kSuccess;
  return errno_from_host(errno);
}

// Spec (path_symlink): old_path is the link's contents, stored verbatim; new_path is where to create it.
// https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#path_symlink
// Contents that could only resolve outside the preopen (absolute, or climbing with `..` above it from
// where the link sits) are refused with ENOTCAPABLE, as wasmtime refuses them (the official
// wasi-testsuite's symlink_create expects an error for "/"): such a link could never be followed, and
// a guest should not plant one for a less careful runtime sharing the directory.
Ret path_symlink(Call& c) {
  std::string target;
  if (abi::Errno err = read_guest_path(c, c.u32(0), c.u32(1), target)) return err;
  FdEntry* dir;
  std::string path;
  if (abi::Errno err = dir_and_path(c, c.u32(2), abi::kRightPathSymlink, c.u32(3), c.u32(4), dir, path)) return err;
  ParentDir p;
  if (abi::Errno err = open_parent(dir->host_fd, path, p)) return err;
  if (dot_or_dotdot(p.name)) return dot_errno(dir->host_fd, path, abi::kExist);
  if (abi::Errno err = symlink_target_beneath(p.dir.get(), dir->root_dev, dir->root_ino, target)) return err;
  return symlinkat(target.c_str(), p.dir.get(), last_name(p).c_str()) == 0 ? abi::kSuccess : errno_from_host(errno);
}

// Spec (path_readlink): "Read the contents of a symbolic link." Contents longer than the buffer are
// truncated to it (POSIX readlink; the returned size tells the guest how much was written).
Ret path_readlink(Call& c) {
  FdEntry* dir;
  std::string path;
  if (abi::Errno err = dir_and_path(c, c.u32(0), abi::kRightPathReadlink, c.u32(1), c.u32(2), dir, path)) return err;
  uint32_t buf_len = c.u32(4);
  uint8_t* buf = c.mem.span(c.u32(3), buf_len);
  if (!buf || !c.mem.in_bounds(c.u32(5), 4)) return abi::kFault;
  UniqueFd fd;
  if (abi::Errno err = open_beneath(dir->host_fd, path, O_PATH | O_NOFOLLOW, 0, fd)) return err;
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return errno_from_host(errno);
  if (!S_ISLNK(st.st_mode)) return abi::kInval;  // POSIX readlink on a non-link
  // readlinkat with an empty path reads the symlink an O_PATH|O_NOFOLLOW descriptor refers to.
  ssize_t n = readlinkat(fd.get(), "", reinterpret_cast<char*>(buf), buf_len);
  if (n < 0) return errno_from_host(errno);
  c.mem.store<uint32_t>(c.u32(5), uint32_t(n));
  return abi::kSuccess;
}

// Spec (path_link): "Create a hard link." old_flags may ask to follow a symlink at old_path; the
// target is then resolved beneath the preopen and linked through its /proc/self/fd name (linkat with
// AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH). Otherwise the last component itself is linked.
Ret path_link(Call& c) {
  FdEntry *from, *to;
  std::string old_path, new_path;
  if (abi::Errno err = dir_and_path(c, c.u32(0), abi::kRightPathLinkSource, c.u32(2), c.u32(3), from, old_path))
    return err;
  if (abi::Errno err = dir_and_path(c, c.u32(4), abi::kRightPathLinkTarget, c.u32(5), c.u32(6), to, new_path))
    return err;
  ParentDir a, b;
  if (abi::Errno err = open_parent(from->host_fd, old_path, a)) return err;
  if (abi::Errno err = open_parent(to->host_fd, new_path, b)) return err;
  if (dot_or_dotdot(b.name)) return dot_errno(to->host_fd, new_path, abi::kExist);
  if (dot_or_dotdot(a.name)) return dot_errno(from->host_fd, old_path, abi::kPerm);  // no links to directories
  struct stat st;
  if (fstatat(a.dir.get(), a.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno_from_host(errno);
  bool follow = (c.u32(1) & abi::kLookupSymlinkFollow) || a.trailing_slash;
  if (S_ISDIR(st.st_mode)) return abi::kPerm;
  if (a.trailing_slash && !S_ISLNK(st.st_mode)) return abi::kNotDir;
  if (follow && S_ISLNK(st.st_mode)) {
    UniqueFd fd;
    if (abi::Errno err = open_beneath(from->host_fd, old_path, O_PATH, 0, fd)) return err;
    struct stat tst;
    if (fstat(fd.get(), &tst) != 0) return errno_from_host(errno);
    if (S_ISDIR(tst.st_mode)) return abi::kPerm;
    std::string proc = "/proc/self/fd/" + std::to_string(fd.get());
    if (linkat(AT_FDCWD, proc.c_str(), b.dir.get(), last_name(b).c_str(), AT_SYMLINK_FOLLOW) == 0)
      return abi::kSuccess;
    return errno_from_host(errno);
  }
  // flags 0: linkat does not follow a final symlink, so even if the name changed since the fstatat
  // above, only what is beneath the parent can be linked.
  if (linkat(a.dir.get(), a.name.c_str(), b.dir.get(), last_name(b).c_str(), 0) == 0) return abi::kSuccess;
  return errno_from_host(errno);
}

}  // namespace

void add_path(std::vector<FuncSpec>& out) {
  out.push_back({"path_create_directory", "iii", true, path_create_directory});
  out.push_back({"path_filestat_get", "iiiii", true, path_filestat_get});
  out.push_back({"path_filestat_set_times", "iiiiIIi", true, path_filestat_set_times});
  out.push_back({"path_link", "iiiiiii", true, path_link});
  out.push_back({"path_open", "iiiiiIIii", true, path_open});
  out.push_back({"path_readlink", "iiiiii", true, path_readlink});
  out.push_back({"path_remove_directory", "iii", true, path_remove_directory});
  out.push_back({"path_rename", "iiiiii", true, path_rename});
  out.push_back({"path_symlink", "iiiii", true, path_symlink});
  out.push_back({"path_unlink_file", "iii", true, path_unlink_file});
}

}  // namespace wi::wasi
