// FdTable, descriptor classification and the host-errno translation. See fd_table.h for the policy.
#include "host/wasi/fd_table.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>

namespace wi::wasi {

FdEntry::~FdEntry() {
  if (owned && host_fd >= 0) ::close(host_fd);
  if (!owned && host_fd >= 0 && lent_status_flags >= 0 && fcntl(host_fd, F_GETFL) != lent_status_flags)
    (void)fcntl(host_fd, F_SETFL, lent_status_flags);
}

FdEntry* FdTable::find(uint32_t fd) { return fd < slots_.size() ? slots_[fd].get() : nullptr; }

// Spec (rights): "If a file descriptor lacks a right required by a function, the function fails with
// `notcapable`". https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#rights
abi::Errno FdTable::get(uint32_t fd, uint64_t base, FdEntry*& out, uint64_t inheriting) {
  FdEntry* e = find(fd);
  if (!e) return abi::kBadf;
  if ((e->rights_base & base) != base || (e->rights_inheriting & inheriting) != inheriting)
    return abi::kNotCapable;
  out = e;
  return abi::kSuccess;
}

abi::Errno FdTable::insert(std::unique_ptr<FdEntry> e, uint32_t& fd) {
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i]) {
      slots_[i] = std::move(e);
      fd = i;
      return abi::kSuccess;
    }
  }
  if (slots_.size() >= kMaxFds) return abi::kMfile;
  fd = uint32_t(slots_.size());
  slots_.push_back(std::move(e));
  return abi::kSuccess;
}

void FdTable::insert_at(uint32_t fd, std::unique_ptr<FdEntry> e) {
  if (fd >= slots_.size()) slots_.resize(fd + 1);
  slots_[fd] = std::move(e);
}

abi::Errno FdTable::close(uint32_t fd) {
  if (!find(fd)) return abi::kBadf;
  slots_[fd].reset();
  while (!slots_.empty() && !slots_.back()) slots_.pop_back();
  return abi::kSuccess;
}

// Spec (fd_renumber): "Atomically replace a file descriptor by renumbering another file descriptor."
// Like uvwasi and wasmtime, both numbers must be open: preview1 offers no dup2 onto a free number.
abi::Errno FdTable::renumber(uint32_t from, uint32_t to) {
  if (!find(from) || !find(to)) return abi::kBadf;
  if (from == to) return abi::kSuccess;
  slots_[to] = std::move(slots_[from]);  // destroying the old `to` entry closes its host fd
  while (!slots_.empty() && !slots_.back()) slots_.pop_back();
  return abi::kSuccess;
}

