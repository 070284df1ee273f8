// Builds every process: main and preload (esbuild, CommonJS for Electron; the preload is one file so the
// sandbox can load it), the CLI and browser-mode server (esbuild, ESM), and the renderer (Vite).
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'out');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const define = { __APP_VERSION__: JSON.stringify(pkg.version) };
const watch = process.argv.includes('--watch');

rmSync(out, { recursive: true, force: true });

const common = { bundle: true, sourcemap: true, logLevel: 'warning', define, target: 'node22' };

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
  esbuild({
    ...common,
    entryPoints: { index: 'src/cli/index.ts' },
    outdir: join(out, 'cli'),
    platform: 'node',
    format: 'esm',
    packages: 'external',
    banner: { js: '#!/usr/bin/env node' },
  }),
  viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' }),
]);
chmodSync(join(out, 'cli/index.js'), 0o755);
if (!watch) console.log('built out/{main,preload,cli,renderer}');
