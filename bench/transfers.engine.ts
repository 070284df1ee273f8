/**
 * The engine side of the transfers benchmark, bundled by bench/transfers.bench.mjs and run in its own process:
 * uploads one local path (a folder or a file) the way a drop does, with default settings, and prints one JSON
 * line with the outcome and this process's peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCore } from './bench-core';
import { expandItems } from '../src/main/services/handlers/transfers';
import { TransferService } from '../src/main/services/transfers/transfer-service';

const [endpoint, accessKeyId, secretAccessKey, path, bucket, prefix] = process.argv.slice(2) as [string, string, string, string, string, string];
const dataDir = mkdtempSync(join(tmpdir(), 's3drop-bench-data-'));
const { core, clients } = benchCore(dataDir, endpoint, accessKeyId, secretAccessKey);
const engine = new TransferService(core, clients);
await engine.start();
const started = performance.now();
const { requests } = await expandItems([{ path }], { profileId: 'bench', bucket, prefix });
const snaps = await engine.waitFor(engine.enqueue(requests));
const seconds = (performance.now() - started) / 1000;
await engine.dispose();
rmSync(dataDir, { recursive: true, force: true });
const failed = snaps.filter((s) => s.state !== 'done');
process.stdout.write(
  JSON.stringify({ files: snaps.length, failed: failed.length, firstError: failed[0]?.error, seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
process.exit(failed.length === 0 ? 0 : 1);
