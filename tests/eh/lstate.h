// The error-handling core of a Lua-like VM, the way Lua 5.4's ldo.c does it: protected calls chain
// jmp_buf handlers, an error longjmps to the innermost one. Lives in libstate.wasm.
#pragma once
typedef int (*protected_fn)(void *ud);
// Runs f(ud) under a new handler; returns 0, or the status of the error that ended it.
int l_pcall(protected_fn f, void *ud);
// Raises an error: status and message go to the innermost handler (through every frame between).
_Noreturn void l_error(int status, const char *message);
const char *l_last_message(void);
int l_handler_depth(void);
// Calls f(ud) `frames` calls deep inside the library, then returns its result.
int l_call_deep(int frames, protected_fn f, void *ud);
// Longjmps to a jmp_buf of the caller's module.
#include <setjmp.h>
_Noreturn void l_bounce(jmp_buf *target, int value);
