/**
 * The CLI's two modes over unsaved pairs: `--once` (one pass, its index kept per folder and target so the next
 * run reuses it) and watching until Ctrl-C. Neither pair is written to pairs.json, so the app never picks them up.
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import watcher from '@parcel/watcher';
import type { PassSummary } from './executor';
import { changesSince, type PassBuilder } from './pass-builder';
import { parsePair, requireFolder, type PairRuntime, type PairStore, type SyncPairInput } from './pair-store';

/** A stable id for a CLI pair, so its index is reused between runs. */
export function cliPairId(input: SyncPairInput): string {
  const t = input.target;
  return `cli-${createHash('sha256').update(JSON.stringify([input.folder, t.profileId, t.bucket, t.prefix])).digest('hex').slice(0, 16)}`;
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
    private readonly startPair: (rt: PairRuntime, forceFullPass: boolean) => Promise<void>,
  ) {}

  /** One pass for the CLI's `--once` / `--dry-run`: an unsaved pair whose index persists per folder+target. */
  async syncOnce(input: SyncPairInput, options: SyncOnceOptions = {}): Promise<PassSummary> {
    const config = parsePair(input, cliPairId(input));
    await requireFolder(config.folder);
    const rt = this.store.find(config.id) ?? this.store.create(config, true);
    rt.config = config;
    rt.transient = true;
    if (options.confirmDeletes) rt.confirmedDeletes = Number.MAX_SAFE_INTEGER;
    this.store.delete(config.id); // not listed, not persisted
    const snapshot = this.store.snapshotPath(config.id);
    const pending = `${snapshot}.next`;
    try {
      let summary: PassSummary | undefined;
      if (!options.dryRun) {
        const index = this.march.openIndex(rt);
        // Taken before the pass, so a change made during it shows up next time rather than being lost.
        await watcher.writeSnapshot(config.folder, pending, { ignore: ['.git'] });
        if (!options.full && index.getMeta('clean') === '1' && !index.rebuiltFrom && existsSync(snapshot)) {
          // The last run finished cleanly: only what changed on disk since then needs looking at; no listing.
          const batch = await changesSince(config.folder, snapshot);
          if (batch) {
            summary = await this.store.exclusive(rt, () => this.march.incrementalPass(rt, batch), true);
            summary.skipped = Math.max(0, Number(index.getMeta('files') ?? 0) - summary.uploaded - summary.failed);
          }
        }
      }
      summary ??= await this.store.exclusive(rt, () => this.march.fullPass(rt, options.dryRun ?? false, options.signal), true);
      // A file that changed under its upload is synced again so the object ends equal to the final file.
      for (let round = 0; round < 3 && !options.dryRun && summary.changedDuringUpload.length > 0; round++) {
        const again = await this.store.exclusive(rt, () => this.march.fullPass(rt, false, options.signal), true);
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
    const config = parsePair(input, cliPairId(input));
    await requireFolder(config.folder);
    const rt = this.store.find(config.id) ?? this.store.create(config, false);
    rt.transient = true;
    if (options.confirmDeletes) rt.confirmedDeletes = Number.MAX_SAFE_INTEGER;
    await this.startPair(rt, true);
    return config.id;
  }
}
