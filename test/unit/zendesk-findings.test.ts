import { DateTime } from 'luxon';
import {
  ZENDESK_INSTANCES,
  credentialInventories,
  isoMillis,
  zendeskFindings,
} from '../../src/platforms/zendesk/findings.js';
import { assertListsItself } from '../../src/platforms/zendesk/client.js';
import type { ZdApiToken, ZdOAuthClient, ZdUser, ZendeskSnapshot } from '../../src/platforms/zendesk/types.js';
import type { RosterPerson } from '../../src/config/types.js';
import type { ZendeskAccount } from '../../src/platforms/zendesk/roster.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const MAIN = ZENDESK_INSTANCES.zendesk;
const FEDERAL = ZENDESK_INSTANCES['zendesk-us-federal'];
const SETTINGS = { admin_allow_list: ['boss@example.com', '9'], max_login_age: 'P90D', token_max_unused_age: 'P90D' };
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

function person(
  username: string,
  name: string,
  zendesk: { main?: ZendeskAccount; us_federal?: ZendeskAccount },
  email = `${username}@example.com`,
): RosterPerson {
  return { name, email, gitlab: { username }, reports_to: null, zendesk, line: 1 };
}

function user(id: number, name: string, email: string | null, extra: Partial<ZdUser> = {}): ZdUser {
  return {
    id,
    name,
    email,
    role: 'agent',
    created_at: daysAgo(500),
    last_login_at: daysAgo(1),
    two_factor_auth_enabled: true,
    suspended: false,
    ...extra,
  };
}

function snapshot(users: ZdUser[], extra: Partial<ZendeskSnapshot> = {}): ZendeskSnapshot {
  return {
    users,
    memberships: [],
    groups: [
      { id: 1, name: 'Support AMER' },
      { id: 2, name: 'Support EMEA' },
    ],
    customRoles: [
      { id: 50, name: 'Staff', role_type: 0 },
      { id: 51, name: 'Light Agent', role_type: 1 },
    ],
    tokens: { available: true, tokens: [] },
    oauthClients: [],
    oauthTokens: { available: true, tokens: [] },
    me: { id: 9, name: 'Audit Admin', email: 'boss@example.com', role: 'admin' },
    ...extra,
  };
}

/** The first of the credential tables: the API tokens. */
const tokenInventory = (...args: Parameters<typeof credentialInventories>) => credentialInventories(...args)[0];

const kinds = (findings: { fingerprint: string; owner: string | null }[]) =>
  findings.map((f) => [f.fingerprint, f.owner]).sort();

