// Transfers benchmark (issue 3): 2,000 × 4 KiB files and 1 × 1 GiB file uploaded to a local s3rver by
// S3 Drop's engine, the AWS CLI (`aws s3 cp --recursive`) and rclone (`rclone copy`), in the same run and
// against the same server, each with its default settings. Reports wall seconds and peak RSS (GNU time's %M).
// Targets: ≥ 2× faster than the AWS CLI on the small files, no slower than rclone on the large file, RSS < 300 MiB.
// Run through `npm run bench -- transfers` or directly; `--small N`, `--big-mib N` shrink it for a quick try,
// `--rounds N` (default 2) repeats it, the best round counting, since this machine's speed swings between runs.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { numberArg, root, serverStorageDir, startS3rver } from './lib.mjs';

const MiB = 1024 * 1024;
const argv = process.argv.slice(2);
const arg = (name, fallback) => numberArg(argv, name, fallback);
const SMALL = arg('small', 2000);
const BIG_MIB = arg('big-mib', 1024);
const ROUNDS = arg('rounds', 2);
const KEY = 'S3RVER';


/** Runs a command under GNU time; returns wall seconds, peak RSS and its output. */
function timed(cmd, args, env = process.env) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', cmd, ...args], { env, encoding: 'utf8', maxBuffer: 64 * MiB });
  const m = /TIME ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`${cmd} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)} ${(r.stdout ?? '').slice(-500)}`);
  return { seconds: Number(m[1]), peakRssMiB: +(Number(m[2]) / 1024).toFixed(1), stdout: r.stdout };
}

