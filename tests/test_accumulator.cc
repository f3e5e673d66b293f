// Accumulator forms (interp/accumulator.h): an instruction reads an operand from the accumulator
// only where the last writer before it wrote that slot (with only instructions that pass the
// accumulator on between) and nothing else can reach it;
// a loop header that reads the slot the code before the loop just wrote must read the slot, since
// the back edge arrives with another value in the accumulator.
#include <doctest/doctest.h>
#include "interp/code.h"
#include "interp/op_profile.h"
#include "interp/regop.h"
#include "interp/regop_info.h"
#include "tests/wasm_builder.h"

using namespace wb;

namespace {

// How many instructions of `cm` read the accumulator right after an instruction whose op (a pair's
// head, an accumulator form's base) satisfies `after`.
template <class Pred>
size_t acc_reads_after(const wi::CompiledModule& cm, Pred after) {
  size_t n = 0;
  for (const wi::CompiledFunc& f : cm.funcs) {
    wi::RegOp prev = wi::RegOp::Count_;
    for (size_t pos = 0; pos < f.code.size();) {
      wi::RegOp op = wi::regop_from_handler(int32_t(f.code[pos]));
      REQUIRE(op != wi::RegOp::Count_);
      wi::RegOp own = wi::is_pair_op(op) ? wi::pair_parts(op).head : op;
      bool reads_acc = wi::is_acc_op(own) || (wi::is_pair_op(op) && wi::pair_head_acc(op));
      if (reads_acc && prev != wi::RegOp::Count_ && after(wi::layout_op(prev))) ++n;
      prev = op;
      pos += wi::regop_units(op, f.code.data() + pos);
    }
  }
  return n;
}

// f(n, p): x = n * 3; loop { y = x + 7; x = (y ^ p) * 5; n -= 1; br_if n }; return x + y.
// The loop's first instruction reads x, which the instruction before the loop writes; coming round
// the back edge the accumulator holds n - 1 (or x's new value), not what the header must read.
Bytes loop_module() {
  ModuleBuilder m;
  uint32_t t = m.type({I32, I32}, {I32});
  Bytes body = code(local_get(2), i32_const(7), op::i32_add, local_set(3),                       // y = x + 7
                    local_get(3), local_get(1), op::i32_xor, i32_const(5), op::i32_mul, local_set(2),  // x = (y ^ p) * 5
                    local_get(0), i32_const(1), op::i32_sub, local_tee(0), br_if(0));
  uint32_t f = m.func(t,
                      code(local_get(0), i32_const(3), op::i32_mul, local_set(2), op::loop, 0x40, body, op::end,
                           local_get(2), local_get(3), op::i32_add, op::end),
                      {I32, I32});
  m.export_func("f", f);
  return m.build();
}

int32_t reference(uint32_t n, uint32_t p) {
  uint32_t x = n * 3, y = 0;
  do {
    y = x + 7;
    x = (y ^ p) * 5;
  } while (--n != 0);
  return int32_t(x + y);
}

}  // namespace

TEST_CASE("accumulator forms: only after the writer of their operand, never at a branch target") {
  auto cm = compile(loop_module());
  const wi::CompiledFunc& f = cm->funcs.at(0);
  // Branch targets, read back from the code the same way the pass reads it.
  std::vector<bool> target(f.code.size() + 1);
  for (size_t pos = 0; pos < f.code.size();) {
    wi::RegOp op = wi::regop_from_handler(int32_t(f.code[pos]));
    REQUIRE(op != wi::RegOp::Count_);
    size_t n = wi::regop_units(op, f.code.data() + pos);
    std::string layout = wi::regop_operands(op);
    if (layout.size() >= 3 && layout.compare(layout.size() - 3, 3, "rel") == 0)
      target.at(pos + int32_t(f.code[pos + n - 1])) = true;
    pos += n;
  }
  // What the accumulator holds falling into each instruction: the result slot of the last writer,
  // kept across instructions that pass it on (passes_acc) and write another slot.
  constexpr uint32_t kNothing = UINT32_MAX;
  uint32_t held = kNothing;
  size_t pos = 0, acc_uses = 0;
  bool header_checked = false;
  while (pos < f.code.size()) {
    wi::RegOp op = wi::regop_from_handler(int32_t(f.code[pos]));
    wi::RegOp own = wi::is_pair_op(op) ? wi::pair_parts(op).head : op;
    bool uses_acc = wi::is_acc_op(own) || (wi::is_pair_op(op) && wi::pair_head_acc(op));
    if (target[pos]) {
      CHECK_FALSE(uses_acc);
      header_checked = true;
      held = kNothing;
    }
    if (uses_acc) {
      ++acc_uses;
      unsigned unit = wi::is_acc_op(own) ? wi::acc_parts(own).unit
                                         : wi::acc_parts(wi::first_acc_form(wi::pair_parts(op).head)).unit;
      CHECK(f.code[pos + unit] == held);  // reads what the last writer wrote
    }
    if (wi::writes_acc(own)) {
      held = f.code[pos + wi::acc_result_unit(own)];
    } else if (wi::passes_acc(wi::layout_op(own))) {
      for (unsigned w : wi::passes_acc_writes(wi::layout_op(own)))
        if (f.code[pos + w] == held) held = kNothing;
    } else {
      held = kNothing;
    }
    pos += wi::regop_units(op, f.code.data() + pos);
  }
  CHECK(header_checked);
  // A -Dprofile_ops build forms none (its counts are of ops one by one).
  if (!wi::op_profile_built()) CHECK(acc_uses >= 1);  // x = (y ^ p) * 5 reads y, just made
}

