// SymbolTable: rules 2 and 3 of symbols.h (the other rules are applied by the Linker's phases).
#include "linker/symbols.h"

namespace wi::link {

bool SymbolTable::define(const std::string& name, const Symbol& s) {
  auto [it, inserted] = map_.try_emplace(name, s);
  if (inserted) return true;
  if (it->second.weak && !s.weak) {  // a weak definition yields to the first strong one
    it->second = s;
    return true;
  }
  return false;
}

bool SymbolTable::define_late(const std::string& name, const Symbol& s) {
  return map_.try_emplace(name, s).second;
}

}  // namespace wi::link
