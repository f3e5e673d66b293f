int ping(int n, int acc);  // the program's: a cross-module tail call each way
int pong(int n, int acc) {
  if (!n) return acc;
  __attribute__((musttail)) return ping(n - 1, acc + 2);
}
