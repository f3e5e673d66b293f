// The tracer's model of a traced run (docs/trace.md), shared by `wi exec --trace` (trace_exec.cc) and
// `wi debug` (cmd_debug.cc). TraceCore turns the Store's trace points (interp/trace.h) into events —
// function entered, instruction about to run, instruction done (its results readable), return, host
// call and return, PLT slot bound — counts steps (executed wasm instructions, from 1) and keeps a view
// of the call stack. Subclasses print or act on the events. Everything it reports is a function of the
// guest's execution alone: no host addresses, times or hash orders.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>
#include "interp/store.h"
#include "interp/trace.h"

namespace wi {

// Names of functions and modules, and the WAT text of instructions, for trace lines.
class TraceNames {
 public:
  // The module's file name as traps print it (wi exec MODULE's path; a library's load name).
  const std::string& module_name(const Instance* inst);
  // Name section, then exports, else func[N]; host functions: their name ("module.field", "sym@plt").
  std::string func_name(const FuncInst* f);
  const std::string& func_name(const Module& m, uint32_t func_index);
  // Index of `f` in its instance's function space (defined functions: their code says it).
  static uint32_t func_index(const FuncInst* f);
  // "module func" for call lines, "host NAME" style names for host functions.
  std::string qualified(const FuncInst* f);
  // The instruction at `offset` of module `m` in WAT syntax with its immediates; a call names its
  // callee: "call 12 <puts>".
  std::string instruction_text(const Module& m, uint32_t offset);
  // "file:line:column" of the instruction at `offset` from the module's DWARF line table, or "".
  static std::string source_text(const Module& m, uint32_t offset);
  // One value: i32:-1 i64:5 f32:1.5 f64:nan:0x7ff4000000000000 v128:0x<32 hex digits>
  // funcref:null funcref:<module>:<func> externref:null externref:<opaque>.
  std::string value_text(ValType t, const Slot* s);
  std::string loc_text(const TraceLoc& l, const Slot* fp);
  // "[v v v]" of n locations.
  std::string locs_text(const TraceLoc* l, size_t n, const Slot* fp);

 private:
  std::unordered_map<const Module*, std::vector<std::string>> names_;  // looked up, never iterated
  std::unordered_map<const Module*, std::string> modules_;
};

// An instruction of a module's code, as debuggers find one from an offset.
struct CodeSite {
  uint32_t offset = 0;      // where the instruction starts
  uint32_t func_index = 0;  // the function whose body holds it (function index space)
};
// The first instruction at or after `offset` in the function body holding `offset` (a body's locals
// count as before its first instruction: a function's first DWARF line row points at them); none
// when `offset` is in no body.
std::optional<CodeSite> instruction_at(const Module& m, uint32_t offset);
// Where the instruction starting at `offset` ends (for a call: the return address a debugger expects
// of a caller's frame); `offset` itself when it cannot be decoded.
uint32_t instruction_end(const Module& m, uint32_t offset);

// Escapes bytes outside printable ASCII, and spaces, as \xNN (names are fields of space-separated lines).
std::string escape_name(const std::string& s);

class TraceCore : public Tracer {
 public:
  // One executed wasm instruction.
  struct Instr {
    uint64_t step = 0;
    size_t depth = 0;
    const FuncInst* func = nullptr;
    Slot* fp = nullptr;
    const TracePoint* point = nullptr;
    bool is_call = false;  // call/call_indirect: reported at once; results come with the return
    const FuncInst* callee = nullptr;  // a call's callee when it is known before it runs
  };
  // The tracer's view of one level of the store's call stack.
  struct Frame {
    const FuncInst* func = nullptr;  // null: a level with no traced wasm function (host, entry)
    Slot* fp = nullptr;
    uint32_t offset = 0;             // wasm offset of its current instruction (a caller: the call)
    bool returned = false;
    const TracePoint* point = nullptr;  // the trace point `offset` came from (its operand stack)
    uint64_t entered = 0;            // the step of its first instruction
  };
  // A host function called from traced code, until it returns to its caller.
  struct HostCall {
    size_t depth = 0;
    const FuncInst* caller = nullptr;
    const FuncInst* callee = nullptr;
    Slot* fp = nullptr;
    const TracePoint* point = nullptr;  // the call: its out locations are the host's results
    // The arguments' text when they were captured at the call: a call through a PLT stub is known to
    // reach a host function only once the stub has bound it, when its argument slots may already
    // hold the results. "" otherwise: the arguments are read from `point`'s in locations.
    std::string args_text;
  };