TEST_CASE("accumulator forms compute what the slots hold, round a loop whose header reads a fresh slot") {
  wi::Store s;
  auto* inst = instantiate(s, loop_module());
  for (uint32_t n : {1u, 2u, 3u, 100u})
    for (uint32_t p : {0u, 1u, 0xdeadbeefu}) CHECK(run_i32(s, inst, "f", {vi32(int32_t(n)), vi32(int32_t(p))}) == reference(n, p));
}

namespace {

// Calls are writers: the instruction after a call may read the call's first result, in its `base`
// slot, from the accumulator, so every way a call comes back must leave that result there. Each
// function below computes p * 7 into a local (its I32Mul_imm leaves p * 7 in the accumulator) right
// before a call, then subtracts 1 from the call's result: a return path that forgot the accumulator
// would compute p * 7 - 1 instead.
//   via_host(p):   call $h (a host function: call_host)
//   via_tail(p):   call $tail, which return_calls $h (a host function as a tail callee: tail_call_host)
//   via_wasm(p):   call $twice(p) (Return1)
//   via_multi(p):  call $pair(p), its first result (Return of two values)
Bytes call_result_module() {
  ModuleBuilder m;
  uint32_t t_h = m.type({}, {I32}), t_p = m.type({I32}, {I32}), t_pair = m.type({I32}, {I32, I32});
  uint32_t h = m.import_func("env", "h", t_h);
  uint32_t tail = m.func(t_h, code(uint8_t{0x12}, leb(h), op::end));  // return_call $h
  // The callees compute their (first) result, then another value last, so that what the return must
  // put in the accumulator is not what the last instruction before it left there.
  Bytes other = code(local_get(0), i32_const(100), op::i32_add, local_set(2));
  uint32_t twice = m.func(t_p, code(local_get(0), i32_const(2), op::i32_mul, local_set(1), other, local_get(1), op::end),
                          {I32, I32});
  uint32_t pair = m.func(t_pair, code(local_get(0), i32_const(3), op::i32_add, local_set(1), other, local_get(1),
                                      local_get(2), op::end),
                         {I32, I32});
  auto caller = [&](Bytes call_it) {
    return m.func(t_p,
                  code(local_get(0), i32_const(7), op::i32_mul, local_set(1), call_it, i32_const(1), op::i32_sub,
                       local_get(1), op::i32_add, op::end),
                  {I32});
  };
  m.export_func("via_host", caller(call(h)));
  m.export_func("via_tail", caller(call(tail)));
  m.export_func("via_wasm", caller(code(local_get(0), call(twice))));
  m.export_func("via_multi", caller(code(local_get(0), call(pair), op::drop)));
  return m.build();
}

}  // namespace

TEST_CASE("a call's result reaches the instruction after it through every way back") {
  auto cm = compile(call_result_module());
  // instructions right after a call that read its result from acc
  size_t after_call_acc = acc_reads_after(*cm, [](wi::RegOp p) { return p == wi::RegOp::Call; });
  if (!wi::op_profile_built()) CHECK(after_call_acc == 4);  // one per caller

  wi::Store s;
  auto* h = s.create_host_function(wi::FuncType{{}, {wi::ValType::I32}}, [](wi::HostCall& hc) {
    hc.args[0].i32 = 40;
    return true;
  });
  auto* inst = instantiate(s, call_result_module(), {ext(h)});
  for (int32_t p : {0, 1, 5, -3}) {
    CHECK(run_i32(s, inst, "via_host", {vi32(p)}) == 40 - 1 + p * 7);
    CHECK(run_i32(s, inst, "via_tail", {vi32(p)}) == 40 - 1 + p * 7);
    CHECK(run_i32(s, inst, "via_wasm", {vi32(p)}) == p * 2 - 1 + p * 7);
    CHECK(run_i32(s, inst, "via_multi", {vi32(p)}) == p + 3 - 1 + p * 7);  // (p + 3, p + 100): the first
  }
}

