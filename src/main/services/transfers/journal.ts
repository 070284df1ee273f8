/**
 * The durable transfer journal: SQLite (node:sqlite) in WAL mode under the data folder. Each transfer is a
 * row; each finished multipart part is a row; so a kill -9 loses at most the parts that were in flight.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { openPrivateDb } from '../persist/sqlite-file';
import { AppError, type AppErrorData } from '../../../shared/errors';
import type { TransferDirection, TransferState, UploadOptions, VerifiedBy } from '../../../shared/contract';

/** One transfer as stored. */
export interface JournalTransfer {
  id: string;
  seq: number;
  localPath: string;
  profileId: string;
  bucket: string;
  key: string;
  options?: TransferOptions;
  priority: number;
  origin?: string;
  state: TransferState;
  size: number;
  mtimeMs: number;
  sha256?: string;
  uploadId?: string;
  partSize?: number;
  createdAt: number;
  finishedAt?: number;
  error?: AppErrorData;
  /** Absent means upload (rows written before downloads existed). */
  direction?: TransferDirection;
  /** A download's object ETag when it started: a different one on resume means the object changed. */
  etag?: string;
  /** A download's object version, where the bucket keeps versions. */
  versionId?: string;
  /** How a finished download was checked. */
  verifiedBy?: VerifiedBy;
  /** The enqueue call this transfer came with (one drop); "Apply to all" answers reach the rest of it. */
  batch?: string;
}

/** A transfer's options as journaled: an upload's, or a download's pinned older version (`versionId`). */
export type TransferOptions = UploadOptions & { versionId?: string };

/** One finished part. */
export interface JournalPart {
  partNumber: number;
  etag: string;
  checksum?: string;
  size: number;
}

/** A multipart upload this app created and has not yet completed or aborted. */
export interface OpenUpload {
  uploadId: string;
  profileId: string;
  bucket: string;
  key: string;
  transferId: string;
}

/** A transfer whose CreateMultipartUpload went out and may have made an upload we never heard of, from `since` on. */
export interface UnansweredCreate extends Omit<OpenUpload, 'uploadId'> {
  since: number;
}

interface Row {
  [k: string]: unknown;
}

