// sock_accept, sock_recv, sock_send, sock_shutdown. Preview1 guests cannot create sockets, and under
// run_test.sh no descriptor is one, so this checks the error paths: EBADF (8) for a closed fd,
// ENOTSOCK (57) for stdin (/dev/null) and for a regular file, EFAULT (21) is not reached before the
// fd checks. The socket paths themselves are covered by tests/wasi/test_wasi_host.cc (a socketpair
// lent as stdin).
// node: differs — node 20.20 agrees on EBADF for the closed fd except sock_shutdown (ENOTSUP), then
// segfaults in sock_recv on stdin.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <wasi/api.h>

int main(void) {
  char buf[16];
  __wasi_iovec_t iov = {(uint8_t*)buf, sizeof buf};
  __wasi_ciovec_t ciov = {(const uint8_t*)"hi", 2};
  __wasi_size_t n = 0;
  __wasi_roflags_t ro = 0;
  __wasi_fd_t fd = 0;
  int file = open("/sandbox/hello.txt", O_RDONLY);
  int fds[3] = {99, 0, file};
  const char* names[3] = {"closed fd", "stdin", "regular file"};
  for (int i = 0; i < 3; ++i) {
    printf("%s: accept=%d recv=%d send=%d shutdown=%d\n", names[i], __wasi_sock_accept(fds[i], 0, &fd),
           __wasi_sock_recv(fds[i], &iov, 1, 0, &n, &ro), __wasi_sock_send(fds[i], &ciov, 1, 0, &n),
           __wasi_sock_shutdown(fds[i], __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR));
  }
  close(file);
  return 0;
}
