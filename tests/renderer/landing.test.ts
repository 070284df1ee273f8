/** The landing-zone choices: which files get checked, and how the choices reach 'transfers:enqueue' as contract-valid options. */
import { describe, expect, it } from 'vitest';
import { commands, type CommandName } from '../../src/shared/contract';
import type { Result } from '../../src/shared/result';
import type { Api } from '../../src/renderer/api-types';
import type { Bridge } from '../../src/renderer/bridge';
import { hasLandingChoices, isDataFile, noLandingChoices, uploadOptionsOf, withUploadOptions } from '../../src/renderer/features/landing/landing-options';
import { createStore } from '../../src/renderer/state/store';

/** A bridge that parses every payload with the contract's own schema, as the engine's dispatcher does, and keeps what it got. */
function contractBridge() {
  const seen: { name: string; payload: unknown }[] = [];
  const bridge: Bridge = {
    capabilities: { transport: 'browser', nativeDialogs: false, dropGivesPaths: false, desktopIntegration: false },
    invoke: async (name, payload): Promise<Result<unknown>> => {
      const parsed = commands[name as CommandName].input.safeParse(payload);
      if (!parsed.success) return { ok: false, error: { code: 'INVALID_INPUT', message: parsed.error.message } };
      seen.push({ name, payload: parsed.data });
      return { ok: true, value: [] };
    },
    on: () => () => undefined,
  };
  // The same shape createApi builds (api.ts itself needs the DOM library, which tests compile without).
  const api: Api = { bridge, invoke: (name, input) => bridge.invoke(name, input) as never, on: (name, listener) => bridge.on(name, listener as (p: unknown) => void) };
  return { api, seen };
}

describe('data files', () => {
  it('are .csv, .tsv and .txt in any case, and nothing else', () => {
    expect(['a.csv', 'b.TSV', 'dir/c.Txt', 'vendas 2026.csv'].every(isDataFile)).toBe(true);
    expect(['a.csv.gz', 'b.xlsx', 'csv', 'notes.txt.bak', 'photo.png'].some(isDataFile)).toBe(false);
  });
});

describe('upload options from the choices', () => {
  it('are absent when nothing is chosen, so ordinary uploads send the same payload as before', () => {
    expect(hasLandingChoices(noLandingChoices)).toBe(false);
    expect(uploadOptionsOf(noLandingChoices)).toBeUndefined();
    expect(uploadOptionsOf({ ...noLandingChoices, template: '   ' })).toBeUndefined();
  });

  it('carry the trimmed pattern and only the ticked boxes', () => {
    expect(uploadOptionsOf({ template: ' {table}/dt={yyyy}-{mm}-{dd}/{name} ', gzip: true, convertToUtf8: false })).toEqual({ template: '{table}/dt={yyyy}-{mm}-{dd}/{name}', gzip: true });
    expect(uploadOptionsOf({ template: '', gzip: false, convertToUtf8: true })).toEqual({ convertToUtf8: true });
  });

  it('are added to transfers:enqueue (valid for the contract) and to nothing else', async () => {
    const { api, seen } = contractBridge();
    const store = createStore(api);
    const wrapped = withUploadOptions(store, { template: '{name}', gzip: true, convertToUtf8: true });
    const target = { profileId: 'aws:e2e', bucket: 'data', prefix: 'in/' };
    const res = await wrapped.api.invoke('transfers:enqueue', { items: [{ path: '/tmp/x.csv', relativeKey: 'x.csv' }], target, options: { existing: 'overwrite' } });
    expect(res.ok).toBe(true);
    await wrapped.api.invoke('transfers:list', {});
    expect(seen[0]!.name).toBe('transfers:enqueue');
    expect((seen[0]!.payload as { options: unknown }).options).toEqual({ existing: 'overwrite', template: '{name}', gzip: true, convertToUtf8: true });
    expect(seen[1]).toEqual({ name: 'transfers:list', payload: expect.not.objectContaining({ options: expect.anything() }) });
    // The wrapped store is the same store: toasts land in the one state the UI reads.
    wrapped.toast({ level: 'info', key: 'drop.queued', params: { count: 1 } });
    expect(store.getState().toasts).toHaveLength(1);
  });

  it('leave the store untouched when there are none', () => {
    const { api } = contractBridge();
    const store = createStore(api);
    expect(withUploadOptions(store, undefined)).toBe(store);
  });
});
