// The everyday program the "done when" names: stdio, malloc, files and math together, in
// the preopened /sandbox. Writes a table of libm values through fprintf into a new file, reads it back
// with fgets and sscanf, seeks and tells, appends, renames, lists the directory (sorted), sums a
// malloc'd and qsorted array, and removes what it created. Only portable behaviour, no error-code
// corner cases, so every WASI implementation must print exactly the same.
// node: agrees.
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return (x > y) - (x < y);
}

static int cmp_str(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(void) {
  // A table of math results, written with stdio into a new file.
  FILE* f = fopen("/sandbox/table.txt", "w");
  if (!f) { printf("fopen: %s\n", strerror(errno)); return 1; }
  for (int i = 1; i <= 8; ++i) {
    double x = i * 0.75;
    fprintf(f, "%d %.10f %.10f %.10e %.6g\n", i, sqrt(x), log(x), exp(x), sin(x) * cos(x));
  }
  printf("wrote %ld bytes\n", ftell(f));
  fclose(f);

  // Read it back line by line and parse it.
  f = fopen("/sandbox/table.txt", "r");
  char line[128];
  double sum_sqrt = 0, sum_exp = 0;
  int lines = 0;
  while (fgets(line, sizeof line, f)) {
    int i;
    double s, l, e, sc;
    if (sscanf(line, "%d %lf %lf %lf %lf", &i, &s, &l, &e, &sc) == 5) {
      sum_sqrt += s;
      sum_exp += e;
      ++lines;
    }
  }
  printf("read %d lines: sum sqrt=%.8f sum exp=%.6e\n", lines, sum_sqrt, sum_exp);

  // Seek to the third line, read it, then to 10 bytes before the end.
  rewind(f);
  for (int k = 0; k < 2; ++k) fgets(line, sizeof line, f);
  long third = ftell(f);
  fgets(line, sizeof line, f);
  printf("line 3 at %ld: %s", third, line);
  fseek(f, -10, SEEK_END);
  size_t n = fread(line, 1, sizeof line - 1, f);
  line[n] = 0;
  printf("last %zu bytes: [%.*s]\n", n, (int)n - 1, line);
  fclose(f);

  // Append, then check the size with stat.
  f = fopen("/sandbox/table.txt", "a");
  fputs("# end of table\n", f);
  fclose(f);
  struct stat st;
  stat("/sandbox/table.txt", &st);
  printf("size after append: %lld\n", (long long)st.st_size);

  // Rename it and make a directory beside it; list the sandbox.
  printf("rename: %d\n", rename("/sandbox/table.txt", "/sandbox/results.txt"));
  printf("mkdir: %d\n", mkdir("/sandbox/out", 0755));
  printf("old name gone: %d\n", access("/sandbox/table.txt", F_OK) != 0);
  DIR* d = opendir("/sandbox");
  char* names[64];
  int count = 0;
  struct dirent* de;
  while ((de = readdir(d)) && count < 64)
    if (de->d_name[0] != '.') names[count++] = strdup(de->d_name);
  closedir(d);
  qsort(names, count, sizeof names[0], cmp_str);
  printf("sandbox:");
  for (int i = 0; i < count; ++i) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");

  // malloc'd data, sorted with qsort, summed.
  int len = 5000;
  double* v = malloc(len * sizeof *v);
  for (int i = 0; i < len; ++i) v[i] = fmod(i * 7919.0, 1000.0) / 7.0 - 50.0;
  qsort(v, len, sizeof *v, cmp_double);
  double total = 0;
  for (int i = 0; i < len; ++i) total += v[i];
  printf("sorted: min=%.6f median=%.6f max=%.6f total=%.6f\n", v[0], v[len / 2], v[len - 1], total);
  free(v);

  // Clean up.
  printf("unlink: %d rmdir: %d\n", unlink("/sandbox/results.txt"), rmdir("/sandbox/out"));
  return 0;
}
