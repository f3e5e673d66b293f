// Needs libgone.wasm, which does not exist.
int main(void) { return 0; }
