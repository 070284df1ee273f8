/** App-managed profiles' non-secret fields, in `<dataDir>/profiles.json` (the secret lives in the keychain only). */
import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { serialized, writeFileAtomic } from '../persist/atomic-file';
import type { ProviderPreset } from './presets';

/** One app profile as stored on disk: never a secret key or a session token. */
export interface StoredAppProfile {
  /** A stable id for the keychain account, so a rename does not move the secret. */
  uid: string;
  name: string;
  accessKeyId: string;
  region?: string;
  endpoint?: string;
  preset: ProviderPreset;
  forcePathStyle?: boolean;
}

/** Reads and writes `profiles.json` atomically; changes go through `exclusive`, one at a time. */
export class AppProfileStore {
  /** The file path. */
  readonly file: string;

  /** A store under the data folder. */
  constructor(dataDir: string) {
    this.file = join(dataDir, 'profiles.json');
  }

  /** All stored profiles; a missing or damaged file reads as none (the damaged one is kept aside). */
  list(): StoredAppProfile[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const data = JSON.parse(text) as { profiles?: StoredAppProfile[] };
      return Array.isArray(data.profiles) ? data.profiles.filter((p) => p && typeof p.name === 'string' && typeof p.uid === 'string') : [];
    } catch {
      try {
        renameSync(this.file, `${this.file}.corrupt-${Date.now()}`);
      } catch {
        /* best effort */
      }
      return [];
    }
  }

  /** Replaces the whole list; call it inside `exclusive`, with a list read inside the same step. */
  save(profiles: StoredAppProfile[]): void {
    writeFileAtomic(this.file, JSON.stringify({ version: 1, profiles }, null, 2) + '\n');
  }

  /**
   * Runs one change (read the list, check, write the secret, save) after the changes before it: a change that
   * read the list before another one's `await` would otherwise save over it, losing that profile.
   */
  exclusive<T>(change: () => Promise<T>): Promise<T> {
    return serialized(this.file, change);
  }

  /** A fresh keychain id. */
  static newUid(): string {
    return randomUUID();
  }
}
