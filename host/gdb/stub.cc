// The GDB-remote stub of `wi exec --gdb PORT` (host/gdb/stub.h, docs/debugging.md): the packets LLDB's
// wasm process plugin (ProcessWasm) sends, served on the traced translation. The guest runs in this
// thread with the stub as its tracer; the stub stops at trace points (the first instruction, a
// breakpoint, after one step, on the client's interrupt, at the first instruction after a dlopen added
// modules) and reads packets right there until one resumes the guest. Owns the breakpoints, the watchpoints (host/gdb/watchpoints.cc speaks their
// packets) and the module ids; the socket is the Connection's.
// Policy: the client sees the guest and nothing else. Memory packets reach the program's linear
// memory and the bytes of its modules, each access checked against their sizes (nothing past them, no
// host address); every packet it cannot parse or serve gets an error or the empty "unsupported"
// reply; a lost connection kills the guest. Errors on this path are Result values.
//
// Reverse execution (`bs`, `bc`; docs/reverse.md): like wi debug, the stub goes back in the live store
// from its snapshots (host/live_snapshots.h) and runs silently to the target, the host calls answered
// from the live run's in-memory log; where snapshots cannot serve, it leaves the live run waiting and
// serves the client from a replica of the program re-run from its start (host/rewind.h), which hands
// over to the live run at its step. Module ids and code addresses are the same in every run.
//
// Addresses are ProcessWasm's, as host/gdb/address_space.h describes them.
#include "host/gdb/stub.h"
#include <climits>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <set>
#include <unordered_map>
#include "fmt/format.h"
#include "host/commands.h"
#include "host/gdb/address_space.h"
#include "host/gdb/connection.h"
#include "host/gdb/frame_values.h"
#include "host/gdb/watchpoints.h"
#include "host/live_snapshots.h"
#include "host/rewind.h"
#include "host/trace_core.h"
#include "linker/linker.h"

namespace po = boost::program_options;

namespace wi {
namespace {

using gdb::Input;
using gdb::hex_encode;
using gdb::hex_le;
using gdb::parse_hex;
using gdb::value_hex;

// Trace points between two looks at the socket for an interrupt while the guest runs.
constexpr uint32_t kPollInterval = 4096;
// Numbers every UnixSignals table of LLDB agrees on (the wasm triple gets its generic one, where 19 is
// not SIGSTOP).
constexpr int kSigInt = 2, kSigTrap = 5, kSigSegv = 11;
// A stop that is no signal: LLDB gives the thread no stop reason and resumes by itself.
constexpr int kNoSignal = 0;

// Why the guest is stopped, for the stop reply.
struct StopReason {
  StopReason(int sig = kSigTrap, std::string r = {}, std::string d = {}, std::string w = {})
      : signal(sig), reason(std::move(r)), description(std::move(d)), watch(std::move(w)) {}
  int signal = kSigTrap;
  std::string reason;       // LLDB's stop reply key: "breakpoint", "trace", "exception", "" (just the signal)
  std::string description;  // "exception": the text LLDB shows
  std::string watch;        // a watchpoint hit: "watch:ADDR;" (LLDB makes it reason "watchpoint")
  bool history_begin = false;  // a reverse command reached step 1: "replaylog:begin;"
};

class GdbStub : public TraceCore, public ExecSession {
 public:
  explicit GdbStub(const char* command) : command_(command) {}

