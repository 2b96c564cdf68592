import { NotSimpleYaml, SimpleSequence, type PlainMap, type PlainValue } from './simple-yaml.js';
import {
  PERSON_KEYS,
  isEmail,
  isGitLabUsername,
  isPagerDutyId,
  newPerson,
  oneOf,
  own,
  pagerDutyOf,
  text,
  zendeskOf,
  type CalendlySection,
  type PagerDutySection,
  type ZendeskSection,
} from './roster-rules.js';
import { PersonPattern } from './roster-pattern.js';
import {
  CALENDLY_ROLES,
  PAGERDUTY_ROLES,
  ZENDESK_BUILTIN_ROLES,
  ZENDESK_INSTANCES,
  type PagerDutyRole,
  type Roster,
  type RosterPerson,
  type ZendeskAccount,
  type ZendeskBuiltinRole,
} from './types.js';

/*
 * The fast path for valid rosters: the roster rules of roster.ts (checkPerson, checkZendeskAccount,
 * DuplicateFinder, checkManagers), in plain code, on the values of the fast reader. It only
 * says yes or "not sure": at the first value that is not exactly what the full check accepts, or
 * anything the reader does not take, it gives up, and the caller runs the full path, which
 * reports every problem with its line. Never looser than the full path, and its result is the
 * same (a test compares both on generated and mutated rosters).
 *
 * An entry in the usual shape is read by PersonPattern (roster-pattern.ts), a regular expression
 * that stands for what the reader would read; any other, by the reader (simple-yaml.ts), and its
 * values checked by PersonReader.
 */

/**
 * The roster, when `text` is a valid roster in the plain style; undefined at any doubt.
 * `pattern: false` (for tests) reads every entry with the generic reader.
 */
export function readValidRoster(text: string, { pattern = true } = {}): Roster | undefined {
  const people = readPeople(text, pattern);
  if (!people || !allUnique(people)) return undefined;
  const byUsername = indexByUsername(people);
  return byUsername && resolveManagers(people, byUsername) ? people : undefined;
}

