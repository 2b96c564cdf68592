import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../../src/config/errors.js';
import { parseRoster, parseRosterFully } from '../../src/config/roster.js';
import { readValidRoster } from '../../src/config/roster-fast.js';
import { PersonPattern } from '../../src/config/roster-pattern.js';
import type { Roster } from '../../src/config/types.js';
import { SANDBOX_ROSTER } from '../../src/sandbox/environment.js';
import { buildOrganisation } from '../../bench/data.js';

/*
 * The fast path (config/roster-fast.ts) must give exactly what the full path (YAML parser and
 * checker) gives for every roster it reads, and read nothing the full path rejects; parseRoster,
 * which tries one and then the other, must always end as the full path does.
 */

type Outcome = { roster: Roster } | { problems: string[] };

function outcome(read: () => Roster): Outcome {
  try {
    return { roster: read() };
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems };
    throw error;
  }
}

/** Which path read `text` (`problem` when the full path reports one), and how the paths differ, if they do. */
function compare(text: string): { path: 'fast' | 'full' | 'problem'; difference?: string } {
  const full = outcome(() => parseRosterFully(text, 'roster.yml'));
  const fast = readValidRoster(text);
  // Entries in the usual shape are read by PersonPattern; the generic reader alone reads the same.
  const generic = readValidRoster(text, { pattern: false });
  if (!isDeepStrictEqual(fast, generic) || JSON.stringify(fast) !== JSON.stringify(generic)) {
    return {
      path: fast ? 'fast' : 'full',
      difference: `the pattern and the generic reader differ:\n${JSON.stringify(fast)}\n${JSON.stringify(generic)}`,
    };
  }
  if (fast === undefined) return { path: 'roster' in full ? 'full' : 'problem' };
  if (!('roster' in full))
    return {
      path: 'fast',
      difference: `the fast path read a roster the full path rejects: ${full.problems.join(' | ')}`,
    };
  // Deep-equal, with the same keys in the same order.
  if (!isDeepStrictEqual(fast, full.roster) || JSON.stringify(fast) !== JSON.stringify(full.roster)) {
    return { path: 'fast', difference: `different rosters:\n${JSON.stringify(fast)}\n${JSON.stringify(full.roster)}` };
  }
  return { path: 'fast' };
}

const lines = (...all: string[]) => `${all.join('\n')}\n`;

/** A valid roster with a bit of every style the fast path reads. */
const BASE = lines(
  '# The team', //                                                        1
  '- name: Ann Lee', //                                                   2
  '  email: ann@example.com', //                                          3
  '  gitlab: { username: ann }', //                                       4
  '  reports_to: null          # the top', //                             5
  '  zendesk:', //                                                        6
  '    main:       { id: 101, role: admin, groups: [Support AMER] }', //  7
  '    us_federal: { id: 201, role: agent, groups: [] }', //              8
  '  calendly: { email: ann@example.com, role: owner }', //               9
  '  pagerduty: { id: PANN001, schedules: [PSCHED1], role: owner }', //   10
  '', //                                                                  11
  '- name: "Ben Ode"', //                                                 12
  "  email: 'ben@example.com'", //                                        13
  '  gitlab:', //                                                         14
  '    username: Ben', //                                                 15
  '  reports_to: ann', //                                                 16
  '  zendesk:', //                                                        17
  '    main:', //                                                         18
  '      id: 102', //                                                     19
  '      role: Support Engineer', //                                      20
  '      groups:', //                                                     21
  '        - Support AMER', //                                            22
  '        - "Support EMEA"', //                                          23
  '  calendly: { email: ben.cal@example.com, role: user }', //            24
  '  pagerduty: { id: PBEN001 }', //                                      25
  '- name: Cy Moss', //                                                   26
  '  email: cy@example.com', //                                           27
  '  gitlab: { username: cy }', //                                        28
  '  reports_to: BEN', //                                                 29
  '  zendesk:', //                                                        30
  '    main: { role: agent }', //                                         31
);

