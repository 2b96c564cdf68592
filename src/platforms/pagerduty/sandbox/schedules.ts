import { DateTime } from 'luxon';
import type { Clock } from '../../../clock.js';
import { json, type FakeResponse } from '../../../sandbox/fake-server.js';
import type { PdSchedule } from './data.js';
import { pdError } from './errors.js';
import type { PdRenderer } from './render.js';

/** The window a v2 schedule is rendered over when the request names neither end of it. */
const DEFAULT_WINDOW_MS = 14 * 24 * 3600 * 1000;

/** `GET /schedules/{id}`: the schedule with its final schedule over `since`…`until`. */
export function showSchedule(
  schedule: PdSchedule,
  params: URLSearchParams,
  render: PdRenderer,
  now: Clock,
): FakeResponse {
  const range = timeRange(params);
  if ('status' in range) return range;
  const { since, until } = range;
  const start = since ?? (until !== undefined ? until - DEFAULT_WINDOW_MS : now().getTime());
  const end = until ?? start + DEFAULT_WINDOW_MS;
  if (end < start) return pdError(400, 'Invalid Query Date Range', 2005);
  const zone = params.get('time_zone') || schedule.time_zone;

  const entries = schedule.coverage
    .map((entry) => ({
      from: Math.max(Date.parse(entry.start), start),
      to: Math.min(entry.end === null ? end : Date.parse(entry.end), end),
      open: entry.end === null,
      userId: entry.userId,
    }))
    .filter((entry) => entry.to > entry.from)
    .sort((a, b) => a.from - b.from || a.to - b.to);
  // Covered time is the union of the entries (overlaps count once).
  let covered = 0;
  let reach = start;
  for (const entry of entries) {
    if (entry.to > reach) {
      covered += entry.to - Math.max(entry.from, reach);
      reach = entry.to;
    }
  }
  const percentage = end === start ? 100 : Math.round((covered / (end - start)) * 10_000) / 100;

  return json(200, {
    schedule: {
      ...render.schedule(schedule),
      final_schedule: {
        name: 'Final Schedule',
        rendered_schedule_entries: entries.map((entry) => ({
          start: isoInZone(entry.from, zone),
          end: entry.open ? null : isoInZone(entry.to, zone),
          user: render.userRef(entry.userId),
        })),
        // Documented: null unless since or until are set.
        rendered_coverage_percentage: since !== undefined || until !== undefined ? percentage : null,
      },
    },
  });
}

/** PagerDuty renders schedule times in the schedule's (or the requested) time zone, with an offset. */
export function isoInZone(ms: number, zone: string): string {
  const dt = DateTime.fromMillis(ms, { zone });
  return (dt.isValid ? dt : DateTime.fromMillis(ms, { zone: 'UTC' })).toISO({ suppressMilliseconds: true })!;
}

/**
 * `since` and `until` of a schedule render (epoch ms, each optional), or PagerDuty's 400 for an
 * unreadable one.
 */
export function timeRange(params: URLSearchParams): { since?: number; until?: number } | FakeResponse {
  const sinceRaw = params.get('since');
  const untilRaw = params.get('until');
  const since = sinceRaw ? Date.parse(sinceRaw) : undefined;
  const until = untilRaw ? Date.parse(untilRaw) : undefined;
  if ((since !== undefined && Number.isNaN(since)) || (until !== undefined && Number.isNaN(until))) {
    return pdError(400, "Invalid time values in 'since' and/or 'until' parameters", 2004);
  }
  return { since, until };
}
