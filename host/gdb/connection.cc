// The debugger's loopback socket (host/gdb/connection.h).
#include "host/gdb/connection.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <vector>
#include "fmt/format.h"

namespace wi::gdb {
namespace {

Error sys_error(const char* what) { return make_error(SIZE_MAX, fmt::format("gdb stub: {}: {}", what, std::strerror(errno))); }

}  // namespace

Connection::~Connection() {
  close();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void Connection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<uint16_t> Connection::listen(uint16_t port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return sys_error("socket");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // never another interface
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    return sys_error(fmt::format("bind 127.0.0.1:{}", port).c_str());
  if (::listen(listen_fd_, 1) != 0) return sys_error("listen");
  socklen_t len = sizeof a;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) return sys_error("getsockname");
  return uint16_t(ntohs(a.sin_port));
}

Result<void> Connection::accept() {
  if (listen_fd_ < 0) return make_error(SIZE_MAX, "gdb stub: not listening");
  do fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  while (fd_ < 0 && errno == EINTR);
  if (fd_ < 0) return sys_error("accept");
  // One client only: nobody else may connect while this one debugs.
  ::close(listen_fd_);
  listen_fd_ = -1;
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // replies are small and awaited
  return {};
}

Result<void> Connection::read_some(bool block) {
  if (fd_ < 0) return make_error(SIZE_MAX, "gdb stub: not connected");
  if (!block) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, 0);
    if (r <= 0) return {};
  }
  char buf[4096];
  ssize_t n;
  do n = ::recv(fd_, buf, sizeof buf, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return sys_error("recv");
  if (n == 0) return make_error(SIZE_MAX, "gdb stub: the debugger closed the connection");
  std::vector<Input> in;
  parser_.feed(buf, size_t(n), in);
  for (Input& i : in) {
    if (i.kind == Input::Interrupt) interrupt_ = true;
    else pending_.push_back(std::move(i));
  }
  return {};
}

Result<Input> Connection::read_packet() {
  interrupt_ = false;  // the guest is stopped already
  while (true) {
    while (pending_.empty()) WI_TRY(read_some(true));
    Input i = std::move(pending_.front());
    pending_.pop_front();
    switch (i.kind) {
      case Input::Ack: continue;
      case Input::Nak:
        if (!last_sent_.empty()) WI_TRY(write_all(last_sent_));
        continue;
      case Input::BadSum:
        if (ack_) WI_TRY(write_all("-"));
        continue;  // in no-ack mode there is nothing to say: the client will time out and retry
      case Input::Interrupt: continue;
      case Input::Packet:
      case Input::Oversized:
        if (ack_) WI_TRY(write_all("+"));
        return i;
    }
  }
}

Result<void> Connection::send(std::string_view payload) {
  last_sent_ = frame(payload);
  return write_all(last_sent_);
}

bool Connection::interrupted() {
  if (fd_ >= 0 && !interrupt_) {
    auto r = read_some(false);
    if (!r) return true;  // a broken connection stops the guest too; the next read reports it
  }
  bool i = interrupt_;
  interrupt_ = false;
  return i;
}

Result<void> Connection::write_all(std::string_view bytes) {
  if (fd_ < 0) return make_error(SIZE_MAX, "gdb stub: not connected");
  while (!bytes.empty()) {
    // MSG_NOSIGNAL: a client that went away is an error to report, not a SIGPIPE that kills wi.
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("send");
    bytes.remove_prefix(size_t(n));
  }
  return {};
}

}  // namespace wi::gdb
