/** Buckets and objects: listing, creating and sharing, and the file manager's delete, undo, restore, move and new folder. */
import { z } from 'zod';
import type { AppErrorData } from '../errors';
import { command } from './define';

/** A bucket in a listing. */
export interface BucketSummary {
  name: string;
  createdAt?: string;
  region?: string;
}

/** One entry of a folder listing: a folder (common prefix) or an object. */
export interface ObjectEntry {
  kind: 'folder' | 'object';
  /** The full key (folders end with '/'). */
  key: string;
  /** The last path segment, for display. */
  name: string;
  size?: number;
  lastModified?: string;
  etag?: string;
}

/** One page of a folder listing. */
export interface ObjectPage {
  entries: ObjectEntry[];
  nextToken?: string;
}

/** The result of creating a bucket: what the store accepted, and what it could not do. */
export interface CreateBucketResult {
  bucket: string;
  region: string;
  /** Safe defaults that applied, such as 'block-public-access', 'encryption', 'abort-multipart-lifecycle', 'versioning'. */
  applied: string[];
  /** Defaults the store refused, with a plain reason each (English, for the CLI and the log); the bucket still exists. */
  warnings: string[];
  /** Each safe default and how it went, for the dialog's checklist in the person's language. */
  defaults: SafeDefaultResult[];
  /** False when a test write was refused: the bucket exists but takes no uploads with this key. */
  writable: boolean;
}

/** One safe default after creation: kept by the store, or why not. */
export interface SafeDefaultResult {
  name: 'block-public-access' | 'encryption' | 'abort-multipart-lifecycle' | 'versioning';
  kept: boolean;
  /**
   * Why not: the store lacks it, accepted but did not keep it, cannot show it, refused it (`error` says why), or
   * refuses every upload with it (public access blocked except BlockPublicAcls).
   */
  why?: 'unsupported' | 'not-kept' | 'not-confirmed' | 'refused' | 'blocks-uploads';
  error?: AppErrorData;
}

/** One version of a key: the delete marker a delete added, or one to remove. */
export interface KeyVersionRef {
  key: string;
  versionId: string;
}

/** A key the store refused to change, with the reason. */
export interface KeyFailure {
  key: string;
  error: AppErrorData;
}

/** What undoes a delete on a versioned bucket: exactly the delete markers that delete added. */
export interface UndoToken {
  bucket: string;
  markers: KeyVersionRef[];
}

/** The outcome of a delete. */
export interface DeleteSummary {
  /** Objects deleted (folder markers included). */
  deleted: number;
  bytes: number;
  failed: KeyFailure[];
  /** True on a bucket without versioning: the objects are gone for good, and there is no undo. */
  permanent: boolean;
  /** On a versioned bucket: give it to 'objects:undoDelete' to bring the objects back. */
  undo?: UndoToken;
}

/** What a delete would touch, for its confirmation: folders counted object by object. */
export interface DeletePreview {
  /** Objects the delete removes (folder markers included). */
  count: number;
  bytes: number;
  /** True on a bucket without versioning: the delete cannot be undone. */
  permanent: boolean;
}

/** The outcome of removing delete markers (undo, or a restore from "Recently deleted"). */
export interface RestoreSummary {
  restored: number;
  failed: KeyFailure[];
}

/** A key that looks deleted because its latest version is a delete marker. */
export interface DeletedObject extends KeyVersionRef {
  deletedAt?: string;
  /** The size of the object a restore brings back, when known. */
  size?: number;
}

/** The outcome of a rename or move. */
export interface MoveSummary {
  moved: number;
  bytes: number;
  /** Keys left at their old name (each still there), with the reason. */
  failed: KeyFailure[];
}

/** The server-side encryption of an object. */
export interface ObjectEncryption {
  /** 'AES256' (S3-managed keys), 'aws:kms', or what the store names. */
  type: string;
  kmsKeyId?: string;
}

/** Everything the properties panel shows about one object. */
export interface ObjectProperties {
  key: string;
  size: number;
  contentType?: string;
  lastModified?: string;
  /** STANDARD when the store names none. */
  storageClass: string;
  encryption?: ObjectEncryption;
  /** The ETag without quotes. */
  etag: string;
  /** The app's content hash (the `s3drop-sha256` metadata), when the object has one. */
  sha256?: string;
  /** The user metadata, names lowercased as S3 keeps them; the app's own keys are in `appMetadata`. */
  metadata: Record<string, string>;
  /** The app's own metadata (`s3drop-*`): shown, never editable. */
  appMetadata: Record<string, string>;
  /** The current version's id on a versioned bucket. */
  versionId?: string;
  /** True when the bucket keeps old versions (then the panel lists them). */
  versioned: boolean;
}

/** One version of a key, newest first in a list. */
export interface ObjectVersion {
  versionId: string;
  size?: number;
  lastModified?: string;
  etag?: string;
  /** True for the key's current version. */
  latest: boolean;
  /** True for a delete marker (no content: the key looked deleted from then on). */
  deleteMarker: boolean;
}

