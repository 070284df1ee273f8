import { appendFileSync, copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProfileSummary } from '../../../../src/shared/contract';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { MemorySecretStore } from '../../../../src/main/services/secrets/secret-store';
import { fixtures, makeDeps, tempDir } from './helpers';

describe('watching the shared files', () => {
  it('picks up edits, including an editor that saves by replacing the file', async () => {
    const dir = tempDir('s3drop-watch-');
    copyFileSync(join(fixtures, 'config'), join(dir, 'config'));
    copyFileSync(join(fixtures, 'credentials'), join(dir, 'credentials'));
    const deps = makeDeps({ HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') });
    const service = new ProfileService(deps, new MemorySecretStore(), { watchDebounceMs: 50 });
    const nextChange = (want: (l: ProfileSummary[]) => boolean) =>
      new Promise<ProfileSummary[]>((resolve) => {
        const off = deps.events.on('profiles:changed', (list) => {
          if (want(list)) {
            off();
            resolve(list);
          }
        });
      });
    try {
      const before = await service.list();
      expect(before.some((p) => p.name === 'added-later')).toBe(false);

      const appended = nextChange((l) => l.some((p) => p.name === 'added-later'));
      appendFileSync(join(dir, 'config'), '\n[profile added-later]\nregion = eu-north-1\n');
      expect((await appended).find((p) => p.name === 'added-later')?.region).toBe('eu-north-1');

      // A client built before the edit holds this provider; it must see the edited keys.
      const held = (await service.resolve('aws:creds.only')).credentials;
      expect((await held()).accessKeyId).toBe('AKIAFIXTURECREDSONLY');
      const replaced = nextChange((l) => l.some((p) => p.name === 'from-replace') && !l.some((p) => p.name === 'creds.only'));
      writeFileSync(join(dir, 'credentials.tmp'), '[from-replace]\naws_access_key_id = AKIAREPLACED0001\naws_secret_access_key = x\n');
      renameSync(join(dir, 'credentials.tmp'), join(dir, 'credentials'));
      const list = await replaced;
      expect(list.find((p) => p.name === 'from-replace')?.accessKeyIdMasked).toBe('••••0001');
      // The held provider now fails plainly (the profile is gone) instead of signing with stale keys.
      await expect(held()).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
      // Resolution uses the new file, not a cached copy.
      expect((await (await service.resolve('aws:from-replace')).credentials()).accessKeyId).toBe('AKIAREPLACED0001');
    } finally {
      service.dispose();
    }
  });
});
