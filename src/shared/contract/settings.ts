/** Settings: the schema is the single source of defaults and validation. */
import { z } from 'zod';
import { command, patchOf } from './define';

/** An answer to "this name is taken": replace it, skip when the content is the same, or keep both (`name (1).ext`). */
export const existingChoiceSchema = z.enum(['overwrite', 'skip-identical', 'keep-both']);

/** A concrete answer to a same-name question. */
export type ExistingChoice = z.output<typeof existingChoiceSchema>;

/**
 * What to do when the destination already exists: one of the choices, or 'ask', which parks the transfer in
 * 'waiting-answer' until the person answers (`transfers:answer`), so nothing is replaced without them knowing.
 */
export const existingActionSchema = z.enum(['ask', ...existingChoiceSchema.options]);

/** The existing-file setting (or an upload's own choice). */
export type ExistingAction = z.output<typeof existingActionSchema>;

/** The persisted settings; every field has a default so a partial or old file still loads. */
export const settingsSchema = z.object({
  /** 2: 'ask' became the default existing-file choice (settings-service.ts migrates a version 1 file). */
  schemaVersion: z.literal(2).default(2),
  language: z.enum(['system', 'en', 'pt-BR']).default('system'),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Files uploaded at the same time; files of 1 MiB or less count a quarter each (they wait on round trips, not bandwidth). */
  concurrency: z.number().int().min(1).max(64).default(8),
  /** Parts of one file uploaded at the same time. */
  partConcurrency: z.number().int().min(1).max(32).default(4),
  /** Part size in MiB; the engine grows it when a file would need more than 10,000 parts. */
  partSizeMiB: z.number().int().min(5).max(5120).default(8),
  /** Files at or above this size (MiB) go as multipart. */
  multipartThresholdMiB: z.number().int().min(5).max(5120).default(16),
  /** Upload bandwidth cap in KiB/s; 0 means no limit. */
  bandwidthLimitKiBps: z.number().int().min(0).default(0),
  existingAction: existingActionSchema.default('ask'),
  notifications: z.boolean().default(true),
  startAtLogin: z.boolean().default(false),
  closeToTray: z.boolean().default(true),
  /** `{hh}` etc. in templates use the upload time or the file's mtime. */
  templateTime: z.enum(['upload', 'mtime']).default('upload'),
  /** Dropped and uploaded folders take the OS's junk files (.DS_Store, Thumbs.db, desktop.ini, ~$ lock files) too. */
  uploadJunkFiles: z.boolean().default(false),
  /**
   * Watched sync pairs compare with the bucket (a full listing) at least this often, in minutes, catching what
   * others changed there; between those passes the pair's index stands in for the bucket.
   */
  syncFullPassMinutes: z.number().int().min(1).max(1440).default(60),
  /** The transfers drawer: 'auto' opens it while work runs and closes it when all is done; 'open'/'closed' pin it. */
  transfersDrawer: z.enum(['auto', 'open', 'closed']).default('auto'),
  /** The open transfers drawer's list height in CSS pixels (dragged or arrow-keyed by its handle). */
  transfersDrawerHeight: z.number().int().min(80).max(2000).default(260),
  lastProfileId: z.string().optional(),
  /** The connection chosen with "Use this by default": the app opens with it, and the CLI uses it when none is named. */
  defaultProfileId: z.string().optional(),
  lastBucket: z.string().optional(),
  lastPrefix: z.string().optional(),
  onboarded: z.boolean().default(false),
});

/** App settings as stored and sent to the UI (no secrets ever live here). */
export type Settings = z.output<typeof settingsSchema>;

/** A partial update from the UI; unknown fields are refused and omitted fields stay as they are. */
export const settingsPatchSchema = patchOf(settingsSchema);

/** Settings commands. */
export const settingsCommands = {
  'settings:get': command<Settings>()(z.object({}).strict()),
  'settings:update': command<Settings>()(settingsPatchSchema),
} as const;

/** Settings events. */
export interface SettingsEvents {
  'settings:changed': Settings;
}
