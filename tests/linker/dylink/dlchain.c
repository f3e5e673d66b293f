// dylink.0 fixture: a main (-pie) that needs only libdlmid.so, which needs libdlbase.so.
//   clang --target=wasm32-unknown-emscripten -fPIC -fvisibility=default -nostdlib -O1 -c dlchain.c
//   wasm-ld --experimental-pic -pie --no-entry --export=_start --export-dynamic dlchain.o libdlmid.so \
//     -o dlchain.wasm
// Expected output: dlchain.expected (the two constructors' lines first, base before mid).
#include "dlfix_io.h"

extern int mid_ctor_order;
extern int mid_seen_base_value;
extern int* mid_base_value_ptr;
extern int (*mid_scale_ptr)(int);
int mid_compute(int x);

void _start(void) {
  put_line("mid_compute(10): ", mid_compute(10));            // 61: base_value is 6 after its constructor
  put_line("mid_ctor_order: ", mid_ctor_order);              // 2: libdlbase's constructor ran first
  put_line("mid_seen_base_value: ", mid_seen_base_value);    // 6
  put_line("*mid_base_value_ptr: ", *mid_base_value_ptr);    // 6: mid's data pointer into base
  put_line("mid_scale_ptr(3): ", mid_scale_ptr(3));          // 18: mid's function pointer into base
  put_str("done\n");
}
