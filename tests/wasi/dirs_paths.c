// path_* inside the sandbox and fd_readdir: mkdir/rmdir (EEXIST, ENOTEMPTY), unlink (EISDIR for a
// directory), rename of files and directories (also over an existing file), stat/lstat
// (path_filestat_get with and without symlink_follow), utimensat (path_filestat_set_times), hard links
// (path_link, nlink 2), symlinks (path_symlink, path_readlink, dangling links), open errors (EEXIST
// with O_EXCL, ENOTDIR, ENOENT, EISDIR), readdir through libc and through raw fd_readdir with a tiny
// buffer (cookies, truncated entries), and fd_prestat_get / fd_prestat_dir_name.
// node: differs only where uvwasi departs from POSIX or the spec: fd_prestat_get on a non-preopen is
// EINVAL (wi: EBADF, which is what ends wasi-libc's preopen scan), a short fd_prestat_dir_name buffer
// is ENOBUFS (wi: ENAMETOOLONG, as wasmtime), readlink into a short buffer fails with ENOBUFS (wi
// truncates, as POSIX readlink does), readlink of a regular file is EINVAL in both, O_NOFOLLOW on a
// symlink opens it (wi: ELOOP, as POSIX), fd_readdir on stdin is ENOENT (wi: ENOTCAPABLE, it lacks
// fd_readdir) and a bad buffer is EOVERFLOW (wi: EFAULT).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

// Sorted listing without "." and ".." (runtimes differ on those and on order).
static void list(const char* path) {
  DIR* d = opendir(path);
  if (!d) {
    printf("opendir %s: %s\n", path, strerror(errno));
    return;
  }
  char* names[64];
  int n = 0;
  struct dirent* de;
  while ((de = readdir(d)) && n < 64)
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
      names[n++] = strdup(de->d_name);
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("ls %s:", path);
  for (int i = 0; i < n; ++i) printf(" %s", names[i]), free(names[i]);
  printf("\n");
}

