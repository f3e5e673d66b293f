// Typed emission is checked at compile time: the call below names one operand too few for Copy ("d s").
#include "interp/function_translator.h"
namespace wi::lowering {
struct EmitLayoutProbe {
  static void probe(FunctionTranslator& t) {
#ifdef WI_PROBE_MATCHES
    t.emit<RegOp::Copy>(1u, 2u);
#else
    t.emit<RegOp::Copy>(1u);
#endif
  }
};
}  // namespace wi::lowering
