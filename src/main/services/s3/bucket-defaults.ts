/**
 * The safe defaults a new bucket gets, each read back where the store keeps it: a store that answers 200 to a
 * setting it ignores (Ceph RGW routes `?encryption` to other operations) must give a warning, not a false "on".
 */
import type { SafeDefaultResult } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Logger } from '../log/logger';
import { sleep } from '../transfers/retry';
import { s3ErrorCode, toAppError } from './errors';
import type { S3Context } from './types';
import { s3Sdk } from '../lazy-sdk';
import { TRASH_PREFIX } from '../sync/planner';
import { randomUUID } from 'node:crypto';

/** One safe default: how to turn it on, and how to see that the store kept it. */
interface SafeDefault {
  /** The stable name reported in `applied`. */
  name: SafeDefaultResult['name'];
  /** What the person reads in a warning. */
  label: string;
  /** The S3 operations, so a refusal names the permission it lacks. */
  actions: [put: string, get: string];
  put(): Promise<unknown>;
  /** Reads the setting back; true when the store keeps what was sent. */
  kept(): Promise<boolean>;
}

/** What the defaults came to: the names the store kept, a plain sentence for each one it did not, and each result. */
export interface SafeDefaultsOutcome {
  applied: string[];
  warnings: string[];
  defaults: SafeDefaultResult[];
  /** False when a test write was refused even after the defaults were eased: the bucket takes no uploads with this key. */
  writable: boolean;
}

/** The lifecycle rule's ID, so the read-back finds our rule among any others. */
export const ABORT_MULTIPART_RULE_ID = 's3drop-abort-incomplete-multipart';

/**
 * Answers that mean "this store does not do that" rather than "you did something wrong". Stores that lack an
 * operation often route its request to another one: RGW 16 treats PUT `?encryption` as CreateBucket on the
 * existing bucket (InvalidArgument), s3rver treats PUT `?versioning` so (BucketAlreadyExists).
 */
const unsupported = /NotImplemented|MethodNotAllowed|NotSupported|InvalidRequest|UnsupportedOperation|InvalidArgument|MalformedXML|BucketAlreadyExists|BucketAlreadyOwnedByYou/i;

/** A read-back answer that means the setting is simply not there (AWS's "no such configuration" codes). */
const absent = /^NoSuch|NotFound/;

/** Waits before each read-back: AWS may take a moment to show a configuration it accepted. */
const readBackDelaysMs = [0, 500, 1500];

/** Sets the bucket's public access block; only BlockPublicAcls varies (Ceph RGW refuses every PutObject with it on). */
function putPublicAccessBlock(ctx: S3Context, bucket: string, blockPublicAcls: boolean): Promise<unknown> {
  return ctx.client.send(
    new (s3Sdk().PutPublicAccessBlockCommand)({
      Bucket: bucket,
      PublicAccessBlockConfiguration: { BlockPublicAcls: blockPublicAcls, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    }),
  );
}

function defaultsFor(ctx: S3Context, bucket: string, preset: 'standard' | 'analytics'): SafeDefault[] {
  const list: SafeDefault[] = [
    {
      name: 'block-public-access',
      label: 'Blocking public access',
      actions: ['PutPublicAccessBlock', 'GetPublicAccessBlock'],
      put: () => putPublicAccessBlock(ctx, bucket, true),
      kept: async () => {
        const c = (await ctx.client.send(new (s3Sdk().GetPublicAccessBlockCommand)({ Bucket: bucket }))).PublicAccessBlockConfiguration;
        return c?.BlockPublicAcls === true && c.IgnorePublicAcls === true && c.BlockPublicPolicy === true && c.RestrictPublicBuckets === true;
      },
    },
    {
      name: 'encryption',
      label: 'Default encryption (SSE-S3)',
      actions: ['PutBucketEncryption', 'GetBucketEncryption'],
      put: () =>
        ctx.client.send(
          new (s3Sdk().PutBucketEncryptionCommand)({
            Bucket: bucket,
            ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          }),
        ),
      // Any default algorithm counts: a bucket that already encrypts with KMS is not less safe than SSE-S3.
      kept: async () =>
        ((await ctx.client.send(new (s3Sdk().GetBucketEncryptionCommand)({ Bucket: bucket }))).ServerSideEncryptionConfiguration?.Rules ?? []).some(
          (r) => !!r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm,
        ),
    },
    {
      name: 'abort-multipart-lifecycle',
      label: 'Cleaning up unfinished uploads after 7 days',
      actions: ['PutBucketLifecycleConfiguration', 'GetBucketLifecycleConfiguration'],
      put: () =>
        ctx.client.send(
          new (s3Sdk().PutBucketLifecycleConfigurationCommand)({
            Bucket: bucket,
            LifecycleConfiguration: {
              Rules: [{ ID: ABORT_MULTIPART_RULE_ID, Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }],
            },
          }),
        ),
      kept: async () =>
        ((await ctx.client.send(new (s3Sdk().GetBucketLifecycleConfigurationCommand)({ Bucket: bucket }))).Rules ?? []).some(
          (r) => r.ID === ABORT_MULTIPART_RULE_ID && r.Status === 'Enabled' && r.AbortIncompleteMultipartUpload?.DaysAfterInitiation === 7,
        ),
    },
  ];
  if (preset === 'analytics') {
    list.push({
      name: 'versioning',
      label: 'Versioning',
      actions: ['PutBucketVersioning', 'GetBucketVersioning'],
      put: () => ctx.client.send(new (s3Sdk().PutBucketVersioningCommand)({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } })),
      kept: async () => (await ctx.client.send(new (s3Sdk().GetBucketVersioningCommand)({ Bucket: bucket }))).Status === 'Enabled',
    });
  }
  return list;
}

