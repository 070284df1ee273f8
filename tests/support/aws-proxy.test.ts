/**
 * The AWS-behaviour proxy, checked against S3's documented examples: known checksum values, an aws-chunked body with
 * a trailer, a composite multipart checksum, the errors S3 answers, virtual-hosted addressing, the region redirect
 * and STS. It runs in front of whichever server the run uses (s3rver by default, RGW with S3DROP_TEST_S3=rgw).
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../../src/main/services/profiles/connection-test';
import { checksumOf, compositeChecksum, crc32c, crc64nvme, rawChecksum } from './aws-checksums';
import { accessOf, awsClient, awsProfile, decodeAwsChunked, parseAmazonHost, startAwsProxy, type AwsProxy } from './aws-proxy';
import { getObjectBytes, rawClient, s3Info, uniqueBucketName } from './s3-test-client';

const info = s3Info();
const direct = rawClient(info);
let proxy: AwsProxy;
let aws: S3Client;
let bucket: string;

beforeAll(async () => {
  proxy = await startAwsProxy(info);
  aws = awsClient(accessOf(proxy));
  bucket = uniqueBucketName('awsproxy');
  await aws.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  aws?.destroy();
  await proxy?.stop();
});

/** Hex SHA-256, to compare large buffers (a deep equality over megabytes takes minutes). */
function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** The S3 error code (and HTTP status) a command fails with. */
async function failure(p: Promise<unknown>): Promise<{ code: string; status?: number }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.Code ?? e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to fail');
}

describe('checksums', () => {
  // The values of S3's and the SDKs' documented examples ("Hello world") and the CRC catalogue's check value ("123456789").
  const hello = Buffer.from('Hello world');
  it('matches the documented values', () => {
    expect(checksumOf('CRC32', hello)).toBe('i9aeUg==');
    expect(checksumOf('CRC32C', hello)).toBe('crUfeA==');
    expect(checksumOf('CRC64NVME', hello)).toBe('OOJZ0D8xKts=');
    expect(checksumOf('SHA1', hello)).toBe('e1AsOh9IyGCa4hLN+2Od7jlnP14=');
    expect(checksumOf('SHA256', hello)).toBe('ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=');
    const check = Buffer.from('123456789');
    expect(crc32c(check)).toBe(0xe3069283);
    expect(crc64nvme(check).toString('hex')).toBe('ae8b14860a799888');
  });

  it('agrees with the SDK on random data of awkward lengths', async () => {
    for (const n of [0, 1, 7, 8, 9, 4095, 65_537]) {
      const data = randomBytes(n);
      const c = new Crc32c();
      c.update(data);
      expect(rawChecksum('CRC32C', data)).toEqual(Buffer.from(await c.digest()));
      const d = new Crc64Nvme();
      d.update(data);
      expect(rawChecksum('CRC64NVME', data)).toEqual(Buffer.from(await d.digest()));
    }
  });

  it('composite: the checksum of the concatenated raw part checksums, then -N', () => {
    const parts = [Buffer.from('part one'), Buffer.from('part two'), Buffer.from('3')];
    const perPart = parts.map((p) => checksumOf('SHA256', p));
    const expected = createHash('sha256')
      .update(Buffer.concat(parts.map((p) => createHash('sha256').update(p).digest())))
      .digest('base64');
    expect(compositeChecksum('SHA256', perPart)).toBe(`${expected}-3`);
  });
});

