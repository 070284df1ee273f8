/** Settings persisted as JSON under the data folder, validated by the shared schema, written atomically. */
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { settingsSchema, type Settings } from '../../../shared/contract/settings';
import { AppError } from '../../../shared/errors';
import { writeFileAtomic } from '../persist/atomic-file';

/** The settings store used by every service. */
export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(fn: (settings: Settings) => void): () => void;
}

/** Settings in `<dataDir>/settings.json`. A corrupt file is kept aside and the defaults are used. */
export class SettingsService implements SettingsStore {
  private current: Settings;
  private readonly listeners = new Set<(s: Settings) => void>();
  /** Set when the file on disk could not be read; the UI shows it once. */
  readonly loadProblem?: AppError;

  /** Loads (or creates) the settings file. */
  constructor(private readonly file: string) {
    const loaded = SettingsService.load(file);
    this.current = loaded.settings;
    this.loadProblem = loaded.problem;
  }

  /** Settings at `<dataDir>/settings.json`. */
  static inDataDir(dataDir: string): SettingsService {
    return new SettingsService(join(dataDir, 'settings.json'));
  }

  private static load(file: string): { settings: Settings; problem?: AppError } {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return { settings: settingsSchema.parse({}) };
    }
    try {
      return { settings: settingsSchema.parse(migrateSettings(JSON.parse(text))) };
    } catch (cause) {
      // Keep the damaged file for the user (and support) instead of silently overwriting it.
      const aside = `${file}.corrupt-${Date.now()}`;
      try {
        renameSync(file, aside);
      } catch {
        /* best effort: the defaults still load */
      }
      return { settings: settingsSchema.parse({}), problem: new AppError('SETTINGS_CORRUPT', { path: aside }, { cause }) };
    }
  }

  /** The current settings. */
  get(): Settings {
    return this.current;
  }

  /**
   * Validates and applies a patch over the file as it is now, then writes it atomically. The desktop app, `serve`
   * and the CLI share this file, so the patch goes over what is on disk, not over what this process read at start:
   * another process's change is kept instead of being saved over. Read, merge and write are synchronous, so no
   * other change in this process can come between them (this is settings.json's one-at-a-time queue).
   */
  update(patch: Partial<Settings>): Settings {
    const next = settingsSchema.parse({ ...this.onDisk(), ...patch });
    writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n');
    this.current = next;
    for (const fn of this.listeners) fn(next);
    return next;
  }

  /** The settings in the file now; this process's copy when the file is missing or unreadable (never moved aside here). */
  private onDisk(): Settings {
    try {
      const parsed = settingsSchema.safeParse(migrateSettings(JSON.parse(readFileSync(this.file, 'utf8'))));
      if (parsed.success) return parsed.data;
    } catch {
      /* missing or not JSON: fall through */
    }
    return this.current;
  }

  /** Subscribes to changes. */
  onChange(fn: (settings: Settings) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/**
 * Brings a settings file written by an older version up to the current schema. Version 1 had 'overwrite' as the
 * default existing-file choice and wrote every field, defaults included, so a file cannot tell a chosen 'overwrite'
 * from the default one: it becomes the new default 'ask', the side that loses nothing (someone who chose to replace
 * is asked once and can answer "Replace" for all). 'skip-identical' and 'keep-both' were chosen, and stay.
 */
export function migrateSettings(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const old = raw as Record<string, unknown>;
  if (old.schemaVersion !== undefined && old.schemaVersion !== 1) return raw;
  const { existingAction, ...rest } = old;
  return { ...rest, ...(existingAction !== undefined && existingAction !== 'overwrite' ? { existingAction } : {}), schemaVersion: 2 };
}
