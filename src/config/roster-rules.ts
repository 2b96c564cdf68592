/** The rules values of a roster follow, shared with the audit config. */

import { quote, type At, type Checker } from './validate.js';

/** Loose on purpose: something@domain.tld with no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** GitLab's rule: letters, digits, `_`, `-`, `.`; not starting with `-` or `.`; not ending in `.`, `.git`, `.atom`. */
const GITLAB_USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** PagerDuty object ids: P followed by upper-case letters and digits (PABC123). */
const PAGERDUTY_ID = /^P[A-Z0-9]{2,}$/;

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

export function isPagerDutyId(value: string): boolean {
  return PAGERDUTY_ID.test(value);
}

export function isGitLabUsername(value: string): boolean {
  return GITLAB_USERNAME.test(value) && !/(\.|\.git|\.atom)$/i.test(value) && value.length <= 255;
}

// The messages below are made once, not for each value checked (a roster holds tens of thousands).

const notAUsername = (value: string): string =>
  value.startsWith('@') && isGitLabUsername(value.slice(1))
    ? `${quote(value)} is not a GitLab username (drop the leading @)`
    : `${quote(value)} is not a GitLab username (letters, digits, _ - . only)`;

const notAnEmail = (value: string): string => `${quote(value)} is not an email address`;

const PAGERDUTY_ID_CHECKS = {
  user: { what: 'a PagerDuty user id', message: notAPagerDutyId('user', 'PABC123') },
  schedule: { what: 'a PagerDuty schedule id', message: notAPagerDutyId('schedule', 'P89ZYHZ') },
};

function notAPagerDutyId(kind: string, example: string): (value: string) => string {
  return (value) => `${quote(value)} is not a PagerDuty ${kind} id (e.g. ${example})`;
}

/** Checks a GitLab username field. */
export function checkUsername(checker: Checker, at: At): string | undefined {
  return checker.matching(at, isGitLabUsername, notAUsername);
}

export function checkEmail(checker: Checker, at: At): string | undefined {
  return checker.matching(at, isEmail, notAnEmail, 'an email address');
}

export function checkPagerDutyId(checker: Checker, at: At, kind: 'user' | 'schedule'): string | undefined {
  const { what, message } = PAGERDUTY_ID_CHECKS[kind];
  return checker.matching(at, isPagerDutyId, message, what);
}