/** Why a store refused or could not show a setting: the store lacks it, or an error (denied, unreachable…). */
function failure(err: unknown, action: string, bucket: string, lacking: 'unsupported' | 'not-confirmed'): { why: NonNullable<SafeDefaultResult['why']>; error?: AppError } {
  const code = s3ErrorCode(err);
  return unsupported.test(code) || code === 'Error' ? { why: lacking } : { why: 'refused', error: toAppError(err, { action, bucket }) };
}

/** The English sentence for a default the store did not keep (the CLI's and the log's words). */
function warningText(d: SafeDefault, why: NonNullable<SafeDefaultResult['why']>, error?: AppError): string {
  if (why === 'refused') return `${d.label} could not be turned on: ${error?.message ?? 'the storage service refused it'}`;
  if (why === 'not-confirmed') return `${d.label} could not be confirmed: ${error?.message ?? 'this storage service accepted it but cannot show whether it is on'}`;
  if (why === 'blocks-uploads')
    return `${d.label} could not be turned on fully: this storage service refuses every upload while public ACLs are blocked, so that block is off (public ACLs are still ignored and public policies blocked)`;
  if (why === 'not-kept') return `${d.label} could not be turned on: this storage service accepted it but did not keep it`;
  return `${d.label} could not be turned on: this storage service does not support it`;
}

/** Turns one default on and reads it back: kept, or why not. */
async function applyOne(d: SafeDefault, bucket: string, logger: Logger): Promise<{ result: SafeDefaultResult; warning?: string }> {
  const notKept = (why: NonNullable<SafeDefaultResult['why']>, error?: AppError) => ({
    result: { name: d.name, kept: false, why, ...(error ? { error: error.toData() } : {}) },
    warning: warningText(d, why, error),
  });
  try {
    await d.put();
  } catch (err) {
    logger.info(`createBucket ${bucket}: ${d.name} not applied (${s3ErrorCode(err)})`);
    const f = failure(err, d.actions[0], bucket, 'unsupported');
    return notKept(f.why, f.error);
  }
  for (const ms of readBackDelaysMs) {
    if (ms) await sleep(ms);
    try {
      if (await d.kept()) return { result: { name: d.name, kept: true } };
    } catch (err) {
      const code = s3ErrorCode(err);
      if (!absent.test(code)) {
        logger.info(`createBucket ${bucket}: ${d.name} accepted but not readable (${code})`);
        const f = failure(err, d.actions[1], bucket, 'not-confirmed');
        // A refused read-back still means "not confirmed": the setting may well be on.
        return notKept('not-confirmed', f.error);
      }
    }
  }
  logger.info(`createBucket ${bucket}: ${d.name} accepted but not kept`);
  return notKept('not-kept');
}

