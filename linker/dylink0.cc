// Decoding of the `dylink.0` custom section (tool-conventions DynamicLinking.md,
// https://github.com/WebAssembly/tool-conventions/blob/main/DynamicLinking.md): a sequence of
// subsections `u8 type, varuint32 size, size bytes`. Each known subsection is read with its own bounded
// Reader, so a field cannot run into the next subsection and leftover bytes are reported.
#include "linker/dylink0.h"
#include <fmt/format.h>
#include "decoder/reader.h"

namespace wi::link {

namespace {

const char* subsection_name(uint8_t type) {
  switch (type) {
    case kDylinkMemInfo: return "MEM_INFO";
    case kDylinkNeeded: return "NEEDED";
    case kDylinkExportInfo: return "EXPORT_INFO";
    case kDylinkImportInfo: return "IMPORT_INFO";
    case kDylinkRuntimePath: return "RUNTIME_PATH";
  }
  return "unknown";
}

// Reads one field, turning a reader error into "dylink.0 <SUB>: expected <what>: <reason>" (no <SUB>
// when `sub` is empty: the section level).
template <class T>
Result<T> field(Result<T> r, const char* sub, const std::string& what) {
  if (r.ok()) return r;
  Error e = r.take_error();
  e.message = fmt::format("dylink.0{}{}: expected {}: {}", *sub ? " " : "", sub, what, e.message);
  return e;
}

Result<std::vector<std::string>> read_names(Reader& r, const char* sub, const char* what) {
  WI_TRY_ASSIGN(uint32_t count, field(r.u32(), sub, fmt::format("the {} count (varuint32)", what)));
  std::vector<std::string> out;
  for (uint32_t i = 0; i < count; ++i) {
    WI_TRY_ASSIGN(std::string s, field(r.name(), sub, fmt::format("{} {} of {} (string)", what, i, count)));
    out.push_back(std::move(s));
  }
  return out;
}

Result<void> read_subsection(uint8_t type, Reader& r, DylinkInfo& info) {
  const char* sub = subsection_name(type);
  switch (type) {
    case kDylinkMemInfo: {
      WI_TRY_ASSIGN(info.memory_size, field(r.u32(), sub, "memorysize (varuint32)"));
      WI_TRY_ASSIGN(info.memory_align, field(r.u32(), sub, "memoryalignment (varuint32)"));
      WI_TRY_ASSIGN(info.table_size, field(r.u32(), sub, "tablesize (varuint32)"));
      WI_TRY_ASSIGN(info.table_align, field(r.u32(), sub, "tablealignment (varuint32)"));
      if (info.memory_align >= 32 || info.table_align >= 32)
        return r.error(fmt::format("dylink.0 {}: expected alignments below 32 (log2), got {} and {}", sub,
                                   info.memory_align, info.table_align));
      break;
    }
    case kDylinkNeeded: {
      WI_TRY_ASSIGN(auto names, read_names(r, sub, "library name"));
      info.needed.insert(info.needed.end(), names.begin(), names.end());
      break;
    }
    case kDylinkRuntimePath: {
      WI_TRY_ASSIGN(auto names, read_names(r, sub, "path"));
      info.runtime_path.insert(info.runtime_path.end(), names.begin(), names.end());
      break;
    }
    case kDylinkExportInfo: {
      WI_TRY_ASSIGN(uint32_t count, field(r.u32(), sub, "the entry count (varuint32)"));
      for (uint32_t i = 0; i < count; ++i) {
        WI_TRY_ASSIGN(std::string name, field(r.name(), sub, fmt::format("the name of entry {} (string)", i)));
        WI_TRY_ASSIGN(uint32_t flags, field(r.u32(), sub, fmt::format("the flags of entry {} (varuint32)", i)));
        info.export_info[std::move(name)] = flags;
      }
      break;
    }
    case kDylinkImportInfo: {
      WI_TRY_ASSIGN(uint32_t count, field(r.u32(), sub, "the entry count (varuint32)"));
      for (uint32_t i = 0; i < count; ++i) {
        WI_TRY_ASSIGN(std::string module, field(r.name(), sub, fmt::format("the module of entry {} (string)", i)));
        WI_TRY_ASSIGN(std::string name, field(r.name(), sub, fmt::format("the field of entry {} (string)", i)));
        WI_TRY_ASSIGN(uint32_t flags, field(r.u32(), sub, fmt::format("the flags of entry {} (varuint32)", i)));
        info.import_info[{std::move(module), std::move(name)}] = flags;
      }
      break;
    }
  }
  if (!r.at_end())
    return r.error(fmt::format("dylink.0 {}: expected the subsection to end after its fields ({} bytes left over)",
                               sub, r.remaining()));
  return {};
}

}  // namespace

bool has_dylink0(const Module& m) { return m.custom(kDylink0Section) != nullptr; }

Result<DylinkInfo> parse_dylink0(std::span<const uint8_t> payload, size_t base_offset) {
  DylinkInfo info;
  Reader r(payload, base_offset);
  while (!r.at_end()) {
    const size_t start = r.offset();
    WI_TRY_ASSIGN(uint8_t type, field(r.u8(), "", "a subsection type (u8)"));
    WI_TRY_ASSIGN(uint32_t size, field(r.u32(), "", "a subsection size (varuint32)"));
    if (size > r.remaining())
      return r.error_at(start, fmt::format("dylink.0: expected {} bytes of subsection {} ({}), only {} remain",
                                           size, type, subsection_name(type), r.remaining()));
    WI_TRY_ASSIGN(auto body, r.bytes(size));
    if (type < kDylinkMemInfo || type > kDylinkRuntimePath) continue;  // unknown: skipped
    Reader sub(body, r.offset() - size);
    WI_TRY(read_subsection(type, sub, info));
  }
  return info;
}

Result<DylinkInfo> read_dylink0(const Module& m) {
  const CustomSection* found = nullptr;
  for (auto& c : m.customs) {
    if (c.name != kDylink0Section) continue;
    if (found) return make_error(c.offset, "dylink.0: expected one dylink.0 section, found a second one");
    found = &c;
  }
  if (!found) return make_error(SIZE_MAX, "no 'dylink.0' section (not a dynamic library or PIE module)");
  return parse_dylink0(found->payload, found->offset);
}

}  // namespace wi::link
