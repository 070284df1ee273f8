// Transfers benchmark (issues 3, 14 and 17): uploads and downloads of 2,000 × 4 KiB files and one 1 GiB file, by
// S3 Drop's CLI (`s3-drop upload` / `s3-drop download`, as shipped in out/cli), the AWS CLI v2 (`aws s3 cp --recursive`)
// and rclone (`rclone copy`; `--transfers 16 --checkers 16` on the small files, defaults on the big one), in the same
// run against the same server: Ceph RGW by default (`--server s3rver` for the fake). For each tool: wall time, the
// client's user+sys CPU (and per request on the small files), the server's CPU, and peak RSS (GNU time).
// Targets (on RGW): small uploads ≥ 2× the AWS CLI's speed and no slower than rclone; small downloads ≥ 2× the AWS
// CLI; 1 GiB up and down no slower than rclone; S3 Drop's peak RSS < 300 MiB. The client's CPU per small PUT is
// reported (aim: 1 ms).
// Flags: `--rounds N` (default 3; tools take turns, rotating who goes first), `--small N`, `--big-mib N`,
// `--sweep 16,32,64` (also times S3 Drop's small upload with that many small files in flight; the default is 32), `--skip big,download,upload`.
// Duration with the defaults on a quiet 2-core machine: about 5 minutes (19.5 with 2 rounds under a load average of 20).
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgs, median, numberArg, root, serverKind, spread, startServer, stringArg, timed, toolEnvs } from './lib.mjs';

const MiB = 1024 * 1024;
const argv = process.argv.slice(2);
const SMALL = numberArg(argv, 'small', 2000);
const BIG_MIB = numberArg(argv, 'big-mib', 1024);
const ROUNDS = numberArg(argv, 'rounds', 3);
const SWEEP = (stringArg(argv, 'sweep', '') ?? '').split(',').filter(Boolean).map(Number);
const SKIP = new Set((stringArg(argv, 'skip', '') ?? '').split(',').filter(Boolean));

function makeData(dir) {
  const small = join(dir, 'small');
  mkdirSync(small, { recursive: true });
  for (let i = 0; i < SMALL; i++) writeFileSync(join(small, `file-${String(i).padStart(5, '0')}.bin`), randomBytes(4096));
  const warm = join(dir, 'warm');
  mkdirSync(warm, { recursive: true });
  for (let i = 0; i < 200; i++) writeFileSync(join(warm, `w-${i}.bin`), randomBytes(4096));
  const bigDir = join(dir, 'big');
  mkdirSync(bigDir, { recursive: true });
  if (!SKIP.has('big')) {
    const block = randomBytes(16 * MiB);
    const fd = openSync(join(bigDir, 'big.bin'), 'w');
    for (let written = 0; written < BIG_MIB * MiB; written += block.length) writeSync(fd, block, 0, Math.min(block.length, BIG_MIB * MiB - written));
    closeSync(fd);
  }
  return { small, warm, bigDir };
}

/** Files under a folder, at any depth. */
function countFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length;
}

