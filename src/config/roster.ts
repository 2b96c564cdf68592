import { Checker, type Fields, quote, suggest, type At } from './validate.js';
import { ConfigError } from './errors.js';
import { formatProblem, parseYaml, readTextFile } from './yaml-source.js';
import { readValidRoster } from './roster-fast.js';
import { PERSON_KEYS, isEmail, isGitLabUsername, isPagerDutyId } from './roster-rules.js';
import {
  CALENDLY_ROLES,
  PAGERDUTY_ROLES,
  ZENDESK_INSTANCES,
  type Roster,
  type RosterPerson,
  type ZendeskAccount,
} from './types.js';

export { isEmail, isGitLabUsername, isPagerDutyId };

/** Checks a GitLab username field; shared with the audit config. */
export function checkUsername(checker: Checker, at: At): string | undefined {
  return checker.matching(at, isGitLabUsername, (value) =>
    value.startsWith('@') && isGitLabUsername(value.slice(1))
      ? `${quote(value)} is not a GitLab username (drop the leading @)`
      : `${quote(value)} is not a GitLab username (letters, digits, _ - . only)`,
  );
}

/** Reads and validates a roster file. Every problem is collected into one ConfigError. */
export function loadRoster(file: string): Roster {
  return parseRoster(readTextFile(file), file);
}

interface Seen {
  index: number;
  line: number;
  name: string | undefined;
}

/**
 * Validates roster YAML text; `file` names it in messages. A valid roster in the plain style
 * rosters are written in is read by the fast path (config/roster-fast.ts); anything else, and
 * every roster with a problem, goes through the full YAML parser and checker, which report each
 * problem with its line. The result is the same either way.
 */
export function parseRoster(text: string, file: string): Roster {
  return readValidRoster(text) ?? parseRosterFully(text, file);
}

/** The full path: the YAML parser and the checker, every problem reported. */
export function parseRosterFully(text: string, file: string): Roster {
  const checker = new Checker(parseYaml(text, file));
  const root = checker.root();
  if (root.node === null)
    throw new ConfigError([formatProblem(file, 1, [], 'roster is empty; expected a list of people')]);
  const items = checker.list(root, 'people');
  if (!items) return checker.throwIfAny() as never;
  return checkPeople(checker, items);
}

function checkPeople(checker: Checker, items: Iterable<At>): Roster {
  const people: Array<CheckedPerson | undefined> = [];
  const duplicates = new DuplicateFinder(checker);
  for (const itemAt of items) {
    const fields = checker.mapping(itemAt, PERSON_KEYS, 'a person');
    if (!fields) {
      people.push(undefined);
      continue;
    }
    const checked = checkPerson(checker, fields, itemAt);
    const { person } = checked;
    const who: Seen = { index: itemAt.path[0] as number, line: itemAt.line, name: checked.name || undefined };
    duplicates.check(checked.usernameAt, checked.username.toLowerCase(), quote(checked.username), who);
    duplicates.check(checked.emailAt, checked.email.toLowerCase(), quote(checked.email), who);
    for (const instance of ZENDESK_INSTANCES) {
      const account = person.zendesk?.[instance];
      if (account?.id !== undefined)
        duplicates.check(checked.zendeskIdAt[instance], `zendesk.${instance}:${account.id}`, String(account.id), who);
    }
    if (person.calendly) {
      duplicates.check(
        checked.calendlyEmailAt,
        `calendly:${person.calendly.email.toLowerCase()}`,
        quote(person.calendly.email),
        who,
      );
    }
    if (person.pagerduty) {
      duplicates.check(checked.pagerdutyIdAt, `pagerduty:${person.pagerduty.id}`, quote(person.pagerduty.id), who);
    }
    // Only what checkManagers reads is kept (reports_to's place, not its node): every field's place, for 50,000 people, is hundreds of MB.
    const reportsToAt = checked.reportsToAt && { ...checked.reportsToAt, node: null };
    people.push({
      ...checked,
      usernameAt: undefined,
      emailAt: undefined,
      reportsToAt,
      zendeskIdAt: {},
      calendlyEmailAt: undefined,
      pagerdutyIdAt: undefined,
    });
  }

  checkManagers(checker, people);
  checker.throwIfAny();
  return people.map((checked) => checked!.person);
}

