/**
 * The file manager's operations on a bucket: delete (with undo on versioned buckets), "recently deleted" and
 * restore, rename/move within and between buckets, new folders, and the properties panel's reads and edits
 * (properties, metadata, versions and their restore, a small preview). The app, browser mode and the CLI all call
 * these; every S3 request goes through objects.ts and copy-object.ts.
 */
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import type {
  DeletedObject,
  DeletePreview,
  DeleteSummary,
  KeyFailure,
  KeyVersionRef,
  MoveSummary,
  ObjectPreview,
  ObjectProperties,
  ObjectVersion,
  RestoreSummary,
} from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { isAppMetaKey, metadataProblem } from '../../../shared/object-metadata';
import { eachLimit } from '../concurrency';
import type { HistoryRecord, HistoryRecorder } from '../history/history-service';
import { copyVerified, moveObject, type CopyOptions } from './copy-object';
import {
  cleanEtag,
  deleteObjects,
  deleteVersions,
  getObjectRange,
  headObject,
  headObjectRaw,
  listDeleteMarkers,
  listKeyVersions,
  listPrefix,
  prefixHasObjects,
  putFolderMarker,
  SHA256_META,
  versioningOn,
} from './objects';
import type { S3Clients } from './types';
import { assertBucketRef, assertExistingKey, assertKey, assertUploadKey, normalisePrefix } from './validate';

/** HEADs (each a small request) run this many at a time. */
const HEAD_CONCURRENCY = 8;
/** Keys moved at once: each is a server-side copy, a HEAD and a delete. */
const MOVE_CONCURRENCY = 4;

/** The most text a preview shows: enough to recognise a file, small enough to send to the page at once. */
export const PREVIEW_TEXT_BYTES = 4096;
/** The largest image a preview fetches (it travels to the page as a data: URL). */
export const PREVIEW_IMAGE_BYTES = 1024 * 1024;
/** Image types a browser shows in <img> (SVG included: an <img> never runs its scripts). */
const PREVIEW_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'image/svg+xml', 'image/x-icon', 'image/vnd.microsoft.icon']);
/** Types that are text although not text/* (JSON, XML, scripts, CSV written by tools that say so). */
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-ndjson|x-yaml|yaml|toml|csv|x-sh|sql)\b|[^;]*\+(json|xml)\b)/i;
/** File endings read as text when the store only says application/octet-stream (uploads by tools that guess nothing). */
const TEXT_ENDINGS = /\.(txt|md|csv|tsv|json|ndjson|xml|ya?ml|toml|ini|conf|cfg|log|sh|py|js|ts|sql|html?|css)$/i;

/** The properties panel's view of a HEAD: the app's keys apart from the user's, encryption in one place. */
function propertiesOf(key: string, head: HeadObjectCommandOutput, versioned: boolean): ObjectProperties {
  const metadata: Record<string, string> = {};
  const appMetadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(head.Metadata ?? {})) (isAppMetaKey(k) ? appMetadata : metadata)[k] = v;
  const sha256 = appMetadata[SHA256_META];
  return {
    key,
    size: head.ContentLength ?? 0,
    ...(head.ContentType ? { contentType: head.ContentType } : {}),
    ...(head.LastModified ? { lastModified: head.LastModified.toISOString() } : {}),
    storageClass: head.StorageClass ?? 'STANDARD',
    ...(head.ServerSideEncryption ? { encryption: { type: head.ServerSideEncryption, ...(head.SSEKMSKeyId ? { kmsKeyId: head.SSEKMSKeyId } : {}) } } : {}),
    etag: cleanEtag(head.ETag),
    ...(sha256 ? { sha256 } : {}),
    metadata,
    appMetadata,
    ...(head.VersionId && head.VersionId !== 'null' ? { versionId: head.VersionId } : {}),
    versioned,
  };
}

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

