/**
 * Test helpers for the built CLI: make sure out/cli/index.js is current, run a command to completion,
 * and start `s3-drop serve --port 0` as a child process, returning the printed URL and token.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(import.meta.dirname, '../..');
/** The built CLI. */
export const cliPath = join(repoRoot, 'out/cli/index.js');
/** Node 24 from the `node` devDependency (the system node is older). */
export const nodeBin = join(repoRoot, 'node_modules/.bin/node');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** The private copy this test process runs (see `snapshotBuild`); out/cli until `ensureBuiltCli` has run. */
let activeCli = cliPath;

/**
 * Copies out/cli and out/renderer to a folder private to this test process. Any teammate's
 * `npm run build` wipes out/ first; a private copy keeps our children from starting mid-wipe.
 * It lives under node_modules/.cache so the bundle still resolves its packages from node_modules.
 */
function snapshotBuild(): string {
  const base = join(repoRoot, 'node_modules/.cache/s3drop-test-cli');
  mkdirSync(base, { recursive: true });
  for (const old of readdirSync(base)) {
    // Copies left by earlier runs (an hour is far longer than any test file). Test files start in parallel, so
    // another one may be removing the same old copy: a copy that is already gone is no error.
    try {
      if (Date.now() - statSync(join(base, old)).mtimeMs > 3_600_000) rmSync(join(base, old), { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const dir = join(base, `${process.pid}-${Date.now()}`);
  for (let attempt = 0; ; attempt++) {
    try {
      cpSync(join(repoRoot, 'out/cli'), join(dir, 'cli'), { recursive: true });
      // The UI may be missing when only the CLI could be built; serve then says so plainly.
      if (existsSync(join(repoRoot, 'out/renderer/index.html'))) cpSync(join(repoRoot, 'out/renderer'), join(dir, 'renderer'), { recursive: true });
      if (existsSync(join(dir, 'cli/index.js'))) return join(dir, 'cli/index.js');
    } catch (err) {
      if (attempt >= 20) throw err;
    }
    rmSync(dir, { recursive: true, force: true });
    spawnSync('sleep', ['0.5']);
  }
}

/**
 * Builds when out/ is missing or older than the sources, then snapshots it privately. `npm run build`
 * first; if a teammate's unfinished renderer breaks it, the CLI alone is built (`build.mjs --cli-only`),
 * so CLI tests still run against current code. Returns the path of the CLI to run.
 */
export function ensureBuiltCli(): string {
  const sources = Math.max(...['src/cli', 'src/server', 'src/main/services', 'src/shared'].map((d) => newestMtime(join(repoRoot, d))));
  const fresh = existsSync(cliPath) && statSync(cliPath).mtimeMs >= sources && existsSync(join(repoRoot, 'out/renderer/index.html'));
  if (!fresh) {
    const full = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
    if (full.status !== 0 || !existsSync(cliPath)) {
      const cli = spawnSync(nodeBin, ['scripts/build.mjs', '--cli-only'], { cwd: repoRoot, encoding: 'utf8' });
      if (cli.status !== 0) throw new Error(`could not build the CLI:\n${full.stderr}\n${cli.stderr}`);
    }
  }
  activeCli = snapshotBuild();
  return activeCli;
}

/** The built UI that `serve` children of this process serve. */
export function builtRendererDir(): string {
  return join(dirname(activeCli), '..', 'renderer');
}

/** The outcome of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion with exactly the given environment (plus PATH and HOME). */
export function runCli(args: string[], env: Record<string, string | undefined>, options: { input?: string; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(nodeBin, [activeCli, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** The built CLI started with exactly the given environment (plus PATH and HOME), for a run the test ends itself; `output` is what it wrote so far. */
export function startCli(args: string[], env: Record<string, string | undefined>): { child: ChildProcess; output: () => CliRun; done: Promise<CliRun> } {
  const child = spawn(nodeBin, [activeCli, ...args], { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
  return { child, output: () => ({ code: child.exitCode, stdout, stderr }), done };
}

/** A running `s3-drop serve`. */
export interface ServeProcess {
  /** The printed address, `http://127.0.0.1:PORT/#token=…`. */
  url: string;
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  port: number;
  token: string;
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node out/cli/index.js serve --port 0 [extra]` with `env`; resolves once the URL line is printed. */
export function startServe(env: Record<string, string | undefined>, extraArgs: string[] = []): Promise<ServeProcess> {
  const child = spawn(nodeBin, [activeCli, 'serve', '--port', '0', ...extraArgs], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return new Promise((resolvePromise, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /S3 Drop is running at (http:\/\/[^/\s]+)\/#token=([A-Za-z0-9_-]+)/.exec(out);
      if (m) {
        const origin = m[1]!;
        resolvePromise({
          url: `${origin}/#token=${m[2]}`,
          origin,
          port: Number(new URL(origin).port),
          token: m[2]!,
          child,
          stderr: () => err,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`s3-drop serve exited (${code}) before printing its address: ${err}`)));
  });
}

/**
 * The child environment CLI tests use: a private data folder and HOME, no real ~/.aws files, and the
 * suite's S3 server through the standard AWS variables. `extra` adds or (with undefined) removes variables.
 */
export function cliTestEnv(
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string },
  dirs: { home: string; dataDir: string },
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    HOME: dirs.home,
    S3DROP_DATA_DIR: dirs.dataDir,
    AWS_CONFIG_FILE: join(dirs.home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dirs.home, 'no-aws-credentials'),
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_REGION: s3.region,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    ...extra,
  };
}

/** Polls a condition that another process makes true; the test's timeout bounds the wait. */
export async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 25));
}
