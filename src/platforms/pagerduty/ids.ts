import { quote, type At, type Checker } from '../../config/validate.js';

/** PagerDuty object ids: P followed by upper-case letters and digits (PABC123). */
const PAGERDUTY_ID = /^P[A-Z0-9]{2,}$/;

export function isPagerDutyId(value: string): boolean {
  return PAGERDUTY_ID.test(value);
}

// The messages are made once, not for each value checked (a roster holds tens of thousands).
const PAGERDUTY_ID_CHECKS = {
  user: { what: 'a PagerDuty user id', message: notAPagerDutyId('user', 'PABC123') },
  schedule: { what: 'a PagerDuty schedule id', message: notAPagerDutyId('schedule', 'P89ZYHZ') },
};

function notAPagerDutyId(kind: string, example: string): (value: string) => string {
  return (value) => `${quote(value)} is not a PagerDuty ${kind} id (e.g. ${example})`;
}

export function checkPagerDutyId(checker: Checker, at: At, kind: 'user' | 'schedule'): string | undefined {
  const { what, message } = PAGERDUTY_ID_CHECKS[kind];
  return checker.matching(at, isPagerDutyId, message, what);
}