/** What opening the journal found. */
export interface JournalOpenResult {
  journal: Journal;
  /** Set when the file was unreadable and has been moved aside to this path. */
  corruptMovedTo?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS transfers (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, local_path TEXT NOT NULL, profile_id TEXT NOT NULL, bucket TEXT NOT NULL,
  key TEXT NOT NULL, options TEXT, priority INTEGER NOT NULL DEFAULT 0, origin TEXT, state TEXT NOT NULL,
  size INTEGER NOT NULL DEFAULT 0, mtime_ms REAL NOT NULL DEFAULT 0, sha256 TEXT, upload_id TEXT, part_size INTEGER,
  created_at INTEGER NOT NULL, finished_at INTEGER, error TEXT
);
-- Downloads' columns are added by migrate(), so a journal written before them opens unchanged.
CREATE INDEX IF NOT EXISTS transfers_state ON transfers(state);
CREATE TABLE IF NOT EXISTS parts (
  transfer_id TEXT NOT NULL, part_number INTEGER NOT NULL, etag TEXT NOT NULL, checksum TEXT, size INTEGER NOT NULL,
  PRIMARY KEY (transfer_id, part_number)
);
CREATE TABLE IF NOT EXISTS open_uploads (
  upload_id TEXT PRIMARY KEY, profile_id TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL, transfer_id TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
-- A transfer's CreateMultipartUpload that was sent and whose answer has not been heard and swept after (since: the first).
CREATE TABLE IF NOT EXISTS unanswered_creates (
  transfer_id TEXT PRIMARY KEY, profile_id TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL, since INTEGER NOT NULL
);
`;

/** The journal over one SQLite file. */
export class Journal {
  private readonly stmts = new Map<string, StatementSync>();

  private constructor(private readonly db: DatabaseSync) {}

  /** Opens (or creates) the journal; a damaged file is moved aside and an empty journal is started. */
  static open(file: string): JournalOpenResult {
    mkdirSync(dirname(file), { recursive: true });
    try {
      return { journal: Journal.openUnchecked(file) };
    } catch {
      const aside = `${file}.corrupt-${Date.now()}`;
      renameSync(file, aside);
      for (const extra of ['-wal', '-shm']) if (existsSync(file + extra)) rmSync(file + extra, { force: true });
      return { journal: Journal.openUnchecked(file), corruptMovedTo: aside };
    }
  }

  private static openUnchecked(file: string): Journal {
    const db = openPrivateDb(file);
    try {
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
      const check = db.prepare('PRAGMA quick_check').get() as Row | undefined;
      if (!check || Object.values(check)[0] !== 'ok') throw new Error('journal failed its integrity check');
      db.exec(SCHEMA);
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
    return new Journal(db);
  }

  private stmt(sql: string): StatementSync {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** Runs several writes as one transaction (an enqueue of thousands of files is one fsync, not thousands). */
  batch(fn: () => void): void {
    if (this.db.isTransaction) return fn();
    write(() => this.db.exec('BEGIN'));
    try {
      fn();
      write(() => this.db.exec('COMMIT'));
    } catch (err) {
      // SQLite rolls back by itself on some errors (a full disk), and a second ROLLBACK would hide the cause.
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** The highest sequence number used so far. */
  maxSeq(): number {
    const row = this.stmt('SELECT MAX(seq) AS m FROM transfers').get() as Row;
    return Number(row.m ?? 0);
  }

  /** Inserts or replaces a transfer row. */
  put(t: JournalTransfer): void {
    write(() => this.stmt(
      `INSERT OR REPLACE INTO transfers (id, seq, local_path, profile_id, bucket, key, options, priority, origin, state, size, mtime_ms, sha256, upload_id, part_size, created_at, finished_at, error, direction, etag, version_id, verified_by, batch)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      t.id,
      t.seq,
      t.localPath,
      t.profileId,
      t.bucket,
      t.key,
      t.options ? JSON.stringify(t.options) : null,
      t.priority,
      t.origin ?? null,
      t.state,
      t.size,
      t.mtimeMs,
      t.sha256 ?? null,
      t.uploadId ?? null,
      t.partSize ?? null,
      t.createdAt,
      t.finishedAt ?? null,
      t.error ? JSON.stringify(t.error) : null,
      t.direction === 'download' ? 'download' : null,
      t.etag ?? null,
      t.versionId ?? null,
      t.verifiedBy ?? null,
      t.batch ?? null,
    ));
  }

  /** Every transfer, oldest first. */
  all(): JournalTransfer[] {
    return (this.stmt('SELECT * FROM transfers ORDER BY seq').all() as Row[]).map(fromRow);
  }

  /** The transfers not in one of `finished`'s states, oldest first. */
  unfinished(finished: ReadonlySet<TransferState>): JournalTransfer[] {
    const states = [...finished];
    return (this.db.prepare(`SELECT * FROM transfers WHERE state NOT IN (${states.map(() => '?').join(', ')}) ORDER BY seq`).all(...states) as Row[]).map(fromRow);
  }

  /** Drops the oldest transfers in `states` (and their parts) beyond the newest `keep` of them, in one transaction. */
  pruneOldest(states: ReadonlySet<TransferState>, keep: number): void {
    const list = [...states];
    const placeholders = list.map(() => '?').join(', ');
    // Counted first: every CLI run starts here, and a journal already within bounds needs no write transaction.
    const { n } = this.db.prepare(`SELECT COUNT(*) AS n FROM transfers WHERE state IN (${placeholders})`).get(...list) as { n: number };
    if (n <= keep) return;
    const oldest = `SELECT id FROM transfers WHERE state IN (${placeholders}) ORDER BY seq DESC LIMIT -1 OFFSET ?`;
    this.batch(() => {
      write(() => this.db.prepare(`DELETE FROM parts WHERE transfer_id IN (${oldest})`).run(...list, keep));
      write(() => this.db.prepare(`DELETE FROM transfers WHERE id IN (${oldest})`).run(...list, keep));
    });
  }

  /** Removes a transfer and its parts. */
  remove(id: string): void {
    write(() => this.stmt('DELETE FROM parts WHERE transfer_id = ?').run(id));
    write(() => this.stmt('DELETE FROM transfers WHERE id = ?').run(id));
  }

  /** Records a finished part. */
  putPart(transferId: string, p: JournalPart): void {
    write(() => this.stmt('INSERT OR REPLACE INTO parts (transfer_id, part_number, etag, checksum, size) VALUES (?, ?, ?, ?, ?)').run(
      transferId,
      p.partNumber,
      p.etag,
      p.checksum ?? null,
      p.size,
    ));
  }

  /** The finished parts of a transfer. */
  parts(transferId: string): JournalPart[] {
    return (this.stmt('SELECT * FROM parts WHERE transfer_id = ? ORDER BY part_number').all(transferId) as Row[]).map((r) => ({
      partNumber: Number(r.part_number),
      etag: String(r.etag),
      ...(r.checksum ? { checksum: String(r.checksum) } : {}),
      size: Number(r.size),
    }));
  }

  /** Forgets the parts of a transfer (starting over). */
  clearParts(transferId: string): void {
    write(() => this.stmt('DELETE FROM parts WHERE transfer_id = ?').run(transferId));
  }

  /** Remembers a multipart upload we created, so a crash cannot leak it. */
  addOpenUpload(u: OpenUpload): void {
    write(() => this.stmt('INSERT OR REPLACE INTO open_uploads (upload_id, profile_id, bucket, key, transfer_id, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      u.uploadId,
      u.profileId,
      u.bucket,
      u.key,
      u.transferId,
      Date.now(),
    ));
  }

  /** Forgets a multipart upload that was completed or aborted. */
  removeOpenUpload(uploadId: string): void {
    write(() => this.stmt('DELETE FROM open_uploads WHERE upload_id = ?').run(uploadId));
  }

  /** Every multipart upload we created and have not closed. */
  openUploads(): OpenUpload[] {
    return (this.stmt('SELECT * FROM open_uploads').all() as Row[]).map((r) => ({
      uploadId: String(r.upload_id),
      profileId: String(r.profile_id),
      bucket: String(r.bucket),
      key: String(r.key),
      transferId: String(r.transfer_id),
    }));
  }

  /**
   * Notes, before it is sent, that a transfer's CreateMultipartUpload is on its way. The first such time is kept, so
   * an earlier create whose answer never came (a reset, a pause, a crash) is still known when a later one succeeds.
   */
  noteCreateSent(u: Omit<UnansweredCreate, 'since'>): void {
    write(() => this.stmt('INSERT OR IGNORE INTO unanswered_creates (transfer_id, profile_id, bucket, key, since) VALUES (?, ?, ?, ?, ?)').run(
      u.transferId,
      u.profileId,
      u.bucket,
      u.key,
      Date.now(),
    ));
  }

  /** Every transfer whose creates may have left an upload nobody knows of (or one transfer's, by id). */
  unansweredCreates(transferId?: string): UnansweredCreate[] {
    const rows = (transferId === undefined
      ? this.stmt('SELECT * FROM unanswered_creates').all()
      : this.stmt('SELECT * FROM unanswered_creates WHERE transfer_id = ?').all(transferId)) as Row[];
    return rows.map((r) => ({ transferId: String(r.transfer_id), profileId: String(r.profile_id), bucket: String(r.bucket), key: String(r.key), since: Number(r.since) }));
  }

  /** Forgets a transfer's unanswered creates: every upload they may have made is known or aborted. */
  forgetUnansweredCreates(transferId: string): void {
    write(() => this.stmt('DELETE FROM unanswered_creates WHERE transfer_id = ?').run(transferId));
  }

  /** Closes the database. */
  close(): void {
    try {
      this.db.close();
    } catch {
      // Already closed.
    }
  }
}

