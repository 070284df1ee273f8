/** Start at login: the OS API on macOS/Windows, a real XDG autostart file on Linux, and the hidden start. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyStartAtLogin, autostartFile, HIDDEN_ARG, startedHidden, type LoginItemApp } from '../../../src/main/platform/login-items';

const root = mkdtempSync(join(tmpdir(), 's3drop-login-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fakeApp(wasOpenedAtLogin = false) {
  const calls: unknown[] = [];
  const app: LoginItemApp = { setLoginItemSettings: (s) => void calls.push(s), getLoginItemSettings: () => ({ wasOpenedAtLogin }) };
  return { app, calls };
}

describe('applyStartAtLogin', () => {
  it('uses setLoginItemSettings on Windows and macOS, with the hidden argument', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const { app, calls } = fakeApp();
      applyStartAtLogin({ app, platform, execPath: 'C:\\S3 Drop\\S3 Drop.exe', configHome: root }, true);
      applyStartAtLogin({ app, platform, execPath: 'C:\\S3 Drop\\S3 Drop.exe', configHome: root }, false);
      expect(calls).toEqual([
        { openAtLogin: true, args: [HIDDEN_ARG] },
        { openAtLogin: false, args: [HIDDEN_ARG] },
      ]);
    }
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const { app, calls } = fakeApp();
    const deps = { app, platform: 'linux' as const, execPath: '/opt/S3 Drop/s3-drop', configHome: join(root, 'cfg') };
    applyStartAtLogin(deps, true);
    const file = autostartFile(deps.configHome);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('[Desktop Entry]');
    expect(text).toContain(`Exec="/opt/S3 Drop/s3-drop" ${HIDDEN_ARG}`);
    applyStartAtLogin(deps, false);
    expect(existsSync(file)).toBe(false);
    applyStartAtLogin(deps, false);
    expect(calls).toEqual([]);
  });
});

describe('startedHidden', () => {
  it('is true with --hidden, or on macOS when opened at login', () => {
    expect(startedHidden(['/app', HIDDEN_ARG], fakeApp().app, 'win32')).toBe(true);
    expect(startedHidden(['/app'], fakeApp().app, 'win32')).toBe(false);
    expect(startedHidden(['/app'], fakeApp(true).app, 'darwin')).toBe(true);
    expect(startedHidden(['/app'], fakeApp(true).app, 'linux')).toBe(false);
  });
});
