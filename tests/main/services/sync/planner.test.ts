import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createIgnoreMatcher } from '../../../../src/main/services/sync/ignore';
import type { IndexedFile, SyncedState } from '../../../../src/main/services/sync/index-db';
import { destinationKey, keyFiles, layoutOf, transformsBody, type PairLayout } from '../../../../src/main/services/sync/pair-layout';
import { conflictKey, needsHead, planSync, sameContent, TRASH_PREFIX, type PlanOptions, type RemoteEntry, type SyncMode } from '../../../../src/main/services/sync/planner';

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

  it('leaves an object changed only in the bucket as it is, in both modes: the unchanged file is not sent over it', () => {
    const synced = new Map<string, SyncedState>([['notes.txt', { key: 'notes.txt', etag: md5('v1'), size: 2, sha256: sha('v1') }]]);
    const remote = new Map([['notes.txt', obj('notes.txt', 'v2 from a colleague')]]);
    for (const mode of ['upload-only', 'mirror'] as const) {
      const plan = planSync([file('notes.txt', 'v1')], remote, synced, opts(mode));
      expect(plan.uploads).toEqual([]);
      expect(plan.conflicts).toEqual([]);
      expect(plan.skips.map((s) => [s.key, s.reason])).toEqual([['notes.txt', 'remote-changed']]);
    }
    // Never synced before (no state): an object that differs is still replaced, as a first sync does.
    expect(planSync([file('notes.txt', 'v1')], remote, new Map(), opts('upload-only')).uploads.map((u) => u.reason)).toEqual(['changed']);
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

  it('leaves out a file whose key falls in the trash, as a problem, in every mode and with a template', () => {
    const local = [file(`${TRASH_PREFIX}x.txt`, 'x'), file('a.txt', 'a')];
    for (const mode of ['upload-only', 'mirror'] as const) {
      const plan = planSync(local, new Map(), new Map(), opts(mode));
      expect(plan.uploads.map((u) => u.key)).toEqual(['a.txt']);
      expect(plan.problems).toEqual([{ kind: 'problem', key: `${TRASH_PREFIX}x.txt`, reason: "name is reserved for S3 Drop's trash (.s3drop-trash/)", why: 'reserved-name' }]);
    }
    // A template that puts a file there is refused the same way, by the key it renders.
    const templated = planSync([file('t/x.csv', 'x')], new Map(), new Map(), opts('upload-only', { layout: { template: '.s3drop-trash/{name}' } }));
    expect(templated.uploads).toEqual([]);
    expect(templated.problems.map((p) => [p.key, p.why])).toEqual([['t/x.csv', 'reserved-name']]);
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
          // An object another tool rewrote while its file here stayed as synced is kept as theirs, in both modes.
          const kept = new Set(again.skips.filter((s) => s.reason === 'remote-changed').map((s) => s.key));
          for (const [k, v] of local) {
            if (ig(k)) continue;
            const conflictCopies = [...bucket].filter(([bk, bv]) => bk.includes(' (conflict ') && bv === v);
            if (kept.has(k)) {
              expect(bucket.get(k)).toBe(before.get(k));
              expect(synced.get(k)?.sha256).toBe(sha(v));
            } else expect(bucket.get(k) === v || conflictCopies.length > 0).toBe(true);
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

describe('planner with a key template', () => {
  const day = (d: number, h = 12) => Date.UTC(2026, 2, d, h, 30);
  const at = (key: string, content: string, mtimeMs: number): IndexedFile => ({ ...file(key, content), mtimeMs });
  const hive: PairLayout = { template: '{table}/dt={yyyy}-{mm}-{dd}/{name}', table: 'Vendas' };

  it('keys each file through the template, dates from its mtime in UTC, {table} from the pair or else the file name, .gz when compressing', () => {
    const local = [at('in/a.csv', 'a', day(5, 23)), at('b.csv', 'b', day(6, 0))];
    expect(planSync(local, new Map(), new Map(), opts('upload-only', { layout: hive })).uploads.map((u) => [u.key, u.local.key])).toEqual([
      ['vendas/dt=2026-03-05/a.csv', 'in/a.csv'],
      ['vendas/dt=2026-03-06/b.csv', 'b.csv'],
    ]);
    const byName = planSync(local, new Map(), new Map(), opts('upload-only', { layout: { template: '{table}/{folder}/{name}', gzip: true } }));
    expect(byName.uploads.map((u) => u.key)).toEqual(['a/in/a.csv.gz', 'b/b.csv.gz']);
    expect(destinationKey(local[0]!, {})).toBe('in/a.csv');
  });

  it('converges: a second pass over unchanged files (the synced state or the bucket alone) uploads nothing', () => {
    const local = [at('a.csv', 'a', day(5)), at('dir/b.csv', 'bb', day(7))];
    const first = planSync(local, new Map(), new Map(), opts('mirror', { layout: hive }));
    const bucket = new Map(first.uploads.map((u) => [u.key, obj(u.key, u.local.key === 'a.csv' ? 'a' : 'bb')] as const));
    const synced = new Map(first.uploads.map((u) => [u.key, { key: u.key, etag: u.local.md5, size: u.local.size, sha256: u.local.sha256 }] as const));
    const again = planSync(local, bucket, synced, opts('mirror', { layout: hive }));
    expect(again.skips.map((s) => s.reason)).toEqual(['synced', 'synced']);
    expect(again.uploads.length + again.deletes.length + again.conflicts.length).toBe(0);
    // A fresh index (another computer, a rebuilt index): the listing's ETags alone settle it.
    expect(planSync(local, bucket, new Map(), opts('mirror', { layout: hive })).skips.map((s) => s.reason)).toEqual(['same-content', 'same-content']);
  });

  it('with gzip or UTF-8, judges content by the stored source hash, never by the copy\'s own hash, size or ETag', () => {
    const f = at('a.csv', 'plain text', day(5));
    const layout: PairLayout = { ...hive, gzip: true };
    const key = destinationKey(f, layout);
    const copy: RemoteEntry = { key, size: 31, etag: md5('gzipped'), sha256: sha('gzipped') };
    expect(needsHead(f, { ...copy, sha256: undefined }, undefined, true)).toBe(true);
    expect(planSync([f], new Map([[key, copy]]), new Map(), opts('upload-only', { layout })).uploads.map((u) => u.reason)).toEqual(['changed']);
    const ours = { ...copy, sourceSha256: f.sha256 };
    expect(planSync([f], new Map([[key, ours]]), new Map(), opts('upload-only', { layout })).skips.map((s) => s.reason)).toEqual(['same-content']);
    // Recorded after the upload with the copy's ETag and size and the file's hash: skipped from the listing alone.
    const synced = new Map([[key, { key, etag: copy.etag, size: copy.size, sha256: f.sha256 }]]);
    expect(needsHead(f, { ...copy, sha256: undefined }, synced.get(key), true)).toBe(false);
    expect(planSync([f], new Map([[key, { ...copy, sha256: undefined }]]), synced, opts('upload-only', { layout })).skips.map((s) => s.reason)).toEqual(['synced']);
    // The same object judged as plain bytes (no gzip) is not the file.
    expect(sameContent(f, ours)).toBe(false);
  });

  it('reports two files that map to one key (and a file the template cannot name), syncs neither, and mirror keeps the object there', () => {
    const local = [at('a/x.csv', 'from a', day(5)), at('b/x.csv', 'from b', day(5)), at('c/y.csv', 'y', day(5)), at('README', 'r', day(5))];
    const remote = new Map([['x/x.csv', obj('x/x.csv', 'older')]]);
    const plan = planSync(local, remote, new Map(), opts('mirror', { layout: { template: '{table}/{name}' } }));
    expect(plan.uploads.map((u) => u.key)).toEqual(['y/y.csv', 'readme/README']);
    expect(plan.deletes).toEqual([]);
    expect(plan.problems.map((p) => p.key)).toEqual(['a/x.csv', 'b/x.csv']);
    expect(plan.problems[0]!.reason).toBe('"a/x.csv" and "b/x.csv" would both be saved as "x/x.csv" by the name pattern, so none of them is synced');
    // The UI words it from the kind and the shared key, in its own language.
    expect(plan.problems.map((p) => [p.why, p.other])).toEqual([
      ['pattern-collision', 'x/x.csv'],
      ['pattern-collision', 'x/x.csv'],
    ]);
    const unnamed = planSync([at('README', 'r', day(5))], new Map(), new Map(), opts('upload-only', { layout: { template: '{ext}/{name}' } }));
    expect(unnamed.uploads).toEqual([]);
    expect(unnamed.problems).toEqual([{ kind: 'problem', key: 'README', reason: 'the name pattern cannot name this file: the part "{ext}" comes out empty for README', why: 'pattern-unnamed' }]);
  });

  it('a file edited on another day lands in that day\'s partition: mirror deletes the old key, upload-only keeps it', () => {
    const before = at('a.csv', 'v1', day(5));
    const after = at('a.csv', 'v2', day(9));
    const oldKey = destinationKey(before, hive);
    const remote = new Map([[oldKey, obj(oldKey, 'v1')], ['other/tool.csv', obj('other/tool.csv', 'theirs')]]);
    const synced = new Map([[oldKey, { key: oldKey, etag: md5('v1'), size: 2, sha256: sha('v1') }]]);
    const mirror = planSync([after], remote, synced, opts('mirror', { layout: hive }));
    expect(mirror.uploads.map((u) => [u.key, u.reason])).toEqual([['vendas/dt=2026-03-09/a.csv', 'new']]);
    expect(mirror.deletes.map((d) => d.key).sort()).toEqual(['other/tool.csv', oldKey]);
    const uploadOnly = planSync([after], remote, synced, opts('upload-only', { layout: hive }));
    expect(uploadOnly.uploads.map((u) => u.key)).toEqual(['vendas/dt=2026-03-09/a.csv']);
    expect(uploadOnly.deletes).toEqual([]);
  });

  // The model above with layouts: objects remember the bytes stored and (for copies) the source hash, HEADs happen
  // where the service makes them, and every file is looked for under the key its layout gives it.
  interface Obj {
    content: string;
    etag: string;
    size: number;
    sha256?: string;
    sourceSha256?: string;
  }
  const paths = fc.constantFrom('a.csv', 'b.csv', 'dir/a.csv', 'dir/sub/c.txt', 'README', 'x/b.csv', 'e.tmp');
  const entry = fc.record({ content: fc.constantFrom('', 'one', 'two', 'three'), day: fc.constantFrom(1, 2, 31) });
  const folder = fc.dictionary(paths, entry, { maxKeys: 7 });
  const layouts = fc.record(
    {
      template: fc.constantFrom('{name}', '{folder}/{name}', 'dt={yyyy}-{mm}-{dd}/{folder}/{name}', '{table}/dt={yyyy}-{mm}-{dd}/{name}', '{ext}/{hh}/{name}'),
      table: fc.constantFrom('', 'vendas'),
      gzip: fc.boolean(),
      convertToUtf8: fc.boolean(),
    },
    { requiredKeys: [] },
  );
  const stored = (content: string, transformed: boolean): Obj =>
    transformed ? { content, etag: md5(`copy:${content}`), size: content.length + 10, sha256: sha(`copy:${content}`), sourceSha256: sha(content) } : { content, etag: md5(content), size: content.length, sha256: sha(content) };

  function executeLaid(local: Map<string, { content: string; day: number }>, bucket: Map<string, Obj>, synced: Map<string, SyncedState>, mode: SyncMode, layout: PairLayout, now: Date) {
    const ig = createIgnoreMatcher([]);
    const transformed = transformsBody(layout);
    const files = [...local].filter(([k]) => !ig(k)).map(([k, v]) => at(k, v.content, Date.UTC(2026, 0, v.day, 23, 59)));
    const remote = new Map([...bucket].map(([k, o]) => [k, { key: k, size: o.size, etag: o.etag }] as [string, RemoteEntry]));
    for (const [key, f] of keyFiles(files, layout).byKey) {
      const r = remote.get(key);
      if (r && needsHead(f, r, synced.get(key), transformed)) Object.assign(r, { sha256: bucket.get(key)!.sha256, sourceSha256: bucket.get(key)!.sourceSha256 });
    }
    const plan = planSync(files, remote, synced, opts(mode, { now, layout, isIgnored: (k) => ig(k) || k.includes(' (conflict ') }));
    for (const s of plan.skips) if (s.reason === 'same-content') synced.set(s.key, { key: s.key, etag: s.remote.etag, size: s.remote.size, sha256: s.local.sha256 });
    for (const u of plan.uploads) {
      const o = stored(local.get(u.local.key)!.content, transformed);
      bucket.set(u.key, o);
      synced.set(u.key, { key: u.key, etag: o.etag, size: o.size, sha256: u.local.sha256 });
    }
    for (const c of plan.conflicts) {
      bucket.set(c.copyKey, stored(local.get(c.local.key)!.content, transformed));
      synced.set(c.key, { key: c.key, etag: c.remote.etag, size: c.remote.size, sha256: c.local.sha256 });
    }
    for (const d of plan.deletes) {
      bucket.set(`${TRASH_PREFIX}day/${d.key}`, bucket.get(d.key)!);
      bucket.delete(d.key);
      synced.delete(d.key);
    }
    return { plan, files };
  }

  for (const mode of ['upload-only', 'mirror'] as const) {
    it(`converges for any layout (${mode}): each file under its key, collisions left alone, upload-only never deletes`, () => {
      fc.assert(
        fc.property(layouts, folder, fc.dictionary(fc.constantFrom('a/a.csv', 'dt=2026-01-01/a.csv', 'vendas/dt=2026-01-31/b.csv', 'b.csv.gz'), fc.constantFrom('x', 'one')), folder, (raw, local0, remote0, localEdit) => {
          const layout = layoutOf(raw);
          const local = new Map(Object.entries(local0));
          const bucket = new Map(Object.entries(remote0).map(([k, v]) => [k, { content: v, etag: md5(v), size: v.length }] as [string, Obj]));
          const synced = new Map<string, SyncedState>();
          const first = executeLaid(local, bucket, synced, mode, layout, new Date(2026, 10, 25, 10, 0));
          if (mode === 'upload-only') expect(first.plan.deletes).toEqual([]);
          for (const [k, v] of Object.entries(localEdit)) {
            if (v.content === '') local.delete(k);
            else local.set(k, v);
          }
          const before = new Set(bucket.keys());
          const second = executeLaid(local, bucket, synced, mode, layout, new Date(2026, 10, 25, 11, 0));
          if (mode === 'upload-only') {
            expect(second.plan.deletes).toEqual([]);
            for (const k of before) expect(bucket.has(k)).toBe(true);
          }
          const { plan: again, files } = executeLaid(local, bucket, synced, mode, layout, new Date(2026, 10, 25, 12, 0));
          expect(again.uploads.length + again.conflicts.length + again.deletes.length).toBe(0);
          const keyed = keyFiles(files, layout);
          for (const [key, f] of keyed.byKey) {
            const content = local.get(f.key)!.content;
            const copies = [...bucket].filter(([bk, o]) => bk.includes(' (conflict ') && o.content === content);
            expect(bucket.get(key)?.content === content || copies.length > 0).toBe(true);
          }
          // Files that share a key are never uploaded over each other: each is reported.
          for (const group of keyed.collisions.values()) for (const f of group) expect(again.problems.map((p) => p.key)).toContain(f.key);
          if (mode === 'mirror') {
            for (const k of bucket.keys()) {
              if (k.startsWith(TRASH_PREFIX) || k.includes(' (conflict ')) continue;
              expect(keyed.byKey.has(k) || keyed.collisions.has(k)).toBe(true);
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
