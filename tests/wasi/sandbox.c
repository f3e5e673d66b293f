// Every way out of the preopen must be refused: `..`, absolute paths, symlinks already in the preopen
// that point out (relative, absolute, to a directory, dangling), symlinks the guest tries to create
// pointing out (to /etc, to ..: refused, so opening through them finds nothing), renames, links, mkdir/unlink/rmdir/symlink/utimensat/stat aimed outside, and malformed paths. Raw
// path_* calls on the preopen (fd 3) print preview1 errnos: ENOTCAPABLE = 76, ELOOP = 32, EINVAL = 28,
// EILSEQ = 25, ENOTDIR = 54. run_test.sh additionally checks that nothing outside changed.
// node: see the comment before main.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static const __wasi_fd_t kRoot = 3;  // the first preopen: /sandbox

static __wasi_errno_t raw_open(const char* path, __wasi_lookupflags_t follow, __wasi_oflags_t oflags, __wasi_fd_t* fd) {
  __wasi_fdstat_t st;
  (void)__wasi_fd_fdstat_get(kRoot, &st);
  __wasi_rights_t base = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET |
                         (oflags & __WASI_OFLAGS_CREAT ? __WASI_RIGHTS_FD_WRITE : 0);
  return __wasi_path_open(kRoot, follow, path, oflags, base & st.fs_rights_inheriting, 0, 0, fd);
}

static void try_open(const char* path) {
  __wasi_fd_t fd = 0;
  __wasi_errno_t follow = raw_open(path, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, &fd);
  if (!follow) (void)__wasi_fd_close(fd);
  __wasi_errno_t nofollow = raw_open(path, 0, 0, &fd);
  if (!nofollow) (void)__wasi_fd_close(fd);
  printf("path_open %-34s follow=%d nofollow=%d\n", path, follow, nofollow);
}

static void try_libc_open(const char* path) {
  errno = 0;
  int fd = open(path, O_RDONLY);
  printf("open() %-40s -> %s\n", path, fd >= 0 ? "OPENED" : strerror(errno));
  if (fd >= 0) close(fd);
}

