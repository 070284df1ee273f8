/**
 * Requests signed and sent below the SDK, for the many small PUTs where the SDK's middleware stack costs more CPU
 * than the request itself (docs/benchmarks.md). General on purpose (sign + send + map errors), so a small GET could
 * use it too. Every guarantee of the SDK path is kept by borrowing the SDK's own parts rather than copying them:
 * - where a request goes (endpoint, path-style or virtual-hosted, signing region and service) is asked of the SDK once
 *   per bucket, by running a real command up to its signature (`routeOf`), and anything unusual falls back to it; the
 *   one exception is a plain custom endpoint (`plainRoute`), routed as the SDK routes it without loading the SDK, a
 *   test holding the two equal;
 * - credentials come from the profile's provider, the one the SDK clients are given, which refreshes itself; the clock
 *   offset is the context's, shared with its transfer client and corrected from each answer's Date as the SDK does,
 *   so RequestTimeTooSkewed is retried the same way;
 * - sockets are the transfer client's own keep-alive pools (proxy and CA bundle included), with its timeouts;
 * - failures are thrown shaped as the SDK's (name, Code, $metadata, $response, the XML's fields), so `toAppError`,
 *   `withRetry` and the web-page guard read them exactly as they read the SDK's.
 * The caller retries (withRetry), as with the transfer client, which has no retries of its own.
 */
import { platform, release } from 'node:os';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { GetObjectCommandOutput, PutObjectCommandInput } from '@aws-sdk/client-s3';
import { CONNECT_TIMEOUT_MS, looksLikeWebPage, SOCKET_IDLE_MS } from './client-factory';
import { isHtmlAnswer, webPageError } from './errors';
import { S3Signer } from './sigv4';
import type { S3Context } from './types';
import { s3Sdk, s3SdkVersion } from '../lazy-sdk';

/** Where requests for one bucket go, and how they are signed: what the SDK itself chose. */
export interface Route {
  protocol: string;
  hostname: string;
  port?: number;
  /** The host header the SDK sends (with a port when not the default). */
  host: string;
  /** The path before the key: `/bucket` for path-style, empty for virtual-hosted. */
  prefix: string;
  signingRegion: string;
  signingService: string;
  /** The SDK's user-agent headers, so a server's logs read the same. */
  agentHeaders: Record<string, string>;
}

/** One request: the object it names (none: the bucket itself), its headers (lowercase names), the body and that body's hex SHA-256. */
export interface LeanRequest {
  method: 'PUT' | 'GET' | 'HEAD';
  bucket: string;
  /** The object; absent for a request on the bucket itself (a listing). */
  key?: string;
  /** The SDK command's name, for messages and the web-page guard ('PutObjectCommand'). */
  commandName: string;
  /** The query the SDK adds (`x-id=PutObject`), which is part of what is signed. */
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: Buffer;
  /** The body's SHA-256 (hex), already known, so it is not taken again for the signature. */
  payloadSha256?: string;
  signal?: AbortSignal;
  /** A 2xx body announced longer than this is handed over unread (`stream`); one found longer without notice is dropped (undefined). */
  maxBytes?: number;
}

/** An answer with a 2xx status; its body is read whole (small requests only). */
export interface LeanResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body not read yet (then `body` is empty), when its announced length was over the request's `maxBytes`. */
  stream?: IncomingMessage;
}

interface LeanState {
  signer: S3Signer;
  routes: Map<string, Promise<Route | undefined>>;
}

/** Per context: its SDK clients may never be built (a no-change sync pass lists below the SDK). */
const states = new WeakMap<S3Context, LeanState>();

/** The sentinel thrown to stop a command once the SDK has built and signed it (nothing is sent). */
class Captured extends Error {
  constructor(readonly request: { protocol: string; hostname: string; port?: number; path: string; headers: Record<string, string> }) {
    super('captured');
  }
}

/** True when the context can send below the SDK (built by S3ClientFactory, with its socket pools). */
export function canSendLean(ctx: S3Context): boolean {
  return ctx.agents !== undefined;
}

