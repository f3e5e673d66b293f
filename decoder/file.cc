// read_module_file and read_module_fd (see file.h).
#include "decoder/file.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cctype>
#include <cerrno>
#include <cstring>
#include "fmt/format.h"

namespace wi {
namespace {

// strerror's text as the middle of a sentence: "No such file or directory" -> "no such file or directory".
std::string errno_text(int e) {
  std::string s = std::strerror(e);
  if (!s.empty()) s[0] = char(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

Result<std::vector<uint8_t>> read_module_fd(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return make_error(SIZE_MAX, errno_text(errno));
  if (S_ISDIR(st.st_mode)) return make_error(SIZE_MAX, "is a directory");
  if (!S_ISREG(st.st_mode)) return make_error(SIZE_MAX, "is not a regular file");
  if (uint64_t(st.st_size) > kMaxModuleFileSize)
    return make_error(SIZE_MAX, fmt::format("is {} bytes, over the {} MiB module file limit", uint64_t(st.st_size),
                                            kMaxModuleFileSize >> 20));
  std::vector<uint8_t> out(size_t(st.st_size));
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done, off_t(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(SIZE_MAX, errno_text(errno));
    if (n == 0) break;  // the file shrank while being read: take what is there
    done += size_t(n);
  }
  out.resize(done);
  return out;
}

Result<std::vector<uint8_t>> read_module_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return make_error(SIZE_MAX, errno_text(errno));
  auto r = read_module_fd(fd);
  ::close(fd);
  return r;
}

}  // namespace wi
