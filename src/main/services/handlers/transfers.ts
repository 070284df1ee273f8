/** Handlers for transfer commands: expanding dropped paths into uploads, and the queue controls. */
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, sep } from 'node:path';
import type { ExistingAction, LeftOut, Target, UploadOptions } from '../../../shared/contract';
import { AppError, errorText } from '../../../shared/errors';
import { isSystemJunk } from '../../../shared/junk-files';
import type { CoreDeps } from '../context';
import { assertInsideRoots } from '../local-folders';
import { optionsForFile } from '../landing/data-file';
import { landingKey } from '../landing/key-template';
import type { Handlers } from '../dispatch';
import { assertBucketRef, assertUploadKey, normalisePrefix } from '../s3/validate';
import { createPatternMatcher } from '../sync/ignore';
import { nameProblem, walkFolder, type WalkedFile } from '../sync/scanner';
import type { S3Clients } from '../s3/types';
import { makeEmptyFolders, planDownloads } from '../transfers/download-plan';
import type { TransferService } from '../transfers/transfer-service';
import { claimKeepBothKey } from '../transfers/upload';
import type { UploadRequest } from '../transfers/types';

type TransferCommand =
  | 'transfers:enqueue'
  | 'transfers:download'
  | 'transfers:list'
  | 'transfers:pause'
  | 'transfers:resume'
  | 'transfers:cancel'
  | 'transfers:retry'
  | 'transfers:clearFinished'
  | 'transfers:clearFailed'
  | 'transfers:answer';

/** An item to upload, as the contract carries it. */
export interface EnqueueItem {
  path: string;
  relativeKey?: string;
}

/** The uploads a drop makes, and what its folders left out. */
export interface Expansion {
  requests: UploadRequest[];
  leftOut: LeftOut;
}

/**
 * Turns dropped paths into upload requests, like dropping them on the window: a file becomes `<prefix>/<name>`,
 * a folder `<prefix>/<folder>/<relative path>` for each file in it; `relativeKey` overrides the name.
 * A folder's files are chosen as a sync pass chooses them (`walkFolder`): links that stay inside are followed, and
 * links out or dangling, names a bucket cannot take and (unless `includeJunk`) the OS's junk files are left out, so
 * one bad file never blocks the rest. Two different files that come to one key are settled here (`settleSameKeys`),
 * with `existing` the same-name setting. Every bucket name and key is checked before anything is queued.
 */
export async function expandItems(
  items: EnqueueItem[],
  target: Target,
  options?: UploadOptions,
  priority = 0,
  origin = 'drop',
  templateTime: 'upload' | 'mtime' = 'upload',
  includeJunk = false,
  exclude: string[] = [],
  existing: ExistingAction = 'overwrite',
): Promise<Expansion> {
  assertBucketRef(target.bucket);
  const requests: UploadRequest[] = [];
  const leftOut: LeftOut = { systemFiles: 0, problems: [] };
  // Patterns match a dropped file's name, and inside a dropped folder the path below it (as a .gitignore there would).
  const excludes = exclude.some((p) => p.trim() !== '') ? createPatternMatcher(exclude) : undefined;
  const excluded = (rel: string, isDir = false): boolean => {
    if (!excludes?.(rel, isDir)) return false;
    if (!isDir) leftOut.excluded = (leftOut.excluded ?? 0) + 1;
    return true;
  };
  const now = new Date();
  // The key is fixed here, once: the journal, the existing-object check and a resume after a restart all see the
  // same key, even when a template's {hh} would render differently an hour later. The body is prepared at upload.
  const keyOf = async (localPath: string, relativePath: string, own: UploadOptions | undefined): Promise<string> => {
    // Only a template's date tokens need a time; without one no file is statted for it.
    const time = own?.template && templateTime === 'mtime' ? (await stat(localPath)).mtime : now;
    return landingKey(relativePath, { prefix: target.prefix, template: own?.template, time, gzip: own?.gzip });
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
    const add = async (localPath: string, relativePath: string, size: number | undefined) => {
      // The landing options are for data files (unless data mode): a photo keeps its name and its bytes.
      const own = await optionsForFile(options, localPath, relativePath);
      requests.push({
        localPath,
        profileId: target.profileId,
        bucket: target.bucket,
        key: await keyOf(localPath, relativePath, own),
        priority,
        origin,
        ...(own ? { options: own } : {}),
        ...(size !== undefined ? { size } : {}),
      });
    };
    if (st.isFile() && base.includes('/')) {
      // A file of a folder browser mode walked and spooled (its key keeps the folder's path): the folder's rules apply.
      const bad = nameProblem(base, normalisePrefix(target.prefix));
      if (bad) leftOut.problems.push(bad);
      else if (!includeJunk && isSystemJunk(base)) leftOut.systemFiles++;
      else if (!excluded(base.slice(base.indexOf('/') + 1))) await add(item.path, base, st.size);
    } else if (st.isFile()) {
      if (!excluded(base)) await add(item.path, base, st.size);
    }
    else if (st.isDirectory()) {
      const folderKey = base.replace(/\/+$/, '');
      const folderPrefix = `${normalisePrefix(target.prefix)}${folderKey}/`;
      // The folder's own name was chosen like a file's: a bad one refuses the drop, rather than leaving out every file.
      assertUploadKey(folderPrefix);
      const ignore = (rel: string, isDir = false) => {
        const junk = !includeJunk && !isDir && isSystemJunk(rel);
        if (junk) leftOut.systemFiles++;
        return junk || excluded(rel.split(sep).join('/'), isDir);
      };
      const found: WalkedFile[] = [];
      const walk = await walkFolder(item.path, { ignore, prefix: folderPrefix }, async (here) => {
        found.push(...here);
      });
      for (const p of walk.problems) leftOut.problems.push({ ...p, path: `${folderKey}/${p.path}` });
      // The key keeps the name as it is on disk (uploads never renormalised it); only the walk compares spellings.
      const files = found.filter((f) => !walk.collided.has(f.key)).sort((x, y) => (x.rel < y.rel ? -1 : x.rel > y.rel ? 1 : 0));
      for (const f of files) await add(f.abs, `${folderKey}/${f.rel.split(sep).join('/')}`, f.size);
    } else throw new AppError('NOT_A_FILE', { path: item.path });
  }
  const settled = await settleSameKeys(requests, leftOut, existing);
  for (const r of settled) assertUploadKey(r.key);
  return { requests: settled, leftOut };
}