/** BASE with line `line` (1-based) replaced by `text` (any number of lines, or none). */
function edit(line: number, ...text: string[]): string {
  const all = BASE.split('\n');
  all.splice(line - 1, 1, ...text);
  return all.join('\n');
}

describe('the fast roster path', () => {
  test.each([
    ['the base roster', BASE],
    ['quoted values with spaces to trim', edit(2, '- name: "  Ann Lee "')],
    ['comments, and blank lines with spaces', edit(11, '  # between', '   ', '# at the margin')],
    [
      'a calendly email spelled like the main one',
      edit(9, '  calendly: { email: ann@example.com, role: owner }  # same'),
    ],
    ['an account on the other instance with the same id', edit(8, '    us_federal: { id: 101, role: agent }')],
    ['an empty reports_to', edit(5, '  reports_to:')],
    ['no reports_to', edit(5)],
    ['a zendesk section with no account', edit(31, '    main:')],
    [
      'a compact block list',
      edit(22, '      - Support AMER').replace('        - "Support EMEA"', '      - "Support EMEA"'),
    ],
    ['an indented top-level list', BASE.replace(/^(.)/gm, '  $1')],
  ])('reads %s as the full path does', (_what, text) => {
    expect(compare(text)).toEqual({ path: 'fast' });
    expect(outcome(() => parseRoster(text, 'roster.yml'))).toEqual(outcome(() => parseRosterFully(text, 'roster.yml')));
  });

  test.each([
    ['CRLF line ends', BASE.replace(/\n/g, '\r\n')],
    ['a byte-order mark', `\ufeff${BASE}`],
    [
      'an anchor and an alias',
      edit(7, '    main: { id: 101, role: admin, groups: &amer [Support AMER] }').replace(
        'groups: []',
        'groups: *amer',
      ),
    ],
    [
      'a person in flow style',
      `${BASE}- { name: Dee, email: dee@example.com, gitlab: { username: dee }, reports_to: ann }\n`,
    ],
    ['a document start marker', `---\n${BASE}`],
    ['reports_to: ~', edit(5, '  reports_to: ~')],
    ['an empty flow mapping', edit(30, '  zendesk: {}').replace('    main: { role: agent }\n', '')],
    ['an email starting with calendly:', edit(27, '  email: "calendly:cy@example.com"')],
    ['a tab in a quoted name', edit(2, '- name: "Ann\tLee"')],
  ])('leaves %s to the full path, with the same result', (_what, text) => {
    expect(compare(text)).toEqual({ path: 'full' });
    expect(outcome(() => parseRoster(text, 'roster.yml'))).toEqual(outcome(() => parseRosterFully(text, 'roster.yml')));
  });

  test.each([
    ['an empty file', ''],
    ['only comments', '# nobody yet\n'],
    ['a mapping instead of a list', 'name: Ann\n'],
    ['a scalar item', `${BASE}- Dee\n`],
    ['a bad email', edit(3, '  email: ann@example')],
    ['an email that is a number', edit(3, '  email: 42')],
    ['an empty name', edit(2, '- name: ""')],
    ['a blank name', edit(2, "- name: '   '")],
    ['a missing name', edit(2, '- email: ann2@example.com').replace('  email: ann@example.com\n', '')],
    ['a null gitlab', edit(4, '  gitlab:')],
    ['a username with an @', edit(4, '  gitlab: { username: "@ann" }')],
    [
      'a username ending in .git',
      edit(4, '  gitlab: { username: ann.git }').replace('reports_to: ann\n', 'reports_to: ann.git\n'),
    ],
    ['a duplicate username, in another case', edit(28, '  gitlab: { username: ANN }')],
    ['a duplicate email, in another case', edit(27, '  email: Ann@Example.com')],
    ['a duplicate zendesk id', edit(19, '      id: 101')],
    ['a duplicate calendly email', edit(24, '  calendly: { email: ANN@example.com, role: user }')],
    [
      "an email that is another's Calendly email, as DuplicateFinder keys it",
      edit(27, '  email: "calendly:ben.cal@example.com"'),
    ],
    [
      'a duplicate username, of someone without reports',
      `${BASE}- name: Dee\n  email: dee@example.com\n  gitlab: { username: CY }\n  reports_to: ann\n`,
    ],
    ['a duplicate PagerDuty id', edit(25, '  pagerduty: { id: PANN001 }')],
    ['a bad PagerDuty id', edit(25, '  pagerduty: { id: pben001 }')],
    ['an unknown key', edit(16, '  reports_to: ann', '  slack: ben')],
    ['an unknown key in an account', edit(31, '    main: { role: agent, group: [x] }')],
    ['an unknown instance', edit(31, '    mian: { role: agent }')],
    ['an unknown manager', edit(29, '  reports_to: bne')],
    ['someone reporting to themselves', edit(29, '  reports_to: cy')],
    ['a reports_to cycle', edit(5, '  reports_to: cy')],
    ['a quoted zendesk id', edit(31, '    main: { id: "103", role: agent }')],
    ['a zero zendesk id', edit(31, '    main: { id: 0, role: agent }')],
    ['an unsafe zendesk id', edit(31, '    main: { id: 9007199254740993, role: agent }')],
    ['an empty group name', edit(8, '    us_federal: { id: 201, role: agent, groups: [""] }')],
    ['groups that are no list', edit(8, '    us_federal: { id: 201, role: agent, groups: Federal }')],
    ['a number for a group', edit(8, '    us_federal: { id: 201, role: agent, groups: [7] }')],
    ['a bad schedule id', edit(10, '  pagerduty: { id: PANN001, schedules: [psched1], role: owner }')],
    ['an unknown PagerDuty role', edit(10, '  pagerduty: { id: PANN001, role: boss }')],
    ['a calendly role in another case', edit(9, '  calendly: { email: ann@example.com, role: Owner }')],
    ['a calendly role with spaces', edit(9, '  calendly: { email: ann@example.com, role: " owner" }')],
    ['a missing calendly email', edit(9, '  calendly: { role: owner }')],
    ['a pagerduty section that is text', edit(25, '  pagerduty: PBEN001')],
    ['tab indentation', edit(3, '\temail: ann@example.com')],
    ['a duplicate key', edit(3, '  email: ann@example.com', '  email: ann2@example.com')],
    ['a boolean name', edit(2, '- name: true')],
    ['an unclosed flow list', edit(10, '  pagerduty: { id: PANN001, schedules: [ }')],
  ])('leaves %s to the full path, which reports it', (_what, text) => {
    expect(compare(text)).toEqual({ path: 'problem' });
    expect(outcome(() => parseRoster(text, 'roster.yml'))).toEqual(outcome(() => parseRosterFully(text, 'roster.yml')));
  });

  test('the sandbox roster, the example roster and a generated one: read by the fast path, as the full path reads them', () => {
    for (const text of [
      readFileSync(SANDBOX_ROSTER, 'utf8'),
      readFileSync('examples/roster.yml', 'utf8'),
      buildOrganisation(60, new Date('2026-11-24T09:00:00Z')).rosterYaml,
    ]) {
      expect(compare(text)).toEqual({ path: 'fast' });
    }
  });

  test('rosters in random styles, and random changes to them: always as the full path', () => {
    const random = seeded(20261124);
    const differences: string[] = [];
    const paths = { fast: 0, full: 0, problem: 0 };
    for (let round = 0; round < 30; round++) {
      const roster = variedRoster(random, 2 + Math.floor(random() * 5));
      const original = compare(roster);
      if (original.path !== 'fast' || original.difference)
        differences.push(`${original.difference ?? `read by the ${original.path} path`}\n${roster}`);
      for (let change = 0; change < 10; change++) {
        let text = roster;
        const count = random() < 0.7 ? 1 : 2 + Math.floor(random() * 2);
        for (let k = 0; k < count; k++) text = mutate(random, text);
        const result = compare(text);
        paths[result.path]++;
        if (result.difference) differences.push(`${result.difference}\n--- roster:\n${text}`);
      }
    }
    expect(differences).toEqual([]);
    // The changes reach all three endings, or they would prove little.
    expect(paths.fast).toBeGreaterThan(30);
    expect(paths.problem).toBeGreaterThan(100);
    expect(paths.full).toBeGreaterThan(10);
  });
});