abi::Filetype filetype_from_mode(mode_t mode, int host_fd) {
  switch (mode & S_IFMT) {
    case S_IFREG: return abi::kFiletypeRegularFile;
    case S_IFDIR: return abi::kFiletypeDirectory;
    case S_IFCHR: return abi::kFiletypeCharacterDevice;
    case S_IFBLK: return abi::kFiletypeBlockDevice;
    case S_IFLNK: return abi::kFiletypeSymbolicLink;
    case S_IFSOCK: {
      int type = 0;
      socklen_t len = sizeof type;
      if (host_fd >= 0 && getsockopt(host_fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM)
        return abi::kFiletypeSocketDgram;
      return abi::kFiletypeSocketStream;
    }
    default: return abi::kFiletypeUnknown;  // FIFOs: preview1 has no filetype for them
  }
}

uint64_t rights_for_type(abi::Filetype t, bool is_tty) {
  switch (t) {
    case abi::kFiletypeDirectory: return kRightsDirectory;
    case abi::kFiletypeRegularFile:
    case abi::kFiletypeBlockDevice: return kRightsRegularFile;
    // /dev/null and friends are seekable; only a terminal loses seek/tell (see kRightsTty).
    case abi::kFiletypeCharacterDevice: return is_tty ? kRightsTty : kRightsRegularFile;
    case abi::kFiletypeSocketStream:
    case abi::kFiletypeSocketDgram: return kRightsSocket;
    default: return kRightsStream;
  }
}

std::unique_ptr<FdEntry> entry_for_host_fd(int host_fd, bool owned) {
  auto e = std::make_unique<FdEntry>();
  e->host_fd = host_fd;
  e->owned = owned;
  if (!owned) e->lent_status_flags = fcntl(host_fd, F_GETFL);
  struct stat st;
  if (fstat(host_fd, &st) == 0) e->type = filetype_from_mode(st.st_mode, host_fd);
  e->is_tty = e->type == abi::kFiletypeCharacterDevice && isatty(host_fd);
  e->rights_base = rights_for_type(e->type, e->is_tty);
  e->rights_inheriting = e->type == abi::kFiletypeDirectory ? kRightsDirectoryInheriting : 0;
  return e;
}

abi::Errno errno_from_host(int e) {
  switch (e) {
    case 0: return abi::kSuccess;
    case E2BIG: return abi::k2Big;
    case EACCES: return abi::kAcces;
    case EADDRINUSE: return abi::kAddrInUse;
    case EADDRNOTAVAIL: return abi::kAddrNotAvail;
    case EAFNOSUPPORT: return abi::kAfNoSupport;
    case EAGAIN: return abi::kAgain;
    case EALREADY: return abi::kAlready;
    case EBADF: return abi::kBadf;
    case EBADMSG: return abi::kBadMsg;
    case EBUSY: return abi::kBusy;
    case ECANCELED: return abi::kCanceled;
    case ECHILD: return abi::kChild;
    case ECONNABORTED: return abi::kConnAborted;
    case ECONNREFUSED: return abi::kConnRefused;
    case ECONNRESET: return abi::kConnReset;
    case EDEADLK: return abi::kDeadlk;
    case EDESTADDRREQ: return abi::kDestAddrReq;
    case EDOM: return abi::kDom;
    case EDQUOT: return abi::kDquot;
    case EEXIST: return abi::kExist;
    case EFAULT: return abi::kFault;
    case EFBIG: return abi::kFbig;
    case EHOSTUNREACH: return abi::kHostUnreach;
    case EIDRM: return abi::kIdrm;
    case EILSEQ: return abi::kIlseq;
    case EINPROGRESS: return abi::kInProgress;
    case EINTR: return abi::kIntr;
    case EINVAL: return abi::kInval;
    case EIO: return abi::kIo;
    case EISCONN: return abi::kIsConn;
    case EISDIR: return abi::kIsDir;
    case ELOOP: return abi::kLoop;
    case EMFILE: return abi::kMfile;
    case EMLINK: return abi::kMlink;
    case EMSGSIZE: return abi::kMsgSize;
    case EMULTIHOP: return abi::kMultihop;
    case ENAMETOOLONG: return abi::kNameTooLong;
    case ENETDOWN: return abi::kNetDown;
    case ENETRESET: return abi::kNetReset;
    case ENETUNREACH: return abi::kNetUnreach;
    case ENFILE: return abi::kNfile;
    case ENOBUFS: return abi::kNoBufs;
    case ENODEV: return abi::kNoDev;
    case ENOENT: return abi::kNoent;
    case ENOEXEC: return abi::kNoExec;
    case ENOLCK: return abi::kNoLck;
    case ENOLINK: return abi::kNoLink;
    case ENOMEM: return abi::kNoMem;
    case ENOMSG: return abi::kNoMsg;
    case ENOPROTOOPT: return abi::kNoProtoOpt;
    case ENOSPC: return abi::kNoSpc;
    case ENOSYS: return abi::kNoSys;
    case ENOTCONN: return abi::kNotConn;
    case ENOTDIR: return abi::kNotDir;
    case ENOTEMPTY: return abi::kNotEmpty;
    case ENOTRECOVERABLE: return abi::kNotRecoverable;
    case ENOTSOCK: return abi::kNotSock;
    case ENOTSUP: return abi::kNotSup;  // == EOPNOTSUPP on Linux
    case ENOTTY: return abi::kNotTy;
    case ENXIO: return abi::kNxio;
    case EOVERFLOW: return abi::kOverflow;
    case EOWNERDEAD: return abi::kOwnerDead;
    case EPERM: return abi::kPerm;
    case EPIPE: return abi::kPipe;
    case EPROTO: return abi::kProto;
    case EPROTONOSUPPORT: return abi::kProtoNoSupport;
    case EPROTOTYPE: return abi::kProtoType;
    case ERANGE: return abi::kRange;
    case EROFS: return abi::kRofs;
    case ESPIPE: return abi::kSpipe;
    case ESRCH: return abi::kSrch;
    case ESTALE: return abi::kStale;
    case ETIMEDOUT: return abi::kTimedOut;
    case ETXTBSY: return abi::kTxtBsy;
    case EXDEV: return abi::kXdev;
    default: return abi::kIo;
  }
}

}  // namespace wi::wasi
