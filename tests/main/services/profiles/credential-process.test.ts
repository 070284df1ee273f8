import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { freshBucket, getObjectBytes, rawClient, s3Info } from '../../../support/s3-test-client';
import { fixtures, makeDeps, tempDir } from './helpers';

const bin = join(fixtures, 'bin');

/** A config with one credential_process profile per fixture script. */
function processEnv(extra: Record<string, string> = {}) {
  const dir = tempDir('s3drop-procfg-');
  const info = s3Info();
  writeFileSync(
    join(dir, 'config'),
    [
      '[profile short]',
      `credential_process = ${join(bin, 'short-lived-creds.sh')}`,
      `region = ${info.region}`,
      `endpoint_url = ${info.endpoint}`,
      '[profile garbage]',
      `credential_process = ${join(bin, 'garbage-creds.sh')}`,
      '[profile hangs]',
      `credential_process = ${join(bin, 'hanging-creds.sh')}`,
      '[profile fails]',
      `credential_process = ${join(bin, 'failing-creds.sh')}`,
      '',
    ].join('\n'),
  );
  return {
    dir,
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      FIXTURE_KEY_ID: info.accessKeyId,
      FIXTURE_SECRET: info.secretAccessKey,
      FIXTURE_COUNTER: join(dir, 'count'),
      FIXTURE_PIDFILE: join(dir, 'pid'),
      ...extra,
    },
  };
}

const services: ProfileService[] = [];
afterAll(() => services.forEach((s) => s.dispose()));

function service(env: Record<string, string | undefined>, timeoutMs = 30_000) {
  const deps = makeDeps(env);
  const s = new ProfileService(deps, new MemorySecretStore(), { watch: false, processTimeoutMs: timeoutMs });
  services.push(s);
  return { deps, s };
}

const runs = (dir: string) => Number(readFileSync(join(dir, 'count'), 'utf8'));

describe('credential_process', () => {
  it('lists the profile as a process profile', async () => {
    const { env } = processEnv();
    const list = await service(env).s.list();
    expect(list.filter((p) => p.kind === 'process').map((p) => p.name)).toEqual(['short', 'garbage', 'hangs', 'fails']);
  });

  it('refreshes short-lived credentials mid-use and never hands out expired ones', async () => {
    // Session tokens make each run's credentials distinct; only s3rver ignores an unknown token.
    const { dir, env } = processEnv(s3Info().kind === 's3rver' ? { FIXTURE_TTL: '2', FIXTURE_TOKEN_PREFIX: 'fixture-token-' } : { FIXTURE_TTL: '2' });
    const { s } = service(env);
    const resolved = await s.resolve('aws:short');
    expect(resolved.endpoint).toBe(s3Info().endpoint);
    const handedOut: { expiration?: Date; at: number }[] = [];
    const watched = async () => {
      const c = await resolved.credentials();
      handedOut.push({ expiration: c.expiration, at: Date.now() });
      return c;
    };
    const client = new S3Client({
      region: resolved.region,
      endpoint: resolved.endpoint,
      forcePathStyle: true,
      credentials: watched,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const bucket = await freshBucket(rawClient());
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'first', Body: 'one' }));
    const firstExpiry = handedOut[0]!.expiration!.getTime();
    expect(runs(dir)).toBe(1);
    // Let the first credentials expire (waiting, not timing): the next request must get new ones.
    while (Date.now() <= firstExpiry) await new Promise((r) => setTimeout(r, 100));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'second', Body: 'two' }));
    expect(runs(dir)).toBeGreaterThanOrEqual(2);
    for (const h of handedOut) expect(h.expiration!.getTime()).toBeGreaterThan(h.at);
    expect((await getObjectBytes(rawClient(), bucket, 'second')).toString()).toBe('two');
    client.destroy();
  });

  it('reuses fresh credentials instead of running the program for every request', async () => {
    const { dir, env } = processEnv({ FIXTURE_TTL: '3600' });
    const { s } = service(env);
    const resolved = await s.resolve('aws:short');
    await Promise.all([resolved.credentials(), resolved.credentials(), resolved.credentials()]);
    await resolved.credentials();
    expect(runs(dir)).toBe(1);
  });

  it('says plainly when the program prints garbage', async () => {
    const { env } = processEnv();
    const resolved = await service(env).s.resolve('aws:garbage');
    await expect(resolved.credentials()).rejects.toMatchObject({ code: 'CREDENTIAL_PROCESS_FAILED', message: expect.stringContaining('"garbage"') });
  });

  it('says plainly when the program fails, without logging what it printed', async () => {
    const { env } = processEnv();
    const { s, deps } = service(env);
    const err = await (await s.resolve('aws:fails')).credentials().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CREDENTIAL_PROCESS_FAILED' });
    expect(JSON.stringify(err)).not.toContain('shouldNeverBeLogged');
    expect(deps.logLines.join('\n')).not.toContain('shouldNeverBeLogged');
  });

  it('stops a program that hangs, with a timeout error, and kills it', async () => {
    const { dir, env } = processEnv();
    const resolved = await service(env, 1500).s.resolve('aws:hangs');
    await expect(resolved.credentials()).rejects.toMatchObject({ code: 'CREDENTIAL_PROCESS_TIMEOUT' });
    expect(existsSync(join(dir, 'pid'))).toBe(true);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    // Give the kill a moment to land, then the process must be gone.
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });
});
