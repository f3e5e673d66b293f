// Confined path resolution: openat2(RESOLVE_BENEATH) with a portable component-walk fallback. See
// sandbox.h for the policy. Every failure to stay beneath the start directory is ENOTCAPABLE, the
// preview1 errno for "the capability does not allow this" (the guest asked for a path its preopen does
// not grant).
#include "host/wasi/sandbox.h"
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <deque>
#include <vector>
#include "host/wasi/fd_table.h"

namespace wi::wasi {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}
UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

std::atomic<bool> g_force_walk{false};
std::atomic<bool> g_openat2_missing{false};
constexpr int kMaxSymlinks = 40;  // Linux's MAXSYMLINKS

bool valid_utf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!len || i + len > n) return false;
    uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (int k = 1; k < len; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

// openat2 confined to dirfd. Returns -1 with errno set; ENOSYS means "not available here".
int sys_openat2_beneath(int dirfd, const std::string& path, int flags, mode_t mode) {
  struct open_how how {};
  how.flags = uint64_t(flags);
  how.mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    long r = syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how);
    // EAGAIN: a concurrent rename or mount raced the lookup; the kernel asks us to retry.
    if (r < 0 && errno == EAGAIN && attempt < 16) continue;
    return int(r);
  }
}

std::deque<std::string> split(std::string_view p) {
  std::deque<std::string> out;
  size_t i = 0;
  while (i < p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    if (j > i) out.emplace_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// readlinkat() into a string; false if `name` is not a symlink (or cannot be read).
bool read_link(int dir, const std::string& name, std::string& target) {
  char buf[4096];
  ssize_t n = readlinkat(dir, name.c_str(), buf, sizeof buf);
  if (n < 0 || size_t(n) >= sizeof buf) return false;
  target.assign(buf, size_t(n));
  return true;
}

// The portable walk. `stack` holds the directories from the start (borrowed, index 0) down to the
// current one; `..` pops and may never pop the start, which is what keeps the walk beneath it.
abi::Errno walk_open(int dirfd, std::string_view path, int flags, mode_t mode, UniqueFd& out) {
  if (path.empty()) return abi::kNoent;
  if (path.front() == '/') return abi::kNotCapable;
  bool must_dir = path.back() == '/';
  const bool follow_last = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
  std::deque<std::string> comps = split(path);
  if (comps.empty()) comps.push_back(".");
  std::vector<UniqueFd> stack;  // owned directories below the start
  auto cur = [&] { return stack.empty() ? dirfd : stack.back().get(); };
  int links = 0;

  auto expand = [&](const std::string& target) -> abi::Errno {
    if (++links > kMaxSymlinks) return abi::kLoop;
    if (target.empty()) return abi::kNoent;
    if (target.front() == '/') return abi::kNotCapable;  // absolute: means nothing beneath the start
    auto more = split(target);
    if (target.back() == '/' && comps.empty()) must_dir = true;
    comps.insert(comps.begin(), more.begin(), more.end());
    if (comps.empty()) comps.push_back(".");
    return abi::kSuccess;
  };

  while (!comps.empty()) {
    std::string c = std::move(comps.front());
    comps.pop_front();
    const bool last = comps.empty();
    if (c == "..") {
      if (stack.empty()) return abi::kNotCapable;
      stack.pop_back();
      if (last) c = ".";
      else continue;
    } else if (c == "." && !last) {
      continue;
    }
    if (!last) {
      int fd = openat(cur(), c.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0) {
        stack.emplace_back(fd);
        continue;
      }
      int err = errno;
      std::string target;
      if (err == ENOTDIR && read_link(cur(), c, target)) {
        if (abi::Errno e = expand(target)) return e;
        continue;
      }
      return errno_from_host(err);
    }
    // Last component. Symlinks are expanded by us, never by the kernel: we always pass O_NOFOLLOW.
    std::string target;
    if (follow_last && c != "." && read_link(cur(), c, target)) {
      if (abi::Errno e = expand(target)) return e;
      continue;
    }
    int f = flags | O_NOFOLLOW | O_CLOEXEC | (must_dir ? O_DIRECTORY : 0);
    if (c == ".") f &= ~(O_CREAT | O_EXCL);  // "." exists; the kernel would say EISDIR for O_CREAT
    int fd = openat(cur(), c.c_str(), f, mode);
    if (fd < 0) return errno_from_host(errno);
    out = UniqueFd(fd);
    return abi::kSuccess;
  }
  return abi::kNoent;
}

}  // namespace

void sandbox_force_portable_walk(bool on) { g_force_walk = on; }

abi::Errno validate_guest_path(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) return abi::kInval;
  if (!valid_utf8(path)) return abi::kIlseq;
  return abi::kSuccess;
}

abi::Errno open_beneath(int dirfd, std::string_view path, int flags, mode_t mode, UniqueFd& out) {
  if (abi::Errno e = validate_guest_path(path)) return e;
  if (path.empty()) return abi::kNoent;
  if (!g_force_walk && !g_openat2_missing) {
    int fd = sys_openat2_beneath(dirfd, std::string(path), flags | O_CLOEXEC, mode);
    if (fd >= 0) {
      out = UniqueFd(fd);
      return abi::kSuccess;
    }
    if (errno != ENOSYS) {
      // EXDEV is openat2's "resolution would leave the start directory" (absolute path, `..` too far,
      // or a symlink pointing out).
      return errno == EXDEV ? abi::kNotCapable : errno_from_host(errno);
    }
    g_openat2_missing = true;
  }
  return walk_open(dirfd, path, flags, mode, out);
}

abi::Errno open_parent(int dirfd, std::string_view path, ParentDir& out) {
  if (abi::Errno e = validate_guest_path(path)) return e;
  if (path.empty()) return abi::kNoent;
  if (path.front() == '/') return abi::kNotCapable;
  size_t end = path.size();
  while (end > 0 && path[end - 1] == '/') --end;
  out.trailing_slash = end < path.size();
  std::string_view p = path.substr(0, end);
  size_t slash = p.rfind('/');
  std::string_view dir = slash == std::string_view::npos ? std::string_view(".") : p.substr(0, slash);
  out.name = std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
  return open_beneath(dirfd, dir.empty() ? std::string_view(".") : dir, O_PATH | O_DIRECTORY, 0, out.dir);
}

abi::Errno symlink_target_beneath(int link_dir, dev_t root_dev, ino_t root_ino, std::string_view target) {
  if (!target.empty() && target.front() == '/') return abi::kNotCapable;
  // The depth of link_dir below the root: walk `..` until the root's inode (or the host's root, where
  // `..` is the directory itself: link_dir is then not beneath the root at all).
  long depth = 0;
  if (root_dev != 0 || root_ino != 0) {
    UniqueFd cur(fcntl(link_dir, F_DUPFD_CLOEXEC, 0));
    if (!cur) return errno_from_host(errno);
    struct stat st;
    if (fstat(cur.get(), &st) != 0) return errno_from_host(errno);
    while (st.st_dev != root_dev || st.st_ino != root_ino) {
      UniqueFd up(openat(cur.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (!up) return errno_from_host(errno);
      struct stat ust;
      if (fstat(up.get(), &ust) != 0) return errno_from_host(errno);
      if (ust.st_dev == st.st_dev && ust.st_ino == st.st_ino) return abi::kNotCapable;
      cur = std::move(up);
      st = ust;
      ++depth;
    }
  }
  for (const std::string& c : split(target)) {
    if (c == "..") {
      if (--depth < 0) return abi::kNotCapable;
    } else if (c != ".") {
      ++depth;
    }
  }
  return abi::kSuccess;
}

}  // namespace wi::wasi
