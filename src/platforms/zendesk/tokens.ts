import { DateTime } from 'luxon';
import type { Roster, RosterPerson } from '../../config/types.js';

/**
 * Zendesk API tokens have no owner field: Support Operations names each token by convention.
 *
 * - `name - request link - expiry`: a person's token, e.g.
 *   `Jane Doe - https://gitlab.com/support/requests/-/issues/101 - 2027-06-30`
 *   (the request is an http(s) link, the expiry an ISO date);
 * - `Target - name`: an integration's token and the person who owns it, e.g. `Salesforce sync - Sam Lee`.
 *
 * The parts are separated by a dash with a space on each side (`-`, `–` or `—`). Anything else
 * breaks the convention and is reported.
 */
export type TokenDescription =
  | { ok: true; convention: 'personal'; owner: string; request: string; expires: string }
  | { ok: true; convention: 'integration'; target: string; owner: string }
  | { ok: false; problem: string };

const SEPARATOR = /\s+[-–—]\s+/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseTokenDescription(description: string | null | undefined): TokenDescription {
  const text = (description ?? '').trim();
  if (text === '') return { ok: false, problem: 'the description is empty' };
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\r\n\u0000-\u001f\u007f]/.test(text))
    return { ok: false, problem: 'the description has line breaks or control characters' };
  const parts = text.split(SEPARATOR).map((part) => part.trim());
  if (parts.some((part) => !/[\p{L}\p{N}]/u.test(part)))
    return { ok: false, problem: 'a part of the description is empty' };
  if (parts.length === 3) {
    const [owner, request, expires] = parts as [string, string, string];
    if (!isHttpUrl(request)) return { ok: false, problem: 'the middle part is not a request link (an http(s) URL)' };
    if (!ISO_DATE.test(expires) || !DateTime.fromISO(expires, { zone: 'utc' }).isValid) {
      return { ok: false, problem: `the expiry ${JSON.stringify(expires)} is not an ISO date (YYYY-MM-DD)` };
    }
    if (isHttpUrl(owner)) return { ok: false, problem: 'the first part is a link, not a name' };
    return { ok: true, convention: 'personal', owner, request, expires };
  }
  if (parts.length === 2) {
    const [target, owner] = parts as [string, string];
    if (isHttpUrl(owner))
      return { ok: false, problem: 'a request link without an expiry (expected name - request link - expiry)' };
    if (isHttpUrl(target)) return { ok: false, problem: 'the first part is a link, not an integration' };
    return { ok: true, convention: 'integration', target, owner };
  }
  return {
    ok: false,
    problem:
      parts.length === 1
        ? 'no " - " separates an owner from the rest'
        : `${parts.length} parts separated by " - " (expected 2 or 3)`,
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * A name compared loosely: case, diacritics (Zoë = Zoe), punctuation and spacing do not matter.
 */
export function normalizeName(name: string | null | undefined): string {
  return String(name ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The roster person a token description names: by full name (unique in the roster), by email,
 * or by GitLab username (with or without `@`).
 */
export function findTokenOwner(name: string, roster: Roster): RosterPerson | undefined {
  const index = rosterIndex(roster);
  const text = name.trim();
  const lower = text.toLowerCase();
  const byEmail = index.byEmail.get(lower);
  if (byEmail) return byEmail;
  const byUsername = index.byUsername.get(lower.replace(/^@/, ''));
  if (byUsername) return byUsername;
  const key = normalizeName(text);
  if (!key) return undefined;
  const byName = index.byName.get(key) ?? [];
  return byName.length === 1 ? byName[0] : undefined;
}

interface RosterIndex {
  size: number;
  /** The first person with each email / username, as a search in roster order finds them. */
  byEmail: Map<string, RosterPerson>;
  byUsername: Map<string, RosterPerson>;
  byName: Map<string, RosterPerson[]>;
}

/** Lookups made once per roster, not once per token (a large account has thousands of each). */
const indexes = new WeakMap<Roster, RosterIndex>();

function rosterIndex(roster: Roster): RosterIndex {
  const cached = indexes.get(roster);
  if (cached && cached.size === roster.length) return cached;
  const index: RosterIndex = { size: roster.length, byEmail: new Map(), byUsername: new Map(), byName: new Map() };
  for (const person of roster) {
    const email = person.email.toLowerCase();
    if (!index.byEmail.has(email)) index.byEmail.set(email, person);
    const username = person.gitlab.username.toLowerCase();
    if (!index.byUsername.has(username)) index.byUsername.set(username, person);
    const key = normalizeName(person.name);
    index.byName.set(key, [...(index.byName.get(key) ?? []), person]);
  }
  indexes.set(roster, index);
  return index;
}
