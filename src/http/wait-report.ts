import type { Logger } from '../log.js';

/** Waits for a rate limit that add up to this much are said in the log. */
export const LONG_WAIT_MS = 10_000;

/** How far a listing has got: its page k, of about n when the vendor (or the caller) said how many items. */
export interface ListingProgress {
  page: number;
  aboutPages?: number;
}

/** `GET /users page 12 of about 500`: the request a wait holds back. */
export function describeRequest(path: string, progress: ListingProgress | undefined): string {
  if (!progress) return `GET ${path}`;
  const of = progress.aboutPages === undefined ? '' : ` of about ${Math.max(progress.aboutPages, progress.page)}`;
  return `GET ${path} page ${progress.page}${of}`;
}

/** Pages of `pageSize` that `aboutItems` make; undefined when nobody said how many. */
export function aboutPages(aboutItems: number | null | undefined, pageSize: number): number | undefined {
  return typeof aboutItems === 'number' && aboutItems >= 0 ? Math.max(1, Math.ceil(aboutItems / pageSize)) : undefined;
}

/**
 * A pacer's `onWait` that says, once the waits since its last line reach LONG_WAIT_MS, what the
 * run waits for and how far it has got: a quarterly run held for minutes is not taken for a hung one.
 */
export function reportLongWaits(vendor: string, logger: Logger): (ms: number, waiting: string | undefined) => void {
  let unsaid = 0;
  let total = 0;
  return (ms, waiting) => {
    unsaid += ms;
    total += ms;
    if (unsaid < LONG_WAIT_MS) return;
    unsaid = 0;
    const before = waiting ? `, before ${waiting}` : '';
    logger.info(
      { vendor, waitMs: ms, waitedMs: total },
      `${vendor}: waiting ${seconds(ms)} s for the rate limit (${seconds(total)} s in all)${before}`,
    );
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
}
