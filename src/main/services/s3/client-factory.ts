/** Builds S3 clients from resolved profiles, with the settings custom endpoints need. */
import type { Agent as HttpsAgent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { CoreDeps } from '../context';
import type { Logger } from '../log/logger';
import type { ProfileResolver, ResolvedProfile } from '../profiles/types';
import { isHtmlAnswer, webPageError } from './errors';
import type { S3Agents, S3Clients, S3Context } from './types';
import { nodeHttpSdk, s3Sdk } from '../lazy-sdk';

/** How long a socket may sit with no byte read or written before the request fails (and is retried). */
export const SOCKET_IDLE_MS = 120_000;

/** How long opening a connection may take before the request fails (and is retried). */
export const CONNECT_TIMEOUT_MS = 10_000;

/** The attempts the general client (listings, HEADs, deletes) makes at each request; lean listings retry as many times. */
export const CLIENT_ATTEMPTS = 3;

/**
 * A profile's keep-alive socket pools, with its proxy and CA settings. Enough sockets for file concurrency × part
 * concurrency; the SDK default of 50 would queue requests silently. HTTPS_PROXY/HTTP_PROXY/NO_PROXY go into our own
 * agents (Node 24 routes through `proxyEnv`), rather than taking `profile.requestHandler`: that handler lacks the
 * socket limits and the stall timeout of `clientConfig`.
 */
export function profileAgents(profile: ResolvedProfile): S3Agents {
  const agentOptions = { keepAlive: true, maxSockets: 256, ...(profile.proxyEnv ? { proxyEnv: profile.proxyEnv } : {}) };
  let https: HttpsAgent | undefined;
  return {
    http: new HttpAgent(agentOptions),
    // Made at first use: https (and TLS with it) is loaded only for an https endpoint, not at every start.
    get https() {
      return (https ??= new (process.getBuiltinModule('node:https').Agent)({ ...agentOptions, ...(profile.caBundle ? { ca: profile.caBundle } : {}) }));
    },
  };
}

/** Builds the SDK configuration for a profile; exported so tests and the CLI see the same choices. */
export function clientConfig(profile: ResolvedProfile, region: string, maxAttempts: number, logger?: Logger, agents: S3Agents = profileAgents(profile)): S3ClientConfig {
  const custom = Boolean(profile.endpoint);
  const config: S3ClientConfig = {
    region,
    // A provider, never a resolved value: the SDK calls it again when credentials near expiry.
    credentials: profile.credentials,
    maxAttempts,
    // The SDK warns on console about failed streamed bodies ("non-retryable streaming request", once per part a
    // pause or shutdown aborts), which the engine handles itself: keep that in the log, and never on the console
    // even for a client built without a logger (its NoOpLogger default falls back to console for this warning).
    //
    // No `info`: the SDK's logger middleware calls `logger.info?.({ input: filter(input), output: filter(output) })`
    // after every request, so a do-nothing `info` still pays for filtering both (about 10% of the engine's CPU on
    // 2,000 small files). `debug` stays: one SDK path (region redirects) calls it without `?.`.
    logger: sdkLogger(logger),
    requestHandler: new (nodeHttpSdk().NodeHttpHandler)({
      httpAgent: agents.http,
      httpsAgent: agents.https,
      connectionTimeout: CONNECT_TIMEOUT_MS,
      // A stalled socket must fail (and be retried) rather than hang an upload forever. In this handler version
      // requestTimeout only logs a warning, and a whole-request limit would cut a slow but moving 5 GiB part;
      // socketTimeout is an inactivity limit (no byte read or written for this long), which a moving upload
      // never reaches. The bandwidth limit hands out small slices (token-bucket grain) so it never starves a socket.
      socketTimeout: SOCKET_IDLE_MS,
    }),
  };
  if (custom) {
    config.endpoint = profile.endpoint;
    config.forcePathStyle = true;
    // Third-party stores reject or corrupt the SDK's default trailing CRC checksums on streamed bodies.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
  } else if (profile.forcePathStyle) {
    config.forcePathStyle = true;
  }
  return config;
}

/** The SDK's logger over ours: warnings and errors only, and no `info` at all (see `clientConfig`). */
function sdkLogger(logger: Logger | undefined): NonNullable<S3ClientConfig['logger']> {
  const quiet = () => {};
  const out = logger
    ? { trace: quiet, debug: quiet, warn: (...a: unknown[]) => logger.debug('s3 sdk:', ...a), error: (...a: unknown[]) => logger.warn('s3 sdk:', ...a) }
    : { trace: quiet, debug: quiet, warn: quiet, error: quiet };
  // The SDK's Logger type requires `info`, but every SDK call site that would use it checks for it first.
  return out as unknown as NonNullable<S3ClientConfig['logger']>;
}

interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string | undefined>;
}

/**
 * True when an answer's headers say it is a web page, not S3: a Wi-Fi sign-in page (captive portal), a web server or a
 * proxy's error page at a wrong address. S3 never answers an error in HTML, whatever the status.
 */
