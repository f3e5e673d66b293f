// The exception classes of the C++ test: defined (key functions, so vtables and type_info) in
// libparse.wasm, thrown there and in libpipe.wasm, caught in all three modules.
#pragma once
namespace std {
int uncaught_exceptions() noexcept;  // wi's C++ runtime (libwi++.wasm); no <exception> header here
}

struct Tracer {  // prints when it is destroyed, during unwinding or not
  const char *name;
  explicit Tracer(const char *n);
  ~Tracer();
};

struct Error {
  int code;
  explicit Error(int c);
  Error(const Error &other);
  virtual ~Error();
  virtual const char *what() const;
};
struct ParseError : Error {
  int line;
  ParseError(int c, int l);
  const char *what() const override;
};
struct IoError : Error {
  explicit IoError(int c);
  const char *what() const override;
};
struct Loggable {
  virtual ~Loggable();
  virtual const char *tag() const;
};
// Multiple inheritance: a handler for Loggable& gets a pointer adjusted to that base.
struct NetError : IoError, Loggable {
  explicit NetError(int c);
  const char *what() const override;
  const char *tag() const override;
};

int live_errors();  // Error objects alive: 0 once every exception has been destroyed

// libparse: throws what `kind` says (0: returns normally).
int parse_or_throw(int kind);
// libpipe: a stage that catches some errors, rethrows others, translates some.
int run_stage(int kind);
