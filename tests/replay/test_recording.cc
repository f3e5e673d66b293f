// The recording format (host/replay/recording.h) read back: a written recording parses to what was
// written; every truncation and every single bit flip of it is an error naming an offset, never a
// crash; hostile lengths and counts are refused without allocating them.
#include <cstdio>
#include <random>
#include <string>
#include <vector>
#include <doctest/doctest.h>
#include "host/replay/recording.h"

using namespace wi::replay;

namespace {

std::vector<uint8_t> slurp(const std::string& path) {
  std::vector<uint8_t> out;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f);
  int c;
  while ((c = std::fgetc(f)) != EOF) out.push_back(uint8_t(c));
  std::fclose(f);
  return out;
}

std::vector<uint8_t> sample_recording() {
  std::string path = "test_recording.tmp";
  Writer w;
  REQUIRE(w.open(path));
  Header h;
  h.settings = {{"fuel", ""}, {"guest-args", std::string("a\0b", 3)}};
  h.modules = {{"prog.wasm", 0x1234567890abcdefull}, {"libc.wasm", 42}};
  w.header(h);
  Event read;
  read.func = "wasi_snapshot_preview1.fd_read";
  read.args = {0, 1000, 1, 996};
  read.regions = {{2000, {'h', 'i', '\n'}}, {996, {3, 0, 0, 0}}};
  w.event(read);
  Event write;
  write.func = "wasi_snapshot_preview1.fd_write";
  write.args = {1, 1000, 1, 996};
  write.output = true;
  write.out_stream = 1;
  write.out_len = 3;
  write.out_hash = fnv1a("hi\n", 3);
  write.regions = {{996, {3, 0, 0, 0}}};
  w.event(write);
  Event dl;
  dl.func = "env.dlopen";
  dl.args = {5000, 2};
  dl.result = 3;
  dl.modules = {{"plugin.wasm", 7}};
  w.event(dl);
  Event exit;
  exit.func = "wasi_snapshot_preview1.proc_exit";
  exit.args = {3};
  exit.trapped = true;
  exit.trap_kind = 9;
  exit.exit_code = 3;
  exit.trap_message = "exit";
  w.event(exit);
  REQUIRE(w.finish(3));
  auto bytes = slurp(path);
  std::remove(path.c_str());
  return bytes;
}

}  // namespace

TEST_CASE("a written recording reads back as written") {
  auto bytes = sample_recording();
  auto r = parse_recording(bytes, "rec");
  REQUIRE(r);
  CHECK(r->exit_status == 3);
  REQUIRE(r->header.modules.size() == 2);
  CHECK(r->header.modules[0].hash == 0x1234567890abcdefull);
  CHECK(r->header.settings[1].second == std::string("a\0b", 3));
  REQUIRE(r->events.size() == 4);
  CHECK(r->events[0].regions[0].bytes == std::vector<uint8_t>{'h', 'i', '\n'});
  CHECK(r->events[1].output);
  CHECK(r->events[1].out_hash == fnv1a("hi\n", 3));
  CHECK(r->events[2].modules[0].name == "plugin.wasm");
  CHECK(r->events[3].trapped);
  CHECK(r->events[3].exit_code == 3);
}

TEST_CASE("every truncation is an error naming an offset") {
  auto bytes = sample_recording();
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
    auto r = parse_recording(cut, "rec");
    CAPTURE(n);
    REQUIRE(!r);
    const std::string& m = r.error().message;
    CHECK(m.starts_with("rec: "));
    CHECK((m.find("truncated at byte") != std::string::npos || m.find("not a wi recording") != std::string::npos ||
           m.find("corrupt") != std::string::npos));
  }
}

TEST_CASE("every single bit flip is an error") {
  auto bytes = sample_recording();
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto b = bytes;
      b[i] ^= uint8_t(1u << bit);
      auto r = parse_recording(b, "rec");
      CAPTURE(i);
      CAPTURE(bit);
      CHECK(!r);
    }
  }
}

TEST_CASE("random corruption never crashes the reader") {
  auto bytes = sample_recording();
  std::mt19937 rng(1);
  for (int round = 0; round < 20000; ++round) {
    auto b = bytes;
    int changes = 1 + int(rng() % 8);
    for (int k = 0; k < changes; ++k) b[rng() % b.size()] = uint8_t(rng());
    if (rng() % 4 == 0) b.resize(rng() % b.size());
    auto r = parse_recording(b, "rec");
    if (r) CHECK(b == bytes);  // only the unchanged file (a byte set to its own value) reads
  }
}

TEST_CASE("huge lengths and counts are refused, not allocated") {
  auto bytes = sample_recording();
  // The settings count sits after the magic and the version.
  auto b = bytes;
  b[12] = 0xff, b[13] = 0xff, b[14] = 0xff, b[15] = 0x7f;
  auto r = parse_recording(b, "rec");
  REQUIRE(!r);
  CHECK(r.error().message.find("larger than the file") != std::string::npos);
  // The first setting name's length.
  b = bytes;
  b[16] = 0xff, b[17] = 0xff, b[18] = 0xff, b[19] = 0xff;
  r = parse_recording(b, "rec");
  REQUIRE(!r);
  CHECK(r.error().message.find("over the limit") != std::string::npos);
  // Another format version.
  b = bytes;
  b[8] = 2;
  r = parse_recording(b, "rec");
  REQUIRE(!r);
  CHECK(r.error().message == "rec: recording format version 2, this wi reads version 1");
}