  // ---- ExecSession ----
  void add_options(po::options_description& opts) override {
    opts.add_options()("gdb", po::value<std::string>(),
                       "wait for a GDB-remote debugger (lldb) on 127.0.0.1:PORT before the first instruction "
                       "(0: any free port, printed on stderr)");
    LiveSnapshots::add_options(opts, "--gdb's bs/bc");
  }
  int configure(const po::variables_map& vm) override {
    if (configured_) return -1;  // a replica: the connection is the live run's
    configured_ = true;
    reversible_ = !vm.count("record") && !vm.count("replay");
    if (!tracing_supported()) {
      std::cerr << command_ << ": --gdb needs tracing support (this wi was built with -Dtracing=false)\n";
      return kExitUsage;
    }
    const std::string& s = vm["gdb"].as<std::string>();
    auto port = gdb::parse_dec(s);
    if (s.find_first_not_of("0123456789") != std::string::npos || !port || *port > 65535) {
      std::cerr << fmt::format("{}: --gdb {}: expected a port number from 0 to 65535\n", command_, s);
      return kExitUsage;
    }
    auto bound = conn_.listen(uint16_t(*port));
    if (!bound) {
      std::cerr << command_ << ": " << bound.error().message << "\n";
      return kExitFailure;
    }
    if (auto r = snapshots_.configure(vm); !r) {
      std::cerr << command_ << ": " << r.error().message << "\n";
      return kExitUsage;
    }
    if (reversible_) checkpoint_at_ = snapshots_.first_checkpoint();
    std::cerr << fmt::format("wi: waiting for a debugger on 127.0.0.1:{}\n", *bound) << std::flush;
    return -1;
  }
  bool active() const override { return true; }
  void attach(Store& store, link::Linker* linker) override {
    store_ = &store;
    linker_ = linker;
    space_.attach(store, linker);
    store.tracer = this;
    if (replicas_.active()) {
      reset();
      reported_pc_.reset();
      seen_instances_ = 0;
      carry_.give(watches_, store);  // none found yet (no instances): on_instr finds them
    }
  }
  replay::Session* host_log() override {
    if (replicas_.active()) return replicas_.log();
    return reversible_ ? rewind_.log() : nullptr;
  }
  void set_args(std::vector<std::string> args) { args_ = std::move(args); }
  Trap done(Trap t) override {
    if (!store_) return t;
    if (replicas_.active()) {
      // Abandoned, handed over, or killed: the live run reports the program's end, not a replica.
      watches_.drop_hit();
      carry_.take(watches_, *store_);
      store_->tracer = nullptr;
      Trap silent;
      silent.kind = TrapKind::Exit;
      return silent;
    }
    store_->tracer = nullptr;
    watches_.drop_hit();  // armed by an access that trapped: it never happened
    if (killed_) {
      finish(t);
      return kill_trap();
    }
    if (!detached_ && ensure_connected()) {
      if (t && t.kind != TrapKind::Exit) {  // the stub's own stop (a kill) returned above
        // A trap: show it where it happened (the frames are still TraceCore's), then end the process.
        StopReason why{kSigSegv, "exception", "wasm trap: " + (t.message.empty() ? std::string(trap_text(t.kind)) : t.message)};
        trapped_ = true;
        serve(why);
      }
      if (!killed_ && !detached_ && conn_.connected()) {
        int status = !t ? 0 : t.kind == TrapKind::Exit ? t.exit_code : kExitTrap;
        (void)conn_.send(fmt::format("W{:02x}", status & 0xff));
      }
      conn_.close();
    }
    finish(t);
    if (killed_) return kill_trap();
    return t;
  }

 private:
  enum class Mode { Start, Step, Continue };
  enum class Action { Reply, Resume, Kill, Detach };

  static Trap kill_trap() {
    Trap k;
    k.kind = TrapKind::Exit;
    k.exit_code = 128 + 9;  // like a process killed by SIGKILL
    return k;
  }