describe('entries in the usual shape (PersonPattern)', () => {
  /** How many entries of `text` PersonPattern read; the others went to the generic reader. */
  function readByPattern(text: string): number {
    const person = PersonPattern.prototype.person;
    let count = 0;
    PersonPattern.prototype.person = function (...args) {
      const read = person.apply(this, args);
      if (read) count++;
      return read;
    };
    try {
      readValidRoster(text);
    } finally {
      PersonPattern.prototype.person = person;
    }
    return count;
  }

  test('reads every entry of the sandbox roster, the example roster and generated ones', () => {
    const organisation = buildOrganisation(300, new Date('2026-11-24T09:00:00Z'));
    for (const text of [
      readFileSync(SANDBOX_ROSTER, 'utf8'),
      readFileSync('examples/roster.yml', 'utf8'),
      organisation.rosterYaml,
    ]) {
      const people = readValidRoster(text)!;
      expect(readByPattern(text)).toBe(people.length);
    }
  });

  test.each([
    ['comments and quotes', BASE],
    [
      'padding, comments and quotes of every kind',
      lines(
        '-   name:   "Ann Lee"   # wide',
        "    email: 'ann@example.com'",
        '    gitlab: {username:   ann}',
        '    reports_to:   null',
        '    zendesk:  # both',
        "      main:       {   id: 101 ,   role: 'Support Engineer' ,groups: [  Support AMER , 'it''s' , \"x, y\"  ]  }  #",
        '      us_federal: { role: agent }',
        '    calendly: { email: "ann@example.com", role: owner }',
        "    pagerduty: { id: PANN001, role: 'owner' }",
        '-   name: Ben',
        '    email: ben@example.com',
        '    gitlab: { username: ben }',
        '    reports_to: Ann',
        '    calendly: { email: BEN@example.com, role: user }',
        '    pagerduty: { id: PBEN001, schedules: [PS1, "PS2"], role: null }',
      ),
    ],
  ])('reads %s as the generic reader does', (_what, text) => {
    expect(compare(text)).toEqual({ path: 'fast' });
    expect(readByPattern(text)).toBeGreaterThan(0);
  });

  test('every field of an entry, with values of every kind: as the generic reader and the full path', () => {
    const template = lines(
      '- name: {name}',
      '  email: {email}',
      '  gitlab: { username: {username} }',
      '  reports_to: {reports_to}',
      '  zendesk:',
      '    main: { id: {id}, role: {role}, groups: [{group}, Tier-2] }',
      '    us_federal: { id: 9, role: agent, groups: [] }',
      '  calendly: { email: {calendly_email}, role: {calendly_role} }',
      '  pagerduty: { id: {pagerduty_id}, schedules: [{schedule}], role: {pagerduty_role} }',
      '- name: Bo',
      '  email: bo@example.com',
      '  gitlab: { username: bok }',
      '  zendesk:',
      '    main: { role: admin }',
      '  pagerduty: { id: PBO0001 }',
    );
    const fields: Record<string, string> = {
      name: 'Ada Abe',
      email: 'ada@example.com',
      username: 'ada',
      reports_to: 'bok',
      id: '7',
      role: 'agent',
      group: '"Support AMER"',
      calendly_email: 'ada@example.com',
      calendly_role: 'owner',
      pagerduty_id: 'PADA001',
      schedule: 'PS1',
      pagerduty_role: 'user',
    };
    const values = [
      'null',
      'Null',
      '~',
      '""',
      "''",
      "' '",
      'true',
      'no',
      '12',
      '0',
      '007',
      '1.5',
      '9007199254740993',
      'x',
      'X Y',
      'é',
      'Zoë',
      '"é"',
      "'it''s'",
      '" x "',
      '"x"',
      "'x'",
      'bok',
      'BOK',
      'Bok',
      'ada',
      'ADA',
      'ada@example.com',
      'Ada@Example.com',
      '"ada@example.com"',
      'bo@example.com',
      'x@y.z',
      'calendly:x@y.z',
      'a.git',
      '@bo',
      'PS1',
      'PBO0001',
      'PADA001',
      'pada001',
      'P1',
      'owner',
      'Owner',
      'admin',
      'user',
      'observer',
      'light_agent',
      'Support Engineer',
      'a # b',
      'a#b',
      // With a Kelvin sign: "bok" in lower case, but no GitLab username.
      '"bo\u212a"',
    ];
    const differences: string[] = [];
    const paths = { fast: 0, full: 0, problem: 0 };
    for (const field of Object.keys(fields)) {
      for (const value of [fields[field]!, ...values]) {
        const text = template.replace(/\{(\w+)\}/g, (_, name: string) => (name === field ? value : fields[name]!));
        const result = compare(text);
        paths[result.path]++;
        if (result.difference) differences.push(`${field}: ${value}: ${result.difference}`);
      }
    }
    expect(differences).toEqual([]);
    expect(paths.fast).toBeGreaterThan(50);
    expect(paths.problem).toBeGreaterThan(200);
  });

  test('generated rosters with random changes in the places the pattern looks at: always as the generic reader and the full path', () => {
    const random = seeded(20261125);
    const pick = pickWith(random);
    const base = buildOrganisation(12, new Date('2026-11-24T09:00:00Z')).rosterYaml;
    const sandbox = readFileSync(SANDBOX_ROSTER, 'utf8');
    const differences: string[] = [];
    const paths = { fast: 0, full: 0, problem: 0 };
    let byPattern = 0;
    for (let round = 0; round < 400; round++) {
      let text = pick([base, sandbox, BASE]);
      const count = random() < 0.7 ? 1 : 2;
      for (let k = 0; k < count; k++) text = mutateShape(random, text);
      const result = compare(text);
      paths[result.path]++;
      if (result.difference) differences.push(`${result.difference}\n--- roster:\n${text}`);
      if (result.path === 'fast') byPattern += readByPattern(text) > 0 ? 1 : 0;
    }
    expect(differences).toEqual([]);
    expect(paths.fast).toBeGreaterThan(100);
    expect(paths.problem).toBeGreaterThan(50);
    expect(paths.full).toBeGreaterThan(20);
    expect(byPattern).toBeGreaterThan(80);
  });
});

