// The benchmark runner behind `npm run bench`: runs every bench/*.bench.mjs (or only those whose name contains
// one of the arguments, e.g. `npm run bench -- transfers --rounds 2`), each in its own Node process so one bench's memory
// never shows up in another's peak RSS. Each bench prints its numbers and writes bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
// Names come first; everything from the first `--flag` on (flags and their values) goes to each bench.
const args = process.argv.slice(2);
const firstFlag = args.findIndex((a) => a.startsWith('--'));
const filters = firstFlag < 0 ? args : args.slice(0, firstFlag);
const passThrough = firstFlag < 0 ? [] : args.slice(firstFlag);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (benches.length === 0) {
  console.error(`no bench matches ${filters.join(', ')}`);
  process.exit(1);
}

const outcomes = [];
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(dir, file), ...passThrough], { stdio: 'inherit' });
  outcomes.push({ file, code: r.status, seconds: (Date.now() - started) / 1000 });
}
console.log('\n=== summary');
for (const o of outcomes) console.log(`${o.code === 0 ? 'ok  ' : 'FAIL'} ${o.file} (${o.seconds.toFixed(1)} s)`);
process.exit(outcomes.every((o) => o.code === 0) ? 0 : 1);
