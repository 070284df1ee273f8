/**
 * Turns what the person chose to download (objects, folders) into one request per object, each with its local
 * path: a folder keeps its own name as the top local folder, as an uploaded folder keeps it in the keys.
 */
import { mkdir } from 'node:fs/promises';
import { posix } from 'node:path';
import type { RenamedDownload } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { cleanEtag, headObjectFields, listPrefixParallel, prefixHasObjects } from '../s3/objects';
import type { S3Context } from '../s3/types';
import { assertBucketRef } from '../s3/validate';
import { caseInsensitiveFs, pathUnder, safeRelativePath, type RenameReason } from './local-names';
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
  /**
   * A folder marker (a `name/` key, as the S3 console and New folder make): an empty folder, not a file; `rel` ends
   * in '/' and `size` is 0. A marker with bytes comes twice: as this folder, and as a file whose `rel` ends in '/'.
   */
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
      const head = await headObjectFields(ctx, bucket, key, signal);
      if (head) {
        items.push({ key, rel: posix.basename(key), size: head.ContentLength ?? 0, etag: cleanEtag(head.ETag) });
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
      const item = { key: prefix + rel, rel: `${top}/${rel}`, size: o.size, etag: o.etag };
      // The folder's own marker (rel '') is the top folder itself: an empty folder chosen still arrives.
      if (rel !== '' && !rel.endsWith('/')) items.push(item);
      else {
        items.push({ ...item, size: 0, folder: true });
        // A marker that holds bytes (`put-object --key m/ --body f`) is a folder and a file: its bytes are not
        // dropped but saved beside the folder (see `localNames`).
        if (o.size > 0) items.push(item);
      }
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
  const head = await headObjectFields(ctx, bucket, key, signal, versionId);
  if (head) return { key, rel: posix.basename(key), size: head.ContentLength ?? 0, etag: cleanEtag(head.ETag), versionId };
  // A folder named without its '/' is no object, and no version of one.
  if (await prefixHasObjects(ctx, bucket, `${key}/`, signal)) throw new AppError('VERSION_NEEDS_ONE_FILE', {});
  // The version is what is missing (the file may well exist): "no file or folder named…" would send people looking.
  throw new AppError('VERSION_ID_NOT_FOUND', { key, bucket, versionId });
}

/** One chosen object's local name, relative and '/'-separated, and why it differs from the key when it does. */
export interface LocalName {
  rel: string;
  reason?: RenameReason;
}

/**
 * A name no earlier one took (`taken` holds them as `fold` compares them), else `name (1).ext`: two keys that the
 * cleaning (or a case-blind disk) makes one name, or a file named as a folder another key needs.
 */
function unclashedName(path: string, taken: Set<string>, fold: (p: string) => string): { path: string; clash: boolean } {
  let out = path;
  let n = 0;
  while (taken.has(fold(out))) out = posix.join(posix.dirname(path), keepBothKey(posix.basename(path), ++n));
  taken.add(fold(out));
  return { path: out, clash: n > 0 };
}

/**
 * The local names of chosen objects, in their order, each made safe (`safeRelativePath`) and none shared. Every
 * folder the objects need is known first, so a file can never take a folder's name, whichever comes first: `d/..`
 * beside `d/../x` (`d/__` and `d/__/x`), `d/.` beside `d/x`, an object `moved` beside `moved/pic`; such a file, and
 * a second file with a name taken, and the bytes of a folder marker that holds some, gets a keep-both name. `fold`
 * is how the disk compares names.
 */
export function localNames(items: readonly ChosenObject[], platform: NodeJS.Platform, fold: (p: string) => string): LocalName[] {
  const safe = items.map((it) => safeRelativePath(it.rel, platform));
  const taken = new Set<string>();
  for (const [i, s] of safe.entries()) {
    // Each folder with its parents; a parent already there had its own parents added with it.
    for (let dir = items[i]!.folder ? s.rel : posix.dirname(s.rel); dir !== '.' && !taken.has(fold(dir)); dir = posix.dirname(dir)) taken.add(fold(dir));
  }
  return safe.map((s, i) => {
    const it = items[i]!;
    if (it.folder) return s;
    // A folder marker's bytes: its name is its folder's, so it always ends up with a keep-both name beside it.
    const { path, clash } = unclashedName(s.rel, taken, fold);
    const reason = it.rel.endsWith('/') ? 'marker' : clash ? 'clash' : s.reason;
    return reason ? { rel: path, reason } : { rel: path };
  });
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
  const fold = caseInsensitiveFs(platform) ? (p: string) => p.toLowerCase() : (p: string) => p;
  const names = localNames(items, platform, fold);
  for (const [i, it] of items.entries()) {
    const { rel, reason } = names[i]!;
    const path = pathUnder(choice.folder, rel, it.key);
    if (it.folder) {
      folders.push(path);
      continue;
    }
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