/** Small changes to the spacing, quoting, comments, lines and values of an entry in the usual shape. */
function mutateShape(random: Random, text: string): string {
  const pick = pickWith(random);
  const all = text.split('\n');
  const at = Math.floor(random() * all.length);
  const line = all[at]!;
  const somewhere = (pattern: RegExp, replace: (found: string) => string): string => {
    const found = [...line.matchAll(pattern)];
    if (found.length === 0) return line;
    const chosen = pick(found);
    return line.slice(0, chosen.index) + replace(chosen[0]) + line.slice(chosen.index! + chosen[0].length);
  };
  switch (Math.floor(random() * 14)) {
    case 0: // spacing around the flow punctuation and colons
      all[at] = somewhere(/ *([:,{}[\]]) */g, (found) => pick(['', ' ', '  ']) + found.trim() + pick(['', ' ', '  ']));
      break;
    case 1: // quote or unquote a value
      all[at] = somewhere(/(?<=: +|\[ *|, *)[A-Za-z0-9_][\w.@+ -]*?(?= *[,}\]]| *$)/g, (found) =>
        pick([`"${found}"`, `'${found}'`, `" ${found}"`, `'${found}''x'`, found.toUpperCase()]),
      );
      break;
    case 2:
      all[at] = somewhere(/"[^"]*"|'[^']*'/g, (found) =>
        pick([found.slice(1, -1), `"${found.slice(1, -1)}\\t"`, `'${found.slice(1, -1)}'`, '""']),
      );
      break;
    case 3: // comments
      all[at] = line + pick(['  # note', '# note', ' #\tnote', ' # \u0001', '  #', ' # é']);
      break;
    case 4: // a line of its own in the entry
      all.splice(at, 0, pick(['', '  ', '  # inside', '# margin', '    # deeper']));
      break;
    case 5: // lines in another order, twice, or not at all
      if (at + 1 < all.length) [all[at], all[at + 1]] = [all[at + 1]!, all[at]!];
      break;
    case 6:
      all.splice(at, 0, line);
      break;
    case 7:
      all.splice(at, 1);
      break;
    case 8: // indentation
      all[at] = pick([
        ` ${line}`,
        line.replace(/^ /, ''),
        `  ${line}`,
        line.replace(/^ {2}/, ''),
        `\t${line.trimStart()}`,
      ]);
      break;
    case 9: // values of other types, or odd ones
      all[at] = somewhere(/(?<=: +)[^,{}[\]#]+?(?= *[,}]| *$)/g, () =>
        pick([
          'null',
          '~',
          'true',
          'True',
          '12',
          '0',
          '1.5',
          '0x1F',
          '""',
          "''",
          '" "',
          'a#b',
          'a: b',
          'é',
          'x\ty',
          'x\r',
          '-1',
          '9007199254740993',
          '007',
          '[]',
          '{}',
          'Null',
          'NO',
        ]),
      );
      break;
    case 10: // keys
      all[at] = somewhere(/[a-z_]+(?=:)/g, (found) =>
        pick([
          'main',
          'us_federal',
          'email',
          'role',
          'id',
          'groups',
          'schedules',
          'username',
          'reports_to',
          'zendesk',
          'calendly',
          'pagerduty',
          'name',
          found.toUpperCase(),
          `${found}x`,
          'role ',
        ]),
      );
      break;
    case 11: // list items
      all[at] = somewhere(/\[[^\]]*\]/g, (found) =>
        pick([
          '[]',
          '[ ]',
          '[PS00001, PS00001]',
          '["a", "a"]',
          '[a,]',
          '[,a]',
          '[a, [b]]',
          '[a: b]',
          `${found.slice(0, -1)}, Tier-2]`,
          '[" x "]',
          '[7]',
          '[null]',
        ]),
      );
      break;
    case 12: // values borrowed from another line
      all[at] = somewhere(/(?<=: +).*$/g, () => pick(all).match(/: +(.*)$/)?.[1] ?? 'x');
      break;
    default: {
      // characters anywhere
      const column = Math.floor(random() * (line.length + 1));
      all[at] =
        line.slice(0, column) +
        pick([' ', '\t', '#', ':', '"', "'", ',', '{', '}', '[', ']', '\\', 'é', '\u00a0', 'X', '-', '&', '!']) +
        line.slice(column);
    }
  }
  return all.join('\n');
}

