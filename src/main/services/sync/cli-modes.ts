/**
 * The CLI's two modes over unsaved pairs: `--once` (one pass, its index kept per folder and target so the next
 * run reuses it) and watching until Ctrl-C. Neither pair is written to pairs.json, so the app never picks them up.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import type { S3Clients } from '../s3/types';
import { nativeWatcher as watcher } from './native-watcher';
import type { PassSummary } from './executor';
import { changesSince, type PassBuilder } from './pass-builder';
import { requireFolder, type PairRuntime, type PairStore, type SyncPairInput } from './pair-store';
import { WATCH_OPTIONS, type SettledChanges } from './watcher';

/**
 * A stable id for a CLI pair, so its index is reused between runs. The endpoint is part of it: the same bucket
 * name on another server is another bucket, whose state this index knows nothing of. A pair without one (AWS)
 * keeps the id it had before endpoints counted.
 */
export function cliPairId(input: SyncPairInput, endpoint?: string): string {
  const t = input.target;
  const parts = [input.folder, t.profileId, t.bucket, t.prefix, ...(endpoint ? [endpoint] : [])];
  return `cli-${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16)}`;
}

/** Options of one CLI pass. */
export interface SyncOnceOptions {
  dryRun?: boolean;
  signal?: AbortSignal;
  confirmDeletes?: boolean;
  full?: boolean;
}

/** Runs the CLI's passes over the store's pairs. */
export class CliModes {
  /** Builds the modes; `startPair` watches a pair and runs its first pass (the service's own). */
  constructor(
    private readonly store: PairStore,
    private readonly march: PassBuilder,
    private readonly clients: S3Clients,
    private readonly startPair: (rt: PairRuntime, forceFullPass: boolean) => Promise<void>,
  ) {}

  /** The pair's id, with the endpoint its profile resolves to (the CLI's --endpoint included). */
  private async pairId(input: SyncPairInput): Promise<string> {
    const ctx = await this.clients.forProfile(input.target.profileId);
    return cliPairId(input, ctx.profile.endpoint);
  }

  /**
   * One pass for the CLI's `--once` / `--dry-run`: an unsaved pair whose index persists per folder and target.
   * It always lists the bucket; after a clean run only the files changed on disk since (the folder snapshot)
   * are looked at, instead of walking the whole folder again (`full` walks it anyway).
   */
  async syncOnce(input: SyncPairInput, options: SyncOnceOptions = {}): Promise<PassSummary> {
    const config = this.store.parse(input, await this.pairId(input));
    await requireFolder(config.folder, config.mode);
    const rt = this.store.find(config.id) ?? this.store.create(config, true);
    rt.config = config;
    rt.transient = true;
    if (options.confirmDeletes) rt.confirmedDeletes = Number.MAX_SAFE_INTEGER;
    this.store.delete(config.id); // not listed, not persisted
    const snapshot = this.store.snapshotPath(config.id);
    const pending = `${snapshot}.next`;
    try {
      let localChanges: (() => Promise<SettledChanges | undefined>) | undefined;
      if (!options.dryRun) {
        const index = this.march.openIndex(rt);
        // Read before the pass marks the index unclean: the last run finished cleanly, so what changed on disk since
        // then is all the folder can tell us.
        const clean = !options.full && index.getMeta('clean') === '1' && !index.rebuiltFrom && existsSync(snapshot);
        localChanges = async () => {
          // Taken before the folder is read, so a change made during the pass shows up next time rather than being lost.
          await watcher.writeSnapshot(config.folder, pending, WATCH_OPTIONS);
          return clean ? changesSince(config.folder, snapshot) : undefined;
        };
      }
      const { dryRun, signal } = options;
      let summary = await this.store.exclusive(rt, () => this.march.fullPass(rt, { dryRun, signal, localChanges }), true);
      // A file that changed under its upload is synced again so the object ends equal to the final file.
      for (let round = 0; round < 3 && !options.dryRun && summary.changedDuringUpload.length > 0; round++) {
        const again = await this.store.exclusive(rt, () => this.march.fullPass(rt, { signal }), true);
        summary = { ...again, uploaded: summary.uploaded + again.uploaded, bytes: summary.bytes + again.bytes };
      }
      if (!options.dryRun && rt.index?.getMeta('clean') === '1') renameSync(pending, snapshot);
      return summary;
    } finally {
      rmSync(pending, { force: true });
      rt.index?.close();
      rt.index = undefined;
    }
  }

  /** Watches an unsaved pair (the CLI without --once): subscribes first, then a full pass, so no change slips between them. */
  async watchPair(input: SyncPairInput, options: { confirmDeletes?: boolean } = {}): Promise<string> {
    const config = this.store.parse(input, await this.pairId(input));
    await requireFolder(config.folder, config.mode);
    const rt = this.store.find(config.id) ?? this.store.create(config, false);
    rt.transient = true;
    if (options.confirmDeletes) rt.confirmedDeletes = Number.MAX_SAFE_INTEGER;
    await this.startPair(rt, true);
    return config.id;
  }
}
