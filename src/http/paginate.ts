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

interface TokenPage {
  collection?: unknown;
  pagination?: { next_page_token?: string | null } | null;
}

/**
 * Calendly's token pagination: `count` (≤ 100) and `page_token`; each response has `collection`
 * and `pagination.next_page_token` (null on the last page). Follows the tokens until there is
 * none. A token that repeats, or more than `maxPages` pages, throws rather than looping forever
 * or returning a partial listing as complete.
 */
export async function collectTokenPages<T>(
  client: VendorClient,
  path: string,
  query: Query = {},
  { pageSize = 100, maxPages = 10_000 } = {},
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let pageToken: string | undefined;
  for (let pages = 1; ; pages++) {
    const { body } = await client.getJson<TokenPage>(path, { ...query, count: pageSize, page_token: pageToken });
    if (!body || !Array.isArray(body.collection)) {
      throw new IncompleteListingError(`${client.vendor} ${path}: the response has no "collection" list`);
    }
    items.push(...(body.collection as T[]));
    const next = body.pagination?.next_page_token;
    if (next === undefined || next === null || next === '') return items;
    if (typeof next !== 'string') throw new IncompleteListingError(`${client.vendor} ${path}: next_page_token is not a string`);
    if (seen.has(next)) throw new IncompleteListingError(`${client.vendor} ${path}: the API sent the same next_page_token twice; the listing would never end`);
    if (pages >= maxPages) {
      throw new IncompleteListingError(`${client.vendor} ${path}: more than ${maxPages} pages; stopping so a partial listing is not taken as complete`);
    }
    seen.add(next);
    pageToken = next;
  }
}
