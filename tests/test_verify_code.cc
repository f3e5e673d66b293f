// verify_code (interp/verify_code.h): passes the translator's code, and names what is wrong in code
// broken on purpose: a branch into the middle of an instruction, a slot outside the frame, an op
// that is no op, an accumulator form where the value is not in the accumulator.
#include <doctest/doctest.h>
#include "interp/code.h"
#include "interp/regop.h"
#include "interp/verify_code.h"
#include "tests/wasm_builder.h"

using namespace wb;

namespace {

// f(n): x = n * 3; loop { x = (x + 7) ^ n; n -= 1; br_if n }; x
wi::CompiledFunc loop_func() {
  ModuleBuilder m;
  uint32_t t = m.type({I32}, {I32});
  Bytes body = code(local_get(1), i32_const(7), op::i32_add, local_get(0), op::i32_xor, local_set(1), local_get(0),
                    i32_const(1), op::i32_sub, local_tee(0), br_if(0));
  uint32_t f = m.func(t, code(local_get(0), i32_const(3), op::i32_mul, local_set(1), op::loop, 0x40, body, op::end,
                              local_get(1), op::end),
                      {I32});
  m.export_func("f", f);
  return compile(m.build())->funcs.at(0);
}

// Positions of the instructions of f, in order.
std::vector<size_t> starts(const wi::CompiledFunc& f) {
  std::vector<size_t> at;
  for (size_t pos = 0; pos < f.code.size();) {
    at.push_back(pos);
    pos += wi::regop_units(wi::regop_from_handler(int32_t(f.code[pos])), f.code.data() + pos);
  }
  return at;
}

wi::RegOp op_at(const wi::CompiledFunc& f, size_t pos) { return wi::regop_from_handler(int32_t(f.code[pos])); }

}  // namespace

TEST_CASE("verify_code passes translated code and names what is wrong in broken code") {
  const wi::CompiledFunc good = loop_func();
  CHECK_FALSE(wi::verify_code(good).has_value());

  // A branch one unit further: into the middle of an instruction (or off its start).
  {
    wi::CompiledFunc f = good;
    bool changed = false;
    for (size_t pos : starts(f)) {
      std::string layout = wi::regop_operands(op_at(f, pos));
      if (layout.size() >= 3 && layout.compare(layout.size() - 3, 3, "rel") == 0) {
        size_t n = wi::regop_units(op_at(f, pos), f.code.data() + pos);
        f.code[pos + n - 1] += 1;
        changed = true;
        break;
      }
    }
    REQUIRE(changed);
    auto err = wi::verify_code(f);
    REQUIRE(err.has_value());
    CHECK(err->find("branches to") != std::string::npos);
  }
  // A destination slot past the frame.
  {
    wi::CompiledFunc f = good;
    f.code[1] = f.frame_slots + 5;  // the first instruction's unit 1: a destination ("d")
    REQUIRE(wi::regop_unit_kind(op_at(f, 0), 1) == wi::UnitKind::DestSlot);
    auto err = wi::verify_code(f);
    REQUIRE(err.has_value());
    CHECK(err->find("outside the frame") != std::string::npos);
  }
  // A handler unit that is no op's.
  {
    wi::CompiledFunc f = good;
    f.code[0] = 0x7fffffff;
    auto err = wi::verify_code(f);
    REQUIRE(err.has_value());
    CHECK(err->find("no op's handler") != std::string::npos);
  }
  // An accumulator form on the first instruction: nothing ran before it.
  {
    wi::CompiledFunc f = good;
    wi::RegOp first = op_at(f, 0);
    wi::RegOp base = wi::is_pair_op(first) ? wi::pair_parts(first).head : first;
    if (wi::is_acc_op(base)) base = wi::acc_base(base);
    wi::RegOp acc = wi::first_acc_form(base);
    REQUIRE(acc != wi::RegOp::Count_);  // n * 3: a numeric op
    f.code[0] = uint32_t(wi::handler_offsets()[unsigned(acc)]);
    // Executors that run an accumulator form as its base give both one handler unit: nothing to see.
    if (wi::regop_from_handler(int32_t(f.code[0])) == acc) {
      auto err = wi::verify_code(f);
      REQUIRE(err.has_value());
      CHECK(err->find("accumulator") != std::string::npos);
    }
  }
}
