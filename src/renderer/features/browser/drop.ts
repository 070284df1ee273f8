/**
 * Turns a drop or a picker selection into upload items. Electron gives local paths (the engine
 * walks folders itself); browser mode walks dropped folders with webkitGetAsEntry and keeps each
 * file's path inside the dropped folder as its relative key, so the structure survives in S3.
 */
import type { Target } from '../../../shared/contract';
import type { Bridge } from '../../../shared/bridge';
import type { Commands } from '../../state/use-command';

/** A File with the key it should get below the target prefix. */
export interface PickedFile {
  file: File;
  relativeKey: string;
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns at most ~100 entries per call; keep reading until it returns none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, relativeKey: entry.fullPath.replace(/^\/+/, '') });
  } else if (entry.isDirectory) {
    const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
    for (const child of children) await walk(child, out);
  }
}

/** Every file in a DataTransfer, folders walked, with relative keys that keep the folder's name. */
export async function filesFromDataTransfer(dt: DataTransfer): Promise<PickedFile[]> {
  // Entries must be taken synchronously, before the first await: the DataTransfer empties afterwards.
  const items = Array.from(dt.items ?? []).filter((i) => i.kind === 'file');
  const entries = items.map((i) => ({ entry: i.webkitGetAsEntry?.() ?? null, file: i.getAsFile() }));
  const out: PickedFile[] = [];
  if (entries.length === 0) {
    for (const file of Array.from(dt.files)) out.push({ file, relativeKey: file.webkitRelativePath || file.name });
    return out;
  }
  for (const { entry, file } of entries) {
    if (entry) await walk(entry, out);
    else if (file) out.push({ file, relativeKey: file.webkitRelativePath || file.name });
  }
  return out;
}

/** The files of an <input type=file> (webkitdirectory inputs carry the folder path in webkitRelativePath). */
export function filesFromInput(list: FileList): PickedFile[] {
  return Array.from(list).map((file) => ({ file, relativeKey: file.webkitRelativePath || file.name }));
}

/** Top-level dropped Files, for Electron where each gives a path (a folder's path uploads the folder). */
export function topLevelFiles(dt: DataTransfer): File[] {
  return Array.from(dt.files);
}

const SPOOL_BATCH = 50;
const SPOOL_PARALLEL = 3;

/**
 * Uploads picked files. Electron: paths go straight to the queue. Browser: each file is spooled to the
 * local server first, then its spooled path is queued with its relative key, in batches so a big
 * folder starts uploading before the last file is spooled. Refusals go where `commands` reports them.
 */
export async function enqueuePicked(commands: Pick<Commands, 'run' | 'report'>, bridge: Bridge<File>, target: Target, picked: PickedFile[], onProgress?: (done: number, total: number) => void): Promise<number> {
  let queued = 0;
  if (bridge.capabilities.dropGivesPaths && bridge.getPathForFile) {
    const items = picked.map((p) => ({ path: bridge.getPathForFile!(p.file), relativeKey: p.relativeKey }));
    const res = await commands.run('transfers:enqueue', { items, target });
    return res.ok ? items.length : 0;
  }
  if (!bridge.spoolFile) {
    commands.report({ code: 'NOT_SUPPORTED', message: '', params: { what: 'spool' } });
    return 0;
  }
  let done = 0;
  for (let start = 0; start < picked.length; start += SPOOL_BATCH) {
    const batch = picked.slice(start, start + SPOOL_BATCH);
    const items: { path: string; relativeKey: string }[] = new Array(batch.length);
    let cursor = 0;
    const worker = async () => {
      while (cursor < batch.length) {
        const i = cursor++;
        const p = batch[i]!;
        items[i] = { path: await bridge.spoolFile!(p.file), relativeKey: p.relativeKey };
        onProgress?.(++done, picked.length);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(SPOOL_PARALLEL, batch.length) }, worker));
    } catch (err) {
      commands.report({ code: 'NETWORK', message: '', details: String(err) });
      return queued;
    }
    const res = await commands.run('transfers:enqueue', { items, target });
    if (!res.ok) return queued;
    queued += items.length;
  }
  return queued;
}

/** Uploads local paths from a native picker (Electron). */
export async function enqueuePaths(commands: Pick<Commands, 'run'>, target: Target, paths: string[]): Promise<number> {
  if (paths.length === 0) return 0;
  const res = await commands.run('transfers:enqueue', { items: paths.map((path) => ({ path })), target });
  return res.ok ? paths.length : 0;
}
