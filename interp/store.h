// The store: every runtime object (function instances, tables, memories, globals, module instances)
// and the execution stack. Module instances may share one memory and one table, which the dynamic
// linker relies on. Function types are canonicalized store-wide so call_indirect's signature check is
// one integer compare. No global state: each Store is independent, several may live in one process.
#pragma once
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>
#include "decoder/module.h"
#include "interp/code.h"
#include "interp/value.h"

namespace wi {

class Store;
class OpProfile;
struct Activation;
struct Instance;

// A linear memory. Its address range is reserved once for the maximum size, so `data` never moves
// when the memory grows; accesses are checked against `size` explicitly.
struct Memory {
  MemoryType type;
  uint8_t* data = nullptr;
  uint64_t size = 0;        // bytes
  uint64_t max_pages = 0;   // effective cap (declared max, or the host's limit)
  size_t reserved = 0;
  ~Memory();
  // Returns the old size in pages, or -1 when the memory cannot grow by `delta` pages.
  int64_t grow(uint64_t delta_pages);
  uint64_t pages() const { return size / kPageSize; }
};

struct Table {
  TableType type;
  std::vector<void*> elems;  // funcref: FuncInst*; externref: host pointer; nullptr is null
  int64_t grow(uint64_t delta, void* init);
};

struct GlobalInst {
  GlobalType type;
  Slot value[2] = {};  // two slots so a v128 fits
};

// An exception tag (Wasm 3.0 exception handling): its identity is its address; its type says what
// an exception of it carries.
struct TagInst {
  uint32_t type_id = 0;  // canonical, store-wide
  const FuncType* type = nullptr;
  std::string debug_name;  // its export name, or "file:tag[N]", for messages
};

// A thrown exception: its tag and the values it carries. An exnref is a pointer to one. The store
// owns them; one caught by a clause that does not take its exnref, and never exposed as one, is
// reused (a C++ program may throw millions).
struct ExnInst {
  const TagInst* tag = nullptr;
  std::vector<Slot> payload;
  bool exposed = false;  // has been an exnref value: may be referenced from anywhere from now on
};

struct HostCall {
  Store& store;
  Instance* caller;   // the instance whose code made the call (null from the embedder)
  Slot* args;         // arguments in slots [0..), results written to slots [0..)
  Trap* trap;         // set by host functions that trap (then return false)
  bool fail(TrapKind k, std::string msg = {}) {
    trap->kind = k;
    trap->message = msg.empty() ? trap_text(k) : std::move(msg);
    return false;
  }
};
using HostFunction = std::function<bool(HostCall&)>;

struct FuncInst {
  uint32_t type_id = 0;  // canonical, store-wide
  // What a call needs of `code`, copied by set_code into the callee's first cache line, so a call
  // reaches it through the callee alone (entry is null while code is: host functions, lazy stubs).
  uint32_t param_slots = 0, zero_slots = 0, frame_slots = 0;
  // entry[0], the handler unit of the callee's first instruction: a call jumps to it without first
  // loading it through `entry`, one dependent load fewer between the callee and its first handler.
  int32_t entry_unit = 0;
  const uint32_t* entry = nullptr;
  Instance* instance = nullptr;        // defining instance (null for host functions)
  const CompiledFunc* code = nullptr;  // null for host functions
  const FuncType* type = nullptr;
  void set_code(const CompiledFunc* c) {
    code = c;
    entry = c->code.data();
    entry_unit = int32_t(c->code[0]);
    param_slots = c->param_slots;
    zero_slots = c->zero_slots;
    frame_slots = c->frame_slots;
  }
  HostFunction host;
  // A function that is not ready to run: a lazily compiled one before its first call, or a linker's
  // PLT slot stub before its symbol is bound (entry null). A call of it, from wasm or the host, runs
  // `prepare` first, in the same activation, and then calls the function it returns (this one,
  // compiled now; the symbol's definition) with the arguments in place; null, with `trap` set, stops
  // the guest at the call. Calls look at `entry` first: a compiled function keeps its hook unused.
  using Prepare = std::function<const FuncInst*(Store& store, Trap& trap)>;
  Prepare prepare;
  std::string debug_name;              // for backtraces
};

struct ElemInst {
  std::vector<void*> refs;  // empty once dropped
};

struct DataInst {
  std::span<const uint8_t> bytes;  // empty once dropped
};

struct ExternRef {
  ExternKind kind = ExternKind::Func;
  void* ptr = nullptr;  // FuncInst*, Table*, Memory* or GlobalInst*
};

struct Instance {
  std::shared_ptr<const CompiledModule> compiled;
  const Module* module = nullptr;
  std::vector<uint32_t> type_ids;  // canonical id of each module type index
  std::vector<FuncInst*> funcs;
  std::vector<Table*> tables;
  std::vector<Memory*> memories;
  // memories[0], or null: what loads and stores use. The executor reloads its view of memory from
  // here, and a call or return that changes instance compares the two instances' memory0 to skip the
  // reload when they share it (linked programs: every module's calls into another).
  Memory* memory0 = nullptr;
  std::vector<GlobalInst*> globals;
  std::vector<TagInst*> tags;
  std::vector<ElemInst> elems;
  std::vector<DataInst> datas;
  std::map<std::string, ExternRef, std::less<>> exports;

