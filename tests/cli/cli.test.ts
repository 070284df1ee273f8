/**
 * The built CLI (`node out/cli/index.js`) against the suite's S3 server: profiles, uploads of files and
 * folders through the real engine, the --json summary, exit codes, and one plain line per bad input.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keychainSkipReason } from '../support/keyring-session';
import { freePort } from '../support/s3-server';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { cliTestEnv, ensureBuiltCli, nodeBin, repoRoot, runCli } from '../support/serve';

let root: string;
let cli: string;
let client: S3Client;
let bucket: string;

/** A child environment with only what we choose: a private data folder, no real ~/.aws, the test server's keys. */
function envFor(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return cliTestEnv(s3Info(), { home: join(root, 'home'), dataDir: join(root, `data-${randomBytes(4).toString('hex')}`) }, extra);
}

/** Every non-empty line a run wrote to stderr. */
const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

beforeAll(async () => {
  cli = ensureBuiltCli();
  root = mkdtempSync(join(tmpdir(), 's3drop-cli-'));
  mkdirSync(join(root, 'home'));
  client = rawClient();
  bucket = await freshBucket(client, 'cli');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('help and usage', () => {
  it.each([[['--help']], [['upload', '--help']], [['serve', '--help']], [['profiles', '--help']]])('%j prints help and exits 0', async (args) => {
    const run = await runCli(args, envFor());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: s3-drop/);
  });

  it('an unknown command is one line and exit 2', async () => {
    const run = await runCli(['uplaod', 'x'], envFor());
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual(['s3-drop: "uplaod" is not a command of s3-drop. Run "s3-drop uplaod --help" to see how to use it.']);
  });

  it('an unknown option is one line and exit 2', async () => {
    const run = await runCli(['upload', '--colour', 'a', 's3://b'], envFor());
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain("Unknown option '--colour'");
  });
});

describe('profiles', () => {
  it('--json lists the ~/.aws profiles and the environment profile', async () => {
    const config = join(root, 'aws-config');
    writeFileSync(config, '[default]\nregion = eu-west-1\n\n[profile work.eu]\nregion = sa-east-1\n');
    const credentials = join(root, 'aws-credentials');
    writeFileSync(credentials, '[default]\naws_access_key_id = AKIAEXAMPLEDEFAULT\naws_secret_access_key = not-a-real-secret-value\n');
    const run = await runCli(['profiles', '--json'], envFor({ AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_REGION: undefined }));
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as { id: string; name: string; region?: string }[];
    const names = list.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'work.eu']));
    expect(list.find((p) => p.name === 'work.eu')?.region).toBe('sa-east-1');
    expect(list.some((p) => p.id === 'env')).toBe(true);
    // Secret keys never reach the output (AWS_REGION is unset so each profile's own region shows).
    expect(run.stdout).not.toContain('not-a-real-secret-value');
  });
});

// Without gnome-keyring this skips; the global setup has printed the one line saying how to run it.
describe.skipIf(keychainSkipReason() !== undefined)('profiles add and remove (real keychain: gnome-keyring in a private D-Bus session)', () => {
  it('adds a profile whose secret comes from stdin into the keychain, lists it without the secret, and removes it', async () => {
    const dataDir = join(root, 'data-profiles');
    const secret = 'stdin-secret-value-0123456789';
    // One session for every step, so the keyring the secret went into is the one "remove" cleans.
    const script = [
      'printf "%s\\n" "$SECRET" | "$NODE" "$CLI" profiles add "My MinIO" --access-key-id AKIAMINIOTEST --endpoint http://127.0.0.1:9000; echo "::add=$?"',
      '"$NODE" "$CLI" profiles --json; echo "::list=$?"',
      '"$NODE" "$CLI" profiles remove "My MinIO"; echo "::remove=$?"',
      '"$NODE" "$CLI" profiles --json; echo "::after=$?"',
    ].join('\n');
    const env = envFor({ S3DROP_DATA_DIR: dataDir, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_ENDPOINT_URL_S3: undefined });
    const run = spawnSync(join(repoRoot, 'tests/support/keyring-session.sh'), ['bash', '-c', script], {
      env: { PATH: process.env.PATH, ...env, SECRET: secret, NODE: nodeBin, CLI: cli } as NodeJS.ProcessEnv,
      encoding: 'utf8',
    });
    const out = run.stdout;
    expect(out, run.stderr).toContain('::add=0');
    expect(out).toContain('::remove=0');
    const [, listed = '', , after = ''] = out.split(/::\w+=\d+\n/);
    const mine = (JSON.parse(listed.slice(listed.indexOf('['))) as { name: string; endpoint?: string; hasSecret: boolean; secretStorage?: string }[]).find(
      (p) => p.name === 'My MinIO',
    );
    expect(mine).toMatchObject({ endpoint: 'http://127.0.0.1:9000', hasSecret: true, secretStorage: 'keychain' });
    expect((JSON.parse(after.slice(after.indexOf('['))) as { name: string }[]).map((p) => p.name)).not.toContain('My MinIO');
    // The secret appears in nothing printed and nothing written under the data folder.
    expect(out + run.stderr).not.toContain(secret);
    for (const f of readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())) {
      expect(readFileSync(join(f.parentPath, f.name), 'utf8'), f.name).not.toContain(secret);
    }
  });
});

