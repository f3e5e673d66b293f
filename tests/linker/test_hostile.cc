// Crafted libraries: a real wasmified library whose dyninfo section is rewritten with one bad number at
// a time. Each must be a link error naming the module, the entry and the value (linker/check.cc,
// layout.cc), never a crash, a wrapped counter or a wrong answer later.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include "decoder/decoder.h"
#include "decoder/file.h"
#include "interp/store.h"
#include "linker/dyninfo.h"
#include "linker/linker.h"
#include "linker/module_writer.h"
#include "linker/wasmify.h"

using namespace wi;
using namespace wi::link;

namespace {

namespace fs = std::filesystem;

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("wi-hostile-" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
};

std::vector<uint8_t> wasmify_fixture(const std::string& name, bool shared, std::vector<std::string> needed = {}) {
  auto obj = read_module_file(std::string(WI_LINKER_FIXTURES) + "/" + name + ".o");
  REQUIRE(obj.ok());
  WasmifyOptions o;
  o.shared = shared;
  o.needed = std::move(needed);
  auto r = wasmify(std::move(*obj), o);
  REQUIRE(r.ok());
  return std::move(r->bytes);
}

uint32_t read_leb(const std::vector<uint8_t>& b, size_t& p) {
  uint32_t v = 0;
  for (int shift = 0;; shift += 7) {
    uint8_t c = b.at(p++);
    v |= uint32_t(c & 0x7f) << shift;
    if (!(c & 0x80)) return v;
  }
}

// The module with its dyninfo section replaced by `info`, written as `name` in `dir`.
std::string with_dyninfo(const std::vector<uint8_t>& module, const DynInfo& info, const fs::path& dir,
                         const std::string& name) {
  std::vector<uint8_t> out(module.begin(), module.begin() + 8);
  size_t p = 8;
  while (p < module.size()) {
    size_t start = p;
    uint8_t id = module[p++];
    uint32_t size = read_leb(module, p);
    size_t end = p + size;
    bool is_dyninfo = false;
    if (id == 0) {
      size_t q = p;
      uint32_t len = read_leb(module, q);
      is_dyninfo = std::string(module.begin() + q, module.begin() + q + len) == kDynInfoSection;
    }
    if (is_dyninfo) {
      ByteWriter payload;
      payload.name(kDynInfoSection);
      std::string json = to_json(info);
      payload.raw(std::span(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
      ByteWriter section;
      section.u8(0);
      section.u32(uint32_t(payload.size()));
      section.raw(payload.bytes);
      out.insert(out.end(), section.bytes.begin(), section.bytes.end());
    } else {
      out.insert(out.end(), module.begin() + start, module.begin() + end);
    }
    p = end;
  }
  fs::path path = dir / name;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(out.data()), std::streamsize(out.size()));
  return path.string();
}

DynInfo dyninfo_of(const std::vector<uint8_t>& module) {
  auto m = decode_module(module, nullptr);
  REQUIRE(m.ok());
  auto info = read_dyninfo(**m);
  REQUIRE(info.ok());
  return *info;
}

// Links load_app against load_lib.wasm rewritten by `mutate`; returns the error ("" if it linked).
std::string link_with_library(const std::function<void(DynInfo&, const wi::Module&)>& mutate) {
  Scratch s;
  std::vector<uint8_t> lib = wasmify_fixture("load_lib", true);
  DynInfo info = dyninfo_of(lib);
  auto decoded = decode_module(lib, nullptr);
  REQUIRE(decoded.ok());
  mutate(info, **decoded);
  with_dyninfo(lib, info, s.dir, "load_lib.wasm");
  std::vector<uint8_t> app = wasmify_fixture("load_app", false, {"load_lib.wasm"});
  with_dyninfo(app, dyninfo_of(app), s.dir, "load_app.wasm");
  Store store;
  Linker linker(store, {}, HostImports{});
  auto r = linker.link_program((s.dir / "load_app.wasm").string());
  return r.ok() ? "" : r.error().message;
}

}  // namespace

TEST_CASE("the unmodified library links (the harness itself works)") {
  CHECK(link_with_library([](DynInfo&, const wi::Module&) {}) == "");
}

TEST_CASE("function indices in dyninfo are checked against the module") {
  uint32_t huge = 99999;
  CHECK(link_with_library([&](DynInfo& d, const wi::Module&) { d.defun.at(0).func = huge; })
            .starts_with("load_lib.wasm: dyninfo defun[0]: function 99999 does not exist"));
  CHECK(link_with_library([&](DynInfo& d, const wi::Module&) { d.init.push_back({65535, huge}); })
            .find("dyninfo init[") != std::string::npos);
  CHECK(link_with_library([&](DynInfo& d, const wi::Module&) { d.fixupfun.at(0).func = huge; })
            .starts_with("load_lib.wasm: dyninfo fixupfun[0]: function 99999 does not exist"));
  // A defined symbol must name a defined function: an import's lazy PLT stub would resolve to itself.
  CHECK(link_with_library([](DynInfo& d, const wi::Module& m) {
          REQUIRE(m.num_imported_funcs > 0);
          d.defun.at(0).func = 0;
        }).find("dyninfo defun[0]: function 0 is an import, not defined here") != std::string::npos);
  // An init function must take and return nothing: lib_apply takes two arguments.
  std::string e = link_with_library([](DynInfo& d, const wi::Module& m) {
    for (auto& f : d.defun)
      if (f.name == "lib_apply") d.init.push_back({65535, f.func});
    REQUIRE(m.func_type(d.init.back().func).params.size() == 2);
  });
  CHECK(e.find("dyninfo init[") != std::string::npos);
  CHECK(e.find("not [] -> []") != std::string::npos);
}

TEST_CASE("table sizes cannot wrap the table or overlap the next module") {
  CHECK(link_with_library([](DynInfo& d, const wi::Module&) { d.table_size = 0xffffffff; })
            .starts_with("load_lib.wasm: dyninfo table_size: 4294967295 slots is over the table limit of 10000000"));
  CHECK(link_with_library([](DynInfo& d, const wi::Module&) { d.table_size = 0; })
            .find("is smaller than the element segment") != std::string::npos);
  // Each library within the limit, together over it: layout refuses instead of wrapping.
  std::string e = link_with_library([](DynInfo& d, const wi::Module&) { d.table_size = uint32_t(kMaxTableElements); });
  CHECK(e.find("over the table limit of 10000000") != std::string::npos);
}

TEST_CASE("code and data sites must lie inside the module's code and data") {
  CHECK(link_with_library([](DynInfo& d, const wi::Module&) {
          d.code_fixup.push_back({0, SiteKind::MemSleb, 0});
        }).find("code site at file offset 0x0 is not inside a function's code") != std::string::npos);
  CHECK(link_with_library([](DynInfo& d, const wi::Module& m) {
          d.code_ref.push_back({uint32_t(m.codes.back().end - 2), SiteKind::MemSleb, "lib_counter", 0});
        }).find("dyninfo code_ref[") != std::string::npos);
  CHECK(link_with_library([](DynInfo& d, const wi::Module&) { d.fixup.push_back({d.data_end, 0}); })
            .find("data site") != std::string::npos);
  CHECK(link_with_library([](DynInfo& d, const wi::Module&) { d.def.at(0).size = 0xffffffff; })
            .find("dyninfo def[0]") != std::string::npos);
}

TEST_CASE("custom_fixup words must lie inside a custom section other than dyninfo") {
  // At 8, the type section's first bytes: patching it would change the module the loader decoded.
  CHECK(link_with_library([](DynInfo& d, const wi::Module&) { d.custom_fixup.push_back({8, 0}); })
            .find("dyninfo custom_fixup[0]: word at file offset 0x8 is not inside a custom section") !=
        std::string::npos);
  CHECK(link_with_library([](DynInfo& d, const wi::Module& m) {
          for (auto& c : m.customs)
            if (c.name == kDynInfoSection) d.custom_fixup.push_back({uint32_t(c.offset), 0});
        }).find("dyninfo custom_fixup[0]") != std::string::npos);
  // The last word of the name section is fine; one byte further runs past it.
  CHECK(link_with_library([](DynInfo& d, const wi::Module& m) {
          const CustomSection* n = m.custom("name");
          d.custom_fixup.push_back({uint32_t(n->offset + n->payload.size() - 4), 0});
        }) == "");
}

TEST_CASE("the linker moves the data addresses of a library's DWARF to where its data landed") {
  Scratch s;
  auto obj = read_module_file(std::string(WI_LINKER_FIXTURES) + "/load_lib_g.o");
  REQUIRE(obj.ok());
  WasmifyOptions o;
  o.shared = true;
  o.keep_debug = true;
  auto lib = wasmify(std::move(*obj), o);
  REQUIRE(lib.ok());
  with_dyninfo(lib->bytes, lib->info, s.dir, "load_lib.wasm");
  std::vector<uint8_t> app = wasmify_fixture("load_app", false, {"load_lib.wasm"});
  with_dyninfo(app, dyninfo_of(app), s.dir, "load_app.wasm");
  Store store;
  Linker linker(store, {}, HostImports{});
  REQUIRE(linker.link_program((s.dir / "load_app.wasm").string()).ok());
  auto counter = linker.dlsym("lib_counter");
  REQUIRE(counter);
  uint32_t link_addr = 0;
  for (auto& d : lib->info.def)
    if (d.name == "lib_counter") link_addr = d.addr;
  const Linker::LoadedFile* lf = nullptr;
  auto files = linker.loaded_files();
  for (auto& f : files)
    if (f.path.ends_with("load_lib.wasm")) lf = &f;
  REQUIRE(lf);
  REQUIRE(lf->instance);
  CHECK(lf->relocated_debug);
  const std::vector<uint8_t>& bytes = lf->instance->module->bytes;
  size_t moved = 0;
  for (auto& f : lib->info.custom_fixup) {
    if (f.target != link_addr) continue;
    uint32_t v = uint32_t(bytes.at(f.where)) | uint32_t(bytes.at(f.where + 1)) << 8 |
                 uint32_t(bytes.at(f.where + 2)) << 16 | uint32_t(bytes.at(f.where + 3)) << 24;
    CHECK(v == *counter);
    ++moved;
  }
  CHECK(moved > 0);
  // The program has no DWARF: its file still says what its bytes say.
  CHECK_FALSE(files.at(0).relocated_debug);
}

TEST_CASE("a needed entry naming a device or a directory is refused at once") {
  for (const char* bad : {"/dev/zero", "/"}) {
    CAPTURE(bad);
    std::string e = link_with_library([&](DynInfo& d, const wi::Module&) { d.needed.push_back(bad); });
    CHECK(e.find(bad) == 0);
    CHECK((e.find("is not a regular file") != std::string::npos || e.find("is a directory") != std::string::npos));
  }
  CHECK(link_with_library([](DynInfo& d, const wi::Module&) { d.needed.push_back(std::string("a\0b", 3)); })
            .find("dyninfo needed[0]: is empty or holds a NUL byte") != std::string::npos);
}

TEST_CASE("a library opened by guest path resolves its needed entries through the guest's sandbox") {
  Scratch s;
  fs::create_directories(s.dir / "sandbox");
  std::vector<uint8_t> lib = wasmify_fixture("load_lib", true);
  DynInfo info = dyninfo_of(lib);
  info.needed = {"../outside.wasm", "/abs/x.wasm", "sub/y.wasm"};
  with_dyninfo(lib, info, s.dir / "sandbox", "load_lib.wasm");
  // The program, linked from the host with an unmodified copy of the library beside it.
  std::vector<uint8_t> app = wasmify_fixture("load_app", false, {"load_lib.wasm"});
  with_dyninfo(app, dyninfo_of(app), s.dir, "load_app.wasm");
  with_dyninfo(lib, dyninfo_of(lib), s.dir, "load_lib.wasm");
  // A host file where the escape would have led: it must never be opened.
  std::ofstream(s.dir / "outside.wasm") << "host file";
  for (size_t which = 0; which < info.needed.size(); ++which) {
    CAPTURE(which);
    DynInfo one = info;
    one.needed = {info.needed[which]};
    with_dyninfo(lib, one, s.dir / "sandbox", "load_lib.wasm");
    std::vector<std::string> asked;
    HostImports host;
    host.open_guest = [&](const std::string& guest_path) -> Result<int> {
      asked.push_back(guest_path);
      if (guest_path == "/sb/load_lib.wasm") return ::open((s.dir / "sandbox/load_lib.wasm").c_str(), O_RDONLY);
      return make_error(SIZE_MAX, guest_path + ": outside the sandbox");
    };
    Store store;
    Linker linker(store, {}, host);
    REQUIRE(linker.link_program((s.dir / "load_app.wasm").string()).ok());
    auto r = linker.dlopen("/sb/load_lib.wasm", {});
    REQUIRE_FALSE(r.ok());
    const char* expected[] = {"/sb/../outside.wasm", "/abs/x.wasm", "/sb/sub/y.wasm"};
    CHECK(asked == std::vector<std::string>{"/sb/load_lib.wasm", expected[which]});
    CHECK(r.error().message == std::string(expected[which]) + ": outside the sandbox");
    CHECK(r.error().message.find(s.dir.string()) == std::string::npos);
  }
}

TEST_CASE("dlopen of the program's own file by guest path returns the program's handle") {
  Scratch s;
  std::vector<uint8_t> lib = wasmify_fixture("load_lib", true);
  with_dyninfo(lib, dyninfo_of(lib), s.dir, "load_lib.wasm");
  std::vector<uint8_t> app = wasmify_fixture("load_app", false, {"load_lib.wasm"});
  std::string app_path = with_dyninfo(app, dyninfo_of(app), s.dir, "load_app.wasm");
  HostImports host;
  host.open_guest = [&](const std::string& guest_path) -> Result<int> {
    if (guest_path == "/prog/load_app.wasm") return ::open(app_path.c_str(), O_RDONLY);
    if (guest_path == "/prog/load_lib.wasm") return ::open((s.dir / "load_lib.wasm").c_str(), O_RDONLY);
    return make_error(SIZE_MAX, guest_path + ": no such file");
  };
  Store store;
  Linker linker(store, {}, host);
  REQUIRE(linker.link_program(app_path).ok());
  auto prog = linker.dlopen("/prog/load_app.wasm", {});  // the same file (device, inode): its handle
  REQUIRE(prog.ok());
  CHECK(*prog == 1);
  auto same_lib = linker.dlopen("/prog/load_lib.wasm", {});
  REQUIRE(same_lib.ok());
  CHECK(*same_lib == 2);
}
