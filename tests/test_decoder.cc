// Decoder and validator errors: modules are assembled byte by byte here, so every test knows the exact
// file offset each error must point at, and the message the spec's test suite expects.
#include <doctest/doctest.h>
#include <cstdint>
#include <map>
#include <string>
#include <vector>
#include "decoder/decoder.h"

using Bytes = std::vector<uint8_t>;

namespace {

constexpr uint8_t I32 = 0x7f, I64 = 0x7e;

void append(Bytes& out, const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); }

Bytes leb(uint32_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
  return out;
}

Bytes vec(const std::vector<Bytes>& items) {
  Bytes out = leb(uint32_t(items.size()));
  for (auto& i : items) append(out, i);
  return out;
}

Bytes header() { return {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}; }

Bytes section(uint8_t id, const Bytes& payload) {
  Bytes out{id};
  append(out, leb(uint32_t(payload.size())));
  append(out, payload);
  return out;
}

// Assembles a module from function types, function bodies and raw sections, emitting sections in the
// order the binary format requires, and remembers where each body's first instruction lands.
class ModuleBuilder {
 public:
  ModuleBuilder& type(Bytes params, Bytes results) {
    Bytes t{0x60};
    append(t, leb(uint32_t(params.size())));
    append(t, params);
    append(t, leb(uint32_t(results.size())));
    append(t, results);
    types_.push_back(t);
    return *this;
  }
  // `locals` is the already-encoded local declaration groups (without their count).
  ModuleBuilder& func(uint32_t type_index, Bytes code, std::vector<Bytes> local_groups = {}) {
    funcs_.push_back({type_index, std::move(code), std::move(local_groups)});
    return *this;
  }
  ModuleBuilder& raw(uint8_t id, Bytes payload) {
    raw_[rank(id)] = {id, std::move(payload)};
    return *this;
  }

  Bytes build() {
    std::map<int, std::pair<uint8_t, Bytes>> secs = raw_;
    if (!types_.empty()) secs[rank(1)] = {1, vec(types_)};
    if (!funcs_.empty()) {
      std::vector<Bytes> idx, bodies;
      for (auto& f : funcs_) {
        idx.push_back(leb(f.type));
        Bytes body = vec(f.locals);
        f.code_in_body = body.size();
        append(body, f.code);
        Bytes sized = leb(uint32_t(body.size()));
        f.code_in_body += sized.size();
        append(sized, body);
        bodies.push_back(sized);
      }
      secs[rank(3)] = {3, vec(idx)};
      secs[rank(10)] = {10, vec(bodies)};
    }
    Bytes out = header();
    for (auto& [r, s] : secs) {
      if (s.first == 10) {
        // Payload starts after the id byte and the size; bodies follow the count.
        size_t at = out.size() + 1 + leb(uint32_t(s.second.size())).size() +
                    leb(uint32_t(funcs_.size())).size();
        for (auto& f : funcs_) {
          f.code_offset = at + f.code_in_body;
          at += f.code_in_body + f.code.size();
        }
      }
      append(out, section(s.first, s.second));
    }
    return out;
  }

  // File offset of function `i`'s first instruction (valid after build()).
  size_t code(size_t i) const { return funcs_.at(i).code_offset; }

 private:
  static int rank(uint8_t id) {
    static const int r[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
    return r[id];
  }
  struct Func {
    uint32_t type;
    Bytes code;
    std::vector<Bytes> locals;
    size_t code_in_body = 0, code_offset = 0;
  };
  std::vector<Bytes> types_;
  std::vector<Func> funcs_;
  std::map<int, std::pair<uint8_t, Bytes>> raw_;
};

struct Outcome {
  bool ok;
  std::string message;
  size_t offset;
};

Outcome decode(Bytes b) {
  auto r = wi::decode_module(std::move(b), nullptr);
  if (r.ok()) return {true, "", 0};
  return {false, r.error().message, r.error().offset};
}

void check_fails(const Bytes& b, const std::string& message, size_t offset) {
  Outcome o = decode(b);
  REQUIRE_FALSE(o.ok);
  CHECK(o.message == message);
  CHECK(o.offset == offset);
}

void check_ok(const Bytes& b) {
  Outcome o = decode(b);
  INFO("error: ", o.message, " at ", o.offset);
  CHECK(o.ok);
}

// A module with one function of type [] -> results, running `code` (which must include the final end).
ModuleBuilder single(Bytes code, Bytes results = {}) {
  ModuleBuilder m;
  m.type({}, std::move(results)).func(0, std::move(code));
  return m;
}

const Bytes kOneMemory = vec({{0x00, 0x01}});  // memory section: one memory, min 1, no max

}  // namespace

