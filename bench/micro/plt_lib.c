// The callee of plt_main.c's cross-module loop.
int leaf(int x) { return x + 1; }
