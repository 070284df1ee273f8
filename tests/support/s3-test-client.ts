/** Test helpers around the shared S3 server: a raw client, fresh buckets, and object reads. */
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import type { S3ServerInfo } from './s3-server';

/** The server this run uses. */
export function s3Info(): S3ServerInfo {
  return inject('s3');
}

/** A plain SDK client for checking what landed (not the app's client, so tests do not grade themselves). */
export function rawClient(info: S3ServerInfo = s3Info()): S3Client {
  return new S3Client({
    endpoint: info.endpoint,
    region: info.region,
    forcePathStyle: true,
    credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** A bucket name no other test uses (it is not created). */
export function uniqueBucketName(stem = 'test'): string {
  return `${stem}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`.toLowerCase();
}

/** Creates a bucket with a unique name and returns it. */
export async function freshBucket(client: S3Client = rawClient(), stem = 'test'): Promise<string> {
  const name = uniqueBucketName(stem);
  await client.send(new CreateBucketCommand({ Bucket: name }));
  return name;
}

/** Reads a whole object into a Buffer. */
export async function getObjectBytes(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** Each object under `prefix` (one listing page) with its body as text: what a test of which file landed where compares. */
export async function textsUnder(client: S3Client, bucket: string, prefix: string): Promise<Record<string, string>> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const out: Record<string, string> = {};
  for (const c of listed.Contents ?? []) out[c.Key!] = (await getObjectBytes(client, bucket, c.Key!)).toString();
  return out;
}

/** True when HEAD finds the object; any refusal (404, 403) reads as absent. */
export async function objectExists(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}
