import { config, problems, roster, yaml } from './config-helpers.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAuditConfig, parseAuditConfig } from '../src/config/audit-config.js';
import { readEnv, requireEnv, secretValues, PLATFORM_ENV } from '../src/config/env.js';
import { ConfigError } from '../src/config/errors.js';
import { loadRoster, parseRoster } from '../src/config/roster.js';
import { decodeUtf8, lineOfPath, parseYaml } from '../src/config/yaml-source.js';

/** A valid person, as flow-style lines, for building rosters. */
const person = (name: string, username: string, reportsTo: string | null, extra: string[] = []) => [
  `- name: ${name}`,
  `  email: ${username}@example.com`,
  `  gitlab: { username: ${username} }`,
  `  reports_to: ${reportsTo ?? 'null'}`,
  ...extra,
];

describe('ConfigError', () => {
  test('message is the problems, one per line', () => {
    const error = new ConfigError(['a:1: x', 'b:2: y']);
    expect(error.message).toBe('a:1: x\nb:2: y');
    expect(error.problems).toEqual(['a:1: x', 'b:2: y']);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ConfigError');
  });
});

describe('YAML source', () => {
  test("syntax error names the line with the parser's message", () => {
    expect(roster(yaml('- name: Jane Doe', '  email: [jane@example.com', '- name: Bob'))).toEqual([
      'roster.yml:3: missed comma between flow collection entries',
    ]);
  });

  test('duplicate key', () => {
    expect(roster(yaml('- name: Jane Doe', '  email: jane@example.com', '  name: Jane'))).toEqual([
      'roster.yml:3: duplicate key "name" (map keys must be unique)',
    ]);
  });

  test('tab indentation gets a hint', () => {
    expect(roster(yaml('- name: Jane Doe', '\temail: jane@example.com'))[0]).toMatch(
      /^roster\.yml:2: .*\(YAML cannot be indented with tabs; use spaces\)$/,
    );
  });

  test('several documents in one file', () => {
    expect(config(yaml('support_ops_managers: [som-alex]', '---', 'labels: [x]'))).toEqual([
      'audit.config.yml:2: Source contains multiple documents; please use YAML.parseAllDocuments()',
    ]);
  });

  test('unknown aliases and tags; anchors work', () => {
    expect(config(yaml('support_ops_managers: [som-alex]', 'labels: *labels', 'confidential: !bool yes'))).toEqual([
      'audit.config.yml:2: unknown alias *labels (define &labels before using it)',
      'audit.config.yml:3: Unresolved tag: !bool',
    ]);
    const parsed = parseAuditConfig(
      yaml(
        'labels: &labels [audit, ops]',
        'support_ops_managers: [som-alex]',
        'platforms:',
        '  calendly: { labels: *labels }',
      ),
      'a.yml',
    );
    expect(parsed.platforms.calendly.labels).toEqual(['audit', 'ops']);
  });

  test('non-UTF-8 bytes name their line', () => {
    const bytes = Buffer.concat([Buffer.from('- name: Jane\n  email: '), Buffer.from([0xe9]), Buffer.from('@x.com\n')]);
    expect(problems(() => decodeUtf8(bytes, 'roster.yml'))).toEqual([
      'roster.yml:2: not valid UTF-8 (byte 0xE9 at offset 22); save the file as UTF-8',
    ]);
    expect(problems(() => decodeUtf8(Buffer.from([0xff, 0xfe, 0x2d, 0x00]), 'roster.yml'))).toEqual([
      'roster.yml:1: file is UTF-16; save it as UTF-8',
    ]);
    expect(decodeUtf8(Buffer.from('\uFEFF- name: Zoë\n'), 'r.yml')).toBe('- name: Zoë\n');
  });

  test('lineOfPath points at the value, or at the parent of a missing key', () => {
    const source = parseYaml(yaml('a:', '  b:', '    c: 1', 'd: [x, y]', 'e:'), 'f.yml');
    expect(lineOfPath(source, ['a', 'b', 'c'])).toBe(3);
    expect(lineOfPath(source, ['a', 'b', 'missing'])).toBe(2);
    expect(lineOfPath(source, ['d', 1])).toBe(4);
    expect(lineOfPath(source, ['e'])).toBe(5);
    expect(lineOfPath(source, ['nope'])).toBe(1);
  });
});

