/**
 * Synthetic organisations for the benchmark: a roster of `size` people and the platforms' data
 * lined up with it, with a small, fixed share of drift (about one finding per `driftEvery`
 * people per kind) so `open` has findings to post and pings to send, like a real quarter.
 *
 * Proportions (per `size` people): Zendesk groups size/50, each person in one or two groups
 * (~1.5 memberships per person); API tokens size/500; US Federal instance size/10 agents with
 * size/500 groups; Calendly invitations size/100 (recent, so not stale); PagerDuty schedules
 * size/20 (one team of 19 on each, its lead's manager owns it) and one escalation policy per
 * schedule. Every id, name and email is deterministic.
 */
import type { ZendeskData, ZendeskUserSeed } from '../src/platforms/zendesk/sandbox/data.js';
import type { CalendlyData, CalendlyMemberSeed } from '../src/platforms/calendly/sandbox/data.js';
import type { PagerDutyData, PdEscalationPolicy, PdSchedule, PdUser } from '../src/platforms/pagerduty/sandbox/data.js';

/** The admin each benchmark instance's credentials act as: a service account, in no roster. */
export const BENCH_ZENDESK_BOT = { id: 999_999_999, name: 'Audit Bot', email: 'audit-bot@example.com' } as const;

const DAY_MS = 24 * 3600 * 1000;
const GIVEN = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Lars',
  'Maya',
  'Nico',
  'Olga',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Uma',
  'Viktor',
  'Wen',
  'Yara',
  'Zane',
];
const FAMILY = [
  'Abe',
  'Berg',
  'Costa',
  'Diaz',
  'Eze',
  'Fox',
  'Gupta',
  'Hale',
  'Ito',
  'Jung',
  'Khan',
  'Lund',
  'Moreau',
  'Novak',
  'Okoro',
  'Park',
  'Quist',
  'Rossi',
  'Silva',
  'Tan',
  'Ueda',
  'Varga',
  'Weber',
  'Xu',
  'Young',
];

export interface Person {
  index: number;
  name: string;
  email: string;
  username: string;
  reportsTo: string | null;
  zendeskId: number;
  zendeskRole: 'agent' | 'admin';
  groups: number[];
  federal?: { id: number; group: number };
  calendly: { uuid: string; role: 'owner' | 'admin' | 'user' };
  pagerduty: { id: string; role?: 'owner'; schedule?: string };
}

