/**
 * A server that keeps the connection open and says nothing: the commands used to print nothing for minutes (the
 * client's own timeouts are long on purpose), so a run looked frozen. They now say what they are waiting for, on
 * stderr only (a --json answer on stdout stays clean), and carry on when the server answers again. The notice
 * threshold is lowered through S3DROP_WAIT_NOTICE_MS so nothing here waits long; nothing is timed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChaosProxy } from '../support/chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, nodeBin, runCli, startCli, waitUntil } from '../support/serve';

const info = s3Info();
let root: string;
let cli: string;
let folder: string;
let runs = 0;
/** Accepts every connection, reads what comes, and never answers. */
let silent: Server;
const held = new Set<Socket>();
let silentUrl: string;

beforeAll(async () => {
  cli = ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-server-wait-'));
  mkdirSync(join(root, 'home'));
  folder = join(root, 'folder');
  mkdirSync(folder);
  writeFileSync(join(folder, 'a.txt'), 'alpha');
  silent = createServer((socket) => {
    held.add(socket);
    socket.on('close', () => held.delete(socket));
    socket.resume();
  });
  await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
  silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
});

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((res) => silent.close(res));
  rmSync(root, { recursive: true, force: true });
});

/** A run's environment: its own data folder, the notice after 150 ms of silence, and `endpoint` as the S3 service. */
const envFor = (endpoint: string) =>
  cliTestEnv(info, { home: join(root, 'home'), dataDir: join(root, `data-${runs++}`) }, { AWS_ENDPOINT_URL_S3: endpoint, S3DROP_WAIT_NOTICE_MS: '150' });

/** The waiting line for `endpoint`, whatever the quiet time it names. */
const waitingLine = (endpoint: string) => new RegExp(`^Waiting for ${endpoint.replace(/[.]/g, '\\.')} to answer \\(no answer for [0-9.]+ s\\)…$`, 'm');

describe('a server that accepts the connection and never answers', () => {
  const commands: [string, () => string[]][] = [
    ['upload', () => ['upload', join(folder, 'a.txt'), 's3://silent-bucket/x/', '--json']],
    ['download', () => ['download', 's3://silent-bucket/x/a.txt', join(root, 'down'), '--json']],
    ['sync --once', () => ['sync', folder, 's3://silent-bucket/x', '--once', '--json']],
    ['ls', () => ['ls', 's3://silent-bucket/x/', '--json']],
  ];

  it.each(commands)('%s says on stderr what it waits for, and writes nothing on stdout', async (_name, args) => {
    mkdirSync(join(root, 'down'), { recursive: true });
    const run = startCli(args(), envFor(silentUrl));
    try {
      // Bounded by the test's timeout: without the notice, nothing is printed until the client gives up (minutes).
      await waitUntil(() => waitingLine(silentUrl).test(run.output().stderr) || run.child.exitCode !== null);
      const { stdout, stderr } = run.output();
      expect(stderr).toMatch(waitingLine(silentUrl));
      expect(run.child.exitCode, stderr).toBeNull();
      expect(stdout).toBe('');
    } finally {
      run.child.kill('SIGKILL');
      await run.done;
    }
  });
});

it('download says it waits when the server stops halfway through a file, on stderr only', async () => {
  const proxy = await startChaosProxy({ upstream: info.endpoint });
  const client = rawClient(info);
  const bucket = await freshBucket(client, 'cliwaitbody');
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'half.bin', Body: randomBytes(256 * 1024) }));
  // Headers and half the body, then silence with the socket open.
  proxy.injectNext('stall-body', (r) => r.kind === 'GetObject');
  const into = join(root, 'half');
  mkdirSync(into, { recursive: true });
  const run = startCli(['download', `s3://${bucket}/half.bin`, into, '--json'], envFor(proxy.url));
  try {
    await waitUntil(() => proxy.events().some((e) => e.fault === 'stall-body') || run.child.exitCode !== null);
    // Only what comes after the GET began counts: the stalled body is then the one request open.
    const mark = run.output().stderr.length;
    await waitUntil(() => waitingLine(proxy.url).test(run.output().stderr.slice(mark)) || run.child.exitCode !== null);
    expect(run.output().stderr.slice(mark)).toMatch(waitingLine(proxy.url));
    expect(run.child.exitCode).toBeNull();
    expect(run.output().stdout).toBe('');
  } finally {
    run.child.kill('SIGKILL');
    await run.done;
    await proxy.stop();
  }
});

describe('a server that pauses before each answer', () => {
  it('upload and sync say they wait, then finish as usual with a clean --json summary', async () => {
    const proxy = await startChaosProxy({ upstream: info.endpoint, latencyMs: 600 });
    try {
      const client = rawClient(info);
      const bucket = await freshBucket(client, 'cliwait');
      const file = join(root, 'paused.bin');
      const bytes = randomBytes(6 * 1024 * 1024);
      writeFileSync(file, bytes);

      // Two parts of 5 MiB: the pauses come before the listing, the parts and the completion alike.
      const upload = await runCli(['upload', file, `s3://${bucket}/p/`, '--part-size', '5', '--json'], envFor(proxy.url));
      expect(upload.code, upload.stderr).toBe(0);
      expect(upload.stderr).toMatch(waitingLine(proxy.url));
      expect(JSON.parse(upload.stdout)).toMatchObject({ uploaded: 1, failed: 0 });
      expect((await getObjectBytes(client, bucket, 'p/paused.bin')).equals(bytes)).toBe(true);

      const sync = await runCli(['sync', folder, `s3://${bucket}/s`, '--once', '--json'], envFor(proxy.url));
      expect(sync.code, sync.stderr).toBe(0);
      expect(sync.stderr).toMatch(waitingLine(proxy.url));
      expect(JSON.parse(sync.stdout)).toMatchObject({ uploaded: 1, failed: 0 });
    } finally {
      await proxy.stop();
    }
  });

  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal the line gets a line of its own, never glued to the progress bar', async () => {
    const proxy = await startChaosProxy({ upstream: info.endpoint, latencyMs: 600 });
    try {
      const bucket = await freshBucket(rawClient(info), 'cliwaittty');
      const file = join(root, 'tty.bin');
      writeFileSync(file, randomBytes(6 * 1024 * 1024));
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const command = [nodeBin, cli, 'upload', file, `s3://${bucket}/t/`, '--part-size', '5'].map(quote).join(' ');
      // Not spawnSync: the proxy runs in this process and must keep answering.
      const child = spawn('script', ['-qfec', command, '/dev/null'], { env: { PATH: process.env.PATH, ...envFor(proxy.url) } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const code = await new Promise<number | null>((res) => child.on('close', res));
      expect(code, out).toBe(0);
      expect(out).toContain('Uploaded 1, skipped 0, failed 0');
      const lines = out.split(/\r?\n/).filter((l) => l.includes('Waiting for'));
      expect(lines.length, out).toBeGreaterThan(0);
      // What the terminal shows of each: the text after the last return to the line start, the bar cleared (ESC[2K).
      // eslint-disable-next-line no-control-regex -- the bar's clear-line sequence is what is stripped
      for (const l of lines) expect(l.slice(l.lastIndexOf('\r') + 1).replace(/^\x1b\[2K/, ''), out).toMatch(waitingLine(proxy.url));
    } finally {
      await proxy.stop();
    }
  });
});
