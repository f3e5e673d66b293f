// Freestanding output for the dylink.0 fixtures (no libc): WASI's fd_write declared by hand, and
// helpers to print strings and decimal numbers to stdout. Each module that includes it imports
// wasi_snapshot_preview1.fd_write itself and gets its own static copies of the helpers.
#pragma once

typedef struct {
  const void* buf;
  unsigned long len;
} dlfix_ciovec;

__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
int dlfix_fd_write(int fd, const dlfix_ciovec* iovs, unsigned long iovs_len, unsigned long* nwritten);

static unsigned long dlfix_strlen(const char* s) {
  unsigned long n = 0;
  while (s[n]) ++n;
  return n;
}

static void put_str(const char* s) {
  dlfix_ciovec iov = {s, dlfix_strlen(s)};
  unsigned long written;
  dlfix_fd_write(1, &iov, 1, &written);
}

static void put_int(int v) {
  char buf[12];
  int i = sizeof buf;
  unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;
  buf[--i] = 0;
  do buf[--i] = (char)('0' + u % 10); while (u /= 10);
  if (v < 0) buf[--i] = '-';
  put_str(buf + i);
}

// "<label><value>\n"
static void put_line(const char* label, int v) {
  put_str(label);
  put_int(v);
  put_str("\n");
}
