// Loaded RTLD_LOCAL: its symbols are reachable through its handle only.
int local_answer(void) { return 42; }
