// Checksum CPU benchmark (issue 19, "decide the checksum policy for AWS from measurement"): CPU seconds per GiB of the
// digests an upload to Amazon S3 can carry, computed the way each side computes them: node:crypto SHA-256 and MD5 (the
// engine's whole-body hash and per-part checksums), and the SDK's own CRC32, CRC32C and CRC64NVME (its default
// trailing checksums when no checksum is given). CPU time (user + system) of this process, so a busy machine shows
// as longer wall time, not as more CPU. Run: `node_modules/.bin/node bench/checksum-cpu.bench.mjs [--mib 512]`.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { numberArg, root } from './lib.mjs';

const CHUNK = 8 * 1024 * 1024;

/** CPU seconds per GiB for feeding `total` bytes, chunk by chunk, to a fresh digest from `make`. */
async function cpuPerGiB(make, total, chunk) {
  const before = process.cpuUsage();
  const d = make();
  for (let done = 0; done < total; done += chunk.length) d.update(chunk);
  await d.digest();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6 / (total / 1024 ** 3);
}

/** A node:crypto hash in the SDK's Checksum shape. */
const nodeHash = (alg) => () => {
  const h = createHash(alg);
  return { update: (b) => h.update(b), digest: async () => h.digest() };
};

/** Measures every digest over `--mib` MiB (default 512) and saves bench/results/checksum-cpu.json. */
export default async function main(argv = process.argv.slice(2)) {
  const total = numberArg(argv, 'mib', 512) * 1024 * 1024;
  const chunk = randomBytes(CHUNK);
  const cases = {
    'SHA-256 (node:crypto)': nodeHash('sha256'),
    'MD5 (node:crypto)': nodeHash('md5'),
    'CRC32 (SDK)': () => new Crc32(),
    'CRC32C (SDK)': () => new Crc32c(),
    'CRC64NVME (SDK)': () => new Crc64Nvme(),
  };
  const out = {};
  for (const [name, make] of Object.entries(cases)) {
    // One warm-up pass over a chunk, so JIT compilation is not counted.
    await cpuPerGiB(make, CHUNK, chunk);
    out[name] = Number((await cpuPerGiB(make, total, chunk)).toFixed(3));
    console.log(`${name.padEnd(24)} ${out[name].toFixed(3)} CPU s/GiB`);
  }
  const resultDir = join(root, 'bench/results');
  mkdirSync(resultDir, { recursive: true });
  writeFileSync(join(resultDir, 'checksum-cpu.json'), JSON.stringify({ node: process.version, mib: total / 1024 ** 2, cpuSecondsPerGiB: out }, null, 2) + '\n');
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
