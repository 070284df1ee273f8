/** A sync pair's name pattern and data-file choices: what 'sync:add' and 'sync:update' carry, valid for the contract, and what the engine keeps. */
import { describe, expect, it } from 'vitest';
import { syncPairInputSchema } from '../../src/shared/contract';
import { layoutOf } from '../../src/main/services/sync/pair-layout';
import { layoutChoicesOf, layoutForAdd, layoutPatchOf, noSyncLayout, usesTable } from '../../src/renderer/features/sync/sync-layout';
import { contractBridge } from './contract-bridge';

const target = { profileId: 'aws:e2e', bucket: 'data', prefix: 'lake' };
const hive = { ...noSyncLayout, template: ' {table}/dt={yyyy}-{mm}-{dd}/{name} ', table: ' Vendas ', gzip: true };

describe('sync pair layout from the form', () => {
  it('adds a plain pair exactly as before, and a laid-out one with only what is set (trimmed)', async () => {
    expect(layoutForAdd(noSyncLayout)).toEqual({});
    expect(layoutForAdd(hive)).toEqual({ template: '{table}/dt={yyyy}-{mm}-{dd}/{name}', table: 'Vendas', gzip: true });
    // A table name without a pattern means nothing, so it is not sent.
    expect(layoutForAdd({ ...noSyncLayout, table: 'x', convertToUtf8: true })).toEqual({ convertToUtf8: true });
    const { api, seen } = contractBridge();
    const res = await api.invoke('sync:add', { folder: '/tmp/in', target, startPaused: true, ...layoutForAdd(hive) });
    expect(res.ok).toBe(true);
    expect(seen[0]!.payload).toMatchObject({ template: '{table}/dt={yyyy}-{mm}-{dd}/{name}', table: 'Vendas', gzip: true });
  });

  it('edits with every field, blanks included, so clearing the pattern reaches the engine, which then keeps none', async () => {
    const saved = syncPairInputSchema.parse({ folder: '/tmp/in', target, ...layoutForAdd(hive) });
    const form = layoutChoicesOf(saved);
    expect(form).toMatchObject({ template: '{table}/dt={yyyy}-{mm}-{dd}/{name}', table: 'Vendas', gzip: true, convertToUtf8: false });
    const cleared = layoutPatchOf({ ...form, template: '  ' });
    expect(cleared).toEqual({ template: '', table: '', gzip: true, convertToUtf8: false });
    const { api, seen } = contractBridge();
    expect((await api.invoke('sync:update', { id: 'p1', patch: cleared })).ok).toBe(true);
    // The patch crosses as JSON: the blank survives (an undefined would vanish and keep the old pattern).
    const patch = JSON.parse(JSON.stringify((seen[0]!.payload as { patch: object }).patch)) as object;
    expect(layoutOf({ ...saved, ...patch })).toEqual({ gzip: true });
    expect(layoutChoicesOf(syncPairInputSchema.parse({ folder: '/tmp/in', target }))).toEqual(noSyncLayout);
  });

  it('shows the table field only for a pattern with {table}', () => {
    expect(usesTable('{table}/{name}')).toBe(true);
    expect(usesTable('dt={yyyy}/{name}')).toBe(false);
  });
});
