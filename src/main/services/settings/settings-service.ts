/** Settings persisted as JSON under the data folder, validated by the shared schema, written atomically. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { settingsSchema, type Settings } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';

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
      return { settings: settingsSchema.parse(JSON.parse(text)) };
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

  /** Validates and applies a patch, then writes the file atomically (temp file + rename). */
  update(patch: Partial<Settings>): Settings {
    const next = settingsSchema.parse({ ...this.current, ...patch });
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.file);
    this.current = next;
    for (const fn of this.listeners) fn(next);
    return next;
  }

  /** Subscribes to changes. */
  onChange(fn: (settings: Settings) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
