/** Bounded parallelism for the engine's many small S3 calls (HEADs, listings of sub-prefixes, deletes). */

/** Runs `fn` over items with at most `limit` at once; rejects with the first failure (calls already started still finish). */
export async function eachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
