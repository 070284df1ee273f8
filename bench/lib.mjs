// Shared pieces of the benchmark drivers: flags, the S3 server (Ceph RGW by default, started the way the test support
// starts it; s3rver with `--server s3rver`), the peers' settings, and timing a tool's process: wall time, peak RSS,
// the client's user+sys CPU (GNU time), and the server's CPU over the same span (its daemons' /proc/<pid>/stat).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The repository root. */
export const root = join(import.meta.dirname, '..');

/** The built CLI every S3 Drop figure is measured on (`npm run bench` builds it first). */
export const cli = join(root, 'out/cli/index.js');

/**
 * The arguments for `node` (process.execPath) that run the built CLI with `args` as its bin does: the Node flags of
 * its shebang (`#!/usr/bin/env -S node --max-semi-space-size=8`, written by scripts/build.mjs) come first, because
 * they only work at process start. Every bench that starts the CLI goes through this.
 */
export function cliArgs(args) {
  const shebang = readFileSync(cli, 'utf8').split('\n', 1)[0];
  const flags = (/^#!\/usr\/bin\/env -S node (.*)$/.exec(shebang)?.[1] ?? '').split(/\s+/).filter(Boolean);
  return [...flags, cli, ...args];
}

/** A numeric `--name N` flag from argv, or the fallback. */
export function numberArg(argv, name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

/** A string `--name value` flag from argv, or the fallback. */
export function stringArg(argv, name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
}

/** The server to measure against: `--server rgw|s3rver`, else S3DROP_BENCH_SERVER, else Ceph RGW (the targets count there). */
export function serverKind(argv) {
  return stringArg(argv, 'server', process.env.S3DROP_BENCH_SERVER ?? 'rgw');
}

/**
 * A fresh folder for s3rver's storage: in memory where the machine has tmpfs (the same for every tool), else in
 * `fallback`. On this shared VM, s3rver's file creates on the disk stall in phases (a tool bound by the server took
 * 2 s in one run and 5 s in the next, while the AWS CLI, bound by its own CPU, hardly moved), so on disk a bench
 * measured the disk, not the clients. S3DROP_BENCH_SERVER_DIR=<folder> puts it elsewhere.
 */
export function serverStorageDir(fallback) {
  const base = process.env.S3DROP_BENCH_SERVER_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : fallback);
  return { dir: mkdtempSync(join(base, 's3drop-bench-s3rver-')), label: base === '/dev/shm' ? 'tmpfs (/dev/shm)' : base };
}

/** Starts s3rver in its own process (it needs the legacy OpenSSL provider); resolves with its endpoint and stop(). */
export async function startS3rver(dir) {
  const child = spawn(process.execPath, [join(root, 'tests/support/s3rver-main.cjs'), dir, '0'], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((res, rej) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /"port":(\d+)/.exec(out);
      if (m) res(Number(m[1]));
    });
    child.once('exit', (code) => rej(new Error(`s3rver exited (${code})`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.kill('SIGTERM') };
}

async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = srv.address().port;
      srv.close(() => res(port));
    });
  });
}

/**
 * Starts the server a bench measures against and resolves with its endpoint, keys, the pids whose CPU counts as the
 * server's, a label, and stop(). RGW: a throw-away Ceph (mon, memstore OSD, radosgw) through the test support's
 * start-rgw.sh, its data in RAM (`memoryGiB`), so the disk of this shared machine is not what is measured.
 */