  bool on_trace(const TraceEvent& e, Trap& trap) final;
  // The run ended (t empty: normally): reports what is still pending, without results.
  void finish(const Trap& t);

  // Forgets the run (steps, frames, pending events, names cached by module): the tracer is about to
  // see a new run of the program (wi debug's reverse execution restarts it, docs/reverse.md).
  void reset();

  // The run's state as TraceCore tracks it (steps, frames, pending events), without the names cache:
  // what a snapshot of the store (interp/snapshot.h) needs beside it to go back to a trace point.
  struct RunState {
    uint64_t step = 0;
    std::vector<Frame> frames;
    Instr pending;
    bool has_pending = false;
    std::vector<HostCall> host_calls;
  };
  RunState run_state() const { return RunState{step_, frames_, pending_, has_pending_, host_calls_}; }

  uint64_t step() const { return step_; }
  const std::vector<Frame>& frames() const { return frames_; }
  // Host functions called from traced code that have not returned yet, outermost first.
  const std::vector<HostCall>& host_calls() const { return host_calls_; }
  TraceNames& names() { return names_; }

 protected:
  // Each returns false to stop the guest with stop_trap_ (set by the subclass).
  virtual bool on_enter(const TraceEvent& e) { (void)e; return true; }  // arguments at e.fp
  virtual bool on_instr(const Instr& i) { (void)i; return true; }        // before it runs
  virtual void on_instr_done(const Instr& i, bool results_valid) { (void)i; (void)results_valid; }
  virtual bool on_return(const TraceEvent& e) { (void)e; return true; }  // results: e.point's in
  virtual void on_host_call(const HostCall& h) { (void)h; }
  virtual void on_host_return(const HostCall& h, bool results_valid) { (void)h; (void)results_valid; }
  // A PLT stub called from `caller` bound `symbol` to `target` (null: still unbound).
  virtual void on_bind(const FuncInst* caller, const std::string& symbol, const FuncInst* target) {
    (void)caller; (void)symbol; (void)target;
  }
  // A frame left without a return (a trap unwound it, or the run ended inside it).
  virtual void on_unwind(const Frame& f, size_t depth) { (void)f; (void)depth; }
  virtual void on_finish(const Trap& t) { (void)t; }

  // At every trace point from step `checkpoint_at_` on, and at every one in an outermost function
  // (depth 1: a call from the host), before the event is processed: on_checkpoint may take a
  // snapshot there. UINT64_MAX: never (one compare per trace point).
  virtual void on_checkpoint(const TraceEvent& e) { (void)e; }
  uint64_t checkpoint_at_ = UINT64_MAX;
  // Set by on_instr after it restored a snapshot of the store: the event being served is dropped and
  // the run state becomes `s` (the snapshot's), as the Trace op goes on from the snapshot's point.
  void go_back_to(RunState s) { go_back_ = std::move(s); }
  // A snapshot was restored while serving this event: nothing more is done for it.
  bool going_back() const { return go_back_.has_value(); }

  Trap stop_trap_;
  bool halt_ = false;  // stop the guest at the next trace point (with stop_trap_), and at any after it

 private:
  void complete_pending(const TraceEvent* e);
  void resolve_call(const TraceEvent& e, Instr& i);
  // Host calls made at `depth` or deeper are over (they returned to a frame at `e`, or were unwound).
  void pop_host_calls(size_t depth, const TraceEvent* e);
  // Frames deeper than `depth` are gone: returned, or unwound by a trap.
  void unwind_above(size_t depth, const TraceEvent* e);

  TraceNames names_;
  uint64_t step_ = 0;
  std::vector<Frame> frames_;
  Instr pending_;
  bool has_pending_ = false;
  std::vector<HostCall> host_calls_;
  struct Bind {
    const FuncInst* caller = nullptr;
    Instance* inst = nullptr;
    uint32_t index = 0;       // call: the callee's function index
    bool direct = false;
    const Table* table = nullptr;  // call_indirect: the slot the stub rebinds
    uint32_t elem = 0;
    std::string symbol;
    size_t depth = 0;         // the call, for a host-call line if the stub binds to a host function
    Slot* fp = nullptr;
    const TracePoint* point = nullptr;
    std::string args_text;
  };
  std::vector<Bind> binds_;
  std::optional<RunState> go_back_;
};

}  // namespace wi