/**
 * True when reads (GETs, listings) can go below the SDK: custom endpoints only, as on Amazon S3 the SDK checks
 * response checksums and follows wrong-region answers, which these paths do not.
 */
export function canReadLean(ctx: S3Context): boolean {
  return canSendLean(ctx) && ctx.customEndpoint;
}

function stateOf(ctx: S3Context): LeanState {
  let state = states.get(ctx);
  if (!state) {
    state = {
      // As the SDK signs for S3 (sigv4.ts): the path as sent, the payload hash a header. The credentials are the
      // profile's refreshing provider, the one the SDK clients are given.
      signer: new S3Signer(ctx.profile.credentials),
      routes: new Map(),
    };
    states.set(ctx, state);
  }
  return state;
}

/** The clock offset requests are signed with: the context's (shared with its transfer client), else the client's. */
function clockOf(ctx: S3Context): { offsetMs: number } {
  if (ctx.clock) return ctx.clock;
  const config = ctx.transferClient.config as { systemClockOffset?: number };
  return {
    get offsetMs() {
      return config.systemClockOffset ?? 0;
    },
    set offsetMs(v: number) {
      config.systemClockOffset = v;
    },
  };
}

/**
 * Asks the SDK where a PutObject to `bucket` goes, by running one through its middleware up to the signature and
 * reading the signed request. Undefined when the SDK signs it in a way this module does not (S3 Express sessions,
 * SigV4a), so such buckets stay on the SDK path.
 */
async function routeOf(ctx: S3Context, bucket: string): Promise<Route | undefined> {
  const state = stateOf(ctx);
  let route = state.routes.get(bucket);
  if (!route) {
    const plain = plainRoute(ctx, bucket);
    route = plain ? Promise.resolve(plain) : captureRoute(ctx, bucket);
    // A failure (credentials not available yet) must not stick.
    route.catch(() => state.routes.delete(bucket));
    state.routes.set(bucket, route);
  }
  return route;
}

/** The route the SDK itself gives a PutObject to `bucket` (run up to its signature, nothing sent); exported for the test that compares `plainRoute` with it. */
export async function captureRoute(ctx: S3Context, bucket: string): Promise<Route | undefined> {
  const command = new (s3Sdk().PutObjectCommand)({ Bucket: bucket, Key: 'k', Body: Buffer.alloc(0) });
  command.middlewareStack.addRelativeTo(
    () => (args: { request: unknown }) => {
      throw new Captured(args.request as Captured['request']);
    },
    { toMiddleware: 'httpSigningMiddleware', relation: 'after', name: 's3dropCaptureRoute' },
  );
  try {
    await ctx.transferClient.send(command);
  } catch (err) {
    if (!(err instanceof Captured)) throw err;
    const { protocol, hostname, port, path, headers } = err.request;
    const scope = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request,/.exec(headers.authorization ?? '');
    const unusual = Object.keys(headers).some((h) => h === 'x-amz-s3session-token' || h.startsWith('x-amz-region-set'));
    if (!scope || unusual || !path.endsWith('/k')) return undefined;
    const agentHeaders: Record<string, string> = {};
    for (const h of ['user-agent', 'x-amz-user-agent']) if (headers[h]) agentHeaders[h] = headers[h];
    return { protocol, hostname, port, host: headers.host ?? hostname, prefix: path.slice(0, -2), signingRegion: scope[1]!, signingService: scope[2]!, agentHeaders };
  }
  return undefined;
}

/** A bucket name that reads the same escaped or not, as a path segment and in a host name. */
const PLAIN_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** What the SDK's user agent is made of, where only word characters, dots, plus and minus signs appear (nothing to escape). */
const PLAIN_UA_PART = /^[\w.+-]+$/;

