/**
 * Turns what the person chose to download (objects, folders) into one request per object, each with its local
 * path: a folder keeps its own name as the top local folder, as an uploaded folder keeps it in the keys.
 */
import { basename, dirname, join, posix } from 'node:path';
import type { RenamedDownload } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { headObject, listPrefixParallel } from '../s3/objects';
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
  folder: string;
  priority?: number;
  origin?: string;
  platform?: NodeJS.Platform;
  signal?: AbortSignal;
}

/** The requests, in key order, and every local name that differs from its key. */
export interface DownloadPlan {
  requests: DownloadRequest[];
  renamed: RenamedDownload[];
}

/**
 * Expands keys into downloads: a key that names an object is that file; a key ending in '/', or naming no object,
 * is a folder and brings every object under it. Nothing is queued when a key names neither (OBJECT_NOT_FOUND).
 */
export async function planDownloads(ctx: S3Context, choice: DownloadChoice): Promise<DownloadPlan> {
  assertBucketRef(choice.bucket);
  const { bucket, signal } = choice;
  const platform = choice.platform ?? process.platform;
  const items: { key: string; rel: string; size: number }[] = [];
  for (const key of choice.keys) {
    // '' is the whole bucket (the CLI's s3://bucket).
    if (key !== '' && !key.endsWith('/')) {
      const head = await headObject(ctx, bucket, key, signal);
      if (head) {
        items.push({ key, rel: posix.basename(key), size: head.size });
        continue;
      }
    }
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    const listed = await listPrefixParallel(ctx, bucket, prefix, signal);
    if (listed.size === 0) throw new AppError('OBJECT_NOT_FOUND', { key, bucket });
    // 'photos/2024/' downloads into '2024/…'; a prefix of only slashes has no name, so the bucket's stands in.
    const top = prefix.replace(/\/+$/, '').split('/').pop() || bucket;
    const rels = [...listed.keys()].sort();
    for (const rel of rels) items.push({ key: prefix + rel, rel: `${top}/${rel}`, size: listed.get(rel)!.size });
  }

  const requests: DownloadRequest[] = [];
  const renamed: RenamedDownload[] = [];
  const taken = new Set<string>();
  const fold = caseInsensitiveFs(platform) ? (p: string) => p.toLowerCase() : (p: string) => p;
  for (const it of items) {
    const safe = localPathFor(choice.folder, it.rel, platform);
    let path = safe.path;
    let reason: RenamedDownload['reason'] | undefined = safe.reason;
    // Two keys that the cleaning (or a case-blind disk) makes one name: the later one becomes `name (1).ext`.
    for (let n = 1; taken.has(fold(path)); n++) {
      path = join(dirname(safe.path), keepBothKey(basename(safe.path), n));
      reason = 'clash';
    }
    taken.add(fold(path));
    if (reason) renamed.push({ key: it.key, path, reason });
    requests.push({
      profileId: choice.profileId,
      bucket,
      key: it.key,
      localPath: path,
      size: it.size,
      ...(choice.priority !== undefined ? { priority: choice.priority } : {}),
      ...(choice.origin ? { origin: choice.origin } : {}),
    });
  }
  return { requests, renamed };
}