describe('upload', () => {
  it('uploads files and a folder through the engine; the folder keeps its name; --json sums it up', async () => {
    const src = join(root, 'src1');
    mkdirSync(join(src, 'Photos 2026', 'sub'), { recursive: true });
    const files: Record<string, Buffer> = {
      'report.csv': randomBytes(1000),
      'naïve café.txt': randomBytes(10),
      'Photos 2026/a.jpg': randomBytes(70_000),
      'Photos 2026/sub/b.bin': randomBytes(0),
    };
    for (const [rel, bytes] of Object.entries(files)) writeFileSync(join(src, rel), bytes);

    const run = await runCli(
      ['upload', join(src, 'report.csv'), join(src, 'naïve café.txt'), join(src, 'Photos 2026'), `s3://${bucket}/landing`, '--json'],
      envFor(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const outLines = lines(run.stdout);
    expect(outLines).toHaveLength(1);
    const summary = JSON.parse(outLines[0]!) as Record<string, number>;
    expect(Object.keys(summary).sort()).toEqual(['bytes', 'deleted', 'excluded', 'failed', 'problems', 'seconds', 'skipped', 'systemFiles', 'uploaded']);
    expect(summary).toMatchObject({ uploaded: 4, skipped: 0, failed: 0, deleted: 0, bytes: 71_010, problems: 0, systemFiles: 0, excluded: 0 });
    expect(summary.seconds).toBeGreaterThanOrEqual(0);

    expect(await keysUnder('landing/')).toEqual(
      ['landing/Photos 2026/a.jpg', 'landing/Photos 2026/sub/b.bin', 'landing/naïve café.txt', 'landing/report.csv'].sort(),
    );
    for (const [rel, bytes] of Object.entries(files)) {
      const key = `landing/${rel}`;
      expect((await getObjectBytes(client, bucket, key)).equals(bytes), key).toBe(true);
    }
  });

  it("the app's default 'ask' does not stop a run: a name that is taken is replaced, as the command line always did", async () => {
    const env = envFor();
    const path = join(root, 'again.txt');
    writeFileSync(path, 'first');
    expect((await runCli(['upload', path, `s3://${bucket}/again/`], env)).code).toBe(0);
    writeFileSync(path, 'second, longer');
    const run = await runCli(['upload', path, `s3://${bucket}/again/`, '--json'], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(lines(run.stdout)[0]!)).toMatchObject({ uploaded: 1, failed: 0 });
    expect((await getObjectBytes(client, bucket, 'again/again.txt')).toString()).toBe('second, longer');
  });

  it('takes the endpoint from --endpoint and uploads to the top of the bucket', async () => {
    const file = join(root, 'top.bin');
    const bytes = randomBytes(2048);
    writeFileSync(file, bytes);
    const run = await runCli(['upload', file, `s3://${bucket}`, '--endpoint', s3Info().endpoint, '--concurrency', '2', '--json'], envFor({ AWS_ENDPOINT_URL_S3: undefined }));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ uploaded: 1, bytes: 2048 });
    expect((await getObjectBytes(client, bucket, 'top.bin')).equals(bytes)).toBe(true);
  });

  it('uses a named profile from AWS_CONFIG_FILE with --profile', async () => {
    const info = s3Info();
    const config = join(root, 'profile-config');
    writeFileSync(config, `[profile store]\nregion = ${info.region}\nendpoint_url = ${info.endpoint}\n`);
    const credentials = join(root, 'profile-credentials');
    writeFileSync(credentials, `[store]\naws_access_key_id = ${info.accessKeyId}\naws_secret_access_key = ${info.secretAccessKey}\n`);
    const file = join(root, 'via-profile.txt');
    writeFileSync(file, 'from a named profile');
    const env = envFor({ AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_ENDPOINT_URL_S3: undefined });
    const run = await runCli(['upload', file, `s3://${bucket}/p/`, '--profile', 'store', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await getObjectBytes(client, bucket, 'p/via-profile.txt')).toString()).toBe('from a named profile');
  });
});

