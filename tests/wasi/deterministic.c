// Everything a guest could learn from the host that changes between runs: clock readings (all four
// clocks, through libc and raw), clock resolutions, sleeping, random bytes (getentropy, arc4random and
// raw random_get; wasi-libc has no getrandom), and file metadata (device, inode and times of a host
// file, of the preopen, of a file the guest creates, and readdir's d_ino). Run by deterministic.sh:
// under `wi exec --deterministic` two runs print byte-identical output (even in different fixture
// directories, whose files have different host inodes and times), and another --seed changes only the
// lines starting with "random".
// node: skip (checks wi's --deterministic; node has no such mode).
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static void print_stat(const char* what, int r, const struct stat* st) {
  printf("stat %-22s r=%d dev=%llu ino=%llu nlink=%llu size=%lld atime=%lld.%09ld mtime=%lld.%09ld ctime=%lld.%09ld\n",
         what, r, (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
         (unsigned long long)st->st_nlink, (long long)st->st_size, (long long)st->st_atim.tv_sec,
         st->st_atim.tv_nsec, (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
         (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

static void print_hex(const char* what, const unsigned char* p, size_t n) {
  printf("random %s:", what);
  for (size_t i = 0; i < n; ++i) printf("%02x", p[i]);
  printf("\n");
}

int main(void) {
  static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                     CLOCK_THREAD_CPUTIME_ID};
  static const char* names[] = {"realtime", "monotonic", "process_cputime", "thread_cputime"};
  for (int i = 0; i < 4; ++i) {
    struct timespec res = {0, 0}, a = {0, 0}, b = {0, 0};
    int r1 = clock_getres(clocks[i], &res);
    int r2 = clock_gettime(clocks[i], &a);
    int r3 = clock_gettime(clocks[i], &b);
    printf("clock %-16s getres=%d res=%lld.%09ld gettime=%d,%d t1=%lld.%09ld t2=%lld.%09ld\n", names[i], r1,
           (long long)res.tv_sec, res.tv_nsec, r2, r3, (long long)a.tv_sec, a.tv_nsec, (long long)b.tv_sec,
           b.tv_nsec);
  }
  __wasi_timestamp_t raw = 0;
  __wasi_errno_t e = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &raw);
  printf("clock raw monotonic errno=%d ns=%llu\n", e, (unsigned long long)raw);
  struct timeval tv;
  gettimeofday(&tv, 0);
  printf("clock gettimeofday=%lld.%06ld time=%lld\n", (long long)tv.tv_sec, (long)tv.tv_usec, (long long)time(0));

  // Sleeping: nanosleep and poll_oneoff's clock subscription; the clock moves by the sleep.
  struct timespec before, after, req = {0, 50 * 1000000};
  clock_gettime(CLOCK_MONOTONIC, &before);
  int ns = nanosleep(&req, 0);
  clock_gettime(CLOCK_MONOTONIC, &after);
  printf("clock nanosleep(50ms)=%d before=%lld.%09ld after=%lld.%09ld\n", ns, (long long)before.tv_sec,
         before.tv_nsec, (long long)after.tv_sec, after.tv_nsec);

  unsigned char buf[24];
  memset(buf, 0, sizeof buf);
  printf("getentropy=%d\n", getentropy(buf, sizeof buf));
  print_hex("getentropy", buf, sizeof buf);
  printf("random arc4random:");
  for (int i = 0; i < 4; ++i) printf(" %08x", (unsigned)arc4random());
  printf("\n");
  printf("random arc4random_uniform(1000000): %u\n", (unsigned)arc4random_uniform(1000000));
  memset(buf, 0, sizeof buf);
  e = __wasi_random_get(buf, 13);
  printf("errno of random_get=%d\n", e);
  print_hex("random_get", buf, 13);

  struct stat st;
  memset(&st, 0, sizeof st);
  print_stat("/sandbox/hello.txt", stat("/sandbox/hello.txt", &st), &st);
  memset(&st, 0, sizeof st);
  print_stat("/sandbox", stat("/sandbox", &st), &st);
  memset(&st, 0, sizeof st);
  print_stat("/sandbox/subdir/..", stat("/sandbox/subdir/..", &st), &st);
  int fd = open("/sandbox/hello.txt", O_RDONLY);
  memset(&st, 0, sizeof st);
  print_stat("fstat(hello.txt)", fstat(fd, &st), &st);
  close(fd);

  // A file created now: its host inode and times are new on every run.
  FILE* f = fopen("/sandbox/created.txt", "w");
  fputs("made by the guest\n", f);
  fclose(f);
  memset(&st, 0, sizeof st);
  print_stat("/sandbox/created.txt", stat("/sandbox/created.txt", &st), &st);
  // stdout (a file in the tests): its size is the length of the output so far, which depends on the
  // random numbers printed above, so it is left out.
  memset(&st, 0, sizeof st);
  int r = fstat(1, &st);
  st.st_size = 0;
  print_stat("stdout", r, &st);

  // Directory entries, sorted by name (host order is not part of the contract).
  char lines[32][128];
  int n = 0;
  DIR* d = opendir("/sandbox");
  struct dirent* de;
  while (d && (de = readdir(d)) && n < 32)
    snprintf(lines[n++], sizeof lines[0], "dirent %-14s ino=%llu", de->d_name, (unsigned long long)de->d_ino);
  if (d) closedir(d);
  qsort(lines, n, sizeof lines[0], (int (*)(const void*, const void*))strcmp);
  for (int i = 0; i < n; ++i) printf("%s\n", lines[i]);
  return 0;
}