  // ---- TraceCore ----
  // Before each trace point from checkpoint_at_ on: a snapshot of the live run, where it is safe.
  void on_checkpoint(const TraceEvent& e) override {
    if (replicas_.active() || detached_) {
      checkpoint_at_ = UINT64_MAX;  // not in replicas (from_replicas puts the live run's value back)
      return;
    }
    checkpoint_at_ = snapshots_.on_checkpoint(*store_, e, *this, *rewind_.log(), watches_);
  }
  bool on_instr(const Instr& i) override {
    if (replicas_.active()) {
      if (carry_.pending() && store_->instances().size() != seen_instances_) {
        seen_instances_ = store_->instances().size();
        carry_.give(watches_, *store_);
      }
      if (rewind_.rerunning() || i.step >= replicas_.frontier()) return replica_instr(i);
    } else if (rewind_.rerunning()) {
      return replica_instr(i);  // going back in place
    }
    if (detached_) return true;
    cur_step_ = i.step;
    cur_depth_ = i.depth;
    std::optional<StopReason> why = stop_here(i);
    if (!why && store_->instances().size() != announced_) {
      // Modules appeared since the last stop (a dlopen instantiated them; their constructors, if any,
      // start with this instruction) and nothing else stops here: a stop of its own, with no signal
      // and no reason, which LLDB answers by reloading the library list, binding its pending
      // breakpoints in them, and resuming by itself (docs/debugging.md, "Libraries loaded at run time").
      if (!serve(StopReason{kNoSignal})) return false;
      reported_pc_.reset();
      if (going_back()) return true;  // a bs/bc: the run goes on from a snapshot
      // This instruction has not run: a breakpoint LLDB just set on it (a constructor's first
      // instruction) is hit now. A step it asked for stops at the next one.
      why = breakpoint_here(i);
    }
    if (why) {
      bool go = serve(*why);
      reported_pc_.reset();
      if (!go) return false;
    }
    return arm_watches(i);
  }
  // Armed after serving: the client may have changed the watchpoints or memory meanwhile. Not when
  // a bs/bc went back to a snapshot: `i` does not run then.
  bool arm_watches(const Instr& i) {
    if (!going_back() && !watches_.empty()) watches_.check(i.func, i.fp, *i.point);
    return true;
  }
  // An instruction while the run goes back (a replica, or the live run from a snapshot) silently, or
  // a replica's at the live run's step.
  bool replica_instr(const Instr& i) {
    cur_step_ = i.step;
    cur_depth_ = i.depth;
    const bool frontier = replicas_.active() && i.step >= replicas_.frontier();
    std::optional<StopReason> why;
    if (rewind_.rerunning()) {
      std::optional<WatchHit> hit;
      if (!watches_.empty()) hit = watches_.take_hit(false);
      std::optional<StopReason> bp = breakpoint_here(i);
      switch (rewind_.on_instr(i.step, i.depth, hit || bp)) {
        case Rewinder::Action::Run:
          reported_pc_.reset();
          return arm_watches(i);
        case Rewinder::Action::Restart:
          if (!replicas_.active()) return restart_in_place();
          abandon_replica();
          return false;
        case Rewinder::Action::Stop: break;
      }
      if (rewind_.falling_back()) return fall_back_to_replicas(i);
      if (hit) why = StopReason{kSigTrap, "", "", gdb::watch_stop_key(*hit)};
      else if (bp && rewind_.kind() == Rewinder::Kind::Continue) why = bp;
      else why = StopReason{kSigTrap, "trace", ""};
      if (rewind_.kind() == Rewinder::Kind::Continue && !rewind_.found()) {
        why = StopReason{kSigTrap, "", ""};
        why->history_begin = true;
      }
      if (!frontier) {
        bool go = serve(*why);
        reported_pc_.reset();
        if (!go) return false;
        return arm_watches(i);
      }
    } else if (!detached_) {
      why = stop_here(i);
    }
    // The live run's step: it takes over (this instruction's host calls are not in the log).
    replicas_.hand_over(why.has_value());
    if (why) leave_why_ = *why;
    leave_pc_ = reported_pc_;
    stop_replica();
    return false;
  }
  void abandon_replica() {
    replicas_.abandon();
    stop_replica();
  }
  void stop_replica() {
    halt_ = true;
    stop_trap_ = kill_trap();
    carry_.take(watches_, *store_);
  }
  // `bs` / `bc` from the live run (replicas until one gets back here) or from a replica (another one).
  Action reverse(bool cont, std::string& reply) {
    if (!reversible_ || trapped_) {
      reply = "E01";
      return Action::Reply;
    }
    if (cur_step_ <= 1) {  // nothing before the first instruction
      stop_ = StopReason{kSigTrap, "", ""};
      stop_.history_begin = true;
      reply = stop_reply();
      return Action::Reply;
    }
    rewind_.plan(cont ? Rewinder::Kind::Continue : Rewinder::Kind::Step, cur_step_, cur_depth_, 1, true);
    resumed_ = true;  // the stop where the run arrives answers this packet
    if (replicas_.active()) {
      abandon_replica();
      return Action::Kill;  // ends this replica only: Replicas::run starts another
    }
    if (go_back_in_place()) return Action::Resume;
    return from_replicas(reply);
  }
  // Goes back in the live store from a snapshot (the Rewinder has the plan); false when none serves.
  // `or_origin`: LiveSnapshots::go_back's.
  bool go_back_in_place(bool or_origin = false) {
    if (replicas_.active() || !store_) return false;
    auto r = snapshots_.go_back(*store_, rewind_, watches_, or_origin);
    if (!r) return false;
    go_back_to(std::move(r->run));
    return true;
  }
  // Going back in place, the scan needs the segment before the last one (Rewinder::Action::Restart);
  // when no snapshot goes back far enough, back to where the packet was served, then replicas.
  bool restart_in_place() {
    if (go_back_in_place(true)) return true;
    std::cerr << "wi: gdb stub: the snapshots cannot serve the reverse command any more; killing the program\n";
    return kill();
  }
  // Back where bs/bc was served, after snapshots ran out: replicas carry it out from the start.
  bool fall_back_to_replicas(const Instr& i) {
    rewind_.replan();
    std::string reply;
    Action a = from_replicas(reply);
    if (a == Action::Kill) return false;
    if (a == Action::Reply) {  // stopped at the live run's step: the client still waits for the stop
      resumed_ = true;
      bool go = serve(stop_);
      reported_pc_.reset();
      if (!go) return false;
    }
    return arm_watches(i);
  }
  // The live run waits while replicas run the plan, until one gets back to it (or the client kills
  // the program): how the live run goes on, and the stop reply when it stays stopped.
  Action from_replicas(std::string& reply) {
    TraceCore core = *this;
    Store* store = store_;
    link::Linker* linker = linker_;
    gdb::AddressSpace space = space_;
    size_t announced = announced_;
    uint64_t step = cur_step_;
    size_t depth = cur_depth_;
    carry_.take(watches_, *store_);
    Replicas::Leave leave = replicas_.run(args_, *this, *rewind_.log(), cur_step_, [this] { return killed_; });
    static_cast<TraceCore&>(*this) = core;
    store_ = store;
    linker_ = linker;
    space_ = std::move(space);
    announced_ = announced;
    cur_step_ = step;
    cur_depth_ = depth;
    carry_.give(watches_, *store_);
    if (killed_) {
      kill();
      return Action::Kill;
    }
    if (leave == Replicas::Leave::Run) return Action::Resume;
    // Stopped at the live run's step: this is the stop reply of the last resume the replica served.
    stop_ = leave_why_;
    reported_pc_ = leave_pc_;
    library_changed_ = false;
    resumed_ = false;
    reply = stop_reply();
    return Action::Reply;
  }

