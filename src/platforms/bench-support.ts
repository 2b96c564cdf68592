/** What the platforms' benchmark data (src/platforms/<id>/bench.ts) shares: deterministic ids and page counts. */

const DAY_MS = 24 * 3600 * 1000;

/** `n` in decimal, zero-padded to `width` digits. */
export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `n` in upper-case base 36, zero-padded to `width` digits. */
export const base36 = (n: number, width: number): string => n.toString(36).toUpperCase().padStart(width, '0');

/** The pages a listing of `items` takes at `size` a page (at least one: an empty listing is still read). */
export const pages = (items: number, size = 100): number => Math.max(1, Math.ceil(items / size));

/** The ISO time `days` from `now` (negative: before). */
export const daysFrom =
  (now: Date) =>
  (days: number): string =>
    new Date(now.getTime() + days * DAY_MS).toISOString();
