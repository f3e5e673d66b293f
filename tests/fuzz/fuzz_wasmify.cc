// libFuzzer target: wasmify (linker/wasmify.h) on mutated relocatable objects. Any input must give an
// error value or an output, never a crash or sanitizer report; and an output must be what wasmify.h
// promises: valid WebAssembly (decode_module validates every body) whose `dyninfo` section reads back
// as the DynInfo wasmify returned, and that the runtime linker can place (data_align up to a page). A violation abort()s with the reason, so libFuzzer keeps the input.
// Seeds: tests/linker/fixtures/*.o (scripts/fuzz.sh compiles them as the meson build does).
#include <cstdio>
#include <cstdlib>
#include "decoder/decoder.h"
#include "linker/dyninfo.h"
#include "linker/wasmify.h"

using namespace wi;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_wasmify: %s: %s\n", what, detail.c_str());
  std::abort();
}

void check_output(const link::WasmifyOutput& out) {
  auto m = decode_module(out.bytes, nullptr);
  if (!m) fail("wasmify output does not decode", m.error().message);
  auto info = link::read_dyninfo(**m);
  if (!info) fail("wasmify output's dyninfo does not read", info.error().message);
  if (!(*info == out.info)) fail("wasmify output's dyninfo differs from the returned DynInfo", link::to_json(*info));
  // The runtime linker refuses data alignment over a page (layout.cc): such an output could never load.
  if (out.info.data_align > kPageSize) fail("wasmify output's data_align is over a page", std::to_string(out.info.data_align));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> object(data, data + size);
  // A library keeping its debug sections: the most relocation kinds are honoured in this mode.
  link::WasmifyOptions lib;
  lib.shared = true;
  lib.keep_debug = true;
  auto r = link::wasmify(object, lib);
  if (!r) return 0;
  check_output(*r);
  // The same object as a program with an export list and needed libraries: the symbol filtering and
  // the entry paths (the entry need not exist: wasmify records it, the linker checks it).
  link::WasmifyOptions prog;
  prog.exports = {"lib_api", "main", "counter"};
  prog.needed = {"libc.wasm", "../x/y.wasm"};
  auto p = link::wasmify(std::move(object), prog);
  if (p) check_output(*p);
  return 0;
}
