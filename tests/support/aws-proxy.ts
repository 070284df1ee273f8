/**
 * An AWS-behaviour proxy: on loopback, in front of Ceph RGW, it answers requests sent as the AWS SDK sends them to
 * Amazon S3 (and STS) the way those services do, so the engine's AWS branch (`customEndpoint` false) runs in tests.
 *
 * How the client reaches it: the proxy is an HTTPS forward proxy (CONNECT) that terminates TLS itself with a
 * throw-away CA for `*.amazonaws.com`. A profile with HTTPS_PROXY pointing here and that CA as its CA bundle (both
 * settings real users have behind a corporate gateway) sends `https://<bucket>.s3.<region>.amazonaws.com/...` here,
 * with no test-only code in the engine. Plain HTTP with an amazonaws Host header is answered too (the proxy's tests).
 *
 * The S3 rules it implements, each from the documentation:
 * - aws-chunked bodies (signed and unsigned chunks, trailing checksums), with `x-amz-decoded-content-length`:
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
 * - `x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}` in a header or a trailer, `x-amz-sdk-checksum-algorithm`,
 *   and `Content-MD5`; a mismatch answers 400 BadDigest, a malformed or conflicting one 400 InvalidRequest /
 *   InvalidDigest; the object's checksum is echoed on PutObject, and on HeadObject/GetObject with
 *   `x-amz-checksum-mode: ENABLED` (and S3's default CRC64NVME for an object uploaded without one):
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
 * - multipart: the algorithm from CreateMultipartUpload (echoed as `x-amz-checksum-algorithm`), each part checked and
 *   its checksum required (and listed by ListParts), CompleteMultipartUpload's part checksums checked (missing or of another algorithm:
 *   InvalidRequest; different: InvalidPart), and the composite checksum (`base64-N`, type COMPOSITE) returned:
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html#large-object-checksums
 * - SigV4: the access key must be the proxy's AWS key and the signature must verify (SignatureDoesNotMatch), and a
 *   hex `x-amz-content-sha256` must be the body's (XAmzContentSHA256Mismatch):
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 * - virtual-hosted-style addressing mapped to path-style for RGW:
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
 * - a bucket set up as living in another region: 301 PermanentRedirect with `x-amz-bucket-region` when addressed
 *   through another region's endpoint; HeadBucket carries `x-amz-bucket-region`; GetBucketLocation names it:
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
 * - STS GetCallerIdentity for the connection test:
 *   https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 *
 * Not implemented (RGW answers as itself, or nothing checks it): full-object CRC multipart checksums
 * (`x-amz-checksum-type: FULL_OBJECT` on CreateMultipartUpload), chunk and trailer signatures of signed aws-chunked
 * bodies (read, not verified), presigned URLs' query authentication, checksums on UploadPartCopy and on ranged or
 * per-part GETs, GetObjectAttributes, SSE-C / KMS, the checksum of a CopyObject of a multipart object, and the
 * 100-continue refusal of a bad request before its body. Request bodies are held in memory (a part at a time).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, TLSSocket } from 'node:tls';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { proxyEnv, requestHandlerFor } from '../../src/main/services/profiles/network';
import type { ResolvedProfile } from '../../src/main/services/profiles/types';
import { algorithmOfHeader, checksumHeader, checksumOf, compositeChecksum, contentMd5, type ChecksumAlgorithm } from './aws-checksums';
import { classifyRequest, type RequestKind } from './chaos-proxy';

/** The RGW (or other path-style S3 server) behind the proxy, and its keys. */
export interface AwsProxyUpstream {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** One request as the proxy saw it, for tests to assert what the client sent. */
export interface AwsProxyRequest {
  kind: RequestKind | 'GetCallerIdentity';
  method: string;
  /** The Host header the client sent (virtual-hosted style shows the bucket here). */
  host: string;
  bucket?: string;
  key?: string;
  /** The checksum-related request headers (`x-amz-checksum-*`, `x-amz-sdk-checksum-algorithm`, `content-md5`, `content-encoding`, `x-amz-content-sha256`, `x-amz-trailer`). */
  headers: Record<string, string>;
  /** Trailers of an aws-chunked body. */
  trailers: Record<string, string>;
  /** CompleteMultipartUpload: the checksum elements per part, as `ChecksumSHA256=...`. */
  completeParts?: { partNumber: number; checksums: Record<string, string> }[];
  status: number;
  /** The S3 error code answered, if any. */
  code?: string;
}

/** A running proxy. */
export interface AwsProxy {
  /** The proxy URL for HTTPS_PROXY (and for plain-HTTP requests with an amazonaws Host header). */
  url: string;
  /** PEM of the CA that signed the proxy's `*.amazonaws.com` certificate (the profile's CA bundle). */
  ca: string;
  /** The same CA as a file, for AWS_CA_BUNDLE. */
  caFile: string;
  /** The AWS-side keys clients must sign with (not RGW's: the proxy re-signs). */
  accessKeyId: string;
  secretAccessKey: string;
  /** The account and ARN GetCallerIdentity answers. */
  account: string;
  arn: string;
  /** Marks `bucket` as living in `region` (requests through another region's endpoint get a 301). */
  setBucketRegion(bucket: string, region: string): void;
  /** Flips one byte in the body of the next `times` requests of `kind` as they arrive, as a bad link would (0 stops). */
  corruptNext(kind: 'PutObject' | 'UploadPart', times?: number): void;
  /**
   * Resolves once no request is being handled. The proxy forwards a body only once it has all of it, so a request
   * from a client killed just after sending its last byte still reaches the server a moment later.
   */
  idle(): Promise<void>;
  /** Every request so far (or since `clearLog`). */
  log(): AwsProxyRequest[];
  clearLog(): void;
  stop(): Promise<void>;
}

/** Regions the certificate covers; a bucket may be set up in any of them. */
export const PROXY_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'sa-east-1', 'ap-southeast-2'] as const;

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A CA and a certificate for the S3 and STS hostnames of PROXY_REGIONS, made with openssl in a temp folder. */
function makeAmazonCertificates(): { dir: string; caFile: string; ca: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 's3drop-awsproxy-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=S3 Drop AWS proxy test CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=s3.amazonaws.com']);
  const names = ['s3.amazonaws.com', '*.s3.amazonaws.com', 'sts.amazonaws.com'];
  for (const r of PROXY_REGIONS) names.push(`s3.${r}.amazonaws.com`, `*.s3.${r}.amazonaws.com`, `sts.${r}.amazonaws.com`);
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\n`);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf']);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { dir, caFile: join(dir, 'ca.pem'), ca: read('ca.pem'), key: read('server.key'), cert: read('server.pem') };
}

/** Where an amazonaws hostname points: S3 (with the bucket when virtual-hosted) or STS, and the region. */
export function parseAmazonHost(host: string): { service: 's3' | 'sts'; region: string; bucket?: string } | undefined {
  const h = host.replace(/:\d+$/, '').toLowerCase();
  const sts = /^sts(?:\.([a-z0-9-]+))?\.amazonaws\.com$/.exec(h);
  if (sts) return { service: 'sts', region: sts[1] ?? 'us-east-1' };
  const s3 = /^(?:(.+)\.)?s3(?:[.-]([a-z0-9-]+))?\.amazonaws\.com$/.exec(h);
  if (!s3) return undefined;
  return { service: 's3', region: s3[2] ?? 'us-east-1', ...(s3[1] ? { bucket: s3[1] } : {}) };
}

/** Thrown inside the request handler: answered as S3's XML error. */
class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Decodes an aws-chunked body: `<hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n` chunks, a zero-size chunk, then
 * trailer lines `name:value\r\n` and an empty line. Signatures are read and not verified.
 */
export function decodeAwsChunked(body: Buffer): { data: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let at = 0;
  const line = () => {
    const end = body.indexOf('\r\n', at);
    if (end < 0) throw new S3Error(400, 'IncompleteBody', 'The request body terminated unexpectedly');
    const text = body.subarray(at, end).toString('latin1');
    at = end + 2;
    return text;
  };
  for (;;) {
    const header = line();
    const size = parseInt(header.split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw new S3Error(400, 'InvalidChunkSizeError', 'Only the last chunk is allowed to have a size less than 8192 bytes');
    if (size === 0) break;
    if (at + size + 2 > body.length) throw new S3Error(400, 'IncompleteBody', 'The request body terminated unexpectedly');
    chunks.push(body.subarray(at, at + size));
    at += size;
    if (body.subarray(at, at + 2).toString('latin1') !== '\r\n') throw new S3Error(400, 'IncompleteBody', 'The request body terminated unexpectedly');
    at += 2;
  }
  while (at < body.length) {
    const l = line();
    if (l === '') break;
    const colon = l.indexOf(':');
    if (colon > 0) trailers[l.slice(0, colon).trim().toLowerCase()] = l.slice(colon + 1).trim();
  }
  return { data: Buffer.concat(chunks), trailers };
}

/** S3's XML error document. */
function errorXml(code: string, message: string, resource: string, requestId: string, extra: Record<string, string> = {}): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const more = Object.entries(extra)
    .map(([k, v]) => `<${k}>${esc(v)}</${k}>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${esc(message)}</Message>${more}<Resource>${esc(resource)}</Resource><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`;
}

/** The value of one simple XML element (first occurrence). */
function xmlValue(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m ? m[1] : undefined;
}

/** A node:crypto hash in the shape SignatureV4 wants (an HMAC when given a secret). */
class Sha256 {
  private readonly h;
  constructor(secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', Buffer.from(secret as Uint8Array));
  }
  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.h.update(typeof data === 'string' ? data : Buffer.from(data as Uint8Array));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.h.digest());
  }
}

/** The query string as SignatureV4 wants it (a repeated key keeps every value). */
function queryObject(search: string): Record<string, string | string[] | null> {
  const out: Record<string, string | string[] | null> = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev ?? '', v];
  }
  return out;
}

/** One header's single value. */
function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

interface UploadState {
  bucket: string;
  key: string;
  algorithm?: ChecksumAlgorithm;
  parts: Map<number, { etag: string; checksum?: string }>;
}

interface ObjectChecksum {
  etag: string;
  algorithm: ChecksumAlgorithm;
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

/** Headers that describe the client's request to AWS and must not reach RGW (the proxy re-signs a plain body). */
const DROP_TO_UPSTREAM = /^(host|authorization|x-amz-date|x-amz-content-sha256|x-amz-security-token|x-amz-decoded-content-length|x-amz-trailer|x-amz-checksum-.*|x-amz-sdk-checksum-algorithm|transfer-encoding|content-length|connection|keep-alive|expect|proxy-.*)$/i;

/** Starts the proxy on 127.0.0.1 in front of `upstream`. */
export async function startAwsProxy(upstream: AwsProxyUpstream): Promise<AwsProxy> {
  const up = new URL(upstream.endpoint);
  const tls = makeAmazonCertificates();
  const secureContext = createSecureContext({ key: tls.key, cert: tls.cert });
  const keys = { accessKeyId: 'AKIAS3DROPPROXYTEST01', secretAccessKey: randomBytes(30).toString('base64') };
  const account = '123456789012';
  const arn = `arn:aws:iam::${account}:user/s3drop-test`;
  const bucketRegions = new Map<string, string>();
  const uploads = new Map<string, UploadState>();
  const objects = new Map<string, ObjectChecksum>();
  const corrupt: Partial<Record<RequestKind, number>> = {};
  let log: AwsProxyRequest[] = [];
  const sockets = new Set<Socket>();
  const upstreamSigner = new SignatureV4({ service: 's3', region: upstream.region, credentials: { accessKeyId: upstream.accessKeyId, secretAccessKey: upstream.secretAccessKey }, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const clientSigner = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: keys, sha256: Sha256, uriEscapePath: false, applyChecksum: false });

  /** Reads the whole request body. */
  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((res, rej) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res(Buffer.concat(chunks)));
      req.on('error', rej);
      req.on('aborted', () => rej(new Error('client went away')));
    });

  /** Checks the client's SigV4 header signature against the proxy's AWS keys, as S3 does. */
  const verifySignature = async (req: IncomingMessage, path: string, search: string, region: string, service: string, body?: Buffer) => {
    const auth = one(req.headers, 'authorization') ?? '';
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(auth);
    if (!m) throw new S3Error(403, 'AccessDenied', 'Access Denied');
    if (m[1] !== keys.accessKeyId) throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    if (m[3] !== region && service === 's3') {
      throw new S3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${m[3]}' is wrong; expecting '${region}'`, {}, { Region: region });
    }
    const signed = m[5]!.split(';');
    const headers: Record<string, string> = {};
    for (const h of signed) headers[h] = one(req.headers, h) ?? '';
    const date = one(req.headers, 'x-amz-date') ?? '';
    const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    const signer = service === 's3' && region === 'us-east-1' ? clientSigner : new SignatureV4({ service, region: m[3]!, credentials: keys, sha256: Sha256, uriEscapePath: service !== 's3', applyChecksum: false });
    const again = await signer.sign(
      { method: req.method ?? 'GET', protocol: 'https:', hostname: headers.host ?? '', path, query: queryObject(search), headers, body: headers['x-amz-content-sha256'] ? undefined : body },
      { signingDate, signableHeaders: new Set(signed), unsignableHeaders: new Set(Object.keys(req.headers).filter((h) => !signed.includes(h))) },
    );
    const mine = /Signature=([0-9a-f]+)/.exec(String(again.headers.authorization ?? again.headers.Authorization))?.[1];
    if (mine !== m[6]) throw new S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  };

  /** Verifies every checksum the request carries against the decoded body; returns the one to store, if any. */
  const verifyChecksums = (req: IncomingMessage, data: Buffer, trailers: Record<string, string>): { algorithm: ChecksumAlgorithm; value: string } | undefined => {
    const given: { algorithm: ChecksumAlgorithm; value: string }[] = [];
    for (const [name, value] of [...Object.entries(req.headers), ...Object.entries(trailers)]) {
      const algorithm = algorithmOfHeader(name);
      if (algorithm && typeof value === 'string') given.push({ algorithm, value });
    }
    if (given.length > 1) throw new S3Error(400, 'InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    const declared = one(req.headers, 'x-amz-trailer');
    if (declared && !trailers[declared.toLowerCase()]) throw new S3Error(400, 'MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.');
    const sdkAlgorithm = one(req.headers, 'x-amz-sdk-checksum-algorithm')?.toUpperCase();
    if (sdkAlgorithm && given[0] && sdkAlgorithm !== given[0].algorithm) {
      throw new S3Error(400, 'InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
    }
    const md5 = one(req.headers, 'content-md5');
    if (md5 !== undefined) {
      if (Buffer.from(md5, 'base64').length !== 16) throw new S3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
      if (contentMd5(data) !== md5) throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    const c = given[0];
    if (!c) return undefined;
    const size = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 }[c.algorithm];
    if (Buffer.from(c.value, 'base64').length !== size) throw new S3Error(400, 'InvalidRequest', `Value for ${checksumHeader(c.algorithm)} header is invalid.`);
    if (checksumOf(c.algorithm, data) !== c.value) throw new S3Error(400, 'BadDigest', `The ${c.algorithm} you specified did not match the calculated checksum.`);
    return c;
  };

  /** Sends a plain request to RGW, path-style, signed with RGW's keys. */
  const forward = async (method: string, path: string, search: string, inHeaders: IncomingHttpHeaders, body: Buffer | undefined): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(inHeaders)) {
      if (v === undefined || DROP_TO_UPSTREAM.test(k)) continue;
      headers[k] = Array.isArray(v) ? v.join(',') : v;
    }
    // aws-chunked is a transfer detail of the request to AWS; any other coding (gzip) belongs to the object.
    if (headers['content-encoding']) {
      const rest = headers['content-encoding']
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s && s !== 'aws-chunked');
      if (rest.length) headers['content-encoding'] = rest.join(',');
      else delete headers['content-encoding'];
    }
    headers.host = up.host;
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    if (body && body.length > 0) headers['content-length'] = String(body.length);
    else if (method === 'PUT' || method === 'POST') headers['content-length'] = '0';
    const signed = await upstreamSigner.sign({ method, protocol: 'http:', hostname: up.hostname, port: Number(up.port), path, query: queryObject(search), headers, body: undefined });
    return new Promise((res, rej) => {
      // A fresh connection per request (agent: false): loopback connects are cheap, and an idle upstream socket closed
      // by RGW as it is reused would otherwise turn into a fault the test did not ask for.
      const r = httpRequest({ hostname: up.hostname, port: up.port, method, path: path + search, headers: signed.headers, agent: false }, (upRes) => {
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => res({ status: upRes.statusCode ?? 502, headers: upRes.headers, body: Buffer.concat(chunks) }));
        upRes.on('error', rej);
      });
      r.on('error', rej);
      r.end(body && body.length > 0 ? body : undefined);
    });
  };

  const handleSts = async (req: IncomingMessage, res: ServerResponse, entry: AwsProxyRequest, region: string) => {
    const bytes = await readBody(req);
    const body = bytes.toString('utf8');
    entry.kind = 'GetCallerIdentity';
    const requestId = randomBytes(8).toString('hex');
    const fail = (status: number, code: string, message: string) => {
      entry.status = status;
      entry.code = code;
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    };
    if (!new URLSearchParams(body).get('Action')?.startsWith('GetCallerIdentity')) return fail(400, 'InvalidAction', 'Only GetCallerIdentity is offered here.');
    try {
      await verifySignature(req, '/', '', region, 'sts', bytes);
    } catch (err) {
      if (err instanceof S3Error && err.code === 'InvalidAccessKeyId') return fail(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
      if (err instanceof S3Error) return fail(403, err.code, err.message);
      throw err;
    }
    entry.status = 200;
    res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
    res.end(
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${arn}</Arn><UserId>AIDAS3DROPTEST</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
  };

  const handleS3 = async (req: IncomingMessage, res: ServerResponse, entry: AwsProxyRequest, target: { region: string; bucket?: string }) => {
    const method = (req.method ?? 'GET').toUpperCase();
    // The path exactly as sent (URL() would resolve `..` segments of a key and re-encode others, breaking the signature).
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const raw = { pathname: q < 0 ? url : url.slice(0, q), search: q < 0 ? '' : url.slice(q), searchParams: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) };
    // Virtual-hosted style: the bucket is in the Host; RGW gets it as the first path segment.
    const rawPath = target.bucket ? `/${encodeURIComponent(target.bucket)}${raw.pathname === '/' ? '' : raw.pathname}` : raw.pathname;
    const { kind, bucket, key } = classifyRequest(method, rawPath + raw.search, req.headers);
    Object.assign(entry, { kind, bucket, key });
    for (const h of ['content-md5', 'content-encoding', 'x-amz-content-sha256', 'x-amz-trailer', 'x-amz-sdk-checksum-algorithm', 'x-amz-checksum-algorithm', 'x-amz-checksum-mode']) {
      const v = one(req.headers, h);
      if (v !== undefined) entry.headers[h] = v;
    }
    for (const [h, v] of Object.entries(req.headers)) if (algorithmOfHeader(h) && typeof v === 'string') entry.headers[h] = v;

    const body = await readBody(req);
    await verifySignature(req, raw.pathname, raw.search, target.region, 's3');
    const payloadHash = one(req.headers, 'x-amz-content-sha256') ?? '';
    if (/^[0-9a-f]{64}$/.test(payloadHash) && createHash('sha256').update(body).digest('hex') !== payloadHash) {
      throw new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    let data = body;
    let trailers: Record<string, string> = {};
    if (payloadHash.startsWith('STREAMING-') || /(^|,)\s*aws-chunked\s*(,|$)/.test(one(req.headers, 'content-encoding') ?? '')) {
      ({ data, trailers } = decodeAwsChunked(body));
      entry.trailers = trailers;
      const decoded = one(req.headers, 'x-amz-decoded-content-length');
      if (decoded === undefined) throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
      if (Number(decoded) !== data.length) throw new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
    }
    if ((kind === 'PutObject' || kind === 'UploadPart') && (corrupt[kind] ?? 0) > 0 && data.length > 0) {
      corrupt[kind]!--;
      data = Buffer.from(data);
      data[data.length >> 1]! ^= 0x01;
    }

    // A bucket set up in another region is only served through its own region's endpoint (except its creation).
    const home = bucket ? bucketRegions.get(bucket) : undefined;
    if (home && home !== target.region && kind !== 'CreateBucket') {
      throw new S3Error(
        301,
        'PermanentRedirect',
        'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
        { 'x-amz-bucket-region': home },
        { Endpoint: `${bucket}.s3.${home}.amazonaws.com`, Bucket: bucket! },
      );
    }

    const path = rawPath;
    const search = raw.search;
    const outHeaders: Record<string, string> = {};
    let forwardBody: Buffer | undefined = data;
    let upload: UploadState | undefined;
    let checksum: { algorithm: ChecksumAlgorithm; value: string } | undefined;

    if (kind === 'CreateBucket') {
      const location = xmlValue(data.toString('utf8'), 'LocationConstraint');
      if (location) bucketRegions.set(bucket!, location);
      else if (target.region !== 'us-east-1') bucketRegions.set(bucket!, target.region);
      // RGW has one zonegroup; the region is the proxy's to remember.
      forwardBody = undefined;
    } else if (kind === 'CompleteMultipartUpload') {
      upload = uploads.get(raw.searchParams.get('uploadId') ?? '');
      const xml = data.toString('utf8');
      verifyChecksums(req, data, trailers);
      const parts = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => {
        const checksums: Record<string, string> = {};
        for (const c of m[1]!.matchAll(/<Checksum(CRC32|CRC32C|CRC64NVME|SHA1|SHA256)>([^<]*)<\/Checksum\1>/g)) checksums[c[1]!] = c[2]!;
        return { partNumber: Number(xmlValue(m[1]!, 'PartNumber')), checksums };
      });
      entry.completeParts = parts;
      if (upload?.algorithm) {
        const algorithm = upload.algorithm;
        for (const p of parts) {
          const value = p.checksums[algorithm];
          if (value === undefined) {
            throw new S3Error(400, 'InvalidRequest', `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${p.partNumber} in the request.`);
          }
          if (upload.parts.get(p.partNumber)?.checksum !== value) {
            throw new S3Error(400, 'InvalidPart', "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.");
          }
        }
      } else if (parts.some((p) => Object.keys(p.checksums).length > 0)) {
        throw new S3Error(400, 'InvalidRequest', 'The upload was created without a checksum. The complete request must not include a checksum for a part.');
      }
      // RGW 16 does not know the checksum elements: it gets the list it understands.
      forwardBody = Buffer.from(xml.replace(/<Checksum(CRC32|CRC32C|CRC64NVME|SHA1|SHA256)>[^<]*<\/Checksum\1>/g, ''), 'utf8');
    } else if (kind === 'CreateMultipartUpload') {
      const a = one(req.headers, 'x-amz-checksum-algorithm')?.toUpperCase();
      if (a && !['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'].includes(a)) throw new S3Error(400, 'InvalidRequest', 'Checksum algorithm provided is unsupported.');
      if (one(req.headers, 'x-amz-checksum-type')?.toUpperCase() === 'FULL_OBJECT') throw new S3Error(501, 'NotImplemented', 'The AWS proxy offers composite multipart checksums only.');
      upload = { bucket: bucket!, key: key!, ...(a ? { algorithm: a as ChecksumAlgorithm } : {}), parts: new Map() };
      if (a) Object.assign(outHeaders, { 'x-amz-checksum-algorithm': a, 'x-amz-checksum-type': 'COMPOSITE' });
    } else if (kind === 'UploadPart') {
      upload = uploads.get(raw.searchParams.get('uploadId') ?? '');
      checksum = verifyChecksums(req, data, trailers);
      if (upload?.algorithm && checksum?.algorithm !== upload.algorithm) {
        throw new S3Error(400, 'InvalidRequest', `Checksum Type mismatch occurred, expected checksum Type: ${upload.algorithm.toLowerCase()}, actual checksum Type: ${checksum?.algorithm.toLowerCase() ?? 'null'}`);
      }
    } else if (kind === 'PutObject') {
      // S3 stores a CRC64NVME of every object uploaded without a checksum.
      checksum = verifyChecksums(req, data, trailers) ?? { algorithm: 'CRC64NVME', value: checksumOf('CRC64NVME', data) };
    } else if (data.length > 0) {
      verifyChecksums(req, data, trailers);
    } else {
      forwardBody = undefined;
    }

    const answer = await forward(method, path, search, req.headers, forwardBody);
    let resBody = answer.body;
    const ok = answer.status >= 200 && answer.status < 300;
    const etag = (answer.headers.etag as string | undefined)?.replace(/"/g, '');
    if (ok && kind === 'CreateMultipartUpload' && upload) {
      const id = xmlValue(resBody.toString('utf8'), 'UploadId');
      if (id) uploads.set(id, upload);
    } else if (ok && kind === 'UploadPart' && upload && etag) {
      upload.parts.set(Number(raw.searchParams.get('partNumber')), { etag, ...(checksum ? { checksum: checksum.value } : {}) });
      if (checksum) outHeaders[checksumHeader(checksum.algorithm)] = checksum.value;
    } else if (ok && kind === 'PutObject' && checksum && etag) {
      objects.set(`${bucket}/${key}`, { etag, algorithm: checksum.algorithm, value: checksum.value, type: 'FULL_OBJECT' });
      Object.assign(outHeaders, { [checksumHeader(checksum.algorithm)]: checksum.value, 'x-amz-checksum-type': 'FULL_OBJECT' });
    } else if (ok && kind === 'CompleteMultipartUpload' && upload && /<CompleteMultipartUploadResult/.test(resBody.toString('utf8'))) {
      let xml = resBody.toString('utf8');
      let finalEtag = xmlValue(xml, 'ETag')?.replace(/&quot;|"/g, '');
      if (!finalEtag) {
        // RGW 16 answers this Complete with an empty <ETag/>; S3 always names it, so the proxy asks RGW's HEAD.
        finalEtag = String((await forward('HEAD', path, '', {}, undefined)).headers.etag ?? '').replace(/"/g, '');
        xml = xml.replace(/<ETag>[^<]*<\/ETag>|<ETag\/>/, `<ETag>&quot;${finalEtag}&quot;</ETag>`);
        resBody = Buffer.from(xml, 'utf8');
      }
      if (upload.algorithm && finalEtag) {
        const numbers = (entry.completeParts ?? []).map((p) => p.partNumber);
        const value = compositeChecksum(
          upload.algorithm,
          numbers.map((n) => upload!.parts.get(n)!.checksum!),
        );
        objects.set(`${bucket}/${key}`, { etag: finalEtag, algorithm: upload.algorithm, value, type: 'COMPOSITE' });
        const tag = `Checksum${upload.algorithm}`;
        resBody = Buffer.from(xml.replace('</CompleteMultipartUploadResult>', `<${tag}>${value}</${tag}><ChecksumType>COMPOSITE</ChecksumType></CompleteMultipartUploadResult>`), 'utf8');
      }
      uploads.delete(raw.searchParams.get('uploadId') ?? '');
    } else if (ok && kind === 'ListParts') {
      // S3 lists each part's checksum (and the upload's algorithm), which lets a resume trust a part it never journaled.
      const state = uploads.get(raw.searchParams.get('uploadId') ?? '');
      if (state?.algorithm) {
        const tag = `Checksum${state.algorithm}`;
        const xml = resBody.toString('utf8').replace(/<Part>([\s\S]*?)<\/Part>/g, (whole, inner: string) => {
          const c = state.parts.get(Number(xmlValue(inner, 'PartNumber')))?.checksum;
          return c ? `<Part>${inner}<${tag}>${c}</${tag}></Part>` : whole;
        });
        resBody = Buffer.from(xml.replace('</ListPartsResult>', `<ChecksumAlgorithm>${state.algorithm}</ChecksumAlgorithm></ListPartsResult>`), 'utf8');
      }
    } else if (ok && kind === 'AbortMultipartUpload') {
      uploads.delete(raw.searchParams.get('uploadId') ?? '');
    } else if (ok && (kind === 'HeadObject' || kind === 'GetObject') && answer.status === 200 && one(req.headers, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
      const stored = objects.get(`${bucket}/${key}`);
      if (stored && stored.etag === etag) Object.assign(outHeaders, { [checksumHeader(stored.algorithm)]: stored.value, 'x-amz-checksum-type': stored.type });
    } else if (ok && kind === 'HeadBucket') {
      outHeaders['x-amz-bucket-region'] = bucketRegions.get(bucket!) ?? 'us-east-1';
    } else if (ok && kind === 'GetBucketLocation') {
      const r = bucketRegions.get(bucket!);
      resBody = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${XMLNS}">${r && r !== 'us-east-1' ? r : ''}</LocationConstraint>`, 'utf8');
    }
    if (!ok) entry.code = xmlValue(resBody.toString('utf8'), 'Code');
    entry.status = answer.status;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !/^(transfer-encoding|connection|keep-alive|content-length)$/i.test(k)) headers[k] = v;
    Object.assign(headers, outHeaders);
    if (method !== 'HEAD') headers['content-length'] = String(resBody.length);
    else if (answer.headers['content-length'] !== undefined) headers['content-length'] = String(answer.headers['content-length']);
    res.writeHead(answer.status, headers);
    res.end(method === 'HEAD' ? undefined : resBody);
  };

  let inFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight++;
    const host = one(req.headers, 'host') ?? '';
    const target = parseAmazonHost(host);
    const entry: AwsProxyRequest = { kind: 'Other', method: req.method ?? 'GET', host, headers: {}, trailers: {}, status: 0 };
    log.push(entry);
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const handled = !target ? Promise.reject(new S3Error(400, 'InvalidRequest', `The AWS proxy only answers *.amazonaws.com, not ${host}`)) : target.service === 'sts' ? handleSts(req, res, entry, target.region) : handleS3(req, res, entry, target);
    // Counted until the handler is done, not until the client goes: a killed client's request may still be forwarded.
    void handled.finally(() => inFlight--).catch(() => {});
    handled.catch((err: unknown) => {
      if (res.headersSent || res.destroyed) return res.destroy();
      // A client gone mid-body (kill -9, pause) is a normal event here.
      if (!(err instanceof S3Error)) {
        if (req.destroyed || (err as Error).message === 'client went away') return res.destroy();
        err = new S3Error(500, 'InternalError', `We encountered an internal error. Please try again. (${(err as Error).message})`);
      }
      const e = err as S3Error;
      entry.status = e.status;
      entry.code = e.code;
      const body = req.method === 'HEAD' ? '' : errorXml(e.code, e.message, new URL(req.url ?? '/', 'http://x').pathname, requestId, e.extra);
      res.writeHead(e.status, { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'content-length': String(Buffer.byteLength(body)), ...e.headers });
      res.end(body);
      // Whatever is left of a refused body is not read.
      if (!req.complete) req.resume();
    });
  });
  // HTTPS through the proxy: accept the tunnel, terminate TLS with the amazonaws certificate, and serve the
  // decrypted stream with the same HTTP server.
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (!/\.amazonaws\.com:443$/i.test(req.url ?? '')) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    const secure = new TLSSocket(socket, { isServer: true, secureContext });
    secure.on('error', () => secure.destroy());
    // The tunnel dies with its TLS session: a half-dead tunnel would be reused by the client's keep-alive pool and hang.
    secure.on('close', () => socket.destroy());
    server.emit('connection', secure);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.requestTimeout = 0;
  // Idle keep-alive connections stay open until the client closes them (as S3 keeps them far longer than Node's 5 s):
  // a server-side close racing the client's next request on that socket would read as a network fault.
  server.keepAliveTimeout = 0;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    ca: tls.ca,
    caFile: tls.caFile,
    ...keys,
    account,
    arn,
    setBucketRegion: (bucket, region) => void bucketRegions.set(bucket, region),
    corruptNext: (kind, times = 1) => void (corrupt[kind] = times),
    async idle() {
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 20));
    },
    log: () => structuredClone(log),
    clearLog: () => void (log = []),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(tls.dir, { recursive: true, force: true });
    },
  };
}

