// Wasm stack code -> register code. Invariants the rest of the interpreter relies on:
// - Every operand-stack entry has a home slot fixed by its depth. An entry is Temp (value in its
//   home), Local (value still in a local's slot) or Const (value known at translation time).
// - At every block/loop/if entry all entries are made Temp, so a Local entry was always pushed in
//   the current straight-line region; a local.set then copies any older Local entries of that local
//   to their homes first ("preserve"), which is correct on every path reaching their later use.
// - Branches copy label values into the target's homes in ascending order; sources are locals,
//   constants or homes at or above the destinations, so the copies never clobber a pending source.
#include "interp/function_translator.h"
#include <array>
#include "fmt/format.h"
#include "interp/accumulator.h"
#include "interp/pairs.h"
#include "interp/verify_code.h"

namespace wi::lowering {

constexpr NumericMap::NumericMap() {
  for (unsigned i = 0; i < kOpcodeCount; ++i) {
    slot[i] = imm[i] = load[i] = store[i] = kNoRegOp;
    load_imm[i] = load_add[i] = store_imm[i] = store_add[i] = load_abs[i] = store_abs[i] = kNoRegOp;
    load_shl[i] = store_shl[i] = store_k[i] = store_k_imm[i] = store_k_add[i] = store_k_abs[i] = kNoRegOp;
    branch_true[i] = branch_true_imm[i] = branch_false[i] = branch_false_imm[i] = kNoRegOp;
  }
#define WI_FUSE(name, t)                                          \
  branch_true[unsigned(Opcode::name)] = RegOp::BrT_##name;        \
  branch_true_imm[unsigned(Opcode::name)] = RegOp::BrTI_##name;   \
  branch_false[unsigned(Opcode::name)] = RegOp::BrF_##name;       \
  branch_false_imm[unsigned(Opcode::name)] = RegOp::BrFI_##name;
#include "interp/fused.def"
#undef WI_FUSE
#define WI_UN(name, r, a, e) slot[unsigned(Opcode::name)] = RegOp::N_##name;
#define WI_UN_T(name, r, a, e) WI_UN(name, r, a, e)
#define WI_BIN(name, r, a, e) slot[unsigned(Opcode::name)] = RegOp::N_##name; imm[unsigned(Opcode::name)] = RegOp::NI_##name;
#define WI_BIN_T(name, r, a, e) WI_BIN(name, r, a, e)
#include "interp/numeric.def"
#undef WI_UN
#undef WI_UN_T
#undef WI_BIN
#undef WI_BIN_T
#define WI_REGOP(name, ops, flow)
#define WI_LOAD(name, f, mt, rt) load[unsigned(Opcode::name)] = RegOp::L_##name; \
  load_imm[unsigned(Opcode::name)] = RegOp::LI_##name; load_add[unsigned(Opcode::name)] = RegOp::LR_##name; \
  load_abs[unsigned(Opcode::name)] = RegOp::LA_##name; load_shl[unsigned(Opcode::name)] = RegOp::LS_##name;
#define WI_STORE(name, f, mt) store[unsigned(Opcode::name)] = RegOp::S_##name; \
  store_imm[unsigned(Opcode::name)] = RegOp::SI_##name; store_add[unsigned(Opcode::name)] = RegOp::SR_##name; \
  store_abs[unsigned(Opcode::name)] = RegOp::SA_##name; store_shl[unsigned(Opcode::name)] = RegOp::SS_##name; \
  store_k[unsigned(Opcode::name)] = RegOp::K_##name; store_k_imm[unsigned(Opcode::name)] = RegOp::KI_##name; \
  store_k_add[unsigned(Opcode::name)] = RegOp::KR_##name; store_k_abs[unsigned(Opcode::name)] = RegOp::KA_##name;
#include "interp/regops.def"
#undef WI_REGOP
#undef WI_LOAD
#undef WI_STORE
}

constinit const NumericMap kNumericMap{};

void FunctionTranslator::translate(const Instruction& in) {
  wasm_offset_ = uint32_t(in.offset);
  Ctrl& c = ctrls_.back();
  if (c.unreachable) {
    switch (in.op) {
      case Opcode::Block: case Opcode::Loop: case Opcode::If: case Opcode::TryTable: case Opcode::Try:
        ++c.skip_depth;
        return;
      case Opcode::End:
        if (c.skip_depth) { --c.skip_depth; return; }
        if (trace_) return traced_end();
        return end();
      case Opcode::Delegate:
        if (c.skip_depth) { --c.skip_depth; return; }
        return delegate(in);
      case Opcode::Else:
        if (c.skip_depth) return;
        return else_();
      case Opcode::Catch: case Opcode::CatchAll:
        if (c.skip_depth) return;
        return catch_(in);
      default: return;
    }
  }
  if (meter_) ++fuel_count_;
  if (trace_) return traced_step(in);
  step(in);
}

}  // namespace wi::lowering

