// `wi wasmify`: the command-line front of linker/wasmify.h, kept in linker/ so host/cli.cc needs one
// dispatch line. Policy: exit status 0 success, 1 the object could not be converted (the message names
// the file, offset and cause), 2 usage error — the same convention as every `wi` subcommand.
#pragma once
#include <string>
#include <vector>

namespace wi::link {

// args: everything after "wasmify" on the command line.
int run_wasmify(const std::vector<std::string>& args);

}  // namespace wi::link
