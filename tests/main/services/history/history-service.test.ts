/**
 * History (history/history-service.ts): entries survive a restart of the service, the file stays bounded, the
 * query's filters each narrow the page, and the places that do the work record it: the transfer queue's finished
 * uploads, the file manager's deletes, and a sync pass's uploads, skips, trash moves and conflicts (real S3 server).
 */
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandInput, HistoryEntry } from '../../../../src/shared/contract';
import { commands } from '../../../../src/shared/contract';
import { EventBus } from '../../../../src/main/services/events';
import { HistoryService, type HistoryRecord } from '../../../../src/main/services/history/history-service';
import { FileOpsService } from '../../../../src/main/services/s3/file-ops';
import { freshBucket, rawClient, s3Info } from '../../../support/s3-test-client';
import { makeHarness, memoryLogger, pairInput, tempFolder, until, type Harness } from '../sync/harness';
import { testClients, testCore } from '../transfers/harness';

const dirs: string[] = [];
const opened: HistoryService[] = [];
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const s of opened.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(dataDir: string, maxEntries?: number, events = new EventBus()): HistoryService {
  const s = new HistoryService({ dataDir, events, logger: memoryLogger(), ...(maxEntries ? { maxEntries } : {}) });
  opened.push(s);
  return s;
}
function tempData(): string {
  const d = mkdtempSync(join(tmpdir(), 's3drop-history-'));
  dirs.push(d);
  return d;
}
/** The query as the contract's schema parses it (defaults filled), as the dispatcher hands it over. */
const q = (input: CommandInput<'history:list'> = {}) => commands['history:list'].input.parse(input);
const entry = (over: Partial<HistoryRecord> = {}): HistoryRecord => ({
  at: Date.now(),
  kind: 'upload',
  outcome: 'done',
  profileId: 'p',
  bucket: 'b',
  key: 'photos/a.jpg',
  size: 10,
  ...over,
});
const keys = (entries: HistoryEntry[]) => entries.map((e) => e.key);