export function looksLikeWebPage(commandName: string, response: RawResponse | undefined): boolean {
  const h = response?.headers ?? {};
  if (!isHtmlAnswer(h['content-type'])) return false;
  const status = response?.statusCode ?? 0;
  // An object can itself be an HTML page; S3 then still sends an ETag (and its own x-amz headers).
  if (status >= 200 && status < 300 && (commandName === 'GetObjectCommand' || commandName === 'HeadObjectCommand')) return !h.etag && !Object.keys(h).some((k) => k.startsWith('x-amz-'));
  return true;
}

/**
 * The first bytes of an error answer whose headers did not say HTML, leaving the whole body for the SDK's parser.
 * The SDK reads an error body whole anyway, so holding it here costs nothing more.
 */
async function peekErrorBody(response: RawResponse & { body?: unknown }): Promise<string | undefined> {
  const body = response.body;
  if (!(body instanceof Readable)) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  const whole = Buffer.concat(chunks);
  response.body = Readable.from([whole]);
  return whole.subarray(0, 256).toString('utf8');
}

/**
 * Refuses web pages before the XML parser sees them: the parser would read a captive portal's HTML as an empty
 * listing or a successful upload, and a file reported safe would be nowhere; and an HTML error page (404, 403, 500)
 * would read as an unknown S3 error.
 */
export function guardAgainstWebPages(client: S3Client, endpoint: string): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const response = out.response as RawResponse & { body?: unknown };
      const status = response?.statusCode ?? 0;
      if (looksLikeWebPage(context.commandName ?? '', response) || (status >= 300 && isHtmlAnswer(undefined, await peekErrorBody(response)))) {
        throw webPageError(endpoint, status, context.commandName);
      }
      return out;
    },
    // Inside the deserializer: sees the raw HTTP response before it is parsed.
    { step: 'deserialize', priority: 'low', name: 's3dropWebPageGuard' },
  );
}

/**
 * Makes the SDK client use `clock` as its clock offset, read and corrected by the SDK's signer and by the requests
 * sent below it (lean-request.ts) alike, as when both read the client's own.
 */
function shareClock(client: S3Client, clock: { offsetMs: number }): S3Client {
  Object.defineProperty(client.config, 'systemClockOffset', {
    get: () => clock.offsetMs,
    set: (v: number) => {
      clock.offsetMs = v;
    },
    enumerable: true,
    configurable: true,
  });
  return client;
}

/** Builds and caches S3 clients per profile (and region). */
export class S3ClientFactory implements S3Clients {
  private readonly cache = new Map<string, Promise<S3Context>>();
  /** How to close each context's SDK clients, only those that were built. */
  private readonly built = new WeakMap<S3Context, () => void>();

  /** Builds the factory. */
  constructor(
    private readonly deps: CoreDeps,
    private readonly profiles: ProfileResolver,
  ) {}

  /** A client for a profile; cached, because the credential provider inside refreshes itself. */
  forProfile(profileId: string, region?: string): Promise<S3Context> {
    const cacheKey = `${profileId}\u0000${region ?? ''}`;
    let ctx = this.cache.get(cacheKey);
    if (!ctx) {
      ctx = this.build(profileId, region);
      // A failed resolution (no profile yet, keychain locked) must not stick.
      ctx.catch(() => this.cache.delete(cacheKey));
      this.cache.set(cacheKey, ctx);
    }
    return ctx;
  }

  private async build(profileId: string, regionOverride?: string): Promise<S3Context> {
    const profile = await this.profiles.resolve(profileId);
    const region = regionOverride ?? profile.region ?? 'us-east-1';
    this.deps.logger.debug(`s3 client for ${profileId} in ${region}${profile.endpoint ? ` at ${profile.endpoint}` : ''}`);
    // The transfer client's pools are shared with the lean small-PUT path (lean-request.ts), which signs and sends
    // through the same sockets, proxy and CA settings.
    const agents = profileAgents(profile);
    const clock = { offsetMs: 0 };
    const make = (attempts: number, pools?: S3Agents): S3Client => {
      const c = new (s3Sdk().S3Client)(clientConfig(profile, region, attempts, this.deps.logger, pools));
      if (profile.endpoint) guardAgainstWebPages(c, profile.endpoint);
      return c;
    };
    // The SDK clients are built (and the SDK loaded) at their first use: a no-change sync pass on a custom endpoint
    // lists below the SDK and never needs them.
    let client: S3Client | undefined;
    let transferClient: S3Client | undefined;
    const ctx: S3Context = {
      get client() {
        return (client ??= make(CLIENT_ATTEMPTS));
      },
      get transferClient() {
        return (transferClient ??= shareClock(make(1, agents), clock));
      },
      agents,
      profile,
      region,
      customEndpoint: Boolean(profile.endpoint),
      clock,
    };
    this.built.set(ctx, () => {
      client?.destroy();
      transferClient?.destroy();
    });
    return ctx;
  }

  /** Drops cached clients (after a profile edit), closing their sockets. */
  invalidate(profileId?: string): void {
    for (const [key, ctx] of this.cache) {
      if (profileId !== undefined && !key.startsWith(`${profileId}\u0000`)) continue;
      this.cache.delete(key);
      ctx.then(
        (c) => this.built.get(c)?.(),
        () => {},
      );
    }
  }
}
