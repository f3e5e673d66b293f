// The input format of tests/fuzz/fuzz_wasi.cc, shared with the seed writer (fuzz_seeds.cc). An input
// is a flags byte (bit 0: the sandbox's portable walk instead of openat2), then operations:
//   op < kOpMemWrite: call kFunctions[op % size] with one argument per parameter, each a selector
//     byte and a value byte (kSelU32 then reads 4 more bytes, kSelU64 8), and for an i32 parameter one
//     more byte that becomes garbage in the slot's high half;
//   op >= kOpMemWrite: u32 offset, u8 length, that many bytes written into guest memory.
// Policy: any byte string is an input (reads past the end are zero); kFunctions and kPathTable only
// grow at their ends, so kept regression inputs keep their meaning.
#pragma once
#include <cstdint>
#include <cstddef>
#include <iterator>

namespace wi::fuzz {

inline constexpr uint8_t kOpMemWrite = 0xf0;

enum Selector : uint8_t {
  kSelByte,     // the value byte itself
  kSelFd,       // value % 12: stdio (absent), the preopens 3 and 4, descriptors the input opened
  kSelWork,     // a pointer into the work area: kWork + 64 * value
  kSelEdge,     // an edge value: 0, memory size +-, 2^31, 2^32 - 1, ...
  kSelU32,      // four more bytes
  kSelPath,     // a pointer to kPathTable[value % size]; its length becomes the pending length
  kSelPathLen,  // the pending length (+ value / 4 when value % 4 == 0: a length past the string)
  kSelIovecs,   // one of the prepared iovec arrays (good, straddling the end, wrapping 2^32, empty)
  kSelSubs,     // one of the prepared poll_oneoff subscriptions (clock, fd_read 3, fd_write 5)
  kSelU64,      // eight more bytes
  kNumSelectors
};

inline const char* const kFunctions[] = {
    "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
    "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
    "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
    "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
    "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get", "path_filestat_set_times",
    "path_link", "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
    "path_unlink_file", "poll_oneoff", "proc_exit", "proc_raise", "sched_yield", "random_get", "sock_accept",
    "sock_recv", "sock_send", "sock_shutdown"};
inline const char* const kPathTable[] = {
    "file.txt", "sub", "sub/up_link", "out_link", "abs_link", "abs_link/secret.txt", "dir_link",
    "dir_link/secret.txt", "../outside/secret.txt", "..", ".", "/", "/sandbox/file.txt", "new", "new/",
    "sub/../new2", "sub/../../outside/new", "new_link", "new_link/x", "a/b/c", "file.txt/", "sub/.",
    "", "secret.txt", "../sandbox/file.txt", "sub/up_link/", "loop", "loop/x", "out_dir_link/inner"};
inline constexpr size_t kNumFunctions = std::size(kFunctions);
inline constexpr size_t kNumPaths = std::size(kPathTable);

}  // namespace wi::fuzz
