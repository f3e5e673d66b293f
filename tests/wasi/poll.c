// poll_oneoff: no subscriptions (EINVAL = 28), relative and absolute clock timeouts (only the expired
// one fires), fd readiness on a regular file and stdout, a bad fd (an event with EBADF = 8, not a
// failed call), an unknown clock (event with EINVAL), and libc's poll()/nanosleep on top.
// node: differs in several places, all uvwasi bugs or gaps (node 20.20): an absolute realtime deadline
// fires at once instead of waiting, an absolute monotonic deadline in the past hangs forever, a bad fd
// is ignored (the 5 s clock fires instead of an EBADF event), a regular file makes the whole call fail
// with EPERM, an unknown clock id is accepted, and bad pointers are EOVERFLOW. The relative clock,
// stdout readiness, libc poll() and usleep lines agree.
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

static __wasi_timestamp_t now(__wasi_clockid_t id) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(id, 0, &t);
  return t;
}

static void clock_sub(__wasi_subscription_t* s, __wasi_userdata_t ud, __wasi_clockid_t id, __wasi_timestamp_t timeout,
                      __wasi_subclockflags_t flags) {
  memset(s, 0, sizeof *s);
  s->userdata = ud;
  s->u.tag = __WASI_EVENTTYPE_CLOCK;
  s->u.u.clock.id = id;
  s->u.u.clock.timeout = timeout;
  s->u.u.clock.flags = flags;
}

static void fd_sub(__wasi_subscription_t* s, __wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
  memset(s, 0, sizeof *s);
  s->userdata = ud;
  s->u.tag = type;
  s->u.u.fd_read.file_descriptor = fd;
}

static void show(const char* what, __wasi_errno_t e, __wasi_event_t* ev, __wasi_size_t n) {
  printf("%s: errno=%d nevents=%u", what, e, (unsigned)n);
  for (unsigned i = 0; i < n && !e; ++i)
    printf(" {userdata=%llu error=%d type=%d}", (unsigned long long)ev[i].userdata, ev[i].error, ev[i].type);
  printf("\n");
}

int main(void) {
  __wasi_subscription_t subs[4];
  __wasi_event_t ev[4];
  __wasi_size_t n = 0;

  __wasi_errno_t e = __wasi_poll_oneoff(subs, ev, 0, &n);
  printf("no subscriptions: errno=%d\n", e);

  __wasi_timestamp_t t0 = now(__WASI_CLOCKID_MONOTONIC);
  clock_sub(&subs[0], 7, __WASI_CLOCKID_MONOTONIC, 30000000, 0);  // 30 ms relative
  e = __wasi_poll_oneoff(subs, ev, 1, &n);
  show("relative 30ms", e, ev, n);
  printf("  waited>=30ms=%d\n", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 30000000);

  t0 = now(__WASI_CLOCKID_MONOTONIC);
  clock_sub(&subs[0], 1, __WASI_CLOCKID_REALTIME, now(__WASI_CLOCKID_REALTIME) + 20000000,
            __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  clock_sub(&subs[1], 2, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);  // 5 s: must not fire
  e = __wasi_poll_oneoff(subs, ev, 2, &n);
  show("absolute 20ms vs relative 5s", e, ev, n);
  printf("  waited>=20ms=%d waited<5s=%d\n", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 20000000,
         now(__WASI_CLOCKID_MONOTONIC) - t0 < 5000000000ull);

  clock_sub(&subs[0], 3, __WASI_CLOCKID_MONOTONIC, 0, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  e = __wasi_poll_oneoff(subs, ev, 1, &n);
  show("absolute deadline in the past", e, ev, n);

  fd_sub(&subs[0], 10, __WASI_EVENTTYPE_FD_WRITE, 1);
  clock_sub(&subs[1], 11, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  e = __wasi_poll_oneoff(subs, ev, 2, &n);
  show("stdout writable", e, ev, n);

  fd_sub(&subs[0], 20, __WASI_EVENTTYPE_FD_READ, 99);
  clock_sub(&subs[1], 21, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  e = __wasi_poll_oneoff(subs, ev, 2, &n);
  show("bad fd", e, ev, n);

  int fd = open("/sandbox/hello.txt", O_RDONLY);
  fd_sub(&subs[0], 30, __WASI_EVENTTYPE_FD_READ, fd);
  e = __wasi_poll_oneoff(subs, ev, 1, &n);
  show("regular file readable", e, ev, n);
  if (!e && n == 1) printf("  nbytes=%llu\n", (unsigned long long)ev[0].fd_readwrite.nbytes);
  char buf[5];
  if (read(fd, buf, 5) != 5) printf("short read\n");
  e = __wasi_poll_oneoff(subs, ev, 1, &n);
  if (!e && n == 1) printf("  after reading 5: nbytes=%llu\n", (unsigned long long)ev[0].fd_readwrite.nbytes);
  close(fd);

  clock_sub(&subs[0], 40, 77, 1000, 0);
  e = __wasi_poll_oneoff(subs, ev, 1, &n);
  show("unknown clock id", e, ev, n);

  printf("poll bad out ptr: errno=%d\n", __wasi_poll_oneoff(subs, (__wasi_event_t*)0xfffffff0u, 1, &n));

  t0 = now(__WASI_CLOCKID_MONOTONIC);
  int r = poll(0, 0, 15);
  printf("libc poll(15ms)=%d waited>=15ms=%d\n", r, now(__WASI_CLOCKID_MONOTONIC) - t0 >= 15000000);
  t0 = now(__WASI_CLOCKID_MONOTONIC);
  usleep(10000);
  printf("usleep(10ms) waited>=10ms=%d\n", now(__WASI_CLOCKID_MONOTONIC) - t0 >= 10000000);
  return 0;
}