#define TRY(expr)                                                             \
  do {                                                                        \
    errno = 0;                                                                \
    int r_ = (int)(expr);                                                     \
    printf("%-50s -> %d%s%s\n", #expr, r_, r_ < 0 ? " " : "", r_ < 0 ? strerror(errno) : ""); \
  } while (0)

static void touch(const char* p, const char* text) {
  FILE* f = fopen(p, "w");
  fputs(text, f);
  fclose(f);
}

int main(void) {
  // The preopen as the guest sees it.
  __wasi_prestat_t ps;
  __wasi_errno_t e = __wasi_fd_prestat_get(3, &ps);
  char name[64] = {0};
  printf("fd_prestat_get(3): errno=%d tag=%d len=%u\n", e, ps.tag, (unsigned)ps.u.dir.pr_name_len);
  e = __wasi_fd_prestat_dir_name(3, (uint8_t*)name, ps.u.dir.pr_name_len);
  printf("fd_prestat_dir_name(3): errno=%d name=%s\n", e, name);
  printf("fd_prestat_get(0): errno=%d (4): errno=%d\n", __wasi_fd_prestat_get(0, &ps), __wasi_fd_prestat_get(4, &ps));
  printf("fd_prestat_dir_name short buffer: errno=%d\n", __wasi_fd_prestat_dir_name(3, (uint8_t*)name, 3));
  list("/sandbox");

  TRY(mkdir("/sandbox/d1", 0755));
  TRY(mkdir("/sandbox/d1", 0755));
  TRY(mkdir("/sandbox/d1/d2/", 0755));
  TRY(mkdir("/sandbox/nope/d3", 0755));
  touch("/sandbox/d1/f.txt", "file in d1\n");
  TRY(rmdir("/sandbox/d1"));
  TRY(rmdir("/sandbox/d1/f.txt"));
  TRY(unlink("/sandbox/d1/d2"));
  TRY(unlink("/sandbox/d1/f.txt/"));
  list("/sandbox/d1");

  struct stat st;
  TRY(stat("/sandbox/d1", &st));
  printf("  d1 is dir=%d\n", S_ISDIR(st.st_mode));
  TRY(stat("/sandbox/link_in", &st));
  printf("  link_in followed: regular=%d size=%lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
  TRY(lstat("/sandbox/link_in", &st));
  printf("  link_in itself: symlink=%d\n", S_ISLNK(st.st_mode));
  TRY(stat("/sandbox/missing", &st));
  TRY(stat("/sandbox/subdir/../hello.txt", &st));
  TRY(stat("/sandbox/.", &st));

  // Renames.
  TRY(rename("/sandbox/d1/f.txt", "/sandbox/d1/g.txt"));
  touch("/sandbox/d1/h.txt", "h\n");
  TRY(rename("/sandbox/d1/h.txt", "/sandbox/d1/g.txt"));
  TRY(rename("/sandbox/d1/d2", "/sandbox/d2moved"));
  TRY(rename("/sandbox/d1/missing", "/sandbox/d1/x"));
  TRY(rename("/sandbox/d1/g.txt", "/sandbox/d2moved/"));
  list("/sandbox/d1");
  list("/sandbox");

  // Hard links and symlinks.
  TRY(link("/sandbox/d1/g.txt", "/sandbox/d1/hard"));
  TRY(stat("/sandbox/d1/hard", &st));
  printf("  nlink=%d\n", (int)st.st_nlink);
  TRY(link("/sandbox/d1/g.txt", "/sandbox/d1/hard"));
  TRY(link("/sandbox/d2moved", "/sandbox/dirlink"));
  TRY(symlink("g.txt", "/sandbox/d1/sym"));
  TRY(symlink("nowhere", "/sandbox/d1/dangling"));
  char target[64] = {0};
  TRY(readlink("/sandbox/d1/sym", target, sizeof target));
  printf("  target=%s\n", target);
  memset(target, 0, sizeof target);
  TRY(readlink("/sandbox/d1/sym", target, 3));
  printf("  truncated=%s\n", target);
  TRY(readlink("/sandbox/d1/g.txt", target, sizeof target));
  TRY(open("/sandbox/d1/dangling", O_RDONLY));
  int fd = open("/sandbox/d1/sym", O_RDONLY);
  char buf[32] = {0};
  printf("read through symlink: %zd [%s]\n", read(fd, buf, sizeof buf - 1), buf);
  close(fd);
  TRY(open("/sandbox/d1/sym", O_RDONLY | O_NOFOLLOW));
  TRY(unlink("/sandbox/d1/sym"));
  TRY(unlink("/sandbox/d1/dangling"));

  // utimensat follows symlinks by default; AT_SYMLINK_NOFOLLOW touches the link itself.
  struct timespec ts[2] = {{5000, 0}, {6000, 0}};
  TRY(utimensat(AT_FDCWD, "/sandbox/d1/hard", ts, 0));
  TRY(stat("/sandbox/d1/g.txt", &st));
  printf("  g.txt mtime=%lld atime=%lld (shared inode with hard)\n", (long long)st.st_mtim.tv_sec, (long long)st.st_atim.tv_sec);
  struct timespec omit[2] = {{0, UTIME_OMIT}, {7000, 0}};
  TRY(utimensat(AT_FDCWD, "/sandbox/link_in", omit, 0));
  TRY(stat("/sandbox/hello.txt", &st));
  printf("  hello.txt mtime=%lld (through link_in)\n", (long long)st.st_mtim.tv_sec);
  TRY(utimensat(AT_FDCWD, "/sandbox/missing", ts, 0));

  // Open errors.
  TRY(open("/sandbox/d1/g.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
  TRY(open("/sandbox/d1/g.txt/x", O_RDONLY));
  TRY(open("/sandbox/d1/g.txt", O_RDONLY | O_DIRECTORY));
  TRY(open("/sandbox/d1/none", O_RDONLY));
  TRY(open("/sandbox/d1", O_WRONLY));
  fd = open("/sandbox/d1/new.txt", O_CREAT | O_EXCL | O_WRONLY, 0644);
  printf("O_CREAT|O_EXCL new file: ok=%d\n", fd >= 0);
  close(fd);
  fd = open("/sandbox/d1/g.txt", O_WRONLY | O_TRUNC);
  fstat(fd, &st);
  printf("O_TRUNC: size=%lld\n", (long long)st.st_size);
  close(fd);

  // Raw fd_readdir with a buffer smaller than one entry: cookies must walk every entry.
  for (int i = 0; i < 5; ++i) {
    char p[64];
    snprintf(p, sizeof p, "/sandbox/d2moved/entry_%d_with_a_long_name", i);
    touch(p, "x");
  }
  int dfd = open("/sandbox/d2moved", O_RDONLY | O_DIRECTORY);
  __wasi_dircookie_t cookie = 0;
  int entries = 0, rounds = 0;
  char dbuf[40];
  for (;;) {
    __wasi_size_t used = 0;
    e = __wasi_fd_readdir(dfd, (uint8_t*)dbuf, sizeof dbuf, cookie, &used);
    if (e || used == 0) break;
    ++rounds;
    __wasi_dirent_t de;
    memcpy(&de, dbuf, sizeof de);
    if (used >= sizeof de) {
      ++entries;
      cookie = de.d_next;
    }
    if (used < sizeof dbuf) break;
  }
  printf("fd_readdir with 40-byte buffer: errno=%d entries(incl . and ..)>=5=%d rounds>=5=%d\n", e, entries >= 5, rounds >= 5);
  __wasi_size_t used = 0;
  printf("fd_readdir bad buffer: errno=%d\n", __wasi_fd_readdir(dfd, (uint8_t*)0xfffffff0u, 64, 0, &used));
  printf("fd_readdir on a file: errno=%d\n", __wasi_fd_readdir(0, (uint8_t*)dbuf, sizeof dbuf, 0, &used));
  close(dfd);
  list("/sandbox/d2moved");

  // Clean up so the sandbox ends as it started.
  for (int i = 0; i < 5; ++i) {
    char p[64];
    snprintf(p, sizeof p, "/sandbox/d2moved/entry_%d_with_a_long_name", i);
    unlink(p);
  }
  TRY(rmdir("/sandbox/d2moved"));
  TRY(unlink("/sandbox/d1/g.txt"));
  TRY(unlink("/sandbox/d1/hard"));
  TRY(unlink("/sandbox/d1/new.txt"));
  TRY(rmdir("/sandbox/d1"));
  list("/sandbox");
  return 0;
}
