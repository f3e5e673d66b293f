// A library of the split program: data with function pointers inside, callbacks into main, and
// pointers handed both ways (see main.c).
#include "libshapes.h"

double circle_area(const struct shape *s) { return 3.0 * s->size * s->size; }
static double square_area(const struct shape *s) { return s->size * s->size; }

struct shape shapes[] = {
    {"circle", circle_area, 2.0},
    {"square", square_area, 3.0},
};
int shape_count = sizeof shapes / sizeof shapes[0];
double (*scale_hook)(double);

const char *lib_describe(const struct shape *s, char *buf, size_t n) {
  double a = s->area(s);
  if (scale_hook) a = scale_hook(a);
  snprintf(buf, n, "%s of size %.1f has area %.2f", s->name, s->size, a);
  return buf;
}

double lib_total(double (*weight)(const struct shape *)) {
  double t = 0;
  for (int i = 0; i < shape_count; i++) t += weight(&shapes[i]);
  return t;
}

int lib_same_pointer(double (*f)(const struct shape *)) { return f == circle_area; }

void lib_log(FILE *to, const char *what) {
  fprintf(to, "[lib] %s\n", what);
  fflush(to);
}
