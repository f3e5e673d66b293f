// A plugin loaded at run time: data, a function, a constructor, and a call back into the program.
#include <stdio.h>

int host_version(void);  // defined by the program
int plugin_counter = 100;
static int constructed;
__attribute__((constructor)) static void plugin_init(void) { constructed = 1; }

int plugin_work(int x) {
  plugin_counter += x;
  return x * host_version() + constructed;
}
int (*plugin_self(void))(int) { return plugin_work; }
