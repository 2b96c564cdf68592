/**
 * Sandbox Zendesk instances (main and US Federal), lined up with src/sandbox/seed/roster.yml and
 * the zendesk allow-lists of src/sandbox/seed/audit.config.yml. Times are relative to `now`
 * (day 0 = now's date, 09:00 UTC), so a run on any date finds the same things.
 *
 * Main instance (audit `zendesk`)                              → finding (owner)
 * ------------------------------------------------------------------------------------------------
 * Agent 360009001 "@all⏎/close | <script>… Eve Intruder"      → agent-not-in-roster (null); the name
 *                                                                must stay inert in every note
 * Agent 360009002 "Zoë Ångström" (roster email, no zendesk.main)→ agent-not-in-roster (zangstrom)
 * Roster tkim 360001007: no such agent, no agent with his email → missing-user (tkim)
 * Roster ktanaka 360001010: Zendesk has him as 360001099       → wrong-id (ktanaka), not also "not in roster"
 * lfischer is "Lena Fisher" in Zendesk, custom role "Staff"    → name-mismatch, role-mismatch (lfischer)
 *   (the roster says "Support Engineer")
 * ohaddad's Zendesk email is omar.h@example.com                → email-mismatch (ohaddad)
 * slee is an admin (roster: agent), not on the allow-list      → role-mismatch, admin-not-allowed (slee)
 * cokafor is also in "Support EMEA" (roster: Support AMER)     → group-mismatch (cokafor)
 * dwhitfield is suspended and still an agent                   → suspended-seat (dwhitfield)
 * jdoe last signed in 100 days ago                             → inactive-agent (jdoe)
 * rmendes (light agent) never signed in; account 200 days old  → inactive-agent (rmendes)
 * pnair (admin) has two-factor authentication disabled         → two-factor-disabled (pnair)
 * API tokens (every one is listed in the results note; one item per token, naming each of its problems):
 *   7001 "Jane Doe - <request> - 2027-06-30"                   → api-token-review (jdoe)
 *   7002 "Salesforce sync - Sam Lee"                           → api-token-review (slee)
 *   7003 "Priya Nair - <request> - <10 days ago>"              → api-token-review, naming the expiry (pnair)
 *   7004 "Morgan Smith - <request> - 2027-12-31", never used   → api-token-review, naming the disuse (msmith)
 *   7005 "Zapier - Lena Fischer", last used 150 days ago       → api-token-review, naming the disuse (lfischer)
 *   7006 "@all⏎/close | <script>… temp token"                  → api-token-bad-description (null)
 *   7007 "Reporting - Former Person" (not in the roster)       → api-token-review (null)
 *   7008 "Old migration - Alex Rivera", deactivated            → api-token-review (som-alex)
 *   7009 "Access audits - Alex Rivera" (the bot's own token)   → api-token-review (som-alex)
 * OAuth clients (every one is listed in the results note):
 *   801 "Access audits" (audit_bot), Alex's: the bot's own      → none (platforms.zendesk.service_accounts)
 *   802 "Slack integration", created by msmith, 2 live tokens   → oauth-client-review (msmith)
 *   803 "Old BI export", created by a departed admin           → oauth-client-review (null)
 * No finding: som-alex, msmith (admins on the allow-list), pnair's admin role (allow-listed by id),
 * cokafor's custom role "Support Engineer", rmendes's light agent role, ohaddad's 2FA (not reported).
 *
 * US Federal instance (audit `zendesk-us-federal`), not Enterprise (custom roles: 403)
 * ------------------------------------------------------------------------------------------------
 * Roster msmith 370001002: Zendesk has him as 370001092        → wrong-id (msmith)
 * jdoe is an agent there (roster: light_agent)                 → role-mismatch (jdoe); jdoe is in both instances
 * cokafor is marked for US Federal (no id) and has no account  → us-federal-no-account (cokafor)
 * Admin 370009001 "Pat Departed", suspended, not in the roster → agent-not-in-roster, admin-not-allowed (null)
 * API token access is disabled: /api/v2/api_tokens is a 404    → api-token-access-disabled (null)
 * OAuth client 901 "Access audits" (audit_bot), Alex's         → none (service_accounts)
 */
import type { ZendeskData, ZendeskUserSeed } from './data.js';

/** The OAuth clients the sandbox's audits log in with (`ZENDESK_CLIENT_ID`, `ZENDESK_US_FEDERAL_CLIENT_ID`). */
export const SANDBOX_ZENDESK_CLIENT_ID = 'audit_bot';
const SANDBOX_CLIENT_SECRET = 'sandbox-zendesk-client-secret';

const DAY_MS = 24 * 3600 * 1000;

/** Group ids of the main instance. */
export const ZD_GROUPS = {
  operations: 360000101,
  amer: 360000102,
  emea: 360000103,
  managers: 360000104,
  apac: 360000105,
  archived: 360000106,
} as const;
/** Group ids of the US Federal instance. */
export const ZDF_GROUPS = { operations: 370000101, federal: 370000102 } as const;

