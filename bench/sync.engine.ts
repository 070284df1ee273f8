/**
 * The engine side of the sync benchmark, bundled by bench/sync.bench.mjs and run in its own process so each
 * measurement has its own RSS. Modes:
 *   scan <folder> <dataDir>                      scan + hash + index (first run: everything; again: the no-change restart)
 *   idle <folder> <dataDir> <seconds>            a watched pair after a clean restart, sitting idle: RSS and CPU over the window
 *   once <endpoint> <key> <secret> <folder> <dataDir> <bucket> <prefix>   one sync pass (SyncService.syncOnce)
 * Each prints one JSON line.
 */
import { join } from 'node:path';
import { benchCore } from './bench-core';
import { createIgnoreMatcher } from '../src/main/services/sync/ignore';
import { IndexDb } from '../src/main/services/sync/index-db';
import { scanFolder } from '../src/main/services/sync/scanner';
import { SyncService } from '../src/main/services/sync/sync-service';
import { FolderWatcher } from '../src/main/services/sync/watcher';
import { TransferService } from '../src/main/services/transfers/transfer-service';

const [mode, ...args] = process.argv.slice(2) as [string, ...string[]];
const rssMiB = () => +(process.memoryUsage().rss / 1024 / 1024).toFixed(1);
const peakMiB = () => +(process.resourceUsage().maxRSS / 1024).toFixed(1);

if (mode === 'scan') {
  const [folder, dataDir] = args as [string, string];
  const t0 = performance.now();
  const index = new IndexDb(join(dataDir, 'sync', 'bench.sqlite'));
  const scan = await scanFolder(folder, { ignore: createIgnoreMatcher([]), index });
  const seconds = (performance.now() - t0) / 1000;
  index.close();
  process.stdout.write(JSON.stringify({ files: scan.files.length, hashed: scan.hashed, seconds, peakRssMiB: peakMiB() }) + '\n');
} else if (mode === 'idle') {
  const [folder, dataDir, secs] = args as [string, string, string];
  // A clean restart, as SyncService does it when the last run ended cleanly: open the index, watch; no rescan.
  const index = new IndexDb(join(dataDir, 'sync', 'bench.sqlite'));
  const ignore = createIgnoreMatcher([]);
  const files = index.countFiles();
  let events = 0;
  const watcher = new FolderWatcher(folder, { stableMs: 2000, ignore, onSettled: (c) => (events += c.files.length) });
  await watcher.start();
  // Let start-up work finish before measuring the idle window.
  await new Promise((r) => setTimeout(r, 2000));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, Number(secs) * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0) / 1000;
  const cpuPercent = ((cpu.user + cpu.system) / 1e6 / wall) * 100;
  const rss = rssMiB();
  await watcher.stop();
  index.close();
  process.stdout.write(JSON.stringify({ files, idleSeconds: wall, cpuPercent: +cpuPercent.toFixed(3), rssMiB: rss, peakRssMiB: peakMiB(), events }) + '\n');
} else if (mode === 'once') {
  const [endpoint, accessKeyId, secretAccessKey, folder, dataDir, bucket, prefix] = args as [string, string, string, string, string, string, string];
  const { core, clients } = benchCore(dataDir, endpoint, accessKeyId, secretAccessKey);
  const engine = new TransferService(core, clients);
  await engine.start();
  const sync = new SyncService(core, clients, engine);
  const t0 = performance.now();
  const s = await sync.syncOnce({ folder, target: { profileId: 'bench', bucket, prefix }, mode: 'upload-only', ignore: [], brakeShare: 0.2, brakeCount: 1000, trashDays: 30, stableMs: 2000 });
  const seconds = (performance.now() - t0) / 1000;
  await engine.dispose();
  process.stdout.write(JSON.stringify({ uploaded: s.uploaded, skipped: s.skipped, failed: s.failed, seconds, peakRssMiB: peakMiB() }) + '\n');
  process.exit(s.failed === 0 ? 0 : 1);
} else {
  throw new Error(`unknown mode ${mode}`);
}
