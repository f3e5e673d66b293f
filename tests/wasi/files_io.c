// fd_* on regular files in the preopened /sandbox: create/write/read, fd_seek (all whences, errors),
// fd_tell, fd_pread/fd_pwrite, fd_filestat_get/set_size/set_times, fd_allocate, fd_advise, fd_sync,
// fd_datasync, fd_fdstat_get/set_flags (append), fd_fdstat_set_rights (rights only shrink),
// fd_renumber and fd_close. Raw calls print preview1 errno numbers.
// node: differs where uvwasi is lax or lossy: fd_allocate with length 0 succeeds (POSIX says EINVAL),
// futimens loses the nanoseconds, F_GETFL reports O_APPEND on a plain O_WRONLY open,
// fd_fdstat_set_flags(SYNC) "succeeds" without effect (wi: ENOTSUP = 58, Linux cannot add O_SYNC to
// an open file), and bad pointers are EOVERFLOW (61) not EFAULT (21). Everything else agrees.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static void contents(const char* path) {
  char buf[256] = {0};
  int fd = open(path, O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  printf("  %s: %zd bytes [", path, n);
  for (ssize_t i = 0; i < n; ++i) putchar(buf[i] == '\n' ? '|' : buf[i] ? buf[i] : '0');
  printf("]\n");
}

