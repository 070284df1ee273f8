/**
 * @napi-rs/keyring is loaded on first use. When its native binary is missing (an installer built on the other
 * architecture), the store falls back to memory and says so once, instead of the app dying before it starts.
 * No keychain is touched: the loader is a stand-in that fails as Node does for a missing binary.
 */
import { describe, expect, it } from 'vitest';
import { createDefaultSecretStore, keyringEntries, type KeyringLoader } from '../../../../src/main/services/secrets/keychain-store';
import { makeDeps, noAwsFilesEnv } from '../profiles/helpers';

const missingBinary: KeyringLoader = () =>
  Promise.reject(Object.assign(new Error("Cannot find module '@napi-rs/keyring-darwin-x64'"), { code: 'MODULE_NOT_FOUND' }));

describe('the keychain library loaded lazily', () => {
  it('does not load it until a secret is asked for', () => {
    let loads = 0;
    const entries = keyringEntries(() => {
      loads++;
      return missingBinary();
    });
    entries('S3 Drop', 'account');
    expect(loads).toBe(0);
  });

  it('falls back to memory, once, with a notice and the reason in the log, when the binary is missing', async () => {
    const deps = makeDeps(noAwsFilesEnv());
    const store = createDefaultSecretStore(deps, keyringEntries(missingBinary));
    await store.set('app:one', 'memorySecret/abcdefghijklmnopqrstuvwx');
    expect(store.kind).toBe('memory');
    expect(await store.get('app:one')).toBe('memorySecret/abcdefghijklmnopqrstuvwx');
    await store.delete('app:one');
    expect(await store.get('app:one')).toBeUndefined();
    const notices = deps.eventLog.filter((e) => e.name === 'app:notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.payload).toMatchObject({ level: 'warning', error: { code: 'KEYCHAIN_UNAVAILABLE' } });
    expect(deps.logLines.filter((l) => l.includes('keychain unavailable'))).toHaveLength(1);
    expect(deps.logLines.find((l) => l.includes('keychain unavailable'))).toContain("Cannot find module '@napi-rs/keyring-darwin-x64'");
  });

  it('uses the loaded library for every call', async () => {
    const calls: string[] = [];
    class AsyncEntry {
      constructor(
        readonly service: string,
        readonly account: string,
      ) {
        calls.push(`new ${service}/${account}`);
      }
      async getPassword() {
        calls.push('get');
        return 'stored';
      }
      async setPassword(p: string) {
        calls.push(`set ${p.length}`);
      }
      async deletePassword() {
        calls.push('delete');
        return true;
      }
    }
    const entry = keyringEntries(async () => ({ AsyncEntry: AsyncEntry as never }))('S3 Drop', 'acc');
    expect(await entry.getPassword()).toBe('stored');
    await entry.setPassword('abc');
    expect(await entry.deletePassword()).toBe(true);
    expect(calls).toEqual(['new S3 Drop/acc', 'get', 'new S3 Drop/acc', 'set 3', 'new S3 Drop/acc', 'delete']);
  });
});
