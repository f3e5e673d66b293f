// The plugin dlopen_main.c loads at run time (gdb_lldb_dlopen.py): built with -g -O0 and kept DWARF,
// so a breakpoint set by file and line before it is loaded binds at the stub's library stop. It has a
// constructor (which runs after that stop) and calls back into the program.
int host_offset(void);  // defined by the program

static int constructed;
__attribute__((constructor)) static void plugin_init(void) { constructed = 1; }

int plugin_scale(int factor) {
  int tripled = factor * 3;
  return tripled + host_offset() + constructed;
}
