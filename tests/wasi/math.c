// math.h: libm on wasm (f64 instructions, and the float/double conversions the interpreter implements).
// node: agrees.
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>

int main(void) {
  volatile double x = 0.5, y = 2.0, z = -3.7, big = 1e308, tiny = 1e-310;
  printf("sqrt=%.17g cbrt=%.17g hypot=%.17g\n", sqrt(y), cbrt(27.0), hypot(3.0, 4.0));
  printf("sin=%.17g cos=%.17g tan=%.17g\n", sin(x), cos(x), tan(x));
  printf("asin=%.17g acos=%.17g atan=%.17g atan2=%.17g\n", asin(x), acos(x), atan(x), atan2(-1.0, -1.0));
  printf("exp=%.17g log=%.17g log10=%.17g log2=%.17g log1p=%.17g expm1=%.17g\n", exp(x), log(y), log10(1000.0),
         log2(8.0), log1p(1e-10), expm1(1e-10));
  printf("pow=%.17g pow_neg=%.17g pow_inf=%g pow_nan=%g\n", pow(y, 0.5), pow(-2.0, 3.0), pow(10.0, 400.0), pow(-1.0, 0.5));
  printf("floor=%g ceil=%g round=%g trunc=%g rint=%g nearbyint=%g\n", floor(z), ceil(z), round(z), trunc(z),
         rint(2.5), nearbyint(3.5));
  printf("fmod=%g remainder=%g fabs=%g copysign=%g\n", fmod(7.5, 2.0), remainder(7.5, 2.0), fabs(z), copysign(1.0, -0.0));
  int e;
  double m = frexp(48.0, &e);
  double ip;
  double fp = modf(z, &ip);
  printf("frexp=%g,%d ldexp=%g modf=%g,%g scalbn=%g ilogb=%d logb=%g\n", m, e, ldexp(0.75, 6), fp, ip, scalbn(1.0, 10),
         ilogb(1024.0), logb(0.125));
  printf("sinh=%.17g cosh=%.17g tanh=%.17g asinh=%.17g acosh=%.17g atanh=%.17g\n", sinh(x), cosh(x), tanh(x),
         asinh(x), acosh(y), atanh(x));
  printf("erf=%.17g erfc=%.17g tgamma=%.17g lgamma=%.17g\n", erf(x), erfc(x), tgamma(5.0), lgamma(0.5));
  printf("fmin=%g fmax=%g fdim=%g fma=%.17g\n", fmin(1.0, NAN), fmax(-0.0, 0.0), fdim(5.0, 3.0), fma(0.1, 10.0, -1.0));
  printf("isnan=%d isinf=%d isfinite=%d signbit=%d fpclassify(tiny)=%d\n", isnan(NAN), isinf(-INFINITY), isfinite(big * 10),
         signbit(-0.0), fpclassify(tiny) == FP_SUBNORMAL);
  printf("nextafter=%a nexttoward=%a\n", nextafter(1.0, 2.0), nexttoward(0.0, 1.0));
  printf("float: sqrtf=%.9g sinf=%.9g expf=%.9g powf=%.9g\n", sqrtf(2.0f), sinf(1.0f), expf(1.0f), powf(2.0f, 0.5f));
  printf("lround=%ld llrint=%lld\n", lround(-2.5), llrint(2.5));
  // Conversions the interpreter must get exactly right.
  volatile double d = 4294967295.9, n = -0.9;
  volatile float f = 16777217.0f;
  printf("conv: %u %d %lld %.1f %a\n", (unsigned)d, (int)n, (long long)-9.2e18, (double)f, (double)(float)0.1);
  printf("div: %g %g %g\n", 1.0 / 0.0 > DBL_MAX ? 1.0 : 0.0, -1.0 / INFINITY, 0.0 / 0.0 != 0.0 / 0.0 ? 1.0 : 0.0);
  return 0;
}
