// CLI start-up benchmark (performance issue: "a CLI that starts in a blink"): `s3-drop --help` against a bare
// `node -e 0` on the same Node, hyperfine-style: warm-up runs first (they also fill the compile cache), then the
// commands take turns round after round, so a busy machine slows each of them alike. Target: --help within 3x.
// Run after `npm run build`: `node_modules/.bin/node bench/cli-start.bench.mjs [--rounds 30]`, or `npm run bench -- cli-start`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cliArgs, numberArg, root } from './lib.mjs';

/** Milliseconds one run of `args` takes, from spawn to exit. */
function timeOnce(args, env) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Times each case for `rounds` rounds, prints median and minimum, and saves bench/results/cli-start.json. */
export default async function main(argv = process.argv.slice(2)) {
  const rounds = numberArg(argv, 'rounds', 30);
  const dataDir = mkdtempSync(join(tmpdir(), 's3drop-bench-cli-'));
  // A private data folder: the compile cache lands in it, as it would in the person's own.
  const env = { ...process.env, S3DROP_DATA_DIR: dataDir };
  delete env.NODE_COMPILE_CACHE;
  const cases = {
    'node -e 0': ['-e', '0'],
    's3-drop --help': cliArgs(['--help']),
    's3-drop --version': cliArgs(['--version']),
    's3-drop upload --help': cliArgs(['upload', '--help']),
  };
  const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  try {
    for (const args of Object.values(cases)) for (let i = 0; i < 3; i++) timeOnce(args, env);
    for (let round = 0; round < rounds; round++) for (const [name, args] of Object.entries(cases)) times[name].push(timeOnce(args, env));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const bare = median(times['node -e 0']);
  const results = {};
  console.log(`node ${process.version}, ${rounds} rounds, after 3 warm-up runs each`);
  for (const [name, xs] of Object.entries(times)) {
    results[name] = { medianMs: median(xs), minMs: Math.min(...xs), ratioToBareNode: median(xs) / bare };
    console.log(`${name.padEnd(24)} median ${median(xs).toFixed(0).padStart(5)} ms   min ${Math.min(...xs).toFixed(0).padStart(5)} ms   ${(median(xs) / bare).toFixed(2)}x node -e 0`);
  }
  const ratio = results['s3-drop --help'].ratioToBareNode;
  console.log(`s3-drop --help is ${ratio.toFixed(2)}x a bare node -e 0 (target: within 3x): ${ratio <= 3 ? 'met' : 'NOT met'}`);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/cli-start.json'), JSON.stringify({ node: process.version, rounds, results }, null, 2) + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
