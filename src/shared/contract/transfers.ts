/** Transfers: the queue, its progress snapshots and its controls. */
import { z } from 'zod';
import { command } from './define';
import type { AppErrorData } from '../errors';
import { MAX_METADATA_BYTES, metadataProblem } from '../object-metadata';
import { existingActionSchema, existingChoiceSchema } from './settings';
import type { SyncProblem } from './sync';

/** Where files go: a profile, a bucket and a folder (prefix) inside it. */
export const targetSchema = z
  .object({
    profileId: z.string().min(1).max(200),
    bucket: z.string().min(1).max(255),
    /** A folder inside the bucket; '' is the top. A trailing '/' is added by the engine when missing. */
    prefix: z.string().max(1024).default(''),
  })
  .strict();

/** A destination for uploads. */
export type Target = z.output<typeof targetSchema>;

/** The characters S3 allows in tag keys and values: letters, digits, spaces and + - = . _ : / @. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** A tag's key as S3 takes it: 1–128 characters of TAG_TEXT, not starting with `aws:` (reserved). */
export const tagKeySchema = z
  .string()
  .min(1, 'a tag needs a name')
  .max(128, 'a tag name may have at most 128 characters')
  .regex(TAG_TEXT, 'a tag may hold letters, digits, spaces and + - = . _ : / @')
  .refine((k) => !/^aws:/i.test(k), 'tag names starting with aws: are reserved by AWS');

/** A tag's value as S3 takes it: up to 256 characters of TAG_TEXT. */
export const tagValueSchema = z.string().max(256, 'a tag value may have at most 256 characters').regex(TAG_TEXT, 'a tag may hold letters, digits, spaces and + - = . _ : / @');

/** Object tags as S3 takes them (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html): at most 10. */
export const tagsSchema = z.record(tagKeySchema, tagValueSchema).refine((t) => Object.keys(t).length <= 10, 'at most 10 tags per object');

/** Patterns (gitignore syntax, relative to a dropped folder) of files a drop leaves out. */
export const excludeSchema = z.array(z.string().max(1024)).max(1000);

