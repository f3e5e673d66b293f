// ProcessWasm's address space over a Store (lldb/source/Plugins/Process/wasm/ProcessWasm.h), for the
// gdb stub (host/gdb/stub.cc): module ids, code addresses, the library list, and the memory packets.
// Bits 62-63 of an address say the space (0 linear memory, 1 a module's bytes), bits 32-55 the
// module id, bits 0-31 the offset. Module ids are positions in the Store's instances (load order: the
// main module first in a linked program); a code address is 0x4000000000000000 | id << 32 | the
// offset of an instruction in its module file.
// Policy: the client reaches the program's linear memory and the bytes of its modules and nothing
// else: every access is checked against their sizes (nothing past them, no host address), module
// bytes are read-only, and a malformed request gets an error reply ("E01" unparsable, "E03" outside).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include "host/gdb/packet.h"
#include "interp/store.h"
#include "linker/linker.h"

namespace wi::gdb {

constexpr uint64_t kCodeSpace = uint64_t(1) << 62;
// Largest m reply, in bytes of memory: twice that in hex stays below the packet size.
constexpr uint64_t kMaxRead = kMaxPacket / 2 - 16;

class AddressSpace {
 public:
  // The program being debugged (a replica of it: ids are assigned again, the same in every run).
  void attach(Store& store, link::Linker* linker) {
    store_ = &store;
    linker_ = linker;
    ids_.clear();
  }

  // Module ids: positions in the store's instances, assigned as instances appear.
  uint32_t module_id(const Instance* inst);
  const Instance* instance_by_id(uint64_t id) const;
  uint64_t code_address(const Instance* inst, uint32_t offset) {
    return kCodeSpace | uint64_t(module_id(inst)) << 32 | offset;
  }
  // qXfer:libraries:read's document: every module with its file and code address.
  std::string library_list();
  // The program's linear memory: a linked program's shared memory, else the module's first memory.
  Memory* memory_of(const Instance* inst) const;

  // The replies to `m ADDR,LEN` and `M ADDR,LEN:HEX` (the arguments after the letter).
  std::string read_memory(std::string_view args);
  std::string write_memory(std::string_view args);
  // "OFFSET,LENGTH" of an object: 'm' and a part when more follows, 'l' and the rest at its end.
  static std::string xfer(const std::string& doc, std::string_view args);

 private:
  // The bytes an address names: linear memory or a module's file, clipped to its size. Empty: none.
  struct Span {
    const uint8_t* data = nullptr;
    uint64_t size = 0;           // bytes available from `data`
    uint8_t* writable = nullptr;  // `data` again where the client may write (linear memory), else null
  };
  Span locate(uint64_t addr) const;
  std::string module_file(const Instance& inst) const;

  Store* store_ = nullptr;
  link::Linker* linker_ = nullptr;
  std::unordered_map<const Instance*, uint32_t> ids_;  // looked up, never iterated
};

}  // namespace wi::gdb
