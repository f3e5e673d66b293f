// args_sizes_get and args_get, through main's argv and through the raw imports (exact sizes, and
// EFAULT for pointers outside linear memory). argv[0] is the embedder's choice, so only its presence
// is checked.
// ARGS: first second-arg 3 héllo --flag=x
// node: differs on the bad pointers: uvwasi says EOVERFLOW (61) where wi (and wasmtime) say EFAULT (21).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

int main(int argc, char** argv) {
  printf("argc=%d argv0-nonempty=%d\n", argc, argv[0] && argv[0][0] != 0);
  for (int i = 1; i < argc; ++i) printf("argv[%d]=[%s]\n", i, argv[i]);
  printf("argv[argc]=%p\n", (void*)argv[argc]);

  __wasi_size_t n = 0, size = 0;
  __wasi_errno_t e = __wasi_args_sizes_get(&n, &size);
  size_t expect = 0;
  for (int i = 0; i < argc; ++i) expect += strlen(argv[i]) + 1;
  printf("args_sizes_get: errno=%d count=%u size-matches=%d\n", e, (unsigned)n, size == expect);
  char** ptrs = malloc(n * sizeof(char*));
  char* buf = malloc(size);
  e = __wasi_args_get((uint8_t**)ptrs, (uint8_t*)buf);
  printf("args_get: errno=%d first-ptr-is-buf=%d last=[%s]\n", e, (char*)ptrs[0] == buf, ptrs[n - 1]);
  // Out-of-bounds pointers: EFAULT (21), and nothing written.
  e = __wasi_args_sizes_get((__wasi_size_t*)0xfffffff0u, &size);
  printf("args_sizes_get bad ptr: errno=%d\n", e);
  e = __wasi_args_get((uint8_t**)ptrs, (uint8_t*)0xfffffffcu);
  printf("args_get bad buf: errno=%d\n", e);
  return 0;
}
