import type { FakeResponse } from '../fake-server.js';
import { header, str, type Ctx } from './http.js';

/**
 * GitLab's offset pagination: page/per_page (default 20, max 100), x-* headers, and a Link
 * header with prev/next/first/last absolute URLs carrying every other query parameter. Past
 * `countLimit` items the totals and the rel="last" link are left out. Only the page's items are
 * rendered (a listing of many costs no more than one page).
 */
export function paginate<T>(
  ctx: Ctx,
  countLimit: number,
  items: T[],
  render: (item: T) => unknown = (item) => item,
): FakeResponse {
  const perPageRaw = Number(str(ctx.params.per_page) ?? 20);
  const perPage = Number.isFinite(perPageRaw) && perPageRaw >= 1 ? Math.min(Math.floor(perPageRaw), 100) : 20;
  const pageRaw = Number(str(ctx.params.page) ?? 1);
  const page = Number.isFinite(pageRaw) && pageRaw >= 1 ? Math.floor(pageRaw) : 1;
  const total = items.length;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage).map(render);
  const next = page < totalPages ? page + 1 : undefined;
  // Kaminari: no prev/next page when the requested page is out of range.
  const prev = page > 1 && page <= totalPages ? page - 1 : undefined;

  const href = (target: number) => pageHref(ctx, target, perPage);
  const links: string[] = [];
  if (prev) links.push(`<${href(prev)}>; rel="prev"`);
  if (next) links.push(`<${href(next)}>; rel="next"`);
  links.push(`<${href(1)}>; rel="first"`);
  const counted = total <= countLimit;
  if (counted) links.push(`<${href(totalPages)}>; rel="last"`);
  return {
    status: 200,
    body: slice,
    headers: {
      'content-type': 'application/json',
      link: links.join(', '),
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': next ? String(next) : '',
      'x-prev-page': prev ? String(prev) : '',
      ...(counted ? { 'x-total': String(total), 'x-total-pages': String(totalPages) } : {}),
    },
  };
}

/** The absolute URL of another page: route parameters and the query (minus private_token), keys sorted. */
function pageHref(ctx: Ctx, page: number, perPage: number): string {
  const host = header(ctx.req, 'host') ?? '127.0.0.1';
  const base = `http://${host}${ctx.req.url.pathname}`;
  const query = new Map<string, string[]>();
  for (const [key, value] of Object.entries(ctx.routeParams)) query.set(key, [value]);
  for (const [key, value] of ctx.req.url.searchParams) {
    if (key === 'private_token') continue;
    query.set(key, [...(query.get(key) ?? []), value]);
  }
  query.set('page', [String(page)]);
  query.set('per_page', [String(perPage)]);
  const parts: string[] = [];
  for (const key of [...query.keys()].sort()) {
    for (const value of query.get(key)!) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  return `${base}?${parts.join('&')}`;
}
