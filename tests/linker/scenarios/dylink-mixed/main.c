// A dyninfo program (wasmified) using dylink.0 libraries: libdlfix.so (tests/linker/dylink) by --lib,
// with the symbols it needs from a main, and libdlmid.so by dlopen (RTLD_LOCAL: it reaches its own
// symbols through its GOT, so they must resolve in its local scope). Each line checks one crossing.
#include <dlfcn.h>
#include <stdio.h>

extern int dl_counter;
extern const char dl_greeting[];
extern int (*dl_twice_ptr)(int);
extern int *dl_main_value_ptr;
int dl_twice(int x);
int dl_apply(int (*f)(int), int x);
void dl_notify(int v);
int dl_call_hook(int x);
int dl_optional_present(void);
int (*dl_addr_of_twice(void))(int);
int *dl_addr_of_main_value(void);

int main_value = 7;  // libdlfix's GOT.mem.main_value: a dyninfo `def`
int main_last_cb, main_cb_sum;
void main_callback(int v) {  // libdlfix's env.main_callback and GOT.func.main_callback
  main_last_cb = v;
  main_cb_sum += v;
}
int dl_hook(int x) { return 100 * x; }  // overrides libdlfix's weak dl_hook
static int triple(int x) { return 3 * x; }

int main(void) {
  printf("greeting: %s\n", dl_greeting);
  printf("dl_counter: %d\n", dl_counter);
  printf("dl_twice(21): %d\n", dl_twice(21));
  printf("dl_twice_ptr == &dl_twice: %s\n", dl_twice_ptr == dl_twice ? "yes" : "no");
  printf("dl_addr_of_twice() == &dl_twice: %s\n", dl_addr_of_twice() == dl_twice ? "yes" : "no");
  printf("dl_apply(triple, 5): %d\n", dl_apply(triple, 5));
  printf("*dl_main_value_ptr: %d, == &main_value: %s\n", *dl_main_value_ptr,
         dl_main_value_ptr == &main_value && dl_addr_of_main_value() == &main_value ? "yes" : "no");
  dl_notify(40);
  printf("main_last_cb: %d, main_cb_sum: %d\n", main_last_cb, main_cb_sum);
  printf("dl_call_hook(5): %d\n", dl_call_hook(5));
  printf("dl_optional_present: %d\n", dl_optional_present());
  fflush(stdout);  // the libraries' constructors below write with fd_write directly

  void *h = dlopen("libdlmid.so", RTLD_NOW);
  if (!h) {
    printf("dlopen failed: %s\n", dlerror());
    return 1;
  }
  int (*mid_compute)(int) = (int (*)(int))dlsym(h, "mid_compute");
  int *mid_ctor_order = (int *)dlsym(h, "mid_ctor_order");
  int (**mid_scale_ptr)(int) = (int (**)(int))dlsym(h, "mid_scale_ptr");
  printf("mid_compute(10): %d\n", mid_compute ? mid_compute(10) : -1);
  printf("mid_ctor_order: %d\n", mid_ctor_order ? *mid_ctor_order : -1);
  printf("(*mid_scale_ptr)(3): %d\n", mid_scale_ptr ? (*mid_scale_ptr)(3) : -1);
  printf("mid_compute in the global scope: %s\n", dlsym(RTLD_DEFAULT, "mid_compute") ? "yes" : "no");
  return 0;
}
