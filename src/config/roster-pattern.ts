import { LINE_END, SCALAR, scalarValue, type SimpleReader } from './simple-yaml.js';
import {
  isEmail,
  isGitLabUsername,
  isPagerDutyId,
  newPerson,
  oneOf,
  pagerDutyOf,
  text,
  zendeskOf,
  type CalendlySection,
  type PagerDutySection,
} from './roster-rules.js';
import { CALENDLY_ROLES, PAGERDUTY_ROLES, type RosterPerson, type ZendeskAccount } from './types.js';
import type { SharedStrings } from './roster-fast.js';

/*
 * Reads a roster entry written in the usual shape with one regular expression: a native match
 * instead of a walk through its characters in JavaScript, which at 50,000 people is where the
 * generic reader spent its time. The shape, keys at column K:
 *
 *   - name: …
 *     email: …
 *     gitlab: { username: … }
 *     reports_to: …                                      (optional)
 *     zendesk:                                           (optional)
 *       main: { id: …, role: …, groups: [ …, … ] }       (optional; so are the id and groups)
 *       us_federal: { id: …, role: …, groups: [ … ] }    (optional; likewise)
 *     calendly: { email: …, role: … }                    (optional)
 *     pagerduty: { id: …, schedules: [ … ], role: … }    (optional; so are the schedules and role)
 *
 * with scalars plain or quoted, any number of spaces where the reader skips them, and comments at
 * the ends of lines. What it matches, SimpleReader reads the same way (the scalars and line ends
 * are simple-yaml.ts's own patterns), so the values here are the reader's; they are checked as
 * PersonReader (roster-fast.ts) checks them. An entry in any other shape, or with anything to
 * doubt, is left to the generic reader.
 */

const S = `(${SCALAR})`;
/** A flow list of scalars, its items captured as one text (LIST_ITEM reads them). */
const LIST = String.raw`\[ *((?:${SCALAR})(?: *, *(?:${SCALAR}))*)? *\]`;
const LIST_ITEM = new RegExp(`(${SCALAR})(?: *, *)?`, 'y');
const ACCOUNT = String.raw`\{ *(?:id: +([0-9]+) *, *)?role: +${S}(?: *, *groups: +${LIST})? *\}`;

/** The captures of personPattern, numbered in the order their parentheses open. */
const Group = {
  Name: 1,
  Email: 2,
  Username: 3,
  ReportsTo: 4,
  Zendesk: 5,
  MainId: 6,
  MainRole: 7,
  MainGroups: 8,
  UsFederalId: 9,
  UsFederalRole: 10,
  UsFederalGroups: 11,
  CalendlyEmail: 12,
  CalendlyRole: 13,
  PagerDutyId: 14,
  Schedules: 15,
  PagerDutyRole: 16,
} as const;

/** A backreference to the email as written: a Calendly email written the same is not captured again. */
const SAME_AS_EMAIL = `\\${Group.Email}`;

function personPattern(column: number): RegExp {
  const key = ' '.repeat(column);
  const account = ' '.repeat(column + 2);
  const line = (indent: string, start: string, rest: string) => `${indent}${start}${rest}${LINE_END}`;
  return new RegExp(
    [
      line('', 'name: +', S),
      line(key, 'email: +', S),
      line(key, 'gitlab: +', String.raw`\{ *username: +${S} *\}`),
      `(?:${line(key, 'reports_to: +', S)})?`,
      `(?:${line(key, 'zendesk:', '()')}`,
      `(?:${line(account, 'main: +', ACCOUNT)})?`,
      `(?:${line(account, 'us_federal: +', ACCOUNT)})?)?`,
      `(?:${line(key, 'calendly: +', String.raw`\{ *email: +(?:${SAME_AS_EMAIL}|${S}) *, *role: +${S} *\}`)})?`,
      `(?:${line(key, 'pagerduty: +', String.raw`\{ *id: +${S}(?: *, *schedules: +${LIST})?(?: *, *role: +${S})? *\}`)})?`,
    ].join(''),
    'y',
  );
}

/** Groups that are there when their line is (all but the first three lines, which always are). */
const OPTIONAL_LINES = [
  Group.ReportsTo,
  Group.Zendesk,
  Group.MainRole,
  Group.UsFederalRole,
  Group.CalendlyRole,
  Group.PagerDutyId,
];

/** Reads entries in the usual shape; one instance reads a roster. */
export class PersonPattern {
  /** By key column. */
  private readonly patterns = new Map<number, RegExp>();
  /** Lists by their text (null: not valid). */
  private readonly groupLists = new Map<string, string[] | null>();
  private readonly scheduleLists = new Map<string, string[] | null>();
  /** The last reports_to found valid: people of a team follow one another. */
  private lastReportsTo: string | undefined;

  private readonly shareName: (value: string) => string;
  private readonly shareSchedule: (value: string) => string | undefined;

  constructor(private readonly strings: SharedStrings) {
    this.shareName = (value) => strings.name(value);
    this.shareSchedule = (value) => strings.schedule(value);
  }

