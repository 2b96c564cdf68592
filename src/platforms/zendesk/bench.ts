/**
 * The benchmark's Zendesk instances for N synthetic people. Main instance: groups N/50, each person
 * in one or two of them (~1.5 memberships per person), the first five admins, API tokens N/500.
 * US Federal: every tenth person an agent, in one of N/500 groups. Both answer the benchmark's
 * service account, in no roster, which their API tokens act as.
 */
import type { BenchModule, BenchPerson, NaiveStrategy } from '../contract.js';
import { daysFrom, pad, pages } from '../bench-support.js';
import { collectCursorPages } from '../../http/paginate.js';
import type { ZendeskData, ZendeskUserSeed } from './sandbox/data.js';
import { createZendeskSandbox, ZENDESK_RATE_LIMIT } from './sandbox/server.js';
import { zendeskAuth } from './auth.js';
import { createZendeskHttp } from './client.js';

/** The admin each benchmark instance's credentials act as: a service account, in no roster. */
const BENCH_ZENDESK_BOT = { id: 999_999_999, name: 'Audit Bot', email: 'audit-bot@example.com' } as const;
const TOKENS = { zendesk: 'bench-zendesk-token', zendeskUsFederal: 'bench-zendesk-federal-token' };

const groupName = (g: number) => `Support Team ${pad(g, 5)}`;
const federalGroupName = (g: number) => `Federal Team ${pad(g, 4)}`;
const zendeskId = (person: BenchPerson) => 10_000_000 + person.index;
const zendeskRole = (person: BenchPerson) => (person.index < 5 ? 'admin' : 'agent');
const federalId = (person: BenchPerson) => 20_000_000 + person.index;
const isFederal = (person: BenchPerson) => person.index % 10 === 0;

/** An API token acts as a user of the account: the bot's address, or else the first admin's (or agent's). */
function tokenEmail(data: ZendeskData): string {
  const email = BENCH_ZENDESK_BOT.email;
  if (data.users.some((user) => user.email === email)) return email;
  return (
    data.users.find((user) => user.role === 'admin')?.email ??
    data.users.find((user) => user.role === 'agent')?.email ??
    email
  );
}

const memberships = (data: ZendeskData) => data.users.reduce((sum, user) => sum + (user.groupIds?.length ?? 0), 0);

const naive: NaiveStrategy = {
  audit: 'zendesk',
  label: 'Zendesk: a group-memberships request per agent',
  async list(env, deps) {
    const common = { baseUrl: env.ZENDESK_URL, ...deps };
    const variables = ['ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'] as const;
    const login = { kind: 'api-token', email: env.ZENDESK_EMAIL, token: env.ZENDESK_API_TOKEN, variables } as const;
    const http = createZendeskHttp({ ...common, auth: zendeskAuth(login, common) });
    const users = await collectCursorPages<{ id: number }>(http, 'api/v2/users', 'users', {
      'role[]': ['agent', 'admin'],
    });
    await collectCursorPages(http, 'api/v2/groups', 'groups');
    await http.getJson('api/v2/custom_roles').catch(() => undefined);
    await http.getJson('api/v2/api_tokens').catch(() => undefined);
    return {
      client: http,
      ids: users.map((user) => String(user.id)),
      perUser: (id) => collectCursorPages(http, `api/v2/users/${id}/group_memberships`, 'group_memberships'),
    };
  },
};

