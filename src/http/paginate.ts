import type { Query, VendorClient } from './client.js';

/** The platform has more items than its pagination can reach; the audit would be incomplete. */
export class IncompleteListingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteListingError';
  }
}

interface OffsetPage {
  limit?: number;
  offset?: number;
  more?: boolean;
}

/**
 * PagerDuty's classic pagination: `limit` (≤ 100), `offset`, `more`. The API refuses
 * `offset + limit > 10000`; rather than silently stopping there, this throws so the caller can
 * narrow the listing (filters) or fail the audit: a partial listing is never returned as complete.
 */
export async function collectOffsetPages<T>(
  client: VendorClient,
  path: string,
  collection: string,
  query: Query = {},
  { pageSize = 100, maxOffset = 10_000 } = {},
): Promise<T[]> {
  const items: T[] = [];
  let offset = 0;
  for (;;) {
    const { body } = await client.getJson<OffsetPage & Record<string, unknown>>(path, { ...query, limit: pageSize, offset });
    const page = body[collection];
    if (!Array.isArray(page)) {
      throw new IncompleteListingError(`${client.vendor} ${path}: the response has no "${collection}" list`);
    }
    items.push(...(page as T[]));
    if (!body.more) return items;
    const used = typeof body.limit === 'number' && body.limit > 0 ? body.limit : pageSize;
    if (page.length === 0) throw new IncompleteListingError(`${client.vendor} ${path}: says more items follow offset ${offset} but sent none`);
    offset += used;
    if (offset + used > maxOffset) {
      throw new IncompleteListingError(
        `${client.vendor} ${path}: more than ${maxOffset} items; the API cannot page past offset ${maxOffset}, so the listing would be incomplete`,
      );
    }
  }
}
