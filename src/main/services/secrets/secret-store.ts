/** Where app-managed profile secrets live: the OS keychain, or this process's memory when no keychain exists. */

/** The keychain service name every secret is stored under. */
export const KEYCHAIN_SERVICE = 'S3 Drop';

/** A store of secrets by account name under the service "S3 Drop". */
export interface SecretStore {
  /** 'keychain' when secrets survive a restart, 'memory' when they last only this session. */
  readonly kind: 'keychain' | 'memory';
  /** Resolves once the store knows where secrets go (a keychain is probed once), so `kind` can be trusted. */
  ready(): Promise<void>;
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

/** Secrets kept in this process only; used where no OS keychain exists, and in tests. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  private readonly map = new Map<string, string>();
  /** Memory is always ready. */
  async ready(): Promise<void> {}
  /** Reads a secret. */
  async get(account: string): Promise<string | undefined> {
    return this.map.get(account);
  }
  /** Stores a secret. */
  async set(account: string, secret: string): Promise<void> {
    this.map.set(account, secret);
  }
  /** Removes a secret. */
  async delete(account: string): Promise<void> {
    this.map.delete(account);
  }
}