/**
 * The SDK's user-agent headers for the S3 clients S3ClientFactory builds on a custom endpoint (`createDefaultUserAgentProvider`
 * of @aws-sdk/core, and the `m/` feature flags those clients' settings give: endpoint override, WHEN_REQUIRED
 * checksums both ways, standard retries); undefined when anything would make the SDK write more (an
 * execution environment, an app id, a Node that is not Node) or escape a part.
 */
function sdkAgentHeaders(env: Record<string, string | undefined>): Record<string, string> | undefined {
  if (env.AWS_EXECUTION_ENV || env.AWS_SDK_UA_APP_ID || process.versions.bun || process.versions.deno) return undefined;
  const version = s3SdkVersion();
  const parts = [version, platform(), release(), process.versions.node];
  if (!parts.every((p) => PLAIN_UA_PART.test(p))) return undefined;
  return {
    'x-amz-user-agent': `aws-sdk-js/${version}`,
    'user-agent': `aws-sdk-js/${version} ua/2.1 os/${platform()}#${release()} lang/js md/nodejs#${process.versions.node} api/s3#${version} m/N,a,c,E`,
  };
}

/**
 * The route of a bucket on a plain custom endpoint, worked out without the SDK (so a pass that only lists need not
 * load it): path-style at the endpoint's host, signed with SigV4 for the context's region, exactly as the SDK's
 * endpoint rules give it for `forcePathStyle` (tests/main/services/s3/lean-route.test.ts compares the two). Undefined
 * (the SDK is asked, `captureRoute`) for anything else: Amazon S3, an endpoint with a path, a query, a user or an
 * IPv6 address, a proxy, a bucket name that would need escaping, or a user agent the SDK would write differently.
 */
export function plainRoute(ctx: S3Context, bucket: string, env: Record<string, string | undefined> = process.env): Route | undefined {
  const endpoint = ctx.profile.endpoint;
  if (!ctx.customEndpoint || !endpoint || ctx.profile.proxyEnv || !PLAIN_BUCKET.test(bucket)) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash || url.username || url.password || url.hostname.startsWith('[')) return undefined;
  const agentHeaders = sdkAgentHeaders(env);
  if (!agentHeaders) return undefined;
  return {
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    host: url.host,
    prefix: `/${bucket}`,
    signingRegion: ctx.region,
    signingService: 's3',
    agentHeaders,
  };
}

/** The SDK's escaping of a greedy path label: each segment through encodeURIComponent, and `!'()*` too. */
export function escapeKey(key: string): string {
  return key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** The value of an XML element in an error body (S3 errors are flat: `<Error><Code>…</Code>…</Error>`). */
function xmlFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const inner = /<Error>([\s\S]*)<\/Error>/.exec(text)?.[1] ?? '';
  for (const m of inner.matchAll(/<([A-Za-z][\w-]*)>([^<]*)<\/\1>/g)) out[m[1]!] = unescapeXml(m[2]!);
  return out;
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * An error answer as the SDK throws it: `name` and `Code` from the XML (`NotFound`/`Unknown` with no body), the XML's
 * other fields (Region, Endpoint…) as properties, `$metadata.httpStatusCode` and the raw `$response`.
 */
export function serviceError(statusCode: number, headers: IncomingHttpHeaders, text: string): Error {
  const fields = xmlFields(text);
  const code = fields.Code ?? (statusCode === 404 ? 'NotFound' : 'Unknown');
  const err = new Error(fields.Message ?? code);
  const { Code: _code, Message: _message, ...rest } = fields;
  return Object.assign(err, rest, {
    name: code,
    Code: code,
    $fault: statusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: statusCode, requestId: headers['x-amz-request-id'], extendedRequestId: headers['x-amz-id-2'] },
    $response: { statusCode, headers: flatHeaders(headers), body: text },
  });
}

/** The SDK's clock correction: an answer whose Date is five minutes or more from ours sets the client's offset. */
export function correctClock(ctx: S3Context, date: string | undefined): void {
  const server = date ? Date.parse(date) : NaN;
  if (Number.isNaN(server)) return;
  const clock = clockOf(ctx);
  if (Math.abs(Date.now() + clock.offsetMs - server) >= 300_000) clock.offsetMs = server - Date.now();
}

