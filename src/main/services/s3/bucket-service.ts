/** Buckets and objects: list, head, create with safe defaults, and presign. */
import type { BucketLocationConstraint } from '@aws-sdk/client-s3';
import type { BucketSummary, CreateBucketResult, ObjectEntry, ObjectPage } from '../../../shared/contract';
import type { CoreDeps } from '../context';
import { applySafeDefaults, regionNotOffered } from './bucket-defaults';
import { s3ErrorCode, toAppError } from './errors';
import { headObject, type ObjectHead } from './objects';
import type { S3Clients, S3Context } from './types';
import { assertBucketNameForCreate, assertBucketRef, assertKey, normalisePrefix } from './validate';
import { presignerSdk, s3Sdk } from '../lazy-sdk';

/** Options for creating a bucket. */
export interface CreateBucketOptions {
  region?: string;
  preset?: 'standard' | 'analytics';
}

/** Lists, creates and presigns. */
export class BucketService {
  /** Builds the service. */
  constructor(
    readonly deps: CoreDeps,
    readonly clients: S3Clients,
  ) {}

  private async call<T>(ctx: S3Context, action: string, fn: () => Promise<T>, where: { bucket?: string; key?: string } = {}): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toAppError(err, { action, ...where, endpoint: ctx.profile.endpoint, profile: ctx.profile.summary.name });
    }
  }

  /** Every bucket the profile can see. */
  async listBuckets(profileId: string): Promise<BucketSummary[]> {
    const ctx = await this.clients.forProfile(profileId);
    const out: BucketSummary[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(ctx, 'ListBuckets', () => ctx.client.send(new (s3Sdk().ListBucketsCommand)({ ContinuationToken: token })));
      for (const b of page.Buckets ?? []) {
        if (!b.Name) continue;
        out.push({ name: b.Name, ...(b.CreationDate ? { createdAt: b.CreationDate.toISOString() } : {}), ...(b.BucketRegion ? { region: b.BucketRegion } : {}) });
      }
      token = page.ContinuationToken;
    } while (token);
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One page of a folder: sub-folders (from the delimiter) first, then objects. */
  async listObjects(profileId: string, bucket: string, prefix = '', token?: string, pageSize = 1000): Promise<ObjectPage> {
    assertBucketRef(bucket);
    const ctx = await this.clients.forProfile(profileId);
    const p = normalisePrefix(prefix);
    const page = await this.call(
      ctx,
      'ListObjectsV2',
      () => ctx.client.send(new (s3Sdk().ListObjectsV2Command)({ Bucket: bucket, Prefix: p || undefined, Delimiter: '/', ContinuationToken: token, MaxKeys: pageSize })),
      { bucket, key: p },
    );
    const entries: ObjectEntry[] = [];
    for (const cp of page.CommonPrefixes ?? []) {
      if (!cp.Prefix) continue;
      entries.push({ kind: 'folder', key: cp.Prefix, name: cp.Prefix.slice(p.length).replace(/\/$/, '') });
    }
    for (const o of page.Contents ?? []) {
      // The folder's own placeholder object ("photos/") is the folder itself, not an entry in it.
      if (!o.Key || o.Key === p) continue;
      entries.push({
        kind: 'object',
        key: o.Key,
        name: o.Key.slice(p.length),
        ...(o.Size !== undefined ? { size: o.Size } : {}),
        ...(o.LastModified ? { lastModified: o.LastModified.toISOString() } : {}),
        ...(o.ETag ? { etag: o.ETag } : {}),
      });
    }
    return { entries, ...(page.IsTruncated && page.NextContinuationToken ? { nextToken: page.NextContinuationToken } : {}) };
  }

  /** HEAD of an object, or undefined when it does not exist. */
  async head(profileId: string, bucket: string, key: string): Promise<ObjectHead | undefined> {
    assertBucketRef(bucket);
    assertKey(key);
    const ctx = await this.clients.forProfile(profileId);
    return headObject(ctx, bucket, key);
  }

  /** Creates a bucket in a region and applies the safe defaults, reading each back: only what the store kept counts. */
  async createBucket(profileId: string, bucket: string, options: CreateBucketOptions = {}): Promise<CreateBucketResult> {
    assertBucketNameForCreate(bucket);
    const base = await this.clients.forProfile(profileId);
    const region = options.region ?? base.region;
    // The request must be signed for the target region, or AWS answers IllegalLocationConstraint.
    const ctx = region === base.region ? base : await this.clients.forProfile(profileId, region);
    // us-east-1 is the one region that must NOT be named; every other one must be (the seed's bug).
    const config = region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint };
    await this.call(
      ctx,
      'CreateBucket',
      () =>
        ctx.client.send(new (s3Sdk().CreateBucketCommand)({ Bucket: bucket, CreateBucketConfiguration: config })).catch(async (err: unknown) => {
          throw s3ErrorCode(err) === 'InvalidLocationConstraint' ? await regionNotOffered(base, region, err) : err;
        }),
      { bucket },
    );
    return { bucket, region, ...(await applySafeDefaults(ctx, bucket, options.preset ?? 'standard', this.deps.logger)) };
  }

  /** A time-limited GET link for an object (or one older version of it). */
  async presign(profileId: string, bucket: string, key: string, expiresInSeconds: number, options: { attachment?: boolean; versionId?: string } = {}): Promise<string> {
    assertBucketRef(bucket);
    assertKey(key);
    const ctx = await this.clients.forProfile(profileId);
    // RFC 6266: the plain filename is an ASCII fallback, filename* carries the real (UTF-8) name.
    const name = key.slice(key.lastIndexOf('/') + 1);
    const disposition = options.attachment ? `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}` : undefined;
    const get = new (s3Sdk().GetObjectCommand)({
      Bucket: bucket,
      Key: key,
      ...(disposition ? { ResponseContentDisposition: disposition } : {}),
      ...(options.versionId ? { VersionId: options.versionId } : {}),
    });
    return this.call(ctx, 'GetObject', () => presignerSdk().getSignedUrl(ctx.client, get, { expiresIn: expiresInSeconds }), { bucket, key });
  }
}
