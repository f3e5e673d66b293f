// A stand-in for `wi exec` that runs a WASI module under node's WASI (uvwasi), to cross-check the
// expected outputs of tests/wasi/*.c against an independent implementation:
//   node tests/wasi/node_wi.mjs exec PROG.wasm [--dir HOST[::GUEST]]... [--env K=V]... [-- ARGS...]
// Exit status: the guest's. argv[0] is PROG.wasm as given, as `wi exec` does.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import process from 'node:process';

const argv = process.argv.slice(2);
if (argv[0] === 'exec') argv.shift();
const prog = argv.shift();
const preopens = {}, env = {}, args = [prog];
while (argv.length) {
  const a = argv.shift();
  if (a === '--') { args.push(...argv); break; }
  if (a === '--dir') {
    const d = argv.shift(), i = d.indexOf('::');
    if (i < 0) preopens[d] = d; else preopens[d.slice(i + 2)] = d.slice(0, i);
  } else if (a === '--env') {
    const kv = argv.shift(), i = kv.indexOf('=');
    env[kv.slice(0, i)] = kv.slice(i + 1);
  } else {
    args.push(a);
  }
}
const wasi = new WASI({ version: 'preview1', args, env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(prog));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
