/**
 * Turns a drop or a picker selection into upload items. Electron gives local paths (the engine
 * walks folders itself); browser mode walks dropped folders with webkitGetAsEntry and keeps each
 * file's path inside the dropped folder as its relative key, so the structure survives in S3.
 */
import type { LeftOut, Target } from '../../../shared/contract';
import type { Bridge } from '../../../shared/bridge';
import { isSystemJunk } from '../../../shared/junk-files';
import type { Commands } from '../../state/use-command';
import { spoolBatches } from './spool-batches';

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

/** What a drop put on the upload list, and what its folders left out. */
export interface DropOutcome {
  queued: number;
  leftOut: LeftOut;
}

/**
 * Leaves out the OS's junk files found inside dropped folders, as the engine does for the folders it walks, so they
 * are never spooled; a file dropped on its own always goes. Returns the files to send and how many were left out.
 */
export function withoutJunk(picked: PickedFile[], includeJunk: boolean): { kept: PickedFile[]; junk: number } {
  if (includeJunk) return { kept: picked, junk: 0 };
  const kept = picked.filter((p) => !(p.relativeKey.includes('/') && isSystemJunk(p.relativeKey)));
  return { kept, junk: picked.length - kept.length };
}

/** Adds what one enqueue left out to the drop's running total. */
function addLeftOut(total: LeftOut, more: LeftOut | undefined): void {
  if (!more) return;
  total.systemFiles += more.systemFiles;
  total.problems.push(...more.problems);
}

const SPOOL_BATCH = 50;
const SPOOL_PARALLEL = 3;

/**
 * Uploads picked files. Electron: paths go straight to the queue. Browser: each file is spooled to the
 * local server first, then its spooled path is queued with its relative key, in batches so a big
 * folder starts uploading before the last file is spooled. Junk files inside folders stay out unless
 * `includeJunk` (the `uploadJunkFiles` setting). Refusals go where `commands` reports them.
 */
export async function enqueuePicked(
  commands: Pick<Commands, 'run' | 'report'>,
  bridge: Bridge<File>,
  target: Target,
  all: PickedFile[],
  onProgress?: (done: number, total: number) => void,
  includeJunk = false,
): Promise<DropOutcome> {
  const { kept: picked, junk } = withoutJunk(all, includeJunk);
  const outcome: DropOutcome = { queued: 0, leftOut: { systemFiles: junk, problems: [] } };
  if (picked.length === 0) return outcome;
  if (bridge.capabilities.dropGivesPaths && bridge.getPathForFile) {
    const items = picked.map((p) => ({ path: bridge.getPathForFile!(p.file), relativeKey: p.relativeKey }));
    const res = await commands.run('transfers:enqueue', { items, target });
    if (res.ok) {
      outcome.queued = res.value.ids.length;
      addLeftOut(outcome.leftOut, res.value.leftOut);
    }
    return outcome;
  }
  if (!bridge.spoolFile) {
    commands.report({ code: 'NOT_SUPPORTED', message: '', params: { what: 'spool' } });
    return outcome;
  }
  let done = 0;
  for (const batch of spoolBatches(picked, SPOOL_BATCH)) {
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
      return outcome;
    }
    const res = await commands.run('transfers:enqueue', { items, target });
    if (!res.ok) return outcome;
    outcome.queued += res.value.ids.length;
    addLeftOut(outcome.leftOut, res.value.leftOut);
  }
  return outcome;
}

/** Uploads local paths from a native picker or an Electron drop; the engine walks folders and leaves out their junk. */
export async function enqueuePaths(commands: Pick<Commands, 'run'>, target: Target, paths: string[]): Promise<DropOutcome> {
  const outcome: DropOutcome = { queued: 0, leftOut: { systemFiles: 0, problems: [] } };
  if (paths.length === 0) return outcome;
  const res = await commands.run('transfers:enqueue', { items: paths.map((path) => ({ path })), target });
  if (res.ok) {
    outcome.queued = res.value.ids.length;
    addLeftOut(outcome.leftOut, res.value.leftOut);
  }
  return outcome;
}

/** The attribute that makes an element (a folder row in the listing) take drops into its own folder. */
export const DROP_PREFIX_ATTR = 'data-drop-prefix';

/**
 * Props that make an element take drops into the folder `prefix` ("photos/2026/"): spread them on a folder row. The
 * main screen's window-wide drop handler finds the row under the pointer, names its folder in the overlay, marks the
 * row with `data-drop-over` while files hover it (style it in CSS), and uploads there.
 */
export function folderDropProps(prefix: string): Record<typeof DROP_PREFIX_ATTR, string> {
  return { [DROP_PREFIX_ATTR]: prefix };
}

/** The element carrying folderDropProps nearest to where a drag event happened, if any. */
export function folderDropElement(at: EventTarget | null): Element | null {
  return at instanceof Element ? at.closest(`[${DROP_PREFIX_ATTR}]`) : null;
}

/** Where a drop that happened over `at` goes: the folder of the row under it, else `current`. */
export function dropTargetFor(at: EventTarget | null, current: Target): Target {
  const prefix = folderDropElement(at)?.getAttribute(DROP_PREFIX_ATTR);
  return prefix ? { ...current, prefix } : current;
}

/** Bucket and folder as one path ("family-photos/Trip to Lisbon/"): the words every sentence about a drop's destination uses. */
export function destinationOf(target: Target): string {
  return `${target.bucket}/${target.prefix}`;
}

/** Whether a drag carries files (not text or a link dragged inside the page). */
export function dragHasFiles(dt: DataTransfer | null): boolean {
  return !!dt && Array.from(dt.types ?? []).includes('Files');
}