type Random = () => number;

/** mulberry32: a small seeded generator, so every run tries the same rosters. */
function seeded(seed: number): Random {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pickWith =
  (random: Random) =>
  <T>(items: readonly T[]): T =>
    items[Math.floor(random() * items.length)]!;

const NAMES = [
  'Ada Lovelace',
  'Zoë Ångström',
  "Conan O'Brien",
  'Jean-Luc Picard',
  'Ng 3',
  '名前 Tanaka',
  'Ana (Ops) / EMEA',
];
const GROUPS = ['Support AMER', 'Support EMEA', 'Tier-2', 'Ops+Billing'];
const ZENDESK_ROLES = ['agent', 'admin', 'light_agent', 'Support Manager'];
const PAGERDUTY_ROLES = ['user', 'admin', 'observer', 'limited_user'];

/** A valid roster of `size` people, each written in a randomly chosen mix of the styles the fast path reads. */
function variedRoster(random: Random, size: number): string {
  const pick = pickWith(random);
  const chance = (p: number) => random() < p;
  const margin = pick(['', '  ']);
  const out: string[] = ['# generated'];
  const usernames: string[] = [];
  const add = (line: string) => out.push(margin + line);
  const quoted = (value: string) => pick([value, `"${value}"`, `'${value.replace(/'/g, "''")}'`]);
  const comment = () => (chance(0.15) ? '   # note' : '');
  const list = (items: string[], indent: string): string | string[] =>
    chance(0.6)
      ? `[${items.map(quoted).join(', ')}]`
      : items.length === 0
        ? '[]'
        : items.map((item) => `${indent}- ${quoted(item)}`);
  const mapping = (key: string, fields: Array<[string, string | string[]]>, indent: string) => {
    if (chance(0.5) && fields.every(([, value]) => typeof value === 'string')) {
      add(`${indent}${key}: { ${fields.map(([name, value]) => `${name}: ${value}`).join(', ')} }${comment()}`);
      return;
    }
    add(`${indent}${key}:`);
    for (const [name, value] of fields) {
      if (typeof value === 'string') add(`${indent}  ${name}: ${value}${comment()}`);
      else {
        add(`${indent}  ${name}:`);
        // A list's dashes sit under its key (compact) or further in.
        const deeper = chance(0.5) ? '  ' : '';
        for (const line of value) add(deeper + line);
      }
    }
  };
  const account = (id: number | undefined, indent: string): Array<[string, string | string[]]> => {
    const fields: Array<[string, string | string[]]> = [];
    if (id !== undefined) fields.push(['id', String(id)]);
    fields.push(['role', quoted(pick(ZENDESK_ROLES))]);
    if (chance(0.7))
      fields.push([
        'groups',
        list(
          GROUPS.filter(() => chance(0.4)),
          `${indent}  `,
        ),
      ]);
    return fields;
  };
  for (let i = 0; i < size; i++) {
    const username = `${pick(['user', 'User.', 'u_', 'u-'])}${i}`;
    usernames.push(username);
    if (chance(0.3)) out.push(pick(['', '# a comment', `${margin}  # indented comment`]));
    const name = pick(NAMES);
    add(`- name: ${chance(0.2) ? `"  ${name} "` : quoted(name)}${comment()}`);
    const email = `${pick(['p', 'P', 'person.'])}${i}@example.com`;
    add(`  email: ${quoted(email)}${comment()}`);
    mapping('gitlab', [['username', quoted(username)]], '  ');
    if (i > 0 && chance(0.85)) {
      const manager = usernames[Math.floor(random() * i)]!;
      add(`  reports_to: ${quoted(pick([manager, manager.toUpperCase(), manager.toLowerCase()]))}${comment()}`);
    } else if (chance(0.5)) {
      add(pick(['  reports_to: null', '  reports_to:', '  reports_to: Null']));
    }
    if (chance(0.7)) {
      add('  zendesk:');
      if (chance(0.8)) mapping('main', account(chance(0.85) ? 1000 + i : undefined, '    '), '    ');
      if (chance(0.3)) mapping('us_federal', account(chance(0.7) ? 1000 + i : undefined, '    '), '    ');
    }
    if (chance(0.6))
      mapping(
        'calendly',
        [
          ['email', quoted(chance(0.5) ? email : `cal${i}@example.com`)],
          ['role', pick(['owner', 'admin', 'user'])],
        ],
        '  ',
      );
    if (chance(0.6)) {
      const fields: Array<[string, string | string[]]> = [['id', quoted(`PU${i.toString(36).toUpperCase()}0`)]];
      if (chance(0.6))
        fields.push([
          'schedules',
          list(
            ['PSA01', 'PSB02', 'PSC03'].filter(() => chance(0.4)),
            '    ',
          ),
        ]);
      if (chance(0.3)) fields.push(['role', pick(PAGERDUTY_ROLES)]);
      mapping('pagerduty', fields, '  ');
    }
  }
  return `${out.join('\n')}\n`;
}

/** Values that are wrong, or right, or odd, in one place or another. */
const TOKENS = [
  'true',
  'null',
  '~',
  '',
  '""',
  "''",
  '1.5',
  '0x1F',
  '12',
  '-1',
  '0',
  '007',
  '[]',
  '{}',
  '[a, b]',
  '{ a: b }',
  'agent',
  'owner',
  'PABC',
  'pabc',
  'user0',
  'USER1',
  'u_1',
  'a@b.c',
  'not an email',
  '&a x',
  '*a',
  '!!str x',
  '|',
  '>',
  '"quoted"',
  "'single'",
  '"a\\"b"',
  'x # comment',
  'x#y',
  'a: b',
  '- x',
  '%x',
  '@x',
  '`x`',
  'Ünï',
  '" padded "',
  '9007199254740993',
  '1e3',
  'TRUE',
  'p0@example.com',
  'P1@EXAMPLE.COM',
  'cal0@example.com',
  'calendly:p0@example.com',
  'PU00',
  'PU10',
  '1000',
  '1001',
  '[PSA01, PSA01]',
];
const CHARACTERS = [
  ' ',
  '\t',
  '#',
  ':',
  '"',
  "'",
  '-',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&',
  '*',
  '!',
  '|',
  '>',
  '%',
  '@',
  '?',
  '\r',
  '\ufeff',
  '\u00a0',
  'é',
  '0',
  '.',
  'x',
  'X',
  '\n',
  '\\',
  '~',
];
const KEYS = [
  'name',
  'email',
  'gitlab',
  'username',
  'reports_to',
  'zendesk',
  'main',
  'us_federal',
  'id',
  'role',
  'groups',
  'calendly',
  'pagerduty',
  'schedules',
  'emial',
  'group',
  '__proto__',
  'constructor',
];
const EXTRA_LINES = [
  '  unknown: x',
  '  reports_to: user0',
  '  reports_to: u_1',
  '---',
  '...',
  '- name: Lone',
  '  # comment',
  '',
  '%YAML 1.2',
  '  zendesk: { main: { id: 1000, role: agent } }',
  '- { name: Flow, email: f@example.com, gitlab: { username: flow } }',
];

/** One random change to the text: a line, a character, a key or a value. */
function mutate(random: Random, text: string): string {
  const pick = pickWith(random);
  const all = text.split('\n');
  const at = Math.floor(random() * all.length);
  const line = all[at]!;
  const column = Math.floor(random() * (line.length + 1));
  const other = pick(all);
  const value = /^(\s*-?\s*[\w-]+:)(\s*)(.*)$/;
  switch (Math.floor(random() * 11)) {
    case 0:
      all.splice(at, 1);
      break;
    case 1:
      all.splice(at, 0, line);
      break;
    case 2:
      all.splice(at, 1, other);
      break;
    case 3:
      all[at] = line.slice(0, column) + pick(CHARACTERS) + line.slice(column);
      break;
    case 4:
      all[at] = line.slice(0, column) + line.slice(column + 1);
      break;
    case 5:
      all[at] = random() < 0.5 ? ` ${line}` : line.replace(/^ {1,2}/, '');
      break;
    case 6: {
      const found = line.match(value);
      if (found)
        all[at] = `${found[1]}${found[2] || ' '}${random() < 0.6 ? pick(TOKENS) : (other.match(value)?.[3] ?? '')}`;
      break;
    }
    case 7: {
      const key = KEYS.find((name) => line.includes(`${name}:`));
      if (key) all[at] = line.replace(`${key}:`, `${pick(KEYS)}:`);
      break;
    }
    case 8:
      all[at] = line.slice(0, column) + line.charAt(column).toUpperCase() + line.slice(column + 1);
      break;
    case 9: {
      // Often the same value, in a style only the full parser reads.
      const found = line.match(value);
      if (found?.[3]) all[at] = `${found[1]} ${pick([`&anchor${at} `, '!!str ', '!!int ', '!!null '])}${found[3]}`;
      else if (found) all[at] = `${found[1]} ~`;
      break;
    }
    default:
      all.splice(at, 0, pick(EXTRA_LINES));
  }
  return all.join('\n');
}
