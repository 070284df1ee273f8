/**
 * The progress bar appears on a real terminal (a pseudo-terminal from util-linux `script`) and not
 * when stderr is a pipe. The bandwidth setting only makes the upload last long enough to be drawn.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, nodeBin, runCli } from '../support/serve';

let root: string;
let cli: string;

beforeAll(() => {
  cli = ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-tty-'));
  mkdirSync(join(root, 'home'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

it.skipIf(!existsSync('/usr/bin/script'))('draws a progress bar on a TTY, and none on a pipe', async () => {
  const client = rawClient();
  const bucket = await freshBucket(client, 'tty');
  const dataDir = join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ bandwidthLimitKiBps: 8 * 1024 }));
  const file = join(root, 'bar.bin');
  const bytes = randomBytes(12 * 1024 * 1024);
  writeFileSync(file, bytes);
  const env = { PATH: process.env.PATH, ...cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir }) };

  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [nodeBin, cli, 'upload', file, `s3://${bucket}/tty/`].map(quote).join(' ');
  const run = spawnSync('script', ['-qfec', command, '/dev/null'], { env: env as NodeJS.ProcessEnv, encoding: 'utf8' });
  expect(run.status, run.stdout).toBe(0);
  // Redraws go to the start of the line and clear it (ESC[2K); each shows bytes and the file count.
  // eslint-disable-next-line no-control-regex
  expect(run.stdout).toMatch(/\r\x1b\[2K\[[#-]{24}\] \d+% [\d.]+ (B|KiB|MiB)\/12\.0 MiB [01]\/1 files/);
  expect(run.stdout).toContain('Uploaded 1, skipped 0, failed 0');
  expect((await getObjectBytes(client, bucket, 'tty/bar.bin')).equals(bytes)).toBe(true);

  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({}));
  const piped = await runCli(['upload', file, `s3://${bucket}/pipe/`], env);
  expect(piped.code).toBe(0);
  expect(piped.stderr).not.toContain('\x1b[2K');
  expect(piped.stderr).toContain('Uploaded 1, skipped 0, failed 0');
});
