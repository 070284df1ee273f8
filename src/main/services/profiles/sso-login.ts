/**
 * In-app SSO sign-in: the OIDC device authorization flow (RegisterClient, StartDeviceAuthorization,
 * CreateToken polling), the verification page opened in the user's browser, and the token cache
 * written to ~/.aws/sso/cache in the AWS CLI's format so the CLI and the app share one sign-in.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { SsoStatus } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { CoreDeps } from '../context';
import { registerSecret } from '../log/redact';
import { homeDir } from '../local-folders';
import type { AwsDiscovery } from './discovery';
import { readCaBundle, requestHandlerFor } from './network';
import { ssoOidcSdk } from '../lazy-sdk';

/** The token cache file, exactly as the AWS CLI and the SDKs read it. */
export interface SsoTokenCache {
  startUrl: string;
  region: string;
  accessToken: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`, the CLI's format. */
  expiresAt: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  refreshToken?: string;
}

/** Where an SSO profile signs in: its session (or legacy start URL) and the cache key. */
export interface SsoTarget {
  startUrl: string;
  region: string;
  /** The sso-session name; undefined for a legacy profile with sso_start_url. */
  session?: string;
  scopes?: string[];
  /** sha1 of the session name, or of the start URL for legacy profiles. */
  cacheKey: string;
}

/** The AWS CLI's timestamp format (no milliseconds). */
export function cliTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The cache file for a target under a home folder. */
export function ssoCachePath(home: string, target: Pick<SsoTarget, 'cacheKey'>): string {
  return join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(target.cacheKey).digest('hex')}.json`);
}

/** Finds where a profile signs in, from its settings and its sso-session section. */
export function ssoTarget(discovery: AwsDiscovery, profileName: string): SsoTarget {
  const p = discovery.profiles.find((x) => x.name === profileName);
  if (!p) throw new AppError('PROFILE_NOT_FOUND', { profile: profileName });
  const s = p.settings;
  if (s.sso_session) {
    const session = discovery.ssoSessions[s.sso_session];
    if (!session?.sso_start_url || !session.sso_region) {
      throw new AppError('CONFIG_SYNTAX', { file: discovery.paths.config, reason: `the [sso-session ${s.sso_session}] section is missing or has no sso_start_url / sso_region` });
    }
    const scopes = (session.sso_registration_scopes ?? 'sso:account:access').split(',').map((x) => x.trim()).filter(Boolean);
    return { startUrl: session.sso_start_url, region: session.sso_region, session: s.sso_session, scopes, cacheKey: s.sso_session };
  }
  if (s.sso_start_url && s.sso_region) return { startUrl: s.sso_start_url, region: s.sso_region, cacheKey: s.sso_start_url };
  throw new AppError('CONFIG_SYNTAX', { file: discovery.paths.config, reason: `the profile "${profileName}" has no sso_session or sso_start_url and sso_region` });
}