function makeData(dir) {
  const small = join(dir, 'small');
  mkdirSync(small, { recursive: true });
  for (let i = 0; i < SMALL; i++) writeFileSync(join(small, `file-${String(i).padStart(5, '0')}.bin`), randomBytes(4096));
  const bigDir = join(dir, 'big');
  mkdirSync(bigDir, { recursive: true });
  const big = join(bigDir, 'big.bin');
  const block = randomBytes(16 * MiB);
  const fd = openSync(big, 'w');
  for (let written = 0; written < BIG_MIB * MiB; written += block.length) writeSync(fd, block, 0, Math.min(block.length, BIG_MIB * MiB - written));
  closeSync(fd);
  return { small, bigDir, big };
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 's3drop-bench-transfers-'));
  const storage = serverStorageDir(work);
  const s3dir = storage.dir;
  const server = await startS3rver(s3dir);
  try {
    const data = makeData(join(work, 'data'));
    const engineJs = join(root, 'node_modules/.cache/s3drop-bench/transfers-engine.mjs');
    // Dependencies bundled in, as the shipped CLI and app are: resolving hundreds of SDK modules at start-up
    // would otherwise dominate the small-file time.
    await build({ entryPoints: [join(import.meta.dirname, 'transfers.engine.ts')], outfile: engineJs, bundle: true, platform: 'node', format: 'esm', target: 'node22', logLevel: 'error', banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });

    const { S3Client, CreateBucketCommand, PutObjectCommand, ListObjectsV2Command, DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    const admin = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: KEY, secretAccessKey: KEY } });
    for (const b of ['s3drop', 'awscli', 'rclone', 'warmup']) await admin.send(new CreateBucketCommand({ Bucket: b }));
    // A fresh s3rver runs its first thousand requests unoptimised (V8 has not compiled its hot paths yet), which
    // cost whichever tool went first up to a second. Warm it with the same kind of request, untimed, for everyone.
    // Content-MD5 and user metadata, as every tool here sends, so their code paths in s3rver are warm too.
    const warm = randomBytes(4096);
    const warmMd5 = createHash('md5').update(warm).digest('base64');
    for (let i = 0; i < 1500; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, (_, j) => admin.send(new PutObjectCommand({ Bucket: 'warmup', Key: `w/${i + j}.bin`, Body: warm, ContentMD5: warmMd5, Metadata: { warm: 'yes' } }))),
      );
    }

    const awsConfig = join(work, 'aws-config');
    writeFileSync(awsConfig, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
    const awsEnv = { ...process.env, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: KEY, AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'), AWS_PAGER: '' };
    delete awsEnv.AWS_PROFILE;
    const rcloneEnv = {
      ...process.env,
      RCLONE_CONFIG: join(work, 'rclone.conf'),
      RCLONE_CONFIG_BENCH_TYPE: 's3',
      RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
      RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: KEY,
      RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: KEY,
      RCLONE_CONFIG_BENCH_ENDPOINT: server.endpoint,
      RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
    };
    delete rcloneEnv.AWS_CA_BUNDLE;

    const node = process.execPath;
    const ours = (path, prefix) => {
      const r = timed(node, [engineJs, server.endpoint, KEY, KEY, path, 's3drop', prefix]);
      const line = JSON.parse(r.stdout.trim().split('\n').pop());
      if (line.failed) throw new Error(`s3drop: ${line.failed} failed: ${JSON.stringify(line.firstError)}`);
      return { seconds: r.seconds, peakRssMiB: r.peakRssMiB };
    };
    const aws = (path, prefix) => timed('/usr/bin/aws', ['--endpoint-url', server.endpoint, 's3', 'cp', '--recursive', '--only-show-errors', path, `s3://awscli/${prefix}/`], awsEnv);
    const rclone = (path, prefix) => timed('rclone', ['copy', path, `bench:rclone/${prefix}`], rcloneEnv);

    const deletePrefix = async (bucket, prefix) => {
      const page = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      for (const o of page.Contents ?? []) await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
    };
    const result = { bench: 'transfers', serverStorage: storage.label, smallFiles: SMALL, bigMiB: BIG_MIB, rounds: ROUNDS, cpus: os.cpus().length, loadAverageBefore: +os.loadavg()[0].toFixed(2), small: {}, big: {} };
    const tools = [['s3drop', ours], ['awscli', aws], ['rclone', rclone]];
    // The machine is shared, so tools take turns within each round (rotating who goes first) and the best
    // round counts; every round's time is kept in the JSON.
    for (const [label, path] of [['small', data.small], ['big', data.bigDir]]) {
      for (let round = 0; round < ROUNDS; round++) {
        for (let t = 0; t < tools.length; t++) {
          const [name, fn] = tools[(t + round) % tools.length];
          const r = fn(path, `${label}-${round}`);
          // Each 1 GiB object is deleted once timed, so a server kept in memory never holds more than one or two.
          if (label === 'big') await deletePrefix(name, `${label}-${round}`); // each tool's bucket bears its name
          const slot = (result[label][name] ??= { seconds: Infinity, peakRssMiB: 0, all: [] });
          slot.all.push(r.seconds);
          slot.seconds = Math.min(slot.seconds, r.seconds);
          slot.peakRssMiB = Math.max(slot.peakRssMiB, r.peakRssMiB);
          console.log(`${label === 'small' ? `small ${SMALL} × 4 KiB` : `big ${BIG_MIB} MiB`}  round ${round + 1}  ${name.padEnd(7)} ${r.seconds.toFixed(2)} s  peak RSS ${r.peakRssMiB} MiB`);
        }
      }
    }
    result.loadAverageAfter = +os.loadavg()[0].toFixed(2);
    result.smallSpeedupVsAwsCli = +(result.small.awscli.seconds / result.small.s3drop.seconds).toFixed(2);
    result.bigRatioVsRclone = +(result.big.s3drop.seconds / result.big.rclone.seconds).toFixed(2);
    result.peakRssMiB = Math.max(result.small.s3drop.peakRssMiB, result.big.s3drop.peakRssMiB);
    result.targets = { smallSpeedupVsAwsCli: 2, bigRatioVsRcloneMax: 1, maxRssMiB: 300 };
    result.pass = result.smallSpeedupVsAwsCli >= 2 && result.bigRatioVsRclone <= 1 && result.peakRssMiB < 300;
    console.log(
      `transfers: small ${result.smallSpeedupVsAwsCli}× the AWS CLI's speed (target ≥ 2), big ${result.bigRatioVsRclone}× rclone's time (target ≤ 1), ` +
        `peak RSS ${result.peakRssMiB} MiB (target < 300) ${result.pass ? 'PASS' : 'MISS'}`,
    );
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/transfers.json'), JSON.stringify(result, null, 2) + '\n');
  } finally {
    server.stop();
    await new Promise((r) => setTimeout(r, 300));
    rmSync(work, { recursive: true, force: true });
    rmSync(s3dir, { recursive: true, force: true });
  }
}

await main();
