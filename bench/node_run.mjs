// node bench/node_run.mjs PROGRAM.wasm N: instantiates a bench/programs module (no imports) and prints
// run(N), the checksum every runtime must agree on. Run with `node --liftoff-only` for V8's baseline tier.
import { readFileSync } from 'node:fs';

const [file, n] = process.argv.slice(2);
if (!file || n === undefined) {
  console.error('usage: node node_run.mjs PROGRAM.wasm N');
  process.exit(2);
}
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
console.log(instance.exports.run(Number(n)));
