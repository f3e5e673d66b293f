// Wasm 3.0 typed function references and extended constant expressions, from modules built byte by
// byte: validation (non-nullable locals, subtyping at calls and branches), execution (call_ref,
// br_on_null, br_on_non_null, ref.as_non_null, their traps), type equivalence across modules, and
// constant expressions with add/sub/mul and global.get of defined globals.
#include <doctest/doctest.h>
#include "tests/wasm_builder.h"

using namespace wb;
using wi::ValType;

namespace {

// (ref $t) and (ref null $t) as value-type bytes; the heap types func and extern.
Bytes ref_of(uint32_t type_index) { return code(0x64, sleb(type_index)); }
Bytes ref_null_of(uint32_t type_index) { return code(0x63, sleb(type_index)); }
const Bytes kRefFunc{0x64, 0x70};
constexpr uint8_t call_ref = 0x14, return_call_ref = 0x15, ref_as_non_null = 0xd4, br_on_null = 0xd5,
                  br_on_non_null = 0xd6;

std::string compile_error(const Bytes& b) {
  auto r = wi::compile_module(b, wi::CompileOptions{"t.wasm"});
  return r.ok() ? "" : r.error().message;
}

}  // namespace

TEST_CASE("call_ref, br_on_non_null and br_on_null run, and a null reference traps") {
  ModuleBuilder m;
  uint32_t t_ii = m.type({I32}, {I32});                            // 0: the callee type $t
  uint32_t t_apply = m.type_typed({ref_null_of(t_ii), {I32}}, {{I32}});  // 1: [(ref null $t) i32] -> [i32]
  uint32_t t_v_i = m.type({}, {I32});                              // 2
  uint32_t dbl = m.func(t_ii, code(local_get(0), local_get(0), op::i32_add, op::end));
  // apply(f, x): f(x), or -1 when f is null (br_on_non_null leaves the block with the non-null ref).
  uint32_t apply = m.func(t_apply, code(local_get(1), op::block, ref_of(t_ii), local_get(0), br_on_non_null, 0,
                                        i32_const(-1), op::return_, op::end, call_ref, leb(t_ii), op::end));
  // is_null(f) by br_on_null: 1 when the branch is taken, else f is called with 5.
  uint32_t probe = m.func(t_apply, code(op::block, blocktype(), i32_const(5), local_get(0), br_on_null, 0,
                                        call_ref, leb(t_ii), op::return_, op::end, i32_const(1), op::end));
  m.export_func("with_fn", m.func(t_v_i, code(ref_func(dbl), i32_const(21), call(apply), op::end)));
  m.export_func("with_null", m.func(t_v_i, code(op::ref_null, sleb(t_ii), i32_const(21), call(apply), op::end)));
  m.export_func("probe_fn", m.func(t_v_i, code(ref_func(dbl), i32_const(0), call(probe), op::end)));
  m.export_func("probe_null", m.func(t_v_i, code(op::ref_null, sleb(t_ii), i32_const(0), call(probe), op::end)));
  m.export_func("call_null", m.func(t_v_i, code(i32_const(1), op::ref_null, sleb(t_ii), call_ref, leb(t_ii), op::end)));
  m.export_func("as_non_null", m.func(t_v_i, code(op::ref_null, 0x70, ref_as_non_null, op::drop, i32_const(0), op::end)));
  // A tail call through a reference runs in constant stack space (a million calls deep here).
  const uint32_t count_index = 9;
  uint32_t count = m.func(t_ii, code(local_get(0), op::i32_eqz, op::if_, blocktype(), i32_const(7), op::return_,
                                     op::end, local_get(0), i32_const(1), op::i32_sub, ref_func(count_index),
                                     return_call_ref, leb(t_ii), op::end));
  REQUIRE(count == count_index);
  m.export_func("count", count);
  m.elem_declare({dbl, count});
  wi::Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "with_fn") == 42);
  CHECK(run_i32(s, inst, "with_null") == -1);
  CHECK(run_i32(s, inst, "probe_fn") == 10);
  CHECK(run_i32(s, inst, "probe_null") == 1);
  CHECK(run_trap(s, inst, "call_null").message.find("null function reference") != std::string::npos);
  CHECK(run_trap(s, inst, "as_non_null").message.find("null reference") != std::string::npos);
  CHECK(run_i32(s, inst, "count", {vi32(1000000)}) == 7);
}

