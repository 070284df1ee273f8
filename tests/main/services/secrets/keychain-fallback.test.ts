/**
 * No Secret Service (a bare Linux session): the secret is kept in memory for this session only, the
 * UI is told once, and nothing secret is written to disk. The bus address points nowhere, for real.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProfileHandlers } from '../../../../src/main/services/handlers/profiles';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { createDefaultSecretStore } from '../../../../src/main/services/secrets/keychain-store';
import { makeDeps, noAwsFilesEnv } from '../profiles/helpers';

// Before any keychain call in this process: the library caches its first connection attempt.
process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/s3drop-no-bus';

describe.runIf(process.platform === 'linux')('without a keychain', () => {
  it('keeps the secret in memory, says so once, and writes no secret to disk', async () => {
    const env = noAwsFilesEnv();
    const deps = makeDeps(env);
    const store = createDefaultSecretStore(deps);
    const service = new ProfileService(deps, store, { watch: false });
    const secret = 'memoryOnlySecret/abcdefghijklmnopqrstuvwx';
    const a = await service.add({ name: 'one', accessKeyId: 'AKIAMEMORY000001', secretAccessKey: secret, preset: 'aws' });
    const b = await service.add({ name: 'two', accessKeyId: 'AKIAMEMORY000002', secretAccessKey: secret + '2', preset: 'aws' });
    expect(store.kind).toBe('memory');
    expect(a).toMatchObject({ hasSecret: true, secretStorage: 'memory' });
    expect(b).toMatchObject({ hasSecret: true, secretStorage: 'memory' });
    expect((await (await service.resolve('app:one')).credentials()).secretAccessKey).toBe(secret);

    const notices = deps.eventLog.filter((e) => e.name === 'app:notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.payload).toMatchObject({ level: 'warning', error: { code: 'KEYCHAIN_UNAVAILABLE' } });
    expect(deps.logLines.some((l) => l.includes('keychain unavailable'))).toBe(true);

    for (const name of readdirSync(deps.platform.dataDir)) {
      expect(readFileSync(join(deps.platform.dataDir, name), 'latin1')).not.toContain(secret);
    }

    // "Restart": a new store forgets the secret; the profile is still listed, without a secret.
    service.dispose();
    const again = new ProfileService(deps, createDefaultSecretStore(deps), { watch: false });
    const list = await again.list();
    expect(list.find((p) => p.id === 'app:one')).toMatchObject({ hasSecret: false, secretStorage: 'memory' });
    await expect((await again.resolve('app:one')).credentials()).rejects.toMatchObject({ code: 'NO_CREDENTIALS' });
    again.dispose();
  });

  it("answers 'profiles:secretStorage' with memory before any secret is saved, so the add-keys form can say so", async () => {
    const deps = makeDeps(noAwsFilesEnv());
    const store = createDefaultSecretStore(deps);
    const service = new ProfileService(deps, store, { watch: false });
    // Before the check, the store still says 'keychain': only asking the keychain tells.
    expect(store.kind).toBe('keychain');
    expect(await createProfileHandlers(deps, service)['profiles:secretStorage']({})).toBe('memory');
    service.dispose();
  });
});