/** Writes a cache file atomically, readable by the user only. */
export function writeSsoCache(path: string, token: SsoTokenCache): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(token, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Runs sign-ins, one at a time per cache file. */
export class SsoSignIn {
  private readonly running = new Map<string, { status: SsoStatus; done: Promise<SsoStatus> }>();
  private disposed = false;

  /** Builds the helper. */
  constructor(
    private readonly deps: CoreDeps,
    private readonly discovery: () => Promise<AwsDiscovery>,
  ) {}

  private client(region: string, caBundlePath: string | undefined): SSOOIDCClient {
    const env = this.deps.env;
    const requestHandler = requestHandlerFor({ caBundle: readCaBundle(env.AWS_CA_BUNDLE || caBundlePath), env });
    return new (ssoOidcSdk().SSOOIDCClient)({
      region,
      maxAttempts: 2,
      ...(env.AWS_ENDPOINT_URL_SSO_OIDC ? { endpoint: env.AWS_ENDPOINT_URL_SSO_OIDC } : {}),
      ...(requestHandler ? { requestHandler } : {}),
    });
  }

  /**
   * Starts the device flow for a profile and resolves as soon as the code is ready (state
   * 'waiting'); the outcome follows as a 'profiles:ssoStatus' event and through `wait()`.
   */
  async signIn(profileId: string, profileName: string): Promise<SsoStatus> {
    const discovery = await this.discovery();
    const target = ssoTarget(discovery, profileName);
    const path = ssoCachePath(homeDir(this.deps.env), target);
    const existing = this.running.get(path);
    if (existing) return existing.status;

    const oidc = this.client(target.region, discovery.profiles.find((p) => p.name === profileName)?.settings.ca_bundle);
    try {
      const reg = await oidc.send(
        new (ssoOidcSdk().RegisterClientCommand)({
          clientName: 's3-drop',
          clientType: 'public',
          ...(target.scopes ? { scopes: target.scopes, grantTypes: [DEVICE_GRANT, 'refresh_token'], issuerUrl: target.startUrl } : {}),
        }),
      );
      if (!reg.clientId || !reg.clientSecret) throw new Error('RegisterClient returned no client');
      registerSecret(reg.clientSecret);
      const auth = await oidc.send(new (ssoOidcSdk().StartDeviceAuthorizationCommand)({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: target.startUrl }));
      if (!auth.deviceCode || !auth.userCode || !auth.verificationUri) throw new Error('StartDeviceAuthorization returned no code');
      const url = auth.verificationUriComplete ?? auth.verificationUri;
      const status: SsoStatus = { profileId, state: 'waiting', verificationUri: url, userCode: auth.userCode };
      const done = this.poll(oidc, target, path, {
        profileId,
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        registrationExpiresAt: reg.clientSecretExpiresAt ? cliTime(new Date(reg.clientSecretExpiresAt * 1000)) : undefined,
        deviceCode: auth.deviceCode,
        intervalMs: (auth.interval ?? 5) * 1000,
        deadline: Date.now() + (auth.expiresIn ?? 600) * 1000,
        base: status,
      }).finally(() => {
        this.running.delete(path);
        oidc.destroy();
      });
      this.running.set(path, { status, done });
      this.deps.events.emit('profiles:ssoStatus', status);
      // Opening the browser is a convenience: the code and address are on screen either way.
      if (this.deps.platform.openExternal && safeToOpen(url)) {
        this.deps.platform.openExternal(url).catch((err: unknown) => this.deps.logger.warn('sso: could not open the browser', err));
      }
      return status;
    } catch (err) {
      oidc.destroy();
      throw err instanceof AppError ? err : new AppError('SSO_LOGIN_FAILED', { reason: plainReason(err) }, { cause: err, details: detailsOf(err) });
    }
  }

  /** Resolves with the final status of the sign-in running for a profile (or undefined when none runs). */
  async wait(profileName: string): Promise<SsoStatus | undefined> {
    const target = ssoTarget(await this.discovery(), profileName);
    return this.running.get(ssoCachePath(homeDir(this.deps.env), target))?.done;
  }

  private async poll(
    oidc: SSOOIDCClient,
    target: SsoTarget,
    path: string,
    s: { profileId: string; clientId: string; clientSecret: string; registrationExpiresAt?: string; deviceCode: string; intervalMs: number; deadline: number; base: SsoStatus },
  ): Promise<SsoStatus> {
    let interval = s.intervalMs;
    const finish = (status: SsoStatus) => {
      this.deps.events.emit('profiles:ssoStatus', status);
      return status;
    };
    while (!this.disposed) {
      if (Date.now() > s.deadline) return finish({ profileId: s.profileId, state: 'expired', error: 'The sign-in code expired before it was approved.' });
      await new Promise((r) => setTimeout(r, interval));
      if (this.disposed) break;
      try {
        const tok = await oidc.send(new (ssoOidcSdk().CreateTokenCommand)({ clientId: s.clientId, clientSecret: s.clientSecret, grantType: DEVICE_GRANT, deviceCode: s.deviceCode }));
        if (!tok.accessToken) throw new Error('CreateToken returned no token');
        registerSecret(tok.accessToken);
        registerSecret(tok.refreshToken);
        const cache: SsoTokenCache = {
          startUrl: target.startUrl,
          region: target.region,
          accessToken: tok.accessToken,
          expiresAt: cliTime(new Date(Date.now() + (tok.expiresIn ?? 3600) * 1000)),
        };
        // The refresh fields are what lets the SDKs and the CLI renew an sso-session token without a new sign-in.
        if (target.session) {
          cache.clientId = s.clientId;
          cache.clientSecret = s.clientSecret;
          if (s.registrationExpiresAt) cache.registrationExpiresAt = s.registrationExpiresAt;
          if (tok.refreshToken) cache.refreshToken = tok.refreshToken;
        }
        writeSsoCache(path, cache);
        return finish({ profileId: s.profileId, state: 'done' });
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === 'AuthorizationPendingException') continue;
        if (name === 'SlowDownException') {
          interval += 5000;
          continue;
        }
        if (name === 'ExpiredTokenException') return finish({ profileId: s.profileId, state: 'expired', error: 'The sign-in code expired before it was approved.' });
        this.deps.logger.warn('sso: sign-in failed', detailsOf(err));
        return finish({ profileId: s.profileId, state: 'failed', error: plainReason(err) });
      }
    }
    return { profileId: s.profileId, state: 'failed', error: 'The app is closing.' };
  }

  /** Stops polling. */
  dispose(): void {
    this.disposed = true;
  }
}

/** Only https pages (or http on this computer, for local test services) are opened in the browser. */
export function safeToOpen(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname));
  } catch {
    return false;
  }
}

function detailsOf(err: unknown): string {
  const e = err as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`.slice(0, 300);
}

/** One plain reason for the catalogue's SSO_LOGIN_FAILED sentence. */
function plainReason(err: unknown): string {
  const name = (err as { name?: string; code?: string }).name ?? '';
  const code = (err as { code?: string }).code ?? '';
  if (name === 'AccessDeniedException') return 'the sign-in was refused';
  if (name === 'InvalidClientException' || name === 'UnauthorizedClientException') return 'the sign-in service did not accept the app';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT'].includes(code)) return 'the sign-in service could not be reached';
  return 'the sign-in service answered with an error';
}
