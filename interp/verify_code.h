// A check of finished register code against the register-op table: what the translator and its
// passes emit is read back through the layouts of regops.def (and the tables it points to), so an
// emission that disagrees with its op's layout cannot go unnoticed. Run on every translation in
// builds with assertions (CI's, interp/translator.cc) and by tests on code broken on purpose.
#pragma once
#include <optional>
#include <string>
#include "interp/code.h"

namespace wi {

// The first violation in `f`, described, or nothing. Checked: every handler unit names an op; the
// walk by layout lengths ends exactly at the end of the code; every slot operand ("d s a b c", and
// Return's "s*n") names a slot of the frame; every branch ("rel", BrTable's
// targets) and catch pad lands on an instruction's first unit; and every accumulator form
// (interp/accumulator.h) follows, without a branch target in between, a writer of the slot it reads.
std::optional<std::string> verify_code(const CompiledFunc& f);

}  // namespace wi