  const ExternRef* find_export(std::string_view name) const {
    auto it = exports.find(name);
    return it == exports.end() ? nullptr : &it->second;
  }
};

// Host cap on a table's elements (8 bytes each: 80 MB). A table declared larger, a table.grow past it,
// or a linked program whose libraries need more slots is refused with this figure, not allocated.
constexpr uint64_t kMaxTableElements = 10'000'000;

struct StoreLimits {
  uint32_t max_call_depth = 10000;       // interpreter frames
  size_t value_stack_slots = 1u << 20;   // 8 MiB of frame slots
  uint64_t max_memory_pages = kMaxPages;  // cap for every memory of this store
};

// Outcome of instantiate(): a link error (unlinkable), or a trap while initializing
// (uninstantiable; the instance's effects on shared objects remain), or the instance.
struct InstantiateOutcome {
  Instance* instance = nullptr;
  std::optional<Error> link_error;
  Trap trap;
};

class Store {
 public:
  explicit Store(StoreLimits limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const StoreLimits& limits() const { return limits_; }
  // Fuel left for metered code (CompileOptions::meter_fuel), in wasm instructions; running out is
  // the trap "fuel exhausted". Unmetered code ignores it.
  int64_t fuel = 0;
  // Receives the Trace ops of traced code (CompileOptions::trace, interp/trace.h); null: they do
  // nothing. Untraced code never looks at it.
  Tracer* tracer = nullptr;
  // Receives every dispatch in builds configured with -Dprofile_ops=true (interp/op_profile.h); null:
  // nothing is counted. Other builds never look at it.
  OpProfile* op_profile = nullptr;
  // Every instance, in instantiation order (for tools: debuggers list modules and find globals).
  const std::deque<Instance>& instances() const { return instances_; }
  uint32_t canonical_type_id(const FuncType& t);
  // The store-wide ids of a module's types, in index order. A type index inside a reference type is
  // module-local; here it becomes kHeapTypeIndex + the store id of that type (a type's reference to
  // itself a marker of its own), so equivalent types of different modules get one id.
  std::vector<uint32_t> module_type_ids(const Module& m);
  // `t` with a module-local type index (per `ids`, from module_type_ids) made store-wide: the form
  // in which the store compares the types of globals and tables across modules.
  static ValType store_type(ValType t, const std::vector<uint32_t>& ids);
  const FuncType& canonical_type(uint32_t id) const { return *types_[id]; }

  FuncInst* create_host_function(const FuncType& type, HostFunction fn, std::string name = "host");
  // Null when the minimum is over kMaxTableElements / the store's memory limit (or the address space
  // cannot be reserved); instantiate() and callers say which limit, with table_limit_error and
  // memory_limit_error.
  Table* create_table(const TableType& type, void* init = nullptr);
  Memory* create_memory(const MemoryType& type);
  // Why a table or memory of this type cannot be created ("table 0 needs ..."), or empty if it can.
  std::string table_limit_error(const TableType& type, uint32_t index) const;
  std::string memory_limit_error(const MemoryType& type, uint32_t index) const;
  uint64_t page_cap(const MemoryType& type) const;  // the most pages a memory of this type may have
  GlobalInst* create_global(const GlobalType& type, Value init);
  // A tag no instance defines, for an embedder that shares one among modules (the linker's env
  // tags). `type_id` is store-wide (canonical_type_id, module_type_ids).
  TagInst* create_tag(uint32_t type_id, std::string debug_name);
  // A new exception of `tag` carrying `slots` slots from `payload`; and one given back for reuse.
  ExnInst* new_exception(const TagInst* tag, const Slot* payload, size_t slots);
  void release_exception(ExnInst* e);

  // Resolves `imports` (one per module import, in order) and runs segment initialization and start.
  InstantiateOutcome instantiate(std::shared_ptr<const CompiledModule> module,
                                 const std::vector<ExternRef>& imports);

  // Calls `f` with `args` (types must match f's params). Results go to `results`.
  Trap call(FuncInst* f, std::span<const Value> args, std::vector<Value>& results);

  static Value read_global(const GlobalInst& g);

  // The record of a call the interpreter keeps for each guest frame: where to return to.
  struct CallFrame {
    const uint32_t* ret_ip;
    Slot* fp;
    Instance* inst;
    const FuncInst* func;
  };
  static void write_global(GlobalInst& g, const Value& v);

  // Instances and objects are owned by the store and live as long as it does.
 private:
  Trap run_start(Instance* inst, uint32_t func_index);

  StoreLimits limits_;
  std::vector<std::unique_ptr<FuncType>> types_;
  std::map<std::pair<std::vector<ValType>, std::vector<ValType>>, uint32_t> type_ids_;
  std::deque<FuncInst> funcs_;
  std::deque<Table> tables_;
  std::deque<Memory> memories_;
  std::deque<GlobalInst> globals_;
  std::deque<TagInst> tags_;
  std::deque<ExnInst> exceptions_;
  std::vector<ExnInst*> free_exceptions_;
  std::deque<Instance> instances_;

  // Execution state, shared by nested calls (host -> wasm -> host ...): the value stack, frames below
  // `frame_top_` in use, and the first free slot above the innermost running frame.
  std::unique_ptr<Slot[]> stack_;
  Slot* stack_end_ = nullptr;
  Slot* stack_top_ = nullptr;
  std::vector<CallFrame> frames_;
  size_t frame_top_ = 0;
  // The activation whose Trace op is calling the tracer now, if any (exec_trace sets it around the
  // call): where snapshots are taken and restored (interp/snapshot.h). Per store, so stores on other
  // threads never see each other's.
  Activation* serving_trace_ = nullptr;
  uint64_t activations_entered_ = 0;  // numbers each interpret() call (Activation::serial)
  friend struct ExecAccess;  // the executors (interp/exec_core.h) run on the stack and frames above
};

// Runs wasm function `f` with arguments already in `fp[0..)`; results are left in `fp[0..)`.
Trap interpret(Store& store, const FuncInst* f, Slot* fp);

}  // namespace wi
