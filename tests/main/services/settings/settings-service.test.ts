/** Settings on disk: parallel changes, and two processes (the desktop app and `serve`) sharing one settings.json. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAppHandlers } from '../../../../src/main/services/handlers/app';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { EventBus } from '../../../../src/main/services/events';
import { silentLogger } from '../../../../src/main/services/log/logger';
import { SettingsService } from '../../../../src/main/services/settings/settings-service';
import type { CoreDeps } from '../../../../src/main/services/context';

const root = mkdtempSync(join(tmpdir(), 's3drop-settings-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const onDisk = (dir: string) => JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;

describe('settings.json', () => {
  it('parallel settings:update calls each keep their change', async () => {
    const dataDir = join(root, 'parallel');
    const settings = SettingsService.inDataDir(dataDir);
    const deps = {
      platform: { dataDir, logsDir: join(dataDir, 'logs'), version: '0', capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false } },
      events: new EventBus(),
      logger: silentLogger,
      settings,
      env: {},
    } as CoreDeps;
    const dispatch = createDispatcher(createAppHandlers(deps, () => '') as Handlers, silentLogger);
    const results = await Promise.all([
      dispatch('settings:update', { theme: 'dark' }),
      dispatch('settings:update', { concurrency: 3 }),
      dispatch('settings:update', { partConcurrency: 2 }),
      dispatch('settings:update', { bandwidthLimitKiBps: 512 }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(onDisk(dataDir)).toMatchObject({ theme: 'dark', concurrency: 3, partConcurrency: 2, bandwidthLimitKiBps: 512 });
    expect(settings.get()).toMatchObject({ theme: 'dark', concurrency: 3, partConcurrency: 2, bandwidthLimitKiBps: 512 });
  });

  it("a change made by another process on the same data folder is kept, not saved over with this process's old copy", () => {
    const dataDir = join(root, 'two-processes');
    // Two services over one file, as the desktop app and `s3-drop serve` are: each loaded the file at its start.
    const desktop = SettingsService.inDataDir(dataDir);
    const serve = SettingsService.inDataDir(dataDir);
    serve.update({ theme: 'dark' });
    desktop.update({ concurrency: 3 });
    expect(onDisk(dataDir)).toMatchObject({ theme: 'dark', concurrency: 3 });
    expect(desktop.get()).toMatchObject({ theme: 'dark', concurrency: 3 });
  });

  it('a damaged file found at update time is replaced by this process’s settings plus the change', () => {
    const dataDir = join(root, 'damaged-later');
    const settings = SettingsService.inDataDir(dataDir);
    settings.update({ theme: 'light' });
    writeFileSync(join(dataDir, 'settings.json'), '{ not json');
    expect(settings.update({ concurrency: 5 })).toMatchObject({ theme: 'light', concurrency: 5 });
    expect(onDisk(dataDir)).toMatchObject({ theme: 'light', concurrency: 5 });
  });

  it("a version 1 file's 'overwrite' (the old default, written whether chosen or not) becomes 'ask'; a chosen skip or keep-both stays", () => {
    const write = (name: string, body: object) => {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'settings.json'), JSON.stringify(body));
      return dir;
    };
    const old = write('v1-overwrite', { schemaVersion: 1, existingAction: 'overwrite', theme: 'dark' });
    expect(SettingsService.inDataDir(old).get()).toMatchObject({ schemaVersion: 2, existingAction: 'ask', theme: 'dark' });
    const chosen = write('v1-keep-both', { schemaVersion: 1, existingAction: 'keep-both' });
    expect(SettingsService.inDataDir(chosen).get().existingAction).toBe('keep-both');
    // Once migrated, a later 'overwrite' is a choice made under version 2 and is kept.
    const store = SettingsService.inDataDir(old);
    store.update({ existingAction: 'overwrite' });
    expect(onDisk(old)).toMatchObject({ schemaVersion: 2, existingAction: 'overwrite' });
    expect(SettingsService.inDataDir(old).get().existingAction).toBe('overwrite');
    expect(SettingsService.inDataDir(join(root, 'fresh')).get().existingAction).toBe('ask');
  });
});
