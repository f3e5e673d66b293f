// Reading stdin (fd_read on fd 0): line by line with fgets, then the rest with fread/getchar, then EOF.
// STDIN: stdin.input
// node: agrees.
#include <stdio.h>
#include <string.h>

int main(void) {
  char line[256];
  int lines = 0;
  for (int i = 0; i < 3 && fgets(line, sizeof line, stdin); ++i) {
    line[strcspn(line, "\n")] = 0;
    printf("line %d: [%s] (%zu bytes)\n", ++lines, line, strlen(line));
  }
  int c = getchar();
  printf("getchar: '%c'\n", c);
  ungetc(c, stdin);
  static char rest[100000];
  size_t n = fread(rest, 1, sizeof rest, stdin);
  unsigned long sum = 0;
  int newlines = 0;
  for (size_t i = 0; i < n; ++i) sum += (unsigned char)rest[i], newlines += rest[i] == '\n';
  printf("fread: %zu bytes, %d newlines, byte sum %lu\n", n, newlines, sum);
  printf("eof=%d getchar-after-eof=%d\n", feof(stdin) != 0, getchar());
  int x;
  printf("scanf after eof: %d\n", scanf("%d", &x));
  return 0;
}
