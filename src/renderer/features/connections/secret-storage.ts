/**
 * Where a secret key goes, in one place for every form that takes one: the engine's answer (the system keychain, or
 * memory until S3 Drop closes when no keychain answers), never a promise the renderer makes on its own.
 */
import { useEffect, useState } from 'react';
import type { ProfileSummary } from '../../../shared/contract';
import { useStoreApi } from '../../state/store';

/** Where a secret key is kept. */
export type SecretStorage = NonNullable<ProfileSummary['secretStorage']>;

/** The sentence saying where a new secret key will be kept. */
export function secretStorageHintKey(storage: SecretStorage): string {
  return storage === 'memory' ? 'connections.secretInMemory' : 'addProfile.secretHint';
}

/** The sentence under a secret just saved (empty keeps it), saying where it is. */
export function secretKeptHintKey(storage: SecretStorage | undefined): string {
  return storage === 'memory' ? 'addProfile.secretKeptInMemory' : 'addProfile.secretKept';
}

/**
 * Asks the engine once where a new secret would be kept; undefined until it answers. The engine checks that the
 * keychain answers first, so a form opened before any profile was saved still tells the truth.
 */
export function useSecretStorage(): SecretStorage | undefined {
  const store = useStoreApi();
  const [storage, setStorage] = useState<SecretStorage>();
  useEffect(() => {
    let live = true;
    void store.api.invoke('profiles:secretStorage', {}).then((res) => {
      if (live && res.ok) setStorage(res.value);
    });
    return () => {
      live = false;
    };
  }, [store]);
  return storage;
}
