// JSON encoding of the `dyninfo` section with Boost.JSON. Entries are JSON arrays (positional, like
// the original loader's), members appear in a fixed order, and empty arrays are written too so a
// reader never has to guess a default.
// Policy: parse errors name the member and entry index; unknown members are ignored; a version other
// than kDynInfoVersion is refused.
#include "linker/dyninfo.h"
#include <boost/json.hpp>
#include <fmt/format.h>
#include <limits>

namespace json = boost::json;

namespace wi::link {

const char* to_string(SiteKind k) {
  switch (k) {
    case SiteKind::MemLeb: return "mem_leb";
    case SiteKind::MemSleb: return "mem_sleb";
    case SiteKind::TableSleb: return "table_sleb";
  }
  return "?";
}

std::optional<SiteKind> site_kind_from_string(std::string_view s) {
  if (s == "mem_leb") return SiteKind::MemLeb;
  if (s == "mem_sleb") return SiteKind::MemSleb;
  if (s == "table_sleb") return SiteKind::TableSleb;
  return std::nullopt;
}

namespace {

json::value to_value(const DynInfo& d) {
  json::object o;
  o["version"] = d.version;
  o["shared"] = d.shared;
  if (d.entry) o["entry"] = *d.entry;
  else o["entry"] = nullptr;
  json::array needed;
  for (auto& n : d.needed) needed.emplace_back(n);
  o["needed"] = std::move(needed);
  o["data"] = d.data;
  o["data_end"] = d.data_end;
  o["data_align"] = d.data_align;
  o["table_size"] = d.table_size;
  auto list = [&](const char* key, const auto& v, auto&& row) {
    json::array a;
    a.reserve(v.size());
    for (auto& e : v) a.emplace_back(row(e));
    o[key] = std::move(a);
  };
  using A = json::array;
  list("def", d.def, [](auto& e) { return A{e.name, e.addr, e.size}; });
  list("defun", d.defun, [](auto& e) { return A{e.name, e.func}; });
  list("ref", d.ref, [](auto& e) { return A{e.name, e.where, e.addend}; });
  list("refun", d.refun, [](auto& e) { return A{e.name, e.where}; });
  list("fixup", d.fixup, [](auto& e) { return A{e.where, e.target}; });
  list("fixupfun", d.fixupfun, [](auto& e) { return A{e.where, e.func}; });
  list("code_fixup", d.code_fixup, [](auto& e) { return A{e.where, to_string(e.kind), e.target}; });
  list("code_ref", d.code_ref, [](auto& e) { return A{e.where, to_string(e.kind), e.name, e.addend}; });
  list("init", d.init, [](auto& e) { return A{e.priority, e.func}; });
  list("weak", d.weak, [](auto& e) { return json::value(e); });
  if (!d.deftag.empty()) list("deftag", d.deftag, [](auto& e) { return json::value(e); });
  if (!d.custom_fixup.empty()) list("custom_fixup", d.custom_fixup, [](auto& e) { return A{e.where, e.target}; });
  return o;
}

// Top-level members one per line, arrays of entries one entry per line.
std::string pretty(const json::object& o) {
  std::string out = "{";
  bool first = true;
  for (auto& kv : o) {
    out += first ? "\n  " : ",\n  ";
    first = false;
    out += json::serialize(json::value(kv.key())) + ": ";
    const json::value& v = kv.value();
    if (v.is_array() && !v.get_array().empty() && v.get_array()[0].is_array()) {
      out += "[";
      bool f2 = true;
      for (auto& e : v.get_array()) {
        out += f2 ? "\n    " : ",\n    ";
        f2 = false;
        out += json::serialize(e);
      }
      out += "\n  ]";
    } else {
      out += json::serialize(v);
    }
  }
  out += "\n}\n";
  return out;
}

class Parser {
 public:
  explicit Parser(const json::object& o) : o_(o) {}

