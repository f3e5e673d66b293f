// What a guest may cause to be loaded (docs/security.md, "Loading code"): every argument is dlopen'ed.
// Libraries opened by guest path resolve their own `needed` entries through the sandbox: a name with
// '/' (relative to the library's guest directory, or absolute) and a bare name beside the library,
// and a bare name also in the user's --lib-path. Each refusal must name only guest paths, and must not
// tell a host file that exists from one that does not. The argument LONG stands for a 5000-byte path,
// which fails softly (NULL and dlerror), as does dlsym of a 5000-byte name.
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static char long_name[5001];

int main(int argc, char **argv) {
  memset(long_name, 'a', 5000);
  memcpy(long_name, "/sandbox/", 9);
  for (int i = 1; i < argc; ++i) {
    const char *name = strcmp(argv[i], "LONG") == 0 ? long_name : argv[i];
    void *h = dlopen(name, RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
      printf("dlopen %s: NULL: %s\n", argv[i], dlerror());
      continue;
    }
    int (*value)(void) = (int (*)(void))dlsym(h, "plugin_value");
    printf("dlopen %s: loaded, plugin_value() = %d\n", argv[i], value ? value() : -1);
  }
  printf("dlsym of a 5000-byte name: %s\n", dlsym(RTLD_DEFAULT, long_name) ? "found?" : dlerror());
  return 0;
}
