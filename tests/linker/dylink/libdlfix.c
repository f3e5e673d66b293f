// dylink.0 fixture: a shared library in the standard format (tests/linker/dylink/README.md).
//   clang --target=wasm32-unknown-emscripten -fPIC -fvisibility=default -nostdlib -O1 -c libdlfix.c
//   wasm-ld --experimental-pic -shared libdlfix.o -o libdlfix.so
// It exports a function, a data object, a function pointer and a data pointer stored in data, calls
// a function the main defines, points at the main's data and function, and has a constructor. Weak
// symbols: a definition the main overrides, and references nobody defines (IMPORT_INFO entries).
#include "dlfix_io.h"

extern int main_value;                       // defined by the main: GOT.mem.main_value
extern void main_callback(int v);            // defined by the main: env.main_callback
__attribute__((weak)) extern int main_optional(int);  // defined by nobody: weak, resolves to 0
__attribute__((weak)) extern int main_optional_data;  // defined by nobody: weak, address 0

int dl_counter = 100;                        // exported data object; the constructor adds 1
int dl_inited;                               // bss, set by the constructor
const char dl_greeting[] = "hello from libdlfix";

int dl_twice(int x) { return 2 * x; }        // exported function
static int dl_square(int x) { return x * x; }

int (*dl_op)(int) = dl_square;               // function pointer in data, to a local function
int (*dl_twice_ptr)(int) = dl_twice;         // function pointer in data, to an exported function
int* dl_counter_ptr = &dl_counter;           // data pointer in data, to own exported data
int* dl_main_value_ptr = &main_value;        // data pointer in data, into the main
void (*dl_main_cb)(int) = main_callback;     // function pointer in data, into the main

// Calls a function pointer the main passes in (a table index of the main's function).
int dl_apply(int (*f)(int), int x) { return f(x); }

// Calls the main directly (an import), then through the pointer kept in data.
void dl_notify(int v) {
  main_callback(v);
  dl_main_cb(v + 1);
}

// A weak definition, called through an import of its own name: the main's strong dl_hook wins.
__attribute__((weak)) int dl_hook(int x) { return -x; }
int dl_call_hook(int x) { return dl_hook(x); }

// How many of the weak undefined symbols resolved (0: neither; a call would trap).
int dl_optional_present(void) { return (main_optional != 0) + (&main_optional_data != 0); }

// The library's own view of addresses, for the main to compare with its GOT entries.
int (*dl_addr_of_twice(void))(int) { return dl_twice; }
int* dl_addr_of_main_value(void) { return &main_value; }

__attribute__((constructor)) static void dl_init(void) {
  put_str("libdlfix: constructor\n");        // a side effect, so clang cannot fold the constructor
  dl_inited = 1;
  dl_counter += 1;
}
