// Shared pieces of the benchmark drivers: flags and a local s3rver, started the way the test suite starts it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const root = join(import.meta.dirname, '..');

/** A numeric `--name N` flag from argv, or the fallback. */
export function numberArg(argv, name, fallback) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
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
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}
