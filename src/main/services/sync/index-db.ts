/**
 * The durable per-pair sync index: what each local file looked like when it was last hashed, and what
 * each key looked like in the bucket when it was last synced. SQLite (node:sqlite) in WAL mode so a
 * killed process loses at most the row being written; a damaged file is moved aside and rebuilt.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { openPrivateDb } from '../persist/sqlite-file';

/** One local file as last hashed. */
export interface IndexedFile {
  key: string;
  /** The path relative to the folder as the disk spells it (may be NFD). */
  rel: string;
  size: number;
  mtimeMs: number;
  sha256: string;
  /** Hex MD5 of the whole file: a single-part ETag. */
  md5: string;
  /** The multipart ETag the AWS CLI would produce (8 MiB parts), for files of 8 MiB and more. */
  mpEtag?: string;
}

/** A key's state in the bucket right after the app last synced it. */
export interface SyncedState {
  key: string;
  etag: string;
  size: number;
  sha256: string;
}

/** The index database of one pair. */
export class IndexDb {
  private readonly db: DatabaseSync;
  /** Set when the file was damaged and has been moved aside; the caller rescans and tells the user. */
  readonly rebuiltFrom?: string;
  private readonly stmts: Record<'getFile' | 'putFile' | 'delFile' | 'getSynced' | 'putSynced' | 'delSynced' | 'getMeta' | 'putMeta', StatementSync>;

  /** Opens (or creates) the index at `file`. */
  constructor(readonly file: string) {
    // The folder also holds the folder snapshots, which @parcel/watcher writes with the umask's mode: the folder
    // itself is the owner's alone (and narrowed if an older version made it wider).
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      chmodSync(dirname(file), 0o700);
    } catch {
      // Not ours to change (a shared or read-only parent): the files themselves are still 0600.
    }
    let db: DatabaseSync;
    try {
      db = IndexDb.openChecked(file);
    } catch {
      // A damaged index only costs a rescan; keep the old file for support, never crash the pair.
      const aside = `${file}.corrupt-${Date.now()}`;
      if (existsSync(file)) renameSync(file, aside);
      for (const ext of ['-wal', '-shm']) rmSync(file + ext, { force: true });
      this.rebuiltFrom = aside;
      db = IndexDb.openChecked(file);
    }
    this.db = db;
    this.stmts = {
      getFile: db.prepare('SELECT key, rel, size, mtime AS mtimeMs, sha256, md5, mpetag AS mpEtag FROM files WHERE key = ?'),
      putFile: db.prepare('INSERT OR REPLACE INTO files (key, rel, size, mtime, sha256, md5, mpetag) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      delFile: db.prepare('DELETE FROM files WHERE key = ?'),
      getSynced: db.prepare('SELECT key, etag, size, sha256 FROM synced WHERE key = ?'),
      putSynced: db.prepare('INSERT OR REPLACE INTO synced (key, etag, size, sha256) VALUES (?, ?, ?, ?)'),
      delSynced: db.prepare('DELETE FROM synced WHERE key = ?'),
      getMeta: db.prepare('SELECT v FROM meta WHERE k = ?'),
      putMeta: db.prepare('INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)'),
    };
  }

  private static openChecked(file: string): DatabaseSync {
    const db = openPrivateDb(file);
    try {
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
      const check = db.prepare('PRAGMA quick_check').get() as { quick_check?: string } | undefined;
      if (check?.quick_check !== 'ok') throw new Error('index failed its integrity check');
      db.exec(`
        CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, rel TEXT NOT NULL, size INTEGER NOT NULL, mtime REAL NOT NULL,
          sha256 TEXT NOT NULL, md5 TEXT NOT NULL, mpetag TEXT);
        CREATE TABLE IF NOT EXISTS synced (key TEXT PRIMARY KEY, etag TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      `);
      return db;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** The cached hash row of a key. */
  getFile(key: string): IndexedFile | undefined {
    const row = this.stmts.getFile.get(key) as (IndexedFile & { mpEtag: string | null }) | undefined;
    if (!row) return undefined;
    return { ...row, mpEtag: row.mpEtag ?? undefined };
  }

  /** Stores a hash row. */
  putFile(f: IndexedFile): void {
    this.stmts.putFile.run(f.key, f.rel, f.size, f.mtimeMs, f.sha256, f.md5, f.mpEtag ?? null);
  }

  /** Forgets a local file. */
  deleteFile(key: string): void {
    this.stmts.delFile.run(key);
  }

  /**
   * Forgets every hashed file whose key is not in `keep`, in one statement: a pass that lists the folder's 100,000
   * files would otherwise read every row back into JS (tens of MiB at once) only to delete the few that are gone.
   */
  forgetFilesExcept(keep: readonly string[]): void {
    // The keys go in as one JSON array (SQLite's json_each reads it), so any number of them binds as one parameter.
    this.db.prepare('DELETE FROM files WHERE key NOT IN (SELECT value FROM json_each(?))').run(JSON.stringify(keep));
  }

  /** Every hashed file. */
  allFiles(): IndexedFile[] {
    const rows = this.db.prepare('SELECT key, rel, size, mtime AS mtimeMs, sha256, md5, mpetag AS mpEtag FROM files').all() as unknown as (Omit<IndexedFile, 'mpEtag'> & { mpEtag?: string | null })[];
    // In place rather than a copy of each row: 2,000 spread rows were a third of this read in a no-change pass.
    for (const r of rows) if (r.mpEtag === null) r.mpEtag = undefined;
    return rows as IndexedFile[];
  }

  /** How many files the index holds. */
  countFiles(): number {
    return Number((this.db.prepare('SELECT COUNT(*) AS n FROM files').get() as { n: number }).n);
  }

  /** The last-synced state of a key. */
  getSynced(key: string): SyncedState | undefined {
    return this.stmts.getSynced.get(key) as SyncedState | undefined;
  }

  /** Records that a key now holds this content in the bucket. */
  putSynced(s: SyncedState): void {
    this.stmts.putSynced.run(s.key, s.etag, s.size, s.sha256);
  }

  /** Forgets a key's synced state (after a delete). */
  deleteSynced(key: string): void {
    this.stmts.delSynced.run(key);
  }

  /** Forgets every key's synced state, so the next pass compares each file with the bucket again. */
  clearSynced(): void {
    this.db.exec('DELETE FROM synced');
  }

  /** Every last-synced state, by key. */
  allSynced(): Map<string, SyncedState> {
    const rows = this.db.prepare('SELECT key, etag, size, sha256 FROM synced').all() as unknown as SyncedState[];
    return new Map(rows.map((r) => [r.key, r]));
  }

  /** Reads a small setting of the index (e.g. whether the last pass finished). */
  getMeta(k: string): string | undefined {
    return (this.stmts.getMeta.get(k) as { v: string } | undefined)?.v;
  }

  /** Writes a small setting. */
  setMeta(k: string, v: string): void {
    this.stmts.putMeta.run(k, v);
  }

  /** Runs `fn` in one transaction; 100,000 inserts one by one would each fsync. */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Closes the database. */
  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