namespace {

// A call_indirect reads its index from the accumulator through the argument moves before it: the
// index is computed last (i & 1, into a temporary), then the arguments are moved to the call's base
// (one `Copy` becomes a `Move`, two become a `Copy2`: neither writes the accumulator), then the call.
//   one(p, i):    table[i & 1](p)      with table[0] = p + 1, table[1] = p * 2
//   two(a, b, i): table[2 + (i & 1)](a, b)  with table[2] = a - b, table[3] = a ^ b
Bytes indirect_module() {
  ModuleBuilder m;
  uint32_t t1 = m.type({I32}, {I32}), t2 = m.type({I32, I32}, {I32}), t3 = m.type({I32, I32, I32}, {I32});
  uint32_t inc = m.func(t1, code(local_get(0), i32_const(1), op::i32_add, op::end));
  uint32_t dbl = m.func(t1, code(local_get(0), i32_const(2), op::i32_mul, op::end));
  uint32_t sub = m.func(t2, code(local_get(0), local_get(1), op::i32_sub, op::end));
  uint32_t xr = m.func(t2, code(local_get(0), local_get(1), op::i32_xor, op::end));
  m.table(FUNCREF, 4);
  m.elem(0, {inc, dbl, sub, xr});
  m.export_func("one", m.func(t2, code(local_get(0), local_get(1), i32_const(1), op::i32_and, call_indirect(t1),
                                       op::end)));
  m.export_func("two", m.func(t3, code(local_get(0), local_get(1), local_get(2), i32_const(1), op::i32_and,
                                       i32_const(2), op::i32_add, call_indirect(t2), op::end)));
  return m.build();
}

}  // namespace

TEST_CASE("call_indirect reads its index from the accumulator through the argument moves") {
  auto cm = compile(indirect_module());
  size_t moves = 0, index_from_acc = 0;
  for (const wi::CompiledFunc& f : cm->funcs)
    for (size_t pos = 0; pos < f.code.size();) {
      wi::RegOp op = wi::regop_from_handler(int32_t(f.code[pos]));
      REQUIRE(op != wi::RegOp::Count_);
      if (op == wi::RegOp::Move) ++moves;
      if (wi::is_acc_op(op) && wi::acc_base(op) == wi::RegOp::CallIndirect) ++index_from_acc;
      pos += wi::regop_units(op, f.code.data() + pos);
    }
  CHECK(moves == 1);  // one's argument move; a counting build chooses Moves alike
  if (!wi::op_profile_built()) CHECK(index_from_acc == 2);  // through the Move and through the Copy2

  wi::Store s;
  auto* inst = instantiate(s, indirect_module());
  for (int32_t p : {0, 7, -5})
    for (int32_t i : {0, 1, 2, 3}) {
      CHECK(run_i32(s, inst, "one", {vi32(p), vi32(i)}) == ((i & 1) ? p * 2 : p + 1));
      CHECK(run_i32(s, inst, "two", {vi32(p), vi32(i + 9), vi32(i)}) == ((i & 1) ? p ^ (i + 9) : p - (i + 9)));
    }
}

namespace {

// Stores and conditional branches pass the accumulator on: the value the last writer left there is
// still its slot's value after them, so the instruction after them may read it from there.
//   through_store(a, p):  x = a * 3; mem[p] = x; return x + 1 + mem[p]
//   through_branch(a, c): x = a * 5; if (c) return x - 1 (by br_if out of a block); return x + 7
Bytes passers_module() {
  ModuleBuilder m;
  m.memory(1);
  uint32_t t = m.type({I32, I32}, {I32});
  m.export_func("through_store",
                m.func(t,
                       code(local_get(0), i32_const(3), op::i32_mul, local_set(2), local_get(1), local_get(2),
                            mem(op::i32_store, 0, 2), local_get(2), i32_const(1), op::i32_add, local_get(1),
                            mem(op::i32_load, 0, 2), op::i32_add, op::end),
                       {I32}));
  m.export_func("through_branch",
                m.func(t,
                       code(op::block, 0x40, local_get(0), i32_const(5), op::i32_mul, local_set(2), local_get(1),
                            br_if(0), local_get(2), i32_const(7), op::i32_add, op::return_, op::end, local_get(2),
                            i32_const(1), op::i32_sub, op::end),
                       {I32}));
  return m.build();
}

}  // namespace

TEST_CASE("stores and conditional branches pass the accumulator on") {
  auto cm = compile(passers_module());
  // accumulator forms right after a store or a conditional branch
  size_t after_passer =
      acc_reads_after(*cm, [](wi::RegOp p) { return wi::passes_acc(p) && !wi::writes_acc(p); });
  if (!wi::op_profile_built()) CHECK(after_passer == 2);  // x + 1 after the store, x + 7 after br_if

  wi::Store s;
  auto* inst = instantiate(s, passers_module());
  for (int32_t a : {0, 1, 9, -4}) {
    CHECK(run_i32(s, inst, "through_store", {vi32(a), vi32(64)}) == a * 3 + 1 + a * 3);
    CHECK(run_i32(s, inst, "through_branch", {vi32(a), vi32(0)}) == a * 5 + 7);
    CHECK(run_i32(s, inst, "through_branch", {vi32(a), vi32(1)}) == a * 5 - 1);
  }
}
