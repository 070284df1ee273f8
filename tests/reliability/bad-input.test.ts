/**
 * The bad-input corpus: each case drives the real engine through the dispatcher (as the UI, the CLI and browser
 * mode do) and asserts a plain-language catalogue error and no side effect: no object, no pending upload, the
 * local file untouched, the app still working.
 */
import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SyncPairStatus, TransferList } from '../../src/shared/contract';
import type { AppErrorData } from '../../src/shared/errors';
import { ProfileService } from '../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../src/main/services/secrets/secret-store';
import { CHAOS_OTHER_REGION, startChaosProxy, type ChaosProxy } from '../support/chaos-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../support/s3-test-client';
import { startTestApp, type TestApp } from './harness';
import type { EngineOnceJob } from './engine-once';
import { addProfile, isPlain, listKeys, pendingUploads, unwrap, waitForTransfers } from './helpers';

const info = s3Info();
const repoRoot = join(import.meta.dirname, '../..');
const direct = rawClient(info);
const MiB = 1024 * 1024;
let t: TestApp;
let profileId: string;
let bucket: string;
let files: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  t = await startTestApp();
  profileId = await addProfile(t, info);
  bucket = await freshBucket(direct, 'badinput');
  files = join(t.root, 'files');
  mkdirSync(files, { recursive: true });
});

// A fresh bucket per test, so one case's leftovers can never make another pass or fail.
beforeEach(async () => {
  bucket = await freshBucket(direct, 'badinput');
});

afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
  await t?.close();
});