/** A small preview of an object: the first few KiB of text, or a small image as a data: URL. */
export type ObjectPreview = { kind: 'text'; text: string; truncated: boolean } | { kind: 'image'; dataUrl: string } | { kind: 'none'; reason: 'type' | 'size' };

const profileId = z.string().min(1).max(200);
const bucket = z.string().min(1).max(255);
const prefix = z.string().max(1024).default('');
const objectKey = z.string().min(1).max(1024);
/** The most keys one delete command names (a folder counts as one: its contents are listed by the engine). */
export const MAX_DELETE_KEYS = 10_000;
const versionRef = z.object({ key: objectKey, versionId: z.string().min(1).max(1024) }).strict();
// An undo token names every marker its delete added: a whole folder's worth, far beyond MAX_DELETE_KEYS.
const markers = z.array(versionRef).min(1).max(1_000_000);
const versionId = z.string().min(1).max(1024);
// The names and values are checked against S3's rules by the engine (shared/object-metadata.ts), in plain words.
const metadata = z.record(z.string().max(2048), z.string().max(2048));

/** Bucket and object commands. */
export const bucketCommands = {
  'buckets:list': command<BucketSummary[]>()(z.object({ profileId }).strict()),
  'buckets:create': command<CreateBucketResult>()(
    z
      .object({
        profileId,
        bucket,
        region: z.string().regex(/^[a-z0-9-]{2,32}$/).optional(),
        preset: z.enum(['standard', 'analytics']).default('standard'),
      })
      .strict(),
  ),
  'objects:list': command<ObjectPage>()(
    z.object({ profileId, bucket, prefix, token: z.string().max(4096).optional() }).strict(),
  ),
  'objects:presign': command<string>()(
    z
      .object({
        profileId,
        bucket,
        key: z.string().min(1).max(1024),
        expiresInSeconds: z.number().int().min(60).max(604800),
        /** The link downloads the object under its own name (Content-Disposition: attachment) instead of showing it. */
        attachment: z.boolean().default(false),
        /** A link to this older version rather than the current one (the properties panel's versions list). */
        versionId: versionId.optional(),
      })
      .strict(),
  ),
  /** What a delete of these keys would touch (folders listed recursively), and whether it is permanent. */
  'objects:deletePreview': command<DeletePreview>()(z.object({ profileId, bucket, keys: z.array(objectKey).min(1).max(MAX_DELETE_KEYS) }).strict()),
  /** Deletes objects and whole folders (keys ending with '/'). */
  'objects:delete': command<DeleteSummary>()(z.object({ profileId, bucket, keys: z.array(objectKey).min(1).max(MAX_DELETE_KEYS) }).strict()),
  /** Undoes a delete on a versioned bucket by removing the markers it added. */
  'objects:undoDelete': command<RestoreSummary>()(z.object({ profileId, undo: z.object({ bucket, markers }).strict() }).strict()),
  /** The objects under a prefix that were deleted on a versioned bucket and can be restored. */
  'objects:recentlyDeleted': command<DeletedObject[]>()(z.object({ profileId, bucket, prefix }).strict()),
  /** Restores deleted objects by removing their delete markers. */
  'objects:restore': command<RestoreSummary>()(z.object({ profileId, bucket, markers }).strict()),
  /** Renames or moves an object, or a folder (key ending with '/') key by key, within a bucket or to another. */
  'objects:move': command<MoveSummary>()(
    z.object({ profileId, bucket, key: objectKey, destBucket: bucket.optional(), destKey: objectKey, overwrite: z.boolean().default(false) }).strict(),
  ),
  /** Creates an empty folder (a zero-byte `name/` marker) in a prefix. */
  'objects:newFolder': command<{ key: string }>()(
    z.object({ profileId, bucket, prefix, name: z.string().min(1).max(1024) }).strict(),
  ),
  /** Size, type, dates, storage class, encryption, hashes, metadata and versioning of one object. */
  'objects:properties': command<ObjectProperties>()(z.object({ profileId, bucket, key: objectKey }).strict()),
  /** Replaces an object's user metadata (a copy onto itself); content type, storage class, encryption and the app's keys stay. */
  'objects:setMetadata': command<ObjectProperties>()(z.object({ profileId, bucket, key: objectKey, metadata }).strict()),
  /** The versions of one key on a versioned bucket, newest first. */
  'objects:versions': command<ObjectVersion[]>()(z.object({ profileId, bucket, key: objectKey }).strict()),
  /** Makes an older version the current one again (a copy of it onto the key). */
  'objects:restoreVersion': command<{ versionId?: string }>()(z.object({ profileId, bucket, key: objectKey, versionId }).strict()),
  /** The first few KiB of a text object, or a small image, for the properties panel. */
  'objects:preview': command<ObjectPreview>()(z.object({ profileId, bucket, key: objectKey }).strict()),
} as const;

/** Bucket events (none yet). */
export interface BucketEvents {}