describe('bad input: one plain line, exit 2, nothing uploaded', () => {
  const file = () => {
    const f = join(root, 'bad-input.txt');
    writeFileSync(f, 'x');
    return f;
  };

  it('an unknown profile', async () => {
    const run = await runCli(['upload', file(), `s3://${bucket}/bad/`, '--profile', 'nope'], envFor());
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual(['s3-drop: There is no profile named "nope". Check the name, or add it in Profiles.']);
  });

  it('a missing file', async () => {
    const run = await runCli(['upload', join(root, 'does-not-exist.txt'), `s3://${bucket}/bad/`], envFor());
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    // It never existed: "no longer exists… moved or deleted" would send the person looking for who moved it.
    expect(lines(run.stderr)).toEqual([`s3-drop: There is no file or folder at ${join(root, 'does-not-exist.txt')}. Check the path.`]);
  });

  it.each(['s3:/bucket', 'https://bucket/x', 's3://', 's3://bucket//double', 's3://buc ket/x'])('a malformed destination %s', async (url) => {
    const run = await runCli(['upload', file(), url], envFor());
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/is not a bucket address|cannot be used|Give at least one file/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unreachable endpoint', async () => {
    const port = await freePort();
    const run = await runCli(['upload', file(), `s3://${bucket}/bad/`, '--endpoint', `http://127.0.0.1:${port}`], envFor());
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([`s3-drop: Could not reach the storage service at 127.0.0.1:${port}. Your internet connection may be fine: check that the service is running and that the address is right.`]);
  });

  it('a bucket that does not exist', async () => {
    const run = await runCli(['upload', file(), 's3://no-such-bucket-s3drop-test/x'], envFor());
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual(['s3-drop: The bucket "no-such-bucket-s3drop-test" does not exist. Create it, or check its name.']);
  });

  it('a bucket not found at an endpoint with a path points at the path', async () => {
    // The path goes before the bucket (as in the AWS CLI), so the server looks for a bucket named "some".
    const endpoint = `${s3Info().endpoint}/some/path`;
    const run = await runCli(['upload', file(), `s3://${bucket}/bad/`, '--endpoint', endpoint], envFor());
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      `s3-drop: The bucket "${bucket}" was not found at ${endpoint}. An endpoint is usually only the server's address, without a path (${new URL(endpoint).origin}): check the endpoint, then the bucket's name.`,
    ]);
  });

  it('a bad option value', async () => {
    const run = await runCli(['upload', file(), `s3://${bucket}/bad/`, '--part-size', '2'], envFor());
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual(['s3-drop: --part-size must be a whole number from 5 to 5120. Run "s3-drop upload --help" to see how to use it.']);
  });

  it('leaves nothing in the bucket', async () => {
    expect(await keysUnder('bad/')).toEqual([]);
  });

  it('--debug adds the stack trace', async () => {
    const run = await runCli(['upload', file(), `s3://${bucket}/bad/`, '--profile', 'nope', '--debug'], envFor());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('There is no profile named "nope"');
    expect(run.stderr).toMatch(/\n\s+at .+/);
  });
});

describe('delegated commands', () => {
  it.each(['profiles', 'sync', 'athena-ddl'])('%s --help comes from its module', async (command) => {
    const run = await runCli([command, '--help'], envFor());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: s3-drop ${command}`));
  });
});

describe('athena-ddl through the CLI entry', () => {
  it('prints a CREATE EXTERNAL TABLE for a CSV and its S3 location', async () => {
    const csv = join(root, 'vendas.csv');
    writeFileSync(csv, 'id;nome;quando\n1;Ana;2026-01-02\n2;João;2026-01-03\n');
    const run = await runCli(['athena-ddl', csv, `s3://${bucket}/landing/vendas`, '--table', 'vendas'], envFor());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/CREATE EXTERNAL TABLE IF NOT EXISTS `vendas`/);
    expect(run.stdout).toContain(`LOCATION 's3://${bucket}/landing/vendas/'`);
    expect(run.stdout).toContain("FIELDS TERMINATED BY ';'");
  });
});

describe('reading files it wrote', () => {
  it('keeps its settings and journal in S3DROP_DATA_DIR, and logs there without secrets', async () => {
    const dataDir = join(root, 'data-logs');
    const f = join(root, 'logged.txt');
    writeFileSync(f, 'log me');
    const run = await runCli(['upload', f, `s3://${bucket}/logs/`, '--debug'], envFor({ S3DROP_DATA_DIR: dataDir, AWS_SECRET_ACCESS_KEY: 'canary-secret-value-123456' }));
    if (s3Info().features.verifiesSignatures) {
      // RGW checks signatures: the wrong secret is one plain line and exit 2, before anything is queued.
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('The secret key is wrong.');
    } else {
      // s3rver ignores signatures, so the canary secret still uploads.
      expect(run.code).toBe(0);
    }
    const log = readFileSync(join(dataDir, 'logs', 's3-drop-cli.log'), 'utf8');
    expect(log.length).toBeGreaterThan(0);
    expect(log).not.toContain('canary-secret-value-123456');
    expect(run.stderr).not.toContain('canary-secret-value-123456');
  });
});
