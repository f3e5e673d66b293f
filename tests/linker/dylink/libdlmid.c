// dylink.0 fixture: the middle of a NEEDED chain dlchain.wasm -> libdlmid.so -> libdlbase.so.
//   clang --target=wasm32-unknown-emscripten -fPIC -fvisibility=default -nostdlib -O1 -c libdlmid.c
//   wasm-ld --experimental-pic -shared libdlmid.o libdlbase.so -o libdlmid.so
// Listing libdlbase.so on the link line is what puts it in libdlmid.so's NEEDED.
#include "dlfix_io.h"

extern int base_value;
extern int base_ctors_run;
int base_scale(int x);

int mid_ctor_order;
int mid_seen_base_value;                     // base_value when this constructor ran: 6 if base's ran first
int* mid_base_value_ptr = &base_value;       // a pointer into the library below, kept in data
int (*mid_scale_ptr)(int) = base_scale;      // a function of the library below, kept in data

int mid_compute(int x) { return base_scale(x) + 1; }

__attribute__((constructor)) static void mid_init(void) {
  put_str("libdlmid: constructor\n");
  mid_seen_base_value = base_value;
  mid_ctor_order = ++base_ctors_run;
}