describe('roster', () => {
  test('the top-level example roster.yml is valid', () => {
    const people = loadRoster('examples/roster.yml');
    expect(people.map((p) => p.gitlab.username)).toEqual(['som-alex', 'msmith', 'jdoe']);
    const jane = people[2];
    expect(jane).toEqual({
      name: 'Jane Doe',
      email: 'jane@example.com',
      gitlab: { username: 'jdoe' },
      reports_to: 'msmith',
      zendesk: {
        main: { id: 12345, role: 'agent', groups: ['Support AMER'] },
        us_federal: { id: 67890, role: 'light_agent', groups: [] },
      },
      calendly: { email: 'jane@example.com', role: 'user' },
      pagerduty: { id: 'PABC123', schedules: ['P89ZYHZ'] },
      line: jane.line,
    });
    expect(people[0].reports_to).toBeNull();
    expect(people[1].zendesk?.main?.role).toBe('Support Manager');
  });

  test('lines, defaults and absent sections', () => {
    const people = parseRoster(
      yaml(
        '# comment',
        ...person('Top', 'top', null, ['  zendesk: {}', '  calendly:']),
        '- name: Jane Doe',
        '  email: jane@example.com',
        '  gitlab:',
        '    username: jdoe',
        '  reports_to: TOP',
        '  zendesk:',
        '    main: { id: 1, role: agent }',
        '  pagerduty: { id: PABC123 }',
      ),
      'roster.yml',
    );
    expect(people.map((p) => p.line)).toEqual([2, 8]);
    expect(people[0]).toEqual({
      name: 'Top',
      email: 'top@example.com',
      gitlab: { username: 'top' },
      reports_to: null,
      line: 2,
    });
    // reports_to is matched case-insensitively, like GitLab, and spelled as the manager's username.
    expect(people[1].reports_to).toBe('top');
    expect(people[1].zendesk).toEqual({ main: { id: 1, role: 'agent', groups: [] } });
    expect(people[1].pagerduty).toEqual({ id: 'PABC123', schedules: [] });
    expect(people[1].calendly).toBeUndefined();
  });

  test('empty file and not a list', () => {
    expect(roster('')).toEqual(['roster.yml:1: roster is empty; expected a list of people']);
    expect(roster('# only a comment\n')).toEqual(['roster.yml:1: roster is empty; expected a list of people']);
    expect(roster(yaml('# people', 'name: Jane Doe', 'email: jane@example.com'))).toEqual([
      'roster.yml:2: must be a list of people, got a mapping',
    ]);
    expect(roster(yaml('- just a string'))).toEqual([
      'roster.yml:1 [0]: must be a mapping (a person), got "just a string"',
    ]);
  });

  test('missing required fields point at the parent', () => {
    expect(
      roster(
        yaml(
          ...person('Top', 'top', null), //       1-4
          '- email: jane@example.com', //          5
          '  gitlab: {}', //                       6
          '  reports_to: top', //                  7
          '- name: Bob', //                        8
          '  email:', //                           9
          '  reports_to: top', //                 10
        ),
      ),
    ).toEqual([
      'roster.yml:5 [1].name: required',
      'roster.yml:6 [1].gitlab.username: required',
      'roster.yml:8 [2].gitlab: required',
      'roster.yml:9 [2].email: required',
    ]);
  });

  test('wrong types and bad values', () => {
    expect(
      roster(
        yaml(
          '- name: 42', //                                                        1
          '  email: not-an-email', //                                             2
          '  gitlab: { username: "@jdoe" }', //                                   3
          '  zendesk:', //                                                        4
          '    main: { id: abc, role: agent, groups: Support AMER }', //          5
          '    us_federal: { id: "67890", role: "", groups: [ok, 7] }', //        6
          '  calendly: { email: jane@example.com, role: usr }', //               7
          '  pagerduty: { id: pabc123, schedules: [Primary] }', //               8
          '- name: Bob', //                                                       9
          '  email: bob@example.com', //                                         10
          '  gitlab: bob', //                                                    11
          '  zendesk: { main: { id: 0, role: agent }, us_federal: [] }', //     12
          '  pagerduty: { id: PBOB123, schedules: P89ZYHZ }', //               13
        ),
      ),
    ).toEqual([
      'roster.yml:1 [0].name: must be a non-empty string, got 42',
      'roster.yml:2 [0].email: "not-an-email" is not an email address',
      'roster.yml:3 [0].gitlab.username: "@jdoe" is not a GitLab username (drop the leading @)',
      'roster.yml:5 [0].zendesk.main.id: must be a positive integer, got "abc"',
      'roster.yml:5 [0].zendesk.main.groups: must be a list of Zendesk group names, got "Support AMER"',
      'roster.yml:6 [0].zendesk.us_federal.id: must be a positive integer, got "67890" (write it without quotes)',
      'roster.yml:6 [0].zendesk.us_federal.role: must not be empty',
      'roster.yml:6 [0].zendesk.us_federal.groups[1]: must be a non-empty string, got 7',
      'roster.yml:7 [0].calendly.role: must be one of owner, admin, user, got "usr" (did you mean "user"?)',
      'roster.yml:8 [0].pagerduty.id: "pabc123" is not a PagerDuty user id (e.g. PABC123)',
      'roster.yml:8 [0].pagerduty.schedules[0]: "Primary" is not a PagerDuty schedule id (e.g. P89ZYHZ)',
      'roster.yml:11 [1].gitlab: must be a mapping, got "bob"',
      'roster.yml:12 [1].zendesk.main.id: must be a positive integer, got 0',
      'roster.yml:12 [1].zendesk.us_federal: must be a mapping (a Zendesk account), got a list',
      'roster.yml:13 [1].pagerduty.schedules: must be a list of PagerDuty schedule ids, got "P89ZYHZ"',
    ]);
  });

  test('unknown keys, with a suggestion for near misses', () => {
    expect(
      roster(
        yaml(
          '- name: Jane Doe', //                            1
          '  emial: jane@example.com', //                   2
          '  gitlab: { username: jdoe, id: 5 }', //         3
          '  zendesk:', //                                  4
          '    mian: { id: 1, role: agent }', //            5
          '  slack: jdoe', //                               6
        ),
      ),
    ).toEqual([
      'roster.yml:1 [0].email: required',
      'roster.yml:2 [0].emial: unknown key (did you mean "email"?)',
      'roster.yml:3 [0].gitlab.id: unknown key (expected one of: username)',
      'roster.yml:5 [0].zendesk.mian: unknown key (did you mean "main"?)',
      'roster.yml:6 [0].slack: unknown key ' +
        '(expected one of: name, email, gitlab, reports_to, zendesk, calendly, pagerduty)',
    ]);
  });

  test('duplicate usernames and emails name both lines', () => {
    expect(
      roster(
        yaml(
          ...person('Jane Doe', 'jdoe', null), //                   1-4
          '- name: Jane Again', //                                  5
          '  email: JDOE@example.com', //                           6
          '  gitlab: { username: JDoe }', //                        7
          '  reports_to: null', //                                  8
          ...person('Third', 'jdoe', null), //                      9-12
        ),
      ),
    ).toEqual([
      'roster.yml:6 [1].email: duplicate "JDOE@example.com", also at line 2 ([0] Jane Doe)',
      'roster.yml:7 [1].gitlab.username: duplicate "JDoe", also at line 3 ([0] Jane Doe)',
      'roster.yml:10 [2].email: duplicate "jdoe@example.com", also at line 2 ([0] Jane Doe)',
      'roster.yml:11 [2].gitlab.username: duplicate "jdoe", also at line 3 ([0] Jane Doe)',
    ]);
  });

  test('duplicate pagerduty ids, zendesk ids per instance and calendly emails', () => {
    expect(
      roster(
        yaml(
          ...person('Ann', 'ann', null, [
            '  zendesk: { main: { id: 7, role: agent } }', //                      5
            '  pagerduty: { id: PABC123 }', //                                     6
          ]),
          ...person('Ben', 'ben', 'ann', [
            // The same id on the other instance is fine.
            '  zendesk: { main: { id: 8, role: agent }, us_federal: { id: 7, role: agent } }', // 11
            '  pagerduty: { id: PABC123 }', //                                                   12
            '  calendly: { email: shared@example.com, role: user }', //                          13
          ]),
          ...person('Cy', 'cy', 'ann', [
            '  zendesk: { main: { id: 7, role: agent } }', //                      18
            '  calendly: { email: Shared@example.com, role: user }', //           19
          ]),
        ),
      ),
    ).toEqual([
      'roster.yml:12 [1].pagerduty.id: duplicate "PABC123", also at line 6 ([0] Ann)',
      'roster.yml:18 [2].zendesk.main.id: duplicate 7, also at line 5 ([0] Ann)',
      'roster.yml:19 [2].calendly.email: duplicate "Shared@example.com", also at line 13 ([1] Ben)',
    ]);
  });

  test('unknown manager, with a suggestion', () => {
    expect(
      roster(
        yaml(
          ...person('Morgan', 'msmith', null),
          ...person('Jane', 'jdoe', 'msmth'),
          ...person('Bob', 'bob', 'nobody'),
        ),
      ),
    ).toEqual([
      'roster.yml:8 [1].reports_to: "msmth" is not a gitlab.username in this roster (did you mean "msmith"?)',
      'roster.yml:12 [2].reports_to: "nobody" is not a gitlab.username in this roster',
    ]);
  });

  test('a reports_to cycle of 3 is named once', () => {
    expect(
      roster(
        yaml(
          ...person('Top', 'top', null), //          1-4
          ...person('Ann', 'ann', 'cy'), //          5-8
          ...person('Ben', 'ben', 'ann'), //         9-12
          ...person('Cy', 'cy', 'ben'), //          13-16
          ...person('Dee', 'dee', 'ben'), //        17-20 (reports into the cycle, not part of it)
          ...person('Eve', 'eve', 'eve'), //        21-24
        ),
      ),
    ).toEqual([
      'roster.yml:8 [1].reports_to: reports_to cycle: ann -> cy -> ben -> ann',
      'roster.yml:24 [5].reports_to: eve reports to themselves',
    ]);
  });

  test('missing file', () => {
    expect(problems(() => loadRoster('does-not-exist/roster.yml'))).toEqual([
      'does-not-exist/roster.yml: cannot read (ENOENT)',
    ]);
  });

  test('a file with a non-UTF-8 byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-bot-config-'));
    try {
      const file = join(dir, 'roster.yml');
      writeFileSync(file, Buffer.concat([Buffer.from('- name: Jos'), Buffer.from([0xe9, 0x0a])]));
      expect(problems(() => loadRoster(file))).toEqual([
        `${file}:1: not valid UTF-8 (byte 0xE9 at offset 11); save the file as UTF-8`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('audit config', () => {
  test('the example examples/audit.config.yml is valid and equals the defaults', () => {
    const loaded = loadAuditConfig('examples/audit.config.yml');
    const defaults = parseAuditConfig('support_ops_managers: [som-alex]\n', 'examples/audit.config.yml');
    expect(loaded).toEqual(defaults);
  });

  test('defaults apply when keys are absent', () => {
    expect(
      parseAuditConfig(
        yaml('support_ops_managers: [som-alex]', 'platforms:', '  calendly: { enabled: false }'),
        'a.yml',
      ),
    ).toEqual({
      file: 'a.yml',
      support_ops_managers: ['som-alex'],
      confidential: true,
      labels: ['audit'],
      ladder: { second_ping_after: 'PT72H', manager_after: 'P4D', som_after: 'PT72H' },
      missed_quarter_after: 'P3D',
      allow_list: [],
      platforms: {
        zendesk: {
          enabled: true,
          template: 'issue_templates/zendesk.md',
          labels: [],
          rate_limit_share: 0.5,
          service_accounts: [],
          admin_allow_list: [],
          max_login_age: 'P90D',
          token_max_unused_age: 'P90D',
          two_factor_required: true,
        },
        'zendesk-us-federal': {
          enabled: true,
          template: 'issue_templates/zendesk-us-federal.md',
          labels: [],
          rate_limit_share: 0.5,
          admin_allow_list: [],
          max_login_age: 'P90D',
          token_max_unused_age: 'P90D',
          service_accounts: [],
          two_factor_required: true,
        },
        calendly: {
          enabled: false,
          template: 'issue_templates/calendly.md',
          labels: [],
          rate_limit_share: 0.5,
          admin_allow_list: [],
          pending_invitation_max_age: 'P14D',
        },
        pagerduty: {
          enabled: true,
          template: 'issue_templates/pagerduty.md',
          labels: [],
          rate_limit_share: 0.5,
          service_accounts: [],
          admin_allow_list: [],
          coverage_window: 'P28D',
        },
      },
    });
  });

  test('values given override the defaults', () => {
    const parsed = parseAuditConfig(
      yaml(
        'support_ops_managers: [som-alex, som-bo]',
        'confidential: false',
        'labels: [audit, support-ops]',
        'ladder: { manager_after: P5D }',
        'missed_quarter_after: PT36H',
        'allow_list:',
        '  - { fingerprint: "pagerduty:x:PSVC001", reason: Integration account, expires: 2027-03-31 }',
        'platforms:',
        '  pagerduty: { labels: [pd], service_accounts: [PSVC001, bot@example.com], template: t/pd.md }',
      ),
      'a.yml',
    );
    expect(parsed.support_ops_managers).toEqual(['som-alex', 'som-bo']);
    expect(parsed.confidential).toBe(false);
    expect(parsed.labels).toEqual(['audit', 'support-ops']);
    expect(parsed.ladder).toEqual({ second_ping_after: 'PT72H', manager_after: 'P5D', som_after: 'PT72H' });
    expect(parsed.missed_quarter_after).toBe('PT36H');
    expect(parsed.allow_list).toEqual([
      { fingerprint: 'pagerduty:x:PSVC001', reason: 'Integration account', expires: '2027-03-31' },
    ]);
    expect(parsed.platforms.pagerduty).toEqual({
      enabled: true,
      template: 't/pd.md',
      labels: ['pd'],
      rate_limit_share: 0.5,
      service_accounts: ['PSVC001', 'bot@example.com'],
      admin_allow_list: [],
      coverage_window: 'P28D',
    });
  });

  test('bad durations', () => {
    expect(
      config(
        yaml(
          '# audit config', //                    1
          'support_ops_managers:', //             2
          '  - som-alex', //                      3
          '', //                                  4
          'ladder:', //                           5
          '  second_ping_after: PT72H', //        6
          '  manager_after: 4 days', //           7
          '  som_after: PT0H', //                 8
          '  later: P1D', //                      9
        ),
      ),
    ).toEqual([
      'audit.config.yml:7 ladder.manager_after: "4 days" is not an ISO-8601 duration (e.g. P4D)',
      'audit.config.yml:8 ladder.som_after: "PT0H" must be longer than zero',
      'audit.config.yml:9 ladder.later: unknown key (expected one of: second_ping_after, manager_after, som_after)',
    ]);
    expect(config(yaml('support_ops_managers: [som-alex]', 'ladder: { second_ping_after: 72 }'))).toEqual([
      'audit.config.yml:2 ladder.second_ping_after: must be an ISO-8601 duration (e.g. PT72H), got 72',
    ]);
  });

  test('bad missed_quarter_after', () => {
    expect(config(yaml('support_ops_managers: [som-alex]', 'missed_quarter_after: 3'))).toEqual([
      'audit.config.yml:2 missed_quarter_after: must be an ISO-8601 duration (e.g. P3D), got 3',
    ]);
    expect(config(yaml('support_ops_managers: [som-alex]', '', 'missed_quarter_after: 3 days'))).toEqual([
      'audit.config.yml:3 missed_quarter_after: "3 days" is not an ISO-8601 duration (e.g. P3D)',
    ]);
    expect(config(yaml('support_ops_managers: [som-alex]', 'missed_quarter_after: P0D'))).toEqual([
      'audit.config.yml:2 missed_quarter_after: "P0D" must be longer than zero',
    ]);
  });

  test('bad allow-list entries', () => {
    expect(
      config(
        yaml(
          'support_ops_managers: [som-alex]', //                                  1
          'allow_list:', //                                                       2
          '  - fingerprint: zd-main:agent-not-in-roster:1', //                    3
          '    reason: Break-glass account', //                                   4
          '    expires: 31/12/2026', //                                           5
          '  - fingerprint: zd-main:agent-not-in-roster:2', //                    6
          '    expires: 2026-02-30', //                                           7
          '  - fingerprint: zd-main:agent-not-in-roster:1', //                    8
          '    reason: " "', //                                                   9
          '    expires: 2027-01-01', //                                          10
        ),
      ),
    ).toEqual([
      'audit.config.yml:5 allow_list[0].expires: "31/12/2026" is not an ISO-8601 date (e.g. 2026-12-31)',
      'audit.config.yml:6 allow_list[1].reason: required',
      'audit.config.yml:7 allow_list[1].expires: "2026-02-30" is not an ISO-8601 date (e.g. 2026-12-31)',
      'audit.config.yml:8 allow_list[2].fingerprint: duplicate "zd-main:agent-not-in-roster:1", ' +
        'also at line 3 (allow_list[0])',
      'audit.config.yml:9 allow_list[2].reason: must not be empty',
    ]);
  });

  test('unknown platform and unknown platform keys', () => {
    expect(
      config(
        yaml(
          'support_ops_managers: [som-alex]', //            1
          'platforms:', //                                  2
          '  zendesk_us_federal: { enabled: false }', //    3
          '  slack: {}', //                                 4
          '  zendesk: { enabled: "no", coverage_window: P1D }', // 5
          '  calendly: { lables: [x] }', //                 6
        ),
      ),
    ).toEqual([
      'audit.config.yml:3 platforms.zendesk_us_federal: unknown platform (did you mean "zendesk-us-federal"?)',
      'audit.config.yml:4 platforms.slack: unknown platform ' +
        '(expected one of: zendesk, zendesk-us-federal, calendly, pagerduty)',
      'audit.config.yml:5 platforms.zendesk.coverage_window: unknown key (expected one of: enabled, template, ' +
        'labels, rate_limit_share, service_accounts, admin_allow_list, max_login_age, token_max_unused_age, ' +
        'two_factor_required)',
      'audit.config.yml:5 platforms.zendesk.enabled: must be true or false, got "no"',
      'audit.config.yml:6 platforms.calendly.lables: unknown key (did you mean "labels"?)',
    ]);
  });

  test('calendly: admin_allow_list and pending_invitation_max_age are read', () => {
    const parsed = parseAuditConfig(
      yaml(
        'support_ops_managers: [som-alex]',
        'platforms:',
        '  calendly:',
        '    admin_allow_list: [alex.rivera@example.com, Morgan.Smith@example.com]',
        '    pending_invitation_max_age: P1M',
      ),
      'a.yml',
    );
    expect(parsed.platforms.calendly).toEqual({
      enabled: true,
      template: 'issue_templates/calendly.md',
      labels: [],
      rate_limit_share: 0.5,
      admin_allow_list: ['alex.rivera@example.com', 'Morgan.Smith@example.com'],
      pending_invitation_max_age: 'P1M',
    });
  });

  test('calendly: bad allow-list emails, duplicates and durations name their line', () => {
    expect(
      config(
        yaml(
          'support_ops_managers: [som-alex]', //                  1
          'platforms:', //                                        2
          '  calendly:', //                                       3
          '    admin_allow_list:', //                             4
          '      - alex.rivera@example.com', //                   5
          '      - som-alex', //                                  6
          '      - Alex.Rivera@example.com', //                   7
          '      - 42', //                                        8
          '    pending_invitation_max_age: 14 days', //           9
          '    service_accounts: []', //                         10
        ),
      ),
    ).toEqual([
      'audit.config.yml:6 platforms.calendly.admin_allow_list[1]: "som-alex" is not an email address',
      'audit.config.yml:7 platforms.calendly.admin_allow_list[2]: duplicate "Alex.Rivera@example.com", also at line 5',
      'audit.config.yml:8 platforms.calendly.admin_allow_list[3]: must be an email address, got 42',
      'audit.config.yml:9 platforms.calendly.pending_invitation_max_age: "14 days" ' +
        'is not an ISO-8601 duration (e.g. P14D)',
      'audit.config.yml:10 platforms.calendly.service_accounts: unknown key (expected one of: enabled, template, ' +
        'labels, rate_limit_share, admin_allow_list, pending_invitation_max_age)',
    ]);
    expect(
      config(
        yaml(
          'support_ops_managers: [som-alex]',
          'platforms:',
          '  calendly: { admin_allow_list: a@example.com, pending_invitation_max_age: P0D }',
        ),
      ),
    ).toEqual([
      'audit.config.yml:3 platforms.calendly.admin_allow_list: must be a list of emails, got "a@example.com"',
      'audit.config.yml:3 platforms.calendly.pending_invitation_max_age: "P0D" must be longer than zero',
    ]);
  });

  test('support_ops_managers: required, a list, not empty, usernames', () => {
    expect(config(yaml('support_ops_managers: []'))).toEqual([
      "audit.config.yml:1 support_ops_managers: must not be empty (list the Support Ops Managers' GitLab usernames)",
    ]);
    expect(config(yaml('confidential: true'))).toEqual(['audit.config.yml:1 support_ops_managers: required']);
    expect(config('')).toEqual(['audit.config.yml:1 support_ops_managers: required']);
    expect(config(yaml('support_ops_managers: som-alex'))).toEqual([
      'audit.config.yml:1 support_ops_managers: must be a list of GitLab usernames, got "som-alex"',
    ]);
    expect(config(yaml('support_ops_managers:', '  - som alex'))).toEqual([
      'audit.config.yml:2 support_ops_managers[0]: "som alex" is not a GitLab username (letters, digits, _ - . only)',
    ]);
  });

  test('every problem is collected, in line order', () => {
    expect(
      config(
        yaml(
          'confidential: yes', //          1
          'labels: [audit, "a,b", "audit::quarterly"]', //     2
          'ladders: {}', //                3
          'platforms: [zendesk]', //       4
        ),
      ),
    ).toEqual([
      'audit.config.yml:1 support_ops_managers: required',
      'audit.config.yml:1 confidential: must be true or false, got "yes"',
      'audit.config.yml:2 labels[1]: "a,b": a GitLab label cannot contain a comma',
      'audit.config.yml:2 labels[2]: "audit::quarterly": the bot sets the audit::… labels itself ' +
        '(a GitLab issue holds one label per scope)',
      'audit.config.yml:3 ladders: unknown key (did you mean "ladder"?)',
      'audit.config.yml:4 platforms: must be a mapping (platform ids), got a list',
    ]);
  });

  test('not a mapping, and a missing file', () => {
    expect(config(yaml('- som-alex'))).toEqual(['audit.config.yml:1: must be a mapping, got a list']);
    expect(problems(() => loadAuditConfig('nope/audit.config.yml'))).toEqual([
      'nope/audit.config.yml: cannot read (ENOENT)',
    ]);
  });
});

describe('environment', () => {
  test('defaults', () => {
    expect(readEnv({})).toEqual({
      CALENDLY_URL: 'https://api.calendly.com',
      PAGERDUTY_URL: 'https://api.pagerduty.com',
      AUDIT_CONFIG: 'audit.config.yml',
      AUDIT_ROSTER: 'roster.yml',
    });
    const env = readEnv({
      CI_SERVER_URL: 'https://gitlab.example.com/',
      CI_PROJECT_PATH: 'support/audits',
      ZENDESK_URL: '',
    });
    expect(env.GITLAB_URL).toBe('https://gitlab.example.com');
    expect(env.AUDIT_PROJECT).toBe('support/audits');
    expect(env.ZENDESK_URL).toBeUndefined();
    const explicit = readEnv({
      CI_SERVER_URL: 'https://gitlab.example.com',
      GITLAB_URL: 'http://127.0.0.1:4000',
      CI_PROJECT_PATH: 'a/b',
      AUDIT_PROJECT: 'c/d',
      PAGERDUTY_URL: 'http://127.0.0.1:4001/',
      AUDIT_CONFIG: 'sandbox/audit.config.yml',
      AUDIT_ROSTER: 'sandbox/roster.yml',
    });
    expect(explicit).toMatchObject({
      GITLAB_URL: 'http://127.0.0.1:4000',
      AUDIT_PROJECT: 'c/d',
      PAGERDUTY_URL: 'http://127.0.0.1:4001',
      AUDIT_CONFIG: 'sandbox/audit.config.yml',
      AUDIT_ROSTER: 'sandbox/roster.yml',
    });
  });

  test('bad values are all reported, never echoed', () => {
    const secret = 's3cr3t-token-value';
    const error = problems(() =>
      readEnv({
        PAGERDUTY_URL: 'api.pagerduty.com',
        CI_SERVER_URL: 'ftp://gitlab.example.com',
        ZENDESK_URL: `https://admin:${secret}@example.zendesk.com`,
        ZENDESK_EMAIL: 'admin',
      }),
    );
    expect(error).toEqual([
      'env CI_SERVER_URL: not an http(s) URL',
      'env ZENDESK_URL: must not contain credentials (use the token variable)',
      'env PAGERDUTY_URL: not a URL',
      'env ZENDESK_EMAIL: not an email address',
    ]);
    expect(error.join('\n')).not.toContain(secret);
  });

  test('requireEnv lists every missing variable', () => {
    const env = readEnv({ GITLAB_TOKEN: 'glpat-abcdef', ZENDESK_URL: 'https://example.zendesk.com' });
    expect(
      problems(() => requireEnv(env, ['GITLAB_URL', 'GITLAB_TOKEN', 'AUDIT_PROJECT', ...PLATFORM_ENV.zendesk])),
    ).toEqual([
      'env GITLAB_URL: required (base URL of GitLab; set in GitLab CI as CI_SERVER_URL)',
      'env AUDIT_PROJECT: required (path of the project that holds the audit issues; ' +
        'set in GitLab CI as CI_PROJECT_PATH)',
      'env ZENDESK_CLIENT_ID: required (the identifier of a confidential OAuth client of the main Zendesk ' +
        'instance, created by an admin in Admin Center)',
      "env ZENDESK_CLIENT_SECRET: required (that OAuth client's secret)",
    ]);
    const ok = requireEnv(env, ['GITLAB_TOKEN', 'CALENDLY_URL']);
    const token: string = ok.GITLAB_TOKEN;
    expect(token).toBe('glpat-abcdef');
  });

  test('AUDIT_HTTP_TIMEOUT_MS: milliseconds from 1 to 600000, else a problem', () => {
    expect(readEnv({}).AUDIT_HTTP_TIMEOUT_MS).toBeUndefined();
    expect(readEnv({ AUDIT_HTTP_TIMEOUT_MS: ' 250 ' }).AUDIT_HTTP_TIMEOUT_MS).toBe(250);
    for (const bad of ['0', '-5', '1.5', '2s', '600001']) {
      expect(problems(() => readEnv({ AUDIT_HTTP_TIMEOUT_MS: bad }))).toEqual([
        'env AUDIT_HTTP_TIMEOUT_MS: must be a whole number of milliseconds from 1 to 600000',
      ]);
    }
  });

  test('secretValues lists every secret that is set', () => {
    expect(
      secretValues({
        GITLAB_TOKEN: 'glpat-1',
        CI_JOB_TOKEN: 'job-2',
        CALENDLY_TOKEN: '',
        PAGERDUTY_TOKEN: 'pd-3',
        ZENDESK_API_TOKEN: 'zd-4',
        ZENDESK_EMAIL: 'admin@example.com',
        ZENDESK_URL: 'https://example.zendesk.com',
      }),
    ).toEqual(['glpat-1', 'zd-4', 'pd-3', 'job-2', Buffer.from('admin@example.com/token:zd-4').toString('base64')]);
    expect(secretValues({})).toEqual([]);
  });
});
