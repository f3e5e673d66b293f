/* The runtime half of setjmp/longjmp for guests built with clang's `-mllvm -wasm-enable-sjlj`, and the
 * tag __c_longjmp it throws (WebAssembly exception handling; include/setjmp.h says how they fit).
 *
 * The compiler's half, per function that calls setjmp: it keeps a "function invocation id" (an address
 * in the function's stack frame, unique among live calls), turns `setjmp(env)` into
 * `__wasm_setjmp(env, label, id)` where label numbers that setjmp call site, and wraps the body in a
 * catch of __c_longjmp. The catch receives a pointer to {env, val}, asks
 * `__wasm_setjmp_test(env, id)` which label (0: not ours) and either resumes at that setjmp with val
 * or throws on with `__wasm_longjmp(env, val)`. So a jmp_buf records (id, label), and longjmp throws
 * the jmp_buf's own {env, val} pair: it outlives the unwinding, as the thrown pointer must.
 * Policy: longjmp to a jmp_buf whose function has returned is undefined in C; here the throw finds no
 * frame with that id and ends the program as an uncaught exception (tag __c_longjmp).
 * Built by guest/meson.build with clang 22 into libc.wasm. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The tag: one i32, the address of the {env, val} pair. wasmify makes it an `env` tag import that the
 * linker shares program-wide, so a longjmp thrown in one module lands in the caller's module. */
__asm__(".globl __c_longjmp\n.tagtype __c_longjmp i32\n__c_longjmp:\n");

struct thrown {  /* what the compiler's catch reads: offsets 0 and 4 */
  void *env;
  int val;
};

struct wi_jmp_buf {
  void *invocation;  /* the id of the function call that ran setjmp */
  uint32_t label;    /* which of its setjmp calls */
  struct thrown arg;
};

_Static_assert(sizeof(struct wi_jmp_buf) <= sizeof(jmp_buf), "jmp_buf too small");

void __wasm_setjmp(void *env, uint32_t label, void *invocation) {
  struct wi_jmp_buf *jb = env;
  jb->invocation = invocation;
  jb->label = label;
}

uint32_t __wasm_setjmp_test(void *env, void *invocation) {
  struct wi_jmp_buf *jb = env;
  return jb->invocation == invocation ? jb->label : 0;
}

_Noreturn void __wasm_longjmp(void *env, int val) {
  struct wi_jmp_buf *jb = env;
  jb->arg.env = env;
  jb->arg.val = val == 0 ? 1 : val; /* C11 7.13.2.1: longjmp(env, 0) returns 1 from setjmp */
  __builtin_wasm_throw(1, &jb->arg);
}

/* Reached only through code not compiled with -mllvm -wasm-enable-sjlj (the flag rewrites every direct
 * call), or through a function pointer. */
int setjmp(jmp_buf env) {
  (void)env;
  fputs("setjmp: this code was compiled without -mllvm -wasm-enable-sjlj (wi-cc passes it); "
        "setjmp cannot return twice without it\n", stderr);
  abort();
}

_Noreturn void longjmp(jmp_buf env, int val) { __wasm_longjmp(env, val); }
