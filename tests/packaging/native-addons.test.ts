/**
 * build/check-native-addons.mjs, electron-builder's beforePack hook: an installer is built only when its
 * architecture's native addons are installed. Run against real node_modules folders laid out in a temp dir.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import beforePack, { missingNativePackages, nativePackagesFor } from '../../build/check-native-addons.mjs';

const root = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 's3drop-native-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A project whose node_modules holds the parents and the given platform packages. */
function project(installed: string[]): string {
  const dir = mkdtempSync(join(work, 'p-'));
  const pkg = (name: string, body: object = {}) => {
    mkdirSync(join(dir, 'node_modules', name), { recursive: true });
    writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, ...body }));
  };
  pkg('@napi-rs/keyring', { optionalDependencies: { '@napi-rs/keyring-darwin-x64': '2.1.2', '@napi-rs/keyring-darwin-arm64': '2.1.2' } });
  pkg('@parcel/watcher', { optionalDependencies: { '@parcel/watcher-darwin-x64': '2.6.0', '@parcel/watcher-darwin-arm64': '2.6.0' } });
  for (const name of installed) pkg(name);
  return dir;
}

// electron-builder's Arch enum: x64 = 1, arm64 = 3.
const context = (projectDir: string, electronPlatformName: string, arch: number) => ({ electronPlatformName, arch, packager: { projectDir } });

describe('the native-addon check before packing', () => {
  it('is the beforePack hook of electron-builder.yml', () => {
    const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as { beforePack: string; electronFuses: Record<string, boolean> };
    expect(config.beforePack).toBe('./build/check-native-addons.mjs');
    expect(config.electronFuses.grantFileProtocolExtraPrivileges).toBe(false);
  });

  it('names the keychain and watcher binaries of each supported target', () => {
    expect(nativePackagesFor('darwin', 'arm64')).toEqual(['@napi-rs/keyring-darwin-arm64', '@parcel/watcher-darwin-arm64']);
    expect(nativePackagesFor('win32', 'x64')).toEqual(['@napi-rs/keyring-win32-x64-msvc', '@parcel/watcher-win32-x64']);
    expect(nativePackagesFor('linux', 'x64')).toEqual(['@napi-rs/keyring-linux-x64-gnu', '@parcel/watcher-linux-x64-glibc']);
    expect(() => nativePackagesFor('darwin', 'universal')).toThrow(/one architecture per installer/);
    // Every name is a real optional dependency of the installed parent packages.
    for (const [parent, names] of [
      ['@napi-rs/keyring', ['darwin', 'win32', 'linux'].flatMap((p) => ['x64', 'arm64'].map((a) => nativePackagesFor(p, a)[0]))],
      ['@parcel/watcher', ['darwin', 'win32', 'linux'].flatMap((p) => ['x64', 'arm64'].map((a) => nativePackagesFor(p, a)[1]))],
    ] as const) {
      const optional = Object.keys(JSON.parse(readFileSync(join(root, 'node_modules', parent, 'package.json'), 'utf8')).optionalDependencies);
      for (const name of names) expect(optional, name).toContain(name);
    }
  });

  it('lets the build go on when the target architecture is installed', async () => {
    const dir = project(['@napi-rs/keyring-darwin-arm64', '@parcel/watcher-darwin-arm64']);
    await expect(beforePack(context(dir, 'darwin', 3))).resolves.toBeUndefined();
    expect(missingNativePackages(dir, 'darwin', 'arm64')).toEqual([]);
  });

  it("stops the other architecture's build, naming what is missing and the command that adds it", async () => {
    const dir = project(['@napi-rs/keyring-darwin-arm64', '@parcel/watcher-darwin-arm64']);
    const error = await beforePack(context(dir, 'darwin', 1)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toContain('Cannot build the darwin x64 installer: @napi-rs/keyring-darwin-x64@2.1.2, @parcel/watcher-darwin-x64@2.6.0 are not installed');
    expect(error?.message).toContain('npm run dist -- --mac --x64');
    expect(error?.message).toContain('npm install --no-save --force @napi-rs/keyring-darwin-x64@2.1.2 @parcel/watcher-darwin-x64@2.6.0');
  });

  it('passes for this machine with the real node_modules', () => {
    const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
    expect(missingNativePackages(root, process.platform, arch)).toEqual([]);
  });
});