/** Upload options beyond the target. */
export const uploadOptionsSchema = z
  .object({
    storageClass: z
      .enum(['STANDARD', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE', 'REDUCED_REDUNDANCY'])
      .optional(),
    sse: z.enum(['none', 'AES256', 'aws:kms']).optional(),
    kmsKeyId: z.string().max(2048).optional(),
    // The same rules the properties panel and its engine apply (shared/object-metadata.ts): one home for them.
    metadata: z
      .record(z.string().min(1).max(MAX_METADATA_BYTES), z.string().max(MAX_METADATA_BYTES))
      .superRefine((m, ctx) => {
        const problem = metadataProblem(Object.entries(m));
        if (problem) ctx.addIssue({ code: 'custom', message: `${problem.code} ${JSON.stringify(problem.params)}` });
      })
      .optional(),
    tags: tagsSchema.optional(),
    existing: existingActionSchema.optional(),
    /** A key template (see the landing zone), applied to each file's relative path. */
    template: z.string().max(1024).optional(),
    gzip: z.boolean().optional(),
    convertToUtf8: z.boolean().optional(),
    /**
     * "Data mode": the template, gzip and UTF-8 options apply to every file. Without it they apply only to data
     * files (.csv, .tsv, and .txt with a delimiter; src/shared/data-files.ts), and other files keep their own name.
     */
    dataMode: z.boolean().optional(),
  })
  .strict();

/** Upload options. */
export type UploadOptions = z.output<typeof uploadOptionsSchema>;

/** One thing to upload: a local file or folder, with an optional relative key (for spooled browser drops). */
export const enqueueItemSchema = z
  .object({
    path: z.string().min(1).max(4096),
    /** Key relative to the target prefix; defaults to the file name, or folder/name… for a folder. */
    relativeKey: z.string().min(1).max(1024).optional(),
  })
  .strict();

/** Which way a transfer goes: a local file to a key, or a key to a local file. */
export type TransferDirection = 'upload' | 'download';

/** What to download: keys (a key ending in '/' is a folder) of one bucket, into a local folder. */
export const downloadSourceSchema = z
  .object({
    profileId: z.string().min(1).max(200),
    bucket: z.string().min(1).max(255),
    /** Objects, or folders (prefixes); a name that is no object is taken as a folder. */
    keys: z.array(z.string().min(1).max(1024)).min(1).max(10_000),
    /**
     * An older version of the one key, instead of the current one; only with a single key that names a file
     * (the engine refuses anything else with VERSION_NEEDS_ONE_FILE).
     */
    versionId: z.string().min(1).max(1024).optional(),
  })
  .strict();

/** What to download, as the contract and browser mode's download link take it. */
export type DownloadSource = z.infer<typeof downloadSourceSchema>;

/** A local name the OS could not hold as the key spelled it, and what it became. */
export interface RenamedDownload {
  key: string;
  path: string;
  /**
   * Why: 'unsafe' (`..`, an absolute path), 'dropped' (an empty or `.` part, as in `a//b` or `d/.`, left out),
   * 'control' (a control character, such as a newline or an escape), 'windows' (a character or name Windows
   * refuses), 'long' (too long a name), 'clash' (another key's file or folder already took the name), 'marker' (a
   * folder marker, `name/`, that holds bytes: saved beside its folder).
   */
  reason: 'unsafe' | 'dropped' | 'control' | 'windows' | 'long' | 'clash' | 'marker';
}

/**
 * The states a transfer goes through. 'waiting-auth' waits for a sign-in; 'waiting-network' waits for the endpoint to
 * answer again (it keeps its finished parts and tries again by itself); 'waiting-answer' found its name taken under
 * the 'ask' choice and waits for `transfers:answer` (nothing was sent or replaced).
 */
export type TransferState =
  | 'queued'
  | 'running'
  | 'paused'
  | 'done'
  | 'skipped'
  | 'failed'
  | 'cancelled'
  | 'waiting-auth'
  | 'waiting-network'
  | 'waiting-answer';

/** An immutable view of one transfer, as sent to the UI. */
export interface TransferSnapshot {
  id: string;
  name: string;
  bucket: string;
  key: string;
  profileId: string;
  /** Upload or download; the engine always sets it, and a snapshot without one (an older host) is an upload. */
  direction?: TransferDirection;
  state: TransferState;
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over a moving window. */
  speed: number;
  /** Seconds left at the current speed, or null when unknown. */
  etaSeconds: number | null;
  priority: number;
  partsDone?: number;
  partsTotal?: number;
  createdAt: number;
  finishedAt?: number;
  error?: AppErrorData;
  /** Where this came from: a drop, the CLI, or a sync pair id. */
  origin?: string;
  /** The enqueue (one drop, one download) this transfer came with; "Apply to all" answers the rest of it. */
  batch?: string;
  /** While 'waiting-network': how many times the endpoint was tried without an answer so far. */
  waitAttempt?: number;
  /**
   * How a finished download was checked: by the object's stored SHA-256, by the MD5 of a single-part ETag, or only by
   * its size (a multipart or encrypted object that carries no SHA-256): worth a note in the details.
   */
  verifiedBy?: VerifiedBy;
}

/** How a download was checked against its object. */
export type VerifiedBy = 'sha256' | 'md5' | 'size';

/** Totals over every transfer that is not yet finished (and those finished in this batch). */
export interface OverallProgress {
  bytesDone: number;
  bytesTotal: number;
  speed: number;
  etaSeconds: number | null;
  queued: number;
  running: number;
  paused: number;
  /** Failed rows still in the list (their bytes count in no total until retried). */
  failed: number;
  done: number;
  /** Cancelled rows still in the list (their bytes count in no total). */
  cancelled: number;
  /** Transfers waiting for an answer about a name that is taken ('waiting-answer'); not counted as queued. */
  asking?: number;
  allPaused: boolean;
}

/** A throttled progress event: the transfers that changed since the last one, plus the totals. */
export interface TransfersProgress {
  changed: TransferSnapshot[];
  removed: string[];
  overall: OverallProgress;
}

/** The full list, for a UI that has just started. */
export interface TransferList {
  transfers: TransferSnapshot[];
  overall: OverallProgress;
}

const optionalId = z.object({ id: z.string().min(1).max(100).optional() }).strict();

/** What dropped folders left out: the OS's junk files (counted) and files with a problem (each named, as sync does). */
export interface LeftOut {
  systemFiles: number;
  problems: SyncProblem[];
  /** Files matching the drop's exclude patterns. */
  excluded?: number;
}

/** What an enqueue queued, and what it left out. */
export interface EnqueueResult {
  ids: string[];
  leftOut: LeftOut;
}

/** Transfer commands. */
export const transferCommands = {
  'transfers:enqueue': command<EnqueueResult>()(
    z
      .object({
        items: z.array(enqueueItemSchema).min(1).max(100_000),
        target: targetSchema,
        options: uploadOptionsSchema.optional(),
        /** Files of dropped folders to leave out (gitignore syntax); kept out of `options`, which every transfer stores. */
        exclude: excludeSchema.optional(),
        priority: z.number().int().min(-10).max(10).default(0),
      })
      .strict(),
  ),
  /** Downloads objects and whole folders into a local folder, through the same queue as uploads. */
  'transfers:download': command<{ ids: string[]; renamed: RenamedDownload[] }>()(
    z
      .object({
        source: downloadSourceSchema,
        /** The local folder the files go into (created when missing). */
        folder: z.string().min(1).max(4096),
        priority: z.number().int().min(-10).max(10).default(0),
      })
      .strict(),
  ),
  'transfers:list': command<TransferList>()(z.object({}).strict()),
  /** Without an id, pauses everything. */
  'transfers:pause': command<void>()(optionalId),
  'transfers:resume': command<void>()(optionalId),
  /** Without an id, cancels every transfer that has not finished (failed ones stay, for Retry). */
  'transfers:cancel': command<void>()(optionalId),
  'transfers:retry': command<void>()(optionalId),
  /** Drops the finished rows (done, skipped, cancelled); failed ones stay until 'transfers:clearFailed'. */
  'transfers:clearFinished': command<void>()(z.object({}).strict()),
  'transfers:clearFailed': command<void>()(z.object({}).strict()),
  /**
   * Answers "this name is taken" for transfers in 'waiting-answer'. With `applyToAll`, the choice also holds for
   * every other unfinished transfer of the same batches (the rest of that drop), so they do not ask again.
   * Returns how many transfers the answer reached.
   */
  'transfers:answer': command<{ answered: number }>()(
    z
      .object({
        ids: z.array(z.string().min(1).max(100)).min(1).max(100_000),
        choice: existingChoiceSchema,
        applyToAll: z.boolean().default(false),
      })
      .strict(),
  ),
} as const;

/** Transfer events. */
export interface TransferEvents {
  'transfers:progress': TransfersProgress;
}
