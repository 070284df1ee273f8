/**
 * Builds a pass, as rclone's march does: puts the local side (a scan, or the paths the watcher reported) beside
 * the remote side (a listing, or the index's synced state), plans with the pure planner, and hands the plan to
 * the executor. Also opens a pair's index, noticing a changed layout, and reads what changed on disk since a snapshot.
 */
import { lstat, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { SyncPairConfig, SyncPreview, SyncProblem } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { eachLimit } from '../concurrency';
import type { CoreDeps } from '../context';
import { headObject, listPrefixParallel } from '../s3/objects';
import { toAppError } from '../s3/errors';
import type { S3Clients } from '../s3/types';
import { normalisePrefix } from '../s3/validate';
import { nativeWatcher as watcher } from './native-watcher';
import { emptySummary, type Executor, type PassSummary, type PassTarget } from './executor';
import { IGNORE_FILE, loadIgnoreMatcher, type FolderIgnore } from './ignore';
import { IndexDb, type IndexedFile } from './index-db';
import { bodySignature, destinationKey, keyFiles, layoutOf, layoutSignature, rewritesKeys, transformsBody, type PairLayout } from './pair-layout';
import { requireFolder, type PairRuntime, type PairStore } from './pair-store';
import { planSync, needsHead, TRASH_PREFIX, type Plan, type RemoteEntry } from './planner';
import { indexHashes, keyOf, nameProblem, scanFolder, type ScanProblem } from './scanner';
import { WATCH_OPTIONS, type SettledChanges } from './watcher';

/** Keys that are conflict copies made by the app; mirror never deletes them. */
const conflictCopy = / \(conflict \d{4}-\d{2}-\d{2} \d{4}\)(\.[^/]*)?$/;

/** What changed in a folder since a snapshot, sorted like the watcher's batches; undefined when only a full pass will do. */
export async function changesSince(folder: string, snapshot: string): Promise<SettledChanges | undefined> {
  // One written through another backend (or damaged) cannot be read: a full pass then.
  const events = await watcher.getEventsSince(folder, snapshot, WATCH_OPTIONS).catch(() => undefined);
  if (!events) return undefined;
  const batch: SettledChanges = { files: [], dirs: [], gone: [] };
  for (const e of events) {
    const rel = relative(folder, e.path);
    const st = await stat(e.path).catch(() => undefined);
    if (!st) batch.gone.push(rel);
    else if (st.isDirectory() || rel === IGNORE_FILE) return undefined;
    else batch.files.push(rel);
  }
  return batch;
}

/**
 * A changed template, table, gzip or UTF-8 choice (an edit, or a CLI run with other flags over the same index)
 * moves keys, so the next start must do a full pass rather than replay the watcher's snapshot. A changed gzip
 * or UTF-8 choice also changes what the bytes in the bucket mean, so every key is compared with the bucket again.
 */
function checkLayout(config: SyncPairConfig, index: IndexDb): void {
  const layout = layoutOf(config);
  // An index from before layouts existed has no signature: it was made with the plain layout.
  const signature = layoutSignature(layout);
  if ((index.getMeta('layout') ?? layoutSignature({})) === signature) return;
  const body = bodySignature(layout);
  if ((index.getMeta('body') ?? bodySignature({})) !== body) index.clearSynced();
  index.setMeta('clean', '0');
  index.setMeta('layout', signature);
  index.setMeta('body', body);
}

/** A file's key, or undefined when the template cannot name it (the planner reports those). */
function tryKey(file: IndexedFile, layout: PairLayout): string | undefined {
  try {
    return destinationKey(file, layout);
  } catch {
    return undefined;
  }
}

/** The plan's counts, its brake and its problems (the scan's first), as the UI and the CLI show them. */
function previewOf(plan: Plan, problems: ScanProblem[]): SyncPreview {
  return {
    upload: plan.uploads.length + plan.conflicts.length,
    uploadBytes: plan.uploads.reduce((n, o) => n + o.local.size, 0) + plan.conflicts.reduce((n, o) => n + o.local.size, 0),
    delete: plan.deletes.length,
    conflicts: plan.conflicts.length,
    skipped: plan.skips.length,
    ...(plan.brake ? { brake: plan.brake } : {}),
    problems: [
      ...problems.map(({ path, reason, kind, other }): SyncProblem => ({ path, reason, kind, ...(other !== undefined ? { other } : {}) })),
      ...plan.problems.map(({ key, reason, why, other }): SyncProblem => ({ path: key, reason, kind: why, ...(other !== undefined ? { other } : {}) })),
    ],
  };
}

/**
 * For a layout that rewrites keys, whether a watcher batch needs the whole folder looked at: a file's old key
 * (an edit moved it to another day's partition, or it was deleted) is only found by comparing the whole folder
 * with the listing, which only mirror needs, and a file may now map to the key of a file outside the batch,
 * which only the whole folder shows (so neither overwrites the other).
 */
function needsFullPass(mode: SyncPairConfig['mode'], layout: PairLayout, batch: SettledChanges, local: IndexedFile[], moved: boolean, index: IndexDb): boolean {
  if (mode === 'mirror' && (moved || batch.gone.length > 0)) return true;
  if (layout.template === undefined) return false;
  const inBatch = new Set([...local.map((f) => f.key), ...batch.gone.map(keyOf)]);
  const others = new Set<string>();
  for (const f of index.allFiles()) {
    if (inBatch.has(f.key)) continue;
    const k = tryKey(f, layout);
    if (k !== undefined) others.add(k);
  }
  return local.some((f) => {
    const k = tryKey(f, layout);
    return k !== undefined && others.has(k);
  });
}

/** Builds and runs passes: full (scan and listing) and incremental (the watcher's paths against the index). */
export class PassBuilder {
  /** Builds the pass builder; `notify` hears of every pass that carried out a plan. */
  constructor(
    private readonly deps: CoreDeps,
    private readonly store: PairStore,
    private readonly clients: S3Clients,
    private readonly executor: Executor,
    private readonly notify: (pairId: string, summary: PassSummary) => void,
  ) {}

  /** The pair's index, opened once per run (a damaged one is rebuilt, and the user told); its layout is checked. */
  openIndex(rt: PairRuntime): IndexDb {
    if (!rt.index) {
      rt.index = new IndexDb(this.store.indexPath(rt.config.id));
      if (rt.index.rebuiltFrom) {
        this.deps.logger.warn(`sync index for ${rt.config.folder} was damaged; rebuilt from a rescan`);
        this.deps.events.emit('app:notice', { level: 'warning', error: new AppError('SYNC_INDEX_REBUILT', { path: rt.config.folder }).toData() });
      }
      checkLayout(rt.config, rt.index);
    }
    return rt.index;
  }

  private async target(rt: PairRuntime): Promise<PassTarget & { endpoint?: string; profile: string }> {
    const ctx = await this.clients.forProfile(rt.config.target.profileId);
    // The whole context, not only its client, so that S3 errors name the endpoint and the profile.
    const target = { client: ctx, bucket: rt.config.target.bucket, prefix: normalisePrefix(rt.config.target.prefix), profile: ctx.profile.summary.name };
    return ctx.profile.endpoint ? { ...target, endpoint: ctx.profile.endpoint } : target;
  }

  /**
   * The folder as the index knows it, brought up to date with what changed on disk since the last clean run,
   * without walking the folder. Undefined when only a scan can tell: a link or a folder among the changes (the
   * scanner decides what it may follow), a name spelt another way, a name too long, other ignore patterns, files the
   * last scan left out, or nothing at all (mirror's unmounted-drive check belongs to the scan).
   */
  private async localFromChanges(rt: PairRuntime, index: IndexDb, changes: SettledChanges, ignore: FolderIgnore, prefix: string): Promise<IndexedFile[] | undefined> {
    const folder = rt.config.folder;
    // Files the last scan left out (a broken link, a pipe, a name the bucket cannot take) are still not synced, and
    // only a scan reports them: "nothing changed" must not become "in sync".
    // Other ignore rules (the pair's, the folder's file, or a newer app's built-in ones) need a scan; the same rules
    // leave the index's files as the last scan kept them, so they are not matched against the rules again.
    if (changes.dirs.length > 0 || index.getMeta('ignore') !== ignore.rules || index.getMeta('scanProblems') !== '0') return undefined;
    const fresh: IndexedFile[] = [];
    const gone = changes.gone.map(keyOf);
    for (const rel of new Set(changes.files)) {
      const key = keyOf(rel);
      const st = await lstat(join(folder, rel)).catch(() => undefined);
      if (!st) {
        gone.push(key);
        continue;
      }
      if (!st.isFile()) return undefined;
      if (ignore(key)) continue;
      const cached = index.getFile(key);
      // A name the bucket cannot take is the full scan's to report.
      if ((cached && cached.rel !== rel) || nameProblem(key, prefix)) return undefined;
      if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) continue;
      fresh.push({ key, rel, size: st.size, mtimeMs: st.mtimeMs, ...(await indexHashes(join(folder, rel), st.size)) });
    }
    // Nothing changed (a no-change run): the index stands as it is, without reading all its rows one more time.
    if (fresh.length > 0 || gone.length > 0) {
      index.transaction(() => {
        for (const f of fresh) index.putFile(f);
        for (const f of index.allFiles()) if (gone.some((g) => f.key === g || f.key.startsWith(`${g}/`))) index.deleteFile(f.key);
      });
    }
    const files = index.allFiles();
    return files.length > 0 ? files : undefined;
  }

  /**
   * A full pass: the local side (a scan, or with `changes` the index brought up to date with them), one listing
   * of the prefix, plan, execute. The listing is what makes "in sync" true: it is never skipped. `localChanges` (the
   * CLI's: it takes the folder snapshot and reads what changed since the last one) is called once the listing is on
   * its way, so the server works while the disk is read.
   */
  async fullPass(rt: PairRuntime, options: { dryRun?: boolean; signal?: AbortSignal; localChanges?: () => Promise<SettledChanges | undefined> } = {}): Promise<PassSummary> {
    const { dryRun = false, signal, localChanges } = options;
    const c = rt.config;
    await requireFolder(c.folder, c.mode);
    const index = this.openIndex(rt);
    const s3 = await this.target(rt);
    const { client, bucket, prefix } = s3;
    // The listing and the local side need nothing from each other: both at once, so a pass waits for the longer of
    // the two rather than for both in turn. A local failure leaves the listing to finish unawaited, so its own
    // failure is caught here and reported only where it is awaited.
    // What the index holds as synced is what the last pass found listed: the listing cuts its ranges between those keys.
    const synced = index.allSynced();
    const listed = listPrefixParallel(client, bucket, prefix, signal, undefined, { known: [...synced.keys()] }).catch((err: unknown) => {
      throw toAppError(err, { action: 'ListObjectsV2', bucket, endpoint: s3.endpoint, profile: s3.profile });
    });
    listed.catch(() => {});
    const ignore = await loadIgnoreMatcher(c.folder, c.ignore);
    if (!dryRun) index.setMeta('clean', '0');
    this.store.setState(rt, 'scanning');
    const changes = await localChanges?.();
    const known = changes && (await this.localFromChanges(rt, index, changes, ignore, prefix));
    // The count is live while a scan runs; only upwards, so a periodic pass does not show it falling to 0 and back.
    const onProgress = (n: number) => {
      if (n <= rt.files) return;
      rt.files = n;
      this.store.emitStatus();
    };
    const scan = known ? { files: known, problems: [] } : await scanFolder(c.folder, { ignore, index, prefix, signal, onProgress });
    if (!known) {
      index.setMeta('ignore', ignore.rules);
      index.setMeta('scanProblems', String(scan.problems.length));
    }
    if (c.mode === 'mirror' && scan.files.length === 0) {
      // An unmounted drive looks exactly like "the user deleted everything": never act on it.
      throw new AppError('SYNC_FOLDER_MISSING', { path: c.folder });
    }
    const listing = await listed;
    // The trash is taken out of the listing itself, which then is the remote side: no second map of every key.
    const remote: Map<string, RemoteEntry> = listing;
    const trash: RemoteEntry[] = [];
    for (const [k, r] of remote) {
      if (!k.startsWith(TRASH_PREFIX)) continue;
      trash.push(r);
      remote.delete(k);
    }
    const layout = layoutOf(c);
    const transformed = transformsBody(layout);
    // Multipart objects from other tools: their ETag says nothing about content, so read the stored hash
    // (for gzip/UTF-8 copies, the source hash: a copy's size and ETag never match the file). Nothing listed (a
    // first sync to an empty prefix) needs none. The files are keyed once, here, and the planner is given the keys.
    const heads: string[] = [];
    const keyed = keyFiles(scan.files, layout);
    if (remote.size > 0) {
      for (const [key, f] of keyed.byKey) {
        const r = remote.get(key);
        if (r !== undefined && needsHead(f, r, synced.get(key), transformed)) heads.push(key);
      }
    }
    await eachLimit(heads, 8, async (key) => {
      const h = await headObject(client, bucket, prefix + key);
      const r = remote.get(key)!;
      if (h?.sha256) r.sha256 = h.sha256;
      if (h?.sourceSha256) r.sourceSha256 = h.sourceSha256;
    });
    const plan = planSync(scan.files, remote, synced, {
      layout,
      keyed,
      mode: c.mode,
      now: new Date(),
      isIgnored: (k) => ignore(k) || conflictCopy.test(k),
      brakeShare: c.brakeShare,
      brakeCount: c.brakeCount,
      confirmedDeletes: rt.confirmedDeletes,
    });
    const summary = emptySummary();
    summary.preview = previewOf(plan, scan.problems);
    summary.problems = [...summary.preview.problems];
    rt.preview = summary.preview;
    rt.files = scan.files.length;
    if (dryRun) {
      // A preview of a paused pair must leave it paused: it only looked.
      this.store.setState(rt, rt.paused ? 'paused' : rt.state === 'scanning' ? 'up-to-date' : rt.state);
      return summary;
    }
    // Forget hash rows of files that are gone, so the index does not grow forever.
    index.forgetFilesExcept(scan.files.map((f) => f.key));
    await this.executor.execute(rt, index, plan, summary, s3, trash);
    index.setMeta('files', String(scan.files.length));
    // When the bucket was last compared with the folder: a watched pair's next full pass is due from here.
    index.setMeta('listedAt', String(Date.now()));
    this.notify(c.id, summary);
    return summary;
  }

  /** A pass over the paths the watcher reported, without a listing: the index's synced state stands in for the bucket. */
  async incrementalPass(rt: PairRuntime, batch: SettledChanges): Promise<PassSummary> {
    const c = rt.config;
    await requireFolder(c.folder, c.mode);
    const index = this.openIndex(rt);
    const ignore = await loadIgnoreMatcher(c.folder, c.ignore);
    const s3 = await this.target(rt);
    const { prefix } = s3;
    index.setMeta('clean', '0');
    const layout = layoutOf(c);
    const summary = emptySummary();
    const local: IndexedFile[] = [];
    // Set when an edited file's key moved (a time token in the template): its old key is only known by a full pass.
    let moved = false;
    for (const rel of new Set(batch.files)) {
      const key = keyOf(rel);
      if (ignore(key)) continue;
      const bad = nameProblem(key, prefix);
      if (bad) {
        summary.problems.push(bad);
        continue;
      }
      const st = await lstat(join(c.folder, rel)).catch(() => undefined);
      const cached = index.getFile(key);
      // A link is the scanner's to judge (it never follows one out of the folder), and so is a name that another
      // unicode spelling already holds (the two would overwrite each other): the whole folder is looked at.
      if (st?.isSymbolicLink() || (st && cached && cached.rel !== rel)) return this.fullPass(rt);
      if (!st?.isFile()) continue;
      if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs && cached.rel === rel) {
        local.push(cached);
        continue;
      }
      const f: IndexedFile = { key, rel, size: st.size, mtimeMs: st.mtimeMs, ...(await indexHashes(join(c.folder, rel), st.size)) };
      if (cached && layout.template !== undefined && !moved) moved = tryKey(cached, layout) !== tryKey(f, layout);
      index.putFile(f);
      local.push(f);
    }
    if (rewritesKeys(layout) && needsFullPass(c.mode, layout, batch, local, moved, index)) return this.fullPass(rt);
    const keys = new Map(local.map((f) => [f.key, tryKey(f, layout)]));
    const synced = index.allSynced();
    const remote = new Map<string, RemoteEntry>();
    const edited: string[] = [];
    for (const f of local) {
      const k = keys.get(f.key);
      const s = k === undefined ? undefined : synced.get(k);
      if (!s) continue;
      remote.set(s.key, { key: s.key, size: s.size, etag: s.etag });
      if (s.sha256 !== f.sha256) edited.push(s.key);
    }
    // An edited file would go over its object, which someone may have changed since the last listing: ask the
    // bucket for each one (a HEAD), so that such an edit is a conflict copy beside theirs, as a full pass makes it,
    // and an object deleted there is sent as new.
    await eachLimit(edited, 8, async (key) => {
      const h = await headObject(s3.client, s3.bucket, prefix + key);
      if (!h) remote.delete(key);
      else remote.set(key, { key, size: h.size, etag: h.etag, ...(h.sha256 ? { sha256: h.sha256 } : {}), ...(h.sourceSha256 ? { sourceSha256: h.sourceSha256 } : {}) });
    });
    if (c.mode === 'mirror' && batch.gone.length > 0) {
      // Only reached with keys equal to paths: a layout that rewrites keys took the full pass above.
      const entries = await readdir(c.folder).catch(() => [] as string[]);
      if (entries.length === 0) throw new AppError('SYNC_FOLDER_MISSING', { path: c.folder });
      for (const rel of batch.gone) {
        const key = keyOf(rel);
        for (const s of synced.values()) {
          if (s.key !== key && !s.key.startsWith(`${key}/`)) continue;
          const exists = await stat(join(c.folder, s.key)).then(() => true, () => false);
          if (!exists) remote.set(s.key, { key: s.key, size: s.size, etag: s.etag });
        }
        index.deleteFile(key);
      }
    }
    const plan = planSync(local, remote, synced, {
      mode: c.mode,
      now: new Date(),
      isIgnored: (k) => ignore(k) || conflictCopy.test(k) || local.some((f) => keys.get(f.key) === k),
      brakeShare: c.brakeShare,
      brakeCount: c.brakeCount,
      confirmedDeletes: rt.confirmedDeletes,
      remoteTotal: synced.size,
      layout,
    });
    summary.preview = previewOf(plan, []);
    summary.problems.push(...summary.preview.problems);
    await this.executor.execute(rt, index, plan, summary, s3, undefined);
    this.notify(c.id, summary);
    return summary;
  }
}
