/**
 * The sync planner: a pure function from (local index, remote listing, last-synced state, mode, layout) to
 * operations. It compares content (hashes and ETags), never modification times alone, so unchanged
 * files are never re-uploaded and objects put there by other tools are recognised as the same.
 *
 * With a key template each file is planned under the key the template gives it, whose time tokens come
 * from the file's mtime (see pair-layout.ts), so an unchanged folder always maps to the same keys. When the
 * pair uploads gzip/UTF-8 copies, the object's bytes are not the file's: content is then judged by the
 * source hash the upload stores beside the object's own (`s3drop-source-sha256`).
 */
import type { SyncProblemKind } from '../../../shared/contract/sync';
import type { IndexedFile, SyncedState } from './index-db';
import { collisionReason, keyFiles, transformsBody, type KeyedFiles, type PairLayout } from './pair-layout';

/** One object in the bucket listing, with its key relative to the pair's prefix. */
export interface RemoteEntry {
  key: string;
  size: number;
  /** The ETag without quotes ('' when the server returned none). */
  etag: string;
  /** `x-amz-meta-s3drop-sha256` when a HEAD has read it: the hash of the bytes stored. */
  sha256?: string;
  /** `x-amz-meta-s3drop-source-sha256` when a HEAD has read it: the hash of the local file a gzip/UTF-8 copy was made from. */
  sourceSha256?: string;
}

/** Sync mode: upload-only never deletes; mirror propagates local deletes. */
export type SyncMode = 'upload-only' | 'mirror';

/** Planner inputs besides the three views. */
export interface PlanOptions {
  mode: SyncMode;
  /** Now, for conflict-copy names (passed in so the function stays pure). */
  now: Date;
  /** Remote keys matching these are left alone even in mirror mode. */
  isIgnored?: (key: string) => boolean;
  brakeShare: number;
  brakeCount: number;
  /** The user confirmed this many deletes (or more) after the brake tripped. */
  confirmedDeletes?: number;
  /** Remote keys under the pair (for the brake's share) when `remote` holds only part of them. */
  remoteTotal?: number;
  /** The pair's key template and body choices; without them a file's key is its relative path. */
  layout?: PairLayout;
  /** `keyFiles(local, layout)` when the caller already has it (a full pass keys the files for its HEADs first). */
  keyed?: KeyedFiles;
}

/** What the planner decided for one key. */
export type Operation =
  | { kind: 'upload'; key: string; local: IndexedFile; reason: 'new' | 'changed' }
  | { kind: 'skip'; key: string; local: IndexedFile; remote: RemoteEntry; reason: 'synced' | 'same-content' | 'remote-changed' }
  | { kind: 'conflict-copy'; key: string; copyKey: string; local: IndexedFile; remote: RemoteEntry }
  | { kind: 'delete'; key: string; remote: RemoteEntry }
  | { kind: 'problem'; key: string; reason: string; why: SyncProblemKind; other?: string };

/** A plan: operations grouped by kind, and the brake's verdict. */
export interface Plan {
  uploads: Extract<Operation, { kind: 'upload' }>[];
  skips: Extract<Operation, { kind: 'skip' }>[];
  conflicts: Extract<Operation, { kind: 'conflict-copy' }>[];
  deletes: Extract<Operation, { kind: 'delete' }>[];
  problems: Extract<Operation, { kind: 'problem' }>[];
  /** Set when mirror deletes exceed the share or count and the user has not confirmed them. */
  brake?: { count: number; share: number };
}

/** The prefix (inside the pair's prefix) that holds deleted objects. */
export const TRASH_PREFIX = '.s3drop-trash/';

const md5Etag = /^[0-9a-f]{32}$/;

/**
 * The remote hash to compare with a local file's: for a pair that uploads gzip/UTF-8 copies, the hash of the
 * file the copy was made from (the object's own hash is of the copy and never equals the file's).
 */
export function remoteHash(remote: RemoteEntry, transformed: boolean): string | undefined {
  return transformed ? remote.sourceSha256 : remote.sha256;
}

/** True when the bucket object holds the local file's content (or, `transformed`, a copy made from it), judged by content only. */
export function sameContent(local: IndexedFile, remote: RemoteEntry, transformed = false): boolean {
  // A copy's size and ETag say nothing about the file; only the stored source hash does.
  if (transformed) return remote.sourceSha256 !== undefined && remote.sourceSha256 === local.sha256;
  if (local.size !== remote.size) return false;
  if (remote.sha256) return remote.sha256 === local.sha256;
  const etag = remote.etag.toLowerCase();
  if (md5Etag.test(etag)) return etag === local.md5;
  if (etag.includes('-') && local.mpEtag) return etag === local.mpEtag;
  return false;
}

/**
 * True when the listing alone cannot settle a key and a HEAD must read its stored SHA-256: an object whose
 * ETag moved since the last sync (changed by someone else, or an ETag that is not an MD5: multipart, SSE-KMS)
 * before it is called a conflict, or a same-size object whose ETag cannot be compared (another tool's multipart).
 */