/** Each person as checkPerson builds them; undefined when anything is off. */
function readPeople(text: string, usePattern: boolean): RosterPerson[] | undefined {
  const strings = new SharedStrings();
  const pattern = usePattern ? new PersonPattern(strings) : undefined;
  const reader = new PersonReader(strings);
  const people: RosterPerson[] = [];
  try {
    const items = new SimpleSequence(text);
    while (items.next()) {
      let person = pattern?.person(items.reader, items.keyColumn);
      if (!person) {
        const item = items.item();
        person = reader.person(item.value, item.line);
      }
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

/** Checks the values the reader read for a person. */
class PersonReader {
  constructor(private readonly strings: SharedStrings) {}

  /** The person as checkPerson builds them; undefined when anything is off. */
  person(fields: PlainMap, line: number): RosterPerson | undefined {
    if (!hasOnly(fields, PERSON_KEY_SET)) return undefined;
    const name = text(fields.name);
    const email = text(fields.email);
    const gitlab = fields.gitlab;
    if (name === undefined || email === undefined || !isEmail(email) || !isMap(gitlab) || !hasOnly(gitlab, GITLAB_KEYS))
      return undefined;
    const username = text(gitlab.username);
    if (username === undefined || !isGitLabUsername(username)) return undefined;
    let reportsTo: string | null = null;
    if (fields.reports_to != null) {
      reportsTo = text(fields.reports_to) ?? null;
      if (reportsTo === null || !isGitLabUsername(reportsTo)) return undefined;
    }

    let zendesk: ZendeskSection | undefined;
    if (fields.zendesk != null) {
      const section = fields.zendesk;
      if (!isMap(section) || !hasOnly(section, INSTANCE_KEYS)) return undefined;
      const main = section.main == null ? undefined : this.zendeskAccount(section.main);
      const usFederal = section.us_federal == null ? undefined : this.zendeskAccount(section.us_federal);
      if ((section.main != null && !main) || (section.us_federal != null && !usFederal)) return undefined;
      zendesk = zendeskOf(main, usFederal);
    }
    let calendly: CalendlySection | undefined;
    if (fields.calendly != null) {
      const section = fields.calendly;
      if (!isMap(section) || !hasOnly(section, CALENDLY_KEYS)) return undefined;
      const calendlyEmail = text(section.email);
      const role = oneOf(section.role, CALENDLY_ROLES);
      if (calendlyEmail === undefined || !isEmail(calendlyEmail) || role === undefined) return undefined;
      calendly = { email: calendlyEmail, role };
    }
    let pagerduty: PagerDutySection | undefined;
    if (fields.pagerduty != null) {
      const section = fields.pagerduty;
      if (!isMap(section) || !hasOnly(section, PAGERDUTY_KEYS)) return undefined;
      const id = text(section.id);
      const schedules =
        section.schedules == null ? [] : this.texts(section.schedules, (value) => this.strings.schedule(value));
      let role: PagerDutyRole | undefined;
      if (section.role != null) {
        role = oneOf(section.role, PAGERDUTY_ROLES);
        if (role === undefined) return undefined;
      }
      if (id === undefined || !isPagerDutyId(id) || schedules === undefined) return undefined;
      pagerduty = pagerDutyOf(id, schedules, role);
    }
    return newPerson(line, name, email, username, reportsTo, zendesk, calendly, pagerduty);
  }

  /** As checkZendeskAccount: an optional positive integer id, a role, optional group names. */
  private zendeskAccount(value: PlainValue): ZendeskAccount | undefined {
    if (!isMap(value) || !hasOnly(value, ACCOUNT_KEYS)) return undefined;
    const id = value.id;
    if (id != null && !(typeof id === 'number' && Number.isSafeInteger(id) && id > 0)) return undefined;
    const role = text(value.role);
    const groups = value.groups == null ? [] : this.texts(value.groups, (group) => this.strings.name(group));
    if (role === undefined || groups === undefined) return undefined;
    return id == null ? { role: this.strings.name(role), groups } : { id, role: this.strings.name(role), groups };
  }

  /** As the checker's stringList: non-empty strings (trimmed), each as `share` keeps it (undefined: not valid). The reader's own list, its items replaced. */
  private texts(value: PlainValue, share: (value: string) => string | undefined): string[] | undefined {
    if (!Array.isArray(value)) return undefined;
    for (let index = 0; index < value.length; index++) {
      const trimmed = text(value[index]);
      const shared = trimmed === undefined ? undefined : share(trimmed);
      if (shared === undefined) return undefined;
      value[index] = shared;
    }
    return value as string[];
  }
}

function isMap(value: PlainValue | undefined): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Like the checker's mapping: no key but `keys` (an unknown key is a problem). */
function hasOnly(map: PlainMap, keys: ReadonlySet<string>): boolean {
  for (const key in map) if (!keys.has(key)) return false;
  return true;
}

/** One copy of each of the values many people share, by their text. */
export class SharedStrings {
  private readonly names = new Map<string, string>();
  private readonly schedules = new Map<string, string>();

  /** A Zendesk role or group name (Zendesk's built-in roles are the constants). */
  name(value: string): string {
    const builtin = ZENDESK_BUILTIN_ROLES.indexOf(value as ZendeskBuiltinRole);
    if (builtin !== -1) return ZENDESK_BUILTIN_ROLES[builtin]!;
    let copy = this.names.get(value);
    if (copy === undefined) this.names.set(value, (copy = own(value)));
    return copy;
  }

  /** A schedule id; undefined when it is not one. */
  schedule(value: string): string | undefined {
    let copy = this.schedules.get(value);
    if (copy === undefined) {
      if (!isPagerDutyId(value)) return undefined;
      this.schedules.set(value, (copy = own(value)));
    }
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
    const mainId = person.zendesk?.main?.id;
    if (mainId !== undefined && !isNew(zendeskIds.main, mainId)) return false;
    const usFederalId = person.zendesk?.us_federal?.id;
    if (usFederalId !== undefined && !isNew(zendeskIds.us_federal, usFederalId)) return false;
    if (person.pagerduty && !isNew(pagerdutyIds, person.pagerduty.id)) return false;
  }
  // A Calendly email is mostly its owner's email, and two of those are the same only when two
  // emails are. Any other is compared with every Calendly email, and with every email as well
  // (more than it must: in doubt, the full path decides).
  const otherCalendlyEmails = new Set<string>();
  for (const person of people) {
    if (!person.calendly || person.calendly.email === person.email) continue;
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
