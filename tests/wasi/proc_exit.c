// proc_exit called directly: nothing after it runs, unflushed stdio buffers are lost (no libc exit
// path), and the status is the runner's. Also proc_raise, which is not supported: ENOSYS (52), and
// sched_yield, which succeeds.
// EXIT: 3
// node: agrees (node 20's uvwasi also answers ENOSYS for proc_raise).
#include <stdint.h>
#include <stdio.h>
#include <wasi/api.h>

// This wasi-libc no longer declares proc_raise; import it by hand. Signal 27 is WASI's `winch`, whose
// default action is to be ignored, so a runtime that does raise it survives.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t raw_proc_raise(int32_t sig);

int main(void) {
  printf("sched_yield: errno=%d\n", __wasi_sched_yield());
  printf("proc_raise(winch): errno=%d\n", raw_proc_raise(27));
  fflush(stdout);
  printf("lost: never flushed\n");
  __wasi_proc_exit(3);
}
