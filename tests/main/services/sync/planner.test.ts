import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIgnoreMatcher } from '../../../../src/main/services/sync/ignore';
import type { IndexedFile, SyncedState } from '../../../../src/main/services/sync/index-db';
import { conflictKey, planSync, TRASH_PREFIX, type PlanOptions, type RemoteEntry, type SyncMode } from '../../../../src/main/services/sync/planner';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const file = (key: string, content: string): IndexedFile => ({ key, rel: key, size: Buffer.byteLength(content), mtimeMs: 1, sha256: sha(content), md5: md5(content) });
const obj = (key: string, content: string): RemoteEntry => ({ key, size: Buffer.byteLength(content), etag: md5(content) });
const opts = (mode: SyncMode, extra: Partial<PlanOptions> = {}): PlanOptions => ({ mode, now: new Date(2026, 10, 25, 9, 5), brakeShare: 1, brakeCount: 1e9, ...extra });

describe('planner', () => {
  it('skips a file whose content matches an object uploaded by another tool, by MD5 ETag or by the stored hash of a multipart object', () => {
    const big = file('big.bin', 'x'.repeat(50));
    const plan = planSync(
      [file('a.txt', 'hello'), big, file('c.txt', 'new')],
      new Map([
        ['a.txt', obj('a.txt', 'hello')],
        ['big.bin', { key: 'big.bin', size: big.size, etag: 'ffffffffffffffffffffffffffffffff-3', sha256: big.sha256 }],
        ['c.txt', obj('c.txt', 'old!')],
      ]),
      new Map(),
      opts('upload-only'),
    );
    expect(plan.skips.map((s) => s.key).sort()).toEqual(['a.txt', 'big.bin']);
    expect(plan.uploads.map((u) => [u.key, u.reason])).toEqual([['c.txt', 'changed']]);
  });

  it('never decides by mtime: a touched file with the same content is skipped, a same-size edit is uploaded', () => {
    const touched = { ...file('a.txt', 'aaaa'), mtimeMs: 999 };
    const edited = file('b.txt', 'bbbb');
    const synced = new Map<string, SyncedState>([
      ['a.txt', { key: 'a.txt', etag: md5('aaaa'), size: 4, sha256: sha('aaaa') }],
      ['b.txt', { key: 'b.txt', etag: md5('BBBB'), size: 4, sha256: sha('BBBB') }],
    ]);
    const plan = planSync([touched, edited], new Map([['a.txt', obj('a.txt', 'aaaa')], ['b.txt', obj('b.txt', 'BBBB')]]), synced, opts('upload-only'));
    expect(plan.skips.map((s) => s.key)).toEqual(['a.txt']);
    expect(plan.uploads.map((s) => s.key)).toEqual(['b.txt']);
  });

  it('makes a conflict copy when both sides changed since the last sync', () => {
    const synced = new Map<string, SyncedState>([['dir/report.final.docx', { key: 'dir/report.final.docx', etag: md5('v1'), size: 2, sha256: sha('v1') }]]);
    const plan = planSync([file('dir/report.final.docx', 'v2-local')], new Map([['dir/report.final.docx', obj('dir/report.final.docx', 'v2-remote')]]), synced, opts('upload-only'));
    expect(plan.uploads).toEqual([]);
    expect(plan.conflicts.map((c) => c.copyKey)).toEqual(['dir/report.final (conflict 2026-11-25 0905).docx']);
    expect(conflictKey('Makefile', new Date(2026, 0, 2, 3, 4))).toBe('Makefile (conflict 2026-01-02 0304)');
  });

  it('trips the brake in mirror mode at 60% deleted, and lets confirmed deletes through', () => {
    const remote = new Map(['a', 'b', 'c', 'd', 'e'].map((k) => [k, obj(k, k)] as const));
    const local = [file('a', 'a'), file('b', 'b')];
    const tripped = planSync(local, remote, new Map(), opts('mirror', { brakeShare: 0.2 }));
    expect(tripped.deletes).toHaveLength(3);
    expect(tripped.brake).toEqual({ count: 3, share: 0.6 });
    expect(planSync(local, remote, new Map(), opts('mirror', { brakeShare: 0.2, confirmedDeletes: 3 })).brake).toBeUndefined();
    expect(planSync(local, remote, new Map(), opts('mirror', { brakeShare: 0.9, brakeCount: 2 })).brake?.count).toBe(3);
    expect(planSync(local, remote, new Map(), opts('upload-only', { brakeShare: 0 })).deletes).toEqual([]);
  });

  it('leaves the trash, ignored keys and folder markers alone in mirror mode', () => {
    const ig = createIgnoreMatcher([]);
    const remote = new Map([`${TRASH_PREFIX}2026-11-01/x`, 'notes.tmp', 'folder/', 'gone.txt'].map((k) => [k, obj(k, k)] as const));
    const plan = planSync([], remote, new Map(), opts('mirror', { isIgnored: (k) => ig(k) }));
    expect(plan.deletes.map((d) => d.key)).toEqual(['gone.txt']);
  });

  // Model of the bucket: key → content. Executing a plan the way SyncService does, then planning again,
  // must find nothing left to do, and the bucket must equal the folder minus ignored files.
  const names = fc.constantFrom('a.txt', 'b.txt', 'dir/c.txt', 'dir/sub/d.bin', 'e.tmp', '.DS_Store', 'f', 'g.swp', 'h.md');
  const content = fc.constantFrom('', 'one', 'two', 'three', 'four!');
  const tree = fc.dictionary(names, content, { maxKeys: 9 });

  function execute(local: Map<string, string>, bucket: Map<string, string>, synced: Map<string, SyncedState>, mode: SyncMode, now: Date) {
    const ig = createIgnoreMatcher([]);
    const files = [...local].filter(([k]) => !ig(k)).map(([k, v]) => file(k, v));
    const remote = new Map([...bucket].map(([k, v]) => [k, obj(k, v)] as const));
    const plan = planSync(files, remote, synced, opts(mode, { now, isIgnored: (k) => ig(k) || k.includes(' (conflict ') }));
    for (const s of plan.skips) if (s.reason === 'same-content') synced.set(s.key, { key: s.key, etag: s.remote.etag, size: s.remote.size, sha256: s.local.sha256 });
    for (const u of plan.uploads) {
      bucket.set(u.key, local.get(u.key)!);
      synced.set(u.key, { key: u.key, etag: u.local.md5, size: u.local.size, sha256: u.local.sha256 });
    }
    for (const c of plan.conflicts) {
      bucket.set(c.copyKey, local.get(c.key)!);
      synced.set(c.key, { key: c.key, etag: c.remote.etag, size: c.remote.size, sha256: c.local.sha256 });
    }
    for (const d of plan.deletes) {
      bucket.set(`${TRASH_PREFIX}day/${d.key}`, bucket.get(d.key)!);
      bucket.delete(d.key);
      synced.delete(d.key);
    }
    return plan;
  }

  for (const mode of ['upload-only', 'mirror'] as const) {
    it(`converges to "bucket = folder minus ignored" (${mode}), and upload-only never deletes`, () => {
      fc.assert(
        fc.property(tree, tree, tree, tree, (local0, remote0, localEdit, remoteEdit) => {
          const ig = createIgnoreMatcher([]);
          const local = new Map<string, string>(Object.entries(local0));
          const bucket = new Map<string, string>(Object.entries(remote0));
          const synced = new Map<string, SyncedState>();
          const now = new Date(2026, 10, 25, 10, 0);
          const first = execute(local, bucket, synced, mode, now);
          if (mode === 'upload-only') expect(first.deletes).toEqual([]);
          // Random edits on both sides: local adds/changes/deletes, another tool rewrites remote objects.
          for (const [k, v] of Object.entries(localEdit)) {
            if (v === '') local.delete(k);
            else local.set(k, v);
          }
          for (const [k, v] of Object.entries(remoteEdit)) if (bucket.has(k) && v !== '') bucket.set(k, `${v}-remote`);
          const before = new Map(bucket);
          const second = execute(local, bucket, synced, mode, new Date(2026, 10, 25, 11, 0));
          if (mode === 'upload-only') {
            expect(second.deletes).toEqual([]);
            for (const k of before.keys()) expect(bucket.has(k)).toBe(true);
          }
          const again = execute(local, bucket, synced, mode, new Date(2026, 10, 25, 12, 0));
          expect(again.uploads.length + again.conflicts.length + again.deletes.length).toBe(0);
          for (const [k, v] of local) {
            if (ig(k)) continue;
            const conflictCopies = [...bucket].filter(([bk, bv]) => bk.includes(' (conflict ') && bv === v);
            expect(bucket.get(k) === v || conflictCopies.length > 0).toBe(true);
          }
          if (mode === 'mirror') {
            for (const k of bucket.keys()) {
              if (k.startsWith(TRASH_PREFIX) || k.includes(' (conflict ') || ig(k)) continue;
              expect(local.has(k)).toBe(true);
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
