import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CoreDeps } from '../../../../src/main/services/context';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { EventBus } from '../../../../src/main/services/events';
import { createLandingHandlers } from '../../../../src/main/services/handlers/landing';
import { LandingService } from '../../../../src/main/services/landing/landing-service';
import { silentLogger } from '../../../../src/main/services/log/logger';
import { SettingsService } from '../../../../src/main/services/settings/settings-service';

const fixtures = join(import.meta.dirname, '../../../fixtures/csv');
const fx = (name: string) => join(fixtures, name);
const tmp = mkdtempSync(join(tmpdir(), 's3drop-landing-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function deps(): CoreDeps {
  return {
    platform: {
      dataDir: tmp,
      logsDir: tmp,
      version: 'test',
      capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    },
    events: new EventBus(),
    logger: silentLogger,
    settings: SettingsService.inDataDir(tmp),
    env: {},
  };
}

/** The real dispatcher over the real landing handlers: schema parse, handler, Result. */
function dispatcher() {
  const core = deps();
  const landing = new LandingService(core, { now: () => new Date('2026-11-25T18:00:00Z') });
  return createDispatcher(createLandingHandlers(core, landing) as unknown as Handlers);
}

describe('landing commands through the dispatcher', () => {
  it('previews a key with the service clock', async () => {
    const dispatch = dispatcher();
    expect(await dispatch('landing:previewKey', { template: '{table}/dt={yyyy}-{mm}-{dd}/{name}', relativePath: 'Vendas.csv' })).toEqual({
      ok: true,
      value: 'vendas/dt=2026-11-25/Vendas.csv',
    });
    const bad = await dispatch('landing:previewKey', { template: '{when}/{name}', relativePath: 'a.csv' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'TEMPLATE_INVALID' } });
  });

  it('checks a CSV and returns the report', async () => {
    const result = await dispatcher()('landing:checkCsv', { path: fx('brazil-latin1.csv') });
    expect(result).toMatchObject({ ok: true, value: { encoding: 'windows-1252', delimiter: ';', rows: 4, columns: 7 } });
  });

  it('refuses a folder and a missing file with catalogue codes', async () => {
    const dispatch = dispatcher();
    expect(await dispatch('landing:checkCsv', { path: tmp })).toMatchObject({ ok: false, error: { code: 'NOT_A_FILE' } });
    expect(await dispatch('landing:athenaDdl', { path: join(tmp, 'x.csv'), bucket: 'b' })).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
  });

  it('returns the same SQL as the golden file', async () => {
    const result = await dispatcher()('landing:athenaDdl', { path: fx('quoted.csv'), bucket: 'lake', prefix: 'raw/products/' });
    expect(result).toEqual({ ok: true, value: readFileSync(fx('quoted.sql'), 'utf8') });
  });
});
