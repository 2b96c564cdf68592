/**
 * The benchmark's Calendly organization for N synthetic people: everyone a member (the first an
 * owner, the next two admins), guest seats nobody in the roster knows, and N/100 invitations,
 * recent, so not stale.
 */
import type { BenchModule, BenchPerson, NaiveStrategy } from '../contract.js';
import { daysFrom, pad, pages } from '../bench-support.js';
import { collectTokenPages } from '../../http/paginate.js';
import type { CalendlyData, CalendlyMemberSeed } from './sandbox/data.js';
import { CALENDLY_RATE_LIMIT, createCalendlySandbox } from './sandbox/server.js';
import { createCalendlyHttp } from './client.js';

const TOKEN = 'bench-calendly-token';

const uuid = (person: BenchPerson) => `CU${pad(person.index, 8)}`;
const role = (person: BenchPerson) => (person.index === 0 ? 'owner' : person.index < 3 ? 'admin' : 'user');

const naive: NaiveStrategy = {
  audit: 'calendly',
  label: 'Calendly: a membership lookup per person',
  async list(env, deps) {
    const http = createCalendlyHttp({ baseUrl: env.CALENDLY_URL, token: env.CALENDLY_TOKEN, ...deps });
    const { body } = await http.getJson<{ resource: { current_organization: string } }>('users/me');
    const organization = body.resource.current_organization;
    // The roster-driven naive audit: one membership lookup per person; the listing still has to be
    // read to find the members nobody in the roster knows.
    const members = await collectTokenPages<{ user: { email: string } }>(http, 'organization_memberships', {
      organization,
    });
    return {
      client: http,
      ids: members.map((member) => member.user.email),
      perUser: (email) => http.getJson('organization_memberships', { organization, email, count: 100 }),
    };
  },
};

export const bench: BenchModule = {
  vendor: 'Calendly',
  rateLimitPerMinute: CALENDLY_RATE_LIMIT,
  naive,
  organisation(people, now, driftEvery) {
    const at = daysFrom(now);
    const size = people.length;
    const members: CalendlyMemberSeed[] = people.map((person) => ({
      uuid: uuid(person),
      name: person.name,
      email: person.email,
      // Drift: a plain user made admin (role drift and admin not on the allow-list).
      role: person.index % driftEvery === 11 ? 'admin' : role(person),
      created_at: new Date(Date.parse('2024-01-01T00:00:00Z') + person.index * 60_000).toISOString(),
    }));
    for (let k = 0; k < Math.floor(size / driftEvery); k++) {
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
      tokenUserUuid: uuid(people[0]),
      members,
      invitations: Array.from({ length: Math.floor(size / 100) }, (_, k) => ({
        uuid: `CI${pad(k, 8)}`,
        email: people[(k * 97) % size].email.replace('@', '+second@'),
        status: 'pending' as const,
        created_at: at(-2),
        last_sent_at: null,
      })),
    };
    const listings = [pages(members.length), pages(calendly.invitations.length)];
    return {
      rosterLines: (person) => [`  calendly: { email: ${person.email}, role: ${role(person)} }`],
      configLines: [
        '  calendly:',
        `    admin_allow_list: [${people
          .slice(0, 3)
          .map((person) => person.email)
          .join(', ')}]`,
      ],
      data: { calendly },
      audits: [
        {
          id: 'calendly',
          fake: 'calendly',
          minimum: 1 + listings[0] + listings[1],
          chain: 1 + Math.max(...listings),
        },
      ],
      async start({ rateLimitWindowMs }) {
        const fake = createCalendlySandbox({
          token: TOKEN,
          data: calendly,
          rateLimitPerMinute: CALENDLY_RATE_LIMIT,
          rateLimitWindowMs,
          memoizeListings: true,
        });
        await fake.start();
        return { fakes: { calendly: fake }, env: { CALENDLY_URL: fake.url, CALENDLY_TOKEN: TOKEN } };
      },
    };
  },
};