// node: does NOT hold the sandbox (node 20.20's uvwasi): it follows the host-planted directory symlink
// `dir_link_out` out of the preopen — path_open of dir_link_out/secret.txt succeeds, path_rename moves
// hello.txt out through it, path_unlink_file deletes outside/secret.txt through it — and O_CREAT
// through a guest-made dangling symlink creates a file outside; run_test.sh's outside check then fails
// under node. Other differences: uvwasi refuses symlinks with absolute or escaping contents with EPERM
// or ENOTCAPABLE (wi: always ENOTCAPABLE), reports some escapes as ENOENT,
// opens a symlink itself without symlink_follow (wi: ELOOP as O_NOFOLLOW), and does not check paths
// for NUL or invalid UTF-8 (wi: EINVAL / EILSEQ).
int main(void) {
  // Sanity: inside is fine.
  try_open("hello.txt");
  try_open("subdir/../hello.txt");
  try_open("./subdir/nested.txt");
  try_open("link_in");
  // `..` and absolute paths.
  try_open("..");
  try_open("../outside/secret.txt");
  try_open("subdir/../../outside/secret.txt");
  try_open("subdir/../..");
  try_open("/etc/passwd");
  try_open("/");
  // Symlinks planted by the host that point out.
  try_open("link_out");
  try_open("abs_link");
  try_open("dir_link_out");
  try_open("dir_link_out/secret.txt");
  // Symlinks the guest creates.
  printf("symlink /etc -> etc_link: %d\n", __wasi_path_symlink("/etc", kRoot, "etc_link"));
  printf("symlink ../outside -> up: %d\n", __wasi_path_symlink("../outside", kRoot, "up"));
  printf("symlink subdir/../../outside -> up2: %d\n", __wasi_path_symlink("subdir/../../outside", kRoot, "up2"));
  printf("symlink loop a->b, b->a: %d %d\n", __wasi_path_symlink("loop_b", kRoot, "loop_a"),
         __wasi_path_symlink("loop_a", kRoot, "loop_b"));
  try_open("etc_link/passwd");
  try_open("up/secret.txt");
  try_open("up2/secret.txt");
  try_open("loop_a");
  __wasi_fd_t fd;
  printf("create through dir_link_out/: %d\n", raw_open("dir_link_out/created.txt", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW,
                                                          __WASI_OFLAGS_CREAT, &fd));
  // dangling_out is planted by run_test.sh (a guest can no longer make it): O_CREAT through it would
  // create outside/created.txt if the final symlink were followed out.
  printf("create through dangling link to outside: %d\n",
         raw_open("dangling_out", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_CREAT, &fd));
  char target[64] = {0};
  __wasi_size_t n = 0;
  printf("readlink etc_link: %d [%.*s]\n", __wasi_path_readlink(kRoot, "etc_link", (uint8_t*)target, sizeof target, &n),
         (int)n, target);

  // Through libc, which maps absolute paths onto preopens before the host sees them.
  try_libc_open("/sandbox/../outside/secret.txt");
  try_libc_open("/sandbox/link_out");
  try_libc_open("/etc/passwd");
  try_libc_open("/sandbox/etc_link/passwd");
  try_libc_open("/sandbox/up/secret.txt");

  // Mutations aimed outside.
  printf("rename out: %d\n", __wasi_path_rename(kRoot, "hello.txt", kRoot, "../outside/stolen.txt"));
  printf("rename via dir symlink: %d\n", __wasi_path_rename(kRoot, "hello.txt", kRoot, "dir_link_out/stolen.txt"));
  printf("rename in from outside: %d\n", __wasi_path_rename(kRoot, "../outside/secret.txt", kRoot, "got.txt"));
  printf("rename(libc) out: %d %s\n", rename("/sandbox/hello.txt", "/sandbox/../outside/x"), strerror(errno));
  printf("link out: %d\n", __wasi_path_link(kRoot, 0, "hello.txt", kRoot, "../outside/hard"));
  printf("link in from outside: %d\n", __wasi_path_link(kRoot, 0, "../outside/secret.txt", kRoot, "hard"));
  printf("link following link_out: %d\n", __wasi_path_link(kRoot, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_out", kRoot, "hard2"));
  printf("mkdir out: %d\n", __wasi_path_create_directory(kRoot, "../outside/newdir"));
  printf("mkdir via symlink: %d\n", __wasi_path_create_directory(kRoot, "dir_link_out/newdir"));
  printf("unlink out: %d\n", __wasi_path_unlink_file(kRoot, "../outside/secret.txt"));
  printf("unlink via symlink: %d\n", __wasi_path_unlink_file(kRoot, "dir_link_out/secret.txt"));
  printf("rmdir out: %d\n", __wasi_path_remove_directory(kRoot, "../outside"));
  printf("rmdir ..: %d\n", __wasi_path_remove_directory(kRoot, ".."));
  printf("rmdir subdir/..: %d\n", __wasi_path_remove_directory(kRoot, "subdir/.."));
  printf("unlink subdir/../..: %d\n", __wasi_path_unlink_file(kRoot, "subdir/../.."));
  printf("rename .. away: %d\n", __wasi_path_rename(kRoot, "..", kRoot, "x"));
  printf("symlink placed outside: %d\n", __wasi_path_symlink("x", kRoot, "../outside/link"));
  __wasi_filestat_t fs;
  printf("stat link_out follow: %d nofollow: %d type=%d\n",
         __wasi_path_filestat_get(kRoot, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_out", &fs),
         __wasi_path_filestat_get(kRoot, 0, "link_out", &fs), fs.filetype);
  printf("stat ..: %d\n", __wasi_path_filestat_get(kRoot, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "..", &fs));
  printf("stat /etc: %d\n", __wasi_path_filestat_get(kRoot, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "/etc", &fs));
  printf("utimes through link_out: %d\n",
         __wasi_path_filestat_set_times(kRoot, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link_out", 1, 1,
                                        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  printf("utimes ../outside/secret.txt: %d\n",
         __wasi_path_filestat_set_times(kRoot, 0, "../outside/secret.txt", 1, 1, __WASI_FSTFLAGS_MTIM));
  printf("readlink ../outside: %d\n", __wasi_path_readlink(kRoot, "../outside", (uint8_t*)target, sizeof target, &n));

  // Malformed paths and wrong descriptors (raw imports take (ptr, len): build them by hand).
  __attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) extern int32_t raw_path_open(
      int32_t, int32_t, const char*, int32_t, int32_t, int64_t, int64_t, int32_t, __wasi_fd_t*);
  printf("NUL inside path: %d\n", raw_path_open(kRoot, 1, "hello.txt\0/../../x", 18, 0, 2, 0, 0, &fd));
  printf("invalid UTF-8: %d\n", raw_path_open(kRoot, 1, "\xff\xfe.txt", 6, 0, 2, 0, 0, &fd));
  printf("empty path: %d\n", raw_path_open(kRoot, 1, "", 0, 0, 2, 0, 0, &fd));
  printf("path pointer out of bounds: %d\n", raw_path_open(kRoot, 1, (const char*)0xfffffff0u, 64, 0, 2, 0, 0, &fd));
  printf("file as directory fd: %d\n", __wasi_path_open(1, 1, "x", 0, 2, 0, 0, &fd));
  printf("bad directory fd: %d\n", __wasi_path_open(99, 1, "x", 0, 2, 0, 0, &fd));
  // A directory opened with fewer inheriting rights cannot grant more.
  __wasi_fd_t sub;
  printf("open subdir: %d\n", __wasi_path_open(kRoot, 1, "subdir", __WASI_OFLAGS_DIRECTORY,
                                               __WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR,
                                               __WASI_RIGHTS_FD_READ, 0, &sub));
  printf("read-only child of it: %d\n", __wasi_path_open(sub, 1, "nested.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  printf("writable child of it: %d\n", __wasi_path_open(sub, 1, "nested.txt", 0, __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
  printf("create in it without path_create_file: %d\n",
         __wasi_path_open(sub, 1, "new.txt", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  printf("escape from it: %d\n", __wasi_path_open(sub, 1, "../hello.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));

  // Clean up what the guest created inside.
  const char* mine[] = {"etc_link", "up", "up2", "loop_a", "loop_b", "dangling_out"};
  for (unsigned i = 0; i < sizeof mine / sizeof mine[0]; ++i) (void)__wasi_path_unlink_file(kRoot, mine[i]);
  return 0;
}
