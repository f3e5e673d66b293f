// The program of the linked-globals test (gdb_lldb_globals.py, docs/debugging.md): built without -fPIC
// and run linked with globals_lib.wasm and libc.wasm, so each module's data lies at a __memory_base
// the linker picked; LLDB reads and watches `counter` here and the library's globals there.
#include <stdio.h>

int lib_bump(int by);

int counter = 0;

int main(void) {
  int r = 0;
  for (int i = 1; i <= 3; i++) {
    counter += i;  // globals: main
    r += lib_bump(i);
  }
  printf("counter %d r %d\n", counter, r);
  return counter == 6 && r == 55 ? 0 : 1;
}
