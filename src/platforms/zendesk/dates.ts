import { DateTime, Duration } from 'luxon';
import { humanDuration } from '../../domain/duration.js';

/** Dates as the Zendesk audit reads and words them. */

/** `90 days` for a days-only duration (luxon would say "3 months and 6 days"), else luxon's wording. */
export function describeAge(iso: string): string {
  const duration = Duration.fromISO(iso);
  const keys = Object.entries(duration.toObject()).filter(([, value]) => value);
  if (duration.isValid && keys.length === 1 && keys[0][0] === 'days')
    return `${keys[0][1]} day${keys[0][1] === 1 ? '' : 's'}`;
  return humanDuration(iso);
}

export function daysSince(then: DateTime, now: Date): number {
  return Math.floor(DateTime.fromJSDate(now, { zone: 'utc' }).diff(then, 'days').days);
}

export const utc = (millis: number) => DateTime.fromMillis(millis, { zone: 'utc' });

/** `2026-11-24T09:00:00Z` or `…:00.000Z`: the form Zendesk writes its times in. */
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/**
 * The instant of an ISO timestamp as luxon reads it in UTC (epoch ms), or undefined when luxon
 * finds it invalid. Luxon for every user of a large instance costs a noticeable share of the
 * audit, so Zendesk's own form is read by Date.parse, where both agree: Date.parse rolls an
 * impossible date over (February 30th, 24:00) where luxon refuses it or reads it otherwise, so a
 * date that does not read back as written is left to luxon, like every other form.
 */
export function isoMillis(iso: string): number | undefined {
  if (UTC_TIMESTAMP.test(iso)) {
    const millis = Date.parse(iso);
    if (Number.isFinite(millis) && new Date(millis).toISOString().startsWith(iso.slice(0, 19))) return millis;
  }
  const parsed = DateTime.fromISO(iso, { zone: 'utc' });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/** The UTC calendar date of a Zendesk time, for a finding's text. */
export function date(iso: string | null | undefined): string {
  const parsed = iso ? DateTime.fromISO(iso, { zone: 'utc' }) : undefined;
  return parsed?.isValid ? parsed.toISODate() : 'an unknown date';
}
