// The program `wi exec --record` and `--replay` are tested on (run_replay.sh): it takes in everything a
// run can get from outside — stdin, both clocks, random bytes, its arguments and environment, a file
// under a --dir preopen and its metadata — prints all of it to stdout (so two live runs never print the
// same), writes a file in the preopen, says something on stderr and exits with status 3.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
  char buf[256];
  size_t total = 0;
  unsigned long sum = 0;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    for (size_t i = 0; i < n; ++i) sum = sum * 31 + (unsigned char)buf[i];
    total += n;
  }
  printf("stdin %zu bytes, hash %lu\n", total, sum);

  struct timespec rt, mono;
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_MONOTONIC, &mono);
  printf("clock realtime %lld.%09ld monotonic %lld.%09ld\n", (long long)rt.tv_sec, rt.tv_nsec,
         (long long)mono.tv_sec, mono.tv_nsec);

  unsigned char rnd[16];
  if (getentropy(rnd, sizeof rnd) != 0) return 10;
  printf("random ");
  for (size_t i = 0; i < sizeof rnd; ++i) printf("%02x", rnd[i]);
  printf("\n");

  for (int i = 0; i < argc; ++i) printf("arg %d %s\n", i, argv[i]);
  for (char** e = environ; *e; ++e)
    if (strncmp(*e, "REPLAY_", 7) == 0) printf("env %s\n", *e);

  FILE* f = fopen("/sandbox/input.txt", "r");
  if (!f) {
    printf("no /sandbox/input.txt\n");
    return 11;
  }
  while (fgets(buf, sizeof buf, f)) printf("file: %s", buf);
  fclose(f);
  struct stat st;
  if (stat("/sandbox/input.txt", &st) == 0)
    printf("stat size %lld ino %llu mtime %lld\n", (long long)st.st_size, (unsigned long long)st.st_ino,
           (long long)st.st_mtim.tv_sec);

  FILE* out = fopen("/sandbox/output.txt", "w");
  if (!out) return 12;
  fprintf(out, "written at %lld\n", (long long)rt.tv_sec);
  fclose(out);

  fprintf(stderr, "replay.c: done\n");
  return 3;
}
