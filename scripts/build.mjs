// Builds every process: main and preload (esbuild, CommonJS for Electron; the preload is one file so the
// sandbox can load it), the CLI and browser-mode server (esbuild, ESM), and the renderer (Vite).
// `--cli-only` builds out/cli alone (the CLI tests' fallback while an unfinished renderer breaks the full build).
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'out');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const define = { __APP_VERSION__: JSON.stringify(pkg.version) };
const watch = process.argv.includes('--watch');
const cliOnly = process.argv.includes('--cli-only');

rmSync(cliOnly ? join(out, 'cli') : out, { recursive: true, force: true });

const common = { bundle: true, sourcemap: true, logLevel: 'warning', define, target: 'node22' };

/**
 * Node's ES-module view of a built-in reads every one of its exports, and node:http's include getters that load
 * Node's whole bundled fetch client (undici): about 80 ms of CPU at each start of a command that talks to S3. So an
 * `import` of http or https in the CLI's bundle becomes a require() of it (the CommonJS view reads nothing up front);
 * esbuild's interop hands out the same named exports.
 */
const builtinsAsCommonJs = {
  name: 'builtins-as-commonjs',
  setup(b) {
    b.onResolve({ filter: /^(node:)?https?$/ }, (args) =>
      args.kind === 'import-statement' || args.kind === 'dynamic-import' ? { path: args.path.replace(/^node:/, ''), namespace: 'cjs-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'cjs-builtin' }, (args) => ({ contents: `module.exports = require('node:${args.path}');`, loader: 'js' }));
  },
};

/**
 * The AWS SDK packages the engine loads at first use (src/main/services/lazy-sdk.ts, by `require`). In the CLI bundle
 * each is an entry of its own (`sdk-<name>.js`, an ES module: tree-shaken, its shared code in the common chunks) that
 * lazy-sdk.ts requires at run time (Node's require() of an ES module). Bundling the require() instead would wrap the
 * SDK and everything it shares with the code that always runs (the signer of lean-request.ts) in lazy CommonJS-style
 * initialisers, which run whole modules at once: about 50 ms more at every start than the SDK's own ES modules.
 */
const LAZY_SDK = ['@aws-sdk/client-s3', '@aws-sdk/credential-providers', '@aws-sdk/s3-request-presigner', '@aws-sdk/client-sso-oidc', '@smithy/node-http-handler'];
const lazySdkEntry = (pkg) => `sdk-${pkg.replace(/^@/, '').replace(/\//g, '-')}`;
const lazySdk = {
  name: 'lazy-sdk',
  setup(b) {
    b.onResolve({ filter: /^lazy-sdk-entry:/ }, (args) => ({ path: args.path.slice('lazy-sdk-entry:'.length), namespace: 'lazy-sdk-entry' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-sdk-entry' }, (args) => ({ contents: `export * from '${args.path}';`, resolveDir: root, loader: 'js' }));
    b.onResolve({ filter: /^@(aws-sdk|smithy)\// }, (args) =>
      args.kind === 'require-call' && LAZY_SDK.includes(args.path) && args.importer.endsWith(join('src/main/services/lazy-sdk.ts'))
        ? { path: `./${lazySdkEntry(args.path)}.js`, external: true }
        : undefined,
    );
  },
};

/**
 * zod's namespace object carries every locale of its own error messages (`z.locales`: 370 KB, most of the CLI's
 * biggest chunk, read and deserialized at every command that validates anything). The engine never shows zod's
 * messages (its errors are its own, src/shared/errors.ts), so only English, zod's default, is bundled.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir) ? { path: 'zod-locales', namespace: 'zod-english-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, () => ({ contents: `export { default as en } from 'zod/v4/locales/en.js';`, resolveDir: root, loader: 'js' }));
  },
};

/**
 * Node flags the `s3-drop` bin starts with (its shebang; `env -S` splits them). V8 sizes the young generation from
 * the machine's memory (128 MiB on a 24 GiB one), and a 100,000-file `sync --once` fills all of it with short-lived
 * garbage; 8 MiB semi-spaces bound it. Only a flag given at process start can (v8.setFlagsFromString is too late).
 * Anything that runs the CLI as `node out/cli/index.js` passes the same (bench/lib.mjs reads them from the shebang).
 */
const CLI_NODE_FLAGS = ['--max-semi-space-size=8'];

/** The CLI and browser-mode server: `s3-drop` starts from a small entry and loads each command's code when it runs. */
const cli = () =>
  esbuild({
    ...common,
    entryPoints: { index: 'src/cli/index.ts', ...Object.fromEntries(LAZY_SDK.map((pkg) => [lazySdkEntry(pkg), `lazy-sdk-entry:${pkg}`])) },
    outdir: join(out, 'cli'),
    platform: 'node',
    format: 'esm',
    // Each dynamic import() becomes a chunk of its own, so `s3-drop --help` loads only the entry.
    splitting: true,
    // The packages' ES-module builds first (esbuild's default for Node is their CommonJS `main`): only ES modules can
    // be tree-shaken, so a command no longer evaluates the whole CommonJS S3 client (every command's schema) at start.
    // A no-change `sync --once` of 2,000 files: 0.42 -> 0.35 s of CPU, 128 -> 117 MiB RSS (docs/benchmarks.md).
    mainFields: ['module', 'main'],
    // Packages are bundled too: a command reads a few chunks instead of resolving hundreds of files in node_modules.
    // Native add-ons cannot be bundled, and ws's optional speed-ups may be absent.
    external: ['@napi-rs/keyring', '@parcel/watcher', 'bufferutil', 'utf-8-validate'],
    plugins: [builtinsAsCommonJs, lazySdk, zodEnglishOnly],
    // The bundled CommonJS packages require() Node's built-ins, and an ES module has no require of its own.
    banner: { js: `#!/usr/bin/env -S node ${CLI_NODE_FLAGS.join(' ')}\nimport { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);` },
  });

if (cliOnly) {
  await cli();
  chmodSync(join(out, 'cli/index.js'), 0o755);
  console.log('built out/cli');
  process.exit(0);
}

await Promise.all([
  esbuild({
    ...common,
    entryPoints: { index: 'src/main/index.ts' },
    outdir: join(out, 'main'),
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    format: 'cjs',
    // Dependencies ship in node_modules (asar); native ones (keyring, watcher) cannot be bundled anyway.
    packages: 'external',
    external: ['electron'],
  }),
  esbuild({
    ...common,
    entryPoints: { index: 'src/preload/index.ts' },
    outdir: join(out, 'preload'),
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    format: 'cjs',
    // A sandboxed preload can require only 'electron' and a few built-ins: bundle everything else in.
    external: ['electron'],
  }),
  cli(),
  viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' }),
]);
chmodSync(join(out, 'cli/index.js'), 0o755);
if (!watch) console.log('built out/{main,preload,cli,renderer}');