  Result<void> run(DynInfo& d) {
    WI_TRY_ASSIGN(d.version, u32_member("version", true));
    if (d.version != kDynInfoVersion)
      return err(fmt::format("version {} is not supported (this wi reads version {})", d.version,
                             kDynInfoVersion));
    if (auto* v = o_.if_contains("shared")) {
      if (!v->is_bool()) return err("'shared' must be true or false");
      d.shared = v->get_bool();
    }
    if (auto* v = o_.if_contains("entry"); v && !v->is_null()) {
      if (!v->is_string()) return err("'entry' must be a string or null");
      d.entry = std::string(v->get_string());
    }
    WI_TRY(strings("needed", d.needed));
    WI_TRY_ASSIGN(d.data, u32_member("data", false));
    WI_TRY_ASSIGN(d.data_end, u32_member("data_end", false));
    WI_TRY_ASSIGN(d.data_align, u32_member("data_align", false));
    if (!o_.if_contains("data_align")) d.data_align = 1;
    if (d.data_align == 0 || (d.data_align & (d.data_align - 1)))
      return err("'data_align' must be a power of two");
    if (d.data_end < d.data) return err("'data_end' is below 'data'");
    WI_TRY_ASSIGN(d.table_size, u32_member("table_size", false));

    WI_TRY(rows("def", 3, d.def, [&](const json::array& a, DynInfo::Def& e) -> Result<void> {
      WI_TRY_ASSIGN(e.name, str(a[0]));
      WI_TRY_ASSIGN(e.addr, u32(a[1]));
      WI_TRY_ASSIGN(e.size, u32(a[2]));
      return {};
    }));
    WI_TRY(rows("defun", 2, d.defun, [&](const json::array& a, DynInfo::DefFun& e) -> Result<void> {
      WI_TRY_ASSIGN(e.name, str(a[0]));
      WI_TRY_ASSIGN(e.func, u32(a[1]));
      return {};
    }));
    WI_TRY(rows("ref", 3, d.ref, [&](const json::array& a, DynInfo::Ref& e) -> Result<void> {
      WI_TRY_ASSIGN(e.name, str(a[0]));
      WI_TRY_ASSIGN(e.where, u32(a[1]));
      WI_TRY_ASSIGN(e.addend, i32(a[2]));
      return {};
    }));
    WI_TRY(rows("refun", 2, d.refun, [&](const json::array& a, DynInfo::RefFun& e) -> Result<void> {
      WI_TRY_ASSIGN(e.name, str(a[0]));
      WI_TRY_ASSIGN(e.where, u32(a[1]));
      return {};
    }));
    WI_TRY(rows("fixup", 2, d.fixup, [&](const json::array& a, DynInfo::Fixup& e) -> Result<void> {
      WI_TRY_ASSIGN(e.where, u32(a[0]));
      WI_TRY_ASSIGN(e.target, u32(a[1]));
      return {};
    }));
    WI_TRY(rows("fixupfun", 2, d.fixupfun, [&](const json::array& a, DynInfo::FixupFun& e) -> Result<void> {
      WI_TRY_ASSIGN(e.where, u32(a[0]));
      WI_TRY_ASSIGN(e.func, u32(a[1]));
      return {};
    }));
    WI_TRY(rows("code_fixup", 3, d.code_fixup, [&](const json::array& a, DynInfo::CodeFixup& e) -> Result<void> {
      WI_TRY_ASSIGN(e.where, u32(a[0]));
      WI_TRY_ASSIGN(e.kind, kind(a[1]));
      WI_TRY_ASSIGN(e.target, u32(a[2]));
      return {};
    }));
    WI_TRY(rows("code_ref", 4, d.code_ref, [&](const json::array& a, DynInfo::CodeRef& e) -> Result<void> {
      WI_TRY_ASSIGN(e.where, u32(a[0]));
      WI_TRY_ASSIGN(e.kind, kind(a[1]));
      WI_TRY_ASSIGN(e.name, str(a[2]));
      WI_TRY_ASSIGN(e.addend, i32(a[3]));
      return {};
    }));
    WI_TRY(rows("init", 2, d.init, [&](const json::array& a, DynInfo::Init& e) -> Result<void> {
      WI_TRY_ASSIGN(e.priority, u32(a[0]));
      WI_TRY_ASSIGN(e.func, u32(a[1]));
      return {};
    }));
    WI_TRY(strings("weak", d.weak));
    WI_TRY(strings("deftag", d.deftag));
    WI_TRY(rows("custom_fixup", 2, d.custom_fixup, [&](const json::array& a, DynInfo::CustomFixup& e) -> Result<void> {
      WI_TRY_ASSIGN(e.where, u32(a[0]));
      WI_TRY_ASSIGN(e.target, u32(a[1]));
      return {};
    }));
    return {};
  }

