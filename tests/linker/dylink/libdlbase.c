// dylink.0 fixture: the bottom of a NEEDED chain dlchain.wasm -> libdlmid.so -> libdlbase.so.
//   clang --target=wasm32-unknown-emscripten -fPIC -fvisibility=default -nostdlib -O1 -c libdlbase.c
//   wasm-ld --experimental-pic -shared libdlbase.o -o libdlbase.so
#include "dlfix_io.h"

int base_value = 5;                          // the constructor makes it 6
int base_ctor_order;                         // which constructor ran first: set by libdlmid's
int base_ctors_run;                          // constructors run so far (base and mid count here)

int base_scale(int x) { return x * base_value; }

__attribute__((constructor)) static void base_init(void) {
  put_str("libdlbase: constructor\n");
  base_value += 1;
  base_ctor_order = ++base_ctors_run;        // 1 when dependencies are initialized first
}
