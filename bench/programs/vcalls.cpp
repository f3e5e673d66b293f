/* Call-heavy C++: virtual calls through base-class pointers, the way object-oriented code spends its
 * time. A pool of shapes of four classes (constant-initialized: no constructors run, since these
 * programs have no C runtime) is visited in a pseudo-random order; each visit makes three virtual
 * calls (one of them a double dispatch through a visitor). Integer arithmetic only, so every runtime
 * computes the same checksum. n = number of visits. */
extern "C" {
#include "bench.h"
}

namespace {

struct Visitor;

struct Shape {
  u32 size;
  constexpr explicit Shape(u32 s) : size(s) {}
  virtual u32 area() const { return size * size; }
  virtual u32 perimeter() const { return 4 * size; }
  virtual u32 accept(const Visitor& v) const;
  virtual void grow(u32 by) { size = (size + by) & 1023; }
};

struct Square final : Shape {
  constexpr explicit Square(u32 s) : Shape(s) {}
  u32 accept(const Visitor& v) const override;
};

struct Rect final : Shape {
  u32 width;
  constexpr Rect(u32 h, u32 w) : Shape(h), width(w) {}
  u32 area() const override { return size * width; }
  u32 perimeter() const override { return 2 * (size + width); }
  u32 accept(const Visitor& v) const override;
  void grow(u32 by) override { width = (width + 2 * by) & 1023; }
};

struct Tri final : Shape {
  constexpr explicit Tri(u32 s) : Shape(s) {}
  u32 area() const override { return size * size / 2; }
  u32 perimeter() const override { return 3 * size; }
  u32 accept(const Visitor& v) const override;
};

struct Ring final : Shape {
  u32 inner;
  constexpr Ring(u32 o, u32 i) : Shape(o), inner(i) {}
  u32 area() const override { return 3 * (size * size - inner * inner); }
  u32 perimeter() const override { return 6 * (size + inner); }
  u32 accept(const Visitor& v) const override;
  void grow(u32 by) override { inner = (inner + by) % (size + 1); }
};

struct Visitor {
  virtual u32 square(const Square& s) const { return s.size; }
  virtual u32 rect(const Rect& r) const { return r.size ^ r.width; }
  virtual u32 tri(const Tri& t) const { return t.size * 3; }
  virtual u32 ring(const Ring& r) const { return r.size - r.inner; }
  virtual u32 other(const Shape& s) const { return s.size + 1; }
};

struct Weigher final : Visitor {
  u32 weight;
  constexpr explicit Weigher(u32 w) : weight(w) {}
  u32 rect(const Rect& r) const override { return (r.size + r.width) * weight; }
  u32 ring(const Ring& r) const override { return r.inner * weight; }
};

u32 Shape::accept(const Visitor& v) const { return v.other(*this); }
u32 Square::accept(const Visitor& v) const { return v.square(*this); }
u32 Rect::accept(const Visitor& v) const { return v.rect(*this); }
u32 Tri::accept(const Visitor& v) const { return v.tri(*this); }
u32 Ring::accept(const Visitor& v) const { return v.ring(*this); }

Shape plain[4] = {Shape(3), Shape(5), Shape(7), Shape(9)};
Square squares[4] = {Square(2), Square(4), Square(6), Square(8)};
Rect rects[4] = {Rect(1, 2), Rect(3, 4), Rect(5, 6), Rect(7, 8)};
Tri tris[4] = {Tri(10), Tri(11), Tri(12), Tri(13)};
Ring rings[4] = {Ring(20, 3), Ring(21, 5), Ring(22, 7), Ring(23, 9)};
const Visitor basic;
const Weigher heavy(3);

Shape* pool[256];

}  // namespace

extern "C" int run(int n) {
  Shape* all[20] = {&plain[0], &plain[1], &plain[2], &plain[3], &squares[0], &squares[1], &squares[2],
                    &squares[3], &rects[0], &rects[1], &rects[2], &rects[3], &tris[0], &tris[1], &tris[2],
                    &tris[3], &rings[0], &rings[1], &rings[2], &rings[3]};
  u32 seed = 12345;
  for (u32 i = 0; i < 256; ++i) pool[i] = all[bench_rand(&seed) % 20];
  u32 sum = 0;
  for (int i = 0; i < n; ++i) {
    Shape* s = pool[bench_rand(&seed) & 255];
    const Visitor& v = (i & 1) ? static_cast<const Visitor&>(heavy) : basic;
    sum += s->area() + 7 * s->perimeter() + s->accept(v);
    if ((i & 1023) == 0) s->grow(u32(i) & 7);
  }
  return int(sum);
}
