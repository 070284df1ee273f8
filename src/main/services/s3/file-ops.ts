/**
 * The file manager's operations on a bucket: delete (with undo on versioned buckets), "recently deleted" and
 * restore, rename/move within and between buckets, and new folders. The app, browser mode and the CLI all call
 * these; every S3 request goes through objects.ts and copy-object.ts.
 */
import type { DeletedObject, DeleteSummary, KeyFailure, KeyVersionRef, MoveSummary, RestoreSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { eachLimit } from '../concurrency';
import type { HistoryRecord, HistoryRecorder } from '../history/history-service';
import { moveObject, type CopyOptions } from './copy-object';
import { deleteObjects, deleteVersions, headObject, listDeleteMarkers, listPrefix, prefixHasObjects, putFolderMarker, versioningOn } from './objects';
import type { S3Clients } from './types';
import { assertBucketRef, assertKey, assertUploadKey, normalisePrefix } from './validate';

/** HEADs (each a small request) run this many at a time. */
const HEAD_CONCURRENCY = 8;
/** Keys moved at once: each is a server-side copy, a HEAD and a delete. */
const MOVE_CONCURRENCY = 4;

/** One key to move and where it goes. */
interface MovePair {
  from: string;
  to: string;
}

/** The longest string every key starts with: one ListObjectVersions over it covers them all. */
function commonPrefix(keys: readonly string[]): string {
  if (keys.length === 0) return '';
  let p = keys[0]!;
  for (const k of keys) while (!k.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Delete, undo and restore, move, and new folder, for one profile's buckets. */
export class FileOpsService {
  /** Builds the service; `copyOptions` lets tests lower the part-copy threshold; deletes and restores go to `history`. */
  constructor(
    readonly clients: S3Clients,
    readonly copyOptions: Omit<CopyOptions, 'destBucket' | 'signal'> = {},
    private readonly history?: HistoryRecorder,
  ) {}

  /** Records what a delete or restore did to each key: done, or failed with its reason. */
  private recordKeys(base: Pick<HistoryRecord, 'kind' | 'profileId' | 'bucket'>, done: readonly string[], failed: readonly KeyFailure[], sizes?: ReadonlyMap<string, number>): void {
    const at = Date.now();
    this.history?.record([
      ...done.map((key) => ({ ...base, at, key, outcome: 'done' as const, size: sizes?.get(key) ?? 0 })),
      ...failed.map((f) => ({ ...base, at, key: f.key, outcome: 'failed' as const, size: sizes?.get(f.key) ?? 0, error: f.error })),
    ]);
  }

  /**
   * Deletes objects, and whole folders for keys ending with '/' (their contents and marker, listed first). On a
   * versioned bucket the store only adds delete markers, and the summary carries them as the undo token. A caller
   * that asked the person about `expand`'s list passes it as `expanded`, so exactly what was confirmed goes.
   */
  async delete(profileId: string, bucket: string, keys: readonly string[], signal?: AbortSignal, expanded?: ReadonlyMap<string, number>): Promise<DeleteSummary> {
    assertBucketRef(bucket);
    for (const key of keys) assertKey(key);
    const ctx = await this.clients.forProfile(profileId);
    const sizes = expanded ?? (await this.expand(profileId, bucket, keys, signal));
    const versioned = await versioningOn(ctx, bucket);
    const result = await deleteObjects(ctx, bucket, [...sizes.keys()], signal, { reportMarkers: versioned });
    const failed = result.failed.map((f) => ({ key: f.key, error: f.error.toData() }));
    this.recordKeys({ kind: 'delete', profileId, bucket }, result.deleted, failed, sizes);
    return {
      deleted: result.deleted.length,
      bytes: result.deleted.reduce((sum, key) => sum + (sizes.get(key) ?? 0), 0),
      failed,
      permanent: !versioned,
      ...(versioned && result.markers.length > 0 ? { undo: { bucket, markers: result.markers } } : {}),
    };
  }

  /**
   * The keys a delete of `keys` touches, with their sizes: a folder's every object and marker, and each named
   * object that exists (a missing one is left out: on a versioned bucket deleting it would add a needless marker).
   */
  async expand(profileId: string, bucket: string, keys: readonly string[], signal?: AbortSignal): Promise<Map<string, number>> {
    assertBucketRef(bucket);
    const ctx = await this.clients.forProfile(profileId);
    const sizes = new Map<string, number>();
    for (const folder of keys.filter((k) => k.endsWith('/'))) {
      for (const [rel, o] of await listPrefix(ctx, bucket, folder, signal, { markers: true })) sizes.set(folder + rel, o.size);
    }
    await eachLimit(
      keys.filter((k) => !k.endsWith('/')),
      HEAD_CONCURRENCY,
      async (key) => {
        const head = await headObject(ctx, bucket, key, signal);
        if (head) sizes.set(key, head.size);
      },
    );
    return sizes;
  }

  /** The objects under `prefix` that a delete hid on a versioned bucket (their latest version is a delete marker). */
  async recentlyDeleted(profileId: string, bucket: string, prefix: string, signal?: AbortSignal): Promise<DeletedObject[]> {
    assertBucketRef(bucket);
    const ctx = await this.clients.forProfile(profileId);
    const markers = await listDeleteMarkers(ctx, bucket, normalisePrefix(prefix), signal);
    return markers.filter((m) => m.latest).map(({ latest: _latest, ...rest }) => rest);
  }

  /**
   * Removes the given delete markers (undo of a delete, or a restore), bringing back the versions they hid. Each
   * id is first checked to BE a delete marker of that key: the input crosses a transport, and deleting a real
   * version by id would destroy data for good.
   */
  async restore(profileId: string, bucket: string, markers: readonly KeyVersionRef[], signal?: AbortSignal): Promise<RestoreSummary> {
    assertBucketRef(bucket);
    for (const m of markers) assertKey(m.key);
    const ctx = await this.clients.forProfile(profileId);
    const known = new Set((await listDeleteMarkers(ctx, bucket, commonPrefix(markers.map((m) => m.key)), signal)).map((m) => `${m.key}\n${m.versionId}`));
    const failed: KeyFailure[] = [];
    const ok = markers.filter((m) => {
      if (known.has(`${m.key}\n${m.versionId}`)) return true;
      failed.push({ key: m.key, error: new AppError('NOT_DELETED_MARKER', { key: m.key }).toData() });
      return false;
    });
    const result = await deleteVersions(ctx, bucket, ok, signal);
    failed.push(...result.failed.map((f) => ({ key: f.key, error: f.error.toData() })));
    this.recordKeys({ kind: 'restore', profileId, bucket }, result.deleted, failed);
    return { restored: result.deleted.length, failed };
  }

  /**
   * Renames or moves `key` to `destKey` (in `destBucket`, default the same bucket). A folder (key ending with '/')
   * moves key by key; an object moved onto a folder name (`dest/`) keeps its own name inside it. Each key is copied,
   * the copy verified, and only then the source deleted, so a failure leaves every key at its old or its new name.
   * A name already taken is NAME_EXISTS unless `overwrite`, checked for every key before anything moves.
   */
  async move(
    profileId: string,
    bucket: string,
    key: string,
    destKey: string,
    options: { destBucket?: string; overwrite?: boolean; signal?: AbortSignal } = {},
  ): Promise<MoveSummary> {
    const destBucket = options.destBucket ?? bucket;
    const { signal } = options;
    assertBucketRef(bucket);
    assertBucketRef(destBucket);
    assertKey(key);
    assertKey(destKey);
    const ctx = await this.clients.forProfile(profileId);
    const pairs = await this.movePairs(profileId, bucket, key, destBucket, destKey, signal);
    // A folder moved up into its parent can name one of its own keys as another's new name ('b/a/a/x' → 'b/a/x'):
    // replacing it before it has moved would lose it, so that is a clash even with overwrite.
    const sources = new Set(destBucket === bucket ? pairs.map((p) => p.from) : []);
    const ownKey = pairs.find((p) => sources.has(p.to));
    if (ownKey) throw new AppError('NAME_EXISTS', { key: ownKey.to, bucket: destBucket });
    if (!options.overwrite) await this.refuseClash(profileId, destBucket, pairs, signal);
    const summary: MoveSummary = { moved: 0, bytes: 0, failed: [] };
    await eachLimit(pairs, MOVE_CONCURRENCY, async ({ from, to }) => {
      try {
        const size = await moveObject(ctx, bucket, from, to, { ...this.copyOptions, destBucket, ...(signal ? { signal } : {}) });
        if (size === undefined) return; // gone meanwhile: nothing to move
        summary.moved++;
        summary.bytes += size;
      } catch (err) {
        const error = err instanceof AppError ? err : new AppError('UNKNOWN', {}, { cause: err, details: String(err) });
        summary.failed.push({ key: from, error: error.toData() });
      }
    });
    return summary;
  }

  /** What goes where: one pair for an object, one per key (markers included) for a folder. */
  private async movePairs(profileId: string, bucket: string, key: string, destBucket: string, destKey: string, signal?: AbortSignal): Promise<MovePair[]> {
    const ctx = await this.clients.forProfile(profileId);
    if (!key.endsWith('/')) {
      const to = destKey.endsWith('/') ? destKey + key.slice(key.lastIndexOf('/') + 1) : destKey;
      assertUploadKey(to);
      if (!(await headObject(ctx, bucket, key, signal))) throw new AppError('OBJECT_NOT_FOUND', { key, bucket });
      return destBucket === bucket && to === key ? [] : [{ from: key, to }];
    }
    const destPrefix = normalisePrefix(destKey);
    if (destBucket === bucket && destPrefix.startsWith(key)) {
      if (destPrefix === key) return [];
      throw new AppError('MOVE_INTO_ITSELF', { key });
    }
    const listed = await listPrefix(ctx, bucket, key, signal, { markers: true });
    if (listed.size === 0) throw new AppError('OBJECT_NOT_FOUND', { key, bucket });
    const pairs = [...listed.keys()].map((rel) => ({ from: key + rel, to: destPrefix + rel }));
    for (const p of pairs) assertUploadKey(p.to);
    return pairs;
  }

  /** Throws NAME_EXISTS naming the first destination already taken, before any key has moved. */
  private async refuseClash(profileId: string, destBucket: string, pairs: readonly MovePair[], signal?: AbortSignal): Promise<void> {
    if (pairs.length === 0) return;
    const ctx = await this.clients.forProfile(profileId);
    let taken: string | undefined;
    if (pairs.length === 1) {
      if (await headObject(ctx, destBucket, pairs[0]!.to, signal)) taken = pairs[0]!.to;
    } else {
      // A folder: one listing of the destination folder answers for every key.
      const destPrefix = commonPrefix(pairs.map((p) => p.to)).replace(/[^/]*$/, '');
      const existing = await listPrefix(ctx, destBucket, destPrefix, signal, { markers: true });
      taken = pairs.find((p) => existing.has(p.to.slice(destPrefix.length)))?.to;
    }
    if (taken !== undefined) throw new AppError('NAME_EXISTS', { key: taken, bucket: destBucket });
  }

  /** Creates the folder `name` in `prefix` as a zero-byte `name/` marker; a name already in use is NAME_EXISTS. */
  async newFolder(profileId: string, bucket: string, prefix: string, name: string, signal?: AbortSignal): Promise<{ key: string }> {
    assertBucketRef(bucket);
    const clean = name.replace(/\/+$/, '');
    const key = `${normalisePrefix(prefix)}${clean}/`;
    if (clean === '') throw new AppError('KEY_INVALID', { key: name, reason: 'the name is empty' });
    if (clean.includes('/')) throw new AppError('KEY_INVALID', { key: clean, reason: 'a folder name may not contain "/"' });
    assertUploadKey(key);
    const ctx = await this.clients.forProfile(profileId);
    if (await prefixHasObjects(ctx, bucket, key, signal)) throw new AppError('NAME_EXISTS', { key, bucket });
    await putFolderMarker(ctx, bucket, key, signal);
    return { key };
  }
}
