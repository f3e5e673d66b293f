/* setjmp.h for wi guests: Debian's wasi-libc has none. setjmp/longjmp are WebAssembly exception
 * handling here: compile with `-mllvm -wasm-enable-sjlj` (wi-cc does), which rewrites each setjmp into
 * a call of __wasm_setjmp and each longjmp into __wasm_longjmp, a throw of the tag __c_longjmp that
 * the function holding the setjmp catches. guest/runtime/sjlj.c has the runtime half. Without that
 * flag setjmp cannot return twice: libc.wasm's setjmp then stops the program with a message. */
#ifndef WI_SETJMP_H
#define WI_SETJMP_H

#ifdef __cplusplus
extern "C" {
#endif

/* What sjlj.c keeps in it (16 bytes) with room to spare, aligned like a pointer pair. */
typedef struct __jmp_buf_tag {
  unsigned long __wi_words[8];
} jmp_buf[1], sigjmp_buf[1];

int setjmp(jmp_buf env) __attribute__((__returns_twice__));
_Noreturn void longjmp(jmp_buf env, int val);

/* The BSD/POSIX spellings: there are no signal masks to save in a wasm guest. */
#define _setjmp(env) setjmp(env)
#define _longjmp(env, val) longjmp(env, val)
#define sigsetjmp(env, savemask) setjmp(env)
#define siglongjmp(env, val) longjmp(env, val)

#ifdef __cplusplus
}
#endif
#endif
