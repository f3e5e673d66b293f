/* Dense f64 matrix multiply C = A * B, n x n (n <= 512): f64 loads, multiply-add, row-major strides. */
#include "bench.h"

#define MAXN 512
static double A[MAXN * MAXN], B[MAXN * MAXN], C[MAXN * MAXN];

int run(int n) {
  if (n > MAXN) n = MAXN;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      A[i * n + j] = (double)((i * 7 + j * 3) % 17) * 0.25 - 1.5;
      B[i * n + j] = (double)((i * 5 + j * 11) % 13) * 0.5 + 0.125;
    }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) C[i * n + j] = 0.0;
    for (int k = 0; k < n; ++k) {
      double a = A[i * n + k];
      for (int j = 0; j < n; ++j) C[i * n + j] += a * B[k * n + j];
    }
  }
  double sum = 0.0;
  for (int i = 0; i < n * n; ++i) sum += C[i] * (double)((i % 7) + 1);
  return (int)(long long)(sum * 16.0);
}
