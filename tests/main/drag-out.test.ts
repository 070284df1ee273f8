/** Drag-out (src/main/drag-out.ts): only a finished download whose file exists is handed to startDrag. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TransferState } from '../../src/shared/contract';
import { bindDragOut, draggableFile, type DragTransfers } from '../../src/main/drag-out';
import type { IpcEventLike } from '../../src/main/ipc';

const dir = mkdtempSync(join(tmpdir(), 's3drop-drag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'report.pdf');
writeFileSync(file, 'pdf');

type Row = { id: string; direction: 'upload' | 'download'; state: TransferState; localPath: string };
const rows: Row[] = [
  { id: 'down-done', direction: 'download', state: 'done', localPath: file },
  { id: 'down-running', direction: 'download', state: 'running', localPath: file },
  { id: 'up-done', direction: 'upload', state: 'done', localPath: file },
  { id: 'down-gone', direction: 'download', state: 'done', localPath: join(dir, 'moved-away.pdf') },
];
const transfers: DragTransfers = {
  get: (id) => rows.find((r) => r.id === id),
  sources: () => rows.map(({ id, state, localPath }) => ({ id, state, localPath })),
};

describe('drag-out', () => {
  it('offers the file of a finished download, and nothing for anything else', () => {
    expect(draggableFile(transfers, 'down-done')).toBe(file);
    for (const id of ['down-running', 'up-done', 'down-gone', 'nope', '', 42, null, '/etc/passwd', 'x'.repeat(500)]) expect(draggableFile(transfers, id)).toBeUndefined();
  });

  it('starts the drag for our page only, with the file and the icon', () => {
    const listeners = new Map<string, (event: IpcEventLike, ...args: unknown[]) => void>();
    const ipc = { on: (ch: string, fn: (event: IpcEventLike, ...args: unknown[]) => void) => listeners.set(ch, fn), removeListener: (ch: string) => listeners.delete(ch) };
    const drags: unknown[] = [];
    const ours = { startDrag: (item: unknown) => drags.push(item) };
    const stranger = { startDrag: (item: unknown) => drags.push(['stranger', item]) };
    const stop = bindDragOut(ipc, transfers, (e) => e.sender === ours, '/icons/drag.png');
    const send = (sender: unknown, id: unknown) => listeners.get('app:dragOut')!({ sender, senderFrame: { url: 'app://s3drop/', parent: null } }, id);
    send(ours, 'down-done');
    send(ours, 'up-done');
    send(stranger, 'down-done');
    expect(drags).toEqual([{ file, icon: '/icons/drag.png' }]);
    stop();
    expect(listeners.size).toBe(0);
  });
});
