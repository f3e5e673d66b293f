// Writing and reading the recording format (recording.h; layout in docs/record-replay.md).
#include "host/replay/recording.h"
#include <cctype>
#include <cerrno>
#include <cstring>
#include "decoder/file.h"
#include "fmt/format.h"

namespace wi::replay {
namespace {

constexpr uint8_t kTagCall = 'C', kTagEnd = 'E';
constexpr uint8_t kFlagTrapped = 1, kFlagOutput = 2;
// Bounds on what a well-formed file holds; anything larger is corruption, not a reason to allocate.
constexpr uint32_t kMaxName = 4096;       // function and module names, setting keys
constexpr uint32_t kMaxValue = 1u << 24;  // setting values (argument lists), trap messages
constexpr uint32_t kMaxArgs = 16;

}  // namespace

Writer::~Writer() {
  if (f_) std::fclose(f_);
}

Result<void> Writer::open(const std::string& path) {
  path_ = path;
  f_ = std::fopen(path.c_str(), "wb");
  if (!f_) {
    std::string why = std::strerror(errno);
    why[0] = char(std::tolower(static_cast<unsigned char>(why[0])));
    return make_error(SIZE_MAX, fmt::format("{}: {}", path, why));
  }
  return {};
}

void Writer::put(const void* p, size_t n) {
  if (!f_ || n == 0) return;
  sum_ = fnv1a(p, n, sum_);
  if (std::fwrite(p, 1, n, f_) != n) failed_ = true;
}

void Writer::str(std::string_view s) {
  u32(uint32_t(s.size()));
  put(s.data(), s.size());
}

void Writer::header(const Header& h) {
  put(kMagic, sizeof kMagic);
  u32(h.version);
  u32(uint32_t(h.settings.size()));
  for (auto& [k, v] : h.settings) {
    str(k);
    str(v);
  }
  u32(uint32_t(h.modules.size()));
  for (const ModuleHash& m : h.modules) {
    str(m.name);
    u64(m.hash);
  }
}

void Writer::event(const Event& e) {
  ++events_;
  u8(kTagCall);
  str(e.func);
  u8(uint8_t(e.args.size()));
  for (uint64_t a : e.args) u64(a);
  u8(uint8_t((e.trapped ? kFlagTrapped : 0) | (e.output ? kFlagOutput : 0)));
  if (e.trapped) {
    u32(e.trap_kind);
    u32(uint32_t(e.exit_code));
    str(e.trap_message);
  } else {
    u64(e.result);
  }
  if (e.output) {
    u8(e.out_stream);
    u32(e.out_len);
    u64(e.out_hash);
  }
  u32(uint32_t(e.regions.size()));
  for (const Region& r : e.regions) {
    u32(r.ptr);
    u32(uint32_t(r.bytes.size()));
    put(r.bytes.data(), r.bytes.size());
  }
  u32(uint32_t(e.modules.size()));
  for (const ModuleHash& m : e.modules) {
    str(m.name);
    u64(m.hash);
  }
}

Result<void> Writer::finish(int32_t exit_status) {
  if (!f_) return make_error(SIZE_MAX, fmt::format("{}: not open", path_));
  u8(kTagEnd);
  u64(events_);
  u32(uint32_t(exit_status));
  uint64_t sum = sum_;
  put(&sum, 8);
  bool bad = failed_ || std::fflush(f_) != 0;
  bad = std::fclose(f_) != 0 || bad;
  f_ = nullptr;
  if (bad) return make_error(SIZE_MAX, fmt::format("{}: could not be written completely", path_));
  return {};
}

namespace {

// A bounds-checked cursor; the first failure sticks, with its offset and a description.
class Reader {
 public:
  explicit Reader(const std::vector<uint8_t>& b) : b_(b) {}
  size_t pos() const { return pos_; }
  size_t left() const { return b_.size() - pos_; }
  bool ok() const { return err_.empty(); }
  const std::string& error() const { return err_; }
  size_t error_at() const { return err_at_; }

  bool fail(std::string what) {
    if (ok()) {
      err_ = std::move(what);
      err_at_ = pos_;
    }
    return false;
  }
  bool bytes(void* out, size_t n) {
    if (!ok()) return false;
    if (n > left()) return fail("truncated");
    if (n) std::memcpy(out, b_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  uint8_t u8() {
    uint8_t v = 0;
    bytes(&v, 1);
    return v;
  }
  uint32_t u32() {
    uint32_t v = 0;
    bytes(&v, 4);
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    bytes(&v, 8);
    return v;
  }
  std::string str(uint32_t max, const char* what) {
    uint32_t n = u32();
    if (!ok()) return {};
    if (n > max) {
      pos_ -= 4;
      fail(fmt::format("{} of {} bytes is over the limit of {}", what, n, max));
      return {};
    }
    if (n > left()) return fail("truncated"), std::string();
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), n);
    pos_ += n;
    return s;
  }
  // A count of items each at least `min_size` bytes long: more than the bytes left is corruption.
  uint32_t count(size_t min_size, const char* what) {
    uint32_t n = u32();
    if (ok() && uint64_t(n) * min_size > left()) {
      pos_ -= 4;
      fail(uint64_t(n) * min_size > left() + 4096 ? fmt::format("{} count {} is larger than the file", what, n)
                                                   : std::string("truncated"));
      return 0;
    }
    return n;
  }