/** Applies the safe defaults to a new bucket, one after another, and reports what the store really kept. */
export async function applySafeDefaults(ctx: S3Context, bucket: string, preset: 'standard' | 'analytics', logger: Logger): Promise<SafeDefaultsOutcome> {
  const applied: string[] = [];
  const warnings: string[] = [];
  const defaults: SafeDefaultResult[] = [];
  for (const d of defaultsFor(ctx, bucket, preset)) {
    const { result, warning } = await applyOne(d, bucket, logger);
    defaults.push(result);
    if (warning) warnings.push(warning);
    else applied.push(d.name);
  }
  let writable = await proveWritable(ctx, bucket, logger);
  const bpa = defaults.find((r) => r.name === 'block-public-access');
  if (writable === 'denied' && bpa?.kept) {
    // Ceph RGW answers 403 to every PutObject on a bucket with BlockPublicAcls: keep the other three blocks and say so.
    try {
      await putPublicAccessBlock(ctx, bucket, false);
      writable = await proveWritable(ctx, bucket, logger);
    } catch (err) {
      logger.info(`createBucket ${bucket}: easing BlockPublicAcls failed (${s3ErrorCode(err)})`);
    }
    if (writable === true) {
      const d = defaultsFor(ctx, bucket, preset)[0]!;
      Object.assign(bpa, { kept: false, why: 'blocks-uploads' });
      applied.splice(applied.indexOf(d.name), 1);
      warnings.unshift(warningText(d, 'blocks-uploads'));
    }
  }
  if (writable !== true) warnings.push('The bucket was created, but it does not accept uploads with this key');
  return { applied, warnings, defaults, writable: writable === true };
}

/**
 * Puts and deletes one empty object under the sync trash prefix (a name no user file may take), because a bucket
 * that says "ready" must take a file. True when it did; 'denied' for AccessDenied; false for any other failure.
 */
async function proveWritable(ctx: S3Context, bucket: string, logger: Logger): Promise<true | false | 'denied'> {
  const Key = `${TRASH_PREFIX}write-probe-${randomUUID()}`;
  let put: { VersionId?: string } | undefined;
  try {
    put = await ctx.client.send(new (s3Sdk().PutObjectCommand)({ Bucket: bucket, Key, Body: '' }));
    return true;
  } catch (err) {
    const code = s3ErrorCode(err);
    logger.info(`createBucket ${bucket}: test write refused (${code})`);
    return code === 'AccessDenied' ? 'denied' : false;
  } finally {
    // Only after a write that went through: a delete in a versioned bucket would otherwise leave a delete marker.
    // Its version, not the key, or the versioned bucket keeps the probe behind a new delete marker.
    const v = put?.VersionId;
    if (put)
      await ctx.client
        .send(new (s3Sdk().DeleteObjectCommand)({ Bucket: bucket, Key, ...(v && v !== 'null' ? { VersionId: v } : {}) }))
        .catch((err: unknown) => logger.info(`createBucket ${bucket}: test object ${Key} not deleted (${s3ErrorCode(err)})`));
  }
}

/**
 * The plain answer to InvalidLocationConstraint (RGW gives it for any region that is not its zonegroup; AWS for a
 * name it does not have). One of the person's own buckets tells a region the service does have, when there is one.
 */
export async function regionNotOffered(ctx: S3Context, region: string, cause: unknown): Promise<AppError> {
  let known: string | undefined;
  try {
    const first = (await ctx.client.send(new (s3Sdk().ListBucketsCommand)({}))).Buckets?.find((b) => b.Name)?.Name;
    if (first) known = (await ctx.client.send(new (s3Sdk().GetBucketLocationCommand)({ Bucket: first }))).LocationConstraint || undefined;
  } catch {
    // Only a hint: the error below stands without it.
  }
  const options = { retryable: false, details: 'InvalidLocationConstraint during CreateBucket', cause };
  return known && known !== region ? new AppError('REGION_NOT_OFFERED_USE', { region, known }, options) : new AppError('REGION_NOT_OFFERED', { region }, options);
}