describe('zendesk findings (pure)', () => {
  test('a roster person found by email under another id is one wrong-id finding, and the account is theirs', () => {
    const roster = [person('ann', 'Ann Agent', { main: { id: 1, role: 'agent', groups: [] } })];
    const findings = zendeskFindings(snapshot([user(2, 'Ann Agent', 'ann@example.com')]), roster, SETTINGS, NOW, MAIN);
    expect(kinds(findings)).toEqual([['zendesk:wrong-id:ann', 'ann']]);
    expect(findings[0].detail).toContain(
      'zendesk.main.id 1 is not an agent or admin; Zendesk has ann@example.com as user 2',
    );
  });

  test('no account: missing-user in the main instance, us-federal-no-account in US Federal (also without id)', () => {
    const roster = [
      person('ann', 'Ann Agent', {
        main: { id: 1, role: 'agent', groups: [] },
        us_federal: { id: 7, role: 'agent', groups: [] },
      }),
      person('bo', 'Bo Marked', { us_federal: { role: 'agent', groups: [] } }),
    ];
    expect(kinds(zendeskFindings(snapshot([]), roster, SETTINGS, NOW, MAIN))).toEqual([
      ['zendesk:missing-user:ann', 'ann'],
    ]);
    const federal = zendeskFindings(snapshot([]), roster, SETTINGS, NOW, FEDERAL);
    expect(kinds(federal)).toEqual([
      ['zendesk-us-federal:us-federal-no-account:ann', 'ann'],
      ['zendesk-us-federal:us-federal-no-account:bo', 'bo'],
    ]);
    expect(federal.find((f) => f.owner === 'bo')!.detail).toContain('The roster gives no id yet');
  });

  test('a person on both instances gets instance-specific fingerprints', () => {
    const roster = [
      person('ann', 'Ann Agent', {
        main: { id: 1, role: 'agent', groups: [] },
        us_federal: { id: 1, role: 'light_agent', groups: [] },
      }),
    ];
    const users = [user(1, 'Ann Agent', 'ann@example.com')];
    expect(kinds(zendeskFindings(snapshot(users), roster, SETTINGS, NOW, MAIN))).toEqual([]);
    expect(kinds(zendeskFindings(snapshot(users), roster, SETTINGS, NOW, FEDERAL))).toEqual([
      ['zendesk-us-federal:role-mismatch:ann', 'ann'],
    ]);
  });

  test('roles: admin, light agent (role_type or custom role), custom role by custom_role_id, plain agent', () => {
    const roster = [
      person('a', 'A', { main: { id: 1, role: 'agent', groups: [] } }),
      person('b', 'B', { main: { id: 2, role: 'Light Agent', groups: [] } }),
      person('c', 'C', { main: { id: 3, role: 'light_agent', groups: [] } }),
      person('d', 'D', { main: { id: 4, role: 'staff', groups: [] } }),
      person('e', 'E', { main: { id: 5, role: 'agent', groups: [] } }),
    ];
    const users = [
      user(1, 'A', 'a@example.com', { custom_role_id: 50 }),
      user(2, 'B', 'b@example.com', { role_type: 1 }),
      user(3, 'C', 'c@example.com', { custom_role_id: 51 }),
      user(4, 'D', 'd@example.com', { custom_role_id: 50 }),
      user(5, 'E', 'e@example.com', { role: 'admin' }),
    ];
    const findings = zendeskFindings(snapshot(users), roster, SETTINGS, NOW, MAIN);
    expect(kinds(findings)).toEqual([
      ['zendesk:admin-not-allowed:5', 'e'],
      ['zendesk:role-mismatch:a', 'a'],
      ['zendesk:role-mismatch:e', 'e'],
    ]);
    expect(findings.find((f) => f.fingerprint === 'zendesk:role-mismatch:a')!.detail).toContain(
      'has the role "Staff" (custom role 50); the roster says agent',
    );
  });

  test('groups come from the memberships; a roster group Zendesk does not have is named as such', () => {
    const roster = [person('a', 'A', { main: { id: 1, role: 'agent', groups: ['support amer', 'Support APAC'] } })];
    const findings = zendeskFindings(
      snapshot([user(1, 'A', 'a@example.com')], {
        memberships: [
          { id: 10, user_id: 1, group_id: 1 },
          { id: 11, user_id: 1, group_id: 2 },
        ],
      }),
      roster,
      SETTINGS,
      NOW,
      MAIN,
    );
    expect(kinds(findings)).toEqual([['zendesk:group-mismatch:a', 'a']]);
    expect(findings[0].detail).toContain(
      'is not in "Support APAC" (no such group in Zendesk), and in "Support EMEA", which the roster does not list',
    );
  });

  test('sign-in, suspension and 2FA: only where the API reports it; a suspended seat is one finding', () => {
    const roster = ['a', 'b', 'c', 'd', 'e', 'f'].map((u, i) =>
      person(u, u.toUpperCase(), { main: { id: i + 1, role: 'agent', groups: [] } }),
    );
    const users = [
      user(1, 'A', 'a@example.com', { last_login_at: daysAgo(91) }),
      user(2, 'B', 'b@example.com', { last_login_at: null, created_at: daysAgo(10) }), // new: not yet
      user(3, 'C', 'c@example.com', { last_login_at: null, created_at: daysAgo(120) }),
      user(4, 'D', 'd@example.com', { two_factor_auth_enabled: null }),
      user(5, 'E', 'e@example.com', { two_factor_auth_enabled: false }),
      user(6, 'F', 'f@example.com', { suspended: true, last_login_at: daysAgo(300), two_factor_auth_enabled: false }),
    ];
    const findings = zendeskFindings(snapshot(users), roster, SETTINGS, NOW, MAIN);
    expect(kinds(findings)).toEqual([
      ['zendesk:inactive-agent:1', 'a'],
      ['zendesk:inactive-agent:3', 'c'],
      ['zendesk:suspended-seat:6', 'f'],
      ['zendesk:two-factor-disabled:5', 'e'],
    ]);
    expect(findings.find((f) => f.fingerprint === 'zendesk:inactive-agent:3')!.detail).toContain(
      'has no sign-in or API use recorded (account created',
    );
    expect(findings.find((f) => f.fingerprint === 'zendesk:inactive-agent:1')!.detail).toContain(
      "(91 days ago; Zendesk's last login, which API use with the user's own credentials also moves), " +
        'longer than 90 days',
    );
  });

  test('sign-in exactly max_login_age ago is not stale; a millisecond earlier is, and so is a calendar max age', () => {
    const roster = ['a', 'b', 'c'].map((u, i) =>
      person(u, u.toUpperCase(), { main: { id: i + 1, role: 'agent', groups: [] } }),
    );
    const limit = NOW.getTime() - 90 * 86_400_000;
    const users = [
      user(1, 'A', 'a@example.com', { last_login_at: new Date(limit).toISOString() }),
      user(2, 'B', 'b@example.com', { last_login_at: new Date(limit - 1).toISOString() }),
      user(3, 'C', 'c@example.com', {
        last_login_at: null,
        created_at: new Date(limit - 1).toISOString().replace('.999Z', 'Z'),
      }),
    ];
    expect(kinds(zendeskFindings(snapshot(users), roster, SETTINGS, NOW, MAIN))).toEqual([
      ['zendesk:inactive-agent:2', 'b'],
      ['zendesk:inactive-agent:3', 'c'],
    ]);
    // P3M counts calendar months back from the run (2026-08-24T09:00Z), as luxon does.
    const months = [
      user(1, 'A', 'a@example.com', { last_login_at: '2026-08-24T09:00:00Z' }),
      user(2, 'B', 'b@example.com', { last_login_at: '2026-08-24T08:59:59.999Z' }),
    ];
    expect(
      kinds(zendeskFindings(snapshot(months), roster.slice(0, 2), { ...SETTINGS, max_login_age: 'P3M' }, NOW, MAIN)),
    ).toEqual([['zendesk:inactive-agent:2', 'b']]);
  });

  test("timestamps are read as luxon reads them, Zendesk's form by Date.parse and every other by luxon", () => {
    const luxon = (iso: string) => {
      const parsed = DateTime.fromISO(iso, { zone: 'utc' });
      return parsed.isValid ? parsed.toMillis() : undefined;
    };
    const samples = [
      '2026-11-24T09:00:00Z',
      '2026-11-24T09:00:00.000Z',
      '2026-11-24T09:00:00.123Z',
      '2026-11-24T09:00:00.5Z',
      '2026-11-24T09:00Z',
      '2026-02-30T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2024-02-29T00:00:00Z',
      '2026-11-24T24:00:00Z',
      '2026-11-24T23:59:60Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-11-31T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '1969-12-31T23:59:59.999Z',
      '9999-12-31T23:59:59.999Z',
      '2026-11-24',
      '2026-11-24T09:00:00+02:00',
      '2026-11-24T09:00:00',
      '2026-11-24 09:00:00Z',
      '2026-W48-2',
      'Nov 24 2026',
      '',
      'garbage',
    ];
    // And random dates of the form, some impossible.
    let seed = 7;
    const next = (below: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % below);
    const two = (n: number) => String(n).padStart(2, '0');
    for (let i = 0; i < 300; i++) {
      const day = `${1900 + next(200)}-${two(next(14))}-${two(next(33))}`;
      const time = `${two(next(26))}:${two(next(61))}:${two(next(62))}`;
      const fraction = next(2) ? `.${String(next(1000)).padStart(3, '0')}` : '';
      samples.push(`${day}T${time}${fraction}Z`);
    }
    for (const iso of samples) expect([iso, isoMillis(iso)]).toEqual([iso, luxon(iso)]);
  });

  test('non-roster agents: owner known by email, else nobody; admins checked on the allow-list by email or id', () => {
    const roster = [person('zoe', 'Zoë', {}, 'zoe@example.com')];
    const users = [
      user(7, 'Zoe', 'zoe@example.com'),
      user(8, 'Stranger', 'x@elsewhere.example', { role: 'admin', suspended: true }),
      user(9, 'Allowed by id', 'y@elsewhere.example', { role: 'admin' }),
      user(10, 'Boss', 'Boss@example.com', { role: 'admin' }),
    ];
    const findings = zendeskFindings(snapshot(users), roster, SETTINGS, NOW, MAIN);
    expect(kinds(findings)).toEqual([
      ['zendesk:admin-not-allowed:8', null],
      ['zendesk:agent-not-in-roster:10', null],
      ['zendesk:agent-not-in-roster:7', 'zoe'],
      ['zendesk:agent-not-in-roster:8', null],
      ['zendesk:agent-not-in-roster:9', null],
    ]);
    expect(findings.find((f) => f.fingerprint === 'zendesk:agent-not-in-roster:8')!.detail).toContain(
      '(suspended, last active',
    );
  });

  test('tokens: a review each, flags for the convention, expiry and disuse; inactive tokens are not "unused"', () => {
    const token = (id: number, description: string, extra: Partial<ZdApiToken> = {}): ZdApiToken => ({
      id,
      description,
      active: true,
      created_at: daysAgo(400),
      last_used: daysAgo(1),
      ...extra,
    });
    const roster = [person('ann', 'Ann Agent', {})];
    const tokens = [
      token(1, 'Ann Agent - https://example.com/r/1 - 2026-11-23'),
      token(2, 'Zapier - ann', { last_used: daysAgo(91) }),
      token(3, 'Jira - Nobody Known', { last_used: null, created_at: daysAgo(5) }),
      token(4, 'whatever', { last_used: null }),
      token(5, 'Old - Ann Agent', { active: false, last_used: daysAgo(900) }),
    ];
    const snap = snapshot([], { tokens: { available: true, tokens } });
    const findings = zendeskFindings(snap, roster, SETTINGS, NOW, MAIN);
    // One item per token: api-token-expired and api-token-unused are no longer separate items, the
    // token's item names them.
    expect(kinds(findings)).toEqual([
      ['zendesk:api-token-bad-description:4', null],
      ['zendesk:api-token-review:1', 'ann'],
      ['zendesk:api-token-review:2', 'ann'],
      ['zendesk:api-token-review:3', null],
      ['zendesk:api-token-review:5', 'ann'],
    ]);
    const detail = (id: string) => findings.find((f) => f.fingerprint === `zendesk:${id}`)!.detail;
    expect(detail('api-token-review:1')).toContain(
      '(request https://example.com/r/1, expires 2026-11-23). It is past that expiry. ',
    );
    expect(detail('api-token-review:1')).toContain(
      'If it is still needed, ask Support Ops (a Zendesk admin) to rotate it (new expiry in the description) ' +
        'and reply why (intentional: <reason>); if not, ask them to delete it.',
    );
    expect(detail('api-token-review:2')).toContain(
      "the Zapier integration's token, owned by ann. It has not been used for 91 days (limit: 90 days). " +
        'If it is still needed, reply why (intentional: <reason>); ' +
        'if not, ask Support Ops (a Zendesk admin) to delete it.',
    );
    expect(detail('api-token-bad-description:4')).toContain(
      ': no " - " separates an owner from the rest. ' +
        'It has never been used in the 400 days since it was created (limit: 90 days). ',
    );
    expect(detail('api-token-review:5')).toContain('It is deactivated. If it is still needed');
    expect(detail('api-token-review:3')).not.toMatch(/past that expiry|used for|never been used/);
    const inventory = tokenInventory(snap, roster, SETTINGS, NOW, MAIN);
    expect(inventory.headers).toEqual(['Token', 'Description', 'Owner', 'Created', 'Last used', 'Active', 'Flags']);
    expect(inventory.rows.map((row) => [row[0], row[2], row[5], row[6]])).toEqual([
      ['1', 'Ann Agent (ann)', 'yes', 'expired 2026-11-23'],
      ['2', 'ann (ann)', 'yes', 'unused 91 days'],
      ['3', 'Nobody Known (not in the roster)', 'yes', 'none'],
      ['4', 'unknown', 'yes', 'breaks the naming convention; never used'],
      ['5', 'Ann Agent (ann)', 'no', 'none'],
    ]);
  });

  test("a token both expired and unused is one item naming both; so is a service account's unused token", () => {
    const tokens: ZdApiToken[] = [
      {
        id: 11,
        description: 'Ann Agent - https://example.com/r/11 - 2026-01-31',
        active: true,
        created_at: daysAgo(400),
        last_used: daysAgo(200),
      },
      { id: 12, description: 'Nightly export - Ann Agent', active: true, created_at: daysAgo(400), last_used: null },
    ];
    const snap = snapshot([], { tokens: { available: true, tokens } });
    const findings = zendeskFindings(
      snap,
      [person('ann', 'Ann Agent', {})],
      { ...SETTINGS, service_accounts: ['12'] },
      NOW,
      MAIN,
    );
    expect(kinds(findings)).toEqual([
      ['zendesk:api-token-review:11', 'ann'],
      ['zendesk:api-token-review:12', 'ann'],
    ]);
    expect(findings[0].detail).toContain(
      'expires 2026-01-31). It is past that expiry, and it has not been used for 200 days (limit: 90 days).',
    );
    expect(findings[0].evidence).toMatchObject({
      expires: '2026-01-31',
      expired: true,
      unusedDays: 200,
      maxUnusedAge: 'P90D',
    });
    expect(findings[1].detail).toContain(
      "a service account's token (platforms.zendesk.service_accounts). " +
        'It has never been used in the 400 days since it was created (limit: 90 days). ' +
        'Ask Support Ops (a Zendesk admin) to delete it if nothing needs it any more.',
    );
  });

  test('token access disabled (404) is a finding and an inventory that says so, never "no tokens"', () => {
    const snap = snapshot([], { tokens: { available: false, status: 404, reason: '{"error":"InvalidEndpoint"}' } });
    const findings = zendeskFindings(snap, [], SETTINGS, NOW, FEDERAL);
    expect(kinds(findings)).toEqual([['zendesk-us-federal:api-token-access-disabled', null]]);
    const inventory = tokenInventory(snap, [], SETTINGS, NOW, FEDERAL);
    expect(inventory.rows).toEqual([]);
    expect(inventory.empty).toContain('could not be listed');
    expect(inventory.empty).toContain('not "no tokens"');
    expect(tokenInventory(snapshot([]), [], SETTINGS, NOW, MAIN).empty).toBe('Zendesk has no API tokens.');
  });

  describe('OAuth clients', () => {
    const client = (
      id: number,
      name: string,
      userId: number | null,
      extra: Partial<ZdOAuthClient> = {},
    ): ZdOAuthClient => ({
      id,
      name,
      identifier: name.toLowerCase().replace(/\W+/g, '_'),
      kind: 'confidential',
      user_id: userId,
      created_at: daysAgo(200),
      ...extra,
    });
    const roster = [person('ann', 'Ann Agent', { main: { id: 1, role: 'agent', groups: [] } })];
    const ann = user(1, 'Ann Agent', 'ann@example.com');

    test('each client needs a justification: from its creator via the roster, else from the SOMs', () => {
      const snap = snapshot([ann], {
        oauthClients: [client(11, 'Salesforce sync', 1), client(12, 'Mystery app', 777)],
        oauthTokens: {
          available: true,
          tokens: [
            { id: 1, client_id: 11, user_id: 1, used_at: daysAgo(3), expires_at: null },
            { id: 2, client_id: 11, user_id: 1, used_at: daysAgo(9), expires_at: daysAgo(-2) },
            { id: 3, client_id: 12, user_id: 777, used_at: daysAgo(1), expires_at: daysAgo(1) },
          ],
        },
      });
      const findings = zendeskFindings(snap, roster, SETTINGS, NOW, MAIN);
      expect(kinds(findings)).toEqual([
        ['zendesk:oauth-client-review:11', 'ann'],
        ['zendesk:oauth-client-review:12', null],
      ]);
      const sync = findings.find((f) => f.fingerprint === 'zendesk:oauth-client-review:11')!;
      expect(sync.subject).toBe('OAuth client "Salesforce sync" (salesforce_sync)');
      expect(sync.detail).toContain('it holds 2 live access tokens, last used 2026-11-21');
      expect(findings.find((f) => f.fingerprint === 'zendesk:oauth-client-review:12')!.detail).toContain(
        'it holds no live access token',
      );
      const clients = credentialInventories(snap, roster, SETTINGS, NOW, MAIN)[1];
      expect(clients.title).toBe('Zendesk OAuth clients');
      expect(clients.rows.map((row) => [row[0], row[4], row[6], row[8]])).toEqual([
        ['11', '1 (ann)', '2', 'asked to justify'],
        ['12', '777 (not in the roster)', '0', 'asked to justify'],
      ]);
    });

    test("a service account (the bot's client, an integration): listed, never asked; by id, identifier or name", () => {
      const snap = snapshot([ann, user(40, 'Integration Bot', 'bot@example.com')], {
        oauthClients: [client(11, 'Audit bot', 1), client(12, 'Chat', 1), client(13, 'Sync', 1)],
        tokens: {
          available: true,
          tokens: [
            { id: 7, description: 'no convention here', active: true, created_at: daysAgo(30), last_used: daysAgo(2) },
          ],
        },
      });
      const settings = { ...SETTINGS, service_accounts: ['audit_bot', '12', 'SYNC', '7', 'bot@example.com'] };
      expect(kinds(zendeskFindings(snap, roster, settings, NOW, MAIN))).toEqual([]);
      const [tokens, clients] = credentialInventories(snap, roster, settings, NOW, MAIN);
      expect(clients.rows.map((row) => row[8])).toEqual([
        'service account (not asked)',
        'service account (not asked)',
        'service account (not asked)',
      ]);
      expect(tokens.rows[0][6]).toContain('service account');
    });

    test('a refused OAuth token listing is said, never taken as "no live tokens"', () => {
      const snap = snapshot([ann], {
        oauthClients: [client(11, 'Sync', 1)],
        oauthTokens: { available: false, status: 403, reason: 'Forbidden' },
      });
      const [finding] = zendeskFindings(snap, roster, SETTINGS, NOW, MAIN);
      expect(finding.detail).toContain('whether it holds live access tokens is unknown');
      expect(credentialInventories(snap, roster, SETTINGS, NOW, MAIN)[1].rows[0][6]).toBe('unknown');
    });
  });

  test('two_factor_required: false (agents sign in through SSO) asks nobody to turn on 2FA', () => {
    const roster = [person('ann', 'Ann Agent', { main: { id: 1, role: 'agent', groups: [] } })];
    const snap = snapshot([user(1, 'Ann Agent', 'ann@example.com', { two_factor_auth_enabled: false })]);
    expect(kinds(zendeskFindings(snap, roster, SETTINGS, NOW, MAIN))).toEqual([
      ['zendesk:two-factor-disabled:1', 'ann'],
    ]);
    expect(zendeskFindings(snap, roster, { ...SETTINGS, two_factor_required: false }, NOW, MAIN)).toEqual([]);
  });

  test("an agent listing without the audit's own admin is not a listing: it fails; a non-admin API user fails", () => {
    const me: ZdUser = { id: 9, name: 'Audit Admin', email: 'boss@example.com', role: 'admin' };
    expect(() => assertListsItself([user(1, 'A', 'a@example.com')], me)).toThrow(
      /does not contain user 9, the admin the audit's credentials act as/,
    );
    expect(() => assertListsItself([{ ...me }], me)).not.toThrow();
    expect(() => assertListsItself([user(9, 'A', 'a@example.com')], { ...me, role: 'agent' })).toThrow(
      /not as an admin/,
    );
  });
});