/** Every kind of Zendesk finding the two seeded instances produce between them: all the checker knows. */
export const SEEDED_ZENDESK_KINDS: readonly string[] = [
  'admin-not-allowed',
  'agent-not-in-roster',
  'api-token-access-disabled',
  'api-token-bad-description',
  'api-token-review',
  'email-mismatch',
  'group-mismatch',
  'inactive-agent',
  'missing-user',
  'name-mismatch',
  'oauth-client-review',
  'role-mismatch',
  'suspended-seat',
  'two-factor-disabled',
  'us-federal-no-account',
  'wrong-id',
];

export function seedZendesk(now: Date, clientSecret = SANDBOX_CLIENT_SECRET): ZendeskData {
  const day0 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 9);
  const at = (days: number): string => new Date(day0 + days * DAY_MS).toISOString();
  const g = ZD_GROUPS;
  const agent = (id: number, name: string, email: string, extra: Partial<ZendeskUserSeed> = {}): ZendeskUserSeed => ({
    id,
    name,
    email,
    role: 'agent',
    created_at: at(-700),
    last_login_at: at(-1),
    two_factor_auth_enabled: true,
    ...extra,
  });
  const request = (n: number) => `https://gitlab.com/support-ops/access-requests/-/issues/${n}`;

  return {
    subdomain: 'example-support',
    groups: [
      { id: g.operations, name: 'Support Operations' },
      { id: g.amer, name: 'Support AMER' },
      { id: g.emea, name: 'Support EMEA' },
      { id: g.managers, name: 'Support Managers' },
      { id: g.apac, name: 'Support APAC' },
      { id: g.archived, name: 'Old Escalations', deleted: true },
    ],
    customRoles: [
      { id: 9001, name: 'Staff', role_type: 0 },
      { id: 9002, name: 'Support Engineer', role_type: 0 },
      { id: 9003, name: 'Light Agent', role_type: 1 },
    ],
    users: [
      agent(360001001, 'Alex Rivera', 'alex.rivera@example.com', { role: 'admin', groupIds: [g.operations] }),
      agent(360001002, 'Morgan Smith', 'morgan.smith@example.com', {
        role: 'admin',
        groupIds: [g.amer, g.managers],
        last_login_at: at(-2),
      }),
      agent(360001003, 'Priya Nair', 'priya.nair@example.com', {
        role: 'admin',
        groupIds: [g.emea, g.managers],
        two_factor_auth_enabled: false,
      }),
      agent(360001004, 'Jane Doe', 'jane.doe@example.com', { groupIds: [g.amer], last_login_at: at(-100) }),
      agent(360001005, 'Sam Lee', 'sam.lee@example.com', { role: 'admin', groupIds: [g.amer], last_login_at: at(-3) }),
      agent(360001006, 'Chris Okafor', 'chris.okafor@example.com', {
        custom_role_id: 9002,
        groupIds: [g.amer, g.emea],
      }),
      agent(360001008, 'Lena Fisher', 'lena.fischer@example.com', {
        custom_role_id: 9001,
        groupIds: [g.emea],
        last_login_at: at(-5),
      }),
      agent(360001009, 'Omar Haddad', 'omar.h@example.com', {
        groupIds: [g.emea],
        last_login_at: at(-2),
        two_factor_auth_enabled: null,
      }),
      agent(360001011, 'Ruth Mendes', 'ruth.mendes@example.com', {
        role_type: 1,
        custom_role_id: 9003,
        groupIds: [g.emea],
        created_at: at(-200),
        last_login_at: null,
      }),
      agent(360001012, 'Dana Whitfield', 'dana.whitfield@example.com', {
        groupIds: [g.amer],
        suspended: true,
        last_login_at: at(-40),
      }),
      agent(360001099, 'Kai Tanaka', 'kai.tanaka@example.com', {
        groupIds: [g.emea],
        created_at: at(-30),
        last_login_at: at(-4),
      }),
      // Not in the roster:
      agent(360009001, '@all\n/close | <script>alert("zd")</script> Eve Intruder', 'eve@intruder.example', {
        created_at: at(-12),
        last_login_at: at(-10),
        two_factor_auth_enabled: null,
      }),
      agent(360009002, 'Zoë Ångström', 'zoe.angstrom@example.com', {
        groupIds: [g.emea],
        created_at: at(-20),
        last_login_at: at(-7),
      }),
      // End-users are not seats: the audit never lists them.
      {
        id: 360200001,
        name: 'A Customer',
        email: 'customer@customer.example',
        role: 'end-user',
        created_at: at(-50),
        last_login_at: at(-50),
      },
    ],
    tokenAccess: true,
    tokens: [
      {
        id: 7001,
        description: `Jane Doe - ${request(101)} - 2027-06-30`,
        active: true,
        created_at: at(-120),
        last_used: at(-3),
        visible_token: 'Jd7Q',
      },
      {
        id: 7002,
        description: 'Salesforce sync - Sam Lee',
        active: true,
        created_at: at(-400),
        last_used: at(-1),
        visible_token: 'sF2k',
      },
      {
        id: 7003,
        description: `Priya Nair - ${request(77)} - ${at(-10).slice(0, 10)}`,
        active: true,
        created_at: at(-380),
        last_used: at(-2),
        visible_token: 'pN9x',
      },
      {
        id: 7004,
        description: `Morgan Smith - ${request(55)} - 2027-12-31`,
        active: true,
        created_at: at(-200),
        last_used: null,
        visible_token: 'mS4v',
      },
      {
        id: 7005,
        description: 'Zapier - Lena Fischer',
        active: true,
        created_at: at(-500),
        last_used: at(-150),
        visible_token: 'zL1c',
      },
      {
        id: 7006,
        description: '@all\n/close | <script>alert("token")</script> temp token',
        active: true,
        created_at: at(-30),
        last_used: at(-30),
        visible_token: 'x0x0',
      },
      {
        id: 7007,
        description: 'Reporting - Former Person',
        active: true,
        created_at: at(-300),
        last_used: at(-20),
        visible_token: 'rP5e',
      },
      {
        id: 7008,
        description: 'Old migration - Alex Rivera',
        active: false,
        created_at: at(-700),
        last_used: at(-600),
        visible_token: 'oM8a',
      },
      {
        id: 7009,
        description: 'Access audits - Alex Rivera',
        active: true,
        created_at: at(-90),
        last_used: at(0),
        visible_token: 'aA3u',
      },
    ],
    oauthClients: [
      {
        id: 801,
        name: 'Access audits',
        identifier: SANDBOX_ZENDESK_CLIENT_ID,
        kind: 'confidential',
        user_id: 360001001,
        secret: clientSecret,
        created_at: at(-60),
      },
      {
        id: 802,
        name: 'Slack integration',
        identifier: 'slack_integration',
        kind: 'confidential',
        user_id: 360001002,
        secret: 'slack-secret',
        created_at: at(-300),
      },
      {
        id: 803,
        name: 'Old BI export',
        identifier: 'bi_export',
        kind: 'public',
        user_id: 360009999,
        secret: 'bi-secret',
        created_at: at(-800),
      },
    ],
    oauthTokens: [
      {
        id: 1,
        client_id: 802,
        user_id: 360001002,
        value: 'slackslack0001',
        scopes: ['read'],
        created_at: at(-200),
        expires_at: null,
        used_at: at(-1),
      },
      {
        id: 2,
        client_id: 802,
        user_id: 360001004,
        value: 'slackslack0002',
        scopes: ['read', 'write'],
        created_at: at(-100),
        expires_at: null,
        used_at: at(-4),
      },
      {
        id: 3,
        client_id: 803,
        user_id: 360009999,
        value: 'biexport0003',
        scopes: ['read'],
        created_at: at(-700),
        expires_at: at(-400),
        used_at: at(-420),
      },
    ],
  };
}