  // Why the guest stops before `i` (the first instruction, a step, a breakpoint, an interrupt, a
  // watchpoint hit), or nothing.
  std::optional<StopReason> stop_here(const Instr& i) {
    std::optional<StopReason> why;
    if (mode_ == Mode::Start) why = StopReason{kSigTrap, "", ""};  // no reason: LLDB shows "signal SIGTRAP"
    else if (mode_ == Mode::Step) why = StopReason{kSigTrap, "trace", ""};
    if (auto bp = breakpoint_here(i)) why = bp;
    if (!why && ++polls_ % kPollInterval == 0 && conn_.connected() && conn_.interrupted())
      why = StopReason{kSigInt, "signal", ""};
    if (!watches_.empty()) {
      // The previous instruction has run: a hit it armed is reported now, with the new value in memory
      // (LLDB's default for the wasm triple: watchpoints report after the access). It wins over a
      // breakpoint or a step here: it happened first.
      if (auto hit = watches_.take_hit()) {
        why = StopReason{kSigTrap, "", "", gdb::watch_stop_key(*hit)};
        reported_pc_.reset();
      }
    }
    return why;
  }
  std::optional<StopReason> breakpoint_here(const Instr& i) {
    if (breakpoints_.empty()) return std::nullopt;
    auto it = breakpoints_.find(space_.code_address(i.func->instance, i.point->offset));
    if (it == breakpoints_.end()) return std::nullopt;
    reported_pc_ = it->second;  // the address LLDB asked for (before a function's first instruction)
    return StopReason{kSigTrap, "breakpoint", ""};
  }

