/** The rules a roster's values follow, shared by the full check (roster.ts) and the fast one (roster-fast.ts). */

import type { PlainValue } from './simple-yaml.js';
import type { CalendlyRole, PagerDutyRole, RosterPerson, ZendeskAccount } from './types.js';

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

/* Values as the checker takes them, and people as checkPerson builds them (for roster-fast.ts and roster-pattern.ts). */

export type ZendeskSection = NonNullable<RosterPerson['zendesk']>;
export type CalendlySection = NonNullable<RosterPerson['calendly']>;
export type PagerDutySection = NonNullable<RosterPerson['pagerduty']>;

/** As the checker's string: a string with something other than white space in it, trimmed. */
export function text(value: PlainValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** As the checker's oneOf: exactly one of `options` (not trimmed). */
export function oneOf<T extends CalendlyRole | PagerDutyRole>(
  value: PlainValue | undefined,
  options: readonly T[],
): T | undefined {
  const index = options.indexOf(value as T);
  return index === -1 ? undefined : options[index];
}

/** The person as checkPerson builds them, its fields in the same order. `calendly` becomes theirs. */
export function newPerson(
  line: number,
  name: string,
  email: string,
  username: string,
  reportsTo: string | null,
  zendesk: ZendeskSection | undefined,
  calendly: CalendlySection | undefined,
  pagerduty: PagerDutySection | undefined,
): RosterPerson {
  const ownEmail = own(email);
  if (calendly) calendly.email = calendly.email === email ? ownEmail : own(calendly.email);
  const gitlab = { username: own(username) };
  // Most people have all three: one literal holds them all, where added fields take an object of their own.
  if (zendesk && calendly && pagerduty)
    return { name: own(name), email: ownEmail, gitlab, reports_to: reportsTo, line, zendesk, calendly, pagerduty };
  const person: RosterPerson = { name: own(name), email: ownEmail, gitlab, reports_to: reportsTo, line };
  if (zendesk) person.zendesk = zendesk;
  if (calendly) person.calendly = calendly;
  if (pagerduty) person.pagerduty = pagerduty;
  return person;
}

/** The Zendesk section with these accounts, one literal (a smaller object, 50,000 times over); undefined for none. */
export function zendeskOf(
  main: ZendeskAccount | undefined,
  usFederal: ZendeskAccount | undefined,
): ZendeskSection | undefined {
  if (main) return usFederal ? { main, us_federal: usFederal } : { main };
  return usFederal && { us_federal: usFederal };
}

export function pagerDutyOf(id: string, schedules: string[], role: PagerDutyRole | undefined): PagerDutySection {
  return role === undefined ? { id: own(id), schedules } : { id: own(id), schedules, role };
}

/**
 * A copy that does not point into the roster's text: V8 keeps the whole text alive for as long as
 * any slice of it lives (slices of 13 characters or more), and the roster lives for the whole run.
 */
export function own(value: string): string {
  return value.length < 13 ? value : ` ${value}`.slice(1);
}
