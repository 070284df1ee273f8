/**
 * Dragging a finished download out of the window onto the desktop or a folder (Electron's `webContents.startDrag`).
 * The page names a transfer, never a path: only a download the engine finished, whose file is still there, can be
 * dragged, so a compromised page cannot hand the OS an arbitrary file of ours.
 */
import { existsSync } from 'node:fs';
import { DRAG_OUT_CHANNEL } from '../shared/bridge';
import type { TransferSnapshot, TransferState } from '../shared/contract';
import type { IpcEventLike } from './ipc';

/** The parts of `ipcMain` drag-out uses (`on`, not `handle`: startDrag must run while the drag starts). */
export interface DragIpcLike {
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
}

/** What drag-out reads of the transfer service. */
export interface DragTransfers {
  get(id: string): Pick<TransferSnapshot, 'direction' | 'state'> | undefined;
  sources(): { id: string; state: TransferState; localPath: string }[];
}

/** The local file of a finished download, or undefined when `id` names anything else. */
export function draggableFile(transfers: DragTransfers, id: unknown): string | undefined {
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) return undefined;
  const snap = transfers.get(id);
  if (!snap || snap.direction !== 'download' || snap.state !== 'done') return undefined;
  const path = transfers.sources().find((s) => s.id === id)?.localPath;
  // Moved or deleted since: a drag of nothing would fail in the OS with no word to the person.
  return path && existsSync(path) ? path : undefined;
}

/** Listens for drag starts from our page; returns the function that stops listening. */
export function bindDragOut(ipc: DragIpcLike, transfers: DragTransfers, isTrustedSender: (event: IpcEventLike) => boolean, icon: string): () => void {
  const listener = (event: IpcEventLike, id: unknown) => {
    if (!isTrustedSender(event)) return;
    const file = draggableFile(transfers, id);
    if (!file) return;
    (event.sender as { startDrag(item: { file: string; icon: string }): void }).startDrag({ file, icon });
  };
  ipc.on(DRAG_OUT_CHANNEL, listener);
  return () => void ipc.removeListener(DRAG_OUT_CHANNEL, listener);
}