namespace wi {
using lowering::FunctionTranslator;
using lowering::TranslatorBuffers;

namespace {

// One dispatch per instruction for the commonest ones: the driver below tells them apart by their
// first byte and calls the validator's and the lowering's entry for each directly, where the general
// path switches once to read the immediates, again (or twice) to type the instruction and twice more
// to lower it. The kinds below cover about 97 % of libc.wasm's instructions.
enum class Direct : uint8_t {
  General, LocalGet, LocalSet, LocalTee, Const, Numeric, Memory, Parametric, Global, Block, End, Br, BrIf, Call,
  CallIndirect
};

// The immediates a kind's path reads, and whether the validator's entry it calls types the
// instruction by hand (as step() does for it) rather than by its signature.
constexpr Imm direct_immediates(Direct k, Imm other) {
  switch (k) {
    case Direct::LocalGet: case Direct::LocalSet: case Direct::LocalTee: return Imm::Local;
    case Direct::Numeric: case Direct::Parametric: case Direct::End: return Imm::None;
    case Direct::Global: return Imm::Global;
    case Direct::Memory: return Imm::MemArg;
    case Direct::Block: return Imm::Block;
    case Direct::Br: case Direct::BrIf: return Imm::Label;
    case Direct::Call: return Imm::Func;
    case Direct::CallIndirect: return Imm::CallIndirect;
    default: return other;  // Const: i32, i64, f32 or f64, read by the opcode's type
  }
}
// The kinds after which the driver asks again whether the code is reachable and whether the body has
// ended: an `end` leaves a block (or ends the body), a `br` makes what follows unreachable. A block
// entered in reachable code is reachable, and no other kind changes either answer.
constexpr bool ends_or_leaves_reachable(Direct k) { return k == Direct::End || k == Direct::Br; }
constexpr bool typed_by_hand(Direct k) {
  return k == Direct::LocalGet || k == Direct::LocalSet || k == Direct::LocalTee || k >= Direct::Parametric;
}

struct DirectKinds {
  std::array<Direct, 256> of{};
  DirectKinds() {
    of[0x20] = Direct::LocalGet;
    of[0x21] = Direct::LocalSet;
    of[0x22] = Direct::LocalTee;
    of[0x41] = of[0x42] = of[0x43] = of[0x44] = Direct::Const;  // i32, i64, f32, f64
    // The loads and stores, 0x28 (i32.load) to 0x3e (i64.store32).
    for (unsigned b = 0x28; b <= 0x3e; ++b) of[b] = Direct::Memory;
    // https://webassembly.github.io/spec/core/binary/instructions.html#numeric-instructions: the
    // single-byte numeric instructions, 0x45 (i32.eqz) to 0xc4 (i64.extend32_s), no immediates,
    // typed by their signatures; the lowering sends them all to numeric().
    for (unsigned b = 0x45; b <= 0xc4; ++b) of[b] = Direct::Numeric;
    of[0x1a] = of[0x1b] = Direct::Parametric;  // drop, select (untyped)
    of[0x23] = of[0x24] = Direct::Global;      // global.get, global.set
    of[0x02] = of[0x03] = of[0x04] = Direct::Block;  // block, loop, if
    of[0x0b] = Direct::End;
    of[0x0c] = Direct::Br;
    of[0x0d] = Direct::BrIf;
    of[0x10] = Direct::Call;
    of[0x11] = Direct::CallIndirect;
    // Each must be what its path takes it for (an opcode table that said otherwise would leave the
    // byte to the general path rather than mistype it).
    for (unsigned b = 0; b < 256; ++b) {
      if (of[b] == Direct::General) continue;
      Opcode op = lookup_opcode(uint8_t(b));
      if (op == Opcode::Count_) {
        of[b] = Direct::General;
        continue;
      }
      const OpInfo& info = op_info(op);
      if (info.imm != direct_immediates(of[b], info.imm) || !(typed_by_hand(of[b]) || info.fixed_sig))
        of[b] = Direct::General;
    }
  }
};

const DirectKinds& direct_kinds() {
  static const DirectKinds kinds;
  return kinds;
}

}  // namespace

// No read can see such a local's initial zero. The scan stops at the first control instruction (a
// branch target, a loop or a handler could read it before the set), once every declared local is
// known, or after 256 instructions (the scan reads the body a second time: translation speed); an
// undecodable prefix, left for the validator to report, also just ends it. Parameters are never
// zeroed, so a function without declared locals is not scanned at all. The driver's direct kinds
// tell the commonest instructions apart by their first byte, so that the scan skips their
// immediates without read_instruction's switch; the rest it reads as before.
void FunctionTranslator::locals_set_first(const Module& m, const FunctionBody& body, size_t n_params,
                                          size_t n_locals, std::vector<uint8_t>& first_use,
                                          std::vector<uint32_t>& targets) {
  first_use.clear();
  if (n_locals <= n_params) return;
  first_use.resize(n_locals, kUnknown);
  size_t known = 0;
  Reader r(std::span<const uint8_t>(m.bytes.data() + body.code_start, body.end - body.code_start), body.code_start);
  Instruction in;
  const DirectKinds& kinds = direct_kinds();
  auto note = [&](uint32_t local, uint8_t use) {
    if (local < n_params || local >= n_locals || first_use[local] != kUnknown) return;
    first_use[local] = use;
    ++known;
  };
  for (int n = 0; n < 256 && known < n_locals - n_params && !r.at_end(); ++n) {
    const uint8_t byte = *r.cursor();
    switch (kinds.of[byte]) {
      case Direct::Numeric: case Direct::Parametric:  // no immediates
        r.skip(1);
        continue;
      case Direct::LocalGet: case Direct::LocalSet: case Direct::LocalTee: {
        r.skip(1);
        auto index = r.u32();
        if (!index.ok()) return;
        note(*index, kinds.of[byte] == Direct::LocalGet ? kReadFirst : kSetFirst);
        continue;
      }
      case Direct::Global: case Direct::Call: {  // an index
        r.skip(1);
        if (!r.u32().ok()) return;
        continue;
      }
      case Direct::Const: case Direct::Memory: {
        in.op = lookup_opcode(byte);
        r.skip(1);
        const Imm imm = op_info(in.op).imm;
        if (!(imm == Imm::MemArg ? read_memarg_inline(r, in) : read_const(r, in, imm)).ok()) return;
        continue;
      }
      case Direct::Block: case Direct::End: case Direct::Br: case Direct::BrIf:
        return;  // control
      case Direct::CallIndirect: case Direct::General:  // read in full below
        break;
    }
    if (!read_instruction(r, in, targets).ok() || is_control(in.op)) return;
    if (in.op == Opcode::LocalGet) note(in.a, kReadFirst);
    else if (in.op == Opcode::LocalSet || in.op == Opcode::LocalTee) note(in.a, kSetFirst);
  }
}

namespace {

// Reads, types and lowers one instruction of a direct kind (not General) at `r`: the entries its
// kind names, in the order the general path calls them (validator first, so nothing is lowered for
// an instruction that fails to validate). `in` keeps what the entries read of it. Forced inline into
// the driver: with the Parametric and Global kinds added clang made it a call per instruction, and
// libc.wasm's compile counted 10 % more.
[[gnu::always_inline]] inline Result<void> step_direct(Direct kind, Reader& r, Instruction& in,
                                                      FunctionValidator& validator,
                                                      lowering::FunctionTranslator& t) {
  in.offset = r.offset();
  in.op = lookup_opcode(*r.cursor());
  r.skip(1);
  switch (kind) {
    case Direct::General: break;  // not called for it
    case Direct::LocalGet: {
      WI_TRY_ASSIGN(in.a, r.u32());
      WI_TRY(validator.local_get(in));
      t.begin_direct(in.offset);
      t.local_get(in.a);
      break;
    }
    case Direct::LocalSet:
    case Direct::LocalTee: {
      WI_TRY_ASSIGN(in.a, r.u32());
      WI_TRY(validator.local_set(in, kind == Direct::LocalTee));
      t.begin_direct(in.offset);
      t.local_set(in.a, kind == Direct::LocalTee);
      break;
    }
    case Direct::Const: {
      const OpInfo& info = op_info(in.op);
      WI_TRY(read_const(r, in, info.imm));
      WI_TRY(validator.step_signature(in, info));
      t.begin_direct(in.offset);
      t.push_const(info.result, in.bits);
      break;
    }
    case Direct::Numeric: {
      const OpInfo& info = op_info(in.op);
      WI_TRY(validator.step_signature(in, info));
      t.begin_direct(in.offset);
      t.numeric(in, info);
      break;
    }
    case Direct::Memory: {
      WI_TRY(read_memarg_inline(r, in));
      const OpInfo& info = op_info(in.op);
      WI_TRY(validator.memory_access(in, info));
      t.begin_direct(in.offset);
      t.memory_access(in, info);
      break;
    }
    case Direct::Parametric:
    case Direct::Global: {
      if (kind == Direct::Global) {
        WI_TRY_ASSIGN(in.a, r.u32());  // the global's index; drop and select have none
      }
      WI_TRY(validator.parametric_or_global(in));
      t.begin_direct(in.offset);
      t.parametric_or_global(in);
      break;
    }
    case Direct::Block: {
      WI_TRY(read_block_type_inline(r, in));
      WI_TRY(validator.block(in));
      t.begin_direct(in.offset);
      t.structured(in);
      break;
    }
    case Direct::End: {
      WI_TRY(validator.end(in));
      t.begin_direct(in.offset);
      t.end();
      break;
    }
    case Direct::Br: {
      WI_TRY_ASSIGN(in.a, r.u32());
      WI_TRY(validator.br(in));
      t.begin_direct(in.offset);
      t.br(in.a);
      break;
    }
    case Direct::BrIf: {
      WI_TRY_ASSIGN(in.a, r.u32());
      WI_TRY(validator.br_if(in));
      t.begin_direct(in.offset);
      t.br_if(in);
      break;
    }
    case Direct::Call: {
      WI_TRY_ASSIGN(in.a, r.u32());
      WI_TRY(validator.call(in));
      t.begin_direct(in.offset);
      t.call(in.a);
      break;
    }
    case Direct::CallIndirect: {
      WI_TRY_ASSIGN(in.a, r.u32());  // type
      WI_TRY_ASSIGN(in.b, r.u32());  // table
      WI_TRY(validator.call_indirect(in));
      t.begin_direct(in.offset);
      t.call_indirect(in);
      break;
    }
  }
  return {};
}

// The last passes over a function's finished code, in one walk: each instruction gets its triple or
// pair op (pairs.h), then its accumulator form given the instruction before as it will run (accumulator.h),
// then its handler unit. An instruction's op is decided before the next one's, and read by the next
// one's decisions only as an op number: the next instruction is bound only after.
void form_pairs_and_accumulator_uses(CompiledFunc& f, TranslatorBuffers& buffers) {
  std::vector<uint32_t>& code = f.code;
  AccumulatorForms acc(code.size(), buffers.branch_targets, f.handlers, buffers.arrivals);
  const int32_t* handlers = handler_offsets();
  for (size_t pos = 0; pos < code.size();) {
    RegOp own = RegOp(code[pos]);
    size_t next = pos + regop_units(own, code.data() + pos);
    RegOp next_own = next < code.size() ? RegOp(code[next]) : RegOp::Count_;
    if (next_own != RegOp::Count_) {  // decided before this one pairs with it
      next_own = acc.next_form(code.data(), pos, own, next, next_own);
      code[next] = uint32_t(next_own);
    }
    // A pair runs its tail reading its operands from their slots (or from the head's result), so a
    // call_indirect that can read its index from the accumulator through this one runs alone.
    RegOp op = own;
    if (next_own != RegOp::CallIndirect || !acc.reads_through(code.data(), pos, own, next, next_own)) {
      // A triple first, then a pair. The third instruction's op is as translated: no row has one
      // whose op the walk may still change (a Copy) as its third (regop.cc).
      if (heads_triple(own) && next_own != RegOp::Count_) {
        size_t last = next + regop_units(next_own, code.data() + next);
        if (last < code.size()) {
          size_t after = last + regop_units(RegOp(code[last]), code.data() + last);
          op = triple_at(own, code.data() + pos, next_own, code.data() + next, RegOp(code[last]), code.data() + last,
                         after < code.size() ? code.data() + after : nullptr);
        }
        if (op == RegOp::Count_) op = own;
      }
      if (op == own) op = pair_at(own, code.data() + pos, next_own, code.data() + next);
    }
    op = acc.form_at(code.data(), pos, op, own);
    code[pos] = uint32_t(handlers[unsigned(op)]);
    pos = next;
  }
}

}  // namespace

Result<void> Translator::on_function(const Module& m, uint32_t func_index, const FunctionBody& body) {
  // The function section, read before the code, gave the count: no growing copies while decoding.
  if (out_.funcs.empty()) out_.funcs.reserve(m.func_types.size() - m.num_imported_funcs);
  CompiledFunc& f = out_.funcs.emplace_back();
  f.func_index = func_index;
  if (lazy_) {
    f.pending = true;
    return {};
  }
  return translate(m, func_index, body, f);
}

Translator::~Translator() = default;

Result<void> Translator::translate(const Module& m, uint32_t func_index, const FunctionBody& body,
                                   CompiledFunc& f) {
  if (!buffers_) buffers_ = std::make_unique<TranslatorBuffers>();
  validator_.begin(m, func_index, body);
  const std::vector<ValType>& locals = validator_.locals();
  offsets_.clear();
  const FuncType& type = m.func_type(func_index);
  if (out_.traced) buffers_->first_use.clear();
  else
    FunctionTranslator::locals_set_first(m, body, type.params.size(), locals.size(), buffers_->first_use,
                                         buffers_->scan_targets);
  FunctionTranslator t(m, f, *buffers_, offsets_, validator_, type, meter_fuel_, uint32_t(body.code_start), out_.traced,
                       buffers_->first_use);
  Reader r(std::span<const uint8_t>(m.bytes.data() + body.code_start, body.end - body.code_start),
           body.code_start);
  Instruction in;
  std::vector<uint32_t> targets;
  const DirectKinds& kinds = direct_kinds();
  // Whether the next instruction may take the direct path (t.direct()), asked again only after the
  // instructions that can change it: loads of the lowering's state per instruction were a visible
  // share of the driver.
  bool direct = t.direct();
  for (;;) {
    if (r.at_end()) return r.error("unexpected end of section or function");
    if (Direct kind = direct ? kinds.of[*r.cursor()] : Direct::General; kind != Direct::General) {
      WI_TRY(step_direct(kind, r, in, validator_, t));
      if (ends_or_leaves_reachable(kind)) {
        if (validator_.done()) break;
        direct = t.direct();
      }
      continue;
    }
    WI_TRY(read_instruction(r, in, targets));
    WI_TRY(validator_.step(in));
    t.translate(in);
    if (validator_.done()) break;
    direct = t.direct();
  }
  if (!r.at_end()) return r.error("section size mismatch");
  t.finish();
  f.offsets = OffsetMap::encode(offsets_.span(), offset_bytes_);
  // Traced code keeps one dispatch per op: a Trace op stands between any two of a wasm instruction's.
  if (out_.traced) bind_handlers(f.code);
  else form_pairs_and_accumulator_uses(f, *buffers_);
#ifndef NDEBUG
  // Builds with assertions (CI's) read every translation back through the op table.
  if (auto wrong = verify_code(f))
    return Error{body.code_start, fmt::format("internal error: register code of function {} fails its check: {}",
                                              func_index, *wrong)};
#endif
  if (f.uses_simd) out_.uses_simd = true;
  f.pending = false;
  return {};
}

namespace {

Result<void> compile_function(CompiledModule& cm, uint32_t defined_index) {
  CompiledFunc& f = cm.funcs[defined_index];
  if (!f.pending) return {};
  const Module& m = *cm.module;
  uint32_t func_index = f.func_index;
  f = CompiledFunc{};  // a failed attempt may have left half a body
  f.func_index = func_index;
  f.pending = true;
  Translator t(cm, cm.metered);
  return t.translate(m, func_index, m.codes[defined_index], f);
}

// The module's fields that come from the options; for a lazy one, the way to compile a body later.
std::shared_ptr<CompiledModule> new_compiled_module(const CompileOptions& options) {
  auto cm = std::make_shared<CompiledModule>();
  cm->metered = options.meter_fuel;
  cm->lazy = options.lazy;
  cm->traced = options.trace;
  if (options.lazy) {
    CompiledModule* self = cm.get();  // owned by the shared_ptr: never moves
    cm->compile_pending = [self](uint32_t defined_index) { return compile_function(*self, defined_index); };
  }
  return cm;
}

}  // namespace

uint32_t CompiledFunc::wasm_offset_at(uint32_t p) const { return offsets.offset_at(p); }

Result<std::shared_ptr<CompiledModule>> compile_decoded(std::unique_ptr<Module> m, const CompileOptions& options) {
  auto cm = new_compiled_module(options);
  cm->module = std::move(m);
  const Module& mod = *cm->module;
  Translator t(*cm, options.meter_fuel, options.lazy);
  cm->funcs.reserve(mod.codes.size());
  for (uint32_t i = 0; i < mod.codes.size(); ++i) WI_TRY(t.on_function(mod, mod.num_imported_funcs + i, mod.codes[i]));
  return cm;
}

Result<std::shared_ptr<CompiledModule>> compile_module(std::vector<uint8_t> bytes,
                                                       const CompileOptions& options) {
  auto cm = new_compiled_module(options);
  Translator t(*cm, options.meter_fuel, options.lazy);
  DecodeOptions dopts;
  dopts.file_name = options.file_name;
  WI_TRY_ASSIGN(cm->module, decode_module(std::move(bytes), &t, dopts));
  return cm;
}

}  // namespace wi