/** What a test needs to reach the proxy as AWS (serialisable, so the global setup can hand it to workers). */
export interface AwsProxyAccess {
  proxyUrl: string;
  ca: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The access details of a running proxy. */
export function accessOf(proxy: AwsProxy): AwsProxyAccess {
  return { proxyUrl: proxy.url, ca: proxy.ca, accessKeyId: proxy.accessKeyId, secretAccessKey: proxy.secretAccessKey };
}

/**
 * An app profile for Amazon S3 itself (no endpoint, so `customEndpoint` is false) whose traffic reaches the proxy the
 * way a corporate gateway's does: HTTPS_PROXY plus the gateway's CA bundle. Nothing here is test-only in the engine.
 */
export function awsProfile(access: AwsProxyAccess, id = 'aws', region = 'us-east-1'): ResolvedProfile {
  const env = { HTTPS_PROXY: access.proxyUrl };
  return {
    summary: { id, name: id, kind: 'keys', source: 'app', hasSecret: true },
    region,
    forcePathStyle: false,
    credentials: async () => ({ accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey }),
    caBundle: access.ca,
    proxyEnv: proxyEnv(env),
    requestHandler: requestHandlerFor({ caBundle: access.ca, env }),
  };
}

/** A plain SDK client for Amazon S3 through the proxy, with the SDK's defaults (WHEN_SUPPORTED checksums). */
export function awsClient(access: AwsProxyAccess, region = 'us-east-1', config: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    region,
    credentials: { accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey },
    requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsAgent({ keepAlive: true, ca: access.ca, proxyEnv: { HTTPS_PROXY: access.proxyUrl } } as HttpsAgentOptions) }),
    maxAttempts: 1,
    ...config,
  });
}
