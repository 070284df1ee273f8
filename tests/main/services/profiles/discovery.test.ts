import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSection, discoverAwsProfiles } from '../../../../src/main/services/profiles/discovery';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { fixtureEnv, fixtures, makeDeps, noAwsFilesEnv, tempDir } from './helpers';

// Verified by hand with /usr/bin/aws (aws-cli 2.9.19) `aws configure list-profiles` on the fixtures.
const expectedNames = [
  'default',
  'dev.team',
  'spaced',
  'café',
  'quoted name',
  'role.admin',
  'corp-sso',
  'legacy-sso',
  'helper',
  'web',
  'local-minio',
  'direct-endpoint',
  'ünïcødé-only-in-credentials',
  'creds.only',
];

describe('profile discovery', () => {
  it('finds exactly the profiles the AWS CLI lists, in its order', async () => {
    const d = await discoverAwsProfiles(fixtureEnv());
    expect(d.profiles.map((p) => p.name)).toEqual(expectedNames);
    expect(Object.keys(d.ssoSessions)).toEqual(['corp']);
    expect(Object.keys(d.services)).toEqual(['local']);
  });

  it.runIf(existsSync('/usr/bin/aws'))('matches `aws configure list-profiles` run on the same files', async () => {
    const env = fixtureEnv();
    const out = execFileSync('/usr/bin/aws', ['configure', 'list-profiles'], {
      env: { PATH: process.env.PATH, HOME: env.HOME, AWS_CONFIG_FILE: env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: env.AWS_SHARED_CREDENTIALS_FILE },
      encoding: 'utf8',
    });
    const d = await discoverAwsProfiles(env);
    expect(d.profiles.map((p) => p.name)).toEqual(out.split('\n').filter(Boolean));
  });

  it('reads kind, region, endpoint and addressing style', async () => {
    const d = await discoverAwsProfiles(fixtureEnv());
    const by = Object.fromEntries(d.profiles.map((p) => [p.name, p]));
    expect(by['default']!.kind).toBe('keys');
    expect(by['role.admin']!.kind).toBe('role');
    expect(by['role.admin']!.mfaSerial).toBe('arn:aws:iam::123456789012:mfa/alice');
    expect(by['corp-sso']!.kind).toBe('sso');
    expect(by['legacy-sso']!.kind).toBe('sso');
    expect(by['helper']!.kind).toBe('process');
    expect(by['web']!.kind).toBe('web-identity');
    expect(by['café']!.kind).toBe('instance');
    expect(by['spaced']!.region).toBe('ap-southeast-2');
    expect(by['dev.team']!.region).toBe('eu-west-1');
    expect(by['dev.team']!.forcePathStyle).toBe(true);
    expect(by['dev.team']!.endpoint).toBeUndefined();
    expect(by['local-minio']!.endpoint).toBe('http://127.0.0.1:9000');
    expect(by['direct-endpoint']!.endpoint).toBe('http://127.0.0.1:9000');
    expect(by['direct-endpoint']!.forcePathStyle).toBe(true);
  });

  it('lets AWS_REGION and AWS_ENDPOINT_URL_S3 from the env override every profile', async () => {
    const d = await discoverAwsProfiles(fixtureEnv({ AWS_REGION: 'ca-central-1', AWS_ENDPOINT_URL: 'http://a.example', AWS_ENDPOINT_URL_S3: 'http://s3.example' }));
    for (const p of d.profiles) {
      expect(p.region).toBe('ca-central-1');
      expect(p.endpoint).toBe('http://s3.example');
    }
  });

  it('treats missing files as no profiles, and falls back to a default-chain entry', async () => {
    const env = noAwsFilesEnv();
    const service = new ProfileService(makeDeps(env), new MemorySecretStore(), { watch: false });
    const list = await service.list();
    expect(list.map((p) => [p.id, p.kind])).toEqual([['instance', 'instance']]);
    service.dispose();
  });

  it('lists ids, marks the default, masks keys and adds the env entry', async () => {
    const env = fixtureEnv({ AWS_PROFILE: 'dev.team', AWS_ACCESS_KEY_ID: 'AKIAENVIRONMENT12345', AWS_SECRET_ACCESS_KEY: 'envSecretValue/abcdefghijklmnopqrstuvwx' });
    const service = new ProfileService(makeDeps(env), new MemorySecretStore(), { watch: false });
    const list = await service.list();
    expect(list.map((p) => p.id)).toEqual(['env', ...expectedNames.map((n) => `aws:${n}`)]);
    expect(list.find((p) => p.isDefault)?.name).toBe('dev.team');
    expect(list[0]!.accessKeyIdMasked).toBe('••••2345');
    expect(JSON.stringify(list)).not.toMatch(/envSecretValue|fixture\w*Secret/);
    const resolved = await service.resolve('aws:dev.team');
    expect((await resolved.credentials()).accessKeyId).toBe('AKIAFIXTUREDEVTEAM01');
    // A bare name works too (the CLI's --profile), and unknown names give the catalogue error.
    expect((await service.resolve('creds.only')).summary.id).toBe('aws:creds.only');
    await expect(service.resolve('nope')).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
    service.dispose();
  });

  it('maps raw config section headers like botocore', () => {
    expect(configSection('default')).toEqual({ type: 'profile', name: 'default' });
    expect(configSection('profile a.b')).toEqual({ type: 'profile', name: 'a.b' });
    expect(configSection('profile "x y"')).toEqual({ type: 'profile', name: 'x y' });
    expect(configSection('profiles x')).toEqual({ type: 'profile', name: 'x' });
    expect(configSection('sso-session corp')).toEqual({ type: 'sso-session', name: 'corp' });
    expect(configSection('services local')).toEqual({ type: 'services', name: 'local' });
    // The SDK's own parser reads `[profile.a]` as profile "a"; botocore does not.
    expect(configSection('profile.a')).toBeUndefined();
    expect(configSection('profile x y')).toBeUndefined();
    expect(configSection('profile "open')).toBeUndefined();
    expect(configSection(' profile a')).toBeUndefined();
    expect(configSection('plugins')).toBeUndefined();
    expect(configSection('bare')).toBeUndefined();
  });

  it('keeps fixtures where the test expects them', () => {
    expect(existsSync(join(fixtures, 'config'))).toBe(true);
  });
});

describe('unreadable settings files', () => {
  it('says once, in plain words, that a settings file cannot be opened, and still lists the rest', async () => {
    const dir = tempDir('s3drop-unreadable-');
    mkdirSync(join(dir, 'config')); // a folder where the file should be: it exists, but cannot be read
    const deps = makeDeps({ HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(fixtures, 'credentials') });
    const service = new ProfileService(deps, new MemorySecretStore(), { watch: false });
    try {
      expect((await service.list()).map((p) => p.name)).toEqual(['default', 'dev.team', 'ünïcødé-only-in-credentials', 'creds.only']);
      await service.list();
      const notices = deps.eventLog.filter((e) => e.name === 'app:notice');
      expect(notices).toHaveLength(1);
      expect(notices[0]!.payload).toMatchObject({ level: 'warning', error: { code: 'CONFIG_SYNTAX', params: { file: join(dir, 'config') } } });
    } finally {
      service.dispose();
    }
  });
});
