// dylink.0 fixture: a main (-pie) that needs libdlfix.so (tests/linker/dylink/README.md).
//   clang --target=wasm32-unknown-emscripten -fPIC -fvisibility=default -nostdlib -O1 -c dlmain.c
//   wasm-ld --experimental-pic -pie --no-entry --export=_start --export-dynamic dlmain.o libdlfix.so \
//     -o dlmain.wasm
// Every line it prints checks one thing crossing the module boundary; expected output is
// dlmain.expected (after "libdlfix: constructor", printed by the library's constructor).
#include "dlfix_io.h"

extern int dl_counter;
extern int dl_inited;
extern const char dl_greeting[];
extern int (*dl_op)(int);
extern int (*dl_twice_ptr)(int);
extern int* dl_counter_ptr;
extern int* dl_main_value_ptr;
extern void (*dl_main_cb)(int);
int dl_twice(int x);
int dl_apply(int (*f)(int), int x);
void dl_notify(int v);
int dl_call_hook(int x);
int dl_optional_present(void);
int (*dl_addr_of_twice(void))(int);
int* dl_addr_of_main_value(void);

int main_value = 7;
int main_last_cb;
int main_cb_sum;

void main_callback(int v) {
  main_last_cb = v;
  main_cb_sum += v;
}

static int triple(int x) { return 3 * x; }

int dl_hook(int x) { return 100 * x; }  // overrides the library's weak dl_hook

void _start(void) {
  put_str("greeting: ");
  put_str(dl_greeting);                                  // library data read through GOT.mem
  put_str("\n");
  put_line("constructor ran: ", dl_inited);              // 1
  put_line("dl_counter: ", dl_counter);                  // 101: data initializer + constructor
  put_line("dl_counter_ptr ok: ", dl_counter_ptr == &dl_counter);            // lib data reloc
  put_line("dl_twice(21): ", dl_twice(21));              // direct call into the library
  put_line("dl_op(9): ", dl_op(9));                      // library's pointer to its local function
  put_line("dl_twice_ptr ok: ", dl_twice_ptr == dl_twice);                 // canonical pointer
  put_line("dl_addr_of_twice ok: ", dl_addr_of_twice() == dl_twice);
  put_line("dl_apply(triple, 5): ", dl_apply(triple, 5));                  // main fn ptr -> lib
  put_line("*dl_main_value_ptr: ", *dl_main_value_ptr);  // 7: library's pointer into the main
  put_line("dl_main_value_ptr ok: ", dl_main_value_ptr == &main_value);
  put_line("dl_addr_of_main_value ok: ", dl_addr_of_main_value() == &main_value);
  dl_notify(40);                                         // lib -> main, by import and by pointer
  put_line("main_last_cb: ", main_last_cb);              // 41
  put_line("main_cb_sum: ", main_cb_sum);                // 81
  put_line("dl_call_hook(5): ", dl_call_hook(5));      // 500: the main's definition wins
  put_line("dl_optional_present: ", dl_optional_present());                // 0: weak, undefined
  dl_counter = 5;                                        // a write the library sees
  put_line("*dl_counter_ptr after write: ", *dl_counter_ptr);              // 5
  put_str("done\n");
}
