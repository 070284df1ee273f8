// electron-builder `beforePack` hook (electron-builder.yml): refuses to package an architecture whose native
// addons are not installed. @napi-rs/keyring and @parcel/watcher ship one optional package per OS and CPU, and
// npm installs only the running machine's; electron-builder packs the node_modules that exist and rebuilds
// nothing for prebuilt N-API binaries. Without this check, a mac or Windows installer for the other
// architecture is built without them and the app stops before it opens on that CPU.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** electron-builder's Arch enum (builder-util): ia32, x64, armv7l, arm64, universal. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** The native packages each supported platform and CPU needs. */
const NATIVE = {
  darwin: { x64: ['@napi-rs/keyring-darwin-x64', '@parcel/watcher-darwin-x64'], arm64: ['@napi-rs/keyring-darwin-arm64', '@parcel/watcher-darwin-arm64'] },
  win32: { x64: ['@napi-rs/keyring-win32-x64-msvc', '@parcel/watcher-win32-x64'], arm64: ['@napi-rs/keyring-win32-arm64-msvc', '@parcel/watcher-win32-arm64'] },
  linux: { x64: ['@napi-rs/keyring-linux-x64-gnu', '@parcel/watcher-linux-x64-glibc'], arm64: ['@napi-rs/keyring-linux-arm64-gnu', '@parcel/watcher-linux-arm64-glibc'] },
};

/** The packages an installer for `platform` (darwin, win32, linux) and `arch` (x64, arm64) must contain. */
export function nativePackagesFor(platform, arch) {
  const byArch = NATIVE[platform];
  if (!byArch) throw new Error(`S3 Drop has no installer for ${platform}.`);
  const list = byArch[arch];
  if (!list) throw new Error(`S3 Drop has no ${platform} ${arch} installer: its native addons are set up for ${Object.keys(byArch).join(' and ')}, one architecture per installer.`);
  return list;
}

/** Those of them that are not in `projectDir`'s node_modules, each with the version its parent package pins. */
export function missingNativePackages(projectDir, platform, arch) {
  const modules = join(projectDir, 'node_modules');
  return nativePackagesFor(platform, arch)
    .filter((name) => !existsSync(join(modules, name, 'package.json')))
    .map((name) => {
      const parent = name.startsWith('@napi-rs/') ? '@napi-rs/keyring' : '@parcel/watcher';
      let version;
      try {
        version = JSON.parse(readFileSync(join(modules, parent, 'package.json'), 'utf8')).optionalDependencies?.[name];
      } catch {
        // The parent is missing too: npm ci first; the message still names the package.
      }
      return version ? `${name}@${version}` : name;
    });
}

/** The message for a build that would ship without its native addons: what is missing and the two ways out. */
export function missingMessage(platform, arch, missing) {
  const os = platform === 'win32' ? 'win' : platform === 'darwin' ? 'mac' : 'linux';
  return [
    `Cannot build the ${platform} ${arch} installer: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed, so the app would stop at start on that architecture.`,
    `Either build it on a ${arch} machine (npm ci, then npm run dist -- --${os} --${arch}),`,
    `or add that architecture's binaries next to this machine's first: npm install --no-save --force ${missing.join(' ')}`,
  ].join('\n');
}

/** The hook: throws (and so stops electron-builder) when the target's native addons are missing. */
export default async function beforePack(context) {
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const projectDir = context.packager?.projectDir ?? process.cwd();
  const missing = missingNativePackages(projectDir, platform, arch);
  if (missing.length > 0) throw new Error(missingMessage(platform, arch, missing));
}