  // ---- frames as LLDB numbers them: innermost first, wasm functions only ----
  std::vector<const Frame*> lldb_frames() {
    std::vector<const Frame*> out;
    for (size_t k = frames().size(); k-- > 0;)
      if (frames()[k].func) out.push_back(&frames()[k]);
    return out;
  }
  // A frame's pc: the innermost frame's current instruction; a caller's, the end of its call (a return
  // address: LLDB looks up the line of pc - 1 for callers).
  uint64_t frame_pc(const std::vector<const Frame*>& fs, size_t k) {
    const Frame& f = *fs[k];
    if (k == 0) return reported_pc_ ? *reported_pc_ : space_.code_address(f.func->instance, f.offset);
    return space_.code_address(f.func->instance, instruction_end(*f.func->instance->module, f.offset));
  }

  // ---- the session ----
  bool ensure_connected() {
    if (conn_.connected()) return true;
    if (accepted_) return false;
    accepted_ = true;
    auto r = conn_.accept();
    if (!r) {
      std::cerr << "wi: " << r.error().message << "\n";
      return false;
    }
    return true;
  }
  // Stopped: tells a waiting client why, then serves packets until one resumes the guest (true) or
  // kills it (false).
  bool serve(const StopReason& why) {
    if (!ensure_connected()) return lose_connection("wi: gdb stub: no debugger connected");
    stop_ = why;
    // The first stop needs no announcement: LLDB reads the library list when it attaches.
    library_changed_ = mode_ != Mode::Start && store_->instances().size() != announced_;
    announced_ = store_->instances().size();
    if (resumed_) {
      resumed_ = false;
      if (auto r = conn_.send(stop_reply()); !r) return lose_connection(r.error().message);
    }
    while (true) {
      auto in = conn_.read_packet();
      if (!in) return lose_connection(in.error().message);
      std::string reply;
      Action a = handle(*in, reply);
      if (a == Action::Kill) return false;
      if (a == Action::Resume) {
        resumed_ = true;
        return true;
      }
      if (auto r = conn_.send(reply); !r) return lose_connection(r.error().message);
      if (no_ack_after_reply_) {  // QStartNoAckMode's OK went out acknowledged; nothing after it is
        conn_.set_no_ack();
        no_ack_after_reply_ = false;
      }
      if (a == Action::Detach) {
        detached_ = true;
        breakpoints_.clear();
        watches_.clear();
        conn_.close();
        return true;
      }
    }
  }
  bool lose_connection(const std::string& why) {
    std::cerr << why << "; killing the program\n";
    conn_.close();
    return kill();
  }
  bool kill() {
    killed_ = true;
    halt_ = true;
    stop_trap_ = kill_trap();
    return false;
  }
  std::string stop_reply() {
    std::string s = fmt::format("T{:02x}thread:1;", stop_.signal);
    auto fs = lldb_frames();
    if (!fs.empty()) s += "00:" + hex_le(frame_pc(fs, 0), 8) + ";";  // the pc, saving a p0
    s += stop_.watch;
    if (stop_.history_begin) s += "replaylog:begin;";
    if (!stop_.reason.empty()) s += "reason:" + stop_.reason + ";";
    if (!stop_.description.empty()) s += "description:" + hex_encode(stop_.description) + ";";
    // Modules were added since the previous stop: LLDB reloads qXfer:libraries:read (GDB's "library"
    // stop key, which ProcessGDBRemote answers with LoadModules) whatever the reason of the stop.
    if (library_changed_) s += "library:;";
    return s;
  }