export async function startServer(kind, { memoryGiB = 8 } = {}) {
  if (kind === 's3rver') {
    const storage = serverStorageDir(tmpdir());
    const s = await startS3rver(storage.dir);
    return {
      kind,
      label: `s3rver, storage ${storage.label}`,
      endpoint: s.endpoint,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      pids: [s.pid],
      async stop() {
        s.stop();
        await new Promise((r) => setTimeout(r, 300));
        rmSync(storage.dir, { recursive: true, force: true });
      },
    };
  }
  if (kind !== 'rgw') throw new Error(`unknown --server ${kind} (use rgw or s3rver)`);
  const base = mkdtempSync(join(tmpdir(), 's3drop-bench-rgw-'));
  const port = await freePort();
  const env = {
    ...process.env,
    RGW_BASE: base,
    RGW_PORT: String(port),
    MON_PORT: String(await freePort()),
    MEMSTORE_BYTES: String(memoryGiB * 1024 ** 3),
    RGW_ACCESS_KEY: 'S3DROPBENCHKEY000001',
    RGW_SECRET_KEY: 's3dropbenchsecret00000000000000000000001',
  };
  const script = (name) => join(root, 'tests/support/rgw', name);
  const { stdout } = await promisify(execFile)('bash', [script('start-rgw.sh')], { env, timeout: 180_000 });
  const pids = (/pids=([\d ]+)/.exec(stdout)?.[1] ?? '').trim().split(/\s+/).map(Number).filter(Boolean);
  return {
    kind,
    label: 'Ceph RGW (memstore OSD, loopback)',
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: env.RGW_ACCESS_KEY,
    secretAccessKey: env.RGW_SECRET_KEY,
    pids,
    async stop() {
      await promisify(execFile)('bash', [script('stop-rgw.sh')], { env, timeout: 60_000 }).catch(() => {});
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** CPU seconds (user + sys) the processes have used so far; a process gone counts as 0. */
export function cpuSecondsOf(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // not running (or not Linux): no figure rather than a wrong one
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/**
 * Runs a command under GNU time: wall seconds, peak RSS, the client's user and sys CPU (children included) and the
 * server's CPU over the same span. Throws with the command's output when it fails.
 */
export function timed(cmd, args, { env = process.env, serverPids = [] } = {}) {
  const cpu0 = cpuSecondsOf(serverPids);
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M %U %S', cmd, ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const serverCpu = cpuSecondsOf(serverPids) - cpu0;
  const m = /TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-2000)} ${(r.stdout ?? '').slice(-500)}`);
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  return {
    seconds: Number(m[1]),
    peakRssMiB: +(Number(m[2]) / 1024).toFixed(1),
    userSeconds: Number(m[3]),
    sysSeconds: Number(m[4]),
    cpuSeconds: +(Number(m[3]) + Number(m[4])).toFixed(2),
    serverCpuSeconds: +serverCpu.toFixed(2),
    stdout: r.stdout ?? '',
    json: last.startsWith('{') ? JSON.parse(last) : undefined,
  };
}

/**
 * The environments the three tools run in, all pointed at `server` with its keys and nothing from the person's own
 * AWS or rclone set-up: S3 Drop's CLI (its own data folder), the AWS CLI v2 (path-style) and rclone (`bench:`).
 */
export function toolEnvs(server, work) {
  const keys = { AWS_ACCESS_KEY_ID: server.accessKeyId, AWS_SECRET_ACCESS_KEY: server.secretAccessKey };
  const awsConfig = join(work, 'aws-config');
  writeFileSync(awsConfig, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
  const clean = { ...process.env };
  for (const k of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_SESSION_TOKEN', 'NODE_OPTIONS']) delete clean[k];
  const aws = { ...clean, ...keys, AWS_CONFIG_FILE: awsConfig, AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'), AWS_PAGER: '' };
  const s3drop = { ...aws, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: server.endpoint, S3DROP_DATA_DIR: join(work, 's3drop-data') };
  const rclone = {
    ...clean,
    RCLONE_CONFIG: join(work, 'rclone.conf'),
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: server.kind === 'rgw' ? 'Ceph' : 'Other',
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: server.accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: server.secretAccessKey,
    RCLONE_CONFIG_BENCH_ENDPOINT: server.endpoint,
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
  };
  // rclone reads a CA bundle from AWS_CA_BUNDLE and fails when it is set to one it cannot use.
  delete rclone.AWS_CA_BUNDLE;
  return { aws, s3drop, rclone };
}

/** min–max of a list, for the spread next to each figure. */
export function spread(xs, digits = 2) {
  return `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
}

/** The median of a list. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