  /**
   * The person whose entry starts on the reader's line, keys at `column`: then the reader is on
   * the line after the entry, as after SimpleReader.blockMap. Undefined (the reader where it was)
   * when the entry is not in the shape read here or not a valid person. Throws NotSimpleYaml, as
   * the reader would, for a plain scalar of a type outside the subset (`1.5`).
   */
  person(reader: SimpleReader, column: number): RosterPerson | undefined {
    let pattern = this.patterns.get(column);
    if (!pattern) this.patterns.set(column, (pattern = personPattern(column)));
    const { start, number } = reader;
    pattern.lastIndex = start + column;
    const match = pattern.exec(reader.text);
    if (!match) return undefined;
    let lines = 3;
    for (const group of OPTIONAL_LINES) if (match[group] !== undefined) lines++;
    reader.moveTo(pattern.lastIndex, number + lines);
    // blockMap would read on while the lines are the entry's keys, and reject deeper ones.
    if (!reader.atEnd && (reader.indent > column || (reader.indent === column && !reader.startsItem()))) {
      reader.moveTo(start, number);
      return undefined;
    }
    const person = this.check(match, number);
    if (!person) reader.moveTo(start, number);
    return person;
  }

  /** The person as PersonReader builds them from these values; undefined when anything is off. */
  private check(match: RegExpExecArray, line: number): RosterPerson | undefined {
    const name = string(match[Group.Name]);
    const email = string(match[Group.Email]);
    const username = string(match[Group.Username]);
    if (
      name === undefined ||
      email === undefined ||
      !isEmail(email) ||
      username === undefined ||
      !isGitLabUsername(username)
    )
      return undefined;
    let reportsTo: string | null = null;
    if (match[Group.ReportsTo] !== undefined) {
      const value = scalarValue(match[Group.ReportsTo]);
      if (value !== null) {
        reportsTo = text(value) ?? null;
        if (reportsTo === null || (reportsTo !== this.lastReportsTo && !isGitLabUsername(reportsTo))) return undefined;
        this.lastReportsTo = reportsTo;
      }
    }

    const main = this.account(match[Group.MainId], match[Group.MainRole], match[Group.MainGroups]);
    const usFederal = this.account(match[Group.UsFederalId], match[Group.UsFederalRole], match[Group.UsFederalGroups]);
    if (main === null || usFederal === null) return undefined;

    let calendly: CalendlySection | undefined;
    if (match[Group.CalendlyRole] !== undefined) {
      const calendlyEmail = match[Group.CalendlyEmail] === undefined ? email : string(match[Group.CalendlyEmail]);
      const role = oneOf(scalarValue(match[Group.CalendlyRole]!), CALENDLY_ROLES);
      if (calendlyEmail === undefined || (calendlyEmail !== email && !isEmail(calendlyEmail)) || role === undefined)
        return undefined;
      calendly = { email: calendlyEmail, role };
    }

    let pagerduty: PagerDutySection | undefined;
    if (match[Group.PagerDutyId] !== undefined) {
      const id = string(match[Group.PagerDutyId]);
      const schedules = this.list(match[Group.Schedules], this.scheduleLists, this.shareSchedule);
      const role = match[Group.PagerDutyRole] === undefined ? null : scalarValue(match[Group.PagerDutyRole]);
      // A null role is no role.
      const pagerdutyRole = role === null ? undefined : oneOf(role, PAGERDUTY_ROLES);
      if (
        id === undefined ||
        !isPagerDutyId(id) ||
        schedules === undefined ||
        (role !== null && pagerdutyRole === undefined)
      )
        return undefined;
      pagerduty = pagerDutyOf(id, schedules, pagerdutyRole);
    }
    return newPerson(line, name, email, username, reportsTo, zendeskOf(main, usFederal), calendly, pagerduty);
  }

  /** An account as PersonReader.zendeskAccount reads it; undefined when there is none, null when it is not valid. */
  private account(
    idText: string | undefined,
    roleText: string | undefined,
    groupsText: string | undefined,
  ): ZendeskAccount | undefined | null {
    if (roleText === undefined) return undefined;
    // Digits, which the reader reads as a number.
    const id = idText === undefined ? undefined : Number(idText);
    if (id !== undefined && !(Number.isSafeInteger(id) && id > 0)) return null;
    const role = string(roleText);
    const groups = this.list(groupsText, this.groupLists, this.shareName);
    if (role === undefined || groups === undefined) return null;
    const shared = this.strings.name(role);
    return id === undefined ? { role: shared, groups } : { id, role: shared, groups };
  }

  /**
   * The items of a list LIST captured (none when it captured nothing), each trimmed, not empty
   * and as `share` keeps it; undefined when one is not. Many people have the same list: `lists`
   * keeps the items by the list's text.
   */
  private list(
    listText: string | undefined,
    lists: Map<string, string[] | null>,
    share: (value: string) => string | undefined,
  ): string[] | undefined {
    if (listText === undefined) return [];
    let items = lists.get(listText);
    if (items === undefined) {
      items = [];
      LIST_ITEM.lastIndex = 0;
      while (LIST_ITEM.lastIndex < listText.length) {
        const item = string(LIST_ITEM.exec(listText)![1]);
        const shared = item === undefined ? undefined : share(item);
        if (shared === undefined) {
          items = null;
          break;
        }
        items.push(shared);
      }
      lists.set(listText, items);
    }
    // A copy for each person, of its own size (a list grown by pushing keeps room for 16 items).
    return items?.slice();
  }
}

/** A scalar as the checker's string takes it: trimmed, not empty; undefined for anything else. */
function string(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const value = scalarValue(token);
  // A plain scalar (no quotes) has nothing to trim, and something in it.
  return token[0] === '"' || token[0] === "'" ? text(value) : typeof value === 'string' ? value : undefined;
}
