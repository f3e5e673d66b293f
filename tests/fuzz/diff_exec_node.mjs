// The V8 side of tests/fuzz/diff_exec.py: runs calls on a module instrumented by diff_instrument.py
// (no imports; wrapper exports take and return only i32/i64) and prints each outcome in the format
// `wi exec --invoke` uses, so the driver compares text.
//
// Usage: node diff_exec_node.mjs MODULE.wasm CALLS.json FIRST
//   CALLS.json: [{"export": "diff$0", "args": ["5", "-1"], "params": ["i32", "i64"],
//                 "results": ["i32", "i64", "i32", "i64"]}, ...] (types of the wrapper itself)
//   FIRST: index of the first call to run (the driver restarts after a call that timed out).
// Output, per call: `call N`, then one line per result (`i32:5`, `i64:-7`) or `trap: MESSAGE`, then
// `end`. A module V8 rejects prints `compile-error: MESSAGE` once and exits 0. A call with "dump": true
// also prints `memory HEX` (the exported memory after the call) before `end`.
//
// Policy: every call gets a fresh instance (like one `wi exec --invoke` process per call), so calls
// cannot influence one another. Output is written synchronously, so that when the driver kills a call
// that hangs, every finished call has already been reported.
import fs from 'node:fs';

const [modulePath, callsPath, firstArg] = process.argv.slice(2);
const calls = JSON.parse(fs.readFileSync(callsPath, 'utf8'));
const out = (s) => fs.writeSync(1, s + '\n');

let mod;
try {
  mod = new WebAssembly.Module(fs.readFileSync(modulePath));
} catch (e) {
  out('compile-error: ' + String(e.message).split('\n')[0]);
  process.exit(0);
}

function arg(text, type) {
  // i32 parameters take a Number (ToInt32 wraps the unsigned range), i64 a BigInt (ToBigInt64 wraps).
  return type === 'i64' ? BigInt(text) : Number(BigInt.asIntN(32, BigInt(text)));
}

function show(value, type) {
  return type === 'i64' ? 'i64:' + BigInt.asIntN(64, value) : 'i32:' + (value | 0);
}

for (let n = Number(firstArg); n < calls.length; n++) {
  const c = calls[n];
  const lines = [`call ${n}`];
  try {
    const inst = new WebAssembly.Instance(mod, {});
    const r = inst.exports[c.export](...c.args.map((a, i) => arg(a, c.params[i])));
    const values = c.results.length === 1 ? [r] : r;
    values.forEach((v, i) => lines.push(show(v, c.results[i])));
    // The driver asks for memory when the hashes differ, to see which bytes do.
    if (c.dump) lines.push('memory ' + Buffer.from(inst.exports.memory.buffer).toString('hex'));
  } catch (e) {
    // RangeError is V8's stack overflow; anything else that is not a RuntimeError is a harness bug and
    // is printed as such, so that the driver reports it rather than calling it a trap.
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) lines.push('trap: ' + e.message);
    else lines.push('error: ' + e);
  }
  lines.push('end');
  out(lines.join('\n'));
}