 private:
  const std::vector<uint8_t>& b_;
  size_t pos_ = 0;
  std::string err_;
  size_t err_at_ = 0;
};

void read_modules(Reader& r, std::vector<ModuleHash>& out) {
  uint32_t n = r.count(12, "module");
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    ModuleHash m;
    m.name = r.str(kMaxName, "a module name");
    m.hash = r.u64();
    out.push_back(std::move(m));
  }
}

void read_event(Reader& r, Event& e) {
  e.func = r.str(kMaxName, "a function name");
  uint8_t nargs = r.u8();
  if (r.ok() && nargs > kMaxArgs) {
    r.fail(fmt::format("{} arguments (at most {})", nargs, kMaxArgs));
    return;
  }
  for (uint8_t i = 0; i < nargs && r.ok(); ++i) e.args.push_back(r.u64());
  uint8_t flags = r.u8();
  if (r.ok() && (flags & ~(kFlagTrapped | kFlagOutput))) {
    r.fail(fmt::format("unknown event flags 0x{:x}", flags));
    return;
  }
  e.trapped = flags & kFlagTrapped;
  e.output = flags & kFlagOutput;
  if (e.trapped) {
    e.trap_kind = r.u32();
    e.exit_code = int32_t(r.u32());
    e.trap_message = r.str(kMaxValue, "a trap message");
  } else {
    e.result = r.u64();
  }
  if (e.output) {
    e.out_stream = r.u8();
    if (r.ok() && e.out_stream > 2) {
      r.fail(fmt::format("output stream {} (0, 1 or 2)", e.out_stream));
      return;
    }
    e.out_len = r.u32();
    e.out_hash = r.u64();
  }
  uint32_t nregions = r.count(8, "region");
  for (uint32_t i = 0; i < nregions && r.ok(); ++i) {
    Region g;
    g.ptr = r.u32();
    uint32_t len = r.u32();
    if (!r.ok()) return;
    if (len > r.left()) {
      r.fail("truncated");
      return;
    }
    g.bytes.resize(len);
    r.bytes(g.bytes.data(), len);
    e.regions.push_back(std::move(g));
  }
  read_modules(r, e.modules);
}

}  // namespace

Result<Recording> parse_recording(const std::vector<uint8_t>& bytes, const std::string& name) {
  Recording rec;
  Reader r(bytes);
  auto error = [&](const std::string& where) {
    std::string what = r.error() == "truncated" ? fmt::format("truncated at byte {}", r.error_at())
                                                : fmt::format("corrupt at byte {}: {}", r.error_at(), r.error());
    return make_error(r.error_at(), fmt::format("{}: {}{}", name, what, where));
  };
  char magic[8] = {};
  if (bytes.size() < sizeof magic || (r.bytes(magic, 8), std::memcmp(magic, kMagic, 8) != 0))
    return make_error(0, fmt::format("{}: not a wi recording (no WIREPLAY magic)", name));
  rec.header.version = r.u32();
  if (r.ok() && rec.header.version != kFormatVersion)
    return make_error(8, fmt::format("{}: recording format version {}, this wi reads version {}", name,
                                     rec.header.version, kFormatVersion));
  uint32_t nsettings = r.count(8, "setting");
  for (uint32_t i = 0; i < nsettings && r.ok(); ++i) {
    std::string k = r.str(kMaxName, "a setting name");
    std::string v = r.str(kMaxValue, "a setting value");
    rec.header.settings.emplace_back(std::move(k), std::move(v));
  }
  read_modules(r, rec.header.modules);
  if (!r.ok()) return error(" (in the header)");
  for (;;) {
    uint8_t tag = r.u8();
    if (!r.ok()) return error(fmt::format(" (before event {}; no end record)", rec.events.size() + 1));
    if (tag == kTagEnd) break;
    if (tag != kTagCall) {
      r.fail(fmt::format("unknown record tag 0x{:02x}", tag));
      return error(fmt::format(" (event {})", rec.events.size() + 1));
    }
    Event e;
    read_event(r, e);
    if (!r.ok()) return error(fmt::format(" (in event {})", rec.events.size() + 1));
    rec.events.push_back(std::move(e));
  }
  uint64_t count = r.u64();
  rec.exit_status = int32_t(r.u32());
  size_t sum_at = r.pos();
  uint64_t sum = r.u64();
  if (!r.ok()) return error(" (in the end record)");
  if (count != rec.events.size())
    return make_error(sum_at, fmt::format("{}: corrupt: the end record counts {} events, the file holds {}", name,
                                          count, rec.events.size()));
  if (r.left()) return make_error(r.pos(), fmt::format("{}: corrupt: {} bytes after the end record", name, r.left()));
  if (fnv1a(bytes.data(), sum_at) != sum)
    return make_error(sum_at, fmt::format("{}: corrupt: checksum mismatch (the file changed after it was written)", name));
  return rec;
}

Result<Recording> read_recording(const std::string& path) {
  auto bytes = read_module_file(path);
  if (!bytes) return make_error(SIZE_MAX, fmt::format("{}: {}", path, bytes.error().message));
  return parse_recording(*bytes, path);
}

}  // namespace wi::replay
