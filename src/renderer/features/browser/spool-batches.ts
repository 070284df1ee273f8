/** Browser mode's enqueue batches for a drop (kept free of the DOM, so the node tests load it). */

/**
 * Cuts picked files into enqueue batches of about `size`, files with one relative key (two dropped folders of the same
 * name) always in one batch: the engine settles files that come to one key only within one enqueue, so a pair split
 * across two would both be sent and one silently replaced. First-seen order is kept otherwise.
 */
export function spoolBatches<T extends { relativeKey: string }>(picked: T[], size: number): T[][] {
  const groups = new Map<string, T[]>();
  for (const p of picked) {
    const group = groups.get(p.relativeKey);
    if (group) group.push(p);
    else groups.set(p.relativeKey, [p]);
  }
  const batches: T[][] = [];
  let batch: T[] = [];
  for (const group of groups.values()) {
    if (batch.length > 0 && batch.length + group.length > size) {
      batches.push(batch);
      batch = [];
    }
    batch.push(...group);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