describe('aws-chunked', () => {
  it('decodes an unsigned body with a trailing checksum, as the trailer documentation shows it', () => {
    const body = Buffer.from('5\r\nHello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:i9aeUg==\r\n\r\n');
    expect(decodeAwsChunked(body)).toEqual({ data: Buffer.from('Hello world'), trailers: { 'x-amz-checksum-crc32': 'i9aeUg==' } });
  });

  it('decodes signed chunks (the signature extension is read past)', () => {
    const sig = 'a'.repeat(64);
    const body = Buffer.from(`b;chunk-signature=${sig}\r\nHello world\r\n0;chunk-signature=${sig}\r\n\r\n`);
    expect(decodeAwsChunked(body).data.toString()).toBe('Hello world');
  });

  it('the SDK default (a streamed body, trailing CRC32) lands as plain bytes, and the checksum is echoed on HEAD', async () => {
    const data = randomBytes(300_000);
    proxy.clearLog();
    const put = await aws.send(new PutObjectCommand({ Bucket: bucket, Key: 'streamed.bin', Body: Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), ContentLength: data.length }));
    const sent = proxy.log().find((r) => r.kind === 'PutObject')!;
    expect(sent.headers['content-encoding']).toBe('aws-chunked');
    expect(sent.trailers['x-amz-checksum-crc32']).toBe(checksumOf('CRC32', data));
    expect(put.ChecksumCRC32).toBe(checksumOf('CRC32', data));
    expect(sha256(await getObjectBytes(direct, bucket, 'streamed.bin'))).toBe(sha256(data));
    const head = await aws.send(new HeadObjectCommand({ Bucket: bucket, Key: 'streamed.bin', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumCRC32).toBe(checksumOf('CRC32', data));
    // Without the checksum mode, S3 does not say.
    expect((await aws.send(new HeadObjectCommand({ Bucket: bucket, Key: 'streamed.bin' }))).ChecksumCRC32).toBeUndefined();
  });
});

describe('single PUT', () => {
  it('a SHA-256 that does not match the body: BadDigest, and nothing stored', async () => {
    const wrong = checksumOf('SHA256', Buffer.from('something else'));
    expect(await failure(aws.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad-sha.txt', Body: 'hello', ChecksumSHA256: wrong })))).toEqual({ code: 'BadDigest', status: 400 });
    expect(await failure(direct.send(new HeadObjectCommand({ Bucket: bucket, Key: 'bad-sha.txt' })))).toMatchObject({ status: 404 });
  });

  it('a wrong Content-MD5: BadDigest', async () => {
    const md5 = createHash('md5').update('other').digest('base64');
    expect(await failure(aws.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad-md5.txt', Body: 'hello', ContentMD5: md5 })))).toEqual({ code: 'BadDigest', status: 400 });
  });

  it('a flipped byte on the way is refused when a checksum was sent, and stored when none was', async () => {
    proxy.corruptNext('PutObject');
    expect((await failure(aws.send(new PutObjectCommand({ Bucket: bucket, Key: 'flip.txt', Body: 'hello world', ChecksumSHA256: checksumOf('SHA256', Buffer.from('hello world')) })))).code).toBe('BadDigest');
    // The control: with no checksum at all (WHEN_REQUIRED, a buffer body) the damage goes through, as it would on AWS.
    const unchecked = awsClient(accessOf(proxy), 'us-east-1', { requestChecksumCalculation: 'WHEN_REQUIRED' });
    proxy.corruptNext('PutObject');
    await unchecked.send(new PutObjectCommand({ Bucket: bucket, Key: 'flip.txt', Body: Buffer.from('hello world') }));
    unchecked.destroy();
    expect((await getObjectBytes(direct, bucket, 'flip.txt')).toString()).not.toBe('hello world');
  });

  it('an object sent without a checksum gets S3 default CRC64NVME, echoed on GET with the checksum mode', async () => {
    const unchecked = awsClient(accessOf(proxy), 'us-east-1', { requestChecksumCalculation: 'WHEN_REQUIRED' });
    await unchecked.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain.txt', Body: Buffer.from('Hello world') }));
    unchecked.destroy();
    const got = await aws.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain.txt', ChecksumMode: 'ENABLED' }));
    expect(got.ChecksumCRC64NVME).toBe('OOJZ0D8xKts=');
    expect(await got.Body!.transformToString()).toBe('Hello world');
  });

  it('wrong keys: InvalidAccessKeyId; a wrong secret: SignatureDoesNotMatch', async () => {
    const bad = awsClient({ ...accessOf(proxy), accessKeyId: 'AKIANOTTHEPROXYKEY00' });
    expect((await failure(bad.send(new HeadBucketCommand({ Bucket: bucket })))).status).toBe(403);
    bad.destroy();
    const badSecret = awsClient({ ...accessOf(proxy), secretAccessKey: 'not-the-secret' });
    expect((await failure(badSecret.send(new PutObjectCommand({ Bucket: bucket, Key: 'sig.txt', Body: 'x' })))).code).toBe('SignatureDoesNotMatch');
    badSecret.destroy();
  });
});

describe('multipart', () => {
  const five = 5 * 1024 * 1024;

  async function uploadTwoParts(key: string): Promise<{ uploadId: string; parts: { PartNumber: number; ETag: string; ChecksumSHA256: string }[]; data: Buffer }> {
    const data = randomBytes(five + 1000);
    const created = await aws.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'SHA256' }));
    expect(created.ChecksumAlgorithm).toBe('SHA256');
    const parts = [];
    for (const [i, chunk] of [data.subarray(0, five), data.subarray(five)].entries()) {
      const sha = checksumOf('SHA256', chunk);
      const out = await aws.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId, PartNumber: i + 1, Body: chunk, ChecksumSHA256: sha }));
      expect(out.ChecksumSHA256).toBe(sha);
      parts.push({ PartNumber: i + 1, ETag: out.ETag!, ChecksumSHA256: sha });
    }
    return { uploadId: created.UploadId!, parts, data };
  }

  it('Complete returns the composite SHA-256 (base64-N), and HEAD with the checksum mode echoes it', async () => {
    const { uploadId, parts, data } = await uploadTwoParts('mp.bin');
    if (info.features.multipartAdmin) {
      // S3 lists each part's checksum, so a resume can trust a part it never journaled.
      const listed = await aws.send(new ListPartsCommand({ Bucket: bucket, Key: 'mp.bin', UploadId: uploadId }));
      expect(listed.Parts?.map((p) => p.ChecksumSHA256)).toEqual(parts.map((p) => p.ChecksumSHA256));
    }
    const done = await aws.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp.bin', UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    const composite = compositeChecksum('SHA256', parts.map((p) => p.ChecksumSHA256));
    expect(composite).toMatch(/-2$/);
    expect(done.ChecksumSHA256).toBe(composite);
    expect(done.ChecksumType).toBe('COMPOSITE');
    const head = await aws.send(new HeadObjectCommand({ Bucket: bucket, Key: 'mp.bin', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumSHA256).toBe(composite);
    expect(head.ChecksumType).toBe('COMPOSITE');
    expect(sha256(await getObjectBytes(direct, bucket, 'mp.bin'))).toBe(sha256(data));
  });

  it('Complete naming another algorithm, or no checksum, for the parts: InvalidRequest; a different value: InvalidPart', async () => {
    const { uploadId, parts } = await uploadTwoParts('mp-wrong.bin');
    const crc = parts.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag, ChecksumCRC32: 'AAAAAA==' }));
    expect(await failure(aws.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp-wrong.bin', UploadId: uploadId, MultipartUpload: { Parts: crc } })))).toEqual({ code: 'InvalidRequest', status: 400 });
    const bare = parts.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag }));
    expect((await failure(aws.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp-wrong.bin', UploadId: uploadId, MultipartUpload: { Parts: bare } })))).code).toBe('InvalidRequest');
    const other = parts.map((p, i) => ({ ...p, ChecksumSHA256: i === 1 ? parts[0]!.ChecksumSHA256 : p.ChecksumSHA256 }));
    expect((await failure(aws.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp-wrong.bin', UploadId: uploadId, MultipartUpload: { Parts: other } })))).code).toBe('InvalidPart');
  });

  it('a part whose bytes were damaged on the way: BadDigest', async () => {
    const created = await aws.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp-flip.bin', ChecksumAlgorithm: 'SHA256' }));
    const chunk = randomBytes(1000);
    proxy.corruptNext('UploadPart');
    const sent = aws.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp-flip.bin', UploadId: created.UploadId, PartNumber: 1, Body: chunk, ChecksumSHA256: checksumOf('SHA256', chunk) }));
    expect((await failure(sent)).code).toBe('BadDigest');
  });
});

describe('addressing and regions', () => {
  it('the SDK addresses AWS virtual-hosted style, and the proxy maps it to path-style', async () => {
    proxy.clearLog();
    await aws.send(new HeadBucketCommand({ Bucket: bucket }));
    expect(proxy.log()[0]).toMatchObject({ kind: 'HeadBucket', host: `${bucket}.s3.us-east-1.amazonaws.com`, bucket, status: 200 });
    expect(parseAmazonHost('my.dotted.bucket.s3.eu-west-1.amazonaws.com')).toEqual({ service: 's3', region: 'eu-west-1', bucket: 'my.dotted.bucket' });
    expect(parseAmazonHost('s3.amazonaws.com')).toEqual({ service: 's3', region: 'us-east-1' });
  });

  it('a bucket in another region: 301 PermanentRedirect naming it, and served through its own region', async () => {
    const far = uniqueBucketName('awsproxy-eu');
    const eu = awsClient(accessOf(proxy), 'eu-west-1');
    await eu.send(new CreateBucketCommand({ Bucket: far, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    const wrong = await failure(aws.send(new PutObjectCommand({ Bucket: far, Key: 'x.txt', Body: 'x' })));
    expect(wrong).toEqual({ code: 'PermanentRedirect', status: 301 });
    expect(proxy.log().at(-1)?.code).toBe('PermanentRedirect');
    await eu.send(new PutObjectCommand({ Bucket: far, Key: 'x.txt', Body: 'x' }));
    expect((await eu.send(new HeadBucketCommand({ Bucket: far }))).BucketRegion).toBe('eu-west-1');
    eu.destroy();
  });

  it('STS GetCallerIdentity answers the connection test through the same proxy', async () => {
    const result = await testConnection(awsProfile(accessOf(proxy)), {});
    expect(result).toMatchObject({ ok: true, account: proxy.account, arn: proxy.arn });
    await expect(testConnection(awsProfile({ ...accessOf(proxy), accessKeyId: 'AKIAWRONGWRONGWRONG0' }), {})).rejects.toThrow();
  });

  it('refuses hosts that are not amazonaws.com', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(proxy.url, { headers: { host: 'example.com' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });
});
