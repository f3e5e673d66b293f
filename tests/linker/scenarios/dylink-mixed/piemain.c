// A dylink.0 main (clang --target=wasm32-unknown-emscripten -fPIC, wasm-ld -pie: no NEEDED, its
// symbols come from --lib) using the wasmified libmix.wasm and printf from libc.wasm. Built with
// -fno-builtin, else clang turns printf into emscripten's iprintf.
int printf(const char *fmt, ...);
extern int mix_total;
extern const char *mix_name;
int mix_add(int x);
int mix_call(int (*f)(int), int x);
int mix_square_via_main(int x);
int (*mix_addr_of_square(void))(int);
int *mix_addr_of_pie_value(void);

int pie_value = 40;
int pie_square(int x) { return x * x; }
static int negate(int x) { return -x; }

void _start(void) {
  printf("mix_add(2): %d\n", mix_add(2));                              // 42: libmix reads pie_value
  printf("mix_total: %d\n", mix_total);                                // 1002: constructor, then mix_add
  printf("mix_name: %s\n", mix_name);                                  // a pointer in libmix's data
  printf("mix_call(negate, 5): %d\n", mix_call(negate, 5));            // -50: the main's pointer, called there
  printf("mix_square_via_main(9): %d\n", mix_square_via_main(9));      // 81: libmix calls the main
  printf("&pie_square equal: %s\n", mix_addr_of_square() == pie_square ? "yes" : "no");
  printf("&pie_value equal: %s\n", mix_addr_of_pie_value() == &pie_value ? "yes" : "no");
}
