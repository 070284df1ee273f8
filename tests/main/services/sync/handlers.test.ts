import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../../src/main/services/dispatch';
import { createSyncHandlers } from '../../../../src/main/services/handlers/sync';
import type { SyncPairStatus } from '../../../../src/shared/contract';
import { rawClient, s3Info } from '../../../support/s3-test-client';
import { makeHarness, tempFolder, until, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('sync handlers', () => {
  it('add, pause, resume, update, preview and remove through the dispatcher; old trash expires; a damaged index is rebuilt with a notice', async () => {
    h = await makeHarness(s3Info());
    const hh = h;
    const dispatch = createDispatcher(createSyncHandlers(hh.core, hh.sync) as unknown as Handlers);
    const dir = tempFolder();
    writeFileSync(join(dir, 'a.txt'), 'a');
    // Trash from long ago, and from today: only the old one goes.
    const today = new Date().toISOString().slice(0, 10);
    for (const k of ['p/.s3drop-trash/2020-01-01/old.txt', `p/.s3drop-trash/${today}/recent.txt`]) await rawClient().send(new PutObjectCommand({ Bucket: hh.bucket, Key: k, Body: 'x' }));

    const bad = await dispatch('sync:add', { folder: join(dir, 'missing'), target: { profileId: 'test', bucket: hh.bucket, prefix: 'p' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'FOLDER_NOT_FOUND' } });
    const added = await dispatch('sync:add', { folder: dir, target: { profileId: 'test', bucket: hh.bucket, prefix: 'p' }, mode: 'mirror', brakeShare: 1, stableMs: 200, trashDays: 7 });
    expect(added.ok).toBe(true);
    const id = (added as { value: SyncPairStatus }).value.config.id;
    await until(async () => (await hh.keys()).includes('p/a.txt') && hh.sync.list()[0]!.state === 'up-to-date', 'first sync');
    expect(await hh.keys()).toEqual([`p/.s3drop-trash/${today}/recent.txt`, 'p/a.txt']);

    expect(await dispatch('sync:pause', { id })).toMatchObject({ ok: true });
    expect(hh.sync.list()[0]!.state).toBe('paused');
    writeFileSync(join(dir, 'while-paused.txt'), 'p');
    expect(await dispatch('sync:preview', { id })).toMatchObject({ ok: true, value: { upload: 1, delete: 0 } });
    expect(await hh.keys()).not.toContain('p/while-paused.txt');
    expect(await dispatch('sync:resume', { id })).toMatchObject({ ok: true });
    await until(async () => (await hh.keys()).includes('p/while-paused.txt'), 'resume catches up');

    const updated = await dispatch('sync:update', { id, patch: { ignore: ['*.log'] } });
    expect(updated).toMatchObject({ ok: true, value: { config: { ignore: ['*.log'], mode: 'mirror' } } });
    expect(await dispatch('sync:now', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'SYNC_PAIR_NOT_FOUND' } });

    // A damaged index: moved aside, rebuilt from a rescan and the listing, and the user is told; nothing re-uploaded.
    await hh.sync.pause(id);
    writeFileSync(join(hh.dataDir, 'sync', `${id}.sqlite`), Buffer.alloc(4096, 0x41));
    const notices: unknown[] = [];
    hh.core.events.on('app:notice', (n) => notices.push(n));
    const puts = hh.puts();
    await hh.sync.resume(id);
    await until(() => hh.sync.list()[0]!.state === 'up-to-date', 'rebuilt');
    expect(notices).toContainEqual(expect.objectContaining({ error: expect.objectContaining({ code: 'SYNC_INDEX_REBUILT' }) }));
    expect(hh.puts()).toBe(puts);

    const keys = await hh.keys();
    expect(await dispatch('sync:remove', { id })).toMatchObject({ ok: true });
    expect(await dispatch('sync:list', {})).toEqual({ ok: true, value: [] });
    expect(await hh.keys()).toEqual(keys);
  });

  it('a pair added with startPaused shows its preview and touches nothing until it is resumed', async () => {
    h = await makeHarness(s3Info());
    const hh = h;
    const dispatch = createDispatcher(createSyncHandlers(hh.core, hh.sync) as unknown as Handlers);
    const dir = tempFolder();
    writeFileSync(join(dir, 'one.txt'), '1');
    writeFileSync(join(dir, 'two.txt'), '22');
    const added = await dispatch('sync:add', { folder: dir, target: { profileId: 'test', bucket: hh.bucket, prefix: 'q' }, stableMs: 200, startPaused: true });
    expect(added).toMatchObject({ ok: true, value: { state: 'paused', preview: { upload: 2, uploadBytes: 3, delete: 0 } } });
    expect(await hh.keys()).toEqual([]);
    const id = (added as { value: SyncPairStatus }).value.config.id;
    expect(await dispatch('sync:resume', { id })).toMatchObject({ ok: true });
    await until(async () => (await hh.keys()).length === 2, 'first sync after the preview');
    expect(await hh.keys()).toEqual(['q/one.txt', 'q/two.txt']);
  });
});