/** A person as checked, with the places of the values other checks point at. Invalid values are ''. */
interface CheckedPerson {
  person: RosterPerson;
  name: string;
  username: string;
  email: string;
  usernameAt: At | undefined;
  emailAt: At | undefined;
  reportsToAt: At | undefined;
  zendeskIdAt: Partial<Record<(typeof ZENDESK_INSTANCES)[number], At>>;
  calendlyEmailAt: At | undefined;
  pagerdutyIdAt: At | undefined;
}

function checkPerson(checker: Checker, fields: Fields, itemAt: At): CheckedPerson {
  const nameAt = fields.require('name');
  const name = nameAt ? checker.string(nameAt) : undefined;

  const emailAt = fields.require('email');
  const email = emailAt ? checkEmail(checker, emailAt) : undefined;

  let username: string | undefined;
  let usernameAt: At | undefined;
  const gitlabAt = fields.require('gitlab');
  if (gitlabAt) {
    const gitlab = checker.mapping(gitlabAt, ['username']);
    if (gitlab) {
      usernameAt = gitlab.require('username');
      if (usernameAt) username = checkUsername(checker, usernameAt);
    }
  }

  const reportsToAt = fields.get('reports_to');
  let reportsTo: string | null = null;
  if (reportsToAt) reportsTo = checkUsername(checker, reportsToAt) ?? null;

  const person: RosterPerson = {
    name: name ?? '',
    email: email ?? '',
    gitlab: { username: username ?? '' },
    reports_to: reportsTo,
    line: itemAt.line,
  };
  const checked: CheckedPerson = {
    person,
    name: name ?? '',
    username: username ?? '',
    email: email ?? '',
    usernameAt: username === undefined ? undefined : usernameAt,
    emailAt: email === undefined ? undefined : emailAt,
    reportsToAt: reportsTo === null ? undefined : reportsToAt,
    zendeskIdAt: {},
    calendlyEmailAt: undefined,
    pagerdutyIdAt: undefined,
  };

  const zendeskAt = fields.get('zendesk');
  if (zendeskAt) {
    const zendesk = checker.mapping(zendeskAt, ZENDESK_INSTANCES, 'Zendesk instances');
    if (zendesk) {
      for (const instance of ZENDESK_INSTANCES) {
        const accountAt = zendesk.get(instance);
        if (!accountAt) continue;
        const account = checkZendeskAccount(checker, accountAt);
        if (account) {
          (person.zendesk ??= {})[instance] = account.account;
          if (account.idAt) checked.zendeskIdAt[instance] = account.idAt;
        }
      }
    }
  }

  const calendlyAt = fields.get('calendly');
  if (calendlyAt) {
    const calendly = checker.mapping(calendlyAt, ['email', 'role']);
    if (calendly) {
      const calendlyEmailAt = calendly.require('email');
      const calendlyEmail = calendlyEmailAt ? checkEmail(checker, calendlyEmailAt) : undefined;
      const roleAt = calendly.require('role');
      const role = roleAt ? checker.oneOf(roleAt, CALENDLY_ROLES) : undefined;
      if (calendlyEmail !== undefined && role !== undefined) {
        person.calendly = { email: calendlyEmail, role };
        checked.calendlyEmailAt = calendlyEmailAt;
      }
    }
  }

  const pagerdutyAt = fields.get('pagerduty');
  if (pagerdutyAt) {
    const pagerduty = checker.mapping(pagerdutyAt, ['id', 'schedules', 'role']);
    if (pagerduty) {
      const idAt = pagerduty.require('id');
      const id = idAt ? checkPagerDutyId(checker, idAt, 'user') : undefined;
      const schedulesAt = pagerduty.get('schedules');
      const schedules = schedulesAt
        ? checker.stringList(schedulesAt, (at) => checkPagerDutyId(checker, at, 'schedule'), 'PagerDuty schedule ids')
        : [];
      // Optional: the PagerDuty role the person should have (compared by the audit).
      const roleAt = pagerduty.get('role');
      const role = roleAt ? checker.oneOf(roleAt, PAGERDUTY_ROLES) : undefined;
      if (id !== undefined && schedules !== undefined && (roleAt === undefined || role !== undefined)) {
        person.pagerduty = role === undefined ? { id, schedules } : { id, schedules, role };
        checked.pagerdutyIdAt = idAt;
      }
    }
  }
  return checked;
}

function checkEmail(checker: Checker, at: At): string | undefined {
  return checker.matching(at, isEmail, (value) => `${quote(value)} is not an email address`, 'an email address');
}

