/**
 * Test harness for the transfer engine: real settings in a temp data folder, a real event bus, and a tiny
 * ProfileResolver over the test server's keys (the real ProfileService is separate work).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../../../src/shared/contract';
import { AppError } from '../../../../src/shared/errors';
import type { CoreDeps } from '../../../../src/main/services/context';
import { EventBus } from '../../../../src/main/services/events';
import { silentLogger } from '../../../../src/main/services/log/logger';
import type { ProfileResolver, ResolvedProfile } from '../../../../src/main/services/profiles/types';
import { S3ClientFactory } from '../../../../src/main/services/s3/client-factory';
import { SettingsService } from '../../../../src/main/services/settings/settings-service';
import { awsProfile } from '../../../support/aws-proxy';
import type { S3ServerInfo } from '../../../support/s3-server';

/**
 * A resolver with one profile, `test`, pointing at `endpoint` (the server, or a proxy in front of it). In the
 * S3DROP_TEST_S3=aws-proxy run, a profile for the server itself is an Amazon S3 profile reaching it through the
 * AWS-behaviour proxy (a test that puts its own proxy in front keeps a custom-endpoint profile).
 */
export function testResolver(info: S3ServerInfo, endpoint = info.endpoint): ProfileResolver {
  return {
    async resolve(profileId: string): Promise<ResolvedProfile> {
      if (info.aws && endpoint === info.endpoint) return awsProfile(info.aws, profileId);
      return {
        summary: { id: profileId, name: profileId, kind: 'keys', source: 'app', hasSecret: true },
        region: info.region,
        endpoint,
        forcePathStyle: true,
        credentials: async () => ({ accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey }),
      };
    },
  };
}

/** A resolver whose credential provider throws `signedOut` while it is set, like an SSO session that ran out. */
export function expiringResolver(info: S3ServerInfo, endpoint: string): ProfileResolver & { signedOut?: string; calls: number } {
  const r = {
    signedOut: undefined as string | undefined,
    calls: 0,
    async resolve(profileId: string): Promise<ResolvedProfile> {
      return {
        summary: { id: profileId, name: profileId, kind: 'sso', source: 'aws-config', hasSecret: false },
        region: info.region,
        endpoint,
        forcePathStyle: true,
        credentials: async () => {
          r.calls++;
          if (r.signedOut) throw new AppError(r.signedOut as 'SSO_LOGIN_REQUIRED', { profile: profileId });
          // Near expiry, so the SDK asks the provider again for every request (as it does for short SSO sessions).
          return { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, expiration: new Date(Date.now() + 60_000) };
        },
      } as ResolvedProfile;
    },
  };
  return r;
}

/**
 * Core dependencies over a fresh temp data folder. Same-name files are replaced unless a test says otherwise: the
 * engine's tests send one key many times, and the app's default 'ask' would park each of them for an answer
 * (ask.test.ts covers 'ask').
 */
export function testCore(settings: Partial<Settings> = {}, dataDir = mkdtempSync(join(tmpdir(), 's3drop-data-'))): CoreDeps & { cleanup(): void } {
  const store = SettingsService.inDataDir(dataDir);
  store.update({ existingAction: 'overwrite', ...settings });
  return {
    platform: {
      dataDir,
      logsDir: join(dataDir, 'logs'),
      version: 'test',
      capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    },
    events: new EventBus(),
    logger: silentLogger,
    settings: store,
    env: {},
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** A client factory over the test resolver. */
export function testClients(core: CoreDeps, info: S3ServerInfo, endpoint?: string): S3ClientFactory {
  return new S3ClientFactory(core, testResolver(info, endpoint));
}

/** Writes `size` random bytes to `dir/name` and returns the path and the bytes. */
export function randomFile(dir: string, name: string, size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

/** Polls a condition every 20 ms; fails with `what` after `limitMs` (a hang guard, not a speed assertion). */
export async function until(cond: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
