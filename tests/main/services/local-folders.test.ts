/**
 * Local folders (local-folders.ts): `~` expansion, and the browser-mode folder picker's path rules against hostile
 * input (`..`, absolute paths elsewhere, links out of home), through the real dispatcher; a synced folder typed as
 * `~/…` is stored as the real path.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandInput, CommandOutput } from '../../../src/shared/contract';
import type { Result } from '../../../src/shared/result';
import { createDispatcher, type Handlers } from '../../../src/main/services/dispatch';
import { createAppHandlers } from '../../../src/main/services/handlers/app';
import { expandHome } from '../../../src/main/services/local-folders';
import { s3Info } from '../../support/s3-test-client';
import { makeHarness } from './sync/harness';
import { testCore } from './transfers/harness';

const root = realpathSync(mkdtempSync(join(tmpdir(), 's3drop-folders-')));
const home = join(root, 'home');
const outside = join(root, 'outside');
for (const d of [join(home, 'Photos', 'Trip'), join(home, 'Documents'), join(home, '.hidden'), outside, `${home}-sibling`]) mkdirSync(d, { recursive: true });
writeFileSync(join(home, 'notes.txt'), 'a file, not a folder');
symlinkSync(outside, join(home, 'escape'));
symlinkSync(join(home, 'Photos'), join(home, 'photos-link'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const core = testCore();
core.env.HOME = home;
const dispatch = createDispatcher(createAppHandlers(core, () => '') as unknown as Handlers);
const list = async (input: CommandInput<'app:listFolders'>) => (await dispatch('app:listFolders', input)) as Result<CommandOutput<'app:listFolders'>>;
async function refusal(path: string): Promise<string> {
  const res = await list({ path });
  if (res.ok) throw new Error(`listing ${path} was expected to be refused, got ${res.value.path}`);
  return res.error.code;
}

describe('~ expansion', () => {
  it('expands ~ and ~/ only', () => {
    expect(expandHome('~', '/h/me')).toBe('/h/me');
    expect(expandHome('~/Photos/Trip', '/h/me')).toBe(join('/h/me', 'Photos', 'Trip'));
    expect(expandHome('~other/x', '/h/me')).toBe('~other/x');
    expect(expandHome('/abs/~/x', '/h/me')).toBe('/abs/~/x');
    expect(expandHome('photos~', '/h/me')).toBe('photos~');
  });
});

describe('folder picker (app:listFolders)', () => {
  it('lists the folders of home by default: no files, no hidden folders, no link that leads out', async () => {
    const res = await list({});
    if (!res.ok) throw new Error(res.error.message);
    expect(res.value.path).toBe(home);
    expect(res.value.parent).toBeUndefined();
    expect(res.value.folders.map((f) => f.name)).toEqual(['Documents', 'Photos', 'photos-link']);
  });

  it('goes into a folder by ~ path, relative path or absolute path inside home, with a parent to go back up', async () => {
    for (const path of ['~/Photos', 'Photos', join(home, 'Photos'), '~/Documents/../Photos']) {
      const res = await list({ path });
      if (!res.ok) throw new Error(`${path}: ${res.error.message}`);
      expect(res.value.path).toBe(join(home, 'Photos'));
      expect(res.value.parent).toBe(home);
      expect(res.value.folders).toEqual([{ name: 'Trip', path: join(home, 'Photos', 'Trip') }]);
    }
  });

  it('refuses, in plain words, every way out of home: .., absolute paths elsewhere, links out', async () => {
    expect(await refusal('..')).toBe('FOLDER_OUTSIDE_HOME');
    expect(await refusal('~/..')).toBe('FOLDER_OUTSIDE_HOME');
    expect(await refusal('Photos/../../..')).toBe('FOLDER_OUTSIDE_HOME');
    expect(await refusal('/')).toBe('FOLDER_OUTSIDE_HOME');
    expect(await refusal(outside)).toBe('FOLDER_OUTSIDE_HOME');
    expect(await refusal('~/escape')).toBe('FOLDER_OUTSIDE_HOME');
    expect(await refusal(`${home}-sibling`)).toBe('FOLDER_OUTSIDE_HOME');
    expect(await refusal('~/../home-sibling')).toBe('FOLDER_OUTSIDE_HOME');
    expect(await refusal('~/notes.txt')).toBe('FOLDER_NOT_FOUND');
    expect(await refusal('~/no such folder')).toBe('FOLDER_NOT_FOUND');
    const res = await list({ path: '..' });
    expect(!res.ok && res.error.message).toMatch(/is outside your home folder/);
  });
});

describe('a synced folder typed with ~', () => {
  it('is stored as the real path', async () => {
    const h = await makeHarness(s3Info());
    try {
      h.core.env.HOME = home;
      const st = await h.sync.add({ folder: '~/Documents', target: { profileId: 'test', bucket: h.bucket, prefix: 'docs' } } as never, { startPaused: true });
      expect(st.config.folder).toBe(join(home, 'Documents'));
    } finally {
      await h.close();
    }
  });
});
