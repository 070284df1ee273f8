/**
 * electron-builder.yml: valid against app-builder-lib's own JSON schema, with the Electron fuses, the
 * targets per OS, native modules unpacked from asar, only build output in `files`, and GitHub publishing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '../..');
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const targets = (os: string) => (config[os].target as (string | { target: string })[]).map((t) => (typeof t === 'string' ? t : t.target));

describe('electron-builder.yml', () => {
  it('validates against node_modules/app-builder-lib/scheme.json', () => {
    const schema = JSON.parse(readFileSync(join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    // strict: false as electron-builder's own validator does: its schema carries a non-standard
    // `typeof` keyword (hooks, and by a generator quirk desktop.entry) that electron-builder ignores.
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('a config with a typo is caught by the same validation (the check can fail)', () => {
    const schema = JSON.parse(readFileSync(join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    expect(ajv.validate(schema, { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } })).toBe(false);
  });

  it("passes electron-builder's own configuration check, which refuses a misplaced option", async () => {
    const require = createRequire(import.meta.url);
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, debug: { isEnabled: boolean }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false })).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, nsis: { ...config.nsis, perUser: true } }, { isEnabled: false })).rejects.toThrow(/configuration\.nsis/);
  });

  it('sets the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('names the app and builds the installers each OS expects', () => {
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(config.productName).toBe('S3 Drop');
    expect(config.directories.buildResources).toBe('assets');
    expect(targets('mac').sort()).toEqual(['dmg', 'zip']);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.notarize).toBe(true);
    expect(existsSync(join(root, config.mac.entitlements))).toBe(true);
    expect(targets('win')).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true });
    expect(targets('linux').sort()).toEqual(['AppImage', 'deb']);
    expect(config.linux.desktop.entry.Categories).toContain('Network');
    expect(config.linux.desktop.entry.MimeType).toBeTruthy();
  });

  it('ships only the build output, with native modules outside asar', () => {
    expect(config.asar).toBe(true);
    const unpack = (config.asarUnpack as string[]).join(' ');
    expect(unpack).toContain('*.node');
    expect(unpack).toContain('@napi-rs/keyring');
    expect(unpack).toContain('@parcel/watcher');
    for (const pattern of config.files as string[]) expect(pattern, pattern).toMatch(/^(package\.json|out\/|!)/);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('out/main/index.cjs');
    expect((config.files as string[]).some((f) => pkg.main.startsWith(f.replace('/**', '')))).toBe(true);
  });

  it('publishes updates to GitHub releases, which electron-updater reads', () => {
    expect(config.publish.provider).toBe('github');
  });

  it('every icon and resource it names exists', () => {
    const res = (p: string) => join(root, config.directories.buildResources, p);
    expect(existsSync(res(config.mac.icon))).toBe(true);
    expect(existsSync(res(config.win.icon))).toBe(true);
    expect(existsSync(res(config.linux.icon))).toBe(true);
    for (const extra of config.extraResources as { from: string }[]) expect(existsSync(join(root, extra.from)), extra.from).toBe(true);
  });
});
