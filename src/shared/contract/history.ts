/** History: what was uploaded, downloaded, deleted, restored and synced, kept across restarts. */
import { z } from 'zod';
import { command } from './define';
import type { AppErrorData } from '../errors';

/** What happened to an object. 'trash' is a sync pass moving a deleted file's object to the pair's trash. */
export const historyKinds = ['upload', 'download', 'delete', 'restore', 'trash', 'conflict', 'skip', 'move'] as const;

/** One of `historyKinds`. */
export type HistoryKind = (typeof historyKinds)[number];

/** How it ended. */
export const historyOutcomes = ['done', 'skipped', 'failed', 'cancelled'] as const;

/** One of `historyOutcomes`. */
export type HistoryOutcome = (typeof historyOutcomes)[number];

/** The most entries one `history:list` answers, and the default. */
export const historyPageLimits = { max: 500, default: 100 } as const;

/** One thing that happened to one object. */
export interface HistoryEntry {
  /** Grows with time: the newest entry has the highest id (`before` pages with it). */
  id: number;
  /** When it ended (ms since the epoch). */
  at: number;
  kind: HistoryKind;
  outcome: HistoryOutcome;
  profileId: string;
  bucket: string;
  key: string;
  /** Bytes, where known (0 otherwise). */
  size: number;
  /** The sync pair that did it, if any. */
  pairId?: string;
  /** A download's local file. */
  localPath?: string;
  /** A move's or rename's old place, `bucket/key` (the entry's own bucket and key are the new one). */
  from?: string;
  error?: AppErrorData;
}

/** A page of history, newest first. */
export interface HistoryPage {
  entries: HistoryEntry[];
  /** True when older entries match too (ask again with `before` = the last entry's id). */
  more: boolean;
}

/** History commands. */
export const historyCommands = {
  'history:list': command<HistoryPage>()(
    z
      .object({
        /** Part of the object's key (its name or folder), case-insensitive. */
        query: z.string().max(1024).default(''),
        kinds: z.array(z.enum(historyKinds)).max(historyKinds.length).optional(),
        outcomes: z.array(z.enum(historyOutcomes)).max(historyOutcomes.length).optional(),
        pairId: z.string().min(1).max(100).optional(),
        limit: z.number().int().min(1).max(historyPageLimits.max).default(historyPageLimits.default),
        /** Only entries older than this id (the next page). */
        before: z.number().int().min(1).optional(),
      })
      .strict(),
  ),
} as const;

/** History events. */
export interface HistoryEvents {
  /** Entries just recorded (a UI showing history refreshes or prepends them). */
  'history:added': HistoryEntry[];
}
