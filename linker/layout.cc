// Phase 3, layout: where each module's data and table slots go in the shared memory and table.
//
// Memory of the initial program, low to high:
//   [0, 1024)            unused, so small null-pointer offsets stay harmless
//   [1024, 1040)         the linker's words: __dso_handle (1024) and __stack_chk_guard (1028)
//   [1040, 1296)         a buffer the host writes messages into for the guest (dlerror)
//   [1296, stack top)    the shadow stack (LinkOptions::stack_size), growing down from its top, so an
//                        overflow runs into low memory and then traps instead of overwriting data
//   modules' data        each at its `data_align`, in load order
//   __heap_base          16-aligned; the memory's initial size ends on the page after it, and malloc
//                        grows the memory from there with memory.grow
// A library loaded later (dlopen) gets fresh pages by growing the memory: its data starts at the old
// end of memory (page-aligned, so any `data_align` up to 64 KiB holds). The table: slot 0 stays null,
// then each module's `table_size` slots in load order, then slots the linker appends for functions
// whose address is taken but that have no slot of their own.
// dylink.0 modules take the same places: their dyninfo view (dylink_module.cc) carries MEM_INFO's
// memory_size and 2^memory_align as data_end and data_align, and table_size; 2^table_align aligns
// their __table_base. The memory is always the linker's: a dylink.0 main that defines its own was
// rewritten at load to import it (dylink_module.cc says why), so every module, whatever its format,
// instantiates against the memory created here, already large enough for all the data and the stack.
#include "fmt/format.h"
#include "linker/loaded_module.h"

namespace wi::link {
namespace {

constexpr uint32_t kLowReserve = 1024;
constexpr uint32_t kLinkerWords = 16 + Linker::kMessageBufferSize;

uint64_t align_up(uint64_t v, uint64_t a) { return a <= 1 ? v : (v + a - 1) / a * a; }

}  // namespace

Result<void> Linker::layout(size_t first) {
  if (first == 0) {
    linker_words_ = kLowReserve;
    uint64_t stack_top = align_up(kLowReserve + kLinkerWords + uint64_t(options_.stack_size), 16);
    uint64_t top = stack_top;
    for (size_t i = first; i < modules_.size(); ++i) {
      Module& m = *modules_[i];
      if (m.info.data_end < m.info.data)
        return make_error(SIZE_MAX, fmt::format("{}: dyninfo data_end is below data", m.name));
      top = align_up(top, m.info.data_align);
      m.memory_base = uint32_t(top);
      top += m.info.data_end - m.info.data;
      if (top > UINT32_MAX) return make_error(SIZE_MAX, fmt::format("{}: data does not fit in 4 GiB", m.name));
      WI_TRY(place_table(m));
    }
    data_top_ = uint32_t(top);
    heap_base_ = uint32_t(align_up(top, 16));
    uint64_t pages = align_up(heap_base_, kPageSize) / kPageSize + 1;
    MemoryType type{Limits{pages, std::nullopt}};
    if (std::string why = store_.memory_limit_error(type, 0); !why.empty())
      return make_error(SIZE_MAX, fmt::format("the program's data and stack: {}", why));
    memory_ = store_.create_memory(type);
    if (!memory_) return make_error(SIZE_MAX, "the host cannot reserve address space for the program's memory");
    stack_pointer_ = store_.create_global(GlobalType{ValType::I32, true}, Value::make_i32(uint32_t(stack_top)));
    return {};
  }
  for (size_t i = first; i < modules_.size(); ++i) {
    Module& m = *modules_[i];
    uint64_t size = m.info.data_end - m.info.data;
    if (m.info.data_align > kPageSize)
      return make_error(SIZE_MAX, fmt::format("{}: data alignment {} is over a page", m.name, m.info.data_align));
    uint64_t old_pages = memory_->pages();
    uint64_t pages = align_up(size, kPageSize) / kPageSize;
    if (pages && memory_->grow(pages) < 0)
      return make_error(SIZE_MAX, fmt::format("{}: cannot grow memory by {} pages for its data", m.name, pages));
    m.memory_base = uint32_t(old_pages * kPageSize);
    WI_TRY(place_table(m));
  }
  return {};
}

// The module's slots after every earlier module's, within the host's table limit (table_top_ stays a
// valid slot count: it never wraps).
Result<void> Linker::place_table(Module& m) {
  uint64_t base = align_up(table_top_, m.table_align());
  if (base + m.info.table_size > kMaxTableElements)
    return make_error(SIZE_MAX, fmt::format("{}: its {} table slots after the {} in use are over the table limit of {}",
                                            m.name, m.info.table_size, table_top_, kMaxTableElements));
  m.table_base = uint32_t(base);
  table_top_ = uint32_t(base + m.info.table_size);
  return {};
}

}  // namespace wi::link
