// The spec-test runner behind `wi spectest`: executes wast2json output (see ../shared/spec/README.md)
// against the interpreter, one fresh Store per JSON file, and counts commands the way wabt's
// spectest-interp does (every command except `register`) so totals compare with MANIFEST.tsv.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace wi {

struct SpecTestOptions {
  bool verbose = false;           // print every failing and skipped command
  size_t max_failures_shown = 10; // per file, when not verbose
};

struct SpecTestCounts {
  uint64_t passed = 0, failed = 0, skipped = 0;
  SpecTestCounts& operator+=(const SpecTestCounts& o) {
    passed += o.passed;
    failed += o.failed;
    skipped += o.skipped;
    return *this;
  }
};

// Runs one JSON file, printing "<name>: P passed, F failed, S skipped" and failure details to `out`.
// Returns false, after printing a one-line reason to `err`, when the file cannot be read or is not
// well-formed wast2json output; nothing is counted then.
bool run_spec_file(const std::string& json_path, const SpecTestOptions& options, std::ostream& out,
                   std::ostream& err, SpecTestCounts& counts);

// `<dir>/<name>/<name>.json` for every subfolder of `dir` that has one, sorted by name. Returns false
// (and sets `error`) when `dir` cannot be listed.
bool spec_files_in(const std::string& dir, std::vector<std::string>& files, std::string& error);

// The files of several --dir arguments, each `DIR` or `DIR::NAME,NAME...` (only those subfolders).
// A later folder of the same name replaces an earlier one, in the earlier one's place: this is how a
// Wasm 3.0 run uses ../shared/spec3/core/X instead of ../shared/spec/core/X (its README).
bool spec_files_in_dirs(const std::vector<std::string>& dirs, std::vector<std::string>& files, std::string& error);

// Runs every file and prints the final "N passed, N failed, N skipped" line. Exit status: 2 if some
// input could not be read or parsed, else 1 if any command failed, else 0.
int run_spectest(const std::vector<std::string>& files, const SpecTestOptions& options);

}  // namespace wi
