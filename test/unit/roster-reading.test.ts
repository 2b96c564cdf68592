import { readFileSync } from 'node:fs';
import { parseRoster } from '../../src/config/roster.js';
import type { Roster } from '../../src/config/types.js';
import { SANDBOX_ROSTER } from '../../src/sandbox/environment.js';
import { buildOrganisation } from '../../bench/data.js';
import { roster, yaml } from '../config-helpers.js';

/*
 * The roster as it is read: every style YAML allows, the line of each person and of each
 * problem, in plain rosters and odd ones (empty entries, flow style, anchors, explicit keys).
 */

/** A valid roster with a bit of every style. */
const BASE = yaml(
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

const BASE_PEOPLE: Roster = [
  {
    name: 'Ann Lee',
    email: 'ann@example.com',
    gitlab: { username: 'ann' },
    reports_to: null,
    line: 2,
    zendesk: {
      main: { id: 101, role: 'admin', groups: ['Support AMER'] },
      us_federal: { id: 201, role: 'agent', groups: [] },
    },
    calendly: { email: 'ann@example.com', role: 'owner' },
    pagerduty: { id: 'PANN001', schedules: ['PSCHED1'], role: 'owner' },
  },
  {
    name: 'Ben Ode',
    email: 'ben@example.com',
    gitlab: { username: 'Ben' },
    reports_to: 'ann',
    line: 12,
    zendesk: { main: { id: 102, role: 'Support Engineer', groups: ['Support AMER', 'Support EMEA'] } },
    calendly: { email: 'ben.cal@example.com', role: 'user' },
    pagerduty: { id: 'PBEN001', schedules: [] },
  },
  {
    name: 'Cy Moss',
    email: 'cy@example.com',
    gitlab: { username: 'cy' },
    // Spelled as the manager's username.
    reports_to: 'Ben',
    line: 26,
    zendesk: { main: { role: 'agent', groups: [] } },
  },
];

/** BASE with line `line` (1-based) replaced by `text` (any number of lines, or none). */
function edit(line: number, ...text: string[]): string {
  const all = BASE.split('\n');
  all.splice(line - 1, 1, ...text);
  return all.join('\n');
}

const UNKNOWN_PERSON_KEY =
  'unknown key (expected one of: name, email, gitlab, reports_to, zendesk, calendly, pagerduty)';

const withLines = (lines: number[]): Roster => BASE_PEOPLE.map((person, i) => ({ ...person, line: lines[i] }));

describe('reading a roster', () => {
  test('the base roster', () => {
    expect(parseRoster(BASE, 'roster.yml')).toEqual(BASE_PEOPLE);
  });

  test.each([
    ['quoted values with spaces to trim', edit(2, '- name: "  Ann Lee "'), [2, 12, 26]],
    ['comments, and blank lines with spaces', edit(11, '  # between', '   ', '# at the margin'), [2, 14, 28]],
    ['an empty reports_to', edit(5, '  reports_to:'), [2, 12, 26]],
    ['reports_to: ~', edit(5, '  reports_to: ~'), [2, 12, 26]],
    ['no reports_to', edit(5), [2, 11, 25]],
    [
      'a compact block list',
      edit(22, '      - Support AMER').replace('        - "Support EMEA"', '      - "Support EMEA"'),
      [2, 12, 26],
    ],
    ['an indented top-level list', BASE.replace(/^(.)/gm, '  $1'), [2, 12, 26]],
    ['CRLF line ends', BASE.replace(/\n/g, '\r\n'), [2, 12, 26]],
    ['a byte-order mark', `\ufeff${BASE}`, [2, 12, 26]],
    ['a document start marker', `---\n${BASE}`, [3, 13, 27]],
    ['each entry starting on the line after its dash', BASE.replace(/^- /gm, '-\n  '), [3, 14, 29]],
  ])('%s: the same people, each at the line of their entry', (_what, text, lines) => {
    expect(parseRoster(text, 'roster.yml')).toEqual(withLines(lines));
  });

  test('the same id on the other Zendesk instance, an anchor, a person in flow style', () => {
    const anchored = edit(7, '    main: { id: 101, role: admin, groups: &amer [Support AMER] }');
    const text =
      anchored.replace('{ id: 201, role: agent, groups: [] }', '{ id: 101, role: agent, groups: *amer }') +
      '- { name: Dee, email: dee@example.com, gitlab: { username: dee }, reports_to: cy }\n';
    const people = parseRoster(text, 'roster.yml');
    expect(people[0].zendesk).toEqual({
      main: { id: 101, role: 'admin', groups: ['Support AMER'] },
      us_federal: { id: 101, role: 'agent', groups: ['Support AMER'] },
    });
    expect(people[3]).toEqual({
      name: 'Dee',
      email: 'dee@example.com',
      gitlab: { username: 'dee' },
      reports_to: 'cy',
      line: 32,
    });
  });

  test('a section with no valid account is left out; values that look alike across kinds are no duplicates', () => {
    const people = parseRoster(
      edit(31, '    main:').replace('  email: cy@example.com', '  email: "calendly:ben.cal@example.com"'),
      'roster.yml',
    );
    expect(people[2]).toEqual({
      name: 'Cy Moss',
      email: 'calendly:ben.cal@example.com',
      gitlab: { username: 'cy' },
      reports_to: 'Ben',
      line: 26,
    });
  });

  test('the sandbox roster, the example roster and a generated one: each person at the line of their entry', () => {
    for (const text of [
      readFileSync(SANDBOX_ROSTER, 'utf8'),
      readFileSync('examples/roster.yml', 'utf8'),
      buildOrganisation(300, new Date('2026-11-24T09:00:00Z')).rosterYaml,
    ]) {
      const entries = text.split('\n').flatMap((line, index) => (line.startsWith('- ') ? [index + 1] : []));
      expect(parseRoster(text, 'roster.yml').map((person) => person.line)).toEqual(entries);
    }
  });

  test('a problem in a large roster is reported at its line', () => {
    const text = buildOrganisation(5000, new Date('2026-11-24T09:00:00Z')).rosterYaml;
    const lines = text.split('\n');
    const at = lines.findIndex((line, index) => index > lines.length / 2 && line.startsWith('  email: '));
    lines[at] = '  email: not-an-email';
    const entry = lines.slice(0, at).filter((line) => line.startsWith('- ')).length - 1;
    expect(roster(lines.join('\n'))).toEqual([
      `roster.yml:${at + 1} [${entry}].email: "not-an-email" is not an email address`,
    ]);
  });

  test('a roster with a problem is reported with its lines', () => {
    const text = '- name: Ann\n  email: ann@example.com\n  gitlab: { username: ann }\n  reports_to: nobody\n';
    const message = 'roster.yml:4 [0].reports_to: "nobody" is not a gitlab.username in this roster';
    expect(() => parseRoster(text, 'roster.yml')).toThrow(message);
  });
});

describe('problems in a roster, each at its line', () => {
  test.each([
    ['an empty file', '', ['roster.yml:1: roster is empty; expected a list of people']],
    ['only comments', '# nobody yet\n', ['roster.yml:1: roster is empty; expected a list of people']],
    ['a mapping instead of a list', 'name: Ann\n', ['roster.yml:1: must be a list of people, got a mapping']],
    ['a scalar item', `${BASE}- Dee\n`, ['roster.yml:32 [3]: must be a mapping (a person), got "Dee"']],
    ['a bad email', edit(3, '  email: ann@example'), ['roster.yml:3 [0].email: "ann@example" is not an email address']],
    ['an email that is a number', edit(3, '  email: 42'), ['roster.yml:3 [0].email: must be an email address, got 42']],
    ['an empty name', edit(2, '- name: ""'), ['roster.yml:2 [0].name: must not be empty']],
    ['a blank name', edit(2, "- name: '   '"), ['roster.yml:2 [0].name: must not be empty']],
    ['a boolean name', edit(2, '- name: true'), ['roster.yml:2 [0].name: must be a non-empty string, got true']],
    [
      'a missing name',
      edit(2, '- email: ann2@example.com').replace('  email: ann@example.com\n', ''),
      ['roster.yml:2 [0].name: required'],
    ],
    [
      'a username ending in .git',
      edit(4, '  gitlab: { username: ann.git }').replace('reports_to: ann\n', 'reports_to: ann.git\n'),
      [
        'roster.yml:4 [0].gitlab.username: "ann.git" is not a GitLab username (letters, digits, _ - . only)',
        'roster.yml:16 [1].reports_to: "ann.git" is not a GitLab username (letters, digits, _ - . only)',
      ],
    ],
    [
      'a duplicate username, in another case',
      edit(28, '  gitlab: { username: ANN }'),
      ['roster.yml:28 [2].gitlab.username: duplicate "ANN", also at line 4 ([0] Ann Lee)'],
    ],
    [
      'a duplicate email, in another case',
      edit(27, '  email: Ann@Example.com'),
      ['roster.yml:27 [2].email: duplicate "Ann@Example.com", also at line 3 ([0] Ann Lee)'],
    ],
    [
      'a duplicate zendesk id',
      edit(19, '      id: 101'),
      ['roster.yml:19 [1].zendesk.main.id: duplicate 101, also at line 7 ([0] Ann Lee)'],
    ],
    [
      'a duplicate calendly email',
      edit(24, '  calendly: { email: ANN@example.com, role: user }'),
      ['roster.yml:24 [1].calendly.email: duplicate "ANN@example.com", also at line 9 ([0] Ann Lee)'],
    ],
    [
      'a duplicate PagerDuty id',
      edit(25, '  pagerduty: { id: PANN001 }'),
      ['roster.yml:25 [1].pagerduty.id: duplicate "PANN001", also at line 10 ([0] Ann Lee)'],
    ],
    [
      'an unknown key in an account',
      edit(31, '    main: { role: agent, group: [x] }'),
      ['roster.yml:31 [2].zendesk.main.group: unknown key (did you mean "groups"?)'],
    ],
    [
      'a reports_to cycle',
      edit(5, '  reports_to: cy'),
      ['roster.yml:5 [0].reports_to: reports_to cycle: ann -> cy -> Ben -> ann'],
    ],
    [
      'a quoted zendesk id',
      edit(31, '    main: { id: "103", role: agent }'),
      ['roster.yml:31 [2].zendesk.main.id: must be a positive integer, got "103" (write it without quotes)'],
    ],
    [
      'an unsafe zendesk id',
      edit(31, '    main: { id: 9007199254740993, role: agent }'),
      ['roster.yml:31 [2].zendesk.main.id: must be a positive integer, got 9007199254740993'],
    ],
    [
      'a number for a group',
      edit(8, '    us_federal: { id: 201, role: agent, groups: [7] }'),
      ['roster.yml:8 [0].zendesk.us_federal.groups[0]: must be a non-empty string, got 7'],
    ],
    [
      'a calendly role with spaces',
      edit(9, '  calendly: { email: ann@example.com, role: " owner" }'),
      ['roster.yml:9 [0].calendly.role: must be one of owner, admin, user, got " owner" (did you mean "owner"?)'],
    ],
    [
      'tab indentation',
      edit(3, '\temail: ann@example.com'),
      [
        'roster.yml:3: tab characters must not be used in indentation' +
          ' (YAML cannot be indented with tabs; use spaces)',
      ],
    ],
    [
      'a duplicate key',
      edit(3, '  email: ann@example.com', '  email: ann2@example.com'),
      ['roster.yml:4: duplicate key "email" (map keys must be unique)'],
    ],
    [
      'an unclosed flow list',
      edit(10, '  pagerduty: { id: PANN001, schedules: [ }'),
      ['roster.yml:10: missed comma between flow collection entries'],
    ],
    [
      'a second document',
      `${BASE}---\n- name: Dee\n`,
      ['roster.yml:32: expected a single document in the stream, but found more'],
    ],
  ])('%s', (_what, text, expected) => {
    expect(roster(text)).toEqual(expected);
  });
});

describe('lines in odd rosters', () => {
  const entry = (n: number, ...extra: string[]) => [
    `- name: P${n}`,
    `  email: p${n}@x.io`,
    `  gitlab: { username: p${n} }`,
    ...extra,
  ];

  test.each([
    [
      'empty entries (a dash alone, or with a comment holding a dash) among others',
      yaml(...entry(1), '- # comment - with dash', '-', ...entry(2), '- ~', '-'),
      [
        'roster.yml:1 [1]: must be a mapping (a person), got nothing',
        'roster.yml:1 [2]: must be a mapping (a person), got nothing',
        'roster.yml:1 [4]: must be a mapping (a person), got nothing',
        'roster.yml:1 [5]: must be a mapping (a person), got nothing',
      ],
    ],
    [
      'an empty entry first, in an indented list',
      yaml(
        '  -',
        ...entry(1, '  reports_to: p2').map((line) => `  ${line}`),
        ...entry(2, '  reports_to: p1').map((l) => `  ${l}`),
      ),
      [
        'roster.yml:1 [0]: must be a mapping (a person), got nothing',
        'roster.yml:5 [1].reports_to: reports_to cycle: p1 -> p2 -> p1',
      ],
    ],
    [
      'a roster in flow style',
      yaml(
        '[{ name: A, email: a@x.io, gitlab: { username: a } },',
        ' ~,',
        ' { name: 42, emial: b@x.io, gitlab: { username: a } }]',
      ),
      [
        'roster.yml:1 [1]: must be a mapping (a person), got nothing',
        'roster.yml:3 [2].emial: unknown key (did you mean "email"?)',
        'roster.yml:3 [2].name: must be a non-empty string, got 42',
        'roster.yml:3 [2].email: required',
        'roster.yml:3 [2].gitlab.username: duplicate "a", also at line 1 ([0] A)',
      ],
    ],
    [
      'an entry that is an alias of another',
      yaml('- &a { name: A, email: a@x.io, gitlab: { username: a } }', '- *a'),
      [
        'roster.yml:1 [1].gitlab.username: duplicate "a", also at line 1 ([0] A)',
        'roster.yml:1 [1].email: duplicate "a@x.io", also at line 1 ([0] A)',
      ],
    ],
    [
      'empty list items in a block list',
      yaml(...entry(1, '  pagerduty:', '    id: PABC123', '    schedules:', '    - PS1', '    -', '    - bad')),
      [
        'roster.yml:7 [0].pagerduty.schedules[1]: must be a PagerDuty schedule id, got nothing',
        'roster.yml:9 [0].pagerduty.schedules[2]: "bad" is not a PagerDuty schedule id (e.g. P89ZYHZ)',
      ],
    ],
    [
      'tags, and numbers as written',
      yaml('- !!map', '  name: 1.50', '  email: !!int 12', '  gitlab: { username: !!str x.git }'),
      [
        'roster.yml:2 [0].name: must be a non-empty string, got 1.50',
        'roster.yml:3 [0].email: must be an email address, got 12',
        'roster.yml:4 [0].gitlab.username: "x.git" is not a GitLab username (letters, digits, _ - . only)',
      ],
    ],
    [
      'explicit keys, one without a value',
      yaml('- ? name', '  : A', '  ? email', '  ? gitlab', '  : { username: a }'),
      ['roster.yml:3 [0].email: required'],
    ],
    [
      'keys that are no strings, and empty sections',
      yaml(...entry(1, '  zendesk:', '    main:', '  calendly: {}', '  1: x', '  null: z')),
      [
        'roster.yml:6 [0].calendly.email: required',
        'roster.yml:6 [0].calendly.role: required',
        `roster.yml:7 [0].1: ${UNKNOWN_PERSON_KEY}`,
        `roster.yml:8 [0].null: ${UNKNOWN_PERSON_KEY}`,
      ],
    ],
    [
      'entries that are no mappings',
      yaml('- [a, b]', '- - c', '  - d', '- 12', '- { }'),
      [
        'roster.yml:1 [0]: must be a mapping (a person), got a list',
        'roster.yml:2 [1]: must be a mapping (a person), got a list',
        'roster.yml:4 [2]: must be a mapping (a person), got 12',
        'roster.yml:5 [3].name: required',
        'roster.yml:5 [3].email: required',
        'roster.yml:5 [3].gitlab: required',
      ],
    ],
    [
      'comments everywhere',
      yaml('- name: A # c', '  email: a@x.io # c', '  gitlab: # c', '    # c', '    username: "@a" # c'),
      ['roster.yml:5 [0].gitlab.username: "@a" is not a GitLab username (drop the leading @)'],
    ],
  ])('%s', (_what, text, expected) => {
    expect(roster(text)).toEqual(expected);
  });
});
