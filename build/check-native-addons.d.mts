/** Types of check-native-addons.mjs, for its test. */
/** The native packages an installer for `platform` and `arch` must contain. */
export function nativePackagesFor(platform: string, arch: string): string[];
/** Those of them missing from `projectDir`'s node_modules, with their pinned versions where known. */
export function missingNativePackages(projectDir: string, platform: string, arch: string): string[];
/** The message for a build that would ship without its native addons. */
export function missingMessage(platform: string, arch: string, missing: string[]): string;
/** electron-builder's beforePack hook. */
export default function beforePack(context: { electronPlatformName: string; arch: number; packager?: { projectDir: string } }): Promise<void>;