TEST_CASE("a well-formed module decodes and is described") {
  ModuleBuilder m;
  m.type({I64}, {I64})
      .func(0, {0x20, 0x00, 0x0b})
      .raw(7, vec({Bytes{0x03, 'f', 'a', 'c', 0x00, 0x00}}));  // export "fac" func 0
  auto r = wi::decode_module(m.build(), nullptr, {"fac.wasm"});
  REQUIRE(r.ok());
  const wi::Module& mod = *r.value();
  CHECK(mod.file_name == "fac.wasm");
  CHECK(mod.types.size() == 1);
  CHECK(mod.func_types.size() == 1);
  CHECK(mod.codes.size() == 1);
  CHECK(mod.codes[0].code_start == m.code(0));
  REQUIRE(mod.exports.size() == 1);
  CHECK(mod.exports[0].name == "fac");
  CHECK(mod.function_display_name(0) == "fac");
}

TEST_CASE("format_error") {
  CHECK(wi::format_error("a.wasm", wi::Error{0x1f, "type mismatch"}) == "a.wasm: 0x1f: type mismatch");
  CHECK(wi::format_error("a.wasm", wi::Error{SIZE_MAX, "oops"}) == "a.wasm: oops");
}

TEST_CASE("magic and version") {
  check_fails({}, "magic header not detected", 0);
  check_fails({0x00, 0x61, 0x73, 0x6e, 0x01, 0x00, 0x00, 0x00}, "magic header not detected", 0);
  check_fails({0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00}, "unknown binary version", 4);
  check_fails({0x00, 0x61, 0x73, 0x6d, 0x01, 0x00}, "unexpected end", 4);
  check_ok(header());
}

TEST_CASE("section order") {
  // Function section (3) before type section (1): the type section is out of order.
  Bytes b = header();
  append(b, section(3, {0x00}));
  append(b, section(1, {0x00}));
  check_fails(b, "unexpected content after last section", 11);

  // The same section twice.
  b = header();
  append(b, section(1, {0x00}));
  append(b, section(1, {0x00}));
  check_fails(b, "unexpected content after last section", 11);

  // Data count (12) must come before code (10), although its id is larger.
  b = header();
  append(b, section(10, {0x00}));
  append(b, section(12, {0x00}));
  check_fails(b, "unexpected content after last section", 11);

  b = header();
  append(b, section(12, {0x00}));
  append(b, section(10, {0x00}));
  check_ok(b);

  // Custom sections may appear anywhere.
  b = header();
  append(b, section(1, {0x00}));
  append(b, section(0, {0x01, 'x'}));
  append(b, section(3, {0x00}));
  check_ok(b);

  // The tag section (13, Wasm 3.0) sits between memory (5) and global (6).
  b = header();
  append(b, section(13, {0x00}));
  append(b, section(5, {0x00}));
  check_fails(b, "unexpected content after last section", 11);
  b = header();
  append(b, section(5, {0x00}));
  append(b, section(13, {0x00}));
  append(b, section(6, {0x00}));
  check_ok(b);

  b = header();
  append(b, section(14, {0x00}));
  check_fails(b, "malformed section id", 8);
}

TEST_CASE("section sizes") {
  // A type section declaring 5 bytes whose content takes 4.
  Bytes b = header();
  append(b, {0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00});
  check_fails(b, "section size mismatch", 14);

  // Content running past the declared size: the section reader must not read on into the file.
  b = header();
  append(b, {0x01, 0x03, 0x01, 0x60, 0x00, 0x00});
  check_fails(b, "unexpected end", 13);

  // A size larger than the rest of the file.
  b = header();
  append(b, {0x01, 0x05, 0x01, 0x60});
  check_fails(b, "length out of bounds", 10);
}

TEST_CASE("function and code section counts") {
  ModuleBuilder m;
  m.type({}, {}).func(0, {0x0b});
  Bytes ok = m.build();
  check_ok(ok);

  // Function section says 2, code section has 1 body.
  Bytes b = header();
  append(b, section(1, vec({{0x60, 0x00, 0x00}})));
  append(b, section(3, vec({{0x00}, {0x00}})));
  size_t code_payload = b.size() + 2;
  append(b, section(10, vec({{0x02, 0x00, 0x0b}})));
  check_fails(b, "function and code section have inconsistent lengths", code_payload);

  // Function section without any code section: found only at the end of the file.
  b = header();
  append(b, section(1, vec({{0x60, 0x00, 0x00}})));
  append(b, section(3, vec({{0x00}})));
  check_fails(b, "function and code section have inconsistent lengths", b.size());

  // Code without functions.
  b = header();
  append(b, section(10, vec({{0x02, 0x00, 0x0b}})));
  check_fails(b, "function and code section have inconsistent lengths", 10);
}

