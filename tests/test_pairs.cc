// Pair ops (interp/pairs.def, interp/pairs.cc): the pass walks code by regop_units and gives a head its
// pair op only when the next instruction is the pair's tail; a pair runs both, a trap in the tail is
// reported at the tail's wasm instruction, and a branch to the tail runs the tail alone.
#include <doctest/doctest.h>
#include <sstream>
#include "interp/code.h"
#include "interp/op_profile.h"
#include "interp/pairs.h"
#include "interp/regop.h"
#include "interp/regop_info.h"
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

struct RegOpAt {
  wi::RegOp op;
  size_t units;
};
RegOpAt op_at(const wi::CompiledFunc& f, size_t pos) {
  wi::RegOp op = wi::regop_from_handler(int32_t(f.code.at(pos)));
  return {op, wi::regop_units(op, f.code.data() + pos)};
}

}  // namespace

TEST_CASE("pair ops: formed only before their tail, code walks by regop_units") {
  auto cm = compile(pair_module().bytes);
  const wi::CompiledFunc& f = cm->funcs.at(0);
  size_t pos = 0, pairs = 0, forwarding = 0, triples = 0;
  wi::RegOp prev_pair_tail = wi::RegOp::Count_;
  std::vector<wi::RegOp> expected;  // the ops a triple op runs after its head, in order
  while (pos < f.code.size()) {
    wi::RegOp op = wi::regop_from_handler(int32_t(f.code[pos]));
    REQUIRE(op != wi::RegOp::Count_);
    wi::RegOp run = wi::is_pair_op(op) ? wi::pair_parts(op).head : wi::is_triple_op(op) ? wi::triple_parts(op).a : op;
    if (wi::is_acc_op(run)) run = wi::acc_base(run);  // its accumulator form (interp/accumulator.h)
    if (prev_pair_tail != wi::RegOp::Count_) CHECK(run == prev_pair_tail);  // the pair's tail (or a run it heads)
    if (!expected.empty()) {  // a triple's middle op, then its tail, each maybe heading a run of its own
      CHECK(run == expected.front());
      expected.erase(expected.begin());
    }
    prev_pair_tail = wi::is_pair_op(op) ? wi::pair_parts(op).tail : wi::RegOp::Count_;
    if (wi::is_triple_op(op)) {
      ++triples;
      const wi::RegOpTriple& t = wi::triple_parts(op);
      expected = {t.b, t.c};
      size_t middle = pos + wi::regop_units(op, f.code.data() + pos);
      RegOpAt mid = op_at(f, middle);
      CHECK(wi::pair_form_of(t.a, f.code.data() + pos, t.b, f.code.data() + middle) == t.f1);
      CHECK(wi::pair_form_of(t.b, f.code.data() + middle, t.c, f.code.data() + middle + mid.units) == t.f2);
    }
    if (wi::is_pair_op(op)) {
      ++pairs;
      CHECK(wi::can_head_pair(wi::pair_parts(op).head));
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
  CHECK(expected.empty());                     // nor a triple op one of the last two
  // The loop's body, x >> 1 & 0x7fff ^ 0x1021, is CoreMark's most frequent run of three: a triple
  // whenever triples.def has that row (the instruction after it, n - 1, reads no slot it writes).
  using wi::RegOp;
  if (!wi::op_profile_built() && wi::triple_row(RegOp::NI_I32ShrU, RegOp::NI_I32And, RegOp::NI_I32Xor, 2, 2) >= 0)
    CHECK(triples >= 1);
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
  CHECK(report.str().find("with pairs.def's pairs and triples.def's triples (estimated): 4 dispatches") != std::string::npos);
  // Alone: only the third head, one of the four dispatches.
  const std::string text = report.str();
  const size_t from = text.find("dispatched alone"), to = text.find("pair candidates");
  REQUIRE(from < to);
  const std::string alone = text.substr(from, to - from);
  CHECK(alone.find(std::string("1  25.00%  ") + wi::regop_name(head) + "\n") != std::string::npos);
  CHECK(alone.find(wi::regop_name(tail)) == std::string::npos);
}

// Where the translator's walk forms a triple (pairs.h, triple_at): the row's ops with its forms,
// only where the third instruction would otherwise run alone, and not where the instruction after
// the three reads the head's or the middle op's result. Needs CoreMark's rows (NI_I32ShrU,
// NI_I32And, NI_I32Xor, 2, 2) of triples.def and (NI_I32Xor, NI_I32ShrU) of pairs.def.
TEST_CASE("triple ops form where they save a dispatch and move no boundary") {
  using wi::RegOp;
  if (wi::op_profile_built()) return;  // a counting build forms none
  REQUIRE(wi::triple_row(RegOp::NI_I32ShrU, RegOp::NI_I32And, RegOp::NI_I32Xor, 2, 2) >= 0);
  REQUIRE(wi::is_pair_row(RegOp::NI_I32Xor, RegOp::NI_I32ShrU));
  auto unit = [](RegOp op) { return uint32_t(op); };
  // t = x >> 1; t &= 0x7fff; x = t ^ 0x1021; then `after`
  auto triple = [&](uint32_t middle_reads, std::array<uint32_t, 4> after) {
    std::array<uint32_t, 16> code = {unit(RegOp::NI_I32ShrU), 3, 2, 1,       unit(RegOp::NI_I32And), 3, middle_reads,
                                     0x7fff,                  unit(RegOp::NI_I32Xor), 2, 3, 0x1021, after[0],
                                     after[1],                after[2], after[3]};
    return wi::triple_at(RegOp::NI_I32ShrU, &code[0], RegOp::NI_I32And, &code[4], RegOp::NI_I32Xor, &code[8],
                         &code[12]);
  };
  const std::array<uint32_t, 4> sub = {unit(RegOp::NI_I32Sub), 1, 1, 1};  // n -= 1: reads none of theirs
  RegOp formed = triple(3, sub);
  REQUIRE(wi::is_triple_op(formed));
  CHECK(wi::triple_parts(formed).c == RegOp::NI_I32Xor);
  CHECK(triple(4, sub) == RegOp::Count_);  // the and reads another slot: form 0, not the row's 2
  CHECK(triple(3, {unit(RegOp::NI_I32Sub), 1, 3, 1}) == RegOp::Count_);  // reads the middle's result
  CHECK(triple(3, {unit(RegOp::NI_I32ShrU), 5, 6, 1}) == RegOp::Count_);  // the xor would head a pair
  CHECK(triple(3, {0, 0, 0, 0}) != RegOp::Count_);  // nothing after: Unreachable reads no slot
}
