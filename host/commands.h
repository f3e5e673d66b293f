// The subcommands of the `wi` tool and the helpers they share. Each returns the process exit status:
// 0 success, 1 the module failed to load or link (compile error, unresolved import), 2 usage error,
// 134 the guest trapped (`wi exec`; 128 + SIGABRT, as wasmtime does).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace wi {

constexpr int kExitOk = 0, kExitFailure = 1, kExitUsage = 2, kExitTrap = 134;

int cmd_spectest(const std::vector<std::string>& args);
int cmd_inspect(const std::vector<std::string>& args);
int cmd_exec(const std::vector<std::string>& args);

// Reads a whole file; on failure prints "wi: <path>: <reason>" and returns false.
bool read_file(const std::string& path, std::vector<uint8_t>& bytes);

}  // namespace wi
