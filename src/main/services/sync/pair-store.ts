/**
 * The sync pairs and their persistence: each pair's live state (a runtime), `sync/pairs.json`, where each pair's
 * index and folder snapshot live, the chain its passes run on one after another, and the throttled status events.
 */
import { readFileSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { syncPairInputSchema, type SyncPairConfig, type SyncPairStatus, type SyncPreview, type SyncState } from '../../../shared/contract/sync';
import type { SyncMode } from './planner';
import { AppError, toErrorData, type AppErrorData } from '../../../shared/errors';
import type { CoreDeps } from '../context';
import { expandHome, homeDir } from '../local-folders';
import type { IndexDb } from './index-db';
import { assertLayout, layoutOf } from './pair-layout';
import { SNAPSHOT_INTERVAL_MS, Throttle } from '../events';
import { toAppError } from '../s3/errors';
import type { FolderWatcher, SettledChanges } from './watcher';
import { writeFileAtomic } from '../persist/atomic-file';

/** A pair's input, as `sync:add` receives it after parsing. */
export type SyncPairInput = Omit<SyncPairConfig, 'id'>;

/** One pair's live state: its config, what the UI is shown, its open index and watcher, and its pass chain. */
export interface PairRuntime {
  config: SyncPairConfig;
  state: SyncState;
  paused: boolean;
  lastSyncAt?: number;
  files: number;
  pending: number;
  error?: AppErrorData;
  preview?: SyncPreview;
  index?: IndexDb;
  watcher?: FolderWatcher;
  chain: Promise<unknown>;
  running: boolean;
  confirmedDeletes?: number;
  settled: SettledChanges;
  /** Set on dispose/remove so a queued pass does nothing. */
  stopped: boolean;
  /** A CLI pair: never written to pairs.json, so the app does not pick it up. */
  transient?: boolean;
  /** When a watched pair's next full pass (a listing) is due to catch changes made in the bucket. */
  fullPassTimer?: NodeJS.Timeout;
  /** How many files the last pass left as the bucket has them (changed there only): told again only when it changes. */
  keptRemote?: number;
}

interface StoredPair {
  config: SyncPairConfig;
  paused?: boolean;
  lastSyncAt?: number;
}

/**
 * Parses a pair's input and refuses a template that cannot work (TEMPLATE_INVALID, with its reason), before
 * anything is saved or scanned. Blank template and table are dropped, so "no template" has one spelling.
 */
export function parsePair(input: SyncPairInput, id: string, home: string): SyncPairConfig {
  const parsed = syncPairInputSchema.parse(input);
  const { template: _t, table: _n, gzip: _g, convertToUtf8: _c, ...rest } = parsed;
  const layout = layoutOf(parsed);
  assertLayout(layout);
  // Typed as `~/Photos`, kept as the real path: the watcher, the index id and the card all need it.
  return { ...rest, folder: expandHome(rest.folder, home), ...layout, id };
}

/**
 * Refuses a folder that is not there: an unmounted drive must never look like an empty folder. Only a mirror pair
 * could have deleted, so only its line says nothing was (SYNC_FOLDER_MISSING; SYNC_FOLDER_GONE otherwise). A folder
 * being added (`'new'`) has never been there, and is refused as FOLDER_NOT_FOUND (a typo, not a lost drive). A file
 * is NOT_A_FOLDER, whatever the mode: "missing or empty" would send the person looking for a drive.
 */
export async function requireFolder(folder: string, mode: SyncMode | 'new'): Promise<void> {
  const st = await stat(folder).catch(() => undefined);
  if (st?.isDirectory()) return;
  if (st) throw new AppError('NOT_A_FOLDER', { path: folder });
  throw new AppError(mode === 'new' ? 'FOLDER_NOT_FOUND' : mode === 'mirror' ? 'SYNC_FOLDER_MISSING' : 'SYNC_FOLDER_GONE', { path: folder });
}

/** The pairs by id, `pairs.json`, each pair's files under `<dataDir>/sync/`, and status events. */
export class PairStore {
  private readonly pairs = new Map<string, PairRuntime>();
  // Throttled to 5/s: a 100,000-file scan must not flood the UI.
  private readonly statusThrottle = new Throttle(() => this.deps.events.emit('sync:status', this.list()), SNAPSHOT_INTERVAL_MS, { immediate: true });
  private readonly dir: string;

  /** Builds the store over `<dataDir>/sync/`. */
  constructor(private readonly deps: CoreDeps) {
    this.dir = join(deps.platform.dataDir, 'sync');
  }

  /** `parsePair` with this engine's home folder for `~`. */
  parse(input: SyncPairInput, id: string): SyncPairConfig {
    return parsePair(input, id, homeDir(this.deps.env));
  }

  private get pairsFile(): string {
    return join(this.dir, 'pairs.json');
  }

  /** Reads the saved pairs into runtimes; a pair that cannot be read is skipped and logged. */
  load(): PairRuntime[] {
    let stored: StoredPair[] = [];
    try {
      stored = (JSON.parse(readFileSync(this.pairsFile, 'utf8')) as { pairs: StoredPair[] }).pairs ?? [];
    } catch {
      // No pairs yet (or an unreadable file: pairs are re-added; the bucket is untouched either way).
    }
    for (const s of stored) {
      const { id, ...input } = s.config;
      const parsed = syncPairInputSchema.safeParse(input);
      if (!parsed.success || typeof id !== 'string') {
        this.deps.logger.warn(`a saved sync pair could not be read and was skipped (${String(id)})`);
        continue;
      }
      const rt = this.create({ ...parsed.data, id }, s.paused ?? false);
      rt.lastSyncAt = s.lastSyncAt;
    }
    return this.all();
  }

  /** A fresh runtime for `config`, replacing any earlier one with its id. */
  create(config: SyncPairConfig, paused: boolean): PairRuntime {
    const rt: PairRuntime = {
      config,
      state: paused ? 'paused' : 'scanning',
      paused,
      files: 0,
      pending: 0,
      chain: Promise.resolve(),
      running: false,
      settled: { files: [], dirs: [], gone: [] },
      stopped: false,
    };
    this.pairs.set(config.id, rt);
    return rt;
  }

  /**
   * Writes every pair but the CLI's to pairs.json, atomically (a crash never leaves half a file). No queue is needed:
   * the map in memory is the truth and this writes all of it at once, so no change is read before an await and lost.
   */
  save(): void {
    const body: { pairs: StoredPair[] } = { pairs: this.all().filter((r) => !r.transient).map((r) => ({ config: r.config, paused: r.paused, lastSyncAt: r.lastSyncAt })) };
    writeFileAtomic(this.pairsFile, JSON.stringify(body, null, 2));
  }

  /** Saves, unless `rt` is not (or no longer) the listed runtime of its pair: a CLI pair, or one replaced meanwhile. */
  saveIfListed(rt: PairRuntime): void {
    if (this.pairs.get(rt.config.id) === rt) this.save();
  }

  /** A pair's runtime; SYNC_PAIR_NOT_FOUND when there is none. */
  get(id: string): PairRuntime {
    const rt = this.pairs.get(id);
    if (!rt) throw new AppError('SYNC_PAIR_NOT_FOUND');
    return rt;
  }

  /** A pair's runtime, if listed. */
  find(id: string): PairRuntime | undefined {
    return this.pairs.get(id);
  }

  /** Unlists a pair (its files stay until `removeFiles`). */
  delete(id: string): void {
    this.pairs.delete(id);
  }

  /** Every listed runtime. */
  all(): PairRuntime[] {
    return [...this.pairs.values()];
  }

  /** Every pair's status. */
  list(): SyncPairStatus[] {
    return this.all().map((r) => this.status(r));
  }

  /** One pair's status, as the UI sees it. */
  status(r: PairRuntime): SyncPairStatus {
    const s: SyncPairStatus = { config: r.config, state: r.state, files: r.files, pending: r.pending + (r.watcher?.pendingCount ?? 0) };
    if (r.lastSyncAt !== undefined) s.lastSyncAt = r.lastSyncAt;
    if (r.error) s.error = r.error;
    if (r.preview) s.preview = r.preview;
    return s;
  }

  /** Sends `sync:status`, at most 5 times a second. */
  emitStatus(): void {
    this.statusThrottle.request();
  }

  /** Sets a pair's state (and error, cleared when absent) and tells the UI. */
  setState(rt: PairRuntime, state: SyncState, error?: AppErrorData): void {
    rt.state = state;
    rt.error = error;
    this.emitStatus();
  }

  /**
   * Runs `fn` after the pair's earlier passes, so passes never overlap. A failure is shown on the pair; with
   * `rethrow` the caller also gets it (and shows it its own way), else the returned promise still rejects.
   */
  exclusive<T>(rt: PairRuntime, fn: () => Promise<T>, rethrow = false): Promise<T> {
    const run = rt.chain.then(async () => {
      rt.running = true;
      try {
        return await fn();
      } finally {
        rt.running = false;
      }
    });
    rt.chain = run.catch((err) => {
      if (!rethrow) this.setState(rt, rt.state === 'needs-confirmation' ? rt.state : 'error', toErrorData(toAppError(err, { path: rt.config.folder, bucket: rt.config.target.bucket })));
    });
    return run;
  }

  /** Where a pair's index lives. */
  indexPath(id: string): string {
    return join(this.dir, `${id}.sqlite`);
  }

  /** Where a pair's folder snapshot lives (what the watcher saw when the last clean run ended). */
  snapshotPath(id: string): string {
    return join(this.dir, `${id}.snapshot`);
  }

  /** Deletes a pair's index and snapshot; the bucket is never touched. */
  removeFiles(id: string): void {
    for (const f of [this.indexPath(id), `${this.indexPath(id)}-wal`, `${this.indexPath(id)}-shm`, this.snapshotPath(id)]) rmSync(f, { force: true });
  }

  /** Stops the pending status event. */
  dispose(): void {
    this.statusThrottle.cancel();
  }
}
