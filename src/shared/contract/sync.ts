/** Folder sync pairs: a local folder kept in step with a bucket prefix. */
import { z } from 'zod';
import { command, patchOf } from './define';
import { targetSchema, uploadOptionsSchema } from './transfers';
import type { AppErrorData } from '../errors';

/** What a sync pair is doing. */
export type SyncState = 'watching' | 'scanning' | 'syncing' | 'up-to-date' | 'paused' | 'error' | 'needs-confirmation';

/** What a pair gets when its input leaves a field out: the schema's defaults, which the UI's add form starts from. */
export const syncPairDefaults = { mode: 'upload-only', brakeShare: 0.2, brakeCount: 1000, trashDays: 30, stableMs: 2000 } as const;

/** The largest values the schema accepts, for the UI's number fields. */
export const syncPairLimits = { trashDays: 3650, stableMs: 600_000 } as const;

/** Input for a pair. */
export const syncPairInputSchema = z
  .object({
    folder: z.string().min(1).max(4096),
    target: targetSchema,
    mode: z.enum(['upload-only', 'mirror']).default(syncPairDefaults.mode),
    ignore: z.array(z.string().max(1024)).max(1000).default([]),
    /** Mirror's brake: stop when a pass would delete more than this share (0..1) or count. */
    brakeShare: z.number().min(0).max(1).default(syncPairDefaults.brakeShare),
    brakeCount: z.number().int().min(0).default(syncPairDefaults.brakeCount),
    trashDays: z.number().int().min(0).max(syncPairLimits.trashDays).default(syncPairDefaults.trashDays),
    stableMs: z.number().int().min(0).max(syncPairLimits.stableMs).default(syncPairDefaults.stableMs),
    /**
     * A key template with the landing zone's tokens. In a pair its time tokens come from each file's
     * modification time (never the upload time), so a file's key depends only on its path, its mtime and
     * the template, and a second pass over an unchanged folder uploads nothing. Blank means none.
     */
    template: z.string().max(1024).optional(),
    /** The name {table} stands for; blank or absent means each file's own name (as uploads do). */
    table: z.string().max(255).optional(),
    /** Upload a gzip copy as `<key>.gz` (the local file is untouched). */
    gzip: z.boolean().optional(),
    /** Upload a UTF-8 copy of Windows-1252 text files. */
    convertToUtf8: z.boolean().optional(),
    // What each uploaded object gets, as a drop's "More options" give it.
    ...uploadOptionsSchema.pick({ sse: true, kmsKeyId: true, metadata: true, tags: true }).shape,
    /** '' is the bucket's default: a patch clears the choice with it (JSON cannot carry undefined). */
    storageClass: z.union([z.literal(''), uploadOptionsSchema.shape.storageClass.unwrap()]).optional(),
  })
  .strict();

/** A pair's stored configuration. */
export type SyncPairConfig = z.output<typeof syncPairInputSchema> & { id: string };

/** Why a pass (or an upload: 'same-key', another file of the same upload takes its key) left a file out. */
export const syncProblemKinds = ['symlink-outside', 'symlink-loop', 'name-collision', 'case-collision', 'key-too-long', 'name-invalid', 'unreadable', 'pattern-unnamed', 'pattern-collision', 'reserved-name', 'same-key'] as const;

/** One of `syncProblemKinds`. */
export type SyncProblemKind = (typeof syncProblemKinds)[number];

/**
 * A file a pass left out. `reason` is the English sentence (logs, the CLI); the UI words it from `kind` in its own
 * language, with `other`: the name it collides with, or the key several files would share.
 */
export interface SyncProblem {
  path: string;
  reason: string;
  kind?: SyncProblemKind;
  other?: string;
}

/** A plan preview in counts, shown before a first sync or a mirror delete. */
export interface SyncPreview {
  upload: number;
  uploadBytes: number;
  delete: number;
  conflicts: number;
  skipped: number;
  problems: SyncProblem[];
  /** Set when the deletes trip mirror's brake: the pass would stop there and ask (`count` deletes, `share` of the files). */
  brake?: { count: number; share: number };
}

/** A pair as the UI sees it. */
export interface SyncPairStatus {
  config: SyncPairConfig;
  state: SyncState;
  lastSyncAt?: number;
  files: number;
  pending: number;
  error?: AppErrorData;
  preview?: SyncPreview;
}

const id = z.object({ id: z.string().min(1).max(100) }).strict();

/** Sync commands. */
export const syncCommands = {
  'sync:list': command<SyncPairStatus[]>()(z.object({}).strict()),
  /** `startPaused` adds the pair without syncing, so the UI can show the dry-run preview before the first pass. */
  'sync:add': command<SyncPairStatus>()(syncPairInputSchema.extend({ startPaused: z.boolean().default(false) })),
  'sync:update': command<SyncPairStatus>()(z.object({ id: z.string().min(1).max(100), patch: patchOf(syncPairInputSchema) }).strict()),
  'sync:remove': command<void>()(id),
  'sync:pause': command<void>()(id),
  'sync:resume': command<void>()(id),
  'sync:now': command<void>()(id),
  'sync:preview': command<SyncPreview>()(id),
  'sync:confirmDeletes': command<void>()(id),
} as const;

/** Sync events. */
export interface SyncEvents {
  'sync:status': SyncPairStatus[];
}