/**
 * Two different files of one upload that come to the same key (two dropped folders with the same name, two files
 * with one name, or a name pattern): S3 keeps whichever PUT ends last, which varies from run to run, so the other
 * would be lost without a word. The first in the drop's order keeps the key; with 'keep-both' a later one takes the
 * next `name (n).ext` no file of this upload uses, otherwise it is left out and named. Keys compare as S3 compares
 * them, exactly. The same file given twice (one real path) is sent once.
 */
async function settleSameKeys(requests: UploadRequest[], leftOut: LeftOut, existing: ExistingAction): Promise<UploadRequest[]> {
  const first = new Map<string, UploadRequest>();
  for (const r of requests) if (!first.has(r.key)) first.set(r.key, r);
  if (first.size === requests.length) return requests;
  const taken = new Set(first.keys());
  const real = (path: string) => realpath(path).catch(() => path);
  const settled: UploadRequest[] = [];
  for (const r of requests) {
    const prior = first.get(r.key)!;
    if (prior === r) settled.push(r);
    else if (prior.localPath === r.localPath || (await real(prior.localPath)) === (await real(r.localPath))) continue;
    else if ((r.options?.existing ?? existing) === 'keep-both') {
      settled.push({ ...r, key: claimKeepBothKey(r.key, taken) });
    } else {
      const params = { path: r.localPath, other: prior.localPath, key: r.key };
      leftOut.problems.push({ path: r.localPath, kind: 'same-key', other: prior.localPath, reason: errorText('UPLOAD_SAME_KEY', 'en', params) });
    }
  }
  return settled;
}

/** Transfer handlers. */
export function createTransferHandlers(deps: CoreDeps, transfers: TransferService, clients: S3Clients = transfers.clients): Pick<Handlers, TransferCommand> {
  return {
    'transfers:enqueue': async ({ items, target, options, exclude, priority }) => {
      // A dropped folder's walk keeps to the folder (links out are left out), so its own path is the one to check.
      await assertInsideRoots(items.map((i) => i.path), deps.platform.localRoots);
      const settings = deps.settings.get();
      const { requests, leftOut } = await expandItems(items, target, options, priority, 'drop', settings.templateTime, settings.uploadJunkFiles, exclude, settings.existingAction);
      return { ids: transfers.enqueue(requests), leftOut };
    },
    'transfers:download': async ({ source, folder, priority }) => {
      const roots = deps.platform.localRoots;
      await assertInsideRoots([folder], roots);
      const ctx = await clients.forProfile(source.profileId);
      const plan = await planDownloads(ctx, { ...source, folder, priority, origin: 'drop' });
      // A key's folders land under the chosen one, where a link already there (`data` -> /etc) would carry them out.
      if (roots) await assertInsideRoots(new Set([...plan.requests.map((r) => dirname(r.localPath)), ...plan.folders]), roots);
      await makeEmptyFolders(plan.folders);
      return { ids: transfers.enqueueDownloads(plan.requests), renamed: plan.renamed };
    },
    'transfers:list': () => transfers.list(),
    'transfers:pause': ({ id }) => transfers.pause(id),
    'transfers:resume': ({ id }) => transfers.resume(id),
    'transfers:cancel': ({ id }) => (id === undefined ? transfers.cancelAll() : transfers.cancel(id)),
    'transfers:retry': ({ id }) => transfers.retry(id),
    'transfers:clearFinished': () => transfers.clearFinished(),
    'transfers:clearFailed': () => transfers.clearFailed(),
    'transfers:answer': ({ ids, choice, applyToAll }) => ({ answered: transfers.answer(ids, choice, applyToAll) }),
  };
}
