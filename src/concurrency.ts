/**
 * `work` on every item, at most `limit` at a time; results in the items' order. After a failure
 * no new item starts, and the failure is thrown once the items in flight have ended.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await settledAll(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Promise.all that settles only once every promise has: a failure is thrown after the other
 * requests have ended, so nothing is still running behind a step that failed.
 */
export async function settledAll<T extends readonly unknown[] | []>(
  values: T,
): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
  const settled: PromiseSettledResult<unknown>[] = await Promise.allSettled(values as readonly unknown[]);
  for (const result of settled) if (result.status === 'rejected') throw result.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as {
    -readonly [P in keyof T]: Awaited<T[P]>;
  };
}
