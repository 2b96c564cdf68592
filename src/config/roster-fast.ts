import { NotSimpleYaml, simpleSequenceOfMaps, type PlainMap, type PlainValue } from './simple-yaml.js';
import { PERSON_KEYS, isEmail, isGitLabUsername, isPagerDutyId } from './roster-rules.js';
import {
  CALENDLY_ROLES,
  PAGERDUTY_ROLES,
  ZENDESK_BUILTIN_ROLES,
  ZENDESK_INSTANCES,
  type CalendlyRole,
  type PagerDutyRole,
  type Roster,
  type RosterPerson,
  type ZendeskAccount,
  type ZendeskBuiltinRole,
} from './types.js';

/*
 * The fast path for valid rosters: the roster rules of roster.ts (checkPerson, checkZendeskAccount,
 * DuplicateFinder, checkManagers), in plain code, on the plain values of the fast reader. It only
 * says yes or "not sure": at the first value that is not exactly what the full check accepts, or
 * anything the reader does not take, it gives up, and the caller runs the full path, which
 * reports every problem with its line. Never looser than the full path, and its result is the
 * same (a test compares both on generated and mutated rosters).
 */

/** The roster, when `text` is a valid roster in the plain style; undefined at any doubt. */
export function readValidRoster(text: string): Roster | undefined {
  const people = readPeople(text);
  if (!people || !allUnique(people)) return undefined;
  const byUsername = indexByUsername(people);
  return byUsername && resolveManagers(people, byUsername) ? people : undefined;
}

/** Each person as checkPerson builds them; undefined when anything is off. */
function readPeople(text: string): RosterPerson[] | undefined {
  const reader = new PersonReader();
  const people: RosterPerson[] = [];
  try {
    for (const item of simpleSequenceOfMaps(text)) {
      const person = reader.person(item.value, item.line);
      if (!person) return undefined;
      people.push(person);
    }
  } catch (error) {
    if (error instanceof NotSimpleYaml) return undefined;
    throw error;
  }
  return people;
}

const PERSON_KEY_SET: ReadonlySet<string> = new Set(PERSON_KEYS);
const GITLAB_KEYS: ReadonlySet<string> = new Set(['username']);
const INSTANCE_KEYS: ReadonlySet<string> = new Set(ZENDESK_INSTANCES);
const ACCOUNT_KEYS: ReadonlySet<string> = new Set(['id', 'role', 'groups']);
const CALENDLY_KEYS: ReadonlySet<string> = new Set(['email', 'role']);
const PAGERDUTY_KEYS: ReadonlySet<string> = new Set(['id', 'schedules', 'role']);

/** Reads people one by one, with one copy of the values many of them share. */
class PersonReader {
  /** Roles, group names, schedule ids, by their text. */
  private readonly shared = new Map<string, string>();

