// The `thinthin` host module of the original loader: dlopen and dlsym (host/dl.cc) and syscall
// (host/thinthin_syscall.cc).
#pragma once
#include "interp/store.h"

namespace wi {

class Program;

// thinthin.syscall with the type (i32 x7) -> i32, or null for any other type.
FuncInst* make_thinthin_syscall(Program& p, const FuncType& type);

}  // namespace wi
