import { Duration } from 'luxon';
import { OUTPUT_LOCALE } from './locale.js';

/**
 * `3 days`, `1 day and 12 hours`: luxon's `toHuman({ listStyle: 'long' })` in English, written
 * out for whole numbers of each unit, as every ladder and age is, because luxon's builds an
 * Intl.NumberFormat per unit and an Intl.ListFormat (about 9 ms at the start of every run).
 */
export function humanDuration(iso: string): string {
  const duration = Duration.fromISO(iso, { locale: OUTPUT_LOCALE });
  if (!duration.isValid) return iso;
  const rescaled = duration.rescale();
  const counts = Object.entries(rescaled.toObject()).map(([unit, count]) => [unit.slice(0, -1), count] as const);
  if (counts.length === 0 || counts.some(([, count]) => !Number.isSafeInteger(count) || count < 0))
    return rescaled.toHuman({ listStyle: 'long' });
  const parts = counts.map(([unit, count]) => `${count} ${unit}${count === 1 ? '' : 's'}`);
  return parts.length <= 2 ? parts.join(' and ') : `${parts.slice(0, -1).join(', ')}, and ${parts.at(-1)}`;
}
