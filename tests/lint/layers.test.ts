/**
 * The layering rule in eslint.config.js fires: a small file at a path inside each layer, linted in memory with the
 * project's own config, gets a `layers/imports` error for each forbidden import and none for an allowed one.
 */
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The layer errors ESLint reports for `code` as if it were the file at `path`. */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, path) });
  return result!.messages.filter((m) => m.ruleId === 'layers/imports').map((m) => m.message);
}

// [the file, its import, what the error names]
const forbidden: [string, string, string][] = [
  ['src/shared/probe.ts', "import { createApi } from '../renderer/api';", 'src/renderer/api'],
  ['src/shared/contract/probe.ts', "import { createDispatcher } from '../../main/services/dispatch';", 'src/main/services/dispatch'],
  ['src/shared/probe.ts', "export * from '../cli/s3-url';", 'src/cli/s3-url'],
  ['src/main/services/probe.ts', "import { startServer } from '../../server/server';", 'src/server/server'],
  ['src/main/services/sync/probe.ts', "import { parseS3Url } from '../../../cli/s3-url';", 'src/cli/s3-url'],
  ['src/main/services/probe.ts', "import type { Api } from '../../renderer/api-types';", 'src/renderer/api-types'],
  ['src/main/services/probe.ts', "export const load = () => import('../window');", 'src/main/window'],
  ['src/main/probe.ts', "import { formatBytes } from '../renderer/format';", 'src/renderer/format'],
  ['src/preload/probe.ts', "import type { Api } from '../renderer/api-types';", 'src/renderer/api-types'],
  ['src/preload/probe.ts', "export type Format = typeof import('../renderer/format');", 'src/renderer/format'],
  ['src/renderer/probe.ts', "import { normalisePrefix } from '../main/services/s3/validate';", 'src/main/services/s3/validate'],
  ['src/renderer/features/sync/Probe.tsx', "import { isLoopbackHost } from '../../../server/security';", 'src/server/security'],
  ['src/renderer/probe.ts', "import { parseS3Url } from '../cli/s3-url';", 'src/cli/s3-url'],
  ['src/server/probe.ts', "import { parseS3Url } from '../cli/s3-url';", 'src/cli/s3-url'],
  ['src/server/probe.ts', "import { formatBytes } from '../renderer/format';", 'src/renderer/format'],
  ['src/cli/probe.ts', "import { formatBytes } from '../renderer/format';", 'src/renderer/format'],
  ['src/cli/commands/probe.ts', "import { Spool } from '../../server/spool';", 'src/server/spool'],
];

const allowed: [string, string][] = [
  ['src/shared/contract/probe.ts', "import { AppError } from '../errors';"],
  ['src/shared/probe.ts', "import { z } from 'zod';"],
  ['src/main/services/sync/probe.ts', "import { AppError } from '../../../shared/errors';\nimport { createDispatcher } from '../dispatch';"],
  ['src/main/probe.ts', "import { createDispatcher } from './services/dispatch';\nimport { AppError } from '../shared/errors';"],
  ['src/preload/probe.ts', "import type { Bridge } from '../shared/bridge';"],
  ['src/renderer/features/sync/Probe.tsx', "import type { SyncPreview } from '../../../shared/contract';\nimport { formatBytes } from '../../format';"],
  ['src/server/probe.ts', "import { createAppServices } from '../main/services/app-services';\nimport { WS_PATH } from '../shared/wire';"],
  ['src/cli/commands/probe.ts', "import { startServer } from '../../server/server';\nimport { createNodePlatform } from '../../server/node-platform';\nimport { createAppServices } from '../../main/services/app-services';"],
];

describe('the layers lint rule', () => {
  it.each(forbidden)('%s: %s is an error', async (path, code, target) => {
    const errors = await layerErrors(path, `${code}\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`may not import ${target}:`);
  });

  it.each(allowed)('%s: %s is allowed', async (path, code) => {
    expect(await layerErrors(path, `${code}\n`)).toEqual([]);
  });
});

describe('contract values in the engine and the CLI', () => {
  /** The errors of the rule that keeps the contract's index (every command's schema) out of the engine and the CLI. */
  async function contractErrors(path: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${code}\n`, { filePath: resolve(root, path) });
    return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
  }

  it('refuses a value from the index, and allows types from it and values from a domain file', async () => {
    expect(await contractErrors('src/main/services/sync/probe.ts', "import { syncPairInputSchema } from '../../../shared/contract';")).toHaveLength(1);
    expect(await contractErrors('src/cli/commands/probe.ts', "import { addProfileSchema } from '../../shared/contract';")).toHaveLength(1);
    expect(await contractErrors('src/main/services/sync/probe.ts', "import { syncPairInputSchema } from '../../../shared/contract/sync';\nimport type { SyncPreview } from '../../../shared/contract';")).toEqual([]);
    expect(await contractErrors('src/main/services/dispatch.ts', "import { commands } from '../../shared/contract';")).toEqual([]);
  });
});
