/**
 * The benchmark's PagerDuty account for N synthetic people: everyone a user (the first the
 * owner), N/20 schedules, each a team of 19 whose lead's manager owns it, and one escalation
 * policy per schedule (the schedule, then the lead).
 */
import type { BenchModule, BenchPerson, NaiveStrategy } from '../contract.js';
import { base36, daysFrom, pad, pages } from '../bench-support.js';
import type { PagerDutyData, PdEscalationPolicy, PdSchedule, PdUser } from './sandbox/data.js';
import { createPagerDutySandbox, PD_DOCUMENTED_RATE_LIMIT } from './sandbox/server.js';
import { createPagerDutyHttp } from './client.js';
import { listAllUsers } from './listing.js';

const TOKEN = 'bench-pagerduty-token';
const TEAM = 20;

const userId = (index: number) => `P${base36(index, 6)}`;
const scheduleId = (s: number) => `PS${base36(s, 5)}`;

const naive: NaiveStrategy = {
  audit: 'pagerduty',
  label: 'PagerDuty: a user request per user',
  async list(env, deps) {
    const http = createPagerDutyHttp({ baseUrl: env.PAGERDUTY_URL, token: env.PAGERDUTY_TOKEN, ...deps });
    const users = await listAllUsers(http);
    return { client: http, ids: users.map((user) => user.id), perUser: (id) => http.getJson(`users/${id}`) };
  },
};

export const bench: BenchModule = {
  vendor: 'PagerDuty',
  rateLimitPerMinute: PD_DOCUMENTED_RATE_LIMIT,
  naive,
  organisation(people, now, driftEvery) {
    const at = daysFrom(now);
    const scheduleCount = Math.max(1, Math.floor(people.length / TEAM));
    /** The schedule a person is on: their team's, unless they lead it or their team has none. */
    const scheduleOf = (person: BenchPerson) => {
      const team = Math.floor(person.index / TEAM);
      return person.index % TEAM !== 0 && team < scheduleCount ? scheduleId(team) : undefined;
    };

    const users: PdUser[] = people.map((person) => ({
      id: userId(person.index),
      name: person.name,
      email: person.email,
      role: person.index === 0 ? 'owner' : 'user',
      time_zone: 'Etc/UTC',
      // Drift: an invitation never accepted.
      invitation_sent: person.index % driftEvery === 13,
    }));
    const schedules: PdSchedule[] = [];
    const policies: PdEscalationPolicy[] = [];
    for (let s = 0; s < scheduleCount; s++) {
      const members = people.slice(s * TEAM + 1, s * TEAM + TEAM).map((person) => userId(person.index));
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
          { delayMinutes: 30, targets: [{ type: 'user', id: userId(people[s * TEAM].index) }] },
        ],
      });
    }
    const pagerduty: PagerDutyData = { users, schedules, escalationPolicies: policies };
    return {
      rosterLines: (person) => [
        `  pagerduty: { id: ${userId(person.index)}, schedules: [${scheduleOf(person) ?? ''}]` +
          `${person.index === 0 ? ', role: owner' : ''} }`,
      ],
      configLines: [
        '  pagerduty:',
        '    service_accounts: []',
        '    admin_allow_list: []',
        '    coverage_window: P28D',
      ],
      data: { pagerduty },
      audits: [
        {
          id: 'pagerduty',
          fake: 'pagerduty',
          // Offset pages can be fetched side by side once the first page gave the total; renders too.
          minimum: pages(users.length) + pages(schedules.length) + pages(policies.length) + schedules.length,
          chain: 3,
        },
      ],
      async start({ rateLimitWindowMs }) {
        const fake = createPagerDutySandbox({
          token: TOKEN,
          data: pagerduty,
          rateLimitPerMinute: PD_DOCUMENTED_RATE_LIMIT,
          rateLimitWindowMs,
          memoizeListings: true,
        });
        await fake.start();
        return { fakes: { pagerduty: fake }, env: { PAGERDUTY_URL: fake.url, PAGERDUTY_TOKEN: TOKEN } };
      },
    };
  },
};
