import { config, roster, yaml } from '../config-helpers.js';
import { parseAuditConfig } from '../../src/config/audit-config.js';
import { parseRoster } from '../../src/config/roster.js';

const person = (name: string, username: string, pagerduty: string) => [
  `- name: ${name}`,
  `  email: ${username}@example.com`,
  `  gitlab: { username: ${username} }`,
  '  reports_to: null',
  `  pagerduty: ${pagerduty}`,
];

describe('roster: pagerduty.role', () => {
  test('optional; when given, one of PagerDuty’s roles', () => {
    const people = parseRoster(
      yaml(
        ...person('Ann', 'ann', '{ id: PANN001, schedules: [PSCHED1], role: owner }'),
        ...person('Bo', 'bo', '{ id: PBO0001 }'),
      ),
      'roster.yml',
    );
    expect(people[0].pagerduty).toEqual({ id: 'PANN001', schedules: ['PSCHED1'], role: 'owner' });
    expect(people[1].pagerduty).toEqual({ id: 'PBO0001', schedules: [] });
  });

  test('a wrong role names its line and path, with a suggestion; other keys are still unknown', () => {
    expect(
      roster(
        yaml(
          ...person('Ann', 'ann', '{ id: PANN001, role: admn }'), //                        5
          ...person('Bo', 'bo', '{ id: PBO0001, role: [admin] }'), //                       10
          ...person('Cy', 'cy', '{ id: PCY0001, team: PTEAM01 }'), //                       15
        ),
      ),
    ).toEqual([
      'roster.yml:5 [0].pagerduty.role: must be one of admin, limited_user, observer, owner, read_only_user, ' +
        'read_only_limited_user, restricted_access, user, got "admn" (did you mean "admin"?)',
      'roster.yml:10 [1].pagerduty.role: must be one of admin, limited_user, observer, owner, read_only_user, ' +
        'read_only_limited_user, restricted_access, user, got a list',
      'roster.yml:15 [2].pagerduty.team: unknown key (expected one of: id, schedules, role)',
    ]);
  });
});

describe('audit config: platforms.pagerduty', () => {
  test('defaults: no admin allow-list, a 28-day coverage window, every schedule', () => {
    const parsed = parseAuditConfig(yaml('support_ops_managers: [som-alex]'), 'a.yml');
    expect(parsed.platforms.pagerduty).toEqual({
      enabled: true,
      template: 'issue_templates/pagerduty.md',
      labels: [],
      rate_limit_share: 0.5,
      service_accounts: [],
      admin_allow_list: [],
      coverage_window: 'P28D',
    });
  });

  test('values given override the defaults', () => {
    const parsed = parseAuditConfig(
      yaml(
        'support_ops_managers: [som-alex]',
        'platforms:',
        '  pagerduty:',
        '    admin_allow_list: [PALXRV1, ops@example.com]',
        '    coverage_window: P14D',
        '    schedules: [PAMER01, PEMEA01]',
      ),
      'a.yml',
    );
    expect(parsed.platforms.pagerduty).toMatchObject({
      admin_allow_list: ['PALXRV1', 'ops@example.com'],
      coverage_window: 'P14D',
      schedules: ['PAMER01', 'PEMEA01'],
    });
  });

  test('every problem is reported with its line and path', () => {
    expect(
      config(
        yaml(
          'support_ops_managers: [som-alex]', //    1
          'platforms:', //                          2
          '  pagerduty:', //                        3
          '    admin_allow_list:', //               4
          '      - alex@example.com', //            5
          '      - not an id', //                   6
          '      - Alex@Example.com', //            7
          '    coverage_window: 28 days', //        8
          '    schedules: [PAMER01, amer, PAMER01]', // 9
        ),
      ),
    ).toEqual([
      'audit.config.yml:6 platforms.pagerduty.admin_allow_list[1]: ' +
        '"not an id" is neither a PagerDuty user id (e.g. PABC123) nor an email address',
      'audit.config.yml:7 platforms.pagerduty.admin_allow_list[2]: duplicate "Alex@Example.com", also at line 5',
      'audit.config.yml:8 platforms.pagerduty.coverage_window: "28 days" is not an ISO-8601 duration (e.g. P28D)',
      'audit.config.yml:9 platforms.pagerduty.schedules[1]: "amer" is not a PagerDuty schedule id (e.g. P89ZYHZ)',
      'audit.config.yml:9 platforms.pagerduty.schedules[2]: duplicate "PAMER01", also at line 9',
    ]);
    expect(
      config(
        yaml('support_ops_managers: [som-alex]', 'platforms:', '  pagerduty: { schedules: [], coverage_window: PT0S }'),
      ),
    ).toEqual([
      'audit.config.yml:3 platforms.pagerduty.coverage_window: "PT0S" must be longer than zero',
      'audit.config.yml:3 platforms.pagerduty.schedules: must not be empty (leave the key out to audit every schedule)',
    ]);
    expect(
      config(yaml('support_ops_managers: [som-alex]', 'platforms:', '  pagerduty: { coverage_windw: P7D }')),
    ).toEqual(['audit.config.yml:3 platforms.pagerduty.coverage_windw: unknown key (did you mean "coverage_window"?)']);
  });
});
