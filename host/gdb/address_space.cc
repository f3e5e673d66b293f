// AddressSpace: ProcessWasm's addresses over a Store (host/gdb/address_space.h).
#include "host/gdb/address_space.h"
#include <algorithm>
#include <climits>
#include <cstdlib>
#include "fmt/format.h"

namespace wi::gdb {
namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

uint32_t AddressSpace::module_id(const Instance* inst) {
  auto it = ids_.find(inst);
  if (it != ids_.end()) return it->second;
  uint32_t n = 0;
  for (const Instance& k : store_->instances()) {
    ids_.try_emplace(&k, n);
    ++n;
  }
  it = ids_.find(inst);
  return it == ids_.end() ? UINT32_MAX : it->second;
}

const Instance* AddressSpace::instance_by_id(uint64_t id) const {
  const auto& all = store_->instances();
  return id < all.size() ? &all[size_t(id)] : nullptr;
}

// The file each module came from, as LLDB should look for it (it reads the module's bytes through
// `m` at its code address when it cannot open the file). A module whose DWARF the linker relocated
// (its data addresses moved to where its data landed) must be read through `m`, since its file
// still holds link addresses: it is named FILE/NAME, a path below the file itself that no host can
// open, which keeps the base name backtraces show.
std::string AddressSpace::module_file(const Instance& inst) const {
  std::string path = inst.module->file_name;
  bool relocated = false;
  if (linker_) {
    for (const auto& f : linker_->loaded_files())
      if (f.instance == &inst) path = f.path, relocated = f.relocated_debug;
  }
  if (char* real = ::realpath(path.c_str(), nullptr)) {
    path = real;
    std::free(real);
  }
  if (relocated) path += "/" + path.substr(path.rfind('/') + 1);
  return path;
}

std::string AddressSpace::library_list() {
  std::string xml = "<library-list>";
  uint32_t id = 0;
  for (const Instance& inst : store_->instances()) {
    module_id(&inst);
    xml += fmt::format("<library name=\"{}\"><section address=\"0x{:x}\"/></library>", xml_escape(module_file(inst)),
                       kCodeSpace | uint64_t(id) << 32);
    ++id;
  }
  return xml + "</library-list>";
}

Memory* AddressSpace::memory_of(const Instance* inst) const {
  if (linker_ && linker_->memory()) return linker_->memory();
  if (inst && !inst->memories.empty()) return inst->memories[0];
  for (const Instance& k : store_->instances())
    if (!k.memories.empty()) return k.memories[0];
  return nullptr;
}

std::string AddressSpace::xfer(const std::string& doc, std::string_view args) {
  auto [o, l] = split_at(args, ',');
  auto off = parse_hex(o), len = parse_hex(l);
  if (!off || !len) return "E01";
  if (*off > doc.size()) return "E01";
  uint64_t n = std::min<uint64_t>({*len, doc.size() - *off, kMaxRead});
  std::string part = doc.substr(size_t(*off), size_t(n));
  return (*off + n >= doc.size() ? "l" : "m") + part;
}

AddressSpace::Span AddressSpace::locate(uint64_t addr) const {
  const uint64_t space = addr >> 62, id = (addr >> 32) & 0xffffff, offset = addr & 0xffffffff;
  if ((addr >> 56) & 0x3f) return {};  // bits LLDB never sets
  const Instance* inst = instance_by_id(id);
  if (space == 0) {
    // A plain address is the main module's (id 0); any module of a linked program shares its memory.
    if (!inst && id != 0) return {};
    Memory* mem = memory_of(inst);
    if (!mem || offset >= mem->size) return {};
    return {mem->data + offset, mem->size - offset, mem->data + offset};
  }
  if (space == 1 && inst) {
    const std::vector<uint8_t>& b = inst->module->bytes;
    if (offset >= b.size()) return {};
    return {b.data() + offset, b.size() - offset, nullptr};
  }
  return {};
}

std::string AddressSpace::read_memory(std::string_view args) {
  auto [a, l] = split_at(args, ',');
  auto addr = parse_hex(a), len = parse_hex(l);
  if (!addr || !len) return "E01";
  if (*len == 0) return "";
  Span s = locate(*addr);
  if (!s.data) return "E03";
  // A read running past the end returns what there is, as gdbserver does; LLDB reads in chunks.
  return hex_encode(s.data, size_t(std::min<uint64_t>({*len, s.size, kMaxRead})));
}

std::string AddressSpace::write_memory(std::string_view args) {
  auto [head, data] = split_at(args, ':');
  auto [a, l] = split_at(head, ',');
  auto addr = parse_hex(a), len = parse_hex(l);
  auto bytes = hex_decode(data);
  if (!addr || !len || !bytes || bytes->size() != *len) return "E01";
  if (*len == 0) return "OK";
  Span s = locate(*addr);
  if (!s.data || !s.writable || s.size < *len) return "E03";  // code is not writable, memory has an end
  std::copy(bytes->begin(), bytes->end(), s.writable);
  return "OK";
}

}  // namespace wi::gdb
