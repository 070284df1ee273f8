/**
 * V8 heap settings for the CLI's sync runs. V8 lets the old generation grow to a few times its live size before the
 * next full collection (fine for a short command, costly in a 100,000-file pass that keeps ~90 MiB live and makes
 * garbage all the way): a smaller growing factor collects sooner, for a little more GC time. Only the old generation
 * can be tuned from here; the young generation's size is fixed at process start (the bin's shebang bounds it).
 */
import { setFlagsFromString } from 'node:v8';

/** How much (in percent of the live heap) the old generation may grow before V8 collects it again. */
export const SYNC_HEAP_GROWING_PERCENT = 50;

/** Makes this process's old generation collect before it grows far past its live size; call before a sync pass. */
export function tuneHeapForSync(): void {
  setFlagsFromString(`--heap-growing-percent=${SYNC_HEAP_GROWING_PERCENT}`);
}
