// A deterministic generator of large, valid wasm modules for the translation benchmark: many functions
// of mixed integer/float arithmetic, memory accesses, calls, call_indirect and structured control flow
// (block, loop, if/else, br_if, br_table). The code is never run, only decoded, validated, translated
// and instantiated.
#pragma once
#include <cstdint>
#include <vector>

namespace wi::bench {

struct GenOptions {
  uint32_t functions = 2000;
  uint32_t seed = 1;
};

std::vector<uint8_t> generate_module(const GenOptions& options);

}  // namespace wi::bench