/** Columns added after the first release, with their types; old rows read them as NULL (an upload). */
const ADDED_COLUMNS: readonly [string, string][] = [
  ['direction', 'TEXT'],
  ['etag', 'TEXT'],
  ['version_id', 'TEXT'],
  ['verified_by', 'TEXT'],
  ['batch', 'TEXT'],
];

/** Adds the columns an older journal lacks; nothing is rewritten, so old rows stay as they were. */
function migrate(db: DatabaseSync): void {
  const have = new Set((db.prepare('PRAGMA table_info(transfers)').all() as Row[]).map((r) => String(r.name)));
  for (const [name, type] of ADDED_COLUMNS) if (!have.has(name)) db.exec(`ALTER TABLE transfers ADD COLUMN ${name} ${type}`);
}

/** Runs a write, turning SQLite's "disk full" (SQLITE_FULL) into the catalogue's DISK_FULL. */
function write<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const e = err as { errcode?: number; message?: string };
    // 13 is SQLITE_FULL; an I/O error that says ENOSPC is the same cause seen from the OS.
    if (e.errcode === 13 || (e.errcode !== undefined && (e.errcode & 0xff) === 10 && /ENOSPC|full/i.test(e.message ?? ''))) {
      throw new AppError('DISK_FULL', {}, { retryable: false, details: e.message ?? 'SQLITE_FULL', cause: err });
    }
    throw err;
  }
}

function fromRow(r: Row): JournalTransfer {
  return {
    id: String(r.id),
    seq: Number(r.seq),
    localPath: String(r.local_path),
    profileId: String(r.profile_id),
    bucket: String(r.bucket),
    key: String(r.key),
    ...(r.options ? { options: JSON.parse(String(r.options)) as TransferOptions } : {}),
    priority: Number(r.priority),
    ...(r.origin ? { origin: String(r.origin) } : {}),
    state: String(r.state) as TransferState,
    size: Number(r.size),
    mtimeMs: Number(r.mtime_ms),
    ...(r.sha256 ? { sha256: String(r.sha256) } : {}),
    ...(r.upload_id ? { uploadId: String(r.upload_id) } : {}),
    ...(r.part_size ? { partSize: Number(r.part_size) } : {}),
    createdAt: Number(r.created_at),
    ...(r.finished_at ? { finishedAt: Number(r.finished_at) } : {}),
    ...(r.error ? { error: JSON.parse(String(r.error)) as AppErrorData } : {}),
    ...(r.direction === 'download' ? { direction: 'download' as const } : {}),
    ...(r.etag ? { etag: String(r.etag) } : {}),
    ...(r.version_id ? { versionId: String(r.version_id) } : {}),
    ...(r.verified_by ? { verifiedBy: String(r.verified_by) as VerifiedBy } : {}),
    ...(r.batch ? { batch: String(r.batch) } : {}),
  };
}