  Action handle(const Input& in, std::string& reply) {
    if (in.kind == Input::Oversized) {
      reply = "E01";
      return Action::Reply;
    }
    std::string_view p = in.data;
    reply.clear();
    if (p.empty()) return Action::Reply;
    // Resuming, killing, detaching.
    if (p == "k" || p == "vKill" || p.starts_with("vKill;")) {
      kill();
      return Action::Kill;
    }
    if (p == "D" || p.starts_with("D;")) {
      reply = "OK";
      return Action::Detach;
    }
    if (p == "bs" || p == "bc") return reverse(p == "bc", reply);
    if (p == "vCont?") {
      reply = "vCont;c;C;s;S";
      return Action::Reply;
    }
    if (p.starts_with("vCont;")) {
      // One thread: the first action says what it does ("c", "C05", "s", "s:1", ...).
      char a = p.size() > 6 ? p[6] : 0;
      if (a == 'c' || a == 'C' || a == 's' || a == 'S') return resume(a == 's' || a == 'S', reply);
      reply = "E01";
      return Action::Reply;
    }
    if (p[0] == 'c' || p[0] == 's' || p[0] == 'C' || p[0] == 'S') {
      // An address to resume at cannot be honoured: wasm control flow is structured.
      if ((p[0] == 'c' || p[0] == 's') && p.size() > 1) {
        reply = "E01";
        return Action::Reply;
      }
      return resume(p[0] == 's' || p[0] == 'S', reply);
    }
    reply = query(p);
    return Action::Reply;
  }
  Action resume(bool step, std::string& reply) {
    if (trapped_) {  // after a trap the program is over: let done() report its end
      (void)reply;
      return Action::Resume;
    }
    mode_ = step ? Mode::Step : Mode::Continue;
    return Action::Resume;
  }