export function checkPagerDutyId(checker: Checker, at: At, kind: 'user' | 'schedule'): string | undefined {
  const example = kind === 'user' ? 'PABC123' : 'P89ZYHZ';
  return checker.matching(
    at,
    isPagerDutyId,
    (value) => `${quote(value)} is not a PagerDuty ${kind} id (e.g. ${example})`,
    `a PagerDuty ${kind} id`,
  );
}

function checkZendeskAccount(checker: Checker, at: At): { account: ZendeskAccount; idAt?: At } | undefined {
  const fields = checker.mapping(at, ['id', 'role', 'groups'], 'a Zendesk account');
  if (!fields) return undefined;
  // Optional: a person marked for the instance whose account does not exist yet has no id.
  const idAt = fields.get('id');
  const id = idAt ? checker.positiveInteger(idAt) : undefined;
  // agent | admin | light_agent, or the name of a custom role: any non-empty string.
  const roleAt = fields.require('role');
  const role = roleAt ? checker.string(roleAt, 'a role (agent, admin, light_agent or a custom role name)') : undefined;
  const groupsAt = fields.get('groups');
  const groups = groupsAt ? checker.stringList(groupsAt, undefined, 'Zendesk group names') : [];
  if ((idAt && id === undefined) || role === undefined || groups === undefined) return undefined;
  return id === undefined ? { account: { role, groups } } : { account: { id, role, groups }, idAt };
}

/** Remembers values that must be unique; a repeat is reported at its line, naming the first one's line. */
class DuplicateFinder {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly checker: Checker) {}

  /** `key` identifies the value within its field (e.g. `pagerduty:PABC123`); `shown` is how messages show it. */
  check(at: At | undefined, key: string, shown: string, who: Seen): void {
    if (!at) return;
    const first = this.seen.get(key);
    if (!first) {
      this.seen.set(key, { ...who, line: at.line });
      return;
    }
    const name = first.name ? ` ${first.name}` : '';
    this.checker.fail(at, `duplicate ${shown}, also at line ${first.line} ([${first.index}]${name})`);
  }
}

/** Every reports_to names someone in the roster; nobody is their own (indirect) manager. */
function checkManagers(checker: Checker, people: Array<CheckedPerson | undefined>): void {
  const byUsername = new Map<string, CheckedPerson>();
  for (const person of people) {
    const username = person?.username;
    if (username && !byUsername.has(username.toLowerCase())) byUsername.set(username.toLowerCase(), person);
  }
  const usernames = [...byUsername.values()].map((person) => person.username);

  // Resolve every manager to the canonical spelling of their username.
  const manager = new Map<string, string>();
  for (const person of people) {
    if (!person) continue;
    const wanted = person.person.reports_to;
    if (wanted === null || !person.reportsToAt) continue;
    const found = byUsername.get(wanted.toLowerCase());
    if (!found) {
      const near = suggest(wanted, usernames);
      checker.fail(
        person.reportsToAt,
        `${quote(wanted)} is not a gitlab.username in this roster${near ? ` (did you mean ${quote(near)}?)` : ''}`,
      );
      continue;
    }
    person.person.reports_to = found.username;
    const self = person.username.toLowerCase();
    // With duplicate usernames (already reported), only the first entry takes part in the tree.
    if (self && byUsername.get(self) === person) manager.set(self, found.username.toLowerCase());
  }

  // Each person has at most one manager, so following reports_to from anyone either ends at the
  // top of the tree or runs into a cycle. Name each cycle once, starting from its first member in
  // roster order, at that member's reports_to line.
  const state = new Map<string, 'walking' | 'done'>();
  for (const person of people) {
    const start = person?.username.toLowerCase();
    if (!start || state.has(start)) continue;
    const walk: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && !state.has(current)) {
      state.set(current, 'walking');
      walk.push(current);
      current = manager.get(current);
    }
    if (current !== undefined && state.get(current) === 'walking') {
      const cycle = walk.slice(walk.indexOf(current));
      const members = cycle.map((username) => byUsername.get(username)!);
      const first = members.reduce((a, b) => (a.person.line <= b.person.line ? a : b));
      const from = cycle.indexOf(first.username.toLowerCase());
      const ordered = [...cycle.slice(from), ...cycle.slice(0, from)].map(
        (username) => byUsername.get(username)!.username,
      );
      const message =
        ordered.length === 1
          ? `${ordered[0]} reports to themselves`
          : `reports_to cycle: ${[...ordered, ordered[0]].join(' -> ')}`;
      checker.fail(first.reportsToAt!, message);
    }
    for (const username of walk) state.set(username, 'done');
  }
}
