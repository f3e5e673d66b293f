// Weak and strong definitions a program may interpose on. lib_report calls each through its symbol,
// so the library sees the program's definitions where they win.
#include <stdio.h>

__attribute__((weak)) const char *hook(void) { return "library's weak hook"; }
const char *strong_fn(void) { return "library's strong_fn"; }
__attribute__((weak)) const char *never_overridden(void) { return "library's weak default"; }
__attribute__((weak)) int tunable = 1;  // weak data
__attribute__((weak)) extern int optional_feature(void);  // defined nowhere: a null pointer

void lib_report(const char *who) {
  printf("%s: hook -> %s\n", who, hook());
  printf("%s: strong_fn -> %s\n", who, strong_fn());
  printf("%s: never_overridden -> %s\n", who, never_overridden());
  printf("%s: tunable = %d\n", who, tunable);
  printf("%s: optional_feature is %s\n", who, optional_feature ? "defined" : "null");
}