  std::string query(std::string_view p) {
    if (p == "QStartNoAckMode") {
      // The OK still goes out acknowledged; what comes after it does not.
      no_ack_after_reply_ = true;
      return "OK";
    }
    if (p.starts_with("qSupported"))
      return fmt::format("PacketSize={:x};qXfer:libraries:read+;vContSupported+{}", gdb::kMaxPacket,
                         reversible_ ? ";ReverseStep+;ReverseContinue+" : "");
    if (p == "?") return stop_reply();
    if (p == "qHostInfo") return "";  // what LLDB's own wasm tests answer: the triple comes from qProcessInfo
    if (p == "qProcessInfo")
      return fmt::format("pid:1;ppid:1;uid:1;gid:1;euid:1;egid:1;name:{};triple:{};ptrsize:4;endian:little;",
                         hex_encode("wi"), hex_encode("wasm32-unknown-unknown-wasm"));
    if (p == "qfThreadInfo") return "m1";
    if (p == "qsThreadInfo") return "l";
    if (p == "qC") return "QC1";
    if (p[0] == 'H' || p[0] == 'T') return "OK";  // one thread, always alive
    if (p == "qAttached") return "1";
    if (p.starts_with("qRegisterInfo")) {
      auto n = parse_hex(p.substr(13));
      if (n && *n == 0)
        return "name:pc;alt-name:pc;bitsize:64;offset:0;encoding:uint;format:hex;set:General Purpose Registers;"
               "gcc:16;dwarf:16;generic:pc;";
      return "E45";
    }
    if (p[0] == 'p') {
      auto [reg, rest] = gdb::split_at(p.substr(1), ';');  // "p0;thread:1;" when thread suffixes are on
      auto n = parse_hex(reg);
      if (!n || *n != 0) return "E45";
      return pc_hex();
    }
    if (p == "g") return pc_hex();
    if (p[0] == 'P' || p[0] == 'G') return "E01";  // the pc is the interpreter's, not writable
    if (p.starts_with("qXfer:libraries:read::")) return gdb::AddressSpace::xfer(space_.library_list(), p.substr(22));
    if (p[0] == 'm') return space_.read_memory(p.substr(1));
    if (p[0] == 'M') return space_.write_memory(p.substr(1));
    if (p == "qWatchpointSupportInfo" || p == "qWatchpointSupportInfo:") return gdb::watchpoint_support_info();
    if (gdb::is_watchpoint_packet(p)) return watchpoint(p);
    if (p[0] == 'Z' || p[0] == 'z') return breakpoint(p);
    if (p.starts_with("qWasmCallStack")) return call_stack();
    if (p.starts_with("qWasmLocal:")) return wasm_local(p.substr(11));
    if (p.starts_with("qWasmGlobal:")) return wasm_global(p.substr(12));
    if (p.starts_with("qWasmStackValue:")) return wasm_stack_value(p.substr(16));
    return "";  // unsupported: the client falls back or does without
  }

  std::string pc_hex() {
    auto fs = lldb_frames();
    if (fs.empty()) return "E03";
    return hex_le(frame_pc(fs, 0), 8);
  }

  // Z2-Z4/z2-z4 on linear memory: space 0 of a module (a plain address: the main module's); a linked
  // program's modules share one memory.
  std::string watchpoint(std::string_view p) {
    return gdb::watchpoint_packet(p, watches_, [this](uint64_t addr) -> std::optional<gdb::DataAddress> {
      if ((addr >> 56) != 0) return std::nullopt;  // code space, or bits LLDB never sets
      const uint64_t id = (addr >> 32) & 0xffffff;
      const Instance* inst = space_.instance_by_id(id);
      if (!inst && id != 0) return std::nullopt;
      Memory* mem = space_.memory_of(inst);
      if (!mem) return std::nullopt;
      return gdb::DataAddress{mem, addr & 0xffffffff};
    });
  }

  // Z0/z0: software breakpoints at code addresses (Z1, hardware ones, are not offered).
  std::string breakpoint(std::string_view p) {
    if (p.size() < 2 || p[1] != '0') return "";
    auto [kind, rest] = gdb::split_at(p.substr(1), ',');
    auto [a, k] = gdb::split_at(rest, ',');
    (void)kind;
    auto addr = parse_hex(a);
    if (!addr || k.empty() || !parse_hex(gdb::split_at(k, ';').first)) return "E01";
    if (p[0] == 'z') {
      for (auto it = breakpoints_.begin(); it != breakpoints_.end();) {
        if (it->second == *addr) it = breakpoints_.erase(it);
        else ++it;
      }
      return "OK";
    }
    if ((*addr >> 62) != 1) return "E03";
    const Instance* inst = space_.instance_by_id((*addr >> 32) & 0xffffff);
    if (!inst || ((*addr >> 56) & 0x3f)) return "E03";
    // A function's first line row points at its locals: stop at its first instruction instead.
    auto at = instruction_at(*inst->module, uint32_t(*addr));
    if (!at) return "E03";
    breakpoints_[space_.code_address(inst, at->offset)] = *addr;
    return "OK";
  }

