// dlopen/dlsym at run time, through POSIX <dlfcn.h> (shipped by wi in guest/include) and through the
// original loader's thinthin API: data and function symbols, the plugin's constructor, a call back
// into the program, &f equal to dlsym's answer, RTLD_LOCAL, errors through dlerror, and a guest path
// that must lie inside a --dir preopen.
#include <dlfcn.h>
#include <stdio.h>

__attribute__((import_module("thinthin"), import_name("dlopen"))) int tt_dlopen(const char *path);
__attribute__((import_module("thinthin"), import_name("dlsym"))) int tt_dlsym(const char *name);

int host_version(void) { return 3; }

int main(int argc, char **argv) {
  void *h = dlopen("plugin.wasm", RTLD_NOW | RTLD_GLOBAL);
  if (!h) {
    printf("dlopen failed: %s\n", dlerror());
    return 1;
  }
  int (*work)(int) = (int (*)(int))dlsym(h, "plugin_work");
  int *counter = (int *)dlsym(h, "plugin_counter");
  int (*(*self)(void))(int) = (int (*(*)(void))(int))dlsym(RTLD_DEFAULT, "plugin_self");
  printf("plugin_work(5) = %d\n", work(5));
  printf("plugin_counter = %d\n", *counter);
  printf("dlsym pointer equals the plugin's &plugin_work: %s\n", self() == work ? "yes" : "no");
  printf("dlopen again gives the same handle: %s\n", dlopen("plugin.wasm", RTLD_LAZY) == h ? "yes" : "no");
  printf("dlsym of a missing symbol: %s\n", dlsym(h, "no_such_symbol") ? "found?" : dlerror());
  printf("dlerror is cleared after reading: %s\n", dlerror() ? "no" : "yes");
  printf("dlopen of a missing library: %s\n", dlopen("libmissing.wasm", RTLD_NOW) ? "loaded?" : dlerror());

  void *l = dlopen("pluginlocal.wasm", RTLD_NOW | RTLD_LOCAL);
  printf("RTLD_LOCAL symbol in the global scope: %s\n", dlsym(RTLD_DEFAULT, "local_answer") ? "yes" : "no");
  printf("a library it needs, in the global scope: %s\n", dlsym(RTLD_DEFAULT, "local_helper") ? "yes" : "no");
  int (*answer)(void) = (int (*)(void))dlsym(l, "local_answer");
  printf("through its handle: %d\n", answer ? answer() : -1);

  int th = tt_dlopen("plugin.wasm");
  int (*tw)(int) = (int (*)(int))tt_dlsym("plugin_work");
  printf("thinthin: handle %s, plugin_work(1) = %d\n", th == (int)h ? "same" : "different", tw(1));

  if (argc > 1) {
    void *g = dlopen(argv[1], RTLD_NOW);
    printf("dlopen(\"%s\"): %s\n", argv[1], g ? "loaded" : dlerror());
  }
  printf("dlclose: %d\n", dlclose(h));
  return 0;
}
