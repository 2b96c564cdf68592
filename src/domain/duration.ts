import { Duration } from 'luxon';
import { OUTPUT_LOCALE } from './locale.js';

/** `3 days`, `1 day and 12 hours`: an ISO 8601 duration in English words (an invalid one as written). */
export function humanDuration(iso: string): string {
  const duration = Duration.fromISO(iso, { locale: OUTPUT_LOCALE });
  return duration.isValid ? duration.rescale().toHuman({ listStyle: 'long' }) : iso;
}
