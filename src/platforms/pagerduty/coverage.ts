import { DateTime, Duration } from 'luxon';
import { OUTPUT_LOCALE } from '../../domain/locale.js';
import type { PdRenderedEntry } from './types.js';

/** The look-ahead window of the coverage check: [now, now + window). Shared by the client and the checker. */
export function coverageWindow(now: Date, window: string): { since: Date; until: Date } {
  const duration = Duration.fromISO(window);
  if (!duration.isValid || duration.toMillis() <= 0)
    throw new Error(`coverage window ${JSON.stringify(window)} is not a positive ISO-8601 duration`);
  return { since: now, until: DateTime.fromJSDate(now, { zone: 'utc' }).plus(duration).toJSDate() };
}

export interface Interval {
  /** Epoch milliseconds, start inclusive, end exclusive. */
  start: number;
  end: number;
}

/** An ISO-8601 time as PagerDuty renders it (with an offset); throws on anything else. */
export function parseInstant(value: unknown, what: string): number {
  const parsed = typeof value === 'string' ? DateTime.fromISO(value, { setZone: true }) : undefined;
  if (!parsed?.isValid) throw new Error(`${what}: ${JSON.stringify(value)} is not an ISO-8601 time`);
  return parsed.toMillis();
}

/**
 * The parts of [since, until) that no rendered entry covers. Entries may overlap, touch, come
 * in any order, carry any offset, or reach outside the window; an entry whose end is null never
 * ends, so it covers to the end of the window.
 */
export function uncoveredIntervals(
  entries: readonly PdRenderedEntry[],
  since: number,
  until: number,
  what = 'schedule',
): Interval[] {
  const covered = entries
    .map((entry, index) => ({
      start: Math.max(parseInstant(entry.start, `${what} entry ${index + 1} start`), since),
      end: entry.end === null ? until : Math.min(parseInstant(entry.end, `${what} entry ${index + 1} end`), until),
    }))
    .filter((interval) => interval.end > interval.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const gaps: Interval[] = [];
  let reach = since;
  for (const interval of covered) {
    if (interval.start > reach) gaps.push({ start: reach, end: interval.start });
    reach = Math.max(reach, interval.end);
  }
  if (reach < until) gaps.push({ start: reach, end: until });
  return gaps;
}

/** Percentage of [since, until) covered, rounded to 2 decimals like PagerDuty's. */
export function coveredPercentage(gaps: readonly Interval[], since: number, until: number): number {
  if (until <= since) return 100;
  const uncovered = gaps.reduce((sum, gap) => sum + (gap.end - gap.start), 0);
  return Math.round(((until - since - uncovered) / (until - since)) * 10_000) / 100;
}

/** `2026-12-03 00:00` in `zone` (UTC when the zone is unknown to luxon). */
export function formatIn(ms: number, zone: string): string {
  const local = DateTime.fromMillis(ms, { zone });
  return (local.isValid ? local : DateTime.fromMillis(ms, { zone: 'utc' })).toFormat('yyyy-LL-dd HH:mm', {
    locale: OUTPUT_LOCALE,
  });
}

export function isKnownZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** `2 days 3 hours` for a length of time in milliseconds (minutes at the finest). */
export function describeLength(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  const parts: string[] = [];
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days) parts.push(`${days} day${days === 1 ? '' : 's'}`);
  if (hours) parts.push(`${hours} hour${hours === 1 ? '' : 's'}`);
  if (rest) parts.push(`${rest} minute${rest === 1 ? '' : 's'}`);
  return parts.join(' ');
}