export interface Organisation {
  size: number;
  people: Person[];
  rosterYaml: string;
  configYaml: string;
  zendesk: ZendeskData;
  zendeskUsFederal: ZendeskData;
  calendly: CalendlyData;
  pagerduty: PagerDutyData;
  /** Counts that define the minimum number of requests of each audit. */
  counts: {
    zendeskUsers: number;
    zendeskMemberships: number;
    zendeskGroups: number;
    federalUsers: number;
    federalMemberships: number;
    federalGroups: number;
    calendlyMembers: number;
    calendlyInvitations: number;
    pagerdutyUsers: number;
    pagerdutySchedules: number;
    pagerdutyPolicies: number;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const base36 = (n: number, width: number) => n.toString(36).toUpperCase().padStart(width, '0');
const groupName = (g: number) => `Support Team ${pad(g, 5)}`;
const federalGroupName = (g: number) => `Federal Team ${pad(g, 4)}`;
const scheduleId = (s: number) => `PS${base36(s, 5)}`;

export function buildOrganisation(size: number, now: Date, driftEvery = 500): Organisation {
  const at = (days: number) => new Date(now.getTime() + days * DAY_MS).toISOString();
  const groupCount = Math.max(2, Math.floor(size / 50));
  const federalGroupCount = Math.max(1, Math.floor(size / 500));
  const scheduleCount = Math.max(1, Math.floor(size / 20));
  const drift = (i: number, kind: number) => i % driftEvery === kind;

  const people: Person[] = [];
  for (let i = 0; i < size; i++) {
    const given = GIVEN[i % GIVEN.length];
    const family = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length];
    const lead = Math.floor(i / 20) * 20;
    const director = Math.floor(i / 400) * 400;
    const reportsTo = i === 0 ? null : i === director ? 0 : i === lead ? director : lead;
    const team = Math.floor(i / 20);
    people.push({
      index: i,
      name: `${given} ${family} ${pad(i, 6)}`,
      // The local part ends in a base-36 digit of the index: PagerDuty's listing past 10,000 users
      // is split by that character, like real address books split by the last letter of names.
      email: `${given}.${family}.${i.toString(36)}@example.com`.toLowerCase(),
      username: `u${pad(i, 6)}`,
      reportsTo: reportsTo === null ? null : `u${pad(reportsTo, 6)}`,
      zendeskId: 10_000_000 + i,
      zendeskRole: i < 5 ? 'admin' : 'agent',
      groups:
        i % 2 === 0
          ? [i % groupCount, (i * 7 + 3) % groupCount].filter((g, k, all) => all.indexOf(g) === k)
          : [i % groupCount],
      ...(i % 10 === 0 ? { federal: { id: 20_000_000 + i, group: Math.floor(i / 10) % federalGroupCount } } : {}),
      calendly: { uuid: `CU${pad(i, 8)}`, role: i === 0 ? 'owner' : i < 3 ? 'admin' : 'user' },
      pagerduty: {
        id: `P${base36(i, 6)}`,
        ...(i === 0 ? { role: 'owner' as const } : {}),
        ...(i % 20 !== 0 && team < scheduleCount ? { schedule: scheduleId(team) } : {}),
      },
    });
  }

  // ── roster.yml ──
  const roster: string[] = ['# Benchmark roster (generated by bench/data.ts)'];
  for (const p of people) {
    roster.push(
      `- name: ${p.name}`,
      `  email: ${p.email}`,
      `  gitlab: { username: ${p.username} }`,
      `  reports_to: ${p.reportsTo ?? 'null'}`,
      '  zendesk:',
      `    main: { id: ${p.zendeskId}, role: ${p.zendeskRole}, ` +
        `groups: [${p.groups.map((g) => `"${groupName(g)}"`).join(', ')}] }`,
      ...(p.federal
        ? [`    us_federal: { id: ${p.federal.id}, role: agent, groups: ["${federalGroupName(p.federal.group)}"] }`]
        : []),
      `  calendly: { email: ${p.email}, role: ${p.calendly.role} }`,
      `  pagerduty: { id: ${p.pagerduty.id}, schedules: [${p.pagerduty.schedule ?? ''}]` +
        `${p.pagerduty.role ? `, role: ${p.pagerduty.role}` : ''} }`,
    );
  }

  // ── Zendesk (main) ──
  const zdUser = (
    p: Person,
    id: number,
    role: 'agent' | 'admin',
    groupIds: number[],
    name = p.name,
  ): ZendeskUserSeed => ({
    id,
    name,
    email: p.email,
    role,
    created_at: at(-400),
    last_login_at: at(-2),
    two_factor_auth_enabled: true,
    groupIds,
  });
  const zdUsers: ZendeskUserSeed[] = people.map((p) =>
    zdUser(
      p,
      p.zendeskId,
      p.zendeskRole,
      p.groups.map((g) => 5_000_000 + g),
      drift(p.index, 7) ? `${p.name} (old name)` : p.name,
    ),
  );
  const strangers = Math.floor(size / driftEvery);
  for (let k = 0; k < strangers; k++) {
    zdUsers.push({
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
  const tokenOwners = people.filter((p) => drift(p.index, 3));
  const benchBot = (created: string): ZendeskUserSeed => ({
    ...BENCH_ZENDESK_BOT,
    role: 'admin',
    created_at: created,
    last_login_at: at(0),
    two_factor_auth_enabled: true,
  });
  const zendesk: ZendeskData = {
    subdomain: 'bench',
    users: [...zdUsers, benchBot(at(-400))],
    groups: Array.from({ length: groupCount }, (_, g) => ({ id: 5_000_000 + g, name: groupName(g) })),
    customRoles: [{ id: 9001, name: 'Staff', role_type: 0 }],
    tokenAccess: true,
    tokens: tokenOwners.map((p, k) => ({
      id: 70_000 + k,
      description: `${p.name} - https://gitlab.example.com/access-requests/-/issues/${k + 1} - 2027-12-31`,
      active: true,
      created_at: at(-100),
      last_used: at(-3),
      visible_token: `…${pad(k, 4)}`,
    })),
  };

  // ── Zendesk US Federal ──
  const federalPeople = people.filter((p) => p.federal);
  const zendeskUsFederal: ZendeskData = {
    subdomain: 'bench-federal',
    users: [
      ...federalPeople.map((p) =>
        zdUser(
          p,
          p.federal!.id,
          'agent',
          [6_000_000 + p.federal!.group],
          drift(p.index, 10) ? `${p.name} (old name)` : p.name,
        ),
      ),
      benchBot(at(-400)),
    ],
    groups: Array.from({ length: federalGroupCount }, (_, g) => ({ id: 6_000_000 + g, name: federalGroupName(g) })),
    customRoles: null,
    tokenAccess: true,
    tokens: [],
  };

  // ── Calendly ──
  const members: CalendlyMemberSeed[] = people.map((p) => ({
    uuid: p.calendly.uuid,
    name: p.name,
    email: p.email,
    // Drift: a plain user made admin (role drift and admin not on the allow-list).
    role: drift(p.index, 11) ? 'admin' : p.calendly.role,
    created_at: new Date(Date.parse('2024-01-01T00:00:00Z') + p.index * 60_000).toISOString(),
  }));
  for (let k = 0; k < strangers; k++) {
    members.push({
      uuid: `CX${pad(k, 8)}`,
      name: `Guest Seat ${pad(k, 5)}`,
      email: `guest.${k}@partner.example.net`,
      role: 'user',
      created_at: at(-50),
    });
  }
  const calendly: CalendlyData = {
    organization: { uuid: 'ORGBENCH0001', name: 'Bench Org' },
    tokenUserUuid: people[0].calendly.uuid,
    members,
    invitations: Array.from({ length: Math.floor(size / 100) }, (_, k) => ({
      uuid: `CI${pad(k, 8)}`,
      email: people[(k * 97) % size].email.replace('@', '+second@'),
      status: 'pending' as const,
      created_at: at(-2),
      last_sent_at: null,
    })),
  };

  // ── PagerDuty ──
  const pdUsers: PdUser[] = people.map((p) => ({
    id: p.pagerduty.id,
    name: p.name,
    email: p.email,
    role: p.index === 0 ? 'owner' : 'user',
    time_zone: 'Etc/UTC',
    // Drift: an invitation never accepted.
    invitation_sent: drift(p.index, 13),
  }));
  const schedules: PdSchedule[] = [];
  const policies: PdEscalationPolicy[] = [];
  for (let s = 0; s < scheduleCount; s++) {
    const members = people.slice(s * 20 + 1, s * 20 + 20).map((p) => p.pagerduty.id);
    const gap = s % 100 === 42;
    schedules.push({
      id: scheduleId(s),
      name: `Rota ${pad(s, 5)}`,
      time_zone: 'Etc/UTC',
      userIds: members,
      coverage: gap
        ? [
            { start: at(-30), end: at(5), userId: members[0] },
            { start: at(6), end: at(90), userId: members[1] ?? members[0] },
          ]
        : [{ start: at(-30), end: at(90), userId: members[0] }],
    });
    policies.push({
      id: `PE${base36(s, 5)}`,
      name: `Escalation ${pad(s, 5)}`,
      num_loops: 2,
      rules: [
        { delayMinutes: 30, targets: [{ type: 'schedule', id: scheduleId(s) }] },
        { delayMinutes: 30, targets: [{ type: 'user', id: people[s * 20].pagerduty.id }] },
      ],
    });
  }
  const pagerduty: PagerDutyData = { users: pdUsers, schedules, escalationPolicies: policies };

  const configYaml = [
    '# Benchmark configuration (generated by bench/data.ts)',
    `support_ops_managers: [${people[0].username}]`,
    'confidential: true',
    'labels: [audit]',
    'ladder: { second_ping_after: PT72H, manager_after: P4D, som_after: PT72H }',
    'allow_list: []',
    'platforms:',
    '  zendesk:',
    `    service_accounts: [${BENCH_ZENDESK_BOT.email}]`,
    `    admin_allow_list: [${[...people.slice(0, 5).map((p) => p.zendeskId), BENCH_ZENDESK_BOT.email].join(', ')}]`,
    '  zendesk-us-federal:',
    `    service_accounts: [${BENCH_ZENDESK_BOT.email}]`,
    `    admin_allow_list: [${BENCH_ZENDESK_BOT.email}]`,
    '  calendly:',
    `    admin_allow_list: [${people
      .slice(0, 3)
      .map((p) => p.email)
      .join(', ')}]`,
    '  pagerduty:',
    '    service_accounts: []',
    '    admin_allow_list: []',
    '    coverage_window: P28D',
    '',
  ].join('\n');

  const memberships = (data: ZendeskData) => data.users.reduce((sum, user) => sum + (user.groupIds?.length ?? 0), 0);
  return {
    size,
    people,
    rosterYaml: `${roster.join('\n')}\n`,
    configYaml,
    zendesk,
    zendeskUsFederal,
    calendly,
    pagerduty,
    counts: {
      zendeskUsers: zendesk.users.length,
      zendeskMemberships: memberships(zendesk),
      zendeskGroups: zendesk.groups.length,
      federalUsers: zendeskUsFederal.users.length,
      federalMemberships: memberships(zendeskUsFederal),
      federalGroups: zendeskUsFederal.groups.length,
      calendlyMembers: members.length,
      calendlyInvitations: calendly.invitations.length,
      pagerdutyUsers: pdUsers.length,
      pagerdutySchedules: schedules.length,
      pagerdutyPolicies: policies.length,
    },
  };
}
