/**
 * Expired sign-in: when the credential provider starts throwing SSO_LOGIN_REQUIRED mid-upload, the profile's
 * transfers wait (state 'waiting-auth'), nothing fails and no finished part is lost; a new sign-in
 * (profiles:changed) or resume() sends them on, and the object lands byte-identical.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ClientFactory } from '../../../../src/main/services/s3/client-factory';
import { TransferService } from '../../../../src/main/services/transfers/transfer-service';
import { startCountingProxy, type CountingProxy } from '../../../support/counting-proxy';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { expiringResolver, randomFile, testCore, until } from './harness';

const MiB = 1024 * 1024;
const info = s3Info();
const raw = rawClient(info);
const dir = mkdtempSync(join(tmpdir(), 's3drop-auth-'));
let bucket: string;
let proxy: CountingProxy;

beforeAll(async () => {
  bucket = await freshBucket(raw, 'auth');
  proxy = await startCountingProxy(info.endpoint);
});
afterAll(async () => {
  await proxy.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(['SSO_LOGIN_REQUIRED', 'CREDENTIALS_EXPIRED'])('sign-in lost mid-upload (%s)', (code) => {
  it('the profile’s transfers wait, keep their parts, and finish after the sign-in', async () => {
    const core = testCore({ partSizeMiB: 5, multipartThresholdMiB: 5, partConcurrency: 1, concurrency: 1, bandwidthLimitKiBps: 8 * 1024 });
    const resolver = expiringResolver(info, proxy.url);
    const engine = new TransferService(core, new S3ClientFactory(core, resolver), { retry: { attempts: 2, baseMs: 5, maxMs: 10 } });
    await engine.start();
    try {
      const big = randomFile(dir, `big-${code}.bin`, 16 * MiB + 5);
      const small = randomFile(dir, `small-${code}.bin`, 1000);
      const ids = engine.enqueue([
        { localPath: big.path, profileId: 'sso', bucket, key: `auth/${code}/big.bin` },
        { localPath: small.path, profileId: 'sso', bucket, key: `auth/${code}/small.bin` },
      ]);
      await until(() => (engine.get(ids[0]!)?.partsDone ?? 0) >= 1, 'the first part');
      resolver.signedOut = code;
      await until(() => engine.get(ids[0]!)?.state === 'waiting-auth', 'the big file to wait for sign-in');
      await until(() => engine.get(ids[1]!)?.state === 'waiting-auth', 'the queued file of the same profile to wait too');
      const waiting = engine.get(ids[0]!)!;
      expect(waiting.error?.code).toBe(code);
      expect(waiting.partsDone).toBeGreaterThanOrEqual(1);
      expect(engine.list().overall.failed).toBe(0);
      // The user signs in again; the app announces it as a profile change.
      resolver.signedOut = undefined;
      const partsBefore = proxy.stats().byKind.UploadPart ?? 0;
      core.events.emit('profiles:changed', []);
      const snaps = await engine.waitFor(ids);
      expect(snaps.map((s) => s.state)).toEqual(['done', 'done']);
      expect((await getObjectBytes(raw, bucket, `auth/${code}/big.bin`)).equals(big.bytes)).toBe(true);
      expect((await getObjectBytes(raw, bucket, `auth/${code}/small.bin`)).equals(small.bytes)).toBe(true);
      // Only the parts not finished before the sign-in ran out were sent again (4 parts in all).
      expect((proxy.stats().byKind.UploadPart ?? 0) - partsBefore).toBeLessThanOrEqual(4 - waiting.partsDone!);
    } finally {
      await engine.dispose();
      core.cleanup();
    }
  });
});

it('resume() also sends waiting transfers on', async () => {
  const core = testCore();
  const resolver = expiringResolver(info, info.endpoint);
  resolver.signedOut = 'MFA_REQUIRED';
  const engine = new TransferService(core, new S3ClientFactory(core, resolver), { retry: { attempts: 1, baseMs: 5, maxMs: 10 } });
  await engine.start();
  try {
    const f = randomFile(dir, 'mfa.bin', 300);
    const [id] = engine.enqueue([{ localPath: f.path, profileId: 'mfa', bucket, key: 'auth/mfa.bin' }]);
    await until(() => engine.get(id!)?.state === 'waiting-auth', 'waiting for the MFA code');
    resolver.signedOut = undefined;
    engine.resume(id);
    const [done] = await engine.waitFor([id!]);
    expect(done!.state).toBe('done');
    expect((await getObjectBytes(raw, bucket, 'auth/mfa.bin')).equals(f.bytes)).toBe(true);
  } finally {
    await engine.dispose();
    core.cleanup();
  }
});
