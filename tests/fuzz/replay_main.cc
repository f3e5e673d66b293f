// A main() for a fuzz target without libFuzzer: feeds every file of the given directories (or the
// given files) to LLVMFuzzerTestOneInput once, in name order. tests/fuzz/meson.build builds one per
// target with a kept regression input and runs it over tests/fuzz/regressions/TARGET/, so every input a
// fuzzer once crashed on is re-checked in the normal and the ASan builds. Policy: a crash or sanitizer
// report fails the test by itself; finding no input at all is also a failure, so a moved or emptied
// directory cannot turn the test into one that always passes.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

// fuzz_link's custom mutator calls libFuzzer's; replay never mutates.
extern "C" size_t LLVMFuzzerMutate(uint8_t*, size_t, size_t) { std::abort(); }

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (fs::is_directory(argv[i])) {
      for (auto& e : fs::directory_iterator(argv[i]))
        if (e.is_regular_file()) files.push_back(e.path());
    } else {
      files.push_back(argv[i]);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "fuzz replay: no inputs found\n");
    return 1;
  }
  for (auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "fuzz replay: cannot read %s\n", f.c_str());
      return 1;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    std::printf("replaying %s (%zu bytes)\n", f.c_str(), bytes.size());
    std::fflush(stdout);
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::printf("fuzz replay: %zu inputs, no failure\n", files.size());
  return 0;
}
