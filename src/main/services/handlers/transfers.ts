/** Handlers for transfer commands: expanding dropped paths into uploads, and the queue controls. */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { Target, UploadOptions } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { CoreDeps } from '../context';
import { landingKey } from '../landing/key-template';
import type { Handlers } from '../dispatch';
import { assertBucketRef, assertUploadKey } from '../s3/validate';
import type { S3Clients } from '../s3/types';
import { planDownloads } from '../transfers/download-plan';
import type { TransferService } from '../transfers/transfer-service';
import type { UploadRequest } from '../transfers/types';

type TransferCommand =
  | 'transfers:enqueue'
  | 'transfers:download'
  | 'transfers:list'
  | 'transfers:pause'
  | 'transfers:resume'
  | 'transfers:cancel'
  | 'transfers:retry'
  | 'transfers:clearFinished';

/** An item to upload, as the contract carries it. */
export interface EnqueueItem {
  path: string;
  relativeKey?: string;
}

/** Every file under a folder (symlinks are not followed, so a loop cannot run forever), as paths relative to it with '/'. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const out: string[] = [];
  for (const d of entries) {
    if (!d.isFile()) continue;
    const full = join(d.parentPath, d.name);
    out.push(relative(dir, full).split(sep).join('/'));
  }
  return out.sort();
}

/**
 * The sizes of many files, a few dozen stats at a time, so a dropped folder's total is known before its first
 * upload starts (and the queue need not stat each file again). A file gone meanwhile gets undefined: the upload
 * itself then says plainly that it is missing.
 */
async function sizesOf(paths: string[]): Promise<(number | undefined)[]> {
  const sizes: (number | undefined)[] = new Array(paths.length);
  const batch = 64;
  for (let i = 0; i < paths.length; i += batch) {
    await Promise.all(
      paths.slice(i, i + batch).map(async (p, j) => {
        sizes[i + j] = await stat(p).then(
          (st) => st.size,
          () => undefined,
        );
      }),
    );
  }
  return sizes;
}

/**
 * Turns dropped paths into upload requests, like dropping them on the window: a file becomes `<prefix>/<name>`,
 * a folder `<prefix>/<folder>/<relative path>` for each file in it; `relativeKey` overrides the name.
 * Every bucket name and key is checked before anything is queued.
 */
export async function expandItems(
  items: EnqueueItem[],
  target: Target,
  options?: UploadOptions,
  priority = 0,
  origin = 'drop',
  templateTime: 'upload' | 'mtime' = 'upload',
): Promise<UploadRequest[]> {
  assertBucketRef(target.bucket);
  const requests: UploadRequest[] = [];
  const now = new Date();
  // The key is fixed here, once: the journal, the existing-object check and a resume after a restart all see the
  // same key, even when a template's {hh} would render differently an hour later. The body is prepared at upload.
  const keyOf = async (localPath: string, relativePath: string): Promise<string> => {
    // Only a template's date tokens need a time; without one no file is statted for it.
    const time = options?.template && templateTime === 'mtime' ? (await stat(localPath)).mtime : now;
    return landingKey(relativePath, { prefix: target.prefix, template: options?.template, time, gzip: options?.gzip });
  };
  for (const item of items) {
    let st;
    try {
      st = await stat(item.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new AppError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', { path: item.path }, { cause: err });
    }
    const base = (item.relativeKey ?? basename(item.path)).replace(/^\/+/, '');
    const add = async (localPath: string, relativePath: string, size: number | undefined) =>
      requests.push({
        localPath,
        profileId: target.profileId,
        bucket: target.bucket,
        key: await keyOf(localPath, relativePath),
        priority,
        origin,
        ...(options ? { options } : {}),
        ...(size !== undefined ? { size } : {}),
      });
    if (st.isFile()) await add(item.path, base, st.size);
    else if (st.isDirectory()) {
      const folderKey = base.replace(/\/+$/, '');
      const rels = await filesUnder(item.path);
      const paths = rels.map((rel) => join(item.path, ...rel.split('/')));
      const sizes = await sizesOf(paths);
      for (let i = 0; i < rels.length; i++) await add(paths[i]!, `${folderKey}/${rels[i]}`, sizes[i]);
    } else throw new AppError('NOT_A_FILE', { path: item.path });
  }
  for (const r of requests) assertUploadKey(r.key);
  return requests;
}

/** Transfer handlers. */
export function createTransferHandlers(deps: CoreDeps, transfers: TransferService, clients: S3Clients = transfers.clients): Pick<Handlers, TransferCommand> {
  return {
    'transfers:enqueue': async ({ items, target, options, priority }) => {
      const requests = await expandItems(items, target, options, priority, 'drop', deps.settings.get().templateTime);
      return { ids: transfers.enqueue(requests) };
    },
    'transfers:download': async ({ source, folder, priority }) => {
      const ctx = await clients.forProfile(source.profileId);
      const plan = await planDownloads(ctx, { ...source, folder, priority, origin: 'drop' });
      return { ids: transfers.enqueueDownloads(plan.requests), renamed: plan.renamed };
    },
    'transfers:list': () => transfers.list(),
    'transfers:pause': ({ id }) => transfers.pause(id),
    'transfers:resume': ({ id }) => transfers.resume(id),
    'transfers:cancel': ({ id }) => transfers.cancel(id),
    'transfers:retry': ({ id }) => transfers.retry(id),
    'transfers:clearFinished': () => transfers.clearFinished(),
  };
}
