/**
 * Turns what the person chose to download (objects, folders) into one request per object, each with its local
 * path: a folder keeps its own name as the top local folder, as an uploaded folder keeps it in the keys.
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { RenamedDownload } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { headObject, listPrefixParallel, prefixHasObjects } from '../s3/objects';
import type { S3Context } from '../s3/types';
import { assertBucketRef } from '../s3/validate';
import { caseInsensitiveFs, localPathFor } from './local-names';
import type { DownloadRequest } from './types';
import { keepBothKey } from './upload';

/** What to download and where; `platform` decides which names need making safe (tests pass 'win32'). */
export interface DownloadChoice {
  profileId: string;
  bucket: string;
  keys: string[];
  /** An older version of the one key (see `expandChoice`). */
  versionId?: string;
  folder: string;
  priority?: number;
  origin?: string;
  platform?: NodeJS.Platform;
  signal?: AbortSignal;
}

/** The requests, in key order, every local name that differs from its key, and the empty folders to make. */
export interface DownloadPlan {
  requests: DownloadRequest[];
  renamed: RenamedDownload[];
  /** Local folders for the folder markers (`name/`): an empty folder has nothing to transfer, only to create. */
  folders: string[];
}

/** One object a choice brings: its key, its path relative to the download folder ('/'-separated), size and ETag. */
export interface ChosenObject {
  key: string;
  rel: string;
  size: number;
  etag: string;
  /** The older version to fetch instead of the current one. */
  versionId?: string;
  /** A folder marker (a `name/` key, as the S3 console and New folder make): an empty folder, not a file; `rel` ends in '/'. */
  folder?: true;
}

/**
 * Expands keys into objects: a key that names an object is that file; a key ending in '/', or naming no object,
 * is a folder and brings every object under it (its folder markers too), under the folder's own name.
 * OBJECT_NOT_FOUND when a key names neither. With `versionId`, the one key's older version (see `chosenVersion`).
 */
export async function expandChoice(ctx: S3Context, bucket: string, keys: readonly string[], signal?: AbortSignal, versionId?: string): Promise<ChosenObject[]> {
  assertBucketRef(bucket);
  if (versionId !== undefined) return [await chosenVersion(ctx, bucket, keys, versionId, signal)];
  const items: ChosenObject[] = [];
  for (const key of keys) {
    // '' is the whole bucket (the CLI's s3://bucket).
    if (key !== '' && !key.endsWith('/')) {
      const head = await headObject(ctx, bucket, key, signal);
      if (head) {
        items.push({ key, rel: posix.basename(key), size: head.size, etag: head.etag });
        continue;
      }
    }
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    const listed = await listPrefixParallel(ctx, bucket, prefix, signal, undefined, { markers: true });
    if (listed.size === 0) throw new AppError('OBJECT_NOT_FOUND', { key, bucket });
    // 'photos/2024/' downloads into '2024/…'; a prefix of only slashes has no name, so the bucket's stands in.
    const top = prefix.replace(/\/+$/, '').split('/').pop() || bucket;
    const rels = [...listed.keys()].sort();
    for (const rel of rels) {
      const o = listed.get(rel)!;
      // The folder's own marker (rel '') is the top folder itself: an empty folder chosen still arrives.
      const marker = rel === '' || rel.endsWith('/');
      items.push({ key: prefix + rel, rel: `${top}/${rel}`, size: o.size, etag: o.etag, ...(marker ? { folder: true as const } : {}) });
    }
  }
  return items;
}

/**
 * One older version of one file: VERSION_NEEDS_ONE_FILE for several keys or a folder (a version belongs to one
 * key), VERSION_ID_NOT_FOUND when that version of the key does not exist.
 */
async function chosenVersion(ctx: S3Context, bucket: string, keys: readonly string[], versionId: string, signal?: AbortSignal): Promise<ChosenObject> {
  const key = keys[0];
  if (keys.length !== 1 || key === undefined || key === '' || key.endsWith('/')) throw new AppError('VERSION_NEEDS_ONE_FILE', {});
  const head = await headObject(ctx, bucket, key, signal, versionId);
  if (head) return { key, rel: posix.basename(key), size: head.size, etag: head.etag, versionId };
  // A folder named without its '/' is no object, and no version of one.
  if (await prefixHasObjects(ctx, bucket, `${key}/`, signal)) throw new AppError('VERSION_NEEDS_ONE_FILE', {});
  // The version is what is missing (the file may well exist): "no file or folder named…" would send people looking.
  throw new AppError('VERSION_ID_NOT_FOUND', { key, bucket, versionId });
}

/**
 * A name no earlier one took: two keys that the cleaning (or a case-blind disk) makes one name, and the later one
 * becomes `name (1).ext`. `fold` is how the disk compares names; `paths` is node's path module or its posix half.
 */
export function unclashedName(path: string, taken: Set<string>, fold: (p: string) => string, paths: Pick<typeof posix, 'basename' | 'dirname' | 'join'>): { path: string; clash: boolean } {
  let out = path;
  let n = 0;
  while (taken.has(fold(out))) out = paths.join(paths.dirname(path), keepBothKey(paths.basename(path), ++n));
  taken.add(fold(out));
  return { path: out, clash: n > 0 };
}

/**
 * Expands keys into downloads (see `expandChoice`), each with its local path. Nothing is queued when a key names
 * neither an object nor a folder (OBJECT_NOT_FOUND).
 */
export async function planDownloads(ctx: S3Context, choice: DownloadChoice): Promise<DownloadPlan> {
  const { bucket, signal } = choice;
  const platform = choice.platform ?? process.platform;
  const items = await expandChoice(ctx, bucket, choice.keys, signal, choice.versionId);

  const requests: DownloadRequest[] = [];
  const renamed: RenamedDownload[] = [];
  const folders: string[] = [];
  const taken = new Set<string>();
  const fold = caseInsensitiveFs(platform) ? (p: string) => p.toLowerCase() : (p: string) => p;
  for (const it of items) {
    const safe = localPathFor(choice.folder, it.rel, platform);
    if (it.folder) {
      folders.push(safe.path);
      continue;
    }
    const { path, clash } = unclashedName(safe.path, taken, fold, { basename, dirname, join });
    const reason: RenamedDownload['reason'] | undefined = clash ? 'clash' : safe.reason;
    if (reason) renamed.push({ key: it.key, path, reason });
    requests.push({
      profileId: choice.profileId,
      bucket,
      key: it.key,
      localPath: path,
      size: it.size,
      ...(it.versionId ? { versionId: it.versionId } : {}),
      ...(choice.priority !== undefined ? { priority: choice.priority } : {}),
      ...(choice.origin ? { origin: choice.origin } : {}),
    });
  }
  return { requests, renamed, folders };
}

/**
 * Makes a plan's empty folders. A file already there under a folder's name is left alone: the folder would only
 * have been empty.
 */
export async function makeEmptyFolders(folders: readonly string[]): Promise<void> {
  for (const path of folders) {
    try {
      await mkdir(path, { recursive: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw new AppError('FOLDER_NOT_WRITABLE', { path }, { cause: err });
    }
  }
}
