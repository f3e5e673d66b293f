// Dynamic loading for guests: the `thinthin` module's dlopen/dlsym (the original loader's API) and
// POSIX <dlfcn.h> (dlopen, dlsym, dlclose, dlerror imported from `env`, declared by include/dlfcn.h).
// Both are thin adapters over link::Linker::dlopen/dlsym; docs/host-api.md states their semantics.
#pragma once
#include <string>
#include <string_view>
#include "interp/store.h"

namespace wi {

class Program;

struct DlState {
  std::string error;  // what dlerror() returns next; empty when there is none
};

// The host function for `module`.`name` if it is one of these APIs with exactly this type, else null.
FuncInst* make_dl_function(Program& program, DlState& state, std::string_view module, std::string_view name,
                           const FuncType& type);

}  // namespace wi
