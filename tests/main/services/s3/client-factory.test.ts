/** The S3 client's network settings: a stalled socket fails (and the engine retries), a slow moving one never does. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { SOCKET_IDLE_MS, clientConfig, looksLikeWebPage } from '../../../../src/main/services/s3/client-factory';
import { toAppError } from '../../../../src/main/services/s3/errors';
import type { ResolvedProfile } from '../../../../src/main/services/profiles/types';
import { TokenBucket } from '../../../../src/main/services/transfers/token-bucket';

const profile = {
  summary: { id: 'p', name: 'p', kind: 'keys', source: 'app', hasSecret: true },
  endpoint: 'http://127.0.0.1:1',
  credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b' }),
} as unknown as ResolvedProfile;

async function handlerConfig(p: ResolvedProfile): Promise<Record<string, unknown>> {
  const handler = clientConfig(p, 'us-east-1', 1).requestHandler as NodeHttpHandler;
  return (await (handler as unknown as { configProvider: Promise<Record<string, unknown>> }).configProvider) ?? {};
}

describe('client timeouts', () => {
  it('uses an inactivity timeout, not a whole-request limit that would cut a slow big part', async () => {
    const cfg = await handlerConfig(profile);
    expect(cfg.socketTimeout).toBe(SOCKET_IDLE_MS);
    expect(cfg.throwOnRequestTimeout).not.toBe(true);
  });

  it('the timeout error the handler raises is retryable (TIMEOUT)', () => {
    const err = Object.assign(new Error('the request socket timed out after 120000 ms of inactivity'), { name: 'TimeoutError' });
    const app = toAppError(err, { action: 'UploadPart' });
    expect(app.code).toBe('TIMEOUT');
    expect(app.options.retryable).toBe(true);
  });
});

describe('bandwidth grain', () => {
  it('without a limit a chunk goes whole', () => {
    expect(new TokenBucket(() => 0).grain(65_536)).toBe(65_536);
  });

  it('under a low limit each slice is a quarter second of the rate, so 256 sharing requests each write within the idle limit', () => {
    const rate = 4 * 1024;
    const grain = new TokenBucket(() => rate).grain(65_536);
    expect(grain).toBe(1024);
    // Worst case: every request waits for all others' slices before its next write.
    expect(((256 * grain) / rate) * 1000).toBeLessThan(SOCKET_IDLE_MS);
  });
});

describe('web pages where S3 was expected', () => {
  const html = { 'content-type': 'text/html; charset=utf-8', 'content-length': '120' };
  it('a 200 text/html answer to a listing or an upload is not S3', () => {
    expect(looksLikeWebPage('ListObjectsV2Command', { statusCode: 200, headers: html })).toBe(true);
    expect(looksLikeWebPage('PutObjectCommand', { statusCode: 200, headers: html })).toBe(true);
  });
  it('an HTML object read back from S3 (ETag, x-amz headers) is not mistaken for a portal', () => {
    expect(looksLikeWebPage('HeadObjectCommand', { statusCode: 200, headers: { ...html, etag: '"abc"', 'x-amz-request-id': '1' } })).toBe(false);
    expect(looksLikeWebPage('HeadObjectCommand', { statusCode: 200, headers: html })).toBe(true);
  });
  it('XML answers go to the normal parser, at any status', () => {
    expect(looksLikeWebPage('ListObjectsV2Command', { statusCode: 200, headers: { 'content-type': 'application/xml' } })).toBe(false);
    expect(looksLikeWebPage('ListObjectsV2Command', { statusCode: 404, headers: { 'content-type': 'application/xml' } })).toBe(false);
  });
  it('an HTML error page (any status, any command) is not S3, since S3 answers errors in XML', () => {
    expect(looksLikeWebPage('ListObjectsV2Command', { statusCode: 502, headers: html })).toBe(true);
    expect(looksLikeWebPage('HeadObjectCommand', { statusCode: 404, headers: html })).toBe(true);
  });
  it('an HTML error page reaching toAppError from a client without the guard (an AWS endpoint) is not S3 either', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(404, { 'content-type': 'text/html' });
        res.end('<!DOCTYPE html><html><body>Not Found</body></html>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    try {
      const err = await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })).then(() => undefined, (e: unknown) => e);
      expect(toAppError(err, { action: 'PutObject', endpoint }).toData()).toMatchObject({ code: 'ENDPOINT_NOT_S3', params: { endpoint }, retryable: false });
    } finally {
      client.destroy();
      server.close();
    }
  });
});

describe('SDK console noise', () => {
  it('a client built without a logger still gets a quiet one (the SDK would print per aborted part otherwise)', () => {
    const cfg = clientConfig(profile, 'us-east-1', 1);
    const logger = cfg.logger as { warn: (m: string) => void } | undefined;
    expect(logger).toBeDefined();
    const seen: unknown[] = [];
    const orig = console.warn;
    console.warn = (...a: unknown[]) => seen.push(a);
    try {
      logger!.warn('An error was encountered in a non-retryable streaming request.');
    } finally {
      console.warn = orig;
    }
    expect(seen).toEqual([]);
  });
});

describe('the SDK logger', () => {
  it('has no info (the SDK would filter every request and response for it) but passes warnings and errors on', () => {
    const lines: string[] = [];
    const ours = { debug: (...a: unknown[]) => lines.push(`debug ${a.join(' ')}`), info() {}, warn: (...a: unknown[]) => lines.push(`warn ${a.join(' ')}`), error() {} };
    for (const logger of [ours, undefined]) {
      const sdk = clientConfig(profile, 'us-east-1', 1, logger as never).logger as unknown as Record<string, unknown>;
      expect(sdk.info).toBeUndefined();
      // One SDK path (region redirects) calls debug without checking for it first.
      expect(typeof sdk.debug).toBe('function');
    }
    const sdk = clientConfig(profile, 'us-east-1', 1, ours as never).logger!;
    sdk.warn('slow');
    sdk.error('broken');
    expect(lines).toEqual(['debug s3 sdk: slow', 'warn s3 sdk: broken']);
  });
});
