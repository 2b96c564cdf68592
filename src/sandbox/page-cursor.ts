import { createHash } from 'node:crypto';

/** What an opaque page cursor carries: the listing it belongs to (`k`) and where the page starts (`o`). */
export interface PageCursor {
  k: string;
  o: number;
}

/**
 * The listing a page request reads: its query without the page parameters, sorted, and a short key
 * of it and `path` that binds a cursor to that listing (a cursor from another one is refused).
 */
export function listingOf(
  path: string,
  params: URLSearchParams,
  pageParams: readonly string[],
): { listing: URLSearchParams; key: string } {
  const listing = new URLSearchParams(params);
  for (const name of pageParams) listing.delete(name);
  listing.sort();
  const key = createHash('sha256').update(`${path}?${listing.toString()}`).digest('hex').slice(0, 12);
  return { listing, key };
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** The cursor `text` carries, or undefined when it is not one of the fakes' cursors. */
export function decodeCursor(text: string): PageCursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { k?: unknown; o?: unknown };
    if (typeof value.k === 'string' && typeof value.o === 'number' && Number.isSafeInteger(value.o) && value.o >= 0)
      return { k: value.k, o: value.o };
  } catch {
    // not one of ours
  }
  return undefined;
}