async function main() {
  const kind = serverKind(argv);
  const work = mkdtempSync(join(tmpdir(), 's3drop-bench-transfers-'));
  const server = await startServer(kind);
  try {
    const data = makeData(join(work, 'data'));
    const env = toolEnvs(server, work);
    const ep = server.endpoint;
    const opts = (e) => ({ env: e, serverPids: server.pids });
    const { S3Client, CreateBucketCommand, ListObjectsV2Command, DeleteObjectsCommand } = await import('@aws-sdk/client-s3');
    const admin = new S3Client({ endpoint: ep, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey } });
    for (const b of ['s3drop', 'awscli', 'rclone', 'source']) await admin.send(new CreateBucketCommand({ Bucket: b }));
    const emptyPrefix = async (bucket, prefix) => {
      let token;
      do {
        const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key }));
        if (keys.length) await admin.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    };

    // Each tool's bucket bears its name; `extra` are S3 Drop's --concurrency values (the sweep).
    const up = {
      s3drop: (path, prefix, extra = [], bucket = 's3drop') => {
        const r = timed(process.execPath, cliArgs(['upload', path, `s3://${bucket}/${prefix}`, '--endpoint', ep, '--json', ...extra]), opts(env.s3drop));
        if (r.json?.failed !== 0) throw new Error(`s3-drop upload: ${r.stdout.slice(-500)}`);
        return r;
      },
      awscli: (path, prefix) => timed('/usr/bin/aws', ['--endpoint-url', ep, 's3', 'cp', '--recursive', '--only-show-errors', path, `s3://awscli/${prefix}/`], opts(env.aws)),
      rclone: (path, prefix, extra = []) => timed('rclone', ['copy', ...extra, path, `bench:rclone/${prefix}`], opts(env.rclone)),
    };
    const down = {
      s3drop: (src, dest) => {
        const r = timed(process.execPath, cliArgs(['download', `s3://source/${src}/`, dest, '--endpoint', ep, '--json']), opts(env.s3drop));
        if (r.json?.failed !== 0) throw new Error(`s3-drop download: ${r.stdout.slice(-500)}`);
        return r;
      },
      awscli: (src, dest) => timed('/usr/bin/aws', ['--endpoint-url', ep, 's3', 'cp', '--recursive', '--only-show-errors', `s3://source/${src}/`, dest], opts(env.aws)),
      rclone: (src, dest, extra = []) => timed('rclone', ['copy', ...extra, `bench:source/${src}`, dest], opts(env.rclone)),
    };
    const tuned = ['--transfers', '16', '--checkers', '16'];

    // Warm-up, untimed: the server's first requests, the page cache, S3 Drop's compile cache, each tool's start.
    up.s3drop(data.warm, 'warm');
    up.awscli(data.warm, 'warm');
    up.rclone(data.warm, 'warm', tuned);

    const result = {
      bench: 'transfers',
      server: server.label,
      node: process.version,
      smallFiles: SMALL,
      bigMiB: BIG_MIB,
      rounds: ROUNDS,
      cpus: os.cpus().length,
      loadAverageBefore: +os.loadavg()[0].toFixed(2),
      runs: {},
    };
    const record = (phase, name, round, r, requests) => {
      const slot = ((result.runs[phase] ??= {})[name] ??= []);
      const row = { round, seconds: r.seconds, cpuSeconds: r.cpuSeconds, userSeconds: r.userSeconds, sysSeconds: r.sysSeconds, serverCpuSeconds: r.serverCpuSeconds, peakRssMiB: r.peakRssMiB };
      if (requests) row.cpuMsPerRequest = +((r.cpuSeconds / requests) * 1000).toFixed(2);
      slot.push(row);
      console.log(
        `${phase.padEnd(14)} round ${round + 1}  ${name.padEnd(12)} ${r.seconds.toFixed(2).padStart(6)} s  client CPU ${r.cpuSeconds.toFixed(2)} s ` +
          `(${r.userSeconds.toFixed(2)} u + ${r.sysSeconds.toFixed(2)} s${requests ? `, ${row.cpuMsPerRequest} ms/req` : ''})  server CPU ${r.serverCpuSeconds.toFixed(2)} s  peak RSS ${r.peakRssMiB} MiB`,
      );
    };
    const phase = async (name, tools, requests) => {
      for (let round = 0; round < ROUNDS; round++) {
        for (let t = 0; t < tools.length; t++) {
          const [tool, fn] = tools[(t + round) % tools.length];
          record(name, tool, round, await fn(round), requests);
        }
      }
    };

    // Small uploads: each tool and round to a fresh prefix.
    if (!SKIP.has('upload')) await phase(
      'upload-small',
      [
        ['s3drop', (round) => up.s3drop(data.small, `small-${round}`)],
        ['awscli', (round) => up.awscli(data.small, `small-${round}`)],
        ['rclone', (round) => up.rclone(data.small, `small-${round}`, tuned)],
        // A small file takes a quarter of a file slot (slotOf), so N small files in flight is --concurrency N/4.
        ...SWEEP.map((n) => [`s3drop-${n}`, (round) => up.s3drop(data.small, `small-${n}-${round}`, ['--concurrency', String(n / 4)])]),
      ],
      SMALL,
    );
    if (!SKIP.has('big') && !SKIP.has('upload')) {
      // Each 1 GiB object is deleted once timed, so the server's memory never holds more than two.
      await phase('upload-big', [
        ['s3drop', async (round) => { const r = up.s3drop(data.bigDir, `big-${round}`); await emptyPrefix('s3drop', `big-${round}`); return r; }],
        ['rclone', async (round) => { const r = up.rclone(data.bigDir, `big-${round}`); await emptyPrefix('rclone', `big-${round}`); return r; }],
      ]);
    }
    if (!SKIP.has('download')) {
      // The objects to download, put there once by S3 Drop (so they carry its content hash, as a person's would).
      // A folder keeps its name in the keys, so these land under small/ and big/.
      up.s3drop(data.small, '', [], 'source');
      if (!SKIP.has('big')) up.s3drop(data.bigDir, '', [], 'source');
      const into = (tool, round, what) => join(work, 'down', `${tool}-${what}-${round}`);
      const checked = (fn, dest, expect) => {
        const r = fn();
        const n = countFiles(dest);
        if (n !== expect) throw new Error(`${dest}: ${n} files downloaded, expected ${expect}`);
        rmSync(dest, { recursive: true, force: true });
        return r;
      };
      await phase(
        'download-small',
        [
          ['s3drop', (round) => checked(() => down.s3drop('small', into('s3drop', round, 'small')), into('s3drop', round, 'small'), SMALL)],
          ['awscli', (round) => checked(() => down.awscli('small', into('awscli', round, 'small')), into('awscli', round, 'small'), SMALL)],
          ['rclone', (round) => checked(() => down.rclone('small', into('rclone', round, 'small'), tuned), into('rclone', round, 'small'), SMALL)],
        ],
        SMALL,
      );
      if (!SKIP.has('big')) {
        await phase('download-big', [
          ['s3drop', (round) => checked(() => down.s3drop('big', into('s3drop', round, 'big')), into('s3drop', round, 'big'), 1)],
          ['rclone', (round) => checked(() => down.rclone('big', into('rclone', round, 'big')), into('rclone', round, 'big'), 1)],
        ]);
      }
    }
    result.loadAverageAfter = +os.loadavg()[0].toFixed(2);

    // Ratios are taken within each round (the tools ran back to back), and their spread over the rounds reported.
    const perRound = (ph, a, b) => result.runs[ph][a].map((r, i) => r.seconds / result.runs[ph][b][i].seconds);
    const summary = {};
    for (const [ph, tools] of Object.entries(result.runs)) {
      for (const [tool, rows] of Object.entries(tools)) {
        const s = (summary[ph] ??= {})[tool] = {
          seconds: median(rows.map((r) => r.seconds)),
          secondsSpread: spread(rows.map((r) => r.seconds)),
          cpuSeconds: median(rows.map((r) => r.cpuSeconds)),
          serverCpuSeconds: median(rows.map((r) => r.serverCpuSeconds)),
          peakRssMiB: Math.max(...rows.map((r) => r.peakRssMiB)),
        };
        if (rows[0].cpuMsPerRequest !== undefined) {
          s.cpuMsPerRequest = median(rows.map((r) => r.cpuMsPerRequest));
          s.cpuMsPerRequestSpread = spread(rows.map((r) => r.cpuMsPerRequest));
        }
      }
    }
    result.summary = summary;
    const targets = [];
    const ratio = (label, xs, ok, target) => {
      targets.push({ label, median: +median(xs).toFixed(2), spread: spread(xs), target, pass: ok(median(xs)) });
    };
    if (result.runs['upload-small']) {
      ratio('small upload: AWS CLI time / S3 Drop time', perRound('upload-small', 'awscli', 's3drop'), (x) => x >= 2, '≥ 2');
      ratio('small upload: S3 Drop time / rclone (16/16) time', perRound('upload-small', 's3drop', 'rclone'), (x) => x <= 1, '≤ 1');
    }
    if (result.runs['upload-big']) ratio('1 GiB upload: S3 Drop time / rclone time', perRound('upload-big', 's3drop', 'rclone'), (x) => x <= 1, '≤ 1');
    if (result.runs['download-small']) ratio('small download: AWS CLI time / S3 Drop time', perRound('download-small', 'awscli', 's3drop'), (x) => x >= 2, '≥ 2');
    if (result.runs['download-big']) ratio('1 GiB download: S3 Drop time / rclone time', perRound('download-big', 's3drop', 'rclone'), (x) => x <= 1, '≤ 1');
    const rss = Object.values(summary).map((ph) => ph.s3drop?.peakRssMiB ?? 0);
    targets.push({ label: 'S3 Drop peak RSS (MiB), any phase', median: Math.max(...rss), spread: '', target: '< 300', pass: Math.max(...rss) < 300 });
    if (result.runs['upload-small']) {
      const perPut = result.runs['upload-small'].s3drop.map((r) => r.cpuMsPerRequest);
      targets.push({ label: 'S3 Drop client CPU per small PUT (ms)', median: median(perPut), spread: spread(perPut), target: 'aim 1 (was 2.3)', pass: median(perPut) <= 1 });
    }
    result.targets = targets;
    result.pass = targets.every((t) => t.pass);

    console.log(`\n${server.label}, node ${process.version}, ${ROUNDS} rounds, load average ${result.loadAverageBefore} → ${result.loadAverageAfter}`);
    for (const [ph, tools] of Object.entries(summary)) {
      for (const [tool, s] of Object.entries(tools)) {
        console.log(
          `${ph.padEnd(14)} ${tool.padEnd(12)} median ${s.seconds.toFixed(2).padStart(6)} s (${s.secondsSpread})  client CPU ${s.cpuSeconds.toFixed(2)} s` +
            `${s.cpuMsPerRequest !== undefined ? ` = ${s.cpuMsPerRequest} ms/req (${s.cpuMsPerRequestSpread})` : ''}  server CPU ${s.serverCpuSeconds.toFixed(2)} s  peak RSS ${s.peakRssMiB} MiB`,
        );
      }
    }
    for (const t of targets) console.log(`${t.pass ? 'met    ' : 'NOT met'} ${t.label}: ${t.median}${t.spread ? ` (rounds ${t.spread})` : ''}, target ${t.target}`);
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/transfers.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
