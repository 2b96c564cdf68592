import type { PlatformModule, UniqueValue } from '../platforms/contract.js';
import { PLATFORM_MODULES } from '../platforms/registry.js';
import { ConfigError } from './errors.js';
import { checkEmail, checkUsername } from './roster-rules.js';
import type { Roster, RosterPerson } from './types.js';
import { Checker, quote, suggest, type At, type Fields } from './validate.js';
import { readListItems, yamlSourceMap } from './yaml-lines.js';
import { formatProblem, readTextFile } from './yaml-source.js';

/** The keys of an entry every person has; each platform adds its section, under its module's id. */
const PERSON_KEYS = ['name', 'email', 'gitlab', 'reports_to'];
const GITLAB_KEYS = ['username'];

/** Values of an entry no two people may share (before those of its sections). */
const PERSON_UNIQUE: readonly UniqueValue[] = [
  { path: ['gitlab', 'username'], ignoreCase: true },
  { path: ['email'], ignoreCase: true },
];

/** Reads and validates a roster file. Every problem is collected into one ConfigError. */
export function loadRoster(file: string, modules: readonly PlatformModule[] = PLATFORM_MODULES): Roster {
  return parseRoster(readTextFile(file), file, modules);
}

/**
 * Validates roster YAML text; `file` names it in messages, each problem with its line. `modules`
 * are the platforms whose sections an entry may hold.
 */
export function parseRoster(text: string, file: string, modules: readonly PlatformModule[] = PLATFORM_MODULES): Roster {
  const { people, checker } = checkRoster(text, file, modules);
  // The problems get their lines from a second reading of the text.
  checker.throwIfAny();
  return people!;
}

/** The people, or undefined when the roster has problems (the checker holds them). */
function checkRoster(
  text: string,
  file: string,
  modules: readonly PlatformModule[],
): { people: Roster | undefined; checker: Checker } {
  const checker = new Checker(file, (paths) => yamlSourceMap(text, file, paths));
  const people = new PeopleCheck(checker, modules);
  // Each entry is checked as soon as it is read: the entries as read are not all kept at once.
  const value = readListItems(text, file, (item, index, line) => people.check(item, index, line));
  if (value === null) throw new ConfigError([formatProblem(file, 1, [], 'roster is empty; expected a list of people')]);
  if (!Array.isArray(value)) checker.mustBe(checker.root(value), 'a list of people');
  return { people: people.finish(), checker };
}

/** A person as checked: the entry (its place only), and whether its reports_to is a valid username. */
interface CheckedPerson {
  person: RosterPerson;
  at: At;
  reportsTo: boolean;
}

/** Checks the entries one at a time, then how they relate (who reports to whom). */
class PeopleCheck {
  private readonly people: CheckedPerson[] = [];
  private readonly duplicates: DuplicateFinder;
  /** The top-level list, for the entries' paths. */
  private readonly list: At = { value: undefined };
  private readonly keys: readonly string[];

  constructor(
    private readonly checker: Checker,
    private readonly modules: readonly PlatformModule[],
  ) {
    this.duplicates = new DuplicateFinder(checker, modules);
    this.keys = [...PERSON_KEYS, ...modules.map((module) => module.id)];
  }

  check(entry: unknown, index: number, line: number): void {
    const itemAt = { value: entry, parent: this.list, key: index };
    const fields = this.checker.mapping(itemAt, this.keys, 'a person');
    if (!fields) return;
    const { person, reportsTo } = checkPerson(this.checker, fields, line, this.modules);
    this.duplicates.checkPerson(itemAt, index, person);
    this.people.push({ person, at: { value: undefined, parent: this.list, key: index }, reportsTo });
  }

  /** The people, when no problem was found. */
  finish(): Roster | undefined {
    checkManagers(this.checker, this.people);
    return this.checker.hasProblems ? undefined : this.people.map((checked) => checked.person);
  }
}

/** The person as the audit reads them; a value that is not valid is '' (or absent, for a section). */
function checkPerson(
  checker: Checker,
  fields: Fields,
  line: number,
  modules: readonly PlatformModule[],
): { person: RosterPerson; reportsTo: boolean } {
  const nameAt = fields.require('name');
  const name = nameAt ? checker.string(nameAt) : undefined;

  const emailAt = fields.require('email');
  const email = emailAt ? checkEmail(checker, emailAt) : undefined;

  const gitlabAt = fields.require('gitlab');
  const gitlab = gitlabAt && checker.mapping(gitlabAt, GITLAB_KEYS);
  const usernameAt = gitlab && gitlab.require('username');
  const username = usernameAt ? checkUsername(checker, usernameAt) : undefined;

  const reportsToAt = fields.get('reports_to');
  const reportsTo = (reportsToAt && checkUsername(checker, reportsToAt)) ?? null;

  const person: RosterPerson = {
    name: name ?? '',
    email: email ?? '',
    gitlab: { username: username ?? '' },
    reports_to: reportsTo,
    line,
  };
  for (const module of modules) {
    const sectionAt = fields.get(module.id);
    const section = sectionAt && module.roster.check(checker, sectionAt);
    if (section) Object.assign(person, { [module.id]: section });
  }
  return { person, reportsTo: reportsTo !== null };
}