  /** The person as checkPerson builds them; undefined when anything is off. */
  person(fields: PlainMap, line: number): RosterPerson | undefined {
    if (!hasOnly(fields, PERSON_KEY_SET)) return undefined;
    const name = text(fields.name);
    const email = text(fields.email);
    const gitlab = fields.gitlab;
    if (name === undefined || email === undefined || !isEmail(email) || !isMap(gitlab) || !hasOnly(gitlab, GITLAB_KEYS)) return undefined;
    const username = text(gitlab.username);
    if (username === undefined || !isGitLabUsername(username)) return undefined;
    let reportsTo: string | null = null;
    if (fields.reports_to != null) {
      reportsTo = text(fields.reports_to) ?? null;
      if (reportsTo === null || !isGitLabUsername(reportsTo)) return undefined;
    }
    const person: RosterPerson = { name: own(name), email: own(email), gitlab: { username: own(username) }, reports_to: reportsTo, line };

    if (fields.zendesk != null) {
      const zendesk = fields.zendesk;
      if (!isMap(zendesk) || !hasOnly(zendesk, INSTANCE_KEYS)) return undefined;
      const main = zendesk.main == null ? undefined : this.zendeskAccount(zendesk.main);
      const usFederal = zendesk.us_federal == null ? undefined : this.zendeskAccount(zendesk.us_federal);
      if ((zendesk.main != null && !main) || (zendesk.us_federal != null && !usFederal)) return undefined;
      // One literal, not properties added one by one: a smaller object, 50,000 times over.
      if (main || usFederal) person.zendesk = main && usFederal ? { main, us_federal: usFederal } : main ? { main } : { us_federal: usFederal };
    }
    if (fields.calendly != null) {
      const calendly = fields.calendly;
      if (!isMap(calendly) || !hasOnly(calendly, CALENDLY_KEYS)) return undefined;
      const calendlyEmail = text(calendly.email);
      const role = oneOf(calendly.role, CALENDLY_ROLES);
      if (calendlyEmail === undefined || !isEmail(calendlyEmail) || role === undefined) return undefined;
      person.calendly = { email: calendlyEmail === email ? person.email : own(calendlyEmail), role };
    }
    if (fields.pagerduty != null) {
      const pagerduty = fields.pagerduty;
      if (!isMap(pagerduty) || !hasOnly(pagerduty, PAGERDUTY_KEYS)) return undefined;
      const id = text(pagerduty.id);
      const schedules = pagerduty.schedules == null ? [] : this.texts(pagerduty.schedules, isPagerDutyId);
      let role: PagerDutyRole | undefined;
      if (pagerduty.role != null) {
        role = oneOf(pagerduty.role, PAGERDUTY_ROLES);
        if (role === undefined) return undefined;
      }
      if (id === undefined || !isPagerDutyId(id) || schedules === undefined) return undefined;
      person.pagerduty = role === undefined ? { id: own(id), schedules } : { id: own(id), schedules, role };
    }
    return person;
  }

  /** As checkZendeskAccount: an optional positive integer id, a role, optional group names. */
  private zendeskAccount(value: PlainValue): ZendeskAccount | undefined {
    if (!isMap(value) || !hasOnly(value, ACCOUNT_KEYS)) return undefined;
    const id = value.id;
    if (id != null && !(typeof id === 'number' && Number.isSafeInteger(id) && id > 0)) return undefined;
    const role = text(value.role);
    const groups = value.groups == null ? [] : this.texts(value.groups);
    if (role === undefined || groups === undefined) return undefined;
    return id == null ? { role: this.share(role), groups } : { id, role: this.share(role), groups };
  }

  /** As the checker's stringList: non-empty strings (trimmed), each passing `test`. The reader's own list, its items replaced. */
  private texts(value: PlainValue, test?: (value: string) => boolean): string[] | undefined {
    if (!Array.isArray(value)) return undefined;
    for (let index = 0; index < value.length; index++) {
      const trimmed = text(value[index]);
      if (trimmed === undefined || (test && !test(trimmed))) return undefined;
      value[index] = this.share(trimmed);
    }
    return value as string[];
  }

  /** The one copy of `value` (Zendesk's built-in roles are the constants). */
  private share(value: string): string {
    const builtin = ZENDESK_BUILTIN_ROLES.indexOf(value as ZendeskBuiltinRole);
    if (builtin !== -1) return ZENDESK_BUILTIN_ROLES[builtin]!;
    let copy = this.shared.get(value);
    if (copy === undefined) this.shared.set(value, (copy = own(value)));
    return copy;
  }
}

/**
 * As DuplicateFinder: no two people share an email or a Calendly email (in any case), a Zendesk id
 * on one instance or a PagerDuty id (usernames: indexByUsername). DuplicateFinder keeps them all in
 * one map, under keys that only meet keys of their own kind (a username has no `@` or `:`, an
 * email has an `@`, the others a prefix of their own), but for an email that starts with
 * `calendly:`, which can meet a Calendly key: such an email is left to the full path.
 */