/** One HTTP exchange on the pooled sockets, with the SDK handler's connection and inactivity timeouts. */
function exchange(
  ctx: S3Context,
  route: Route,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  signal?: AbortSignal,
  maxBytes = Infinity,
): Promise<LeanResponse | undefined> {
  const https = route.protocol === 'https:';
  const send = https ? process.getBuiltinModule('node:https').request : httpRequest;
  return new Promise((resolve, reject) => {
    const timeoutError = (message: string) => Object.assign(new Error(message), { name: 'TimeoutError' });
    const req = send({ protocol: route.protocol, hostname: route.hostname, port: route.port, method, path, headers, agent: https ? ctx.agents!.https : ctx.agents!.http, signal });
    req.on('error', reject);
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const t = setTimeout(() => req.destroy(timeoutError(`Socket timed out without establishing a connection within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      socket.once('connect', () => clearTimeout(t));
      req.once('close', () => clearTimeout(t));
    });
    req.setTimeout(SOCKET_IDLE_MS, () => req.destroy(timeoutError(`Connection timed out after ${SOCKET_IDLE_MS} ms`)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
      // Longer than the caller holds in memory (the object grew since it was listed): its body is handed over unread,
      // so the caller streams it instead of asking again.
      if (ok && Number(res.headers['content-length'] ?? 0) > maxBytes) return resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0), stream: res });
      let got = 0;
      res.on('data', (c: Buffer) => {
        got += c.length;
        // No length announced and more than asked: dropped, and the caller goes through the SDK.
        if (ok && got > maxBytes) {
          res.destroy();
          return resolve(undefined);
        }
        chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
    });
    req.end(body);
  });
}

/** A request signed for sending below the SDK: where it goes, the path with its query, and the signed headers. */
export interface SignedLean {
  route: Route;
  /** The escaped path with the query, as it goes on the request line. */
  path: string;
  headers: Record<string, string>;
}

/**
 * Signs one request as the SDK would for its bucket's route; undefined when the SDK routes the bucket in a way this
 * module leaves to it.
 */
export async function signLean(ctx: S3Context, r: LeanRequest): Promise<SignedLean | undefined> {
  const route = await routeOf(ctx, r.bucket);
  if (!route) return undefined;
  const state = stateOf(ctx);
  // The bucket itself: `/bucket` path-style, `/` virtual-hosted, as the SDK sends it.
  const path = r.key === undefined ? route.prefix || '/' : `${route.prefix}/${escapeKey(r.key)}`;
  const headers: Record<string, string> = { ...r.headers, host: route.host, ...route.agentHeaders };
  if (r.payloadSha256) headers['x-amz-content-sha256'] = r.payloadSha256;
  const offset = clockOf(ctx).offsetMs;
  const signedHeaders = await state.signer.sign(
    { method: r.method, path, query: r.query, headers, ...(r.body ? { body: r.body } : {}) },
    { signingDate: new Date(Date.now() + offset), signingRegion: route.signingRegion, signingService: route.signingService },
  );
  const query = Object.entries(r.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return { route, path: query ? `${path}?${query}` : path, headers: signedHeaders };
}

/**
 * Signs and sends one request; resolves with a 2xx answer, or throws as the SDK would (web pages from custom
 * endpoints as ENDPOINT_NOT_S3, service errors SDK-shaped, network errors as Node gives them). Undefined when the
 * SDK routes the bucket in a way this module leaves to it: the caller then sends through the SDK.
 */
export async function leanSend(ctx: S3Context, r: LeanRequest): Promise<LeanResponse | undefined> {
  const signed = await signLean(ctx, r);
  if (!signed) return undefined;
  const { route, path, headers } = signed;
  const res = await exchange(ctx, route, r.method, path, headers, r.body, r.signal, r.maxBytes);
  if (!res) return undefined;
  const date = res.headers.date;
  correctClock(ctx, date);
  // The web-page guard of custom endpoints (client-factory.ts guardAgainstWebPages), on the raw answer.
  const endpoint = ctx.profile.endpoint;
  const head = { statusCode: res.statusCode, headers: flatHeaders(res.headers) };
  if (endpoint && (looksLikeWebPage(r.commandName, head) || (res.statusCode >= 300 && isHtmlAnswer(undefined, res.body.subarray(0, 256).toString('utf8'))))) {
    throw webPageError(endpoint, res.statusCode, r.commandName);
  }
  if (res.statusCode < 200 || res.statusCode >= 300) throw serviceError(res.statusCode, res.headers, res.body.toString('utf8'));
  return res;
}

/** The PutObject fields the lean path sends, each as the SDK serializes it; an input with any other goes through the SDK. */
const putHeaders: Partial<Record<keyof PutObjectCommandInput, string>> = {
  ContentType: 'content-type',
  ContentLength: 'content-length',
  ContentMD5: 'content-md5',
  ChecksumSHA256: 'x-amz-checksum-sha256',
  StorageClass: 'x-amz-storage-class',
  ServerSideEncryption: 'x-amz-server-side-encryption',
  SSEKMSKeyId: 'x-amz-server-side-encryption-aws-kms-key-id',
  Tagging: 'x-amz-tagging',
};

/** The headers of a PutObject input, as the SDK's serializer writes them; undefined when a field is not one of ours. */
function putObjectHeaders(input: PutObjectCommandInput): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const [field, value] of Object.entries(input) as [keyof PutObjectCommandInput, unknown][]) {
    if (value === undefined || field === 'Bucket' || field === 'Key' || field === 'Body') continue;
    if (field === 'Metadata') {
      for (const [k, v] of Object.entries(value as Record<string, string>)) {
        // The SDK leaves out empty header values; rather than copy that rule, such metadata stays on the SDK path.
        if (v === '') return undefined;
        headers[`x-amz-meta-${k.toLowerCase()}`] = v;
      }
      continue;
    }
    const name = putHeaders[field];
    if (!name || value === '') return undefined;
    headers[name] = String(value);
  }
  return headers;
}

/**
 * PutObject of a body held in memory, below the SDK; answers the ETag and the echoed SHA-256 checksum as
 * PutObjectCommand's output does, or undefined when the input or the bucket's route is left to the SDK.
 */
export async function leanPutObject(
  ctx: S3Context,
  input: PutObjectCommandInput & { Body: Buffer },
  payloadSha256: string,
  signal?: AbortSignal,
): Promise<{ ETag?: string; ChecksumSHA256?: string } | undefined> {
  const headers = putObjectHeaders(input);
  if (!headers || !canSendLean(ctx)) return undefined;
  headers['content-length'] = String(input.Body.length);
  const res = await leanSend(ctx, { method: 'PUT', bucket: input.Bucket!, key: input.Key!, commandName: 'PutObjectCommand', query: { 'x-id': 'PutObject' }, headers, body: input.Body, payloadSha256, signal });
  if (!res) return undefined;
  const one = (h: string) => {
    const v = res.headers[h];
    return Array.isArray(v) ? v[0] : v;
  };
  return { ETag: one('etag'), ChecksumSHA256: one('x-amz-checksum-sha256') };
}

/** The object fields a download reads (ETag, size, version, metadata, encryption, date), as the SDK's HEAD or GET gives them. */
export type LeanObjectFields = Pick<
  GetObjectCommandOutput,
  '$metadata' | 'ContentLength' | 'ETag' | 'VersionId' | 'LastModified' | 'ServerSideEncryption' | 'SSECustomerAlgorithm' | 'Metadata'
>;

/** Reads LeanObjectFields from an answer's headers, as the SDK's deserializer does. */
function objectFields(res: LeanResponse): LeanObjectFields {
  const h = flatHeaders(res.headers);
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (k.startsWith('x-amz-meta-')) metadata[k.slice('x-amz-meta-'.length)] = v;
  const length = h['content-length'];
  return {
    $metadata: { httpStatusCode: res.statusCode, requestId: h['x-amz-request-id'], extendedRequestId: h['x-amz-id-2'] },
    ContentLength: length !== undefined ? Number(length) : res.body.length,
    ...(h.etag !== undefined ? { ETag: h.etag } : {}),
    ...(h['x-amz-version-id'] !== undefined ? { VersionId: h['x-amz-version-id'] } : {}),
    ...(h['last-modified'] !== undefined ? { LastModified: new Date(h['last-modified']) } : {}),
    ...(h['x-amz-server-side-encryption'] !== undefined ? { ServerSideEncryption: h['x-amz-server-side-encryption'] as GetObjectCommandOutput['ServerSideEncryption'] } : {}),
    ...(h['x-amz-server-side-encryption-customer-algorithm'] !== undefined ? { SSECustomerAlgorithm: h['x-amz-server-side-encryption-customer-algorithm'] } : {}),
    Metadata: metadata,
  };
}

/**
 * A whole-object GetObject of at most `maxBytes`, below the SDK: the output fields a download reads, parsed from the
 * headers as the SDK's deserializer does, the body in memory (a plain Readable, without the SDK's transform helpers). Undefined when the bucket's route is left to the SDK,
 * on Amazon S3 (where the SDK asks for and checks response checksums), or when the answer turned out longer than
 * `maxBytes` without saying so; one announced longer (the object grew) comes with its body unread, as the SDK's.
 */
export async function leanGetObject(
  ctx: S3Context,
  input: { Bucket: string; Key: string; IfMatch?: string },
  maxBytes: number,
  signal?: AbortSignal,
): Promise<(LeanObjectFields & { Body: Readable }) | undefined> {
  if (!canReadLean(ctx)) return undefined;
  const headers: Record<string, string> = input.IfMatch !== undefined ? { 'if-match': input.IfMatch } : {};
  const res = await leanSend(ctx, { method: 'GET', bucket: input.Bucket, key: input.Key, commandName: 'GetObjectCommand', query: { 'x-id': 'GetObject' }, headers, signal, maxBytes });
  if (!res) return undefined;
  return { ...objectFields(res), Body: res.stream ?? Readable.from(res.body.length > 0 ? [res.body] : []) };
}

/**
 * A HeadObject below the SDK (of `versionId` when given): the fields a download reads, as leanGetObject's. Undefined
 * where leanGetObject would leave the request to the SDK; errors SDK-shaped (a missing key a bare 404, as a HEAD
 * answers it).
 */
export async function leanHeadObject(ctx: S3Context, input: { Bucket: string; Key: string; VersionId?: string }, signal?: AbortSignal): Promise<LeanObjectFields | undefined> {
  if (!canReadLean(ctx)) return undefined;
  const query: Record<string, string> = input.VersionId !== undefined ? { versionId: input.VersionId } : {};
  const res = await leanSend(ctx, { method: 'HEAD', bucket: input.Bucket, key: input.Key, commandName: 'HeadObjectCommand', query, headers: {}, signal });
  return res && objectFields(res);
}

/**
 * One ListObjectsV2 page below the SDK (`query` as the SDK would write it, `list-type=2` added): the 2xx answer's
 * body as text, for list-xml.ts to read. Undefined when the bucket's route is left to the SDK, and on Amazon S3,
 * whose wrong-region answers the SDK follows and this path would report.
 */
export async function leanListObjects(ctx: S3Context, bucket: string, query: Record<string, string>, signal?: AbortSignal): Promise<string | undefined> {
  if (!canReadLean(ctx)) return undefined;
  const res = await leanSend(ctx, { method: 'GET', bucket, commandName: 'ListObjectsV2Command', query: { 'list-type': '2', ...query }, headers: {}, signal });
  return res?.body.toString('utf8');
}
