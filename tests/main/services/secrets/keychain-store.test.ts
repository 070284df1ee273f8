/**
 * The real OS keychain (Secret Service via gnome-keyring). When the run has no Secret Service, this
 * file starts a private D-Bus session with an unlocked gnome-keyring for itself; if even that is not
 * possible it skips LOUDLY. `npm run test:keychain` runs it inside tests/support/keyring-session.sh.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createProfileHandlers } from '../../../../src/main/services/handlers/profiles';
import { redact } from '../../../../src/main/services/log/redact';
import { ProfileService } from '../../../../src/main/services/profiles/profile-service';
import { KeychainSecretStore } from '../../../../src/main/services/secrets/keychain-store';
import { ensureSecretService } from '../../../support/keyring-session';
import { s3Info } from '../../../support/s3-test-client';
import { makeDeps, noAwsFilesEnv } from '../profiles/helpers';

const keyring = await ensureSecretService();
const reachable = keyring.reachable;
afterAll(() => keyring.stop());

/** secret-tool, an independent client of the same keychain, to check what really landed there. */
function secretToolLookup(account: string): string | undefined {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', 'S3 Drop', 'username', account], { encoding: 'utf8' }) || undefined;
  } catch {
    return undefined;
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe.skipIf(!reachable)('OS keychain', () => {
  it('stores, reads, updates and deletes a secret', async () => {
    const notices: string[] = [];
    const store = new KeychainSecretStore((r) => notices.push(r));
    const account = `test:${process.pid}:${Date.now()}`;
    await store.set(account, 'first-secret-value-1234');
    expect(store.kind).toBe('keychain');
    expect(await store.get(account)).toBe('first-secret-value-1234');
    if (process.platform === 'linux') expect(secretToolLookup(account)).toBe('first-secret-value-1234');
    await store.set(account, 'second-secret-value-5678');
    expect(await store.get(account)).toBe('second-secret-value-5678');
    await store.delete(account);
    expect(await store.get(account)).toBeUndefined();
    if (process.platform === 'linux') expect(secretToolLookup(account)).toBeUndefined();
    expect(notices).toEqual([]);
  });

  it('never lets a canary secret reach a file, a log line or an event', async () => {
    const info = s3Info();
    const canary = `CANARY${Date.now()}secretZZ9plural`;
    const canaryToken = `CANARYTOKEN${Date.now()}xyz`;
    const env = noAwsFilesEnv();
    const deps = makeDeps(env);
    const fellBack: string[] = [];
    const store = new KeychainSecretStore((reason) => fellBack.push(reason));
    const service = new ProfileService(deps, store, { watch: false });
    const dispatch = createDispatcher(createProfileHandlers(deps, service) as Handlers, deps.logger);
    const results: unknown[] = [];
    try {
      results.push(
        await dispatch('profiles:add', {
          name: 'Canary',
          accessKeyId: info.accessKeyId,
          secretAccessKey: canary,
          sessionToken: canaryToken,
          preset: 'custom',
          endpoint: info.endpoint,
          region: info.region,
        }),
      );
      results.push(await dispatch('profiles:list', {}));
      results.push(await dispatch('profiles:test', { id: 'app:Canary' }));
      results.push(await dispatch('profiles:update', { id: 'app:Canary', name: 'Canary 2' }));
      results.push(await dispatch('profiles:test', { id: 'app:Canary 2' }));
      // A failing command logs: the log must still not carry the secret.
      results.push(await dispatch('profiles:add', { name: 'Canary 2', accessKeyId: 'AKIAX1', secretAccessKey: canary, preset: 'aws' }));
      deps.logger.error('a log line that quotes the secret by mistake', { secret: canary, token: canaryToken });

      expect(fellBack, 'the keychain stopped answering').toEqual([]);
      // The keychain has it, under service "S3 Drop".
      const resolved = await service.resolve('app:Canary 2');
      expect((await resolved.credentials()).secretAccessKey).toBe(canary);
      // A server that checks signatures refuses the canary secret (and says so); s3rver accepts it.
      if (info.features.verifiesSignatures) {
        expect(results[2]).toMatchObject({ ok: false, error: { code: 'SIGNATURE_MISMATCH' } });
        expect(results.filter((r) => (r as { ok: boolean }).ok)).toHaveLength(3);
      } else {
        expect(results[2]).toMatchObject({ ok: true });
        expect(results.filter((r) => (r as { ok: boolean }).ok)).toHaveLength(5);
      }

      const haystacks: [string, string][] = [
        ...filesUnder(deps.platform.dataDir).map((f): [string, string] => [f, readFileSync(f, 'latin1')]),
        ...deps.eventLog.map((e, i): [string, string] => [`event ${i} ${e.name}`, JSON.stringify(e.payload)]),
        ...results.map((r, i): [string, string] => [`result ${i}`, JSON.stringify(r)]),
        ['log', deps.logLines.join('\n')],
        ['redacted', redact(`x ${canary} ${canaryToken}`)],
      ];
      expect(haystacks.length).toBeGreaterThan(5);
      expect(deps.logLines.join('\n')).toContain('a log line that quotes the secret');
      for (const [where, text] of haystacks) {
        expect(text.includes(canary), `canary secret found in ${where}`).toBe(false);
        expect(text.includes(canaryToken), `canary token found in ${where}`).toBe(false);
      }

      // Remove deletes the keychain entry too.
      const uid = (JSON.parse(readFileSync(join(deps.platform.dataDir, 'profiles.json'), 'utf8')) as { profiles: { uid: string }[] }).profiles[0]!.uid;
      if (process.platform === 'linux') expect(secretToolLookup(`profile:${uid}`)).toContain(canary);
      expect(await dispatch('profiles:remove', { id: 'app:Canary 2' })).toMatchObject({ ok: true });
      expect(await store.get(`profile:${uid}`)).toBeUndefined();
      if (process.platform === 'linux') expect(secretToolLookup(`profile:${uid}`)).toBeUndefined();
    } finally {
      service.dispose();
    }
  });
});
