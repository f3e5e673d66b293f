// Reading a module file into memory: the one place wi reads whole files (the CLI, the runtime, the
// linker and wasmify all use it). Sized from fstat and read with one fread, since byte-wise stream
// iteration cost more than decoding the headers of libc.wasm.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wi {

// False (with `out` empty) when the file cannot be opened or read.
bool read_whole_file(const std::string& path, std::vector<uint8_t>& out);

}  // namespace wi
