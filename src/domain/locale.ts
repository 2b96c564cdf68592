/**
 * What the bot writes must not depend on the machine's locale (LANG / LC_ALL), which luxon
 * (`Duration#toHuman`) and `localeCompare` fall back to when given no locale.
 */
export const OUTPUT_LOCALE = 'en-US';

/** For machine strings (fingerprints, ISO timestamps): deterministic and cheap. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

let namesCollator: Intl.Collator | undefined;

/**
 * For names people read in order (GitLab usernames): the order `localeCompare` gives on an
 * English machine, where `_` comes before `-`, `.` and digits, and case only breaks ties.
 */
export function compareNames(a: string, b: string): number {
  // Made on first use: a collator costs about 6 ms, which a run that sorts no names should not pay.
  namesCollator ??= new Intl.Collator(OUTPUT_LOCALE);
  return namesCollator.compare(a, b);
}
