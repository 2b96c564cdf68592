/** Checks of values the audit config and the platforms' settings take in several places: durations. */

import { Duration } from 'luxon';
import { quote, type At, type Checker } from './validate.js';

/** An ISO-8601 duration longer than zero, as written (trimmed). */
export function checkDuration(checker: Checker, at: At, example: string): string | undefined {
  const value = at.value;
  if (typeof value !== 'string') {
    checker.mustBe(at, `an ISO-8601 duration (e.g. ${example})`);
    return undefined;
  }
  const duration = Duration.fromISO(value.trim());
  if (!duration.isValid) {
    checker.fail(at, `${quote(value)} is not an ISO-8601 duration (e.g. ${example})`);
    return undefined;
  }
  if (!(duration.toMillis() > 0)) {
    checker.fail(at, `${quote(value)} must be longer than zero`);
    return undefined;
  }
  return value.trim();
}
