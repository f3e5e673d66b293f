// sock_accept, sock_recv, sock_send, sock_shutdown. Preview1 cannot create sockets; these act on sockets
// the embedder hands in as descriptors (e.g. stdio connected to a socket, as inetd-style launchers
// do). Policy: EBADF for no such fd, ENOTSOCK for a descriptor that is not a socket (rather than a
// blanket ENOTSUP, so the guest learns why), then the usual rights check; sends never raise SIGPIPE
// in the host (MSG_NOSIGNAL: a closed peer is EPIPE for the guest, not the death of the interpreter).
#include <sys/socket.h>
#include <cerrno>
#include "host/wasi/context.h"

namespace wi::wasi {
namespace {

abi::Errno socket_entry(Call& c, uint32_t fd, uint64_t rights, FdEntry*& e) {
  FdEntry* f = c.ctx.fds.find(fd);
  if (!f) return abi::kBadf;
  if (f->type != abi::kFiletypeSocketStream && f->type != abi::kFiletypeSocketDgram) return abi::kNotSock;
  return c.ctx.fds.get(fd, rights, e);
}

// Spec (sock_accept): "Accept a new incoming connection." flags: only `nonblock` means anything.
// https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-sock_acceptfd-fd-flags-fdflags---resultfd-errno
Ret sock_accept(Call& c) {
  FdEntry* e;
  if (abi::Errno err = socket_entry(c, c.u32(0), abi::kRightSockAccept, e)) return err;
  uint32_t flags = c.u32(1) & 0xffff;
  if (flags & ~uint32_t(abi::kFdflagNonblock)) return abi::kInval;
  if (!c.mem.in_bounds(c.u32(2), 4)) return abi::kFault;
  int fd;
  do fd = accept4(e->host_fd, nullptr, nullptr, SOCK_CLOEXEC | (flags ? SOCK_NONBLOCK : 0));
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno_from_host(errno);
  auto ne = entry_for_host_fd(fd, /*owned=*/true);
  ne->guest_path = "<socket>";
  uint32_t guest_fd;
  if (abi::Errno err = c.ctx.fds.insert(std::move(ne), guest_fd)) return err;
  c.mem.store<uint32_t>(c.u32(2), guest_fd);
  return abi::kSuccess;
}

// Spec (sock_recv): returns (size, roflags); riflags recv_peek / recv_waitall map to MSG_PEEK /
// MSG_WAITALL, and a datagram cut short reports recv_data_truncated.
Ret sock_recv(Call& c) {
  FdEntry* e;
  if (abi::Errno err = socket_entry(c, c.u32(0), abi::kRightFdRead, e)) return err;
  uint32_t riflags = c.u32(3) & 0xffff;
  if (riflags & ~uint32_t(abi::kRecvPeek | abi::kRecvWaitall)) return abi::kInval;
  if (!c.mem.in_bounds(c.u32(4), 4) || !c.mem.in_bounds(c.u32(5), 2)) return abi::kFault;
  std::vector<struct iovec> v;
  if (abi::Errno err = gather_iovecs(c, c.u32(1), c.u32(2), v)) return err;
  struct msghdr msg {};
  msg.msg_iov = v.data();
  msg.msg_iovlen = v.size();
  int flags = (riflags & abi::kRecvPeek ? MSG_PEEK : 0) | (riflags & abi::kRecvWaitall ? MSG_WAITALL : 0);
  ssize_t n;
  do n = recvmsg(e->host_fd, &msg, flags);
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno_from_host(errno);
  c.mem.store<uint32_t>(c.u32(4), uint32_t(n));
  c.mem.store<uint16_t>(c.u32(5), uint16_t(msg.msg_flags & MSG_TRUNC ? abi::kRecvDataTruncated : 0));
  return abi::kSuccess;
}

// Spec (sock_send): siflags has no flags defined; anything set is `inval`.
Ret sock_send(Call& c) {
  FdEntry* e;
  if (abi::Errno err = socket_entry(c, c.u32(0), abi::kRightFdWrite, e)) return err;
  if (c.u32(3) & 0xffff) return abi::kInval;
  if (!c.mem.in_bounds(c.u32(4), 4)) return abi::kFault;
  std::vector<struct iovec> v;
  if (abi::Errno err = gather_iovecs(c, c.u32(1), c.u32(2), v)) return err;
  struct msghdr msg {};
  msg.msg_iov = v.data();
  msg.msg_iovlen = v.size();
  ssize_t n;
  do n = sendmsg(e->host_fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno_from_host(errno);
  c.mem.store<uint32_t>(c.u32(4), uint32_t(n));
  return abi::kSuccess;
}

// Spec (sock_shutdown): how is a non-empty subset of {rd, wr}.
Ret sock_shutdown(Call& c) {
  FdEntry* e;
  if (abi::Errno err = socket_entry(c, c.u32(0), abi::kRightSockShutdown, e)) return err;
  uint32_t how = c.u32(1) & 0xff;
  int h = how == abi::kShutRd ? SHUT_RD : how == abi::kShutWr ? SHUT_WR : how == (abi::kShutRd | abi::kShutWr) ? SHUT_RDWR : -1;
  if (h < 0) return abi::kInval;
  return shutdown(e->host_fd, h) == 0 ? abi::kSuccess : errno_from_host(errno);
}

}  // namespace

void add_sock(std::vector<FuncSpec>& out) {
  out.push_back({"sock_accept", "iii", true, sock_accept});
  out.push_back({"sock_recv", "iiiiii", true, sock_recv});
  out.push_back({"sock_send", "iiiii", true, sock_send});
  out.push_back({"sock_shutdown", "ii", true, sock_shutdown});
}

}  // namespace wi::wasi
