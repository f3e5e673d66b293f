// path_open's host open mode follows from the rights asked for, but rights are capabilities, not a
// mode: reopening a directory with the rights its preopen carries (fd_datasync among them, to hand on
// to files) must work, with or without O_DIRECTORY. Asking for fd_write on a directory is EISDIR (31),
// as in wasmtime and the official wasi-testsuite's path_open_preopen; so is O_CREAT on a directory.
// Files still open writable when a right needs it: fd_write, or fd_datasync alone.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static const __wasi_fd_t kRoot = 3;  // the first preopen: /sandbox

static __wasi_errno_t open_and_describe(const char* what, const char* path, __wasi_oflags_t oflags,
                                        __wasi_rights_t base, __wasi_rights_t inheriting, __wasi_fd_t* out) {
  __wasi_fd_t fd = 0;
  __wasi_errno_t e = __wasi_path_open(kRoot, 0, path, oflags, base, inheriting, 0, &fd);
  printf("%-44s -> %d", what, e);
  if (!e) {
    __wasi_fdstat_t st;
    (void)__wasi_fd_fdstat_get(fd, &st);
    printf(" type=%d", st.fs_filetype);
    if (out) *out = fd;
    else (void)__wasi_fd_close(fd);
  }
  printf("\n");
  return e;
}

int main(void) {
  __wasi_fdstat_t pre;
  (void)__wasi_fd_fdstat_get(kRoot, &pre);
  printf("preopen has fd_datasync: %d, fd_write: %d, inherits fd_write: %d\n",
         !!(pre.fs_rights_base & __WASI_RIGHTS_FD_DATASYNC), !!(pre.fs_rights_base & __WASI_RIGHTS_FD_WRITE),
         !!(pre.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE));

  __wasi_fd_t dot = 0;
  open_and_describe(". with the preopen's rights", ".", 0, pre.fs_rights_base, pre.fs_rights_inheriting, &dot);
  // The reopened directory is a working one: it lists, and opens files with the inherited rights.
  __wasi_fd_t f;
  printf("  open hello.txt under it for write: %d\n",
         __wasi_path_open(dot, 0, "hello.txt", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &f));
  (void)__wasi_fd_close(f);
  printf("  fd_datasync on it: %d\n", __wasi_fd_datasync(dot));
  (void)__wasi_fd_close(dot);
  open_and_describe(". O_DIRECTORY with the preopen's rights", ".", __WASI_OFLAGS_DIRECTORY, pre.fs_rights_base,
                    pre.fs_rights_inheriting, NULL);
  open_and_describe("subdir with fd_filestat_set_size", "subdir", 0,
                    __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE, 0, NULL);
  open_and_describe(". with no rights", ".", 0, 0, 0, NULL);
  open_and_describe(". O_DIRECTORY with fd_read", ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, NULL);
  // fd_write on a directory.
  open_and_describe(". O_DIRECTORY with fd_read|fd_write", ".", __WASI_OFLAGS_DIRECTORY,
                    __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, NULL);
  open_and_describe(". O_DIRECTORY with fd_write", ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_WRITE, 0, NULL);
  open_and_describe(". with fd_write", ".", 0, __WASI_RIGHTS_FD_WRITE, 0, NULL);
  open_and_describe("subdir O_CREAT with fd_datasync", "subdir", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_DATASYNC, 0,
                    NULL);
  // O_DIRECTORY still means a directory: a file is ENOTDIR (54), with or without fd_write.
  open_and_describe("hello.txt O_DIRECTORY", "hello.txt", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, NULL);
  open_and_describe("hello.txt O_DIRECTORY with fd_write", "hello.txt", __WASI_OFLAGS_DIRECTORY,
                    __WASI_RIGHTS_FD_WRITE, 0, NULL);

  // Files: fd_datasync alone still gets a writable host fd (no retry as read-only for a file).
  __wasi_fd_t file = 0;
  open_and_describe("hello.txt with fd_datasync|fd_read", "hello.txt", 0,
                    __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ, 0, &file);
  printf("  fd_datasync: %d\n", __wasi_fd_datasync(file));
  (void)__wasi_fd_close(file);
  open_and_describe("hello.txt with fd_write", "hello.txt", 0, __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK, 0,
                    &file);
  const char msg[] = "HELLO";
  __wasi_ciovec_t iov = {(const uint8_t*)msg, 5};
  __wasi_size_t n = 0;
  printf("  fd_write: %d n=%u\n", __wasi_fd_write(file, &iov, 1, &n), (unsigned)n);
  (void)__wasi_fd_close(file);
  char buf[32] = {0};
  FILE* fp = fopen("/sandbox/hello.txt", "r");
  printf("  hello.txt now: %s", fp && fgets(buf, sizeof buf, fp) ? buf : "(unreadable)\n");
  if (fp) fclose(fp);
  return 0;
}
