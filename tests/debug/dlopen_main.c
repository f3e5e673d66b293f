// The program of the library-stop test (gdb_lldb_dlopen.py, docs/debugging.md): it dlopen()s
// dlopen_plugin.wasm (or the guest path in argv[1]) at run time, so LLDB knows nothing of the plugin
// until the stub's library stop announces it; then it calls into the plugin, which calls back here.
#include <dlfcn.h>
#include <stdio.h>

int host_offset(void) { return 7; }  // called by the plugin: a frame of this module below the plugin's

int main(int argc, char **argv) {
  void *h = dlopen(argc > 1 ? argv[1] : "dlopen_plugin.wasm", RTLD_NOW | RTLD_GLOBAL);
  if (!h) {
    printf("dlopen failed: %s\n", dlerror());
    return 1;
  }
  int (*scale)(int) = (int (*)(int))dlsym(h, "plugin_scale");
  int r = scale ? scale(6) : -1;
  printf("plugin_scale(6) = %d\n", r);
  return r == 6 * 3 + 7 + 1 ? 0 : 2;
}