int main(void) {
  FILE* f = fopen("/sandbox/a.txt", "w");
  fprintf(f, "line one\nline two\n");
  fclose(f);
  f = fopen("/sandbox/a.txt", "r");
  char line[64];
  while (fgets(line, sizeof line, f)) printf("fgets: %s", line);
  fclose(f);

  int fd = open("/sandbox/b.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
  printf("open b.bin: fd>=3=%d\n", fd >= 3);
  printf("write: %zd\n", write(fd, "0123456789", 10));
  printf("lseek SET 2: %lld\n", (long long)lseek(fd, 2, SEEK_SET));
  char buf[32] = {0};
  printf("read 3: %zd [%.3s]\n", read(fd, buf, 3), buf);
  printf("lseek CUR +1: %lld\n", (long long)lseek(fd, 1, SEEK_CUR));
  printf("lseek END -2: %lld\n", (long long)lseek(fd, -2, SEEK_END));
  __wasi_filesize_t pos = 0;
  printf("fd_tell: errno=%d pos=%llu\n", __wasi_fd_tell(fd, &pos), (unsigned long long)pos);
  printf("lseek before start: %lld errno=%s\n", (long long)lseek(fd, -100, SEEK_SET), strerror(errno));
  printf("fd_seek bad whence: errno=%d\n", __wasi_fd_seek(fd, 0, 7, &pos));
  printf("pwrite at 20: %zd\n", pwrite(fd, "XY", 2, 20));
  memset(buf, 0, sizeof buf);
  printf("pread at 8: %zd\n", pread(fd, buf, 16, 8));
  printf("  bytes: %d %d %d %d %c%c\n", buf[0], buf[1], buf[2], buf[11], buf[12], buf[13]);
  printf("pread past EOF: %zd\n", pread(fd, buf, 4, 1000));
  printf("offset unchanged by pread/pwrite: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  struct stat st;
  fstat(fd, &st);
  printf("fstat: size=%lld regular=%d nlink=%d\n", (long long)st.st_size, S_ISREG(st.st_mode), (int)st.st_nlink);
  printf("ftruncate 5: %d\n", ftruncate(fd, 5));
  fstat(fd, &st);
  printf("  size=%lld\n", (long long)st.st_size);
  printf("posix_fallocate 0..4096: %d\n", posix_fallocate(fd, 0, 4096));
  fstat(fd, &st);
  printf("  size=%lld\n", (long long)st.st_size);
  printf("fd_allocate len 0: errno=%d\n", __wasi_fd_allocate(fd, 0, 0));
  printf("ftruncate back to 5: %d\n", ftruncate(fd, 5));
  printf("posix_fadvise SEQUENTIAL: %d\n", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));
  printf("fd_advise bad advice: errno=%d\n", __wasi_fd_advise(fd, 0, 0, 9));
  printf("fsync: %d fdatasync: %d\n", fsync(fd), fdatasync(fd));
  struct timespec times[2] = {{1000000000, 0}, {1234567890, 500}};
  printf("futimens: %d\n", futimens(fd, times));
  fstat(fd, &st);
  printf("  atime=%lld mtime=%lld.%09ld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  printf("fd_filestat_set_times ATIM|ATIM_NOW: errno=%d\n",
         __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  close(fd);
  contents("/sandbox/b.bin");

  // Append mode through fd_fdstat_set_flags, visible through fd_fdstat_get.
  fd = open("/sandbox/a.txt", O_WRONLY);
  int fl = fcntl(fd, F_GETFL);
  printf("F_GETFL append=%d\n", (fl & O_APPEND) != 0);
  printf("F_SETFL O_APPEND: %d\n", fcntl(fd, F_SETFL, fl | O_APPEND));
  printf("F_GETFL append=%d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  printf("write appended: %zd\n", write(fd, "three\n", 6));
  printf("fd_fdstat_set_flags SYNC: errno=%d\n", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
  close(fd);
  contents("/sandbox/a.txt");

  // Rights only shrink.
  fd = open("/sandbox/a.txt", O_RDWR);
  __wasi_fdstat_t fs;
  __wasi_errno_t e = __wasi_fd_fdstat_get(fd, &fs);
  printf("fd_fdstat_get: errno=%d filetype=%d can-read=%d can-write=%d can-seek=%d path-open=%d\n", e, fs.fs_filetype,
         (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) != 0, (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) != 0,
         (fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK) != 0, (fs.fs_rights_base & __WASI_RIGHTS_PATH_OPEN) != 0);
  e = __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, fs.fs_rights_inheriting);
  printf("drop FD_WRITE: errno=%d\n", e);
  ssize_t w = write(fd, "x", 1);
  printf("write without the right: %zd errno=%s\n", w, strerror(errno));
  printf("read still works: %zd\n", read(fd, buf, 4));
  e = __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base, fs.fs_rights_inheriting);
  printf("take FD_WRITE back: errno=%d\n", e);
  close(fd);

  // fd_renumber moves a descriptor onto another open one, closing the target.
  int fa = open("/sandbox/a.txt", O_RDONLY), fb = open("/sandbox/b.bin", O_RDONLY);
  e = __wasi_fd_renumber(fa, fb);
  printf("fd_renumber: errno=%d\n", e);
  memset(buf, 0, sizeof buf);
  printf("read via target: %zd [%.4s]\n", read(fb, buf, 4), buf);
  printf("source closed: read=%zd errno=%s\n", read(fa, buf, 1), strerror(errno));
  printf("fd_renumber onto closed fd: errno=%d\n", __wasi_fd_renumber(fb, 77));
  printf("fd_renumber same fd: errno=%d\n", __wasi_fd_renumber(fb, fb));
  printf("fd_close: errno=%d again: errno=%d\n", __wasi_fd_close(fb), __wasi_fd_close(fb));

  // Bad pointers are EFAULT (21); the host survives them.
  fd = open("/sandbox/a.txt", O_RDONLY);
  __wasi_iovec_t iov = {(uint8_t*)0xfffffff0u, 64};
  __wasi_size_t nread = 0;
  printf("fd_read into bad buffer: errno=%d\n", __wasi_fd_read(fd, &iov, 1, &nread));
  printf("fd_read bad iovec array: errno=%d\n", __wasi_fd_read(fd, (__wasi_iovec_t*)0xfffffffcu, 1, &nread));
  __wasi_ciovec_t ciov = {(const uint8_t*)16, 0xffffffffu};
  printf("fd_write ptr+len wraps: errno=%d\n", __wasi_fd_write(1, &ciov, 1, &nread));
  printf("fd_filestat_get bad ptr: errno=%d\n", __wasi_fd_filestat_get(fd, (__wasi_filestat_t*)0xffffffc0u));
  printf("fd_fdstat_get bad ptr: errno=%d\n", __wasi_fd_fdstat_get(fd, (__wasi_fdstat_t*)0xfffffff0u));
  printf("fd_tell bad ptr: errno=%d\n", __wasi_fd_tell(fd, (__wasi_filesize_t*)0xfffffffcu));
  close(fd);
  printf("fd_write on closed fd: errno=%d\n", __wasi_fd_write(fd, &ciov, 1, &nread));

  printf("unlink a.txt: %d b.bin: %d\n", unlink("/sandbox/a.txt"), unlink("/sandbox/b.bin"));
  return 0;
}
