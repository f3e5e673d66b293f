// read_whole_file (see file.h).
#include "decoder/file.h"
#include <sys/stat.h>
#include <cstdio>

namespace wi {

bool read_whole_file(const std::string& path, std::vector<uint8_t>& out) {
  out.clear();
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  struct stat st;
  bool ok = fstat(fileno(f), &st) == 0;
  if (ok && S_ISREG(st.st_mode)) {
    out.resize(size_t(st.st_size));
    ok = std::fread(out.data(), 1, out.size(), f) == out.size();
  } else if (ok) {  // a pipe or device: read until the end
    uint8_t buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
    ok = !std::ferror(f);
  }
  std::fclose(f);
  if (!ok) out.clear();
  return ok;
}

}  // namespace wi
