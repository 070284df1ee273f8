/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux) through
 * @napi-rs/keyring, falling back to memory for the session when no keychain answers.
 */
import { AsyncEntry } from '@napi-rs/keyring';
import { AppError } from '../../../shared/errors';
import type { EventBus } from '../events';
import type { Logger } from '../log/logger';
import { KEYCHAIN_SERVICE, MemorySecretStore, type SecretStore } from './secret-store';

/** The subset of @napi-rs/keyring's AsyncEntry this store uses (a seam for other keychain back ends). */
export interface KeychainEntry {
  getPassword(): Promise<string | null>;
  setPassword(password: string): Promise<void>;
  deletePassword(): Promise<boolean>;
}

/** Makes one keychain entry for an account. */
export type EntryFactory = (service: string, account: string) => KeychainEntry;

/** Real entries; on Linux pinned to the Secret Service, because the kernel-keyring fallback forgets everything at logout. */
export const keyringEntry: EntryFactory = (service, account) =>
  new AsyncEntry(service, account, process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined);

/** A keychain-backed store that switches to memory (and says so once) when the keychain cannot be used. */
export class KeychainSecretStore implements SecretStore {
  private fallback?: MemorySecretStore;
  private probed?: Promise<void>;

  /** Builds the store; `onUnavailable` is called once when it falls back to memory. */
  constructor(
    private readonly onUnavailable: (reason: string) => void = () => {},
    private readonly entry: EntryFactory = keyringEntry,
    private readonly service = KEYCHAIN_SERVICE,
    private readonly retryDelayMs = 250,
  ) {}

  /** 'keychain' until the keychain fails, then 'memory' for the rest of the session. */
  get kind(): 'keychain' | 'memory' {
    return this.fallback ? 'memory' : 'keychain';
  }

  /** Checks once that the keychain answers, so the first real write does not discover it too late. */
  ready(): Promise<void> {
    this.probed ??= this.attempt(() => this.entry(this.service, '__probe__').getPassword())
      .then(() => undefined)
      .catch((err: unknown) => this.fallBack(err));
    return this.probed;
  }

  /** Reads a secret. */
  async get(account: string): Promise<string | undefined> {
    await this.ready();
    if (this.fallback) return this.fallback.get(account);
    try {
      return (await this.attempt(() => this.entry(this.service, account).getPassword())) ?? undefined;
    } catch (err) {
      this.fallBack(err);
      return this.fallback!.get(account);
    }
  }

  /** Stores a secret. */
  async set(account: string, secret: string): Promise<void> {
    await this.ready();
    if (!this.fallback) {
      try {
        await this.attempt(() => this.entry(this.service, account).setPassword(secret));
        return;
      } catch (err) {
        this.fallBack(err);
      }
    }
    await this.fallback!.set(account, secret);
  }

  /** Removes a secret (from wherever it is). */
  async delete(account: string): Promise<void> {
    await this.ready();
    await this.fallback?.delete(account);
    if (this.fallback) return;
    try {
      await this.attempt(() => this.entry(this.service, account).deletePassword());
    } catch (err) {
      this.fallBack(err);
    }
  }

  /**
   * Runs a keychain call, once more after a pause if it fails: a busy D-Bus can time out once, and
   * falling back to memory lasts for the whole session. Through a promise, because the entry
   * constructor itself throws when no Secret Service answers.
   */
  private async attempt<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await Promise.resolve().then(call);
    } catch {
      await new Promise((r) => setTimeout(r, this.retryDelayMs));
      return Promise.resolve().then(call);
    }
  }

  private fallBack(err: unknown): void {
    if (this.fallback) return;
    this.fallback = new MemorySecretStore();
    // The reason is a keychain error text (never a secret); it goes to the log for support.
    this.onUnavailable(err instanceof Error ? err.message : String(err));
  }
}

/** The app's default store: the keychain, telling the UI (once) and the log when it has to fall back to memory. */
export function createDefaultSecretStore(deps: { events: EventBus; logger: Logger }): KeychainSecretStore {
  return new KeychainSecretStore((reason) => {
    deps.logger.warn(`keychain unavailable, keeping secrets in memory for this session: ${reason}`);
    deps.events.emit('app:notice', { level: 'warning', error: new AppError('KEYCHAIN_UNAVAILABLE').toData() });
  });
}
