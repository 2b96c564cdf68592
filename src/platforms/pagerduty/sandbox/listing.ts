import { json, type FakeResponse } from '../../../sandbox/fake-server.js';
import { pdError } from './errors.js';

export const PD_MAX_LIMIT = 100;
export const PD_DEFAULT_LIMIT = 25;
export const PD_MAX_RECORDS = 10_000;
/** `GET /v3/schedules`: `limit` default 100, maximum 1000 (OpenAPI schedule_v3_limit_schedules). */
export const PD_V3_DEFAULT_LIMIT = 100;
export const PD_V3_MAX_LIMIT = 1000;

export interface PageLimits {
  defaultLimit?: number;
  maxLimit?: number;
  maxRecords?: number;
  /** The items are in listing order already (else they are sorted by name, then id). */
  sorted?: boolean;
}

/** Listing order: case-insensitive name, then id. */
export function byNameThenId(a: { id: string; name: string }, b: { id: string; name: string }): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The items whose name contains the `query` parameter (case-insensitive); all of them without one. */
export function filterByName<T extends { name: string }>(items: T[], params: URLSearchParams): T[] {
  const query = params.get('query')?.toLowerCase();
  return query ? items.filter((item) => item.name.toLowerCase().includes(query)) : items;
}

/** One page of classic pagination: `limit`, `offset`, `more`, and `total` on `total=true`. */
export function listPage<T extends { id: string; name: string }>(
  collection: string,
  params: URLSearchParams,
  items: T[],
  render: (item: T) => unknown,
  {
    defaultLimit = PD_DEFAULT_LIMIT,
    maxLimit = PD_MAX_LIMIT,
    maxRecords = PD_MAX_RECORDS,
    sorted: presorted = false,
  }: PageLimits = {},
): FakeResponse {
  const limitRaw = params.get('limit');
  const offsetRaw = params.get('offset');
  const requestedLimit = limitRaw === null || limitRaw === '' ? defaultLimit : Number(limitRaw);
  const offset = offsetRaw === null || offsetRaw === '' ? 0 : Number(offsetRaw);
  if (!Number.isInteger(requestedLimit) || requestedLimit < 1) {
    return pdError(400, 'Invalid Input Provided', 2001, ['limit must be a positive integer']);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    return pdError(400, 'Invalid Input Provided', 2001, ['offset must be a non-negative integer']);
  }
  const limit = Math.min(requestedLimit, maxLimit);
  if (offset + limit > maxRecords) {
    return pdError(400, 'Invalid Input Provided', 2001, [
      `Offset + limit must not exceed ${maxRecords} (got offset ${offset}, limit ${limit}); ` +
        'use a filter to narrow the results.',
    ]);
  }
  const ordered = presorted ? items : [...items].sort(byNameThenId);
  const page = ordered.slice(offset, offset + limit);
  return json(200, {
    [collection]: page.map(render),
    limit,
    offset,
    more: offset + page.length < ordered.length,
    total: params.get('total') === 'true' ? ordered.length : null,
  });
}
