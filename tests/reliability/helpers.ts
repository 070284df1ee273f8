/** Shared steps for reliability tests: an app profile on the test server, waiting for transfers, and what landed. */
import { ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { ProfileSummary, TransferList, TransferSnapshot } from '../../src/shared/contract';
import type { AppErrorData } from '../../src/shared/errors';
import type { Result } from '../../src/shared/result';
import type { S3ServerInfo } from '../support/s3-server';
import type { TestApp } from './harness';

/** Unwraps a dispatch result, failing the test with the error's code and text when it is not ok. */
export function unwrap<T>(res: Result<unknown>): T {
  if (!res.ok) throw new Error(`expected ok, got ${res.error.code}: ${res.error.message} ${res.error.details ?? ''}`);
  return res.value as T;
}

/** Adds an app profile that points at `endpoint` (default: the test server) and returns its id. */
export async function addProfile(t: TestApp, info: S3ServerInfo, endpoint = info.endpoint, name = 'reliability', secret = info.secretAccessKey): Promise<string> {
  const res = await t.app.dispatch('profiles:add', {
    name,
    accessKeyId: info.accessKeyId,
    secretAccessKey: secret,
    endpoint,
    region: info.region,
    preset: 'custom',
    forcePathStyle: true,
  });
  return unwrap<ProfileSummary>(res).id;
}

const TERMINAL = new Set(['done', 'failed', 'cancelled', 'skipped', 'waiting-auth']);

/** Polls the queue until every id is in a final (or waiting-for-sign-in) state; returns their snapshots. */
export async function waitForTransfers(t: TestApp, ids: string[], timeoutMs = 45_000, until = (s: TransferSnapshot) => TERMINAL.has(s.state)): Promise<TransferSnapshot[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = unwrap<TransferList>(await t.app.dispatch('transfers:list', {}));
    const mine = ids.map((id) => list.transfers.find((s) => s.id === id));
    if (mine.every((s) => s && until(s))) return mine as TransferSnapshot[];
    if (Date.now() > deadline) throw new Error(`transfers still running: ${JSON.stringify(mine.map((s) => s && { state: s.state, done: s.bytesDone, error: s.error?.code }))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every key in a bucket (all pages). */
export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }));
    for (const o of out.Contents ?? []) keys.push(o.Key!);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Unfinished multipart uploads in a bucket, or undefined when the server cannot list them (s3rver). */
export async function pendingUploads(client: S3Client, info: S3ServerInfo, bucket: string): Promise<string[] | undefined> {
  if (!info.features.multipartAdmin) return undefined;
  const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (out.Uploads ?? []).map((u) => `${u.Key}#${u.UploadId}`);
}

/** True when an error is a plain catalogue error, not a raw exception in disguise. */
export function isPlain(err: AppErrorData | undefined): boolean {
  return !!err && err.code !== 'UNKNOWN' && !/\n\s+at |TypeError|ReferenceError|Cannot read prop/.test(err.message);
}
