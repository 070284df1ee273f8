/**
 * `s3-drop profiles add` without a Secret Service (a bare Linux session): it refuses before reading the secret,
 * because a secret kept only in memory would be lost when the command exits. The bus address points nowhere, for real.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runProfilesCommand } from '../../../src/cli/commands/profiles';
import { createAppServices } from '../../../src/main/services/app-services';
import { makeDeps, noAwsFilesEnv } from '../../main/services/profiles/helpers';

// Before any keychain call in this process: the library caches its first connection attempt.
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/s3drop-no-bus';

describe.runIf(process.platform === 'linux')('the CLI without a keychain', () => {
  it('refuses to add a profile whose secret would be lost at exit, before reading the secret', async () => {
    const env = noAwsFilesEnv();
    const deps = makeDeps(env);
    const services = await createAppServices({ platform: deps.platform, logger: deps.logger, env });
    try {
      const stdin = new PassThrough();
      const io = { services, stdout: new PassThrough(), stderr: new PassThrough(), stdin, json: false };
      await expect(runProfilesCommand(['add', 'nokeychain', '--access-key-id', 'AKIANOKEYCHAIN01'], io)).rejects.toMatchObject({ code: 'KEYCHAIN_REQUIRED' });
      expect(stdin.readableFlowing).not.toBe(true);
      expect((await services.profiles.list()).some((p) => p.name === 'nokeychain')).toBe(false);
    } finally {
      await services.dispose();
    }
  });
});
