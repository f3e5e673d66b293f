// Reads its standard input while `wi debug --commands FILE` takes the debugger's commands from FILE
// (tests/debug/sessions/stdin.session): the guest gets all of stdin, the debugger none of it.
#include <ctype.h>
#include <stdio.h>

static int shout(char* line) {
  int n = 0;
  for (char* p = line; *p; ++p, ++n) *p = (char)toupper((unsigned char)*p);
  return n;
}

int main(void) {
  char line[128];
  int lines = 0;
  while (fgets(line, sizeof line, stdin)) {
    int n = shout(line);
    printf("%d: %s", n, line);
    ++lines;
  }
  printf("%d lines\n", lines);
  return 0;
}
