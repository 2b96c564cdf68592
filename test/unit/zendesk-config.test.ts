import { config, roster, yaml } from '../config-helpers.js';
import { parseAuditConfig } from '../../src/config/audit-config.js';
import { parseRoster } from '../../src/config/roster.js';
import { readEnv, secretValues } from '../../src/config/env.js';
import { zendeskCredentials } from '../../src/platforms/zendesk/env.js';

describe('audit config: platforms.zendesk and platforms.zendesk-us-federal', () => {
  test('each instance has its own allow-list (emails or ids, as numbers or strings) and ages', () => {
    const parsed = parseAuditConfig(
      yaml(
        'support_ops_managers: [som-alex]',
        'platforms:',
        '  zendesk:',
        '    admin_allow_list: [alex.rivera@example.com, 360001003, "360001004"]',
        '    max_login_age: P60D',
        '  zendesk-us-federal:',
        '    token_max_unused_age: P30D',
      ),
      'a.yml',
    );
    expect(parsed.platforms.zendesk).toEqual({
      enabled: true,
      template: 'issue_templates/zendesk.md',
      labels: [],
      rate_limit_share: 0.5,
      admin_allow_list: ['alex.rivera@example.com', '360001003', '360001004'],
      max_login_age: 'P60D',
      token_max_unused_age: 'P90D',
      service_accounts: [],
      two_factor_required: true,
    });
    expect(parsed.platforms['zendesk-us-federal']).toEqual({
      enabled: true,
      template: 'issue_templates/zendesk-us-federal.md',
      labels: [],
      rate_limit_share: 0.5,
      admin_allow_list: [],
      max_login_age: 'P90D',
      token_max_unused_age: 'P30D',
      service_accounts: [],
      two_factor_required: true,
    });
  });

  test('bad entries, duplicates and durations name their line', () => {
    expect(
      config(
        yaml(
          'support_ops_managers: [som-alex]', //                  1
          'platforms:', //                                        2
          '  zendesk:', //                                        3
          '    admin_allow_list:', //                             4
          '      - alex.rivera@example.com', //                   5
          '      - som-alex', //                                  6
          '      - Alex.Rivera@example.com', //                   7
          '      - 0', //                                         8
          '      - 360001003', //                                 9
          '      - "360001003"', //                              10
          '    max_login_age: 90 days', //                       11
          '    token_max_unused_age: PT0S', //                   12
          '  zendesk-us-federal:', //                            13
          '    schedules: []', //                                14
          '    admin_allow_list: alex.rivera@example.com', //    15
        ),
      ),
    ).toEqual([
      'audit.config.yml:6 platforms.zendesk.admin_allow_list[1]: ' +
        '"som-alex" is neither a Zendesk user id (e.g. 360001001) nor an email address',
      'audit.config.yml:7 platforms.zendesk.admin_allow_list[2]: duplicate "Alex.Rivera@example.com", also at line 5',
      'audit.config.yml:8 platforms.zendesk.admin_allow_list[3]: must be a positive integer, got 0',
      'audit.config.yml:10 platforms.zendesk.admin_allow_list[5]: duplicate "360001003", also at line 9',
      'audit.config.yml:11 platforms.zendesk.max_login_age: "90 days" is not an ISO-8601 duration (e.g. P90D)',
      'audit.config.yml:12 platforms.zendesk.token_max_unused_age: "PT0S" must be longer than zero',
      'audit.config.yml:14 platforms.zendesk-us-federal.schedules: unknown key (expected one of: enabled, template, ' +
        'labels, rate_limit_share, service_accounts, admin_allow_list, max_login_age, token_max_unused_age, ' +
        'two_factor_required)',
      'audit.config.yml:15 platforms.zendesk-us-federal.admin_allow_list: ' +
        'must be a list of Zendesk user ids or emails, got "alex.rivera@example.com"',
    ]);
  });
});

