/** `s3-drop profiles add/list/test/remove` end to end, with the real keychain and the real S3 server. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runProfilesCommand } from '../../../src/cli/commands/profiles';
import { createAppServices } from '../../../src/main/services/app-services';
import { ensureSecretService } from '../../support/keyring-session';
import { s3Info } from '../../support/s3-test-client';
import { makeDeps, noAwsFilesEnv } from '../../main/services/profiles/helpers';

const keyring = await ensureSecretService();
afterAll(() => keyring.stop());

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

describe.skipIf(!keyring.reachable)('s3-drop profiles (CLI)', () => {
  it('adds a profile with the secret from stdin, lists it, tests it and removes it', async () => {
    const info = s3Info();
    const env = noAwsFilesEnv();
    const deps = makeDeps(env);
    const services = await createAppServices({ platform: deps.platform, logger: deps.logger, env });
    // A server that checks signatures needs the real secret; s3rver's is too short to be a useful marker, so use a unique one.
    const secret = info.features.verifiesSignatures ? info.secretAccessKey : `cliSecret${Date.now()}/abcdefghijklmnopqrstu`;
    const run = async (args: string[], stdinText = '') => {
      const out = capture();
      const err = capture();
      const code = await runProfilesCommand(args, { services, stdout: out.stream, stderr: err.stream, stdin: Readable.from([stdinText]), json: args.includes('--json') });
      return { code, out: out.text(), err: err.text() };
    };
    try {
      const name = `cli ${Date.now()}`;
      const added = await run(['add', name, '--access-key-id', info.accessKeyId, '--endpoint', info.endpoint, '--region', info.region], secret + '\n');
      expect(added).toMatchObject({ code: 0, out: `Added profile "${name}"; its secret key is in the system keychain.\n` });

      const listed = await run(['--json']);
      const list = JSON.parse(listed.out) as { id: string; secretStorage?: string; hasSecret: boolean }[];
      expect(list.find((p) => p.id === `app:${name}`)).toMatchObject({ hasSecret: true, secretStorage: 'keychain' });
      expect(listed.out).not.toContain(secret);

      const tested = await run(['test', name]);
      expect(tested.code).toBe(0);
      expect(tested.out).toMatch(/^Connected\. This key can see \d+ buckets?\.\n$/);

      // The secret is in the keychain and nowhere in the data folder.
      expect(readFileSync(join(deps.platform.dataDir, 'profiles.json'), 'utf8')).not.toContain(secret);
      expect((await (await services.profiles.resolve(`app:${name}`)).credentials()).secretAccessKey).toBe(secret);

      // A secret on the command line is refused before anything is stored.
      await expect(run(['add', 'argv-secret', '--access-key-id', 'AKIAARGV0001', '--secret-access-key', 'x'])).rejects.toMatchObject({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
      await expect(run(['add', 'empty', '--access-key-id', 'AKIAEMPTY001'], '')).rejects.toMatchObject({ code: 'CLI_USAGE', message: expect.stringContaining('secret access key') });
      expect((await services.profiles.list()).some((p) => p.name === 'argv-secret' || p.name === 'empty')).toBe(false);

      const removed = await run(['remove', name]);
      expect(removed).toMatchObject({ code: 0, out: `Removed profile "${name}" and its keychain entry.\n` });
      await expect(run(['remove', name])).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
      expect(deps.logLines.join('\n')).not.toContain(secret);
    } finally {
      await services.dispose();
    }
  });
});
