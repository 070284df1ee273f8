/**
 * The one home of history: what was uploaded, downloaded, deleted, restored, moved and synced, in `<dataDir>/history.sqlite`,
 * the newest `maxEntries` kept. Transfers are recorded from the queue's own progress snapshots (so the queue knows
 * nothing of history); deletes, restores and sync passes call `record` through `CoreDeps.history`.
 */
import { join } from 'node:path';
import type { DatabaseSync, StatementSync, SQLInputValue } from 'node:sqlite';
import type { CommandArgs, HistoryEntry, HistoryKind, HistoryOutcome, HistoryPage, TransferSnapshot } from '../../../shared/contract';
import type { AppErrorData } from '../../../shared/errors';
import type { EventBus } from '../events';
import type { Logger } from '../log/logger';
import { openSqliteFile } from '../persist/sqlite-file';

/** What a recorder is given: an entry without its id, and an optional `ref` that makes recording it twice a no-op. */
export type HistoryRecord = Omit<HistoryEntry, 'id'> & { ref?: string };

/** Where the engine's services send what they did. */
export interface HistoryRecorder {
  /** Records entries (one transaction); never throws, since history must not fail the work it describes. */
  record(entries: readonly HistoryRecord[]): void;
  /** Which of `refs` an entry holds (empty when history cannot be read: it never throws either). */
  knownRefs?(refs: readonly string[]): Set<string>;
}

/** How many entries are kept by default. */
export const HISTORY_MAX_ENTRIES = 10_000;

