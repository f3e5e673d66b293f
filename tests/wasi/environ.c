// environ_sizes_get and environ_get through getenv/environ and the raw imports. The guest sees
// exactly the --env variables (no host environment).
// ENV: GREETING=hello EMPTY= WITH_EQUALS=a=b=c
// node: differs on the bad pointers: uvwasi says EOVERFLOW (61) where wi (and wasmtime) say EFAULT (21).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

extern char** environ;

int main(void) {
  printf("GREETING=%s\n", getenv("GREETING"));
  printf("EMPTY=[%s]\n", getenv("EMPTY"));
  printf("WITH_EQUALS=%s\n", getenv("WITH_EQUALS"));
  printf("PATH set=%d HOME set=%d\n", getenv("PATH") != 0, getenv("HOME") != 0);
  int count = 0;
  for (char** e = environ; *e; ++e) ++count;
  printf("environ count=%d\n", count);
  __wasi_size_t n = 0, size = 0;
  __wasi_errno_t e = __wasi_environ_sizes_get(&n, &size);
  printf("environ_sizes_get: errno=%d count=%u size=%u\n", e, (unsigned)n, (unsigned)size);
  char** ptrs = malloc(n * sizeof(char*));
  char* buf = malloc(size);
  e = __wasi_environ_get((uint8_t**)ptrs, (uint8_t*)buf);
  for (unsigned i = 0; i < n; ++i) printf("environ_get[%u]=%s\n", i, ptrs[i]);
  printf("environ_get: errno=%d\n", e);
  e = __wasi_environ_get((uint8_t**)0xfffffffcu, (uint8_t*)buf);
  printf("environ_get bad ptrs: errno=%d\n", e);
  e = __wasi_environ_sizes_get(&n, (__wasi_size_t*)0xfffffffeu);
  printf("environ_sizes_get bad ptr: errno=%d\n", e);
  setenv("NEW", "var", 1);
  printf("setenv: %s\n", getenv("NEW"));
  return 0;
}