export function seedZendeskUsFederal(now: Date, clientSecret = SANDBOX_CLIENT_SECRET): ZendeskData {
  const day0 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 9);
  const at = (days: number): string => new Date(day0 + days * DAY_MS).toISOString();
  const g = ZDF_GROUPS;
  return {
    subdomain: 'example-support-federal',
    groups: [
      { id: g.operations, name: 'Support Operations' },
      { id: g.federal, name: 'US Federal Support' },
    ],
    customRoles: null,
    users: [
      {
        id: 370001001,
        name: 'Alex Rivera',
        email: 'alex.rivera@example.com',
        role: 'admin',
        created_at: at(-600),
        last_login_at: at(-3),
        groupIds: [g.operations],
      },
      {
        id: 370001004,
        name: 'Jane Doe',
        email: 'jane.doe@example.com',
        role: 'agent',
        created_at: at(-300),
        last_login_at: at(-10),
        groupIds: [],
      },
      {
        id: 370001092,
        name: 'Morgan Smith',
        email: 'morgan.smith@example.com',
        role: 'agent',
        created_at: at(-250),
        last_login_at: at(-6),
        groupIds: [g.federal],
      },
      // Not in the roster:
      {
        id: 370009001,
        name: 'Pat Departed',
        email: 'pat.departed@example.com',
        role: 'admin',
        suspended: true,
        created_at: at(-900),
        last_login_at: at(-250),
        groupIds: [g.federal],
      },
    ],
    tokenAccess: false,
    tokens: [],
    oauthClients: [
      {
        id: 901,
        name: 'Access audits',
        identifier: SANDBOX_ZENDESK_CLIENT_ID,
        kind: 'confidential',
        user_id: 370001001,
        secret: clientSecret,
        created_at: at(-60),
      },
    ],
    oauthTokens: [],
  };
}
