// The original loader's thinthin.syscall with x86-64 Linux numbers: write/writev to stdout, open and
// read a file inside a --dir preopen (and the same descriptor read through WASI's read()), the
// sandbox refusing a path outside it, lseek, brk and anonymous mmap growing the shared memory while
// malloc keeps working, getpid, an unknown call, and exit_group ending the program with its code.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((import_module("thinthin"), import_name("syscall")))
long sys(long n, long a, long b, long c, long d, long e, long f);

enum { SYS_read = 0, SYS_write = 1, SYS_open = 2, SYS_close = 3, SYS_lseek = 8, SYS_mmap = 9, SYS_brk = 12,
       SYS_writev = 20, SYS_getpid = 39, SYS_exit_group = 231, SYS_openat = 257 };

struct iov { const void *base; unsigned long len; };

int main(void) {
  static const char hi[] = "write(1) says hi\n";
  long n = sys(SYS_write, 1, (long)hi, sizeof hi - 1, 0, 0, 0);
  struct iov v[2] = {{"writev ", 7}, {"works\n", 6}};
  long m = sys(SYS_writev, 1, (long)v, 2, 0, 0, 0);
  printf("write returned %ld, writev returned %ld\n", n, m);

  long fd = sys(SYS_open, (long)"/data/note.txt", 0 /* O_RDONLY */, 0, 0, 0, 0);
  char buf[64] = {0};
  long r = sys(SYS_read, fd, (long)buf, 5, 0, 0, 0);
  printf("open -> fd %s, read %ld bytes: '%s'\n", fd > 2 ? "ok" : "bad", r, buf);
  memset(buf, 0, sizeof buf);
  long r2 = read((int)fd, buf, sizeof buf - 1);  // the same descriptor through WASI
  printf("WASI read continues: %ld bytes: '%s'\n", r2, buf);
  printf("lseek to 2: %ld\n", sys(SYS_lseek, fd, 2, 0 /* SEEK_SET */, 0, 0, 0));
  printf("close: %ld, close again: %ld\n", sys(SYS_close, fd, 0, 0, 0, 0, 0), sys(SYS_close, fd, 0, 0, 0, 0, 0));
  printf("open outside the sandbox: %ld\n", sys(SYS_open, (long)"/etc/passwd", 0, 0, 0, 0, 0));
  printf("open escaping with ..: %ld\n", sys(SYS_open, (long)"/data/../../x", 0, 0, 0, 0, 0));
  printf("openat(AT_FDCWD) missing file: %ld\n", sys(SYS_openat, -100, (long)"/data/none", 0, 0, 0, 0));

  unsigned long brk0 = sys(SYS_brk, 0, 0, 0, 0, 0, 0);
  unsigned long brk1 = sys(SYS_brk, brk0 + 100000, 0, 0, 0, 0, 0);
  printf("brk grows: %s, page-aligned: %s\n", brk1 >= brk0 + 100000 ? "yes" : "no", brk1 % 65536 == 0 ? "yes" : "no");
  char *map = (char *)sys(SYS_mmap, 0, 70000, 3, 0x22 /* PRIVATE|ANONYMOUS */, -1, 0);
  map[69999] = 'x';
  printf("mmap at the old end of memory: %s\n", (unsigned long)map >= brk1 ? "yes" : "no");
  char *p = malloc(200000);  // malloc grows past what brk/mmap took
  memset(p, 1, 200000);
  printf("malloc after them: %s\n", (p + 200000 <= map || p >= map + 70000) ? "does not overlap" : "OVERLAPS");
  printf("file mmap: %ld\n", sys(SYS_mmap, 0, 4096, 1, 2, 0, 0));
  printf("getpid: %ld, unknown syscall 999: %ld\n", sys(SYS_getpid, 0, 0, 0, 0, 0, 0), sys(999, 0, 0, 0, 0, 0, 0));
  fflush(stdout);
  sys(SYS_exit_group, 9, 0, 0, 0, 0, 0);
  puts("not reached");
  return 0;
}
