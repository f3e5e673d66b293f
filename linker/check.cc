// Load-time checks of a module's dyninfo (or dyninfo view of its dylink.0 section) against the module
// itself, before any phase uses a number from it. Policy: a library is untrusted input; every function
// index, code offset, data address and size it states is checked here, once, and a bad one is a link
// error naming the module, the entry and the value. The phases after load index with these numbers
// freely (an unchecked function index was read past the instance's function array).
// docs/dyninfo.md defines each entry; DynamicLinking.md (tool-conventions) the dylink.0 fields.
#include <algorithm>
#include "fmt/format.h"
#include "interp/store.h"
#include "linker/loaded_module.h"

namespace wi::link {
namespace {

class Checker {
 public:
  Checker(const Linker::Module& m, const wi::Module& decoded) : m_(m), d_(decoded) {}

  Result<void> run() {
    const DynInfo& info = m_.info;
    for (size_t i = 0; i < info.needed.size(); ++i)
      if (info.needed[i].empty() || info.needed[i].find('\0') != std::string::npos)
        return fail("needed", i, "is empty or holds a NUL byte");
    if (info.table_size > kMaxTableElements)
      return fail("table_size", SIZE_MAX, fmt::format("{} slots is over the table limit of {}", info.table_size,
                                                      kMaxTableElements));
    if (m_.format == Linker::Module::Format::DynInfo) {
      for (auto& seg : d_.elems) {
        if (seg.mode != ElemSegment::Mode::Active) continue;
        if (seg.inits.size() > info.table_size)
          return fail("table_size", SIZE_MAX, fmt::format("{} is smaller than the element segment's {} entries",
                                                          info.table_size, seg.inits.size()));
        break;  // load.cc reads slots from the first active segment only
      }
    }
    // A dylink.0 view's defs are exported i32 constants, which wasm-ld uses for more than data
    // addresses; they are only values handed to the guest, so only wasmify's own are held to its data.
    for (size_t i = 0; m_.format == Linker::Module::Format::DynInfo && i < info.def.size(); ++i) {
      auto& e = info.def[i];
      if (e.addr < info.data || uint64_t(e.addr) + e.size > info.data_end)
        return fail("def", i, fmt::format("'{}' at 0x{:x} size {} is outside the data [0x{:x}, 0x{:x})", e.name,
                                          e.addr, e.size, info.data, info.data_end));
    }
    for (size_t i = 0; i < info.defun.size(); ++i) {
      WI_TRY(function("defun", i, info.defun[i].func));
      // A symbol resolves to the function it names; were that an import, a lazily bound call would
      // reach the import's own PLT stub, which resolves the symbol again: unbounded host recursion
      // (fuzz_link). wasmify and dylink_module.cc only ever name defined functions here.
      if (info.defun[i].func < d_.num_imported_funcs)
        return fail("defun", i, fmt::format("function {} is an import, not defined here", info.defun[i].func));
    }
    for (size_t i = 0; i < info.fixupfun.size(); ++i) WI_TRY(function("fixupfun", i, info.fixupfun[i].func));
    for (size_t i = 0; i < info.init.size(); ++i) {
      WI_TRY(function("init", i, info.init[i].func));
      const FuncType& t = d_.func_type(info.init[i].func);
      if (!t.params.empty() || !t.results.empty())
        return fail("init", i, fmt::format("function {} has type {}, not [] -> []", info.init[i].func, to_string(t)));
    }
    for (size_t i = 0; i < info.ref.size(); ++i) WI_TRY(data_word("ref", i, info.ref[i].where));
    for (size_t i = 0; i < info.refun.size(); ++i) WI_TRY(data_word("refun", i, info.refun[i].where));
    for (size_t i = 0; i < info.fixup.size(); ++i) WI_TRY(data_word("fixup", i, info.fixup[i].where));
    for (size_t i = 0; i < info.fixupfun.size(); ++i) WI_TRY(data_word("fixupfun", i, info.fixupfun[i].where));
    for (size_t i = 0; i < info.code_fixup.size(); ++i) {
      auto& s = info.code_fixup[i];
      WI_TRY(code_site("code_fixup", i, s.where));
      if (s.kind == SiteKind::TableSleb) WI_TRY(function("code_fixup", i, s.target));
    }
    for (size_t i = 0; i < info.code_ref.size(); ++i) WI_TRY(code_site("code_ref", i, info.code_ref[i].where));
    for (size_t i = 0; i < info.custom_fixup.size(); ++i) WI_TRY(custom_word("custom_fixup", i, info.custom_fixup[i].where));
    return {};
  }

 private:
  Error fail(const char* member, size_t row, const std::string& what) const {
    std::string entry = row == SIZE_MAX ? member : fmt::format("{}[{}]", member, row);
    return make_error(SIZE_MAX, fmt::format("{}: dyninfo {}: {}", m_.name, entry, what));
  }

  Result<void> function(const char* member, size_t row, uint32_t func) const {
    if (func >= d_.func_types.size())
      return fail(member, row, fmt::format("function {} does not exist (the module has {})", func, d_.func_types.size()));
    return {};
  }

  // A word written after instantiation: four bytes inside the module's data block.
  Result<void> data_word(const char* member, size_t row, uint32_t where) const {
    if (where < m_.info.data || uint64_t(where) + 4 > m_.info.data_end)
      return fail(member, row, fmt::format("data site 0x{:x} is outside the data [0x{:x}, 0x{:x})", where,
                                           m_.info.data, m_.info.data_end));
    return {};
  }

  // A 5-byte LEB patched before translation: inside one function's instructions, never in a section
  // header, a body's size or locals, or another section (the module was decoded before the patch).
  Result<void> code_site(const char* member, size_t row, uint32_t where) const {
    auto it = std::upper_bound(d_.codes.begin(), d_.codes.end(), size_t(where),
                               [](size_t w, const FunctionBody& b) { return w < b.code_start; });
    if (it == d_.codes.begin() || size_t(where) + 5 > std::prev(it)->end)
      return fail(member, row, fmt::format("code site at file offset 0x{:x} is not inside a function's code", where));
    return {};
  }

  // A word relocate patches in the module's bytes: inside one custom section's payload other than
  // dyninfo, never in code or another section the module runs by, so a hostile value can only change
  // what a debugger reads from the module.
  Result<void> custom_word(const char* member, size_t row, uint32_t where) const {
    for (auto& c : d_.customs)
      if (c.name != kDynInfoSection && where >= c.offset && uint64_t(where) + 4 <= c.offset + c.payload.size())
        return {};
    return fail(member, row, fmt::format("word at file offset 0x{:x} is not inside a custom section", where));
  }

  const Linker::Module& m_;
  const wi::Module& d_;
};

}  // namespace

Result<void> Linker::check_module(const Module& m, const wi::Module& decoded) { return Checker(m, decoded).run(); }

}  // namespace wi::link
