/**
 * The profile list against `aws configure list-profiles`, case by case (cli-profile-cases.ts): the app must list
 * what the CLI printed, and where /usr/bin/aws is installed it is run on the same files to show the recorded
 * answers still hold. Where the CLI refuses a file, the app names the file and the line in a notice instead.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { discoverAwsProfiles, type Env } from '../../../../src/main/services/profiles/discovery';
import { shlexSplit } from '../../../../src/main/services/profiles/ini';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { profileCases, type ProfileCase } from './cli-profile-cases';
import { makeDeps, tempDir } from './helpers';

const AWS = '/usr/bin/aws';

/** Writes a case's files into a fresh folder and returns the environment that points at them. */
function filesOf(c: Pick<ProfileCase, 'config' | 'credentials'>): Env & { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string } {
  const dir = tempDir('s3drop-parity-');
  const env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  if (c.config !== undefined) writeFileSync(env.AWS_CONFIG_FILE, c.config);
  if (c.credentials !== undefined) writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, c.credentials);
  return env;
}

describe('the profile list matches `aws configure list-profiles`', () => {
  it.for(profileCases)('$name', async (c) => {
    const env = filesOf(c);
    const d = await discoverAwsProfiles(env);
    const names = d.profiles.map((p) => p.name);
    if (Array.isArray(c.cli)) {
      expect(names).toEqual(c.cli);
      expect(d.refused).toEqual([]);
    } else {
      expect(names).toEqual(c.app);
      const file = c.cli.refuses === 'config' ? env.AWS_CONFIG_FILE : env.AWS_SHARED_CREDENTIALS_FILE;
      expect(d.refused.map((e) => e.params.file)).toEqual([file]);
    }
  });
});

// About 1.5 s of CPU per run of the CLI: a few at a time.
describe.concurrent('the recorded answers are what /usr/bin/aws prints', () => {
  it.for(profileCases)('$name', { timeout: 180_000 }, async (c, ctx) => {
    if (!existsSync(AWS)) ctx.skip(`${AWS} is not installed (the AWS CLI v2); the recorded answers above still apply`);
    const env = filesOf(c);
    const run = await promisify(execFile)(AWS, ['configure', 'list-profiles'], {
      env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8', ...env },
      encoding: 'utf8',
    }).then(
      ({ stdout }) => ({ lines: stdout.split('\n').slice(0, -1) }),
      (err: { code?: number; stderr?: string }) => ({ code: err.code, stderr: err.stderr ?? '' }),
    );
    if (Array.isArray(c.cli)) {
      ctx.expect(run).toEqual({ lines: c.cli });
    } else {
      const file = c.cli.refuses === 'config' ? env.AWS_CONFIG_FILE : env.AWS_SHARED_CREDENTIALS_FILE;
      ctx.expect(run).toEqual({ code: 255, stderr: `\nUnable to parse config file: ${file}\n` });
    }
  });
});

describe('what the listed profiles carry', () => {
  it('reads values as the CLI does, less inline comments (as the SDK, which signs, reads them)', async () => {
    const env = filesOf({
      config: [
        '[DEFAULT]',
        'output = json',
        '[profile colon]',
        'region: eu-west-1 # prod',
        's3 =',
        '  addressing_style = path',
        '  endpoint_url = http://127.0.0.1:9000 ; local',
        '[profile UPPER-KEYS]',
        'REGION = sa-east-1',
        '[profile  two-spaces]',
        'region = ap-south-1',
        '[profile dev.team]',
        'region = us-west-2',
        '',
      ].join('\n'),
      credentials: ['[profile in-creds]', 'aws_access_key_id = AKIAINCREDS', 'aws_secret_access_key = s', ''].join('\n'),
    });
    const d = await discoverAwsProfiles(env);
    const by = Object.fromEntries(d.profiles.map((p) => [p.name, p]));
    expect(by['colon']).toMatchObject({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, settings: { output: 'json' } });
    expect(by['UPPER-KEYS']!.region).toBe('sa-east-1');
    // The SDK finds neither "two-spaces" (its parser wants one space) nor "profile in-creds" (it reads "profile.in-creds").
    expect(by['two-spaces']).toMatchObject({ region: 'ap-south-1', sdkInvisible: true });
    expect(by['profile in-creds']).toMatchObject({ kind: 'keys', sdkInvisible: true });
    expect(by['dev.team']).toMatchObject({ region: 'us-west-2', sdkInvisible: false });
  });

  it('says once, with the file and lines, why a file the CLI refuses adds no profiles', async () => {
    const env = filesOf({ config: '[default]\nregion = us-east-1\n\n[profile a]\n[default]\noutput = json\n', credentials: '[keys]\naws_access_key_id = A\n' });
    const deps = makeDeps(env);
    const service = new ProfileService(deps, new MemorySecretStore(), { watch: false });
    try {
      expect((await service.list()).filter((p) => p.source === 'aws-config').map((p) => p.name)).toEqual(['keys']);
      await service.reload();
      const notices = deps.eventLog.filter((e) => e.name === 'app:notice');
      expect(notices).toHaveLength(1);
      expect(notices[0]!.payload).toMatchObject({
        level: 'warning',
        error: {
          code: 'CONFIG_DUPLICATE_SECTION',
          message: `The section [default] appears twice in your AWS settings file ${env.AWS_CONFIG_FILE} (lines 1 and 5), so the AWS CLI cannot read the file and its profiles are not listed. Merge the two into one, then try again.`,
        },
      });
    } finally {
      service.dispose();
    }
  });

  it('splits section headers as Python shlex does', () => {
    expect(shlexSplit('profile "a b"')).toEqual(['profile', 'a b']);
    expect(shlexSplit("profile 'a \"b'")).toEqual(['profile', 'a "b']);
    expect(shlexSplit('profile "a\\"b\\x"')).toEqual(['profile', 'a"b\\x']);
    expect(shlexSplit('profile a\\ b')).toEqual(['profile', 'a b']);
    expect(shlexSplit('profile ""')).toEqual(['profile', '']);
    expect(shlexSplit('profile\u00a0a')).toEqual(['profile\u00a0a']);
    expect(() => shlexSplit('profile "a')).toThrow('No closing quotation');
    expect(() => shlexSplit('profile a\\')).toThrow('No escaped character');
  });
});
