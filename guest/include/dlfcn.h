/* <dlfcn.h> for C programs run by wi (Debian's wasi-libc ships none).
 * The functions are provided by the wi runtime: a program declares them, wasmify turns the undefined
 * symbols into `env` imports, and the runtime linker binds those to its host implementation.
 * Handles are small integers; RTLD_DEFAULT searches the global scope. Semantics (docs/host-api.md):
 *   RTLD_LAZY   bind the library's calls on first use (the default, as for the whole program)
 *   RTLD_NOW    bind them before dlopen returns; an unresolved symbol makes dlopen fail
 *   RTLD_GLOBAL its symbols join the global scope (later libraries and dlsym(RTLD_DEFAULT) see them)
 *   RTLD_LOCAL  they do not; reach them with dlsym(handle, ...)
 * dlopen(NULL, ...) is the program itself. A name without '/' is searched beside the main module,
 * then in --lib-path and WI_LIBRARY_PATH; a name with '/' is a guest path inside a --dir preopen.
 * dlclose only drops a reference: code is never unloaded. dlerror() returns the last failure once. */
#ifndef WI_DLFCN_H
#define WI_DLFCN_H

#ifdef __cplusplus
extern "C" {
#endif

#define RTLD_LAZY 1
#define RTLD_NOW 2
#define RTLD_NOLOAD 4
#define RTLD_NODELETE 4096
#define RTLD_GLOBAL 256
#define RTLD_LOCAL 0

#define RTLD_DEFAULT ((void *)0)
#define RTLD_NEXT ((void *)-1)

void *dlopen(const char *file, int mode);
void *dlsym(void *handle, const char *name);
int dlclose(void *handle);
char *dlerror(void);

#ifdef __cplusplus
}
#endif

#endif
