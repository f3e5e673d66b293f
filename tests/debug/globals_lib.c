// The library of the linked-globals test (gdb_lldb_globals.py, docs/debugging.md): a global of its own
// and a static array, which LLDB must read where the linker placed this library's data, not at the
// link addresses wasmify's DWARF started with.
int lib_counter = 5;
static int lib_table[4] = {10, 20, 30, 40};

int lib_bump(int by) {
  lib_counter += by;
  lib_table[by & 3] += by;
  return lib_counter + lib_table[0];  // globals: break
}
