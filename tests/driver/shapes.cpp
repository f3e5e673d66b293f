// C++ through wi-c++: classes, virtual calls, templates, lambdas; printf from libc.wasm (no C++
// standard library is linked).
#include <stdio.h>

struct Shape {
  virtual ~Shape() = default;
  virtual int area() const = 0;
  virtual const char *name() const = 0;
};
struct Square : Shape {
  int s;
  explicit Square(int side) : s(side) {}
  int area() const override { return s * s; }
  const char *name() const override { return "square"; }
};
struct Rect : Shape {
  int w, h;
  Rect(int a, int b) : w(a), h(b) {}
  int area() const override { return w * h; }
  const char *name() const override { return "rect"; }
};
template <class F> int sum_areas(const Shape *const *shapes, int n, F weight) {
  int total = 0;
  for (int i = 0; i < n; ++i) total += weight(i) * shapes[i]->area();
  return total;
}
static Square sq(3);  // a global with a constructor: run by the program's constructors
int main() {
  Rect r(4, 5);
  const Shape *shapes[] = {&sq, &r};
  for (const Shape *s : shapes) printf("%s: %d\n", s->name(), s->area());
  printf("weighted: %d\n", sum_areas(shapes, 2, [](int i) { return i + 1; }));
  return 0;
}
