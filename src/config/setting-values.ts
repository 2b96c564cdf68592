/** Checks of values the audit config takes in several places: labels and durations. */

import { Duration } from 'luxon';
import { BOT_LABEL_SCOPES } from '../domain/issue.js';
import { quote, type At, type Checker } from './validate.js';

export function checkLabels(checker: Checker, at: At): string[] | undefined {
  return checker.stringList(
    at,
    (itemAt) => {
      const label = checker.matching(
        itemAt,
        (value) => !value.includes(','),
        (value) => `${quote(value)}: a GitLab label cannot contain a comma`,
        'a label',
      );
      if (label === undefined) return undefined;
      const scope = BOT_LABEL_SCOPES.find((prefix) => label.startsWith(prefix));
      return checker.matching(
        itemAt,
        () => scope === undefined,
        (value) =>
          `${quote(value)}: the bot sets the ${scope}… labels itself (a GitLab issue holds one label per scope)`,
        'a label',
      );
    },
    'labels',
  );
}

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