describe('roster: zendesk accounts', () => {
  const person = (zendesk: string) => [
    '- name: Ann',
    '  email: ann@example.com',
    '  gitlab: { username: ann }',
    '  reports_to: null',
    `  zendesk: ${zendesk}`,
  ];

  test('the id may be left out while the person is marked for the instance but has no account yet', () => {
    const [ann] = parseRoster(
      yaml(...person('{ main: { id: 12, role: agent }, us_federal: { role: light_agent, groups: [US Federal] } }')),
      'roster.yml',
    );
    expect(ann.zendesk).toEqual({
      main: { id: 12, role: 'agent', groups: [] },
      us_federal: { role: 'light_agent', groups: ['US Federal'] },
    });
  });

  test('an id, when given, is still checked, and ids stay unique per instance', () => {
    expect(roster(yaml(...person('{ us_federal: { id: "x", role: agent } }')))).toEqual([
      'roster.yml:5 [0].zendesk.us_federal.id: must be a positive integer, got "x"',
    ]);
    // Two people without an id yet do not collide.
    const both = yaml(
      ...person('{ main: { role: agent } }'),
      '- name: Bo',
      '  email: bo@example.com',
      '  gitlab: { username: bo }',
      '  reports_to: null',
      '  zendesk: { main: { role: agent } }',
    );
    expect(parseRoster(both, 'roster.yml').map((p) => p.zendesk?.main)).toEqual([
      { role: 'agent', groups: [] },
      { role: 'agent', groups: [] },
    ]);
  });
});

describe('Zendesk credentials and the budget share', () => {
  test('service_accounts, two_factor_required and rate_limit_share are read; a bad share names its line', () => {
    const parsed = parseAuditConfig(
      yaml(
        'support_ops_managers: [som-alex]',
        'platforms:',
        '  zendesk:',
        '    service_accounts: [audit_bot, 801, bot@example.com]',
        '    two_factor_required: false',
        '    rate_limit_share: 0.25',
      ),
      'a.yml',
    );
    expect(parsed.platforms.zendesk).toMatchObject({
      service_accounts: ['audit_bot', '801', 'bot@example.com'],
      two_factor_required: false,
      rate_limit_share: 0.25,
    });
    expect(parsed.platforms.calendly.rate_limit_share).toBe(0.5);
    expect(
      config(yaml('support_ops_managers: [som-alex]', 'platforms:', '  pagerduty:', '    rate_limit_share: 1.5')),
    ).toEqual([
      'audit.config.yml:4 platforms.pagerduty.rate_limit_share: must be a number above 0 and at most 1 ' +
        "(e.g. 0.5: half of the vendor's per-minute budget), got 1.5",
    ]);
  });

  test('OAuth client first, API-token pair alone as fallback; half a client: an error naming what is missing', () => {
    const base = { ZENDESK_URL: 'https://example.zendesk.com/api/v2/' };
    const oauth = { ZENDESK_CLIENT_ID: 'audit_bot', ZENDESK_CLIENT_SECRET: 's3cr3t-value' };
    const pair = { ZENDESK_EMAIL: 'admin@example.com', ZENDESK_API_TOKEN: 'tok-123456' };
    expect(zendeskCredentials(readEnv({ ...base, ...oauth, ...pair }), 'zendesk')).toMatchObject({
      kind: 'oauth',
      clientId: 'audit_bot',
      baseUrl: 'https://example.zendesk.com',
    });
    expect(zendeskCredentials(readEnv({ ...base, ...pair }), 'zendesk')).toMatchObject({
      kind: 'api-token',
      email: 'admin@example.com',
      variables: ['ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'],
    });
    expect(() => zendeskCredentials(readEnv({ ...base, ZENDESK_CLIENT_ID: 'audit_bot', ...pair }), 'zendesk')).toThrow(
      /env ZENDESK_CLIENT_SECRET: required/,
    );
    expect(secretValues({ ZENDESK_CLIENT_SECRET: 's3cr3t"value' })).toEqual(['s3cr3t"value', 's3cr3t\\"value']);
  });
});
