/**
 * In-app SSO: device flow, the CLI-format token cache, refresh with the refresh token, and expiry,
 * against a loopback OIDC + portal server. The SDK reads HOME and AWS_ENDPOINT_URL_SSO* from
 * process.env, so this file (its own worker process) sets them there as well as in the app's env.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SsoStatus } from '../../../../src/shared/contract';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { safeToOpen } from '../../../../src/main/services/profiles/sso-login';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { s3Info } from '../../../support/s3-test-client';
import { makeDeps, tempDir } from './helpers';
import { startSsoServer, type SsoServer } from './sso-server';

let sso: SsoServer;
let home: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  const info = s3Info();
  sso = await startSsoServer({ accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, sessionToken: 'sso-role-session-token' });
  home = tempDir('s3drop-sso-home-');
  writeFileSync(
    join(home, 'config'),
    [
      '[profile corp]',
      'sso_session = corp-session',
      'sso_account_id = 123456789012',
      'sso_role_name = ReadOnly',
      'region = us-east-1',
      '',
      '[profile legacy]',
      'sso_start_url = https://legacy.example/start',
      'sso_region = eu-west-1',
      'sso_account_id = 123456789012',
      'sso_role_name = ReadOnly',
      '',
      '[profile plain]',
      'region = us-east-1',
      '',
      '[sso-session corp-session]',
      'sso_start_url = https://corp.example/start',
      'sso_region = eu-west-1',
      'sso_registration_scopes = sso:account:access',
      '',
    ].join('\n'),
  );
  env = {
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ENDPOINT_URL_SSO_OIDC: sso.endpoint,
    AWS_ENDPOINT_URL_SSO: sso.endpoint,
  };
  for (const k of Object.keys(process.env)) if (/^AWS_/.test(k)) delete process.env[k];
  Object.assign(process.env, env);
});
afterAll(() => sso.close());

const cacheFile = (key: string) => join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(key).digest('hex')}.json`);

function setup() {
  const deps = makeDeps(env);
  const opened: string[] = [];
  // The "browser": opening the verification page approves the request, as a person would.
  deps.platform.openExternal = async (url: string) => {
    opened.push(url);
    await fetch(url);
  };
  const service = new ProfileService(deps, new MemorySecretStore(), { watch: false });
  return { deps, service, opened };
}

describe('SSO sign-in inside the app', () => {
  it('runs the device flow, opens the browser, writes the CLI-format cache, and signs in', async () => {
    const { deps, service, opened } = setup();
    try {
      const status = await service.ssoSignIn('aws:corp');
      expect(status).toMatchObject({ profileId: 'aws:corp', state: 'waiting', userCode: 'WXYZ-1234' });
      expect(opened).toEqual([`${sso.endpoint}/verify?user_code=WXYZ-1234`]);
      const final = await service.sso.wait('corp');
      expect(final).toEqual({ profileId: 'aws:corp', state: 'done' });
      const states = deps.eventLog.filter((e) => e.name === 'profiles:ssoStatus').map((e) => (e.payload as SsoStatus).state);
      expect(states).toEqual(['waiting', 'done']);

      const file = cacheFile('corp-session');
      const cache = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      expect(Object.keys(cache).sort()).toEqual(['accessToken', 'clientId', 'clientSecret', 'expiresAt', 'refreshToken', 'region', 'registrationExpiresAt', 'startUrl']);
      expect(cache).toMatchObject({ startUrl: 'https://corp.example/start', region: 'eu-west-1', accessToken: 'sso-access-token-1', refreshToken: 'sso-refresh-token-1', clientId: 'test-client-id' });
      expect(cache.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(statSync(file).mode & 0o077).toBe(0);
      expect(sso.calls.filter((c) => c.startsWith('/token')).length).toBeGreaterThanOrEqual(1);

      const creds = await (await service.resolve('aws:corp')).credentials();
      expect(creds.accessKeyId).toBe(s3Info().accessKeyId);
      expect(sso.bearers.at(-1)).toBe('sso-access-token-1');
      // Tokens and the client secret stay in the cache file: never in an event or a log line.
      const outside = JSON.stringify(deps.eventLog) + deps.logLines.join('\n');
      for (const secret of ['sso-access-token-1', 'sso-refresh-token-1', 'test-client-secret-value', 'sso-role-session-token']) expect(outside).not.toContain(secret);
    } finally {
      service.dispose();
    }
  });

  it('refreshes an sso-session token that is about to expire, with the refresh token', async () => {
    const { service } = setup();
    try {
      const file = cacheFile('corp-session');
      const cache = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      const oldToken = cache.accessToken;
      // One minute left: inside the SDK's five-minute refresh window.
      cache.expiresAt = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      writeFileSync(file, JSON.stringify(cache));
      const creds = await (await service.resolve('aws:corp')).credentials();
      expect(creds.accessKeyId).toBe(s3Info().accessKeyId);
      expect(sso.calls).toContain('/token refresh_token');
      const after = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      expect(after.accessToken).not.toBe(oldToken);
      expect(sso.bearers.at(-1)).toBe(after.accessToken);
    } finally {
      service.dispose();
    }
  });

  it('asks to sign in again when the token has expired and cannot be refreshed', async () => {
    const { service } = setup();
    try {
      const file = cacheFile('corp-session');
      const cache = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      delete cache.refreshToken;
      cache.expiresAt = '2020-01-01T00:00:00Z';
      writeFileSync(file, JSON.stringify(cache));
      await expect((await service.resolve('aws:corp')).credentials()).rejects.toMatchObject({ code: 'SSO_LOGIN_REQUIRED', params: { profile: 'corp' } });
    } finally {
      service.dispose();
    }
  });

  it('keys a legacy profile cache by its start URL, without refresh fields', async () => {
    const { service } = setup();
    try {
      await service.ssoSignIn('aws:legacy');
      expect(await service.sso.wait('legacy')).toMatchObject({ state: 'done' });
      const cache = JSON.parse(readFileSync(cacheFile('https://legacy.example/start'), 'utf8')) as Record<string, string>;
      expect(Object.keys(cache).sort()).toEqual(['accessToken', 'expiresAt', 'region', 'startUrl']);
      expect((await (await service.resolve('aws:legacy')).credentials()).accessKeyId).toBe(s3Info().accessKeyId);
    } finally {
      service.dispose();
    }
  });

  it('a session that ends mid-use asks to sign in again, and the same provider works after signing in', async () => {
    const { service } = setup();
    sso.setRoleTtl(2000);
    try {
      await service.ssoSignIn('aws:corp');
      expect(await service.sso.wait('corp')).toMatchObject({ state: 'done' });
      // One provider, as an upload queue holds it for its whole life.
      const credentials = (await service.resolve('aws:corp')).credentials;
      const first = await credentials();
      // The session is revoked: the token is gone and cannot be refreshed.
      const file = cacheFile('corp-session');
      const cache = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      delete cache.refreshToken;
      cache.expiresAt = '2020-01-01T00:00:00Z';
      writeFileSync(file, JSON.stringify(cache));
      while (Date.now() <= first.expiration!.getTime()) await new Promise((r) => setTimeout(r, 100));
      await expect(credentials()).rejects.toMatchObject({ code: 'SSO_LOGIN_REQUIRED' });
      // "Sign in again to continue."
      await service.ssoSignIn('aws:corp');
      expect(await service.sso.wait('corp')).toMatchObject({ state: 'done' });
      const again = await credentials();
      expect(again.expiration!.getTime()).toBeGreaterThan(Date.now());
    } finally {
      sso.setRoleTtl(3600_000);
      service.dispose();
    }
  });

  it('opens only https pages, or http on this computer', () => {
    expect(safeToOpen('https://device.sso.eu-west-1.amazonaws.com/?user_code=AB')).toBe(true);
    expect(safeToOpen('http://127.0.0.1:8080/verify')).toBe(true);
    expect(safeToOpen('http://evil.example/verify')).toBe(false);
    expect(safeToOpen('file:///etc/passwd')).toBe(false);
    expect(safeToOpen('not a url')).toBe(false);
  });

  it('refuses SSO sign-in for a profile that does not use SSO', async () => {
    const { service } = setup();
    try {
      await expect(service.ssoSignIn('aws:plain')).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
      await expect(service.ssoSignIn('aws:nope')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
    } finally {
      service.dispose();
    }
  });
});
