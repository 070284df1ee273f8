/**
 * Walks a sync folder: stays inside it (symlinks pointing outside are reported, never followed), stops at
 * symlink loops, turns names into NFC keys, reports names that would collide or are too long, and hashes
 * each file once: SHA-256 and MD5 (plus the AWS CLI's multipart ETag) are cached in the index by size+mtime.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { SyncProblem, SyncProblemKind } from '../../../shared/contract/sync';
import { hashFile } from '../s3/content-hash';
import { keyProblem, MAX_KEY_BYTES } from '../s3/validate';
import type { IndexDb, IndexedFile } from './index-db';
import type { IgnoreMatcher } from './ignore';

/** Why a path was left out of a scan. */
export type ScanProblemKind = Exclude<SyncProblemKind, 'pattern-unnamed' | 'pattern-collision' | 'reserved-name' | 'same-key'>;

/** A path the scan reported instead of syncing silently. */
export interface ScanProblem extends SyncProblem {
  kind: ScanProblemKind;
}

/** What a scan found. */
export interface ScanResult {
  files: IndexedFile[];
  problems: ScanProblem[];
  /** How many files had to be read and hashed (the rest came from the index). */
  hashed: number;
}

/** Scan options. */
export interface ScanOptions {
  ignore: IgnoreMatcher;
  index?: IndexDb;
  /** The bucket prefix keys will get, for the 1,024-byte key limit. */
  prefix?: string;
  /** Files hashed at once. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after each folder with the files found so far, so a long scan's count moves on screen. */
  onProgress?: (files: number) => void;
}

/** The digests the index keeps for a file (SHA-256, MD5 and the AWS CLI's multipart ETag), from one read. */
export async function indexHashes(path: string, size: number): Promise<Pick<IndexedFile, 'sha256' | 'md5' | 'mpEtag'>> {
  const h = await hashFile(path, { md5: true, awsCliEtag: true, sizeHint: size });
  return { sha256: h.sha256, md5: h.md5, ...(h.mpEtag ? { mpEtag: h.mpEtag } : {}) };
}

/** Turns a path relative to the folder into its key: forward slashes, NFC. */
export function keyOf(rel: string): string {
  return rel.split(sep).join('/').normalize('NFC');
}

