// Pair ops (interp/pairs.def, interp/pairs.cc): the pass walks code by regop_units and gives a head its
// pair op only when the next instruction is the pair's tail; a pair runs both, a trap in the tail is
// reported at the tail's wasm instruction, and a branch to the tail runs the tail alone.
#include <doctest/doctest.h>
#include <sstream>
#include "interp/code.h"
#include "interp/op_profile.h"
#include "interp/regop.h"
#include "tests/wasm_builder.h"

using namespace wb;

namespace {

// f(p, n): x = p; loop { x = (x >> 1) & 0x7fff ^ 0x1021; n -= 1; br_if n }; then a load at p + x
// (x + 5 first, so NI_I32Add heads a pair with the load), returning load + x.
struct PairModule {
  Bytes bytes;
  size_t load_offset;  // file offset of the i32.load8_u
};
PairModule pair_module() {
  ModuleBuilder m;
  m.memory(1);
  uint32_t t = m.type({I32, I32}, {I32});
  Bytes loop_body = code(local_get(2), i32_const(1), op::i32_shr_u, i32_const(0x7fff), op::i32_and,
                         i32_const(0x1021), op::i32_xor, local_set(2), local_get(1), i32_const(1), op::i32_sub,
                         local_tee(1), br_if(0));
  Bytes pre = code(local_get(0), local_set(2), op::loop, 0x40, loop_body, op::end, local_get(2), i32_const(5),
                   op::i32_add, local_set(2), local_get(0));
  Bytes load = code(op::i32_load8_u, leb(0), leb(0));
  uint32_t f = m.func(t, code(pre, load, local_get(2), op::i32_add, op::end), {I32});
  m.export_func("f", f);
  PairModule out;
  out.bytes = m.build();
  out.load_offset = m.code_offset(f) + pre.size();
  return out;
}

int32_t reference(uint32_t p, uint32_t n) {
  uint32_t x = p;
  do {
    x = ((x >> 1) & 0x7fff) ^ 0x1021;
  } while (--n != 0);
  return int32_t(x + 5);  // memory is zero: the loaded byte adds nothing
}

}  // namespace

TEST_CASE("pair ops: formed only before their tail, code walks by regop_units") {
  auto cm = compile(pair_module().bytes);
  const wi::CompiledFunc& f = cm->funcs.at(0);
  size_t pos = 0, pairs = 0, forwarding = 0;
  wi::RegOp prev_pair_tail = wi::RegOp::Count_;
  while (pos < f.code.size()) {
    wi::RegOp op = wi::regop_from_handler(int32_t(f.code[pos]));
    REQUIRE(op != wi::RegOp::Count_);
    if (prev_pair_tail != wi::RegOp::Count_) {
      // The instruction after a pair op is the pair's tail (or a pair headed by it).
      wi::RegOp run = wi::is_pair_op(op) ? wi::pair_parts(op).head : op;
      if (wi::is_acc_op(run)) run = wi::acc_base(run);  // its accumulator form (interp/accumulator.h)
      CHECK(run == prev_pair_tail);
    }
    prev_pair_tail = wi::is_pair_op(op) ? wi::pair_parts(op).tail : wi::RegOp::Count_;
    if (wi::is_pair_op(op)) {
      ++pairs;
      CHECK(wi::regop_can_head_pair(wi::pair_parts(op).head));
      // A form that forwards names, in the tail, the slot the head writes.
      if (unsigned form = wi::pair_form(op)) {
        ++forwarding;
        size_t next = pos + wi::regop_units(op, f.code.data() + pos);
        CHECK(f.code.at(next + form) == f.code.at(pos + 1));
      }
    }
    pos += wi::regop_units(op, f.code.data() + pos);
  }
  CHECK(pos == f.code.size());          // the walk ends exactly at the end
  CHECK(prev_pair_tail == wi::RegOp::Count_);  // no pair op is the last instruction
  // A -Dprofile_ops build forms none (its counts are of ops one by one).
  if (!wi::op_profile_built()) {
    CHECK(pairs >= 3);
    CHECK(forwarding >= 2);  // x >> 1 & 0x7fff ^ 0x1021: each result feeds the next op
  }
}

TEST_CASE("pair ops run both ops, and the loop's branch back lands on a pair's head") {
  wi::Store s;
  auto* inst = instantiate(s, pair_module().bytes);
  for (uint32_t n : {1u, 2u, 7u, 1000u})
    for (uint32_t p : {0u, 1u, 0x1234u, 60000u}) CHECK(run_i32(s, inst, "f", {vi32(int32_t(p)), vi32(int32_t(n))}) == reference(p, n));
}

TEST_CASE("a trap in a pair's tail is reported at the tail's instruction") {
  PairModule pm = pair_module();
  wi::Store s;
  auto* inst = instantiate(s, pm.bytes);
  // p = 65535: x + 5 keeps the load in bounds only if x + 5 is not added: p itself is the address.
  wi::Trap t = run_trap(s, inst, "f", {vi32(65536), vi32(1)});
  CHECK(t.kind == wi::TrapKind::MemoryOutOfBounds);
  REQUIRE(t.backtrace.size() >= 1);
  CHECK(t.backtrace[0].offset == pm.load_offset);
}

// The op profile's estimate of the tail executor's dispatches (interp/op_profile.h): a dispatch right
// after its row's head runs inside the head's pair op, a pair's tail heads no pair of its own, and a
// branch back (no fall-through) starts none. Built from pairs.def's first row, whatever it is.
TEST_CASE("the op profile counts dispatches as the tail executor's pairs run them") {
  const wi::RegOp head = wi::kRegOpPairs[0].head, tail = wi::kRegOpPairs[0].tail;
  REQUIRE(wi::is_pair_row(head, tail));
  std::vector<uint32_t> code;
  std::vector<size_t> starts;
  for (wi::RegOp op : {head, tail, head, tail, head}) {
    starts.push_back(code.size());
    code.push_back(uint32_t(wi::handler_offsets()[unsigned(op)]));
    code.resize(code.size() + wi::kRegOpFixedUnits[unsigned(op)] - 1, 0);
  }
  wi::OpProfile p;
  const uint32_t* prev = nullptr;
  for (size_t s : starts) {  // head>tail, head>tail, head alone: three dispatches
    p.count(prev, code.data() + s);
    prev = code.data() + s;
  }
  CHECK(p.dispatches() == 5);
  CHECK(p.paired_dispatches() == 3);
  p.count(prev, code.data() + starts[0]);  // a branch back: the head before it ran alone
  p.count(code.data() + starts[0], code.data() + starts[1]);
  CHECK(p.dispatches() == 7);
  CHECK(p.paired_dispatches() == 4);
  std::ostringstream report;
  p.report(report, 10);
  CHECK(report.str().find("with pairs.def's pairs (estimated): 4 dispatches") != std::string::npos);
  // Alone: only the third head, one of the four dispatches.
  const std::string text = report.str();
  const size_t from = text.find("dispatched alone"), to = text.find("pair candidates");
  REQUIRE(from < to);
  const std::string alone = text.substr(from, to - from);
  CHECK(alone.find(std::string("1  25.00%  ") + wi::regop_name(head) + "\n") != std::string::npos);
  CHECK(alone.find(wi::regop_name(tail)) == std::string::npos);
}
