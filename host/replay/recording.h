// The recording file of `wi exec --record/--replay` (docs/record-replay.md has the byte layout): what it
// holds (a header naming the run's settings and modules, one event per host call that brings data in
// from outside, an end record with the exit status and a checksum), how it is written as the run goes
// and how a whole file is read back and checked before a replay starts.
// Policy: the reader trusts nothing: every count and length is checked against the bytes left, and any
// problem is an Error naming the byte offset and the event, never a crash or an exception.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include "decoder/result.h"

namespace wi::replay {

inline constexpr char kMagic[8] = {'W', 'I', 'R', 'E', 'P', 'L', 'A', 'Y'};
inline constexpr uint32_t kFormatVersion = 1;

// FNV-1a 64: module hashes, output hashes and the file checksum.
inline constexpr uint64_t kFnvBasis = 0xcbf29ce484222325ull;
inline uint64_t fnv1a(const void* data, size_t n, uint64_t h = kFnvBasis) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

struct ModuleHash {
  std::string name;  // the file as named on the command line or found by the linker
  uint64_t hash = 0;
  bool operator==(const ModuleHash&) const = default;
};

struct Header {
  uint32_t version = kFormatVersion;
  // Settings that change what the guest does, as (option, value) in a fixed order; "" is "not given".
  std::vector<std::pair<std::string, std::string>> settings;
  std::vector<ModuleHash> modules;  // loaded before the guest ran, in load order
};

// Bytes the host wrote into guest memory at `ptr`.
struct Region {
  uint32_t ptr = 0;
  std::vector<uint8_t> bytes;
};

// One host call.
struct Event {
  std::string func;             // "wasi_snapshot_preview1.fd_read", "thinthin.syscall", "env.dlopen"
  std::vector<uint64_t> args;   // the call's arguments (i32 ones zero-extended)
  bool trapped = false;         // the host function ended the guest (proc_exit, exit, a host failure)
  uint64_t result = 0;          // result slot 0 when it returned (the errno, the syscall's value)
  uint32_t trap_kind = 0;       // when trapped: TrapKind, the exit code and the message
  int32_t exit_code = 0;
  std::string trap_message;
  // Output calls (fd_write and the like): where the bytes went (0 another file, 1 stdout, 2 stderr),
  // how many the host took and their FNV-1a; a replay writes them to stdout/stderr again.
  bool output = false;
  uint8_t out_stream = 0;
  uint32_t out_len = 0;
  uint64_t out_hash = 0;
  std::vector<Region> regions;       // what the call wrote into guest memory
  std::vector<ModuleHash> modules;   // dlopen: the modules this call loaded
};

struct Recording {
  Header header;
  std::vector<Event> events;
  int32_t exit_status = 0;  // wi exec's exit status for the recorded run
};

// Streams a recording to a file: the header, then events as they happen, then the end record.
class Writer {
 public:
  Writer() = default;
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  Result<void> open(const std::string& path);
  void header(const Header& h);
  void event(const Event& e);
  // Writes the end record and closes the file; an error if anything failed to be written.
  Result<void> finish(int32_t exit_status);
  uint64_t events() const { return events_; }

 private:
  void put(const void* p, size_t n);
  void u8(uint8_t v) { put(&v, 1); }
  void u32(uint32_t v) { put(&v, 4); }
  void u64(uint64_t v) { put(&v, 8); }
  void str(std::string_view s);

  std::FILE* f_ = nullptr;
  std::string path_;
  uint64_t sum_ = kFnvBasis;
  uint64_t events_ = 0;
  bool failed_ = false;
};

// Reads and checks a whole recording; errors read "FILE: ...", with the byte offset (and the event).
Result<Recording> parse_recording(const std::vector<uint8_t>& bytes, const std::string& name);
Result<Recording> read_recording(const std::string& path);

}  // namespace wi::replay
