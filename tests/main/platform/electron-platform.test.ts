/** The Electron Platform adapter: pickers, the allowlist before the OS opens a link, and plain errors. */
import { describe, expect, it } from 'vitest';
import { createElectronPlatform, type ElectronPlatformDeps } from '../../../src/main/platform/electron-platform';
import { AppError } from '../../../src/shared/errors';

function make(overrides: Partial<ElectronPlatformDeps> = {}) {
  const opened: string[] = [];
  const pickerCalls: unknown[] = [];
  const platform = createElectronPlatform({
    showOpenDialog: async (o) => (pickerCalls.push(o), { canceled: false, filePaths: ['/home/me/a.txt'] }),
    shell: { openExternal: async (u) => void opened.push(u), openPath: async (p) => (p === '/missing' ? 'Failed to open path' : '') },
    dataDir: '/data',
    logsDir: '/logs',
    version: '1.0.0',
    ...overrides,
  });
  return { platform, opened, pickerCalls };
}

describe('createElectronPlatform', () => {
  it('asks the native picker for files or folders', async () => {
    const { platform, pickerCalls } = make();
    expect(await platform.pickFiles!({ folders: false })).toEqual(['/home/me/a.txt']);
    await platform.pickFiles!({ folders: true });
    expect(pickerCalls).toEqual([{ properties: ['openFile', 'multiSelections'] }, { properties: ['openDirectory', 'multiSelections'] }]);
    expect(platform.capabilities).toMatchObject({ transport: 'electron', nativeDialogs: true, dropGivesPaths: true });
  });

  it('a cancelled picker adds nothing', async () => {
    const { platform } = make({ showOpenDialog: async () => ({ canceled: true, filePaths: ['/ignored'] }) });
    expect(await platform.pickFiles!({ folders: false })).toEqual([]);
  });

  it('opens only allowlisted https links', async () => {
    const { platform, opened } = make();
    await platform.openExternal!('https://github.com/s3drop');
    await expect(platform.openExternal!('https://evil.example/')).rejects.toBeInstanceOf(AppError);
    await expect(platform.openExternal!('file:///etc/passwd')).rejects.toThrow(/not available/);
    expect(opened).toEqual(['https://github.com/s3drop']);
  });

  it('turns a folder that will not open into a plain error', async () => {
    const { platform } = make();
    await expect(platform.openPath!('/logs')).resolves.toBeUndefined();
    await expect(platform.openPath!('/missing')).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });
});
