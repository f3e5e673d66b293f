// Cross-module call overhead (bm_link.cc): the same loop calling a one-instruction function through a
// PLT slot (leaf, in plt_lib.c), through call_indirect on a local function, and directly. Unrolling
// is off so that the three loops stay the same loop: clang unrolled only the indirect one (four calls
// per iteration with the result passed from call to call in the call's slot), and the comparison then
// measured loop shapes instead of calls.
int leaf(int x);
__attribute__((noinline)) static int local_leaf(int x) { return x + 1; }
int (*volatile local_ptr)(int) = local_leaf;

int loop_plt(int n) {
  int s = 0;
#pragma clang loop unroll(disable)
  for (int i = 0; i < n; i++) s = leaf(s);
  return s;
}
int loop_indirect(int n) {
  int s = 0;
#pragma clang loop unroll(disable)
  for (int i = 0; i < n; i++) s = local_ptr(s);
  return s;
}
int loop_direct(int n) {
  int s = 0;
#pragma clang loop unroll(disable)
  for (int i = 0; i < n; i++) s = local_leaf(s);
  return s;
}
