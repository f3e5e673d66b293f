// printf of integers and floats, including %g/%e/%a edge cases: exercises fd_write (through stdio's
// buffering), fd_fdstat_get (stdio's isatty check) and a normal return from main.
// node: agrees (identical stdout and exit status under node 20's WASI).
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

int main(void) {
  printf("ints: %d %i %u %x %X %o %ld %lld\n", -42, INT_MIN, UINT_MAX, 0xdeadbeef, 0xabcu, 8, LONG_MAX, LLONG_MIN);
  printf("int64: %" PRId64 " %" PRIu64 " %" PRIx64 "\n", INT64_MIN, UINT64_MAX, (uint64_t)0x0123456789abcdefull);
  printf("width: [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%*d]\n", 42, 42, 42, 42, 42, 7, 6, -1);
  printf("chars: [%c] [%s] [%.3s] [%10s] [%-10s] [%%]\n", 'x', "string", "truncate", "right", "left");
  printf("ptr-size: %zu %zu %zu\n", sizeof(void*), sizeof(long), sizeof(long double));

  double vals[] = {0.0, -0.0, 1.0, -1.5, 0.1, 1e-300, 1e300, 123456789.0, 1.0 / 3.0, 5e-324,
                   DBL_MAX, DBL_MIN, 2.5, 3.5, 1e15, 1e16, 1e-5, 1e-4, 100000.0, 1000000.0};
  for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; ++i) {
    double v = vals[i];
    printf("%%g=%g %%e=%e %%f=%.3f %%a=%a %%.17g=%.17g\n", v, v, v < 1e20 ? v : 0.0, v, v);
  }
  printf("special: %g %g %g %e %f %a %G %E\n", INFINITY, -INFINITY, NAN, INFINITY, -INFINITY, NAN, INFINITY, NAN);
  printf("precision: %.0g %.1g %.10g %#g %#.0f %.0e %#x %#o\n", 0.5, 0.05, M_PI, 1.0, 1.0, 15.5, 255, 8);
  printf("rounding: %.0f %.0f %.0f %.0f %.2f %.2f\n", 0.5, 1.5, 2.5, -0.5, 1.005, 2.675);
  printf("float: %g %a %.9g\n", (double)FLT_MAX, (double)FLT_MIN, (double)1.1f);
  printf("long double: %Lg %La %.20Lg\n", 1.0L / 3.0L, 1.0L, 0.1L);
  char buf[64];
  int n = snprintf(buf, 8, "%s", "truncated output");
  printf("snprintf: %d [%s]\n", n, buf);
  n = sprintf(buf, "%08.3f|%-8.2e|", -3.14159, 12345.678);
  printf("sprintf: %d [%s]\n", n, buf);
  return 0;
}
