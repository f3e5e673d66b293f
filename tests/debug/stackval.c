// tests/debug/gdb_lldb_stack.py's program: built with -O2 -g, clang keeps r, scaled and sum on the wasm
// operand stack (DW_OP_WASM_location 2) where the test stops, so LLDB reads them with qWasmStackValue.
// The volatile seed keeps the compiler from folding the calls away; produce's store to sink keeps the
// load of seed (and so scaled) before the call to produce, on the stack under its argument.
volatile int sink;
volatile int seed = 4;

__attribute__((noinline)) int produce(int n) {
  sink = n;
  return n * 3 + 1;
}

__attribute__((noinline)) void consume(int v) { sink = v; }

__attribute__((noinline)) int between(int n) {
  int r = produce(n);
  consume(r);  // r (13) is the only value on the stack: index 0
  return r;
}

__attribute__((noinline)) int across(int b) {
  int scaled = seed * 7;
  int sum = scaled + produce(b);  // back from produce: scaled (28) at index 0, produce's result above it
  consume(sum);                   // sum (68) at index 0
  return sum;
}

int main(void) {
  int x = between(seed);
  return across(x) == 68 ? 0 : 1;
}
