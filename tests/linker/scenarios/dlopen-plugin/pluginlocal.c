// Loaded RTLD_LOCAL: its symbols are reachable through its handle only, and so are those of the
// library it needs (liblocaldep.wasm, loaded with it), which it still reaches itself.
int local_helper(void);
int local_answer(void) { return 40 + local_helper(); }
