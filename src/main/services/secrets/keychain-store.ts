/**
 * The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux) through
 * @napi-rs/keyring, falling back to memory for the session when no keychain answers, or when the
 * library's native binary cannot be loaded at all.
 */
import type { AsyncEntry } from '@napi-rs/keyring';
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

/** Loads @napi-rs/keyring; a seam so tests can play a binary that is missing. */
export type KeyringLoader = () => Promise<{ AsyncEntry: typeof AsyncEntry }>;

/**
 * Loaded on first use, not at start-up: the package picks a native binary per OS and CPU, and when that one
 * is not installed (an installer built on the other architecture) a top-level import would stop the app
 * before it starts. A failed load rejects like any keychain call, so the store falls back to memory.
 * This is the ES-module form (CLI, browser mode, tests); the Electron root passes a `require` one.
 */
export const loadKeyring: KeyringLoader = () => import('@napi-rs/keyring');

/** Entries over a loader; on Linux pinned to the Secret Service, because the kernel-keyring fallback forgets everything at logout. */
export function keyringEntries(load: KeyringLoader): EntryFactory {
  return (service, account) => {
    const open = () => load().then((keyring) => new keyring.AsyncEntry(service, account, process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined));
    return {
      getPassword: () => open().then((entry) => entry.getPassword()),
      setPassword: (password) => open().then((entry) => entry.setPassword(password)),
      deletePassword: () => open().then((entry) => entry.deletePassword()),
    };
  };
}

/** Real entries. */
export const keyringEntry: EntryFactory = keyringEntries(loadKeyring);

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
export function createDefaultSecretStore(deps: { events: EventBus; logger: Logger }, entry: EntryFactory = keyringEntry): KeychainSecretStore {
  return new KeychainSecretStore((reason) => {
    deps.logger.warn(`keychain unavailable, keeping secrets in memory for this session: ${reason}`);
    deps.events.emit('app:notice', { level: 'warning', error: new AppError('KEYCHAIN_UNAVAILABLE').toData() });
  }, entry);
}
