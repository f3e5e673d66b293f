// The debugger's socket for `wi exec --gdb PORT`: listens on 127.0.0.1 only, accepts one client, and
// moves packets (host/gdb/packet.h) over it with the protocol's acknowledgements until the client
// asks for no-ack mode. Owns the file descriptors and nothing of the program.
// Policy: loopback only (the stub hands out the guest's memory and control of the run; it is never
// reachable from another host); one client, no reconnection; every failure is a Result, and a
// closed or broken socket ends the session (the stub then kills the guest, as gdbserver does).
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include "decoder/result.h"
#include "host/gdb/packet.h"

namespace wi::gdb {

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Binds 127.0.0.1:`port` (0: any free port) and listens. Returns the port bound.
  Result<uint16_t> listen(uint16_t port);
  // Waits for the client (once).
  Result<void> accept();
  bool connected() const { return fd_ >= 0; }
  void close();

  // The next packet's body, acknowledging it in ack mode. Bad checksums get '-' (ack mode) and are
  // skipped; an oversized packet comes back as Input::Oversized so the caller can answer an error.
  // Interrupts that arrive while stopped mean nothing and are dropped.
  Result<Input> read_packet();
  Result<void> send(std::string_view payload);
  // While the guest runs: whether the client sent the interrupt byte, without blocking. Packets that
  // come meanwhile are kept for read_packet.
  bool interrupted();
  void set_no_ack() { ack_ = false; }

 private:
  Result<void> read_some(bool block);
  Result<void> write_all(std::string_view bytes);

  int listen_fd_ = -1;
  int fd_ = -1;
  bool ack_ = true;
  bool interrupt_ = false;
  PacketParser parser_;
  std::deque<Input> pending_;
  std::string last_sent_;  // framed, for a '-' from the client
};

}  // namespace wi::gdb