function file(name: string, content: string | Buffer = 'hello'): string {
  const p = join(files, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, content);
  return p;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Puts what an unprivileged child runs (engine-once as one self-contained file, and a Node it may execute) in `dir`,
 * readable by all: the clone may sit where "nobody" cannot enter (under /root, in a mktemp -d folder), and then
 * neither its node_modules nor its pinned Node are reachable from that user.
 */
async function unprivilegedEngine(dir: string, asNobody: string[]): Promise<{ node: string; bundle: string; dir: string }> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const bundle = join(dir, 'engine-once.mjs');
  await build({
    entryPoints: [join(repoRoot, 'tests/reliability/engine-once.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    // CommonJS packages inside an ES module bundle reach Node's built-ins through require().
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    // The keychain and the folder watcher are native add-ons that cannot be bundled; this child uses neither (a
    // memory secret store, no sync), so they are replaced by empty modules rather than loaded from node_modules.
    plugins: [
      {
        name: 'no-native-addons',
        setup(b) {
          b.onResolve({ filter: /^(@napi-rs\/keyring|@parcel\/watcher)$/ }, (args) => ({ path: args.path, namespace: 'unused-native' }));
          b.onLoad({ filter: /.*/, namespace: 'unused-native' }, () => ({ contents: 'export default {}; export class AsyncEntry {}', loader: 'js' }));
        },
      },
    ],
  });
  chmodSync(bundle, 0o644);
  if (spawnSync(asNobody[0]!, [...asNobody.slice(1), process.execPath, '-e', '0'], { cwd: dir }).status === 0) return { node: process.execPath, bundle, dir };
  const node = join(dir, 'node');
  try {
    linkSync(process.execPath, node);
  } catch {
    copyFileSync(process.execPath, node); // another file system: a copy, once per run
  }
  chmodSync(node, 0o755);
  return { node, bundle, dir };
}

/** Enqueues and waits: the error from the refusal, or from the finished transfer. */
async function uploadOutcome(app: TestApp, items: { path: string; relativeKey?: string }[], target: { profileId: string; bucket: string; prefix?: string }) {
  const res = await app.app.dispatch('transfers:enqueue', { items, target });
  if (!res.ok) return { stage: 'enqueue' as const, error: res.error, states: [] as string[] };
  const snaps = await waitForTransfers(app, (res.value as { ids: string[] }).ids);
  return { stage: 'transfer' as const, error: snaps.find((s) => s.error)?.error, states: snaps.map((s) => s.state) };
}

/** A proxy in front of the test server, and a profile that uses it. */
async function proxied(name: string, opts: Partial<Parameters<typeof startChaosProxy>[0]> = {}): Promise<{ proxy: ChaosProxy; profile: string }> {
  const proxy = await startChaosProxy({ upstream: info.endpoint, ...opts });
  cleanups.push(() => proxy.stop());
  return { proxy, profile: await addProfile(t, info, proxy.url, name) };
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function expectPlain(err: AppErrorData | undefined, codes: string[]): void {
  expect(err, 'an error was expected').toBeDefined();
  expect(isPlain(err), `plain error expected, got ${err?.code}: ${err?.details ?? ''}`).toBe(true);
  expect(codes).toContain(err!.code);
}

describe('names', () => {
  it.each(['has space', 'a/b', 'back\\slash', 'x'.repeat(256)])('bucket name %j is refused in plain words and nothing is created', async (name) => {
    const out = await uploadOutcome(t, [{ path: file('n.txt') }], { profileId, bucket: name });
    expectPlain(out.error, ['BUCKET_NAME_INVALID', 'INVALID_INPUT']);
    // Other test files share this server and create buckets meanwhile, so look for this name, not a count.
    const names = ((await direct.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    expect(names).not.toContain(name);
    expect(names).not.toContain(name.toLowerCase());
  });

  it.each(['UPPER', 'ab', 'a_b', 'bucket..x', '-bucket', '192.168.5.4', 'xn--abc'])('buckets:create refuses %j before asking S3', async (name) => {
    const res = await t.app.dispatch('buckets:create', { profileId, bucket: name, region: info.region });
    expect(res.ok).toBe(false);
    expectPlain(!res.ok ? res.error : undefined, ['BUCKET_NAME_INVALID', 'INVALID_INPUT']);
    const names = ((await direct.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
    expect(names).not.toContain(name);
  });

  it('a key over 1,024 UTF-8 bytes (600 two-byte letters) is refused and nothing lands', async () => {
    const out = await uploadOutcome(t, [{ path: file('long.txt'), relativeKey: 'é'.repeat(600) }], { profileId, bucket });
    expectPlain(out.error, ['KEY_INVALID']);
    expect(out.error!.message).not.toContain('é'.repeat(100)); // the name is shortened in the message
    expect(await listKeys(direct, bucket)).toEqual([]);
  });

  it('a long prefix plus a name over 1,024 bytes is refused', async () => {
    const out = await uploadOutcome(t, [{ path: file('p.txt') }], { profileId, bucket, prefix: 'folder/'.repeat(146) });
    expectPlain(out.error, ['KEY_INVALID']);
    expect(await listKeys(direct, bucket)).toEqual([]);
  });

  it.each(['bad\u0001name.txt', 'line\nbreak.txt', 'del\u007f.txt', 'tab\there.txt'])('control characters in %j are refused', async (rel) => {
    const out = await uploadOutcome(t, [{ path: file('c.txt'), relativeKey: rel }], { profileId, bucket });
    expectPlain(out.error, ['KEY_INVALID']);
    expect(await listKeys(direct, bucket)).toEqual([]);
  });

  it.each(['../escape.txt', 'a/../../b.txt', './x.txt', 'a/./b.txt'])('dot segments in %j are refused (they can escape the chosen folder)', async (rel) => {
    const out = await uploadOutcome(t, [{ path: file('d.txt'), relativeKey: rel }], { profileId, bucket, prefix: 'inbox/' });
    expect(await listKeys(direct, bucket), 'objects that landed (the chosen folder was inbox/)').toEqual([]);
    expectPlain(out.error, ['KEY_INVALID']);
  });

  it('a folder whose own name has a control character is refused before anything is queued', async () => {
    const dir = join(files, 'ctl\u0002dir');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ok.txt'), 'x');
    const out = await uploadOutcome(t, [{ path: dir }], { profileId, bucket });
    expectPlain(out.error, ['KEY_INVALID']);
    expect(out.stage).toBe('enqueue');
    expect(await listKeys(direct, bucket)).toEqual([]);
  });
});

describe('local files', () => {
  it('an unreadable file (EACCES) fails in plain words', { timeout: 120_000 }, async (ctx) => {
    const p = file('secret.txt', 'top secret');
    execFileSync('chmod', ['000', p]);
    const job: EngineOnceJob = {
      root: join(t.root, 'eacces'),
      endpoint: info.endpoint,
      accessKeyId: info.accessKeyId,
      secretAccessKey: info.secretAccessKey,
      region: info.region,
      bucket,
      items: [{ path: p }],
    };
    let error: AppErrorData | undefined;
    if (process.getuid?.() !== 0) {
      error = (await uploadOutcome(t, job.items, { profileId, bucket })).error;
    } else {
      // Root reads anything whatever the mode bits, so the engine runs in a child process as "nobody".
      const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((f) => existsSync(f));
      if (!setpriv) ctx.skip('running as root and setpriv is missing, so no process can be denied the read');
      mkdirSync(job.root, { recursive: true, mode: 0o777 });
      execFileSync('chmod', ['777', job.root, t.root, files]);
      const asNobody = [setpriv!, '--reuid=65534', '--regid=65534', '--clear-groups'];
      const { node, bundle, dir } = await unprivilegedEngine(join(t.root, 'eacces-run'), asNobody);
      const out = execFileSync(asNobody[0]!, [...asNobody.slice(1), node, bundle, JSON.stringify(job)], { cwd: dir, encoding: 'utf8' });
      const line = JSON.parse(out.trim().split('\n').pop()!) as { stage: string; error?: AppErrorData; snapshots?: { error?: AppErrorData }[] };
      expect(line.stage).not.toBe('crash');
      error = line.error ?? line.snapshots?.find((s) => s.error)?.error;
    }
    expectPlain(error, ['FILE_UNREADABLE']);
    expect(await listKeys(direct, bucket)).toEqual([]);
    expect(statSync(p).mode & 0o777).toBe(0); // untouched
  });

  it('a FIFO (a file that would block forever on read) is refused, not hung on', async () => {
    const p = join(files, 'pipe');
    execFileSync('mkfifo', [p]);
    const out = await uploadOutcome(t, [{ path: p }], { profileId, bucket });
    expectPlain(out.error, ['NOT_A_FILE', 'FILE_UNREADABLE']);
    expect(await listKeys(direct, bucket)).toEqual([]);
  });

  it('a missing file is refused at enqueue', async () => {
    const out = await uploadOutcome(t, [{ path: join(files, 'never-existed.bin') }], { profileId, bucket });
    expectPlain(out.error, ['FILE_NOT_FOUND']);
  });

  it('a file deleted between queueing and reading fails in plain words, and the queue goes on', async () => {
    // One upload at a time through a slow link: the victim waits behind a 1 MiB file.
    unwrap(await t.app.dispatch('settings:update', { concurrency: 1 }));
    const { profile } = await proxied('slow-delete', { bandwidthBytesPerSec: 512 * 1024 });
    const b = await freshBucket(direct, 'deleted');
    const big = file('del/big.bin', Buffer.alloc(MiB, 1));
    const victim = file('del/victim.txt', 'soon gone');
    const res = await t.app.dispatch('transfers:enqueue', { items: [{ path: big }, { path: victim }], target: { profileId: profile, bucket: b } });
    const ids = unwrap<{ ids: string[] }>(res).ids;
    rmSync(victim);
    const [bigSnap, victimSnap] = await waitForTransfers(t, ids);
    unwrap(await t.app.dispatch('settings:update', { concurrency: 8 }));
    expect(bigSnap!.state).toBe('done');
    expect(victimSnap!.state).toBe('failed');
    expectPlain(victimSnap!.error, ['FILE_NOT_FOUND']);
    expect(await listKeys(direct, b)).toEqual(['big.bin']);
  });

  it('a file truncated during a multipart upload never lands as a mix of old and new bytes', async () => {
    const { proxy, profile } = await proxied('slow-truncate', { bandwidthBytesPerSec: 6 * MiB });
    const b = await freshBucket(direct, 'truncated');
    const p = file('trunc/big.bin', Buffer.alloc(24 * MiB, 7));
    const res = await t.app.dispatch('transfers:enqueue', { items: [{ path: p }], target: { profileId: profile, bucket: b } });
    const ids = unwrap<{ ids: string[] }>(res).ids;
    await until(() => (proxy.stats().byKind.UploadPart ?? 0) >= 1, 'the first part');
    truncateSync(p, MiB);
    const [snap] = await waitForTransfers(t, ids);
    const keys = await listKeys(direct, b);
    if (snap!.state === 'done') {
      // Acceptable only if what landed is exactly the file as it is now.
      expect(sha(await getObjectBytes(direct, b, 'big.bin'))).toBe(sha(readFileSync(p)));
    } else {
      expect(snap!.state).toBe('failed');
      expectPlain(snap!.error, ['FILE_CHANGED']);
      expect(keys).toEqual([]);
    }
    expect(statSync(p).size).toBe(MiB); // the app never writes to the user's file
    const pending = await pendingUploads(direct, info, b);
    if (pending) expect(pending).toEqual([]);
  });

  it('a folder replaced by a file after queueing fails in plain words', async () => {
    unwrap(await t.app.dispatch('settings:update', { concurrency: 1 }));
    const { profile } = await proxied('slow-replace', { bandwidthBytesPerSec: 512 * 1024 });
    const b = await freshBucket(direct, 'replaced');
    const big = file('rep/big.bin', Buffer.alloc(MiB, 2));
    const dir = join(files, 'rep', 'folder');
    file('rep/folder/inside.txt', 'inside');
    const res = await t.app.dispatch('transfers:enqueue', { items: [{ path: big }, { path: dir }], target: { profileId: profile, bucket: b } });
    const ids = unwrap<{ ids: string[] }>(res).ids;
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'now a file');
    const snaps = await waitForTransfers(t, ids);
    unwrap(await t.app.dispatch('settings:update', { concurrency: 8 }));
    const inside = snaps[1]!;
    expect(inside.state).toBe('failed');
    expectPlain(inside.error, ['FILE_NOT_FOUND', 'NOT_A_FILE', 'FILE_UNREADABLE', 'FILE_CHANGED']);
    expect(await listKeys(direct, b)).toEqual(['big.bin']);
    expect(readFileSync(dir, 'utf8')).toBe('now a file');
  });

  it('a 5 GiB + 1 byte sparse file is planned as multipart (over the single-PUT limit); cancelled after the first part, nothing stays', { timeout: 180_000 }, async () => {
    const { proxy, profile } = await proxied('sparse');
    const b = await freshBucket(direct, 'sparse');
    const p = join(files, 'sparse.bin');
    writeFileSync(p, '');
    const size = 5 * 1024 ** 3 + 1;
    truncateSync(p, size);
    const res = await t.app.dispatch('transfers:enqueue', { items: [{ path: p }], target: { profileId: profile, bucket: b } });
    const [id] = unwrap<{ ids: string[] }>(res).ids;
    await until(() => (proxy.stats().byKind.UploadPart ?? 0) >= 1, 'the first part', 150_000);
    const list = unwrap<TransferList>(await t.app.dispatch('transfers:list', {}));
    const snap = list.transfers.find((s) => s.id === id)!;
    expect(snap.bytesTotal).toBe(size);
    expect(snap.partsTotal).toBeGreaterThanOrEqual(2);
    expect(snap.partsTotal).toBeLessThanOrEqual(10_000);
    // Each part is at most 5 GiB and at least 5 MiB, and the parts cover the file.
    const partSize = Math.ceil(size / snap.partsTotal!);
    expect(partSize).toBeGreaterThanOrEqual(5 * MiB);
    unwrap(await t.app.dispatch('transfers:cancel', { id }));
    const [done] = await waitForTransfers(t, [id!]);
    expect(done!.state).toBe('cancelled');
    expect(proxy.stats().bytesIn).toBeLessThan(size / 4); // it never sent the whole file
    expect(await listKeys(direct, b)).toEqual([]);
    const pending = await pendingUploads(direct, info, b);
    if (pending) expect(pending).toEqual([]);
    rmSync(p);
  });
});

describe('the app’s own files', () => {
  it('a disk that fills up while the journal is written gives DISK_FULL, and the app recovers when space returns', async (ctx) => {
    const root = join(t.root, 'tiny');
    mkdirSync(join(root, 'data'), { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', join(root, 'data')], { stdio: 'ignore' });
    } catch {
      ctx.skip('cannot mount a 1 MiB tmpfs here (needs root and mount rights)');
    }
    cleanups.push(() => {
      execSync(`umount ${JSON.stringify(join(root, 'data'))} || umount -l ${JSON.stringify(join(root, 'data'))}`, { stdio: 'ignore' });
    });
    const small = await startTestApp({ root, secrets: new MemorySecretStore() });
    cleanups.push(() => small.app.dispose());
    const pid = await addProfile(small, info, info.endpoint, 'tiny');
    const b = await freshBucket(direct, 'diskfull');
    // Fill what is left of the disk.
    const filler = join(root, 'data', 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(2 * MiB));
    } catch {
      /* ENOSPC: the disk is now full, as intended */
    }
    const items = Array.from({ length: 300 }, (_, i) => ({ path: file('df/a.txt', 'a'), relativeKey: `${'k'.repeat(200)}-${i}` }));
    const res = await small.app.dispatch('transfers:enqueue', { items, target: { profileId: pid, bucket: b } });
    let err: AppErrorData | undefined = res.ok ? undefined : res.error;
    if (res.ok) {
      const snaps = await waitForTransfers(small, (res.value as { ids: string[] }).ids);
      err = snaps.find((s) => s.error)?.error;
    }
    expectPlain(err, ['DISK_FULL']);
    // Space comes back: the same request now works.
    rmSync(filler, { force: true });
    const again = await small.app.dispatch('transfers:enqueue', { items: items.slice(0, 3), target: { profileId: pid, bucket: b } });
    const snaps = await waitForTransfers(small, unwrap<{ ids: string[] }>(again).ids);
    expect(snaps.map((s) => s.state)).toEqual(['done', 'done', 'done']);
  });

  it('a corrupt journal: the app starts, says so, keeps the damaged file aside, and uploads again', async () => {
    const app = await startTestApp({
      prepare: ({ dataDir }) => {
        mkdirSync(dataDir, { recursive: true });
        writeFileSync(join(dataDir, 'journal.sqlite'), 'this is not a database\n'.repeat(100));
      },
    });
    cleanups.push(() => app.close());
    await new Promise((r) => setTimeout(r, 20));
    const notice = app.events.find((e) => e.name === 'app:notice' && (e.payload as { error?: AppErrorData }).error?.code === 'JOURNAL_CORRUPT');
    expect(notice).toBeDefined();
    expect(readdirSync(app.dataDir).some((f) => f.startsWith('journal.sqlite') && f !== 'journal.sqlite' && !/-(wal|shm)$/.test(f))).toBe(true);
    const pid = await addProfile(app, info, info.endpoint, 'after-corrupt');
    const b = await freshBucket(direct, 'journal');
    const out = await uploadOutcome(app, [{ path: file('j.txt', 'journal ok') }], { profileId: pid, bucket: b });
    expect(out.states).toEqual(['done']);
    expect((await getObjectBytes(direct, b, 'j.txt')).toString()).toBe('journal ok');
  });

  it('a corrupt sync index: the pair starts, says so, rebuilds from a rescan, and nothing is uploaded twice', async () => {
    const secrets = new MemorySecretStore();
    const first = await startTestApp({ secrets });
    const root = first.root;
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const pid = await addProfile(first, info, info.endpoint, 'sync-idx');
    const b = await freshBucket(direct, 'syncidx');
    const folder = join(root, 'synced');
    mkdirSync(folder);
    writeFileSync(join(folder, 'one.txt'), 'one');
    writeFileSync(join(folder, 'two.txt'), 'two');
    const pair = unwrap<SyncPairStatus>(await first.app.dispatch('sync:add', { folder, target: { profileId: pid, bucket: b }, stableMs: 0 }));
    await until(async () => (await listKeys(direct, b)).length === 2, 'the first sync');
    await first.app.dispose();
    const syncDir = join(first.dataDir, 'sync');
    const dbs = readdirSync(syncDir).filter((f) => f.endsWith('.sqlite'));
    expect(dbs.length).toBeGreaterThan(0);
    for (const f of readdirSync(syncDir)) if (/-(wal|shm)$/.test(f)) rmSync(join(syncDir, f));
    for (const f of dbs) writeFileSync(join(syncDir, f), Buffer.alloc(8192, 0xa5));
    const second = await startTestApp({ root, secrets });
    cleanups.push(() => second.app.dispose());
    await until(() => readdirSync(syncDir).some((f) => f.includes('.sqlite.corrupt-')), 'the damaged index to be moved aside').catch(async (e: Error) => {
      throw new Error(`${e.message}; sync folder holds ${readdirSync(syncDir).join(', ')}; pairs: ${JSON.stringify(await second.app.dispatch('sync:list', {}))}`);
    });
    // "Says so": a UI that subscribes as soon as the engine is built must see the notice (settings and the
    // journal defer theirs for exactly this reason).
    await new Promise((r) => setTimeout(r, 50));
    expect
      .soft(
        second.events.some((e) => e.name === 'app:notice' && (e.payload as { error?: AppErrorData }).error?.code === 'SYNC_INDEX_REBUILT'),
        'SYNC_INDEX_REBUILT notice seen by a subscriber attached right after createAppServices',
      )
      .toBe(true);
    writeFileSync(join(folder, 'three.txt'), 'three');
    unwrap(await second.app.dispatch('sync:now', { id: pair.config.id }));
    await until(async () => (await listKeys(direct, b)).length === 3, 'the sync after the rebuild');
    expect((await listKeys(direct, b)).sort()).toEqual(['one.txt', 'three.txt', 'two.txt']);
    const pairs = unwrap<SyncPairStatus[]>(await second.app.dispatch('sync:list', {}));
    expect(pairs.map((p) => p.config.id)).toEqual([pair.config.id]);
  });

  it('corrupt settings JSON: the app starts with defaults, says so, and keeps the bad file', async () => {
    const app = await startTestApp({
      prepare: ({ dataDir }) => {
        mkdirSync(dataDir, { recursive: true });
        writeFileSync(join(dataDir, 'settings.json'), '{"concurrency": 4, "language": ');
      },
    });
    cleanups.push(() => app.close());
    await new Promise((r) => setTimeout(r, 20));
    expect(app.events.some((e) => e.name === 'app:notice' && (e.payload as { error?: AppErrorData }).error?.code === 'SETTINGS_CORRUPT')).toBe(true);
    const settings = unwrap<{ concurrency: number }>(await app.app.dispatch('settings:get', {}));
    expect(settings.concurrency).toBe(8);
    const aside = readdirSync(app.dataDir).find((f) => f.startsWith('settings.json.corrupt-'));
    expect(aside && readFileSync(join(app.dataDir, aside), 'utf8')).toBe('{"concurrency": 4, "language": ');
  });

  it('settings JSON with wrong types is treated the same way, not trusted', async () => {
    const app = await startTestApp({
      prepare: ({ dataDir }) => {
        mkdirSync(dataDir, { recursive: true });
        writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ concurrency: -5, partSizeMiB: 'huge' }));
      },
    });
    cleanups.push(() => app.close());
    const settings = unwrap<{ concurrency: number; partSizeMiB: number }>(await app.app.dispatch('settings:get', {}));
    expect(settings).toMatchObject({ concurrency: 8, partSizeMiB: 8 });
  });
});

describe('credentials and endpoints', () => {
  function withAwsConfig(config: string, credentials?: string) {
    return ({ home }: { home: string }) => {
      mkdirSync(join(home, '.aws'), { recursive: true });
      writeFileSync(join(home, '.aws', 'config'), config);
      if (credentials !== undefined) writeFileSync(join(home, '.aws', 'credentials'), credentials);
    };
  }

  it('~/.aws/config with syntax errors: profiles still list (or a CONFIG_SYNTAX error names the file), never a crash', async () => {
    const app = await startTestApp({
      prepare: withAwsConfig('[profile broken\nregion = \n[[[\n= = =\n\u0000\n[profile fine]\nregion = us-east-1\n', '[fine]\naws_access_key_id = AKIAFINE\naws_secret_access_key = x\n'),
    });
    cleanups.push(() => app.close());
    const res = await app.app.dispatch('profiles:list', {});
    if (res.ok) {
      expect((res.value as { id: string }[]).map((p) => p.id)).toContain('aws:fine');
    } else {
      expectPlain(res.error, ['CONFIG_SYNTAX']);
      expect(res.error.message).toContain('config');
    }
    // The app keeps working.
    expect((await app.app.dispatch('settings:get', {})).ok).toBe(true);
  });

  it('credential_process that prints garbage gives CREDENTIAL_PROCESS_FAILED', async () => {
    const app = await startTestApp({
      env: { PATH: process.env.PATH },
      prepare: withAwsConfig(`[profile garbage]\nregion = us-east-1\nendpoint_url = ${info.endpoint}\ncredential_process = echo this-is-not-json\n`),
    });
    cleanups.push(() => app.close());
    const res = await app.app.dispatch('profiles:test', { id: 'aws:garbage' });
    const err = res.ok ? (res.value as { ok: boolean }).ok ? undefined : ({ code: 'UNKNOWN', message: 'test said not ok without an error' } as AppErrorData) : res.error;
    expectPlain(err, ['CREDENTIAL_PROCESS_FAILED']);
    expect(err!.message).not.toContain('this-is-not-json');
  });

  it('credential_process that hangs is stopped by a timeout (CREDENTIAL_PROCESS_TIMEOUT)', async () => {
    const marker = `s3drop-hang-${process.pid}-${Date.now()}`;
    const app = await startTestApp({
      env: { PATH: process.env.PATH },
      prepare: withAwsConfig(`[profile hang]\nregion = us-east-1\nendpoint_url = ${info.endpoint}\ncredential_process = sh -c 'exec sleep 600' ${marker}\n`),
    });
    cleanups.push(() => app.close());
    // The production default is 60 s; the same service with a short limit keeps the test lean.
    const profiles = new ProfileService(app.app.core, new MemorySecretStore(), { processTimeoutMs: 1_000, watch: false });
    cleanups.push(() => profiles.dispose());
    const err = (await profiles.test('aws:hang').then(
      () => undefined,
      (e: unknown) => (e as { toData?: () => AppErrorData }).toData?.(),
    )) as AppErrorData | undefined;
    expectPlain(err, ['CREDENTIAL_PROCESS_TIMEOUT']);
  });

  it('an endpoint that answers HTML (a captive portal) gives a plain error, not a parser crash', async () => {
    const { profile } = await proxied('html', { faultRate: 1, faults: { html: 1 } });
    const test = await t.app.dispatch('profiles:test', { id: profile });
    const testErr = test.ok ? undefined : test.error;
    if (test.ok) expect.soft((test.value as { ok: boolean }).ok, `"Test connection" on an HTML page answered ${JSON.stringify(test.value)}`).toBe(false);
    else expectPlain(testErr, ['ENDPOINT_NOT_S3', 'ENDPOINT_UNREACHABLE', 'SERVER_ERROR', 'NETWORK', 'NOT_SUPPORTED']);
    const list = await t.app.dispatch('objects:list', { profileId: profile, bucket, prefix: '' });
    expect.soft(list.ok, `objects:list on an HTML page answered ${JSON.stringify(list)}`).toBe(false);
    if (!list.ok) expectPlain(list.error, ['ENDPOINT_NOT_S3', 'ENDPOINT_UNREACHABLE', 'SERVER_ERROR', 'NETWORK']);
    const out = await uploadOutcome(t, [{ path: file('h.txt') }], { profileId: profile, bucket });
    // An upload "done" against a web page would be a file reported safe that is nowhere.
    expect(out.states, `upload through an HTML page ended ${JSON.stringify(out)}`).not.toContain('done');
    expect(out.error, `upload through an HTML page ended ${JSON.stringify(out)}`).toBeDefined();
    expectPlain(out.error, ['ENDPOINT_NOT_S3', 'ENDPOINT_UNREACHABLE', 'SERVER_ERROR', 'NETWORK', 'CHECKSUM_MISMATCH']);
  });

  // Flaky once under the full RGW suite's load (the upload ended SERVER_ERROR rather than waiting or
  // CREDENTIALS_EXPIRED; 3 runs alone passed). One retry keeps CI honest on a real regression while it is
  // investigated; see docs/reliability.md.
  it('credentials that expire mid-upload: the upload waits for sign-in, keeps every part, and finishes without sending one again', async () => {
    // Deterministic: every part is accepted, then the session "expires" for whatever comes next (the completion, or
    // a HEAD/GET). Switching the fault on from the test once a part has started raced the upload on a loaded machine.
    const expired = (r: { kind: string }) => r.kind === 'CompleteMultipartUpload' || r.kind === 'HeadObject' || r.kind === 'GetObject';
    const { proxy, profile } = await proxied('expiring', { faultRate: 1, faults: { 'expired-token': 1 }, eligible: expired });
    const b = await freshBucket(direct, 'expired');
    const content = Buffer.alloc(24 * MiB);
    for (let i = 0; i < content.length; i += 4096) content[i] = i % 251;
    const p = file('exp/big.bin', content);
    // Replace, so no name check (a HEAD, which this session refuses) comes before the parts: the session expires mid-upload.
    const res = await t.app.dispatch('transfers:enqueue', { items: [{ path: p }], target: { profileId: profile, bucket: b }, options: { existing: 'overwrite' } });
    const [id] = unwrap<{ ids: string[] }>(res).ids;
    const [stuck] = await waitForTransfers(t, [id!]);
    expect(stuck!.state).toBe('waiting-auth');
    expectPlain(stuck!.error, ['CREDENTIALS_EXPIRED']);
    expect(stuck!.partsDone).toBe(stuck!.partsTotal);
    expect(await listKeys(direct, b)).toEqual([]);
    const partsSent = proxy.stats().byKind.UploadPart ?? 0;
    expect(partsSent).toBe(stuck!.partsTotal);
    // "Signing in again": the server accepts requests again.
    proxy.configure({ faultRate: 0 });
    unwrap(await t.app.dispatch('transfers:resume', { id }));
    const [done] = await waitForTransfers(t, [id!], 60_000, (s) => s.state === 'done' || s.state === 'failed');
    expect(done!.state).toBe('done');
    expect(proxy.stats().byKind.UploadPart ?? 0).toBe(partsSent);
    expect(sha(await getObjectBytes(direct, b, 'big.bin'))).toBe(sha(content));
  });

  it('a bucket in another region: the app names the region instead of failing vaguely', async () => {
    const { profile } = await proxied('wrong-region', { faultRate: 1, faults: { 'wrong-region': 1 } });
    const out = await uploadOutcome(t, [{ path: file('r.txt') }], { profileId: profile, bucket });
    expectPlain(out.error, ['WRONG_REGION']);
    expect(out.error!.message).toContain(CHAOS_OTHER_REGION);
    const list = await t.app.dispatch('objects:list', { profileId: profile, bucket, prefix: '' });
    expect(!list.ok && list.error.code).toBe('WRONG_REGION');
    expect(await listKeys(direct, bucket)).toEqual([]);
  });
});

it('the app is still healthy after the whole corpus', async () => {
  expect((await t.app.dispatch('settings:get', {})).ok).toBe(true);
  expect(existsSync(t.dataDir)).toBe(true);
  const out = await uploadOutcome(t, [{ path: file('final.txt', 'still here') }], { profileId, bucket });
  expect(out.states).toEqual(['done']);
});
