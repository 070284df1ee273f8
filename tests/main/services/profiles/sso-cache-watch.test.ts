/**
 * `aws sso login` in a terminal wakes the app: the ProfileService watches ~/.aws/sso/cache (a folder that does not
 * exist yet at start: its parent is watched until it appears) and a fresh token for a profile's sso-session sends
 * that profile's transfers waiting for a sign-in on; another profile's stay waiting.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError } from '../../../../src/shared/errors';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { cliTime } from '../../../../src/main/services/profiles/sso-login';
import type { ProfileResolver, ResolvedProfile } from '../../../../src/main/services/profiles/types';
import { S3ClientFactory } from '../../../../src/main/services/s3/client-factory';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { randomFile, testCore, until } from '../transfers/harness';
import { corpSsoConfig } from './sso-server';

const info = s3Info();
const raw = rawClient(info);
const home = mkdtempSync(join(tmpdir(), 's3drop-ssowatch-home-'));
const files = mkdtempSync(join(tmpdir(), 's3drop-ssowatch-files-'));
let bucket: string;

beforeAll(async () => {
  bucket = await freshBucket(raw, 'ssowatch');
  mkdirSync(join(home, '.aws'));
  writeFileSync(
    join(home, '.aws', 'config'),
    [
      ...corpSsoConfig(),
      '[profile other]',
      'sso_start_url = https://other.example/start',
      'sso_region = eu-west-1',
      'sso_account_id = 123456789012',
      'sso_role_name = Uploader',
      '',
    ].join('\n'),
  );
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

/** S3 credentials that fail with "sign in again" for the profiles in `signedOut`, as an expired SSO session does. */
function signInResolver(signedOut: Set<string>): ProfileResolver {
  return {
    async resolve(profileId: string): Promise<ResolvedProfile> {
      return {
        summary: { id: profileId, name: profileId, kind: 'sso', source: 'aws-config', hasSecret: false },
        region: info.region,
        endpoint: info.endpoint,
        forcePathStyle: true,
        credentials: async () => {
          if (signedOut.has(profileId)) throw new AppError('SSO_LOGIN_REQUIRED', { profile: profileId });
          return { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, expiration: new Date(Date.now() + 60_000) };
        },
      } as ResolvedProfile;
    },
  };
}

const cacheFile = (key: string) => join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(key).digest('hex')}.json`);

it('a token written to the SSO cache by the AWS CLI sends only that profile’s waiting transfers on', async () => {
  const core = testCore();
  core.env = { HOME: home, AWS_CONFIG_FILE: join(home, '.aws', 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials') };
  const profiles = new ProfileService(core, new MemorySecretStore(), { watchDebounceMs: 20 });
  const signedOut = new Set(['aws:corp', 'aws:other']);
  const engine = new TransferService(core, new S3ClientFactory(core, signInResolver(signedOut)), { retry: { attempts: 1, baseMs: 5, maxMs: 10 } });
  await engine.start();
  const woken: string[][] = [];
  core.events.on('profiles:signedIn', ({ profileIds }) => woken.push(profileIds));
  try {
    const corpFile = randomFile(files, 'corp.bin', 2000);
    const otherFile = randomFile(files, 'other.bin', 1000);
    const [corpId] = engine.enqueue([{ localPath: corpFile.path, profileId: 'aws:corp', bucket, key: 'watch/corp.bin' }]);
    const [otherId] = engine.enqueue([{ localPath: otherFile.path, profileId: 'aws:other', bucket, key: 'watch/other.bin' }]);
    await until(() => engine.get(corpId!)?.state === 'waiting-auth' && engine.get(otherId!)?.state === 'waiting-auth', 'both to wait for a sign-in');

    // The person signs in in a terminal: the credentials work again, and `aws sso login` makes the cache folder
    // (there was none) and writes the token in it at once.
    signedOut.delete('aws:corp');
    signedOut.delete('aws:other'); // "other" could sign in too, but nobody signed in to it: it must stay waiting.
    mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
    const fresh = { startUrl: 'https://corp.example/start', region: 'eu-west-1', accessToken: 'from-the-terminal', expiresAt: cliTime(new Date(Date.now() + 3600_000)) };
    writeFileSync(cacheFile('corp-session'), JSON.stringify(fresh, null, 2));

    await until(() => engine.get(corpId!)?.state === 'done', 'the corp transfer to go on after the terminal sign-in');
    expect((await getObjectBytes(raw, bucket, 'watch/corp.bin')).equals(corpFile.bytes)).toBe(true);
    expect([...new Set(woken.flat())]).toEqual(['aws:corp']);
    expect(engine.get(otherId!)?.state).toBe('waiting-auth');
  } finally {
    profiles.dispose();
    await engine.dispose();
    core.cleanup();
  }
});
