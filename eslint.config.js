// Lint rules that hold the architecture in place: each layer imports only the layers below it (docs/architecture.md),
// the engine never touches electron, and raw IPC lives only in the two typed wrappers.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { dirname, relative, resolve, sep } from 'node:path';
import tseslint from 'typescript-eslint';

/**
 * The layers, as VS Code's layering rule has them: each folder and what it may import besides itself. A file belongs
 * to the longest folder it is in. An entry may name one module (no extension) to open only that module of a layer.
 */
const layers = {
  'src/shared': { allow: [], why: 'src/shared imports nothing of ours: it is the contract every other layer builds on' },
  'src/main/services': { allow: ['src/shared'], why: 'the engine imports only itself and src/shared, so Electron, the server and the CLI can all run it' },
  'src/main': { allow: ['src/main/services', 'src/shared'], why: 'the Electron shell imports the engine and src/shared, never the renderer, preload, server or CLI' },
  'src/preload': { allow: ['src/shared'], why: 'the preload imports only src/shared (the Bridge type lives there), never the renderer' },
  'src/renderer': { allow: ['src/shared'], why: 'the renderer reaches the engine only through the contract: it imports src/shared, nothing from main, preload, server or CLI' },
  'src/server': { allow: ['src/main/services', 'src/shared'], why: 'the server imports the engine and src/shared, never the renderer or the CLI' },
  // `s3-drop serve` starts the server and checks its host the server's way; every command runs on its Node host.
  'src/cli': {
    allow: ['src/main/services', 'src/shared', 'src/server/server', 'src/server/security', 'src/server/node-platform'],
    why: "the CLI imports the engine, src/shared and the server's entry points (server, security, node-platform), never the renderer or the server's internals",
  },
};

const root = import.meta.dirname;
const within = (path, folder) => path === folder || path.startsWith(folder + '/');
const layerOf = (path) => Object.keys(layers).filter((l) => within(path, l)).sort((a, b) => b.length - a.length)[0];

/** `layers/imports`: a relative import must stay in its layer or reach one the layer may use. */
const layersPlugin = {
  rules: {
    imports: {
      meta: { type: 'problem', docs: { description: 'Each layer imports only the layers it may use.' }, schema: [], messages: { upward: '{{file}} may not import {{target}}: {{why}}.' } },
      create(context) {
        const file = relative(root, context.filename).split(sep).join('/');
        const layer = layerOf(file);
        if (!layer) return {};
        const check = (node) => {
          const spec = node?.value;
          // Packages are the other rules' business; only our own files belong to a layer.
          if (typeof spec !== 'string' || !spec.startsWith('.')) return;
          const target = relative(root, resolve(dirname(context.filename), spec)).split(sep).join('/').replace(/\.(tsx?|m?js|json)$/, '');
          if (layerOf(target) === layer || layers[layer].allow.some((a) => within(target, a))) return;
          context.report({ node, messageId: 'upward', data: { file, target, why: layers[layer].why } });
        };
        return {
          ImportDeclaration: (n) => check(n.source),
          ExportAllDeclaration: (n) => check(n.source),
          ExportNamedDeclaration: (n) => check(n.source),
          ImportExpression: (n) => check(n.source),
          TSImportType: (n) => check(n.source ?? n.argument?.literal),
        };
      },
    },
  },
};

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'stream', 'url', 'util', 'events', 'zlib', 'worker_threads'];
const nodePatterns = [{ group: ['node:*'], message: 'This layer must stay platform-free.' }, ...nodeBuiltins.map((n) => ({ group: [n, `${n}/*`], message: 'This layer must stay platform-free.' }))];
const noElectron = { name: 'electron', message: 'Only src/main (outside services/) and src/preload may import electron.' };
const noRawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Raw IPC lives only in src/main/ipc.ts and src/preload/index.ts; use the typed wrappers.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'tests/support/*.cjs', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/imports': 'error' },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron, { name: 'react-dom', message: 'No DOM in shared.' }], patterns: nodePatterns }] },
  },
  {
    files: ['src/main/services/**/*.ts', 'src/cli/**/*.ts', 'src/server/**/*.ts', 'tests/**/*.ts', 'bench/**/*.{ts,mjs}'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    // The contract's index gathers every command's schema (`commands`), and building them all is a tenth of a
    // no-change `s3-drop sync --once`. So in the engine and the CLI a value (a schema) comes from its domain's file,
    // and only the dispatcher, where commands arrive by name, loads the index; types may come from anywhere.
    files: ['src/main/services/**/*.ts', 'src/cli/**/*.ts'],
    ignores: ['src/main/services/dispatch.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)shared/contract$', allowTypeImports: true, message: "Import values from the domain's file (shared/contract/sync, …): the index builds every command's schema." }] },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    ignores: ['src/main/services/**', 'src/main/ipc.ts', 'src/preload/index.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noRawIpc] }] },
  },
  {
    // The render bench page is renderer code too: the browser, React's rules and no Node.
    files: ['src/renderer/**/*.{ts,tsx}', 'bench/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: nodePatterns }],
    },
  },
);