  std::string call_stack() {
    auto fs = lldb_frames();
    std::string s;
    for (size_t k = 0; k < fs.size(); ++k) s += hex_le(frame_pc(fs, k), 8);
    return s.empty() ? "E03" : s;
  }
  // "FRAME;INDEX" of the qWasm* packets.
  std::optional<std::pair<uint32_t, uint32_t>> frame_index(std::string_view args) {
    auto [f, i] = gdb::split_at(args, ';');
    auto fi = gdb::parse_dec(f), ii = gdb::parse_dec(i);
    if (!fi || !ii) return std::nullopt;
    return std::pair{*fi, *ii};
  }
  std::string wasm_local(std::string_view args) {
    auto fi = frame_index(args);
    auto fs = lldb_frames();
    if (!fi || fi->first >= fs.size()) return "E03";
    const Frame& f = *fs[fi->first];
    const TraceInfo& ti = f.func->code->trace;
    if (fi->second >= ti.local_types.size()) return "E03";
    return value_hex(ti.local_types[fi->second], f.fp + ti.local_slots[fi->second]);
  }
  // Operand stack entry I of frame F, I counted from the bottom: the innermost frame's stack before
  // its current instruction, a caller's below the operands of its call.
  std::string wasm_stack_value(std::string_view args) {
    auto fi = frame_index(args);
    auto fs = lldb_frames();
    if (!fi || fi->first >= fs.size()) return "E03";
    const Frame& f = *fs[fi->first];
    if (!f.point) return "E03";
    return gdb::stack_value(f.func->code->trace, *f.point, f.fp, fi->first > 0, fi->second);
  }
  std::string wasm_global(std::string_view args) {
    auto fi = frame_index(args);
    auto fs = lldb_frames();
    if (!fi || fi->first >= fs.size()) return "E03";
    const Instance* inst = fs[fi->first]->func->instance;
    if (fi->second >= inst->globals.size()) return "E03";
    const GlobalInst* g = inst->globals[fi->second];
    return value_hex(g->type.type, g->value);
  }

  const char* command_;  // "wi exec" or "wi debug", for messages
  bool no_ack_after_reply_ = false;  // QStartNoAckMode answered: acks end after this reply
  gdb::Connection conn_;
  Store* store_ = nullptr;
  link::Linker* linker_ = nullptr;
  Mode mode_ = Mode::Start;
  StopReason stop_;
  bool accepted_ = false;
  bool resumed_ = false;   // a c/s is waiting for its stop reply
  bool killed_ = false;
  bool detached_ = false;
  bool trapped_ = false;
  uint32_t polls_ = 0;
  size_t announced_ = 0;          // modules LLDB has been told of (the Store's instances at the last stop)
  bool library_changed_ = false;  // this stop announces new modules
  std::optional<uint64_t> reported_pc_;          // frame 0's pc for this stop, when not its instruction's
  std::map<uint64_t, uint64_t> breakpoints_;     // instruction's code address -> the address LLDB gave
  WatchList watches_;
  gdb::AddressSpace space_;  // module ids, code addresses, memory
  // Reverse execution (docs/reverse.md).
  bool configured_ = false;
  bool reversible_ = true;  // not with --record/--replay
  std::vector<std::string> args_;  // wi exec's arguments: each replica runs the same command
  Rewinder rewind_;
  LiveSnapshots snapshots_;
  uint64_t cur_step_ = 0;   // the stop's step and depth
  size_t cur_depth_ = 0;
  Replicas replicas_;
  StopReason leave_why_;    // a replica handed over, stopped: why (the live run's stop reply)
  std::optional<uint64_t> leave_pc_;
  WatchCarry carry_;
  size_t seen_instances_ = 0;
};

}  // namespace

std::unique_ptr<ExecSession> make_gdb_session(const std::vector<std::string>& args, const char* command) {
  auto s = std::make_unique<GdbStub>(command);
  s->set_args(args);
  return s;
}

bool gdb_requested(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--") break;
    if (a == "--gdb" || a.starts_with("--gdb=")) return true;
  }
  return false;
}

}  // namespace wi
