// thinthin.syscall at its edges: open(O_CREAT) with set-user-ID, set-group-ID and sticky bits in the
// mode creates a file with permission bits only (the umask applied; cmd checks with stat), a path of
// 5000 bytes is ENAMETOOLONG (not EFAULT: it is in bounds), anonymous mmap keeps returning the start of
// the new region after memory passes 2 GiB, and brk to an address that rounds up to 4 GiB is refused
// with the old break.
#include <stdio.h>
#include <string.h>

__attribute__((import_module("thinthin"), import_name("syscall")))
long sys(long n, long a, long b, long c, long d, long e, long f);

enum { SYS_open = 2, SYS_close = 3, SYS_mmap = 9, SYS_brk = 12 };
enum { O_WRONLY = 1, O_CREAT = 0100 };

static char long_path[5001];

int main(void) {
  long fd = sys(SYS_open, (long)"/sandbox/made", O_WRONLY | O_CREAT, 07777, 0, 0, 0);
  printf("open(O_CREAT, 07777): %s\n", fd >= 0 ? "created" : "failed");
  sys(SYS_close, fd, 0, 0, 0, 0, 0);

  memset(long_path, 'a', 5000);
  memcpy(long_path, "/sandbox/", 9);
  printf("open of a 5000-byte path: %ld (-36 is ENAMETOOLONG)\n", sys(SYS_open, (long)long_path, 0, 0, 0, 0, 0));

  for (int i = 0; i < 3; ++i) {
    unsigned long end = (unsigned long)sys(SYS_brk, 0, 0, 0, 0, 0, 0);
    unsigned long got = (unsigned long)sys(SYS_mmap, 0, 768ul << 20, 3, 0x22, -1, 0);
    printf("mmap of 768 MiB #%d: %s, region %s 2 GiB\n", i + 1, got == end ? "starts at the old end" : "WRONG",
           got + (768ul << 20) > 0x80000000ul ? "reaches past" : "below");
  }
  unsigned long end = (unsigned long)sys(SYS_brk, 0, 0, 0, 0, 0, 0);
  unsigned long after = (unsigned long)sys(SYS_brk, 0xfffffff0ul, 0, 0, 0, 0, 0);
  printf("brk(0xfffffff0): %s\n", after == end ? "refused, old break returned" : "moved?");
  printf("mmap of all that is left up to 4 GiB: %ld (-12 is ENOMEM)\n",
         sys(SYS_mmap, 0, (long)(0u - (unsigned)end), 3, 0x22, -1, 0));
  return 0;
}
