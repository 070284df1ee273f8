// Lint rules that hold the architecture in place: layers never import upward, the engine never
// touches electron, and raw IPC lives only in the two typed wrappers.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
    files: ['src/shared/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron, { name: 'react-dom', message: 'No DOM in shared.' }], patterns: nodePatterns }] },
  },
  {
    files: ['src/main/services/**/*.ts', 'src/cli/**/*.ts', 'src/server/**/*.ts', 'tests/**/*.ts', 'bench/**/*.{ts,mjs}'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  {
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    ignores: ['src/main/services/**', 'src/main/ipc.ts', 'src/preload/index.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noRawIpc] }] },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: [noElectron], patterns: nodePatterns }],
    },
  },
);
