// Needs liba.wasm (dyninfo `needed`).
void a_bump(const char *who);
void b_work(void) { a_bump("libb"); }
