// Runtime: a store plus name-based import resolution (host definitions, registered instances, WASI).
#include "decoder/file.h"
#include "host/runtime.h"
#include "decoder/decoder.h"
#include "fmt/format.h"

namespace wi {

Runtime::Runtime(RuntimeOptions options)
    : options_(std::move(options)), store_(options_.limits), wasi_(options_.wasi) {
  if (options_.fuel) store_.fuel = *options_.fuel;
}

Runtime::~Runtime() = default;

Result<std::shared_ptr<const CompiledModule>> Runtime::load(const std::string& path) {
  auto read = read_module_file(path);
  if (!read) return make_error(SIZE_MAX, fmt::format("{}: {}", path, read.error().message));
  std::vector<uint8_t> bytes = std::move(*read);
  return load_bytes(std::move(bytes), path);
}

Result<std::shared_ptr<const CompiledModule>> Runtime::load_bytes(std::vector<uint8_t> bytes,
                                                                  const std::string& name) {
  CompileOptions co;
  co.file_name = name;
  co.meter_fuel = options_.fuel.has_value();
  auto r = compile_module(std::move(bytes), co);
  if (!r) return make_error(SIZE_MAX, format_error(name, r.error()));
  return std::shared_ptr<const CompiledModule>(std::move(r.value()));
}

void Runtime::define_host(const std::string& module, const std::string& name, const FuncType& type,
                          HostFunction fn) {
  FuncInst* f = store_.create_host_function(type, std::move(fn), module + "." + name);
  defined_[{module, name}] = ExternRef{ExternKind::Func, f};
}

void Runtime::register_instance(const std::string& module_name, Instance* inst) {
  for (auto& [name, ref] : inst->exports) defined_[{module_name, name}] = ref;
}

InstantiateOutcome Runtime::instantiate(std::shared_ptr<const CompiledModule> module) {
  const Module& m = *module->module;
  std::vector<ExternRef> imports;
  for (const Import& im : m.imports) {
    auto it = defined_.find({im.module, im.name});
    if (it != defined_.end()) {
      imports.push_back(it->second);
      continue;
    }
    if (im.kind == ExternKind::Func) {
      if (FuncInst* f = wasi_.resolve(store_, im.module, im.name)) {
        imports.push_back(ExternRef{ExternKind::Func, f});
        continue;
      }
    }
    InstantiateOutcome out;
    out.link_error = make_error(SIZE_MAX, fmt::format("{}: unresolved import {}.{} ({})", m.file_name,
                                                      im.module, im.name, to_string(im.kind)));
    return out;
  }
  // Keep `module` (and so `m`) alive: on a link error the store drops its reference.
  InstantiateOutcome out = store_.instantiate(module, imports);
  if (out.link_error) out.link_error->message = m.file_name + ": " + out.link_error->message;
  return out;
}

Trap Runtime::call(Instance* inst, std::string_view export_name, std::span<const Value> args,
                   std::vector<Value>& results) {
  const ExternRef* ref = inst->find_export(export_name);
  if (!ref || ref->kind != ExternKind::Func) {
    Trap t;
    t.kind = TrapKind::Host;
    t.message = fmt::format("no exported function \"{}\"", export_name);
    return t;
  }
  // Store::call requires matching argument types (a mistyped reference would be dereferenced).
  auto* f = static_cast<FuncInst*>(ref->ptr);
  const FuncType& type = *f->type;
  for (size_t i = 0; i < args.size() && i < type.params.size(); ++i) {
    if (args[i].type != type.params[i]) {
      Trap t;
      t.kind = TrapKind::Host;
      t.message = fmt::format("\"{}\" {}: argument {} is {}, expected {}", export_name, to_string(type), i + 1,
                              to_string(args[i].type), to_string(type.params[i]));
      return t;
    }
  }
  return store_.call(f, args, results);
}

}  // namespace wi
