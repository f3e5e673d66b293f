// A library outside the sandbox: its constructor must run only when the user allowed it (--lib-path).
#include <stdio.h>
__attribute__((constructor)) static void init(void) { puts("libhost: constructor ran"); }
int host_value(void) { return 7; }
