import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createProfileHandlers } from '../../../../src/main/services/handlers/profiles';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { startCountingProxy } from '../../../support/counting-proxy';
import { s3Info } from '../../../support/s3-test-client';
import { fixtureEnv, makeDeps, noAwsFilesEnv } from './helpers';

const noAwsFiles = noAwsFilesEnv();

function setup(env: Record<string, string | undefined> = noAwsFiles) {
  const deps = makeDeps(env);
  const secrets = new MemorySecretStore();
  const service = new ProfileService(deps, secrets, { watch: false });
  const dispatch = createDispatcher(createProfileHandlers(deps, service) as Handlers, deps.logger);
  return { deps, secrets, service, dispatch };
}

const services: ProfileService[] = [];
afterAll(() => services.forEach((s) => s.dispose()));

describe('app-managed profiles', () => {
  it("resolves the environment's keys without asking the keychain for any app profile's secret", async () => {
    const { dispatch, service: adder, secrets, deps } = setup({ ...noAwsFiles, AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENT00001', AWS_SECRET_ACCESS_KEY: 'envSecret/0123456789' });
    services.push(adder);
    expect(await dispatch('profiles:add', { name: 'Lab', accessKeyId: 'AKIAX', secretAccessKey: 'x', preset: 'minio', endpoint: 'http://127.0.0.1:9000' })).toMatchObject({ ok: true });
    // A new run: nothing is known yet of which app profiles have a secret.
    const service = new ProfileService(deps, secrets, { watch: false });
    services.push(service);
    let asked = 0;
    const get = secrets.get.bind(secrets);
    secrets.get = (account) => {
      asked++;
      return get(account);
    };
    const resolved = await service.resolve('env');
    expect(resolved.summary).toMatchObject({ id: 'env', kind: 'environment' });
    expect(await resolved.credentials()).toMatchObject({ accessKeyId: 'AKIAENVIRONMENT00001' });
    expect(asked).toBe(0);
    // The list still asks, for each app profile (it shows whether a secret is there).
    await service.list();
    expect(asked).toBeGreaterThan(0);
  });

  it('refuses the name of a ~/.aws profile, when added and when renamed: two connections of one name could not be told apart', async () => {
    const { dispatch, service } = setup(fixtureEnv());
    services.push(service);
    const keys = { accessKeyId: 'AKIAX', secretAccessKey: 'x', preset: 'minio', endpoint: 'http://127.0.0.1:9000' } as const;
    expect(await dispatch('profiles:add', { name: 'dev.team', ...keys })).toMatchObject({ ok: false, error: { code: 'PROFILE_EXISTS' } });
    expect(await dispatch('profiles:add', { name: 'Lab', ...keys })).toMatchObject({ ok: true });
    expect(await dispatch('profiles:update', { id: 'app:Lab', name: 'default' })).toMatchObject({ ok: false, error: { code: 'PROFILE_EXISTS' } });
    expect(await dispatch('profiles:update', { id: 'app:Lab', name: 'Lab 2' })).toMatchObject({ ok: true, value: { id: 'app:Lab 2' } });
  });

  it('adds, edits, renames and removes a profile; the secret stays out of profiles.json', async () => {
    const { deps, secrets, service, dispatch } = setup();
    services.push(service);
    const secret = 'appSecretKey/0123456789abcdefghijklmnopqrs';
    const added = await dispatch('profiles:add', { name: 'Work MinIO', accessKeyId: 'AKIAAPPPROFILE000042', secretAccessKey: secret, preset: 'minio', endpoint: 'http://127.0.0.1:9000' });
    expect(added).toEqual({
      ok: true,
      value: {
        id: 'app:Work MinIO',
        name: 'Work MinIO',
        kind: 'keys',
        source: 'app',
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9000',
        forcePathStyle: true,
        accessKeyIdMasked: '••••0042',
        hasSecret: true,
        secretStorage: 'memory',
      },
    });
    const file = join(deps.platform.dataDir, 'profiles.json');
    expect(readFileSync(file, 'utf8')).not.toContain(secret);
    expect(readFileSync(file, 'utf8')).toContain('AKIAAPPPROFILE000042');

    // Same name again: refused in plain words.
    const dup = await dispatch('profiles:add', { name: 'Work MinIO', accessKeyId: 'AKIAX', secretAccessKey: 'x', preset: 'minio', endpoint: 'http://127.0.0.1:9000' });
    expect(dup).toMatchObject({ ok: false, error: { code: 'PROFILE_EXISTS' } });

    deps.settings.update({ lastProfileId: 'app:Work MinIO' });
    // Rename and change region without resending the secret: the secret is kept.
    const renamed = await dispatch('profiles:update', { id: 'app:Work MinIO', name: 'Lab', region: 'eu-west-1' });
    expect(renamed).toMatchObject({ ok: true, value: { id: 'app:Lab', region: 'eu-west-1', hasSecret: true } });
    expect(deps.settings.get().lastProfileId).toBe('app:Lab');
    const creds = await (await service.resolve('app:Lab')).credentials();
    expect(creds.secretAccessKey).toBe(secret);

    // A new secret replaces the old one, also for a client that already holds the provider.
    const held = (await service.resolve('app:Lab')).credentials;
    expect((await held()).secretAccessKey).toBe(secret);
    await dispatch('profiles:update', { id: 'app:Lab', secretAccessKey: 'newSecret/abcdefghijklmnopqrstuvwxyz0123' });
    expect((await (await service.resolve('app:Lab')).credentials()).secretAccessKey).toBe('newSecret/abcdefghijklmnopqrstuvwxyz0123');
    expect((await held()).secretAccessKey).toBe('newSecret/abcdefghijklmnopqrstuvwxyz0123');

    expect(await dispatch('profiles:remove', { id: 'app:Lab' })).toEqual({ ok: true, value: undefined });
    expect((await service.list()).map((p) => p.id)).toEqual(['instance']);
    expect(deps.settings.get().lastProfileId).toBeUndefined();
    // The secret is gone from the store too.
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { profiles: unknown[] };
    expect(stored.profiles).toEqual([]);
    expect(await secrets.get('anything')).toBeUndefined();
    expect(deps.eventLog.filter((e) => e.name === 'profiles:changed')).toHaveLength(5 - 1);
  });

  it('parallel adds, edits and removes all land in profiles.json, and no secret is left without its profile', async () => {
    const deps = makeDeps(noAwsFiles);
    // Records which keychain accounts hold a secret, to find orphans (a secret whose profile was saved over).
    const accounts = new Set<string>();
    const secrets = new (class extends MemorySecretStore {
      override async set(account: string, secret: string) {
        accounts.add(account);
        await super.set(account, secret);
      }
      override async delete(account: string) {
        accounts.delete(account);
        await super.delete(account);
      }
    })();
    const service = new ProfileService(deps, secrets, { watch: false });
    services.push(service);
    const dispatch = createDispatcher(createProfileHandlers(deps, service) as Handlers, deps.logger);
    const add = (name: string) => dispatch('profiles:add', { name, accessKeyId: `AKIA${name.toUpperCase()}0000`, secretAccessKey: `secret-${name}`, preset: 'minio', endpoint: 'http://127.0.0.1:9000' });
    const file = join(deps.platform.dataDir, 'profiles.json');
    const onDisk = () => (JSON.parse(readFileSync(file, 'utf8')) as { profiles: { name: string; uid: string; region?: string }[] }).profiles;

    const added = await Promise.all(['one', 'two', 'three', 'four'].map(add));
    expect(added.map((r) => r.ok)).toEqual([true, true, true, true]);
    expect(onDisk().map((p) => p.name).sort()).toEqual(['four', 'one', 'three', 'two']);

    // The same name twice at once: one wins, the other is refused, and only one secret is written.
    const twins = await Promise.all([add('twin'), add('twin')]);
    expect(twins.filter((r) => r.ok)).toHaveLength(1);
    expect(twins.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'PROFILE_EXISTS' } });

    // Edits and removes at the same time as adds.
    const mixed = await Promise.all([
      dispatch('profiles:update', { id: 'app:one', region: 'eu-west-1' }),
      dispatch('profiles:remove', { id: 'app:two' }),
      add('five'),
      dispatch('profiles:update', { id: 'app:three', secretAccessKey: 'secret-three-new' }),
      dispatch('profiles:remove', { id: 'app:four' }),
    ]);
    expect(mixed.map((r) => r.ok)).toEqual([true, true, true, true, true]);
    const final = onDisk();
    expect(final.map((p) => p.name).sort()).toEqual(['five', 'one', 'three', 'twin']);
    expect(final.find((p) => p.name === 'one')?.region).toBe('eu-west-1');
    // Exactly one secret per profile on disk: none orphaned, none missing.
    expect([...accounts].sort()).toEqual(final.map((p) => `profile:${p.uid}`).sort());
    expect((await (await service.resolve('app:three')).credentials()).secretAccessKey).toBe('secret-three-new');
    expect((await (await service.resolve('app:five')).credentials()).secretAccessKey).toBe('secret-five');
  });

  it('refuses bad input in plain words and keeps what was there', async () => {
    const { service, dispatch } = setup();
    services.push(service);
    const bad = await dispatch('profiles:add', { name: 'a/b', accessKeyId: 'AKIAX123', secretAccessKey: 'x' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const noEndpoint = await dispatch('profiles:add', { name: 'minio', accessKeyId: 'AKIAX123', secretAccessKey: 'x', preset: 'minio' });
    expect(noEndpoint).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch('profiles:update', { id: 'app:ghost', region: 'us-east-2' })).toMatchObject({ ok: false, error: { code: 'PROFILE_NOT_FOUND' } });
  });

  it('fills endpoints and path style from presets', async () => {
    const { service } = setup();
    services.push(service);
    const wasabi = await service.add({ name: 'w', accessKeyId: 'AKIAWASABI01', secretAccessKey: 's', preset: 'wasabi', region: 'eu-central-1' });
    expect(wasabi).toMatchObject({ endpoint: 'https://s3.eu-central-1.wasabisys.com', forcePathStyle: true });
    const b2 = await service.add({ name: 'b', accessKeyId: 'AKIAB2B2B2B2', secretAccessKey: 's', preset: 'b2' });
    expect(b2).toMatchObject({ endpoint: 'https://s3.us-west-004.backblazeb2.com', forcePathStyle: true, region: 'us-west-004' });
    const aws = await service.add({ name: 'a', accessKeyId: 'AKIAAWSAWSAW', secretAccessKey: 's' });
    expect(aws.endpoint).toBeUndefined();
    expect((await service.resolve('app:a')).forcePathStyle).toBe(false);
  });

  it('tests a connection against the real S3 server', async () => {
    const info = s3Info();
    const { service } = setup();
    services.push(service);
    await service.add({ name: 'test', accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey, preset: 'custom', endpoint: info.endpoint, region: info.region });
    const result = await service.test('app:test');
    expect(result.ok).toBe(true);
    expect(typeof result.bucketCount).toBe('number');
  });

  it('says the access key is wrong after exactly one request (no retry storm)', async () => {
    const info = s3Info();
    const proxy = await startCountingProxy(info.endpoint);
    try {
      const { service, dispatch } = setup();
      services.push(service);
      await service.add({ name: 'wrong', accessKeyId: 'AKIADOESNOTEXIST0000', secretAccessKey: 'wrongSecret/abcdefghijklmnopqrstuvwxyz01', preset: 'custom', endpoint: proxy.url });
      const out = await dispatch('profiles:test', { id: 'app:wrong' });
      expect(out).toMatchObject({ ok: false, error: { code: 'INVALID_ACCESS_KEY' } });
      expect(proxy.stats().requests).toBe(1);
    } finally {
      await proxy.stop();
    }
  });

  it.runIf(s3Info().features.verifiesSignatures)('says the secret key is wrong when the server checks signatures', async () => {
    const info = s3Info();
    const proxy = await startCountingProxy(info.endpoint);
    try {
      const { service, dispatch } = setup();
      services.push(service);
      await service.add({ name: 'badsecret', accessKeyId: info.accessKeyId, secretAccessKey: 'definitelyNotTheSecret/abcdefghijklmnop', preset: 'custom', endpoint: proxy.url });
      const out = await dispatch('profiles:test', { id: 'app:badsecret' });
      expect(out).toMatchObject({ ok: false, error: { code: 'SIGNATURE_MISMATCH' } });
      expect(proxy.stats().requests).toBe(1);
    } finally {
      await proxy.stop();
    }
  });

  it('says plainly when the endpoint cannot be reached', async () => {
    const { service, dispatch } = setup();
    services.push(service);
    await service.add({ name: 'down', accessKeyId: 'AKIADOWN0000', secretAccessKey: 's', preset: 'custom', endpoint: 'http://127.0.0.1:9' });
    expect(await dispatch('profiles:test', { id: 'app:down' })).toMatchObject({ ok: false, error: { code: 'ENDPOINT_UNREACHABLE' } });
  });
});

describe('the environment profile', () => {
  it('signs in with AWS_ACCESS_KEY_ID and goes to AWS_ENDPOINT_URL_S3 (the CLI --endpoint)', async () => {
    const info = s3Info();
    const { service } = setup(noAwsFilesEnv({ AWS_ACCESS_KEY_ID: info.accessKeyId, AWS_SECRET_ACCESS_KEY: info.secretAccessKey, AWS_REGION: info.region, AWS_ENDPOINT_URL_S3: info.endpoint }));
    services.push(service);
    const list = await service.list();
    expect(list.map((p) => p.id)).toEqual(['env']);
    const resolved = await service.resolve('env');
    expect(resolved).toMatchObject({ endpoint: info.endpoint, forcePathStyle: true, region: info.region });
    expect(await service.test('env')).toMatchObject({ ok: true });
  });
});