TEST_CASE("validation: type mismatch") {
  // i32.const 1; i64.const 2; i32.add: the second operand is an i64.
  ModuleBuilder m = single({0x41, 0x01, 0x42, 0x02, 0x6a, 0x1a, 0x0b});
  Bytes b = m.build();
  check_fails(b, "type mismatch", m.code(0) + 4);

  // The body leaves an i64 where the result is i32: found at the final end.
  ModuleBuilder r = single({0x42, 0x00, 0x0b}, {I32});
  b = r.build();
  check_fails(b, "type mismatch", r.code(0) + 2);

  // Missing operand.
  ModuleBuilder e = single({0x6a, 0x0b}, {I32});
  b = e.build();
  check_fails(b, "type mismatch", e.code(0));

  // Operands left over at the end of a void function.
  ModuleBuilder x = single({0x41, 0x00, 0x0b});
  b = x.build();
  check_fails(b, "type mismatch", x.code(0) + 2);
}

TEST_CASE("validation: unknown local") {
  ModuleBuilder m;
  // [i32] -> [], one declared i64 local: locals 0 and 1 exist, 2 does not.
  m.type({I32}, {}).func(0, {0x20, 0x01, 0x1a, 0x20, 0x02, 0x1a, 0x0b}, {{0x01, I64}});
  Bytes b = m.build();
  check_fails(b, "unknown local 2", m.code(0) + 3);
}

TEST_CASE("validation: unknown global") {
  ModuleBuilder m = single({0x23, 0x00, 0x1a, 0x0b});
  Bytes b = m.build();
  check_fails(b, "unknown global 0", m.code(0));
}

TEST_CASE("validation: unknown function") {
  ModuleBuilder m = single({0x10, 0x07, 0x0b});
  Bytes b = m.build();
  check_fails(b, "unknown function 7", m.code(0));

  ModuleBuilder ok = single({0x10, 0x00, 0x0b});  // calling itself is fine
  check_ok(ok.build());
}

TEST_CASE("validation: unknown table") {
  // i32.const 0; call_indirect type 0 table 0, with no table.
  ModuleBuilder m = single({0x41, 0x00, 0x11, 0x00, 0x00, 0x0b});
  Bytes b = m.build();
  check_fails(b, "unknown table 0", m.code(0) + 2);

  // table.size 0
  ModuleBuilder s = single({0xfc, 0x10, 0x00, 0x1a, 0x0b});
  b = s.build();
  check_fails(b, "unknown table 0", s.code(0));

  ModuleBuilder ok = single({0x41, 0x00, 0x11, 0x00, 0x00, 0x0b});
  ok.raw(4, vec({{0x70, 0x00, 0x01}}));  // table section: funcref, min 1
  check_ok(ok.build());
}

TEST_CASE("validation: unknown memory") {
  // i32.const 0; i32.load align=2 offset=0, with no memory.
  ModuleBuilder m = single({0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b});
  Bytes b = m.build();
  check_fails(b, "unknown memory 0", m.code(0) + 2);

  ModuleBuilder g = single({0x3f, 0x00, 0x1a, 0x0b});  // memory.size
  b = g.build();
  check_fails(b, "unknown memory 0", g.code(0));

  ModuleBuilder ok = single({0x41, 0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b});
  ok.raw(5, kOneMemory);
  check_ok(ok.build());
}

TEST_CASE("validation: unknown type") {
  // block with type index 5
  ModuleBuilder m = single({0x02, 0x05, 0x0b, 0x0b});
  Bytes b = m.build();
  check_fails(b, "unknown type 5", m.code(0));

  // call_indirect with type index 3, with a table present.
  ModuleBuilder c = single({0x41, 0x00, 0x11, 0x03, 0x00, 0x0b});
  c.raw(4, vec({{0x70, 0x00, 0x01}}));
  b = c.build();
  check_fails(b, "unknown type 3", c.code(0) + 2);

  // A function declared with a type that does not exist; the offset is the function section entry.
  b = header();
  append(b, section(1, vec({{0x60, 0x00, 0x00}})));
  append(b, section(3, vec({{0x03}})));
  check_fails(b, "unknown type 3", 8 + 2 + 4 + 2 + 1);
}

