/**
 * `npm start` (scripts/start.mjs) where Electron cannot open a window: one sentence saying what happened and what to
 * do, no stack trace, then browser mode, whose address is printed, answers, and is handed to the BROWSER program.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, nodeBin, repoRoot, waitUntil } from '../support/serve';

const work = mkdtempSync(join(tmpdir(), 's3drop-start-'));
// A BROWSER program that notes the address it was asked to open, as a real browser would receive it.
const opener = join(work, 'fake-browser.sh');
writeFileSync(opener, '#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/opened.txt"\n');
chmodSync(opener, 0o755);
let running: ChildProcess | undefined;

beforeAll(() => {
  ensureBuiltCli(); // out/ is current; the script runs it with --no-build
});
afterEach(async () => {
  if (running && running.exitCode === null) {
    const exited = new Promise((r) => running!.once('exit', r));
    running.kill('SIGTERM');
    await exited;
  }
  rmSync(join(work, 'opened.txt'), { force: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Starts `node scripts/start.mjs --no-build` and resolves once the address line is out, with all output so far. */
function start(env: Record<string, string | undefined>): Promise<{ output: () => string; url: string }> {
  const home = join(work, `home-${Date.now()}`);
  mkdirSync(home);
  const child = spawn(nodeBin, ['scripts/start.mjs', '--no-build'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: home, S3DROP_DATA_DIR: join(home, 'data'), ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const url = /S3 Drop is running at (\S+)/.exec(output)?.[1];
      if (url) resolve({ output: () => output, url });
    });
    child.once('exit', (code) => reject(new Error(`start.mjs exited (${code}) before browser mode was up:\n${output}`)));
  });
}

/** The page browser mode serves at `url`. */
async function page(url: string): Promise<string> {
  const res = await fetch(new URL('/', url));
  expect(res.status).toBe(200);
  return res.text();
}

// The display checks are Linux's (DISPLAY, WAYLAND_DISPLAY).
describe.runIf(process.platform === 'linux')('npm start without a working Electron', () => {
  it('explains in one sentence, starts browser mode and opens it with BROWSER', { timeout: 120_000 }, async () => {
    // Electron's package honours this; a folder with no program in it is Electron that cannot be started.
    const { output, url } = await start({ ELECTRON_OVERRIDE_DIST_PATH: join(work, 'no-electron-here'), DISPLAY: ':99', BROWSER: opener });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
    const [sentence] = output().split('\n');
    expect(sentence).toBe(
      'Electron could not be started (ENOENT), so S3 Drop starts in your web browser instead; to get the desktop window, allow downloads from github.com (or set ELECTRON_MIRROR to a mirror you can reach), then run npm start again.',
    );
    expect(output()).not.toMatch(/^\s+at /m);
    expect(await page(url)).toContain('<html');
    await waitUntil(() => existsSync(join(work, 'opened.txt')));
    expect(readFileSync(join(work, 'opened.txt'), 'utf8')).toBe(`${url}\n`);
  });

  // Only where Electron's program has not been downloaded yet (as here and in CI): a mirror nobody answers on
  // makes the download fail at once, offline, as a proxy or a blocked network would.
  const electronDir = join(repoRoot, 'node_modules/electron');
  it.runIf(!existsSync(join(electronDir, 'path.txt')))('when the download fails, says why and what to do, not a stack trace', { timeout: 120_000 }, async () => {
    const { output, url } = await start({ ELECTRON_MIRROR: 'http://127.0.0.1:9/', DISPLAY: ':99', BROWSER: 'none' });
    const lines = output().split('\n');
    expect(lines[0]).toBe('Downloading Electron, once…');
    expect(lines[1]).toMatch(/^Electron's program could not be downloaded \(.+\), so S3 Drop starts in your web browser instead; to get the desktop window, allow downloads/);
    expect(output()).not.toMatch(/^\s+at /m);
    expect(output()).not.toContain('node_modules/electron/index.js');
    expect(await page(url)).toContain('<html');
    // BROWSER=none: nothing is opened, and the person is told to open the address.
    await waitUntil(() => output().includes('Open that address in your web browser.'));
  });

  it('with no display, says so and points at the address', { timeout: 120_000 }, async () => {
    const { output, url } = await start({ DISPLAY: undefined, WAYLAND_DISPLAY: undefined });
    expect(output().split('\n')[0]).toBe(
      'There is no display here for the desktop window (neither DISPLAY nor WAYLAND_DISPLAY is set), so S3 Drop starts in your web browser instead.',
    );
    expect(await page(url)).toContain('<html');
    await waitUntil(() => output().includes('Open that address in your web browser.'));
  });

  it('Ctrl-C stops browser mode with it', { timeout: 120_000 }, async () => {
    const { url } = await start({ DISPLAY: undefined, BROWSER: 'none' });
    const child = running!;
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // The script exits only once serve has: nothing answers at the address any more.
    await expect(fetch(new URL('/', url))).rejects.toThrow();
  });
});