/** What the service needs. */
export interface HistoryServiceOptions {
  dataDir: string;
  events: EventBus;
  logger: Logger;
  /** The file; default `<dataDir>/history.sqlite`. */
  file?: string;
  maxEntries?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL, outcome TEXT NOT NULL,
  profile_id TEXT NOT NULL, bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL DEFAULT 0,
  pair_id TEXT, local_path TEXT, error TEXT, ref TEXT, from_key TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS entries_ref ON entries(ref) WHERE ref IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_pair ON entries(pair_id, id);
`;

/** Final transfer states, and the outcome each is recorded as. */
const TRANSFER_OUTCOMES: Partial<Record<TransferSnapshot['state'], HistoryOutcome>> = { done: 'done', skipped: 'skipped', failed: 'failed', cancelled: 'cancelled' };

/** The sync pair id in a transfer's origin (`sync:<id>`). */
export function pairIdOfOrigin(origin: string | undefined): string | undefined {
  return origin?.startsWith('sync:') ? origin.slice('sync:'.length) : undefined;
}

/** The history entry a finished transfer snapshot stands for, or undefined while it has not finished. */
export function recordOfTransfer(t: TransferSnapshot): HistoryRecord | undefined {
  const outcome = TRANSFER_OUTCOMES[t.state];
  if (!outcome || t.finishedAt === undefined) return undefined;
  const pairId = pairIdOfOrigin(t.origin);
  return {
    // A retried transfer ends again later: a new entry. The same end seen in two snapshots is one entry.
    ref: `transfer:${t.id}:${t.state}:${t.finishedAt}`,
    at: t.finishedAt,
    kind: t.direction === 'download' ? 'download' : 'upload',
    outcome,
    profileId: t.profileId,
    bucket: t.bucket,
    key: t.key,
    size: t.bytesTotal,
    ...(pairId ? { pairId } : {}),
    ...(t.error ? { error: t.error } : {}),
  };
}

/** History over one SQLite file. */
export class HistoryService implements HistoryRecorder {
  private opened?: { db: DatabaseSync; insert: StatementSync };
  private readonly maxEntries: number;
  private readonly unsubscribe: () => void;
  private closed = false;

  /** Starts recording finished transfers from the bus; the file is opened (or created) at its first read or write. */
  constructor(private readonly options: HistoryServiceOptions) {
    this.maxEntries = options.maxEntries ?? HISTORY_MAX_ENTRIES;
    this.unsubscribe = options.events.on('transfers:progress', (ev) => this.recordTransfers(ev.changed));
  }

  /** The file, opened when first needed: a run that records and reads nothing (a no-change CLI pass) never opens it. */
  private get file(): { db: DatabaseSync; insert: StatementSync } {
    if (this.opened) return this.opened;
    // As a closed database would: a read after close() must not open the file again (and hold it open).
    if (this.closed) throw new Error('history is closed');
    const opened = openSqliteFile(this.options.file ?? join(this.options.dataDir, 'history.sqlite'), SCHEMA);
    if (opened.corruptMovedTo) this.options.logger.warn(`history was damaged; it was moved to ${opened.corruptMovedTo} and a new one started`);
    const db = opened.db;
    // A file from before moves were recorded gains their column; its old entries keep NULL there.
    const columns = db.prepare('PRAGMA table_info(entries)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'from_key')) db.exec('ALTER TABLE entries ADD COLUMN from_key TEXT');
    const insert = db.prepare(
      'INSERT OR IGNORE INTO entries (at, kind, outcome, profile_id, bucket, key, size, pair_id, local_path, error, ref, from_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    return (this.opened = { db, insert });
  }

  /** The open database (see `file`). */
  private get db(): DatabaseSync {
    return this.file.db;
  }

  /** Records the transfers among `snapshots` that have finished (each end once, however often it is seen). */
  recordTransfers(snapshots: readonly TransferSnapshot[]): void {
    const records = snapshots.map(recordOfTransfer).filter((r): r is HistoryRecord => r !== undefined);
    if (records.length > 0) this.record(records);
  }

  /**
   * Records the finished transfers among `snapshots` that history does not hold yet, asking for them all in one query:
   * the queue restored from the journal at start (2,000 finished transfers after a CLI sync of 2,000 files, at every
   * later run) is nearly all recorded already, and offering each again to be ignored cost about 10 ms per start.
   */
  recordRestored(snapshots: readonly TransferSnapshot[]): void {
    if (this.closed) return;
    const records = snapshots.map(recordOfTransfer).filter((r): r is HistoryRecord => r !== undefined);
    if (records.length === 0) return;
    // Whatever a failed query's trouble, `record` inserts each with OR IGNORE: the same outcome, only slower.
    const known = this.knownRefs(records.map((r) => r.ref!));
    this.record(records.filter((r) => !known.has(r.ref!)));
  }

  /** Which of `refs` an entry holds, in one query; empty when the file cannot be read. */
  knownRefs(refs: readonly string[]): Set<string> {
    if (this.closed || refs.length === 0) return new Set();
    try {
      const rows = this.db
        .prepare('SELECT value AS ref FROM json_each(?) WHERE EXISTS (SELECT 1 FROM entries WHERE entries.ref = json_each.value)')
        .all(JSON.stringify(refs)) as { ref: string }[];
      return new Set(rows.map((r) => r.ref));
    } catch {
      return new Set();
    }
  }

  /** Records entries in one transaction, keeps the newest `maxEntries`, and announces what was new. */
  record(entries: readonly HistoryRecord[]): void {
    if (this.closed || entries.length === 0) return;
    const added: HistoryEntry[] = [];
    try {
      this.db.exec('BEGIN');
      try {
        for (const e of entries) {
          const res = this.file.insert.run(
            e.at,
            e.kind,
            e.outcome,
            e.profileId,
            e.bucket,
            e.key,
            e.size,
            e.pairId ?? null,
            e.localPath ?? null,
            e.error ? JSON.stringify(e.error) : null,
            e.ref ?? null,
            e.from ?? null,
          );
          if (Number(res.changes) > 0) {
            const { ref: _ref, ...entry } = e;
            added.push({ id: Number(res.lastInsertRowid), ...entry });
          }
        }
        if (added.length > 0) this.prune();
        this.db.exec('COMMIT');
      } catch (err) {
        if (this.db.isTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    } catch (err) {
      // A full disk must not fail the upload or delete being recorded; the log says what was lost.
      this.options.logger.warn(`could not record ${entries.length} history entries: ${(err as Error).message}`);
      return;
    }
    if (added.length > 0) this.options.events.emit('history:added', added);
  }

  /** Drops all but the newest `maxEntries` (ids grow with time, so the lowest ids are the oldest). */
  private prune(): void {
    this.db.prepare('DELETE FROM entries WHERE id <= (SELECT id FROM entries ORDER BY id DESC LIMIT 1 OFFSET ?)').run(this.maxEntries);
  }

  /** A page of entries, newest first, matching every filter given. */
  list(q: CommandArgs<'history:list'>): HistoryPage {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const query = q.query.trim();
    if (query) {
      // instr, not LIKE: a name with % or _ is matched as typed.
      where.push('instr(lower(key), lower(?)) > 0');
      params.push(query);
    }
    if (q.kinds) {
      if (q.kinds.length === 0) return { entries: [], more: false };
      where.push(`kind IN (${q.kinds.map(() => '?').join(', ')})`);
      params.push(...q.kinds);
    }
    if (q.outcomes) {
      if (q.outcomes.length === 0) return { entries: [], more: false };
      where.push(`outcome IN (${q.outcomes.map(() => '?').join(', ')})`);
      params.push(...q.outcomes);
    }
    if (q.pairId) {
      where.push('pair_id = ?');
      params.push(q.pairId);
    }
    if (q.before !== undefined) {
      where.push('id < ?');
      params.push(q.before);
    }
    const sql = `SELECT * FROM entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, q.limit + 1) as Record<string, unknown>[];
    return { entries: rows.slice(0, q.limit).map(fromRow), more: rows.length > q.limit };
  }

  /** Stops recording and closes the file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.opened?.db.close();
  }
}

function fromRow(r: Record<string, unknown>): HistoryEntry {
  return {
    id: Number(r.id),
    at: Number(r.at),
    kind: String(r.kind) as HistoryKind,
    outcome: String(r.outcome) as HistoryOutcome,
    profileId: String(r.profile_id),
    bucket: String(r.bucket),
    key: String(r.key),
    size: Number(r.size),
    ...(r.pair_id ? { pairId: String(r.pair_id) } : {}),
    ...(r.local_path ? { localPath: String(r.local_path) } : {}),
    ...(r.from_key ? { from: String(r.from_key) } : {}),
    ...(r.error ? { error: JSON.parse(String(r.error)) as AppErrorData } : {}),
  };
}