export const bench: BenchModule = {
  vendor: 'Zendesk',
  rateLimitPerMinute: ZENDESK_RATE_LIMIT,
  naive,
  organisation(people, now, driftEvery) {
    const at = daysFrom(now);
    const size = people.length;
    const groupCount = Math.max(2, Math.floor(size / 50));
    const federalGroupCount = Math.max(1, Math.floor(size / 500));
    const drift = (person: BenchPerson, kind: number) => person.index % driftEvery === kind;
    const groupsOf = (person: BenchPerson): number[] => {
      const i = person.index;
      return i % 2 === 0
        ? [i % groupCount, (i * 7 + 3) % groupCount].filter((g, k, all) => all.indexOf(g) === k)
        : [i % groupCount];
    };
    const federalGroup = (person: BenchPerson) => Math.floor(person.index / 10) % federalGroupCount;

    const user = (
      person: BenchPerson,
      id: number,
      role: 'agent' | 'admin',
      groupIds: number[],
      name: string,
    ): ZendeskUserSeed => ({
      id,
      name,
      email: person.email,
      role,
      created_at: at(-400),
      last_login_at: at(-2),
      two_factor_auth_enabled: true,
      groupIds,
    });
    const benchBot = (): ZendeskUserSeed => ({
      ...BENCH_ZENDESK_BOT,
      role: 'admin',
      created_at: at(-400),
      last_login_at: at(0),
      two_factor_auth_enabled: true,
    });

    const users: ZendeskUserSeed[] = people.map((person) =>
      user(
        person,
        zendeskId(person),
        zendeskRole(person),
        groupsOf(person).map((g) => 5_000_000 + g),
        drift(person, 7) ? `${person.name} (old name)` : person.name,
      ),
    );
    for (let k = 0; k < Math.floor(size / driftEvery); k++) {
      users.push({
        id: 19_000_000 + k,
        name: `Former Contractor ${pad(k, 5)}`,
        email: `contractor.${k}@partner.example.net`,
        role: 'agent',
        created_at: at(-300),
        last_login_at: at(-5),
        two_factor_auth_enabled: true,
        groupIds: [5_000_000 + (k % groupCount)],
      });
    }
    const zendesk: ZendeskData = {
      subdomain: 'bench',
      users: [...users, benchBot()],
      groups: Array.from({ length: groupCount }, (_, g) => ({ id: 5_000_000 + g, name: groupName(g) })),
      customRoles: [{ id: 9001, name: 'Staff', role_type: 0 }],
      tokenAccess: true,
      tokens: people
        .filter((person) => drift(person, 3))
        .map((person, k) => ({
          id: 70_000 + k,
          description: `${person.name} - https://gitlab.example.com/access-requests/-/issues/${k + 1} - 2027-12-31`,
          active: true,
          created_at: at(-100),
          last_used: at(-3),
          visible_token: `…${pad(k, 4)}`,
        })),
    };
    const zendeskUsFederal: ZendeskData = {
      subdomain: 'bench-federal',
      users: [
        ...people
          .filter(isFederal)
          .map((person) =>
            user(
              person,
              federalId(person),
              'agent',
              [6_000_000 + federalGroup(person)],
              drift(person, 10) ? `${person.name} (old name)` : person.name,
            ),
          ),
        benchBot(),
      ],
      groups: Array.from({ length: federalGroupCount }, (_, g) => ({ id: 6_000_000 + g, name: federalGroupName(g) })),
      customRoles: null,
      tokenAccess: true,
      tokens: [],
    };

    const listings = (data: ZendeskData) => [
      pages(data.users.length),
      pages(memberships(data)),
      pages(data.groups.length),
    ];
    const plan = (id: string, fake: string, data: ZendeskData) => ({
      id,
      fake,
      // + custom roles, API tokens, users/me, OAuth clients, OAuth tokens: one page each.
      minimum: listings(data).reduce((sum, n) => sum + n, 0) + 5,
      chain: Math.max(...listings(data)),
    });
    const allowListedAdmins = [...people.slice(0, 5).map(zendeskId), BENCH_ZENDESK_BOT.email];

    return {
      rosterLines: (person) => [
        '  zendesk:',
        `    main: { id: ${zendeskId(person)}, role: ${zendeskRole(person)}, ` +
          `groups: [${groupsOf(person)
            .map((g) => `"${groupName(g)}"`)
            .join(', ')}] }`,
        ...(isFederal(person)
          ? [
              `    us_federal: { id: ${federalId(person)}, role: agent, ` +
                `groups: ["${federalGroupName(federalGroup(person))}"] }`,
            ]
          : []),
      ],
      configLines: [
        '  zendesk:',
        `    service_accounts: [${BENCH_ZENDESK_BOT.email}]`,
        `    admin_allow_list: [${allowListedAdmins.join(', ')}]`,
        '  zendesk-us-federal:',
        `    service_accounts: [${BENCH_ZENDESK_BOT.email}]`,
        `    admin_allow_list: [${BENCH_ZENDESK_BOT.email}]`,
      ],
      data: { zendesk, zendeskUsFederal },
      audits: [plan('zendesk', 'zendesk', zendesk), plan('zendesk-us-federal', 'zendeskUsFederal', zendeskUsFederal)],
      async start({ rateLimitWindowMs }) {
        const limits = { rateLimitPerMinute: ZENDESK_RATE_LIMIT, rateLimitWindowMs, memoizeListings: true };
        const main = { email: tokenEmail(zendesk), token: TOKENS.zendesk };
        const federal = { email: tokenEmail(zendeskUsFederal), token: TOKENS.zendeskUsFederal };
        const fakes = {
          zendesk: createZendeskSandbox({ name: 'zendesk', ...main, data: zendesk, ...limits }),
          zendeskUsFederal: createZendeskSandbox({
            name: 'zendesk-us-federal',
            ...federal,
            data: zendeskUsFederal,
            ...limits,
          }),
        };
        await Promise.all([fakes.zendesk.start(), fakes.zendeskUsFederal.start()]);
        return {
          fakes,
          env: {
            ZENDESK_URL: fakes.zendesk.url,
            ZENDESK_EMAIL: main.email,
            ZENDESK_API_TOKEN: main.token,
            ZENDESK_US_FEDERAL_URL: fakes.zendeskUsFederal.url,
            ZENDESK_US_FEDERAL_EMAIL: federal.email,
            ZENDESK_US_FEDERAL_API_TOKEN: federal.token,
          },
        };
      },
    };
  },
};
