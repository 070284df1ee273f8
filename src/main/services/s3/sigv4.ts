/**
 * Signature Version 4 for the requests lean-request.ts sends below the SDK, signed in headers exactly as the SDK's
 * `@smithy/signature-v4` signs S3's (its path already escaped, the payload's hash in `x-amz-content-sha256`).
 * Its own small module, not the SDK's class: that class's imports pull the SDK's shared serde and schema code
 * (about 140 KB, and Node's WebCrypto through its UUID helper) into the start of every command that talks to a
 * custom endpoint, such as a no-change `sync --once` that needs nothing else of the SDK.
 * tests/main/services/s3/sigv4.test.ts signs the same requests with both and compares every header.
 */
import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** A request to sign: `path` as it goes on the request line (already escaped), without its query. */
export interface SignableRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** Headers no proxy or client may be trusted to keep as they are: never signed (the SDK's list). */
const UNSIGNABLE = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);
/** What the signer sets itself: any given value is dropped first. */
const GENERATED = new Set(['authorization', 'x-amz-date', 'date']);
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 escaping, as SigV4 asks for query names and values. */
function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Signs S3 requests with one profile's credentials; signing keys are kept per day, region and service. */
export class S3Signer {
  /** The last signing key and what it was made from (a day, a region, a service, the credentials). */
  private cached?: { shortDate: string; region: string; service: string; credentials: AwsCredentialIdentity; key: Buffer };

  /** `credentials` is called at every signature: the profile's provider refreshes and caches on its own. */
  constructor(
    private readonly credentials: AwsCredentialIdentityProvider,
    private readonly service = 's3',
  ) {}

  /** The request's headers with `x-amz-date`, the payload hash, the session token and `authorization` added. */
  async sign(request: SignableRequest, options: { signingDate: Date; signingRegion: string; signingService?: string }): Promise<Record<string, string>> {
    const credentials = await this.credentials();
    if (typeof credentials?.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string') throw new Error('Resolved credential object is not valid');
    const service = options.signingService ?? this.service;
    const longDate = options.signingDate.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
    const shortDate = longDate.slice(0, 8);
    const scope = `${shortDate}/${options.signingRegion}/${service}/aws4_request`;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (!GENERATED.has(name.toLowerCase())) headers[name] = value;
    headers['x-amz-date'] = longDate;
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const given = Object.keys(headers).find((h) => h.toLowerCase() === 'x-amz-content-sha256');
    const payloadHash = given !== undefined ? headers[given]! : request.body === undefined ? EMPTY_SHA256 : createHash('sha256').update(request.body).digest('hex');
    if (given === undefined) headers['x-amz-content-sha256'] = payloadHash;

    const canonical = new Map<string, string>();
    for (const name of Object.keys(headers).sort()) {
      const lower = name.toLowerCase();
      if (UNSIGNABLE.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) continue;
      canonical.set(lower, headers[name]!.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, ''));
    }
    const names = [...canonical.keys()].sort();
    const query = Object.keys(request.query)
      .filter((k) => k.toLowerCase() !== 'x-amz-signature')
      .map((k) => [escapeUri(k), escapeUri(request.query[k]!)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonicalRequest = `${request.method}\n${request.path}\n${query}\n${names.map((n) => `${n}:${canonical.get(n)}`).join('\n')}\n\n${names.join(';')}\n${payloadHash}`;
    const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', this.signingKey(credentials, shortDate, options.signingRegion, service)).update(stringToSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
    return headers;
  }

  /** The day's key for a region and service: four HMACs, made again only when one of those or the credentials change. */
  private signingKey(credentials: AwsCredentialIdentity, shortDate: string, region: string, service: string): Buffer {
    const c = this.cached;
    if (
      c?.shortDate === shortDate &&
      c.region === region &&
      c.service === service &&
      c.credentials.accessKeyId === credentials.accessKeyId &&
      c.credentials.secretAccessKey === credentials.secretAccessKey &&
      c.credentials.sessionToken === credentials.sessionToken
    ) {
      return c.key;
    }
    let key = Buffer.from(`AWS4${credentials.secretAccessKey}`);
    for (const part of [shortDate, region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    this.cached = { shortDate, region, service, credentials, key };
    return key;
  }
}