 private:
  Error err(std::string msg) const {
    std::string where = member_ ? fmt::format("'{}'", member_) : std::string();
    if (member_ && row_ >= 0) where += fmt::format("[{}]", row_);
    return make_error(SIZE_MAX, where.empty() ? "dyninfo: " + msg : "dyninfo: " + where + ": " + msg);
  }

  Result<int64_t> integer(const json::value& v, int64_t lo, int64_t hi) const {
    int64_t x;
    if (v.is_int64()) x = v.get_int64();
    else if (v.is_uint64() && v.get_uint64() <= uint64_t(hi)) x = int64_t(v.get_uint64());
    else return err("expected an integer");
    if (x < lo || x > hi) return err(fmt::format("{} is out of range", x));
    return x;
  }
  Result<uint32_t> u32(const json::value& v) const {
    WI_TRY_ASSIGN(int64_t x, integer(v, 0, std::numeric_limits<uint32_t>::max()));
    return uint32_t(x);
  }
  Result<int32_t> i32(const json::value& v) const {
    WI_TRY_ASSIGN(int64_t x, integer(v, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
    return int32_t(x);
  }
  Result<std::string> str(const json::value& v) const {
    if (!v.is_string()) return err("expected a string");
    return std::string(v.get_string());
  }
  Result<SiteKind> kind(const json::value& v) const {
    WI_TRY_ASSIGN(std::string s, str(v));
    auto k = site_kind_from_string(s);
    if (!k) return err(fmt::format("unknown site kind '{}'", s));
    return *k;
  }

  Result<uint32_t> u32_member(const char* key, bool required) {
    member_ = key;
    row_ = -1;
    auto* v = o_.if_contains(key);
    if (!v) {
      if (required) return err("missing");
      return 0u;
    }
    return u32(*v);
  }

  Result<void> strings(const char* key, std::vector<std::string>& out) {
    member_ = key;
    row_ = -1;
    auto* v = o_.if_contains(key);
    if (!v) return {};
    if (!v->is_array()) return err("expected an array of strings");
    for (auto& e : v->get_array()) {
      ++row_;
      WI_TRY_ASSIGN(std::string s, str(e));
      out.push_back(std::move(s));
    }
    return {};
  }

  template <class T, class F>
  Result<void> rows(const char* key, size_t arity, std::vector<T>& out, F&& fill) {
    member_ = key;
    row_ = -1;
    auto* v = o_.if_contains(key);
    if (!v) return {};
    if (!v->is_array()) return err("expected an array of entries");
    out.reserve(v->get_array().size());
    for (auto& e : v->get_array()) {
      ++row_;
      if (!e.is_array() || e.get_array().size() != arity)
        return err(fmt::format("expected an array of {} elements", arity));
      T t;
      WI_TRY(fill(e.get_array(), t));
      out.push_back(std::move(t));
    }
    return {};
  }

  const json::object& o_;
  const char* member_ = nullptr;
  int row_ = -1;
};

}  // namespace

std::string to_json(const DynInfo& info, bool pretty_print) {
  json::value v = to_value(info);
  if (pretty_print) return pretty(v.get_object());
  return json::serialize(v);
}

Result<DynInfo> parse_dyninfo(std::string_view text) {
  boost::system::error_code ec;
  // The DOM lives only while it is converted: an arena spares a malloc/free per string and array
  // (libc's dyninfo is ~80 KB of JSON, parsed at every start of a program linked with it).
  json::monotonic_resource arena;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec, &arena);
  if (ec) return make_error(SIZE_MAX, "dyninfo: malformed JSON: " + ec.message());
  if (!v.is_object()) return make_error(SIZE_MAX, "dyninfo: expected a JSON object");
  DynInfo d;
  Parser p(v.get_object());
  WI_TRY(p.run(d));
  return d;
}

Result<DynInfo> read_dyninfo(const Module& m) {
  const CustomSection* c = m.custom(kDynInfoSection);
  if (!c) return make_error(SIZE_MAX, "no 'dyninfo' section (make the module with wi wasmify)");
  auto r = parse_dyninfo(std::string_view(reinterpret_cast<const char*>(c->payload.data()), c->payload.size()));
  if (!r.ok()) {
    Error e = r.take_error();
    e.offset = c->offset;
    return e;
  }
  return r;
}

}  // namespace wi::link
