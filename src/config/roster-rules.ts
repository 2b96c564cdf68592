/** The rules a roster's values follow, shared by the full check (roster.ts) and the fast one (roster-fast.ts). */

export const PERSON_KEYS = ['name', 'email', 'gitlab', 'reports_to', 'zendesk', 'calendly', 'pagerduty'] as const;

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