function allUnique(people: RosterPerson[]): boolean {
  const emails = new Set<string>();
  const zendeskIds = { main: new Set<number>(), us_federal: new Set<number>() };
  const pagerdutyIds = new Set<string>();
  for (const person of people) {
    const email = person.email.toLowerCase();
    if (email.startsWith('calendly:') || !isNew(emails, email)) return false;
    for (const instance of ZENDESK_INSTANCES) {
      const id = person.zendesk?.[instance]?.id;
      if (id !== undefined && !isNew(zendeskIds[instance], id)) return false;
    }
    if (person.pagerduty && !isNew(pagerdutyIds, person.pagerduty.id)) return false;
  }
  // A Calendly email is mostly its owner's email, and two of those are the same only when two
  // emails are. Any other is compared with every Calendly email, and with every email as well
  // (more than it must: in doubt, the full path decides).
  const otherCalendlyEmails = new Set<string>();
  for (const person of people) {
    if (!person.calendly) continue;
    const calendlyEmail = person.calendly.email.toLowerCase();
    if (calendlyEmail === person.email.toLowerCase()) continue;
    if (emails.has(calendlyEmail) || !isNew(otherCalendlyEmails, calendlyEmail)) return false;
  }
  return true;
}

/** Each person's index by their username in lower case (GitLab's usernames are case-insensitive); undefined when one repeats. */
function indexByUsername(people: RosterPerson[]): Map<string, number> | undefined {
  const byUsername = new Map<string, number>();
  for (let index = 0; index < people.length; index++) {
    const size = byUsername.size;
    byUsername.set(people[index]!.gitlab.username.toLowerCase(), index);
    if (byUsername.size === size) return undefined;
  }
  return byUsername;
}

/**
 * As checkManagers, for a roster without duplicate usernames: every reports_to names someone in
 * the roster (it is then spelled as that person's username), and nobody is their own (indirect)
 * manager. False otherwise.
 */
function resolveManagers(people: RosterPerson[], byUsername: ReadonlyMap<string, number>): boolean {
  const NONE = -1;
  const managerOf = new Int32Array(people.length).fill(NONE);
  // People of a team usually follow one another, with the same manager: one lookup serves them all.
  let lastWanted: string | undefined;
  let lastManager: number | undefined;
  for (let index = 0; index < people.length; index++) {
    const person = people[index]!;
    if (person.reports_to === null) continue;
    const wanted = person.reports_to;
    const manager = wanted === lastWanted ? lastManager : byUsername.get(wanted.toLowerCase());
    if (manager === undefined) return false;
    lastWanted = wanted;
    lastManager = manager;
    person.reports_to = people[manager]!.gitlab.username;
    managerOf[index] = manager;
  }
  // Following managers from anyone ends at the top of the tree, unless it runs into a cycle.
  const WALKING = 1;
  const DONE = 2;
  const state = new Uint8Array(people.length);
  for (let start = 0; start < people.length; start++) {
    let current = start;
    while (current !== NONE && state[current] === 0) {
      state[current] = WALKING;
      current = managerOf[current]!;
    }
    if (current !== NONE && state[current] === WALKING) return false;
    for (let walked = start; walked !== current; walked = managerOf[walked]!) state[walked] = DONE;
  }
  return true;
}

/** False when `key` is in `seen` already (a duplicate, which the full path reports); else adds it. */
function isNew<T>(seen: Set<T>, key: T): boolean {
  // One lookup: adding a key that is there already leaves the size as it was.
  const size = seen.size;
  seen.add(key);
  return seen.size !== size;
}

function isMap(value: PlainValue | undefined): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Like the checker's mapping: no key but `keys` (an unknown key is a problem). */
function hasOnly(map: PlainMap, keys: ReadonlySet<string>): boolean {
  for (const key in map) if (!keys.has(key)) return false;
  return true;
}

/** As the checker's string: a string with something other than white space in it, trimmed. */
function text(value: PlainValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** As the checker's oneOf: exactly one of `options` (not trimmed). */
function oneOf<T extends CalendlyRole | PagerDutyRole>(value: PlainValue | undefined, options: readonly T[]): T | undefined {
  const index = options.indexOf(value as T);
  return index === -1 ? undefined : options[index];
}

/**
 * A copy that does not point into the roster's text: V8 keeps the whole text alive for as long as
 * any slice of it lives (slices of 13 characters or more), and the roster lives for the whole run.
 */
function own(value: string): string {
  return value.length < 13 ? value : ` ${value}`.slice(1);
}