TEST_CASE("validation: unknown label") {
  ModuleBuilder m = single({0x0c, 0x01, 0x0b});
  Bytes b = m.build();
  check_fails(b, "unknown label 1", m.code(0));

  // Inside one block, labels 0 and 1 exist.
  ModuleBuilder n = single({0x02, 0x40, 0x0c, 0x01, 0x0c, 0x02, 0x0b, 0x0b});
  b = n.build();
  check_fails(b, "unknown label 2", n.code(0) + 4);

  // br_table checks every target.
  ModuleBuilder t = single({0x41, 0x00, 0x0e, 0x02, 0x00, 0x05, 0x00, 0x0b});
  b = t.build();
  check_fails(b, "unknown label 5", t.code(0) + 2);
}

TEST_CASE("validation: immutable global") {
  Bytes immutable_global = vec({{I32, 0x00, 0x41, 0x00, 0x0b}});
  ModuleBuilder m = single({0x41, 0x05, 0x24, 0x00, 0x0b});
  m.raw(6, immutable_global);
  Bytes b = m.build();
  check_fails(b, "global is immutable", m.code(0) + 2);

  ModuleBuilder ok = single({0x41, 0x05, 0x24, 0x00, 0x0b});
  ok.raw(6, vec({{I32, 0x01, 0x41, 0x00, 0x0b}}));
  check_ok(ok.build());
}

TEST_CASE("validation: alignment") {
  // i32.load with 2^3 alignment: larger than the natural 4 bytes.
  ModuleBuilder m = single({0x41, 0x00, 0x28, 0x03, 0x00, 0x1a, 0x0b});
  m.raw(5, kOneMemory);
  Bytes b = m.build();
  check_fails(b, "alignment must not be larger than natural", m.code(0) + 2);

  // i64.load8_u with alignment 2^1.
  ModuleBuilder n = single({0x41, 0x00, 0x31, 0x01, 0x00, 0x1a, 0x0b});
  n.raw(5, kOneMemory);
  b = n.build();
  check_fails(b, "alignment must not be larger than natural", n.code(0) + 2);

  ModuleBuilder ok = single({0x41, 0x00, 0x29, 0x03, 0x00, 0x1a, 0x0b});  // i64.load align=8
  ok.raw(5, kOneMemory);
  check_ok(ok.build());
}

TEST_CASE("validation: undeclared function reference") {
  // ref.func 0; drop — function 0 appears in no export, element segment or global.
  ModuleBuilder m = single({0xd2, 0x00, 0x1a, 0x0b});
  Bytes b = m.build();
  check_fails(b, "undeclared function reference", m.code(0));

  // An export declares it.
  ModuleBuilder e = single({0xd2, 0x00, 0x1a, 0x0b});
  e.raw(7, vec({{0x01, 'f', 0x00, 0x00}}));
  check_ok(e.build());

  // So does a declarative element segment (flags 3, elemkind 0, one index).
  ModuleBuilder d = single({0xd2, 0x00, 0x1a, 0x0b});
  d.raw(9, vec({{0x03, 0x00, 0x01, 0x00}}));
  check_ok(d.build());
}

TEST_CASE("validation: data count required") {
  // memory.init 0 needs the data count section, even with a data section present.
  Bytes code{0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x00, 0x00, 0x0b};
  Bytes passive_data = vec({{0x01, 0x00}});
  ModuleBuilder m = single(code);
  m.raw(5, kOneMemory).raw(11, passive_data);
  Bytes b = m.build();
  check_fails(b, "data count section required", m.code(0) + 6);

  ModuleBuilder drop = single({0xfc, 0x09, 0x00, 0x0b});
  drop.raw(5, kOneMemory).raw(11, passive_data);
  b = drop.build();
  check_fails(b, "data count section required", drop.code(0));

  ModuleBuilder ok = single(code);
  ok.raw(5, kOneMemory).raw(11, passive_data).raw(12, {0x01});
  check_ok(ok.build());

  // A data count that disagrees with the data section.
  ModuleBuilder bad = single({0x0b});
  bad.raw(5, kOneMemory).raw(12, {0x02}).raw(11, passive_data);
  b = bad.build();
  check_fails(b, "data count and data section have inconsistent lengths", b.size() - 3);
}