/** History's reference for the delete marker a move left at `key` in `bucket`. */
function moveMarkerRef(bucket: string, marker: KeyVersionRef): string {
  return `move-marker:${bucket}/${marker.key}\n${marker.versionId}`;
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
    for (const key of keys) assertExistingKey(key);
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

  /** What a delete of `keys` would touch (the same expansion the delete uses) and whether the bucket can undo it. */
  async preview(profileId: string, bucket: string, keys: readonly string[], signal?: AbortSignal): Promise<DeletePreview> {
    for (const key of keys) assertExistingKey(key);
    const sizes = await this.expand(profileId, bucket, keys, signal);
    const versioned = await versioningOn(await this.clients.forProfile(profileId), bucket);
    return { count: sizes.size, bytes: [...sizes.values()].reduce((a, b) => a + b, 0), permanent: !versioned };
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

  /**
   * The objects under `prefix` that a delete hid on a versioned bucket (their latest version is a delete marker).
   * A rename or move leaves such a marker at the old name too; the ones history recorded as a move's are not
   * deletes, and are left out (restoring one would only bring back a second copy of what was moved).
   */
  async recentlyDeleted(profileId: string, bucket: string, prefix: string, signal?: AbortSignal): Promise<DeletedObject[]> {
    assertBucketRef(bucket);
    const ctx = await this.clients.forProfile(profileId);
    const markers = (await listDeleteMarkers(ctx, bucket, normalisePrefix(prefix), signal)).filter((m) => m.latest);
    const moved = this.history?.knownRefs?.(markers.map((m) => moveMarkerRef(bucket, m))) ?? new Set<string>();
    return markers.filter((m) => !moved.has(moveMarkerRef(bucket, m))).map(({ latest: _latest, ...rest }) => rest);
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
    const records: HistoryRecord[] = [];
    const base = { kind: 'move' as const, profileId, bucket: destBucket };
    await eachLimit(pairs, MOVE_CONCURRENCY, async ({ from, to }) => {
      try {
        const moved = await moveObject(ctx, bucket, from, to, { ...this.copyOptions, destBucket, ...(signal ? { signal } : {}) });
        if (moved === undefined) return; // gone meanwhile: nothing to move
        const { size, marker } = moved;
        summary.moved++;
        summary.bytes += size;
        // The marker the move left at the old name (versioned buckets), so Recently deleted can tell it from a delete.
        const ref = marker ? { ref: moveMarkerRef(bucket, { key: from, versionId: marker }) } : {};
        records.push({ ...base, at: Date.now(), key: to, from: `${bucket}/${from}`, outcome: 'done', size, ...ref });
      } catch (err) {
        const error = err instanceof AppError ? err : new AppError('UNKNOWN', {}, { cause: err, details: String(err) });
        summary.failed.push({ key: from, error: error.toData() });
        records.push({ ...base, at: Date.now(), key: to, from: `${bucket}/${from}`, outcome: 'failed', size: 0, error: error.toData() });
      }
    });
    // A rename shows in History as one, not only as the delete a versioned bucket keeps of the old name.
    this.history?.record(records);
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
  /** The properties panel's facts about one object; a missing object is OBJECT_NOT_FOUND. */
  async properties(profileId: string, bucket: string, key: string, signal?: AbortSignal): Promise<ObjectProperties> {
    assertBucketRef(bucket);
    assertExistingKey(key);
    const ctx = await this.clients.forProfile(profileId);
    const [head, versioned] = await Promise.all([headObjectRaw(ctx, bucket, key, signal), versioningOn(ctx, bucket)]);
    if (!head) throw new AppError('OBJECT_NOT_FOUND', { key, bucket });
    return propertiesOf(key, head, versioned);
  }

  /**
   * Replaces the user metadata of `key` with `metadata` by a verified copy onto itself (MetadataDirective REPLACE,
   * part by part above 5 GiB). Content type and the other content headers, storage class, encryption and the app's
   * own keys (its SHA-256) are carried over; the app's keys cannot be set from here. Resolves to the new properties.
   */
  async setMetadata(profileId: string, bucket: string, key: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<ObjectProperties> {
    assertBucketRef(bucket);
    assertKey(key);
    const ctx = await this.clients.forProfile(profileId);
    const head = await headObjectRaw(ctx, bucket, key, signal);
    if (!head) throw new AppError('OBJECT_NOT_FOUND', { key, bucket });
    const appMeta = Object.fromEntries(Object.entries(head.Metadata ?? {}).filter(([k]) => isAppMetaKey(k)));
    const rows = Object.entries(metadata);
    const problem = metadataProblem(rows, appMeta);
    if (problem) throw new AppError(problem.code, problem.params);
    // S3 keeps names lowercased; sending them so makes what is saved exactly what the panel shows next.
    const next = { ...Object.fromEntries(rows.map(([k, v]) => [k.toLowerCase(), v])), ...appMeta };
    const copied = await copyVerified(ctx, bucket, key, key, { ...this.copyOptions, metadata: next, ...(signal ? { signal } : {}) });
    if (copied === undefined) throw new AppError('OBJECT_NOT_FOUND', { key, bucket });
    return this.properties(profileId, bucket, key, signal);
  }

  /** Every version and delete marker of `key`, newest first (empty on a store without versioning). */
  async versions(profileId: string, bucket: string, key: string, signal?: AbortSignal): Promise<ObjectVersion[]> {
    assertBucketRef(bucket);
    assertKey(key);
    const ctx = await this.clients.forProfile(profileId);
    const list = await listKeyVersions(ctx, bucket, key, signal);
    return list.map(({ key: _key, ...v }) => v);
  }

  /**
   * Makes an older version of `key` its current one: a verified copy of that version onto the key, so the history
   * keeps every version (the one replaced included). A delete marker has no content to restore: VERSION_NOT_FOUND.
   */
  async restoreVersion(profileId: string, bucket: string, key: string, versionId: string, signal?: AbortSignal): Promise<{ versionId?: string }> {
    assertBucketRef(bucket);
    assertKey(key);
    const ctx = await this.clients.forProfile(profileId);
    // Checked against the key's own list first: a delete marker's id answers a HEAD with 405, not "not found".
    const known = (await listKeyVersions(ctx, bucket, key, signal)).find((v) => v.versionId === versionId && !v.deleteMarker);
    if (!known) throw new AppError('VERSION_NOT_FOUND', { key, versionId });
    const copied = await copyVerified(ctx, bucket, key, key, { ...this.copyOptions, sourceVersionId: versionId, ...(signal ? { signal } : {}) });
    if (copied === undefined) throw new AppError('VERSION_NOT_FOUND', { key, versionId });
    const head = await headObjectRaw(ctx, bucket, key, signal);
    return head?.VersionId && head.VersionId !== 'null' ? { versionId: head.VersionId } : {};
  }

  /**
   * A small preview for the properties panel, read by the engine rather than by the page through a presigned URL,
   * so the page's CSP stays `'self'` (the store's address is whatever a profile names): the first
   * PREVIEW_TEXT_BYTES of text, or an image up to PREVIEW_IMAGE_BYTES as a data: URL (which img-src already allows).
   */
  async objectPreview(profileId: string, bucket: string, key: string, signal?: AbortSignal): Promise<ObjectPreview> {
    assertBucketRef(bucket);
    assertExistingKey(key);
    const ctx = await this.clients.forProfile(profileId);
    const head = await headObject(ctx, bucket, key, signal);
    if (!head) throw new AppError('OBJECT_NOT_FOUND', { key, bucket });
    const type = (head.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (PREVIEW_IMAGE_TYPES.has(type)) {
      if (head.size > PREVIEW_IMAGE_BYTES) return { kind: 'none', reason: 'size' };
      const bytes = head.size === 0 ? new Uint8Array(0) : await getObjectRange(ctx, bucket, key, 0, head.size - 1, signal);
      return { kind: 'image', dataUrl: `data:${type};base64,${Buffer.from(bytes).toString('base64')}` };
    }
    const text = TEXT_TYPES.test(type) || ((type === '' || type === 'application/octet-stream' || type === 'binary/octet-stream') && TEXT_ENDINGS.test(key));
    if (!text) return { kind: 'none', reason: 'type' };
    // An empty object has no byte 0 to ask for (the store answers InvalidRange).
    const bytes = head.size === 0 ? new Uint8Array(0) : await getObjectRange(ctx, bucket, key, 0, Math.min(head.size, PREVIEW_TEXT_BYTES) - 1, signal);
    // `stream: true` leaves a character cut at the end out instead of showing a replacement mark.
    return { kind: 'text', text: new TextDecoder('utf-8').decode(bytes, { stream: true }), truncated: head.size > bytes.length };
  }
}
