/**
 * The CLI's error lines say what happened where they are shown (issue 13, "Errors that mislead"): an HTML answer
 * of any status is "not an S3 service" from both upload and sync; a storage service that is down is not blamed on
 the internet connection, while a name that cannot be looked up is; a checksum mismatch does not promise a retry
 after the CLI has given up; and a name with control characters never reaches the terminal raw.
 * Each case runs the built CLI against a tiny local HTTP server that answers the way the case needs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/s3-server';
import { freshBucket, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, runCli } from '../support/serve';

let root: string;
let folder: string;
let runs = 0;
const servers: Server[] = [];

beforeAll(() => {
  ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-error-texts-'));
  mkdirSync(join(root, 'home'));
  folder = join(root, 'folder');
  mkdirSync(folder);
  writeFileSync(join(folder, 'a.txt'), 'alpha');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(root, { recursive: true, force: true });
});

/** A loopback server that answers every request with `answer`; resolves to its http:// address. */
async function fakeEndpoint(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(req, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

/** An environment with its own data folder, pointing the CLI at `endpoint` with made-up keys. */
function envAt(endpoint: string): Record<string, string | undefined> {
  const fake = { endpoint, region: 'us-east-1', accessKeyId: 'S3DROPTESTKEY', secretAccessKey: 'test-secret' };
  return cliTestEnv(fake, { home: join(root, 'home'), dataDir: join(root, `data-${runs++}`) });
}

/** The lines of a run's stderr that report an error (the top-level line, or a failed file's). */
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('s3-drop: ') || l.startsWith('failed: ') || l.startsWith('skipped: '));

/** An HTML page as web servers send it, with `status` and `type`. */
function htmlPage(status: number, type: string, body: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': type });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

describe('an HTML answer of any status is "not an S3 service"', () => {
  const cases: Array<[string, ReturnType<typeof htmlPage>]> = [
    ['404 text/html', htmlPage(404, 'text/html', '<!DOCTYPE html><html><body><h1>Not Found</h1></body></html>')],
    ['403 text/html', htmlPage(403, 'text/html; charset=utf-8', '<html><head><title>Forbidden</title></head><body>nope</body></html>')],
    ['404 HTML body without an HTML Content-Type', htmlPage(404, 'text/plain', '<!doctype html>\n<html><body>gone</body></html>')],
  ];
  it.each(cases)('%s, from upload and from sync --once', async (_name, answer) => {
    const endpoint = await fakeEndpoint(answer);
    const upload = await runCli(['upload', join(folder, 'a.txt'), 's3://bucket/x/'], envAt(endpoint));
    const sync = await runCli(['sync', folder, 's3://bucket/x', '--once'], envAt(endpoint));
    const expected = `The address ${endpoint} answered, but it is not an S3 storage service.`;
    for (const run of [upload, sync]) {
      expect(run.code, run.stderr).not.toBe(0);
      expect(errorLines(run.stderr).join('\n'), run.stderr).toContain(expected);
      expect(run.stderr).not.toMatch(/Something went wrong/);
    }
  });
});

describe('a checksum mismatch', () => {
  it('is reported without promising a retry the exited CLI will not make', async () => {
    // Lists come back empty and every HEAD finds nothing, so the file is sent; every PUT is refused as S3 refuses a
    // body whose bytes do not match its checksum.
    const endpoint = await fakeEndpoint((req, res) => {
      res.writeHead(req.method === 'GET' ? 200 : req.method === 'HEAD' ? 404 : 400, { 'content-type': 'application/xml' });
      if (req.method === 'HEAD') return res.end();
      if (req.method === 'GET') return res.end('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bucket</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>');
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>BadDigest</Code><Message>The Content-MD5 you specified did not match what we received.</Message></Error>');
    });
    const run = await runCli(['upload', join(folder, 'a.txt'), 's3://bucket/x/'], envAt(endpoint));
    expect(run.code, run.stderr).toBe(1);
    expect(errorLines(run.stderr), run.stderr).toEqual([
      `failed: x/a.txt: The bytes that arrived for ${join(folder, 'a.txt')} did not match the file, so nothing was kept as complete. Try again.`,
    ]);
  });
});

describe('a storage service that cannot be reached', () => {
  it('that refuses the connection is named as host:port, and the internet is not blamed', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const expected = `s3-drop: Could not reach the storage service at 127.0.0.1:${port}. Your internet connection may be fine: check that the service is running and that the address is right.`;
    const upload = await runCli(['upload', join(folder, 'a.txt'), 's3://bucket/x/'], envAt(endpoint));
    const sync = await runCli(['sync', folder, 's3://bucket/x', '--once'], envAt(endpoint));
    for (const run of [upload, sync]) {
      expect(run.code, run.stderr).not.toBe(0);
      expect(errorLines(run.stderr), run.stderr).toEqual([expected]);
    }
  });

  it('whose name cannot be looked up (offline, or a wrong address) says the internet may be down', async () => {
    // .invalid never resolves (RFC 6761), whether or not this machine is online.
    const endpoint = 'http://s3drop-test.invalid:9000';
    const expected = 's3-drop: Could not find s3drop-test.invalid on the network. Your internet connection may be down, or the address may be wrong: check both.';
    const upload = await runCli(['upload', join(folder, 'a.txt'), 's3://bucket/x/'], envAt(endpoint));
    const sync = await runCli(['sync', folder, 's3://bucket/x', '--once'], envAt(endpoint));
    for (const run of [upload, sync]) {
      expect(run.code, run.stderr).not.toBe(0);
      expect(errorLines(run.stderr), run.stderr).toEqual([expected]);
    }
  });
});

describe('names with control characters', () => {
  // ESC [31m would turn the terminal red, and a CR would let the rest of the name overwrite the line's start.
  const evil = 'red\x1b[31mname\rX.txt';
  const shown = 'red\\x1b[31mname\\rX.txt';
  const hasRaw = (text: string) => text.includes('\x1b') || text.includes('\r');

  it('are shown escaped by upload, sync and profiles, never raw', async () => {
    const info = s3Info();
    const bucket = await freshBucket(rawClient(info), 'clictl');
    const dir = join(root, 'evil');
    mkdirSync(dir);
    writeFileSync(join(dir, evil), 'red');
    // A settings file is read line by line, so a profile name can carry an ESC but not a CR.
    const credentials = join(root, 'home', 'evil-credentials');
    writeFileSync(credentials, '[red\x1b[31mprofile]\naws_access_key_id = AKIAS3DROPEXAMPLE\naws_secret_access_key = not-a-secret\n');
    const env = () => cliTestEnv(info, { home: join(root, 'home'), dataDir: join(root, `data-${runs++}`) });
    const named = [
      await runCli(['upload', join(dir, evil), `s3://${bucket}/in/`], env()),
      await runCli(['sync', dir, `s3://${bucket}/sync`, '--once'], env()),
      await runCli(['profiles', 'test', evil], env()),
    ];
    for (const run of named) expect(run.stdout + run.stderr, JSON.stringify(run)).toContain(shown);
    const list = await runCli(['profiles', 'list'], { ...env(), AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    expect(list.stdout, JSON.stringify(list)).toContain('red\\x1b[31mprofile');
    const preview = await runCli(['sync', dir, `s3://${bucket}/sync`, '--dry-run'], env());
    for (const run of [...named, list, preview]) expect(hasRaw(run.stdout + run.stderr), JSON.stringify(run)).toBe(false);
  });
});
