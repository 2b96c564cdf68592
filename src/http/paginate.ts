import type { Query, VendorClient } from './client.js';
import { aboutPages } from './wait-report.js';

/**
 * Keeps only `keys` of a listed item (those it has): a 50,000-user listing then holds what the
 * audit reads, not every field the API sends. For `project` of the collectors below.
 */
export function pick<T>(keys: readonly (keyof T & string)[]): (item: unknown) => T {
  return (item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item as T;
    const source = item as Record<string, unknown>;
    const picked: Record<string, unknown> = {};
    for (const key of keys) if (key in source) picked[key] = source[key];
    return picked as T;
  };
}

/** The platform has more items than its pagination can reach; the audit would be incomplete. */
export class IncompleteListingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteListingError';
  }
}

/** What every collector takes: page size, what to keep of each item, and how many items to expect. */
interface ListingOptions<T> {
  pageSize?: number;
  project?: (item: unknown) => T;
  /** About how many items the listing holds, when the caller knows (for the progress said during long waits). */
  aboutItems?: number;
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
  { pageSize = 100, maxOffset = 10_000, project, aboutItems }: ListingOptions<T> & { maxOffset?: number } = {},
): Promise<T[]> {
  const items: T[] = [];
  let offset = 0;
  for (let page = 1; ; page++) {
    const progress = { page, aboutPages: aboutPages(aboutItems, pageSize) };
    const { body } = await client.getJson<OffsetPage & Record<string, unknown>>(
      path,
      { ...query, limit: pageSize, offset },
      progress,
    );
    const listed = body[collection];
    if (!Array.isArray(listed)) {
      throw new IncompleteListingError(`${client.vendor} ${path}: the response has no "${collection}" list`);
    }
    items.push(...(project ? listed.map(project) : (listed as T[])));
    if (!body.more) return items;
    const used = typeof body.limit === 'number' && body.limit > 0 ? body.limit : pageSize;
    if (listed.length === 0)
      throw new IncompleteListingError(
        `${client.vendor} ${path}: says more items follow offset ${offset} but sent none`,
      );
    offset += used;
    if (offset + used > maxOffset) {
      throw new IncompleteListingError(
        `${client.vendor} ${path}: more than ${maxOffset} items; ` +
          `the API cannot page past offset ${maxOffset}, so the listing would be incomplete`,
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
  { pageSize = 100, maxPages = 10_000, project, aboutItems }: ListingOptions<T> & { maxPages?: number } = {},
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let pageToken: string | undefined;
  for (let pages = 1; ; pages++) {
    const { body } = await client.getJson<TokenPage>(
      path,
      { ...query, count: pageSize, page_token: pageToken },
      { page: pages, aboutPages: aboutPages(aboutItems, pageSize) },
    );
    if (!body || !Array.isArray(body.collection)) {
      throw new IncompleteListingError(`${client.vendor} ${path}: the response has no "collection" list`);
    }
    items.push(...(project ? body.collection.map(project) : (body.collection as T[])));
    const next = body.pagination?.next_page_token;
    if (next === undefined || next === null || next === '') return items;
    if (typeof next !== 'string')
      throw new IncompleteListingError(`${client.vendor} ${path}: next_page_token is not a string`);
    if (seen.has(next))
      throw new IncompleteListingError(
        `${client.vendor} ${path}: the API sent the same next_page_token twice; the listing would never end`,
      );
    if (pages >= maxPages) {
      throw new IncompleteListingError(
        `${client.vendor} ${path}: more than ${maxPages} pages; stopping so a partial listing is not taken as complete`,
      );
    }
    seen.add(next);
    pageToken = next;
  }
}

interface CursorPage {
  meta?: { has_more?: unknown; after_cursor?: unknown } | null;
  links?: { next?: unknown } | null;
  [collection: string]: unknown;
}

/**
 * Zendesk's cursor pagination: `page[size]` (≤ 100) on the first request, then `links.next`
 * while `meta.has_more` is true. The next link is followed only if it points under the client's
 * own base URL (credentials never go to another host); its query is sent as given. A response
 * without the collection, `has_more` without a next link, a next link that repeats, or more than
 * `maxPages` pages throw IncompleteListingError: a partial listing is never returned as complete.
 */
export async function collectCursorPages<T>(
  client: VendorClient,
  path: string,
  collection: string,
  query: Query = {},
  {
    pageSize = 100,
    maxPages = 10_000,
    project,
    onFirstPage,
    aboutItems,
  }: ListingOptions<T> & {
    maxPages?: number;
    /** Called once the first page is read and sound. */
    onFirstPage?: () => void;
  } = {},
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let next: { path: string; query: Query } = { path, query: { ...query, 'page[size]': pageSize } };
  for (let pages = 1; ; pages++) {
    const { body } = await client.getJson<CursorPage>(next.path, next.query, {
      page: pages,
      aboutPages: aboutPages(aboutItems, pageSize),
    });
    const page = body?.[collection];
    if (!Array.isArray(page))
      throw new IncompleteListingError(`${client.vendor} ${path}: the response has no "${collection}" list`);
    items.push(...(project ? page.map(project) : (page as T[])));
    if (body.meta?.has_more !== true) {
      if (pages === 1) onFirstPage?.();
      return items;
    }
    const link = body.links?.next;
    if (typeof link !== 'string' || link === '') {
      throw new IncompleteListingError(
        `${client.vendor} ${path}: meta.has_more is true but links.next is missing; the listing would be incomplete`,
      );
    }
    if (seen.has(link))
      throw new IncompleteListingError(
        `${client.vendor} ${path}: the API sent the same links.next twice; the listing would never end`,
      );
    if (pages >= maxPages) {
      throw new IncompleteListingError(
        `${client.vendor} ${path}: more than ${maxPages} pages; stopping so a partial listing is not taken as complete`,
      );
    }
    seen.add(link);
    next = relativeLink(client, path, link);
    if (pages === 1) onFirstPage?.();
  }
}

/** A next-page URL as a path relative to the client's base URL and its query (repeated keys as lists). */
function relativeLink(client: VendorClient, path: string, link: string): { path: string; query: Query } {
  let url: URL;
  const base = new URL(`${client.baseUrl}/`);
  try {
    url = new URL(link, base);
  } catch {
    throw new IncompleteListingError(`${client.vendor} ${path}: links.next is not a URL`);
  }
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
    throw new IncompleteListingError(
      `${client.vendor} ${path}: links.next points outside ${base.origin}${base.pathname}; not following it`,
    );
  }
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return { path: url.pathname.slice(base.pathname.length), query };
}
