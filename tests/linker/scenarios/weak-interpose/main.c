// Weak symbols and interposition: the program's strong hook and tunable override the library's weak
// ones, also for the library's own uses; an unresolved weak reference is null. A --preload library
// comes before libweak in scope, so its strong_fn interposes for every other module; libweak's own
// calls to its strong (non-weak) strong_fn stay inside libweak, as with -Bsymbolic (docs/dyninfo.md).
#include <stdio.h>

void lib_report(const char *who);
const char *strong_fn(void);
const char *hook(void) { return "program's hook"; }
int tunable = 42;

int main(void) {
  lib_report("with program definitions");
  printf("main: strong_fn -> %s\n", strong_fn());
  return 0;
}
