/**
 * Bundles the entry of a test's child process (a real engine in a process of its own) into one ES module, packages
 * left to node_modules. With a `require`, as the CLI's bundle has: the engine loads the AWS SDK at its first use with
 * require() (src/main/services/lazy-sdk.ts), which an ES module has no other way to call.
 */
import { build } from 'esbuild';

/** Writes `outfile` from `entry`. */
export async function bundleChild(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
}