/** Remembers values that must be unique; a repeat is reported at its line, naming the first one's line. */
class DuplicateFinder {
  /** For each rule, the index of the first entry with each value (as compared). */
  private readonly seen = new Map<UniqueValue, Map<unknown, number>>();
  /** Each entry's name, by index, for messages. */
  private readonly names: string[] = [];

  constructor(
    private readonly checker: Checker,
    private readonly modules: readonly PlatformModule[],
  ) {}

  /** Checks the values of entry `index` (at `itemAt`): its own, then its sections'. */
  checkPerson(itemAt: At, index: number, person: RosterPerson): void {
    this.names[index] = person.name;
    for (const unique of PERSON_UNIQUE) this.check(unique, person, itemAt, []);
    for (const { id, roster } of this.modules) {
      const section = (person as unknown as Record<string, object | undefined>)[id];
      if (section) for (const unique of roster.unique) this.check(unique, section, itemAt, [id]);
    }
  }

  /** Checks the value at `unique.path` in `holder` (the valid values at `within` in the entry), if there is one. */
  private check(unique: UniqueValue, holder: object, itemAt: At, within: readonly string[]): void {
    let value: unknown = holder;
    for (const key of unique.path) value = (value as Record<string, unknown> | undefined)?.[key];
    // Strings and numbers (Zendesk ids); '' stands for a value that is not valid.
    if ((typeof value !== 'string' && typeof value !== 'number') || value === '') return;
    const key = unique.ignoreCase ? String(value).toLowerCase() : value;
    let seen = this.seen.get(unique);
    if (!seen) this.seen.set(unique, (seen = new Map<unknown, number>()));
    const index = itemAt.key as number;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    const path = [...within, ...unique.path];
    const at = path.reduce<At>((parent, key) => ({ value: undefined, parent, key }), itemAt);
    const shown = typeof value === 'string' ? quote(value) : String(value);
    const name = this.names[first] ? ` ${this.names[first]}` : '';
    this.checker.failDuplicate(at, shown, [first, ...path], ` ([${first}]${name})`);
  }
}

/** Every reports_to names someone in the roster; nobody is their own (indirect) manager. */
function checkManagers(checker: Checker, people: CheckedPerson[]): void {
  const byUsername = new Map<string, CheckedPerson>();
  for (const checked of people) {
    const username = checked.person.gitlab.username;
    if (username && !byUsername.has(username.toLowerCase())) byUsername.set(username.toLowerCase(), checked);
  }
  const usernames = [...byUsername.values()].map((checked) => checked.person.gitlab.username);

  // Resolve every manager to the canonical spelling of their username.
  const manager = new Map<string, string>();
  for (const checked of people) {
    const { person } = checked;
    const wanted = person.reports_to;
    if (wanted === null || !checked.reportsTo) continue;
    const found = byUsername.get(wanted.toLowerCase());
    if (!found) {
      const near = suggest(wanted, usernames);
      checker.fail(
        reportsToAt(checked),
        `${quote(wanted)} is not a gitlab.username in this roster${near ? ` (did you mean ${quote(near)}?)` : ''}`,
      );
      continue;
    }
    person.reports_to = found.person.gitlab.username;
    const self = person.gitlab.username.toLowerCase();
    // With duplicate usernames (already reported), only the first entry takes part in the tree.
    if (self && byUsername.get(self) === checked) manager.set(self, found.person.gitlab.username.toLowerCase());
  }

  // Each person has at most one manager, so following reports_to from anyone either ends at the
  // top of the tree or runs into a cycle. Name each cycle once, starting from its first member in
  // roster order, at that member's reports_to line.
  const state = new Map<string, 'walking' | 'done'>();
  for (const checked of people) {
    const start = checked.person.gitlab.username.toLowerCase();
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
      const from = cycle.indexOf(first.person.gitlab.username.toLowerCase());
      const ordered = [...cycle.slice(from), ...cycle.slice(0, from)].map(
        (username) => byUsername.get(username)!.person.gitlab.username,
      );
      const message =
        ordered.length === 1
          ? `${ordered[0]} reports to themselves`
          : `reports_to cycle: ${[...ordered, ordered[0]].join(' -> ')}`;
      checker.fail(reportsToAt(first), message);
    }
    for (const username of walk) state.set(username, 'done');
  }
}

function reportsToAt(checked: CheckedPerson): At {
  return { value: checked.person.reports_to, parent: checked.at, key: 'reports_to' };
}
