// Sync benchmark (issue 5). 100,000 small files: first scan+index time, no-change restart (rescan with the
// index's hash cache, the path taken when the last run did not end cleanly), RSS and CPU of an idle watched pair
// after a clean restart (index open, watcher subscribed, no rescan). 2,000 files: a no-change re-sync by S3 Drop
// (`SyncService.syncOnce`, one listing) timed in the same run as `/usr/bin/aws s3 sync` over the same unchanged
// folder against the same s3rver. Targets: re-sync ≥ 5× faster than aws, idle CPU < 1%, RSS < 300 MiB at 100k.
// Run through `npm run bench -- sync` or directly; `--files N`, `--sync-files N`, `--idle-seconds N` shrink it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { numberArg, root, serverStorageDir, startS3rver } from './lib.mjs';

const argv = process.argv.slice(2);
const arg = (name, fallback) => numberArg(argv, name, fallback);
const FILES = arg('files', 100_000);
const SYNC_FILES = arg('sync-files', 2000);
const IDLE_SECONDS = arg('idle-seconds', 20);
const KEY = 'S3RVER';


/** Runs a command; returns wall seconds (measured here, process start included) and its last stdout line. */
function run(cmd, args, env = process.env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args[0]} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)} ${(r.stdout ?? '').slice(-500)}`);
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  return { seconds, stdout: r.stdout ?? '', line: last.startsWith('{') ? JSON.parse(last) : undefined };
}

/** Small files spread over folders of 1,000, as a real document tree would be. */
function makeTree(dir, n) {
  for (let i = 0; i < n; i++) {
    const sub = join(dir, `d${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.txt`), `file ${i} ${'x'.repeat(i % 200)}\n`);
  }
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 's3drop-bench-sync-'));
  const node = process.execPath;
  const engineJs = join(root, 'node_modules/.cache/s3drop-bench/sync-engine.mjs');
  await build({ entryPoints: [join(import.meta.dirname, 'sync.engine.ts')], outfile: engineJs, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
  const result = { bench: 'sync', files: FILES, syncFiles: SYNC_FILES, cpus: os.cpus().length, loadAverageBefore: +os.loadavg()[0].toFixed(2) };
  let server;
  let storage;
  try {
    // 100k: local scan, index, restart and idle watch.
    const big = join(work, 'big');
    makeTree(big, FILES);
    const data = join(work, 'data-big');
    mkdirSync(data);
    const first = run(node, [engineJs, 'scan', big, data]);
    result.firstScan = { seconds: +first.line.seconds.toFixed(2), hashed: first.line.hashed, peakRssMiB: first.line.peakRssMiB };
    console.log(`${FILES} files  first scan + hash + index  ${first.line.seconds.toFixed(2)} s  (hashed ${first.line.hashed}, peak RSS ${first.line.peakRssMiB} MiB)`);
    const again = run(node, [engineJs, 'scan', big, data]);
    result.noChangeRestart = { seconds: +again.line.seconds.toFixed(2), processSeconds: +again.seconds.toFixed(2), hashed: again.line.hashed, peakRssMiB: again.line.peakRssMiB };
    console.log(`${FILES} files  no-change restart rescan   ${again.line.seconds.toFixed(2)} s  (hashed ${again.line.hashed}, whole process ${again.seconds.toFixed(2)} s)`);
    const idle = run(node, [engineJs, 'idle', big, data, String(IDLE_SECONDS)]);
    result.idle = idle.line;
    console.log(`${FILES} files  idle watching ${IDLE_SECONDS} s after a clean restart  CPU ${idle.line.cpuPercent}%  RSS ${idle.line.rssMiB} MiB (peak ${idle.line.peakRssMiB} MiB)`);
    rmSync(big, { recursive: true, force: true });

    // 2k: no-change re-sync against aws s3 sync on the same server and folder.
    storage = serverStorageDir(work);
    server = await startS3rver(storage.dir);
    result.serverStorage = storage.label;
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const admin = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: KEY, secretAccessKey: KEY } });
    for (const b of ['s3drop', 'awscli']) await admin.send(new CreateBucketCommand({ Bucket: b }));
    const small = join(work, 'small');
    makeTree(small, SYNC_FILES);
    const syncData = join(work, 'data-small');
    mkdirSync(syncData);
    const ours = () => run(node, [engineJs, 'once', server.endpoint, KEY, KEY, small, syncData, 's3drop', 'docs/']);
    const awsConfig = join(work, 'aws-config');
    writeFileSync(awsConfig, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
    const awsEnv = { ...process.env, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: KEY, AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'), AWS_PAGER: '' };
    delete awsEnv.AWS_PROFILE;
    // --no-progress rather than --only-show-errors: each "upload:" line it prints is counted, because aws s3 sync
    // re-sends a file whose mtime is newer than the object's LastModified (whole seconds), so whether its "no-change"
    // pass is one depends on timing, and the figure means little without that count.
    const aws = () => run('/usr/bin/aws', ['--endpoint-url', server.endpoint, 's3', 'sync', '--no-progress', small, 's3://awscli/docs/'], awsEnv);
    const awsUploads = (r) => (r.stdout.match(/^upload: /gm) ?? []).length;
    const oursFirst = ours();
    const awsFirst = aws();
    if (oursFirst.line.uploaded !== SYNC_FILES) throw new Error(`first sync uploaded ${oursFirst.line.uploaded} of ${SYNC_FILES}`);
    const oursAgain = ours();
    const awsAgain = aws();
    if (oursAgain.line.uploaded !== 0) throw new Error(`no-change re-sync uploaded ${oursAgain.line.uploaded}`);
    result.resync = {
      first: { s3drop: +oursFirst.seconds.toFixed(2), awscli: +awsFirst.seconds.toFixed(2) },
      noChange: { s3drop: +oursAgain.seconds.toFixed(2), s3dropPassOnly: +oursAgain.line.seconds.toFixed(3), awscli: +awsAgain.seconds.toFixed(2), awscliUploaded: awsUploads(awsAgain) },
    };
    result.resyncSpeedupVsAws = +(awsAgain.seconds / oursAgain.seconds).toFixed(2);
    console.log(`${SYNC_FILES} files  first sync        s3drop ${oursFirst.seconds.toFixed(2)} s   aws s3 sync ${awsFirst.seconds.toFixed(2)} s`);
    console.log(`${SYNC_FILES} files  first sync uploads: aws s3 sync ${awsUploads(awsFirst)}`);
    console.log(`${SYNC_FILES} files  no-change re-sync s3drop ${oursAgain.seconds.toFixed(2)} s (pass ${oursAgain.line.seconds.toFixed(3)} s)   aws s3 sync ${awsAgain.seconds.toFixed(2)} s (uploaded ${awsUploads(awsAgain)} again)`);

    const peak = Math.max(result.firstScan.peakRssMiB, result.noChangeRestart.peakRssMiB, result.idle.peakRssMiB);
    result.peakRssMiB100k = peak;
    result.targets = { resyncSpeedupVsAws: 5, idleCpuPercentMax: 1, maxRssMiB: 300 };
    result.pass = result.resyncSpeedupVsAws >= 5 && result.idle.cpuPercent < 1 && peak < 300;
    console.log(
      `sync: no-change re-sync ${result.resyncSpeedupVsAws}× faster than aws s3 sync (target ≥ 5), idle CPU ${result.idle.cpuPercent}% (target < 1), ` +
        `peak RSS at ${FILES} files ${peak} MiB (target < 300) ${result.pass ? 'PASS' : 'MISS'}`,
    );
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/sync.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    server?.stop();
    await new Promise((r) => setTimeout(r, 300));
    rmSync(work, { recursive: true, force: true });
    if (storage) rmSync(storage.dir, { recursive: true, force: true });
  }
}

await main();