TEST_CASE("a non-nullable local must be set before it is read, and a set lasts to the end of its block") {
  ModuleBuilder ok;
  uint32_t t = ok.type({}, {});
  ok.func_typed_locals(t, code(ref_func(0), local_set(0), local_get(0), op::drop, op::end), {kRefFunc});
  ok.elem_declare({0});
  CHECK(compile_error(ok.build()) == "");

  ModuleBuilder unset;
  t = unset.type({}, {});
  unset.func_typed_locals(t, code(local_get(0), op::drop, op::end), {kRefFunc});
  CHECK(compile_error(unset.build()) == "uninitialized local");

  ModuleBuilder scoped;
  t = scoped.type({}, {});
  scoped.func_typed_locals(t, code(op::block, blocktype(), ref_func(0), local_set(0), op::end, local_get(0), op::drop,
                                   op::end),
                           {kRefFunc});
  scoped.elem_declare({0});
  CHECK(compile_error(scoped.build()) == "uninitialized local");

  // A nullable local has a default (null) and may be read at once.
  ModuleBuilder nullable;
  t = nullable.type({}, {});
  nullable.func_typed_locals(t, code(local_get(0), op::drop, op::end), {Bytes{0x63, 0x70}});
  CHECK(compile_error(nullable.build()) == "");
}

TEST_CASE("typed references obey subtyping: (ref $t) fits funcref, funcref does not fit (ref $t)") {
  ModuleBuilder sub;
  uint32_t t = sub.type({}, {});
  uint32_t t_ret = sub.type({}, {FUNCREF});
  sub.func(t, code(op::end));
  sub.func(t_ret, code(ref_func(0), op::end));  // (ref $t) returned as funcref
  sub.elem_declare({0});
  CHECK(compile_error(sub.build()) == "");

  ModuleBuilder super;
  t = super.type({}, {});
  t_ret = super.type_typed({}, {ref_null_of(0)});
  super.func(t_ret, code(op::ref_null, 0x70, op::end));  // funcref returned as (ref null $t)
  CHECK(compile_error(super.build()) == "type mismatch");

  ModuleBuilder forward;
  forward.type_typed({ref_null_of(1)}, {});  // names a type not yet defined
  forward.type({}, {});
  CHECK(compile_error(forward.build()) == "unknown type 1");
}

TEST_CASE("equivalent function types of two modules are one type to call_indirect and imports") {
  // Module A: type 0 = [i32] -> [i32]; type 1 = [(ref null 0)] -> [i32]; exports use(f) = f(3).
  ModuleBuilder a;
  uint32_t a_ii = a.type({I32}, {I32});
  uint32_t a_use = a.type_typed({ref_null_of(a_ii)}, {{I32}});
  a.export_func("use", a.func(a_use, code(i32_const(3), local_get(0), call_ref, leb(a_ii), op::end)));
  // Module B declares the same types in another order, imports use, and passes its own function.
  ModuleBuilder b;
  uint32_t b_v_i = b.type({}, {I32});      // 0
  uint32_t b_ii = b.type({I32}, {I32});     // 1
  uint32_t b_use = b.type_typed({ref_null_of(b_ii)}, {{I32}});  // 2: equivalent to A's type 1
  uint32_t use = b.import_func("a", "use", b_use);
  uint32_t sq = b.func(b_ii, code(local_get(0), local_get(0), op::i32_mul, op::end));
  b.export_func("run", b.func(b_v_i, code(ref_func(sq), call(use), op::end)));
  b.elem_declare({sq});
  wi::Store s;
  auto* ia = instantiate(s, a.build());
  auto* ib = instantiate(s, b.build(), {ext(func_export(ia, "use"))});
  CHECK(run_i32(s, ib, "run") == 9);

  // An import whose reference parameter names a different function type does not link.
  ModuleBuilder c;
  uint32_t c_ff = c.type({F32}, {F32});
  uint32_t c_use = c.type_typed({ref_null_of(c_ff)}, {{I32}});
  c.import_func("a", "use", c_use);
  auto o = s.instantiate(compile(c.build()), {ext(func_export(ia, "use"))});
  REQUIRE(o.link_error);
  CHECK(o.link_error->message.find("incompatible import type") != std::string::npos);
}

