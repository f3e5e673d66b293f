// The guest's file descriptor table: guest fd numbers mapped to host descriptors with their preview1
// filetype, rights and (for preopens) guest name. One table per WasiContext; every host API that hands
// descriptors to the guest (WASI now, later `thinthin`) allocates from it, so numbers never collide.
// Policy: new descriptors take the lowest free number (POSIX's rule, which wasi-libc's preopen scan and
// programs that close stdio rely on); rights only ever shrink (preview1's capability model); the table
// owns every host fd it holds except the ones the embedder lent it (stdio), which it never closes.
#pragma once
#include <sys/stat.h>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "host/wasi/abi.h"

namespace wi::wasi {

// Rights each kind of descriptor can ever have. Directories carry the path rights and hand the file
// rights down through `inheriting`; files carry the fd_* rights. A tty lacks fd_seek/fd_tell on purpose:
// wasi-libc's isatty() is "character device without seek or tell rights".
inline constexpr uint64_t kRightsRegularFile =
    abi::kRightFdDatasync | abi::kRightFdRead | abi::kRightFdSeek | abi::kRightFdFdstatSetFlags |
    abi::kRightFdSync | abi::kRightFdTell | abi::kRightFdWrite | abi::kRightFdAdvise |
    abi::kRightFdAllocate | abi::kRightFdFilestatGet | abi::kRightFdFilestatSetSize |
    abi::kRightFdFilestatSetTimes | abi::kRightPollFdReadwrite;
inline constexpr uint64_t kRightsDirectory =
    abi::kRightFdFdstatSetFlags | abi::kRightFdSync | abi::kRightFdDatasync | abi::kRightFdAdvise |
    abi::kRightPathCreateDirectory | abi::kRightPathCreateFile | abi::kRightPathLinkSource |
    abi::kRightPathLinkTarget | abi::kRightPathOpen | abi::kRightFdReaddir | abi::kRightPathReadlink |
    abi::kRightPathRenameSource | abi::kRightPathRenameTarget | abi::kRightPathFilestatGet |
    abi::kRightPathFilestatSetSize | abi::kRightPathFilestatSetTimes | abi::kRightFdFilestatGet |
    abi::kRightFdFilestatSetTimes | abi::kRightPathSymlink | abi::kRightPathRemoveDirectory |
    abi::kRightPathUnlinkFile | abi::kRightPollFdReadwrite;
inline constexpr uint64_t kRightsDirectoryInheriting = kRightsDirectory | kRightsRegularFile;
inline constexpr uint64_t kRightsTty = abi::kRightFdRead | abi::kRightFdWrite | abi::kRightFdFdstatSetFlags |
                                       abi::kRightFdFilestatGet | abi::kRightPollFdReadwrite;
inline constexpr uint64_t kRightsStream = kRightsTty | abi::kRightFdDatasync | abi::kRightFdSync;
inline constexpr uint64_t kRightsSocket = kRightsStream | abi::kRightSockShutdown | abi::kRightSockAccept;

// One directory entry as fd_readdir reports it.
struct DirEntry {
  std::string name;
  abi::Filetype type = abi::kFiletypeUnknown;
  uint64_t ino = 0;
};

struct FdEntry {
  int host_fd = -1;
  bool owned = true;  // false: lent by the embedder (stdio); closing the guest fd leaves it open
  // A lent descriptor's status flags when it was lent: fd_fdstat_set_flags (NONBLOCK, APPEND) changes
  // the open file description, which the embedder's process (and a shell sharing the terminal)
  // shares, so they are put back when the entry goes. -1: nothing to restore.
  int lent_status_flags = -1;
  abi::Filetype type = abi::kFiletypeUnknown;
  bool is_tty = false;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  std::optional<std::string> preopen_name;  // set for preopened directories: the guest's name for them
  // For directories: the preopen this one was reached from (itself, for a preopen), by device and
  // inode, which survive the preopen's guest fd being closed. path_symlink measures how deep a new
  // link sits below it. 0/0: not known (a directory the embedder lent), the directory is its own root.
  dev_t root_dev = 0;
  ino_t root_ino = 0;
  // The guest-visible path this descriptor was opened as ("/sandbox/a/b"), lexically normalized. Only
  // used to derive stable inode numbers in deterministic mode; never used to reach the host file.
  std::string guest_path;
  // fd_readdir's snapshot of the directory, taken when a listing starts at cookie 0: cookies are
  // indices into it, so a guest walking with cookies sees a consistent listing.
  std::vector<DirEntry> dir_snapshot;
  bool has_snapshot = false;

  FdEntry() = default;
  FdEntry(const FdEntry&) = delete;
  FdEntry& operator=(const FdEntry&) = delete;
  ~FdEntry();
};

class FdTable {
 public:
  FdTable() = default;
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  // The entry for `fd`, or nullptr.
  FdEntry* find(uint32_t fd);
  // The entry for `fd` if it holds all of `base` and `inheriting`: EBADF for no such fd, ENOTCAPABLE
  // for missing rights (preview1's rule for every fd-taking function).
  abi::Errno get(uint32_t fd, uint64_t base, FdEntry*& out, uint64_t inheriting = 0);
  // Takes ownership; returns the new guest fd in `fd` (the lowest free number), or EMFILE.
  abi::Errno insert(std::unique_ptr<FdEntry> e, uint32_t& fd);
  // Places `e` at exactly `fd`, closing what was there (setup of stdio and preopens).
  void insert_at(uint32_t fd, std::unique_ptr<FdEntry> e);
  abi::Errno close(uint32_t fd);
  // fd_renumber: `to` must be open; it is closed and `from` moves there atomically.
  abi::Errno renumber(uint32_t from, uint32_t to);
  // Highest slot number + 1 (for iteration by other host APIs).
  uint32_t capacity() const { return uint32_t(slots_.size()); }

  static constexpr uint32_t kMaxFds = 1u << 16;

 private:
  std::vector<std::unique_ptr<FdEntry>> slots_;
};

// The preview1 filetype of a host stat mode; sockets need the fd to tell stream from datagram.
abi::Filetype filetype_from_mode(mode_t mode, int host_fd = -1);
// An entry describing an already-open host descriptor with the widest rights its type allows.
std::unique_ptr<FdEntry> entry_for_host_fd(int host_fd, bool owned);
// Rights that make sense for a descriptor of this type (the mask applied on path_open).
uint64_t rights_for_type(abi::Filetype t, bool is_tty);

// Host errno to preview1 errno (unknown values become EIO, never SUCCESS).
abi::Errno errno_from_host(int e);

}  // namespace wi::wasi
