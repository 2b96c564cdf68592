import { json, type FakeRequest, type FakeResponse } from '../../../sandbox/fake-server.js';
import { decodeCursor, encodeCursor, listingOf } from '../../../sandbox/page-cursor.js';
import { zendeskError } from './errors.js';

export const ZENDESK_MAX_PAGE_SIZE = 100;

/**
 * One page of `items`: cursor pagination with `page[size]`, else offset pagination (`page`,
 * `per_page`). `apiUrl` is the running fake's URL, the base of the page links.
 */
export function listPage<T>(
  req: FakeRequest,
  apiUrl: string,
  collection: string,
  items: T[],
  render: (item: T) => unknown,
): FakeResponse {
  const params = req.url.searchParams;
  const sizeRaw = params.get('page[size]');
  if (sizeRaw === null) return offsetPage(req, apiUrl, collection, items, render);
  if (!/^\d+$/.test(sizeRaw) || Number(sizeRaw) < 1 || Number(sizeRaw) > ZENDESK_MAX_PAGE_SIZE) {
    return zendeskError(
      400,
      'InvalidPaginationParameter',
      `page[size] must be a number between 1 and ${ZENDESK_MAX_PAGE_SIZE}`,
    );
  }
  const size = Number(sizeRaw);
  // The cursor binds the listing (path and filters, not the page parameters) and the position.
  const { listing, key } = listingOf(req.url.pathname.replace(/\.json$/, ''), params, [
    'page[size]',
    'page[after]',
    'page[before]',
  ]);
  let offset = 0;
  const after = params.get('page[after]');
  if (after !== null) {
    const decoded = decodeCursor(after);
    if (!decoded || decoded.k !== key)
      return zendeskError(400, 'InvalidPaginationParameter', 'page[after] is not a valid cursor');
    offset = decoded.o;
  }
  const slice = items.slice(offset, offset + size);
  const afterCursor = encodeCursor({ k: key, o: offset + slice.length });
  const beforeCursor = encodeCursor({ k: key, o: Math.max(0, offset - size) });
  const link = (name: 'page[after]' | 'page[before]', cursor: string) => {
    const query = new URLSearchParams(listing);
    query.set('page[size]', String(size));
    query.set(name, cursor);
    return `${apiUrl}${req.url.pathname}?${query.toString()}`;
  };
  return json(200, {
    [collection]: slice.map(render),
    meta: { has_more: offset + slice.length < items.length, after_cursor: afterCursor, before_cursor: beforeCursor },
    links: { next: link('page[after]', afterCursor), prev: offset > 0 ? link('page[before]', beforeCursor) : null },
  });
}

function offsetPage<T>(
  req: FakeRequest,
  apiUrl: string,
  collection: string,
  items: T[],
  render: (item: T) => unknown,
): FakeResponse {
  const params = req.url.searchParams;
  const perPage = Math.min(100, Math.max(1, Number(params.get('per_page') ?? 100) || 100));
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (n: number) => {
    const query = new URLSearchParams(params);
    query.set('page', String(n));
    query.set('per_page', String(perPage));
    return `${apiUrl}${req.url.pathname}?${query.toString()}`;
  };
  return json(200, {
    [collection]: slice.map(render),
    next_page: page * perPage < items.length ? link(page + 1) : null,
    previous_page: page > 1 ? link(page - 1) : null,
    count: items.length,
  });
}
