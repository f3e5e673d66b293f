#include <stdio.h>
#include "errors.h"

static int live;
int live_errors() { return live; }

Tracer::Tracer(const char *n) : name(n) {}
Tracer::~Tracer() { printf("    ~Tracer(%s) uncaught=%d\n", name, std::uncaught_exceptions()); }

Error::Error(int c) : code(c) { ++live; }
Error::Error(const Error &other) : code(other.code) { ++live; }
Error::~Error() { --live; }
const char *Error::what() const { return "Error"; }
ParseError::ParseError(int c, int l) : Error(c), line(l) {}
const char *ParseError::what() const { return "ParseError"; }
IoError::IoError(int c) : Error(c) {}
const char *IoError::what() const { return "IoError"; }
Loggable::~Loggable() {}
const char *Loggable::tag() const { return "loggable"; }
NetError::NetError(int c) : IoError(c) {}
const char *NetError::what() const { return "NetError"; }
const char *NetError::tag() const { return "net"; }

int parse_or_throw(int kind) {
  Tracer t("parse");
  switch (kind) {
    case 1: throw ParseError(10, 42);
    case 2: throw IoError(2);
    case 3: throw IoError(3);
    case 4: throw NetError(4);
    case 5: throw 55;
    case 6: throw "a string";
    case 7: throw new ParseError(7, 7);
    case 8: throw Error(8);
    default: return 100 + kind;
  }
}