function inside(root: string, target: string): boolean {
  return target === root || target.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** A file a walk found: its key (NFC, '/'), its path relative to the root as on disk, its full path, size and mtime. */
export interface WalkedFile {
  key: string;
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

/** How a walk goes: which paths are ignored, the prefix keys will get (for the key's limits), and a stop signal. */
export type WalkOptions = Pick<ScanOptions, 'ignore' | 'prefix' | 'signal'>;

/** What a walk reported, and the keys two spellings of one name share (neither of which may go). */
export interface WalkResult {
  problems: ScanProblem[];
  collided: Set<string>;
}

/**
 * Why a file's key cannot go to the bucket (too long once prefixed, or a name S3 cannot carry, such as macOS's
 * `Icon\r`), as a problem to report, or undefined. One rule for scans, incremental passes and dropped folders.
 */
export function nameProblem(key: string, prefix = ''): ScanProblem | undefined {
  if (Buffer.byteLength(prefix) + Buffer.byteLength(key) > MAX_KEY_BYTES) {
    return { path: key, kind: 'key-too-long', reason: `name is longer than ${MAX_KEY_BYTES} bytes in the bucket` };
  }
  const reason = keyProblem(prefix + key);
  return reason ? { path: key, kind: 'name-invalid', reason: `name cannot be used in a bucket: ${reason}` } : undefined;
}

/** What a walk says of an entry that is neither a file nor a folder (a pipe, a socket, a device). */
function notAFile(path: string): ScanProblem {
  return { path, kind: 'unreadable', reason: 'not a file (a pipe, a socket or a device)' };
}

/**
 * The one answer to "which files of a folder go", for sync's scans and for dropped or uploaded folders: walks the
 * folder and hands each folder's files to `onFolder`, leaving out what `ignore` matches and reporting, never
 * throwing for, a single bad entry. A file that later turns out to share its key with another is in `collided`.
 */
export async function walkFolder(root: string, options: WalkOptions, onFolder: (files: WalkedFile[]) => Promise<void>): Promise<WalkResult> {
  const problems: ScanProblem[] = [];
  const rootReal = await realpath(root);
  const rootStat = await stat(rootReal);
  const visited = new Set<string>([`${rootStat.dev}:${rootStat.ino}`]);
  // Only strings are kept for the whole walk; stats are handled folder by folder to keep memory flat at 100,000 files.
  const byKey = new Map<string, string>();
  const collided = new Set<string>();
  const byLower = new Map<string, string>();
  const stack: string[] = [''];

  while (stack.length > 0) {
    options.signal?.throwIfAborted();
    const dirRel = stack.pop()!;
    let entries;
    try {
      entries = await readdir(join(root, dirRel), { withFileTypes: true });
    } catch {
      problems.push({ path: dirRel, kind: 'unreadable', reason: 'folder cannot be read' });
      continue;
    }
    const here: WalkedFile[] = [];
    const listed = await Promise.all(
      entries.map(async (ent) => {
        const rel = dirRel === '' ? ent.name : `${dirRel}${sep}${ent.name}`;
        const abs = join(root, rel);
        try {
          if (ent.isSymbolicLink()) {
            let target: string;
            try {
              target = await realpath(abs);
            } catch (err) {
              // Links that lead to each other (a → b → a) never reach a file: a loop, not a missing target.
              if ((err as NodeJS.ErrnoException).code === 'ELOOP') return { rel, problem: { path: keyOf(rel), kind: 'symlink-loop', reason: 'link loops back on itself' } as ScanProblem };
              return { rel, problem: { path: keyOf(rel), kind: 'unreadable', reason: 'broken link' } as ScanProblem };
            }
            // A link out of the folder could expose anything (~/.aws/credentials); never follow it.
            if (!inside(rootReal, target)) return { rel, problem: { path: keyOf(rel), kind: 'symlink-outside', reason: 'link points outside the folder' } as ScanProblem };
            const st = await stat(abs);
            if (!st.isDirectory() && !st.isFile()) return { rel, problem: notAFile(keyOf(rel)) };
            // A link to a folder that holds the link itself is a loop; any other is a second way to a folder.
            return { rel, abs, st, dir: st.isDirectory(), loops: st.isDirectory() && inside(target, join(rootReal, dirRel)) };
          }
          // A pipe, a socket or a device has no content to send: it is said, not silently dropped.
          if (!ent.isDirectory() && !ent.isFile()) return { rel, problem: notAFile(keyOf(rel)) };
          const st = await lstat(abs);
          return { rel, abs, st, dir: ent.isDirectory() };
        } catch {
          return { rel, problem: { path: keyOf(rel), kind: 'unreadable', reason: 'cannot be read' } as ScanProblem };
        }
      }),
    );
    // Links last: a folder reached both by its own name and through a link beside it goes under its own name.
    const found = [...listed.filter((f) => !('loops' in f)), ...listed.filter((f) => 'loops' in f)];
    for (const f of found) {
      if ('problem' in f && f.problem) {
        if (!options.ignore(keyOf(f.rel))) problems.push(f.problem);
        continue;
      }
      if (!('st' in f) || !f.st) continue;
      const key = keyOf(f.rel);
      if (options.ignore(key, f.dir)) continue;
      if (f.dir) {
        const id = `${f.st.dev}:${f.st.ino}`;
        if (visited.has(id)) {
          const reason = 'loops' in f && !f.loops ? 'link to a folder that is already included under its own name' : 'link loops back to a folder already scanned';
          problems.push({ path: key, kind: 'symlink-loop', reason });
          continue;
        }
        visited.add(id);
        stack.push(f.rel);
        continue;
      }
      if (!f.st.isFile()) continue;
      const bad = nameProblem(key, options.prefix);
      if (bad) {
        problems.push(bad);
        continue;
      }
      const prior = byKey.get(key);
      if (prior || collided.has(key)) {
        // Two spellings (NFC and NFD) of one name would overwrite each other in the bucket: report both, sync neither.
        problems.push({ path: key, kind: 'name-collision', other: prior ?? key, reason: `"${f.rel}" and "${prior ?? key}" have the same name after unicode normalisation` });
        byKey.delete(key);
        collided.add(key);
        continue;
      }
      const lower = key.toLowerCase();
      const other = byLower.get(lower);
      if (other !== undefined && other !== key) {
        problems.push({ path: key, kind: 'case-collision', other, reason: `"${key}" and "${other}" differ only in letter case and would collide on Windows or macOS` });
      } else byLower.set(lower, key);
      byKey.set(key, f.rel);
      here.push({ key, rel: f.rel, abs: f.abs!, size: f.st.size, mtimeMs: f.st.mtimeMs });
    }
    await onFolder(here);
  }
  return { problems, collided };
}

/** Walks and hashes a folder; never throws for a single bad entry, it reports it. */
export async function scanFolder(root: string, options: ScanOptions): Promise<ScanResult> {
  const files: IndexedFile[] = [];
  let hashed = 0;
  const hashProblems: ScanProblem[] = [];
  const walk = await walkFolder(root, options, async (here) => {
    hashed += await hashBatch(here, files, hashProblems, options);
    options.onProgress?.(files.length);
  });
  const { collided } = walk;
  return { files: collided.size > 0 ? files.filter((f) => !collided.has(f.key)) : files, problems: [...walk.problems, ...hashProblems], hashed };
}

/** Hashes one folder's files (reusing the index where size and mtime match) and stores the new hashes. */
async function hashBatch(candidates: WalkedFile[], files: IndexedFile[], problems: ScanProblem[], options: ScanOptions): Promise<number> {
  const fresh: IndexedFile[] = [];
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const i = next++;
      const c = candidates[i]!;
      const cached = options.index?.getFile(c.key);
      if (cached && cached.size === c.size && cached.mtimeMs === c.mtimeMs && cached.rel === c.rel) {
        files.push(cached);
        continue;
      }
      options.signal?.throwIfAborted();
      try {
        const f: IndexedFile = { key: c.key, rel: c.rel, size: c.size, mtimeMs: c.mtimeMs, ...(await indexHashes(c.abs, c.size)) };
        files.push(f);
        fresh.push(f);
      } catch {
        problems.push({ path: c.key, kind: 'unreadable', reason: 'file cannot be read' });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  const index = options.index;
  if (index && fresh.length > 0) index.transaction(() => fresh.forEach((f) => index.putFile(f)));
  return fresh.length;
}