export function needsHead(local: IndexedFile, remote: RemoteEntry, synced?: SyncedState, transformed = false): boolean {
  if (remoteHash(remote, transformed) !== undefined) return false;
  if (synced) return !(synced.etag === remote.etag && synced.size === remote.size);
  // A copy never matches the file by size or ETag: only its stored source hash can say it is the same.
  if (transformed) return true;
  return local.size === remote.size && !sameContent(local, remote);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `dir/name (conflict YYYY-MM-DD HHMM).ext`, in local time. */
export function conflictKey(key: string, now: Date): string {
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}${pad(now.getMinutes())}`;
  const slash = key.lastIndexOf('/');
  const dir = key.slice(0, slash + 1);
  const base = key.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ''];
  return `${dir}${stem} (conflict ${stamp})${ext}`;
}

/**
 * Plans one pass. Operations carry the key each file maps to (its relative path without a template); synced
 * state and the remote listing are by that key. Files the template cannot name, and files that map to one key
 * together, are reported as problems and left alone (neither overwrites the other), and so are files whose key
 * falls in the trash.
 */
export function planSync(local: readonly IndexedFile[], remote: ReadonlyMap<string, RemoteEntry>, synced: ReadonlyMap<string, SyncedState>, options: PlanOptions): Plan {
  const plan: Plan = { uploads: [], skips: [], conflicts: [], deletes: [], problems: [] };
  const layout = options.layout ?? {};
  const transformed = transformsBody(layout);
  const keyed = options.keyed ?? keyFiles(local, layout);
  for (const { file, reason } of keyed.unnamed) plan.problems.push({ kind: 'problem', key: file.key, reason, why: 'pattern-unnamed' });
  for (const [key, files] of keyed.collisions) for (const f of files) plan.problems.push({ kind: 'problem', key: f.key, reason: collisionReason(key, files), why: 'pattern-collision', other: key });
  // Keys some local file maps to, colliding ones included: mirror must not delete an object one of them may own.
  const localKeys = new Set<string>([...keyed.byKey.keys(), ...keyed.collisions.keys()]);
  for (const [key, file] of keyed.byKey) {
    if (key.startsWith(TRASH_PREFIX)) {
      // The trash's own place: the listing sets it aside, so such a file would look new and be sent at every pass,
      // over what mirror moved there.
      plan.problems.push({ kind: 'problem', key: file.key, reason: `name is reserved for S3 Drop's trash (${TRASH_PREFIX})`, why: 'reserved-name' });
      continue;
    }
    const r = remote.get(key);
    const s = synced.get(key);
    if (!r) {
      plan.uploads.push({ kind: 'upload', key, local: file, reason: 'new' });
      continue;
    }
    // Unchanged since the last sync: same ETag, or (when the ETag says nothing) the same stored hash.
    const stored = remoteHash(r, transformed);
    const remoteUnchanged = s !== undefined && ((s.etag === r.etag && s.size === r.size) || (stored !== undefined && stored === s.sha256));
    if (remoteUnchanged && s.sha256 === file.sha256) {
      plan.skips.push({ kind: 'skip', key, local: file, remote: r, reason: s.etag === r.etag ? 'synced' : 'same-content' });
      continue;
    }
    if (sameContent(file, r, transformed)) {
      plan.skips.push({ kind: 'skip', key, local: file, remote: r, reason: 'same-content' });
      continue;
    }
    const localChanged = s !== undefined && s.sha256 !== file.sha256;
    if (s !== undefined && !remoteUnchanged && localChanged) {
      // Both sides moved since the last sync: keep theirs, upload ours beside it.
      plan.conflicts.push({ kind: 'conflict-copy', key, copyKey: conflictKey(key, options.now), local: file, remote: r });
      continue;
    }
    if (s !== undefined && !remoteUnchanged) {
      // Changed in the bucket only: the file here is the copy both sides last agreed on, so sending it would undo
      // someone's edit, which no mode may do (mirror's deletes go to the trash; an overwrite would not). The synced
      // state stays as it was, so an edit made here later is seen as both sides moving (a conflict copy), not as a
      // plain upload over theirs.
      plan.skips.push({ kind: 'skip', key, local: file, remote: r, reason: 'remote-changed' });
      continue;
    }
    plan.uploads.push({ kind: 'upload', key, local: file, reason: 'changed' });
  }
  if (options.mode === 'mirror') {
    // Keys no local file maps to any more: with a time-based template, also a file's old partition after an edit.
    for (const r of remote.values()) {
      if (localKeys.has(r.key) || r.key.startsWith(TRASH_PREFIX) || r.key.endsWith('/')) continue;
      if (options.isIgnored?.(r.key)) continue;
      plan.deletes.push({ kind: 'delete', key: r.key, remote: r });
    }
    const total = Math.max(options.remoteTotal ?? [...remote.keys()].filter((k) => !k.startsWith(TRASH_PREFIX)).length, 1);
    const count = plan.deletes.length;
    const share = count / total;
    if (count > 0 && (share > options.brakeShare || count > options.brakeCount) && (options.confirmedDeletes ?? 0) < count) {
      plan.brake = { count, share };
    }
  }
  return plan;
}
