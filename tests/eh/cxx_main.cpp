// C++ exceptions across two shared libraries (libpipe.wasm calls libparse.wasm): catch by base
// class, by a second base (adjusted pointer), by pointer, int and const char*; rethrow; a new throw
// from a handler; destructors during unwinding; under wi and under node.
#include <stdio.h>
#include "errors.h"

struct Guard {
  int kind;
  ~Guard() { printf("    ~Guard(%d) uncaught=%d\n", kind, std::uncaught_exceptions()); }
};

static void run(int kind) {
  printf("case %d\n", kind);
  try {
    Guard g{kind};
    int r = run_stage(kind);
    printf("  returned %d\n", r);
  } catch (ParseError &e) {
    printf("  caught ParseError& code %d line %d what %s\n", e.code, e.line, e.what());
  } catch (Loggable &l) {
    Error *as_error = dynamic_cast<Error *>(&l);  // cross-cast from the second base
    printf("  caught Loggable& tag %s, as Error: %s code %d\n", l.tag(), as_error ? as_error->what() : "null",
           as_error ? as_error->code : -1);
  } catch (Error &e) {
    printf("  caught Error& what %s code %d\n", e.what(), e.code);
  } catch (Error *p) {
    printf("  caught Error* what %s code %d\n", p->what(), p->code);
    delete p;
  } catch (const char *s) {
    printf("  caught const char* \"%s\"\n", s);
  } catch (...) {
    printf("  caught (...)\n");
  }
}

static int nested_rethrows() {
  int seen = 0;
  try {
    try {
      parse_or_throw(3);
    } catch (Error &e) {
      ++seen;
      try {
        throw;  // rethrow inside a nested try
      } catch (IoError &inner) {
        seen += inner.code == 3;
        throw ParseError(inner.code * 10, 1);
      }
    }
  } catch (ParseError &p) {
    seen += p.code == 30;
  }
  return seen;
}

static void maybe_throw(int i) {
  if (i % 3 == 0) throw IoError(i);
}

int main() {
  for (int kind = 0; kind <= 8; ++kind) run(kind);
  printf("nested rethrows: %d of 3\n", nested_rethrows());
  long sum = 0;
  for (int i = 0; i < 20000; ++i) {
    try {
      maybe_throw(i);
    } catch (Error &e) {
      sum += e.code;
    }
  }
  printf("20000 iterations: sum %ld\n", sum);
  printf("live errors at the end: %d, uncaught %d\n", live_errors(), std::uncaught_exceptions());
  return 0;
}