describe('history service', () => {
  it('keeps what it recorded across a restart of the service, newest first', () => {
    const dataDir = tempData();
    const first = open(dataDir);
    first.record([entry({ key: 'one.txt', size: 1 }), entry({ key: 'two.txt', kind: 'delete', size: 2 })]);
    first.close();
    const again = open(dataDir);
    const page = again.list(q());
    expect(keys(page.entries)).toEqual(['two.txt', 'one.txt']);
    expect(page.entries[0]).toMatchObject({ kind: 'delete', outcome: 'done', size: 2, bucket: 'b', profileId: 'p' });
    expect(page.more).toBe(false);
  });

  it('keeps only the newest entries when it grows past its bound', () => {
    const s = open(tempData(), 5);
    for (let i = 0; i < 12; i++) s.record([entry({ key: `f${i}.txt` })]);
    const page = s.list(q({ limit: 100 }));
    expect(keys(page.entries)).toEqual(['f11.txt', 'f10.txt', 'f9.txt', 'f8.txt', 'f7.txt']);
  });

  it('filters by name, kind, outcome and pair, and pages with before', () => {
    const s = open(tempData());
    s.record([
      entry({ key: 'in/Vendas_100%.csv', kind: 'upload' }),
      entry({ key: 'in/other.csv', kind: 'upload', outcome: 'failed', error: { code: 'NETWORK', message: 'x', retryable: true } as never }),
      entry({ key: 'old/vendas.csv', kind: 'delete' }),
      entry({ key: 'sync/a.txt', kind: 'trash', pairId: 'pair-1' }),
      entry({ key: 'sync/b.txt', kind: 'skip', outcome: 'skipped', pairId: 'pair-1' }),
    ]);
    expect(keys(s.list(q({ query: 'VENDAS' })).entries)).toEqual(['old/vendas.csv', 'in/Vendas_100%.csv']);
    // % is a character to match, not a wildcard.
    expect(keys(s.list(q({ query: '100%' })).entries)).toEqual(['in/Vendas_100%.csv']);
    expect(keys(s.list(q({ query: '_1' })).entries)).toEqual(['in/Vendas_100%.csv']);
    expect(keys(s.list(q({ kinds: ['delete', 'trash'] })).entries)).toEqual(['sync/a.txt', 'old/vendas.csv']);
    expect(keys(s.list(q({ outcomes: ['failed'] })).entries)).toEqual(['in/other.csv']);
    expect(s.list(q({ outcomes: ['failed'] })).entries[0]!.error?.code).toBe('NETWORK');
    expect(keys(s.list(q({ pairId: 'pair-1' })).entries)).toEqual(['sync/b.txt', 'sync/a.txt']);
    expect(s.list(q({ kinds: [] })).entries).toEqual([]);
    const first = s.list(q({ limit: 2 }));
    expect(first.more).toBe(true);
    const second = s.list(q({ limit: 2, before: first.entries[1]!.id }));
    expect(keys(second.entries)).toEqual(['old/vendas.csv', 'in/other.csv']);
    expect(second.more).toBe(true);
  });

  it('records a finished transfer from the queue snapshots once, and announces it', () => {
    const events = new EventBus();
    const s = open(tempData(), undefined, events);
    const announced: HistoryEntry[] = [];
    events.on('history:added', (e) => announced.push(...e));
    const snap = {
      id: 't1',
      name: 'a.txt',
      bucket: 'b',
      key: 'docs/a.txt',
      profileId: 'p',
      direction: 'download' as const,
      state: 'running' as const,
      bytesDone: 0,
      bytesTotal: 42,
      speed: 0,
      etaSeconds: null,
      priority: 0,
      createdAt: 1,
      origin: 'sync:pair-9',
    };
    const overall = { bytesDone: 0, bytesTotal: 0, speed: 0, etaSeconds: null, queued: 0, running: 0, paused: 0, failed: 0, done: 0, cancelled: 0, allPaused: false };
    events.emit('transfers:progress', { changed: [snap], removed: [], overall });
    expect(s.list(q()).entries).toEqual([]);
    const done = { ...snap, state: 'done' as const, bytesDone: 42, finishedAt: 1000 };
    events.emit('transfers:progress', { changed: [done], removed: [], overall });
    events.emit('transfers:progress', { changed: [done], removed: [], overall });
    const page = s.list(q());
    expect(page.entries).toHaveLength(1);
    expect(page.entries[0]).toMatchObject({ kind: 'download', outcome: 'done', size: 42, pairId: 'pair-9', at: 1000, key: 'docs/a.txt' });
    expect(announced.map((e) => e.id)).toEqual([page.entries[0]!.id]);
  });

  it('records the queue restored at start: only the finished transfers it does not hold yet, each once, announced', () => {
    const events = new EventBus();
    const s = open(tempData(), undefined, events);
    const announced: HistoryEntry[] = [];
    events.on('history:added', (e) => announced.push(...e));
    const snap = (id: string, state: 'done' | 'failed' | 'running', finishedAt?: number) => ({
      id,
      name: `${id}.txt`,
      bucket: 'b',
      key: `docs/${id}.txt`,
      profileId: 'p',
      direction: 'upload' as const,
      state,
      bytesDone: 5,
      bytesTotal: 5,
      speed: 0,
      etaSeconds: null,
      priority: 0,
      createdAt: 1,
      ...(finishedAt !== undefined ? { finishedAt } : {}),
    });
    s.recordRestored([snap('a', 'done', 10), snap('b', 'running')]);
    expect(keys(s.list(q()).entries)).toEqual(['docs/a.txt']);
    // The next start: a is known already, c and d are new (one failed), b still runs.
    s.recordRestored([snap('a', 'done', 10), snap('b', 'running'), snap('c', 'done', 20), snap('d', 'failed', 30)]);
    const page = s.list(q());
    expect(keys(page.entries)).toEqual(['docs/d.txt', 'docs/c.txt', 'docs/a.txt']);
    expect(page.entries[0]).toMatchObject({ outcome: 'failed', at: 30 });
    expect(announced.map((e) => e.key)).toEqual(['docs/a.txt', 'docs/c.txt', 'docs/d.txt']);
    // A transfer retried after it failed ends again later: a new entry, as through the queue's snapshots.
    s.recordRestored([snap('d', 'done', 40)]);
    expect(s.list(q()).entries).toHaveLength(4);
  });

  it('records deletes made through the file manager, each key with its size', async () => {
    const info = s3Info();
    const core = testCore();
    dirs.push(core.platform.dataDir);
    const s = open(core.platform.dataDir, undefined, core.events);
    const raw = rawClient(info);
    const bucket = await freshBucket(raw, 'history');
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'docs/x.txt', Body: 'twelve bytes' }));
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'docs/y.txt', Body: 'abc' }));
    const ops = new FileOpsService(testClients(core, info), {}, s);
    await ops.delete('test', bucket, ['docs/']);
    const page = s.list(q({ kinds: ['delete'] }));
    expect(page.entries.map((e) => [e.key, e.size, e.outcome, e.bucket]).sort()).toEqual([
      ['docs/x.txt', 12, 'done', bucket],
      ['docs/y.txt', 3, 'done', bucket],
    ]);
  });

  it('records renames and moves made through the file manager, each key with where it was before', async () => {
    const info = s3Info();
    const core = testCore();
    dirs.push(core.platform.dataDir);
    const s = open(core.platform.dataDir, undefined, core.events);
    const raw = rawClient(info);
    const bucket = await freshBucket(raw, 'history-move');
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'beta.txt', Body: 'twelve bytes' }));
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'old/a.txt', Body: 'abc' }));
    const ops = new FileOpsService(testClients(core, info), {}, s);
    await ops.move('test', bucket, 'beta.txt', 'new name.txt');
    await ops.move('test', bucket, 'old/', 'new/');
    const page = s.list(q({ kinds: ['move'] }));
    expect(page.entries.map((e) => [e.key, e.from, e.size, e.outcome, e.bucket]).sort()).toEqual([
      ['new name.txt', `${bucket}/beta.txt`, 12, 'done', bucket],
      ['new/a.txt', `${bucket}/old/a.txt`, 3, 'done', bucket],
    ]);
    // Kept across a restart of the service.
    s.close();
    expect(open(core.platform.dataDir).list(q({ kinds: ['move'] })).entries.map((e) => e.from).sort()).toEqual([`${bucket}/beta.txt`, `${bucket}/old/a.txt`]);
  });

  it('opens its file at the first read or write: a run that records nothing (a no-change CLI pass) leaves none', () => {
    const dir = tempData();
    const idle = open(dir);
    idle.close();
    expect(existsSync(join(dir, 'history.sqlite'))).toBe(false);
    const used = open(dir);
    used.record([entry({ kind: 'move', key: 'b.txt', from: 'b/a.txt' })]);
    used.close();
    expect(existsSync(join(dir, 'history.sqlite'))).toBe(true);
  });

  it('opens a history file from before moves were recorded, and records them in it', () => {
    const dir = tempData();
    const file = join(dir, 'history.sqlite');
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE entries (
      id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL, outcome TEXT NOT NULL,
      profile_id TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0,
      pair_id TEXT, local_path TEXT, error TEXT, ref TEXT);
      INSERT INTO entries (at, kind, outcome, profile_id, bucket, key, size) VALUES (1, 'upload', 'done', 'p', 'b', 'old.txt', 3);`);
    old.close();
    const s = open(dir);
    s.record([entry({ kind: 'move', key: 'b.txt', from: 'b/a.txt' })]);
    expect(s.list(q()).entries.map((e) => [e.kind, e.key, e.from])).toEqual([
      ['move', 'b.txt', 'b/a.txt'],
      ['upload', 'old.txt', undefined],
    ]);
  });

  it("records a sync pass: the pair's uploads, files found already there, trash moves", async () => {
    h = await makeHarness(s3Info());
    const history = open(h.dataDir, undefined, h.core.events);
    h.core.history = history;
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.txt'), 'one');
    writeFileSync(join(dir, 'b.txt'), 'two');
    writeFileSync(join(dir, 'same.txt'), 'already there');
    await h.client.send(new PutObjectCommand({ Bucket: h.bucket, Key: 'backup/same.txt', Body: 'already there' }));
    const { config } = await h.sync.add(pairInput(dir, h.bucket, 'backup', { mode: 'mirror', brakeShare: 1, stableMs: 600_000 }));
    await until(() => h!.sync.list()[0]!.state === 'up-to-date' && history.list(q({ pairId: config.id })).entries.length >= 3, 'first pass recorded');
    const first = history.list(q({ pairId: config.id })).entries;
    expect(first.map((e) => [e.kind, e.outcome, e.key]).sort()).toEqual([
      ['skip', 'skipped', 'backup/same.txt'],
      ['upload', 'done', 'backup/a.txt'],
      ['upload', 'done', 'backup/b.txt'],
    ]);
    expect(first.find((e) => e.key === 'backup/a.txt')!.size).toBe(3);

    unlinkSync(join(dir, 'b.txt'));
    await h.sync.syncNow(config.id);
    const trash = history.list(q({ pairId: config.id, kinds: ['trash'] })).entries;
    expect(trash.map((e) => [e.key, e.size])).toEqual([['backup/b.txt', 3]]);
    // A second pass over unchanged files adds no skip entries: only news is kept.
    expect(history.list(q({ pairId: config.id, kinds: ['skip'] })).entries).toHaveLength(1);
  });
});