TEST_CASE("extended constant expressions: add, sub, mul, and global.get of an earlier defined global") {
  ModuleBuilder m;
  uint32_t t = m.type({}, {I32});
  uint32_t g0 = m.global(I32, false, code(i32_const(100), op::end));
  // g1 = g0 + 4 * 8 - 2 = 130
  uint32_t g1 = m.global(I32, false, code(global_get(g0), i32_const(4), i32_const(8), op::i32_mul, op::i32_add,
                                          i32_const(2), op::i32_sub, op::end));
  uint32_t g2 = m.global(I64, false, code(i64_const(-1), i64_const(3), op::i64_mul, op::end));
  m.memory(1);
  m.data_at(code(global_get(g1), i32_const(2), op::i32_add, op::end), {0x2a});  // at g1 + 2 = 132
  m.export_func("g1", m.func(t, code(global_get(g1), op::end)));
  m.export_func("at132", m.func(t, code(i32_const(132), mem(op::i32_load8_u), op::end)));
  m.export_global("g2", g2);
  wi::Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "g1") == 130);
  CHECK(run_i32(s, inst, "at132") == 42);
  auto* g = export_ptr<wi::GlobalInst>(inst, "g2", wi::ExternKind::Global);
  CHECK(int64_t(wi::Store::read_global(*g).i64) == -3);

  // A global may not read a later one, nor a mutable one.
  ModuleBuilder later;
  later.global(I32, false, code(global_get(1), op::end));
  later.global(I32, false, code(i32_const(1), op::end));
  CHECK(compile_error(later.build()) == "unknown global 1");
  ModuleBuilder mut;
  mut.global(I32, true, code(i32_const(1), op::end));
  mut.global(I32, false, code(global_get(0), op::end));
  CHECK(compile_error(mut.build()) == "constant expression required");
  // The stack must end with exactly one value of the global's type.
  ModuleBuilder two;
  two.global(I32, false, code(i32_const(1), i32_const(2), op::end));
  CHECK(compile_error(two.build()) == "type mismatch");
  ModuleBuilder wrong;
  wrong.global(I32, false, code(i32_const(1), i64_const(2), op::i32_add, op::end));
  CHECK(compile_error(wrong.build()) == "type mismatch");
  ModuleBuilder not_const;
  not_const.global(I32, false, code(i32_const(1), i32_const(2), op::i32_div_s, op::end));
  CHECK(compile_error(not_const.build()) == "constant expression required");
}

TEST_CASE("tail-call recursion 10^8 deep runs in constant stack space (return_call)") {
  ModuleBuilder m;
  uint32_t t_ii = m.type({I32}, {I32});
  constexpr uint8_t return_call = 0x12;
  // count(n) = n == 0 ? 7 : count(n - 1), as a tail call: 10^8 frames would need gigabytes.
  uint32_t count = m.func(t_ii, code(local_get(0), op::i32_eqz, op::if_, blocktype(), i32_const(7), op::return_,
                                     op::end, local_get(0), i32_const(1), op::i32_sub, return_call, leb(0), op::end));
  m.export_func("count", count);
  wi::Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "count", {vi32(100'000'000)}) == 7);
}
