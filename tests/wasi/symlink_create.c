// path_symlink refuses contents that could only resolve outside the preopen: absolute targets ("/",
// "/etc") and relative ones whose `..` climb above it, counted from the directory the link is created
// in — whether that directory is named by a path below the preopen or by a descriptor opened on it.
// Links that stay inside are created and work; refused ones do not exist afterwards. Prints preview1 errnos (ENOTCAPABLE = 76, ENOENT = 44).
// The official wasi-testsuite's symlink_create expects the "/" case to fail, as wasmtime does.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static const __wasi_fd_t kRoot = 3;  // the first preopen: /sandbox

static void try_symlink(__wasi_fd_t dir, const char* dir_name, const char* target, const char* link) {
  printf("symlink %-28s as %s/%-10s -> %d\n", target, dir_name, link, __wasi_path_symlink(target, dir, link));
}

// Opens `path` under `dir` following symlinks and prints the first line read, or the errno.
static void read_through(__wasi_fd_t dir, const char* dir_name, const char* path) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  char buf[64] = {0};
  size_t n = 0;
  if (!e) {
    __wasi_iovec_t iov = {(uint8_t*)buf, sizeof buf - 1};
    e = __wasi_fd_read(fd, &iov, 1, &n);
    (void)__wasi_fd_close(fd);
  }
  if (n && buf[n - 1] == '\n') buf[n - 1] = 0;
  printf("read %s/%s -> %d [%s]\n", dir_name, path, e, buf);
}

int main(void) {
  // Absolute contents: nothing beneath the preopen.
  try_symlink(kRoot, ".", "/", "root_link");
  try_symlink(kRoot, ".", "/etc", "etc_link");
  try_symlink(kRoot, ".", "/sandbox/hello.txt", "abs_in");
  // Relative contents, link at the top of the preopen: no `..` above it.
  try_symlink(kRoot, ".", "..", "up");
  try_symlink(kRoot, ".", "../outside/secret.txt", "up_file");
  try_symlink(kRoot, ".", "subdir/../../outside", "up2");
  try_symlink(kRoot, ".", "subdir/../hello.txt", "in1");
  try_symlink(kRoot, ".", "./subdir//nested.txt", "in2");
  try_symlink(kRoot, ".", "missing/..", "in3");  // dangling but inside: allowed
  // A link one level down may climb one level.
  try_symlink(kRoot, ".", "../hello.txt", "subdir/up_ok");
  try_symlink(kRoot, ".", "../../outside/secret.txt", "subdir/up_bad");
  try_symlink(kRoot, ".", "../subdir/../../hello.txt", "subdir/up_bad2");
  // The same through a descriptor opened on the subdirectory: its depth below the preopen counts.
  __wasi_fd_t sub;
  printf("open subdir: %d\n", __wasi_path_open(kRoot, 0, "subdir", __WASI_OFLAGS_DIRECTORY,
                                               __WASI_RIGHTS_PATH_SYMLINK | __WASI_RIGHTS_PATH_OPEN,
                                               __WASI_RIGHTS_FD_READ, 0, &sub));
  try_symlink(sub, "<subdir fd>", "../hello.txt", "via_fd_ok");
  try_symlink(sub, "<subdir fd>", "../subdir/../link_in", "via_fd_ok2");
  try_symlink(sub, "<subdir fd>", "../..", "via_fd_bad");
  try_symlink(sub, "<subdir fd>", "/", "via_fd_abs");
  // What was created works; what was refused does not exist.
  read_through(kRoot, ".", "in1");
  read_through(kRoot, ".", "in2");
  read_through(kRoot, ".", "subdir/up_ok");
  read_through(kRoot, ".", "subdir/via_fd_ok");
  read_through(kRoot, ".", "subdir/via_fd_ok2");
  // Every descriptor confines lookups beneath itself: from the subdirectory's fd the same link climbs
  // out of what that fd grants (ENOTCAPABLE), although creating it there was allowed.
  read_through(sub, "<subdir fd>", "via_fd_ok");
  read_through(kRoot, ".", "root_link");
  read_through(kRoot, ".", "up_file");
  read_through(sub, "<subdir fd>", "via_fd_bad");
  char target[64] = {0};
  __wasi_size_t n = 0;
  printf("readlink subdir/up_ok: %d [%.*s]\n",
         __wasi_path_readlink(kRoot, "subdir/up_ok", (uint8_t*)target, sizeof target, &n), (int)n, target);
  return 0;
}
