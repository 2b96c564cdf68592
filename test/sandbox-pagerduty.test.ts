import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import got, { type Response } from 'got';
import { createPagerDutySandbox, type PagerDutySandbox } from '../src/platforms/pagerduty/sandbox/server.js';
import { generatePagerDutyUsers, type PagerDutyData } from '../src/platforms/pagerduty/sandbox/data.js';
import { seedPagerDuty } from '../src/platforms/pagerduty/sandbox/seed.js';

const TOKEN = 'pd-sandbox-token';
const NOW = new Date('2026-11-24T15:30:00Z');
const DAY = 24 * 3600 * 1000;

let clock = NOW.getTime();
let data: PagerDutyData;
let pd: PagerDutySandbox;
let base: string;

beforeEach(async () => {
  clock = NOW.getTime();
  data = seedPagerDuty(NOW);
  pd = createPagerDutySandbox({ token: TOKEN, data, now: () => new Date(clock) });
  base = await pd.start();
});

afterEach(async () => {
  await pd.stop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads JSON bodies freely
type Json = Record<string, any>;

async function get(path: string, headers: Record<string, string> = {}): Promise<Response<string>> {
  return got(`${base}${path}`, {
    headers: {
      authorization: `Token token=${TOKEN}`,
      accept: 'application/vnd.pagerduty+json;version=2',
      ...headers,
    },
    throwHttpErrors: false,
    retry: { limit: 0 },
  });
}

async function getJson(path: string): Promise<{ status: number; body: Json; headers: Response['headers'] }> {
  const res = await get(path);
  return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as Json) : {}, headers: res.headers };
}

test('rejects missing or wrong credentials with 401 and code 2006', async () => {
  for (const authorization of ['', 'Token token=wrong', `Bearer ${TOKEN}`, TOKEN]) {
    const res = await get('/users', { authorization });
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ error: { message: 'Authentication failed', code: 2006 } });
  }
  expect(pd.log.map((e) => e.status)).toEqual([401, 401, 401, 401]);
});

test('records requests without the v2 Accept header but still serves them', async () => {
  const res = await got(`${base}/users`, {
    headers: { authorization: `Token token=${TOKEN}` },
    throwHttpErrors: false,
  });
  expect(res.statusCode).toBe(200);
  await get('/schedules');
  expect(pd.missingAcceptHeader).toEqual(['/users']);
});

test('paginates 250 users in 3 pages of 100 with more flags, stable order, total only on request', async () => {
  data.users = generatePagerDutyUsers(250);
  const pages: Json[] = [];
  for (let offset = 0; ; offset += 100) {
    const { status, body } = await getJson(`/users?limit=100&offset=${offset}${offset === 0 ? '&total=true' : ''}`);
    expect(status).toBe(200);
    pages.push(body);
    if (!body.more) break;
  }
  expect(pages.map((p) => [p.users.length, p.limit, p.offset, p.more])).toEqual([
    [100, 100, 0, true],
    [100, 100, 100, true],
    [50, 100, 200, false],
  ]);
  expect(pages[0].total).toBe(250);
  expect(pages[1].total).toBeNull();
  const ids = pages.flatMap((p) => p.users.map((u: Json) => u.id));
  expect(new Set(ids).size).toBe(250);
  expect(ids[0]).toBe('P0000001');
  expect(ids[249]).toBe('P0000250');

  const first = await getJson('/users');
  expect([first.body.users.length, first.body.limit, first.body.offset, first.body.more, first.body.total]).toEqual([
    25,
    25,
    0,
    true,
    null,
  ]);
});

test('clamps limit above 100 and echoes the limit used', async () => {
  data.users = generatePagerDutyUsers(250);
  const { status, body } = await getJson('/users?limit=500');
  expect(status).toBe(200);
  expect(body.limit).toBe(100);
  expect(body.users).toHaveLength(100);
  expect(body.more).toBe(true);
});

test('refuses offset + limit beyond 10000 with 400 code 2001', async () => {
  const tooFar = await getJson('/users?offset=9950&limit=100');
  expect(tooFar.status).toBe(400);
  expect(tooFar.body.error.code).toBe(2001);
  expect(tooFar.body.error.message).toBe('Invalid Input Provided');
  expect(tooFar.body.error.errors[0]).toMatch(/10000/);

  const edge = await getJson('/users?offset=9900&limit=100');
  expect(edge.status).toBe(200);
  expect(edge.body).toMatchObject({ users: [], offset: 9900, limit: 100, more: false });
});

test('filters users by query (name or email, case-insensitive) and team_ids[]', async () => {
  const byName = await getJson('/users?query=OKAFOR');
  expect(byName.body.users.map((u: Json) => u.id)).toEqual(['PCOKAF1']);
  const byEmail = await getJson(`/users?query=${encodeURIComponent('ghost@EXAMPLE')}`);
  expect(byEmail.body.users.map((u: Json) => u.name)).toEqual(['@all /close | <script>alert(1)</script> **bold**']);
  const byTeam = await getJson('/users?team_ids[]=PTSOPS1&total=true');
  expect(byTeam.body.users.map((u: Json) => u.id)).toEqual(['PALXRV1', 'PMONBOT']);
  expect(byTeam.body.total).toBe(2);
  const schedules = await getJson('/schedules?query=emea');
  expect(schedules.body.schedules.map((s: Json) => s.id)).toEqual(['PEMEA01']);
});

test('shows one user like PagerDuty, and 404 with code 2100 for an unknown id; data stays live', async () => {
  const { body } = await getJson('/users/POHADD1');
  expect(body.user).toMatchObject({
    id: 'POHADD1',
    type: 'user',
    summary: 'Omar Haddad',
    name: 'Omar Haddad',
    email: 'omar.haddad@example.com',
    role: 'user',
    invitation_sent: true,
    job_title: 'Support Engineer',
    self: `${base}/users/POHADD1`,
    teams: [{ id: 'PTSUPRT', type: 'team_reference', summary: 'Support' }],
  });
  const missing = await getJson('/users/PTKIM99');
  expect(missing.status).toBe(404);
  expect(missing.body).toEqual({ error: { message: 'Not Found', code: 2100 } });

  data.users.push(...generatePagerDutyUsers(1, 'Taylor Kim').map((u) => ({ ...u, id: 'PTKIM99' })));
  expect((await getJson('/users/PTKIM99')).status).toBe(200);
  data.users.splice(
    data.users.findIndex((u) => u.id === 'PCOKAF1'),
    1,
  );
  expect((await getJson('/users/PCOKAF1')).status).toBe(404);
});

test('429 with rate-limit headers (configurable reset) and the header-less variant', async () => {
  pd.failNext();
  const limited = await get('/users');
  expect(limited.statusCode).toBe(429);
  expect(limited.headers['ratelimit-limit']).toBe('960');
  expect(limited.headers['ratelimit-remaining']).toBe('0');
  expect(limited.headers['ratelimit-reset']).toBe('1');
  expect(JSON.parse(limited.body)).toEqual({ error: { message: 'Rate Limit Exceeded', code: 2020 } });

  pd.failNext(1, pd.rateLimitedFault(7));
  expect((await get('/users')).headers['ratelimit-reset']).toBe('7');

  pd.failNext(1, pd.rateLimitedWithoutHeaders());
  const bare = await get('/users');
  expect(bare.statusCode).toBe(429);
  expect(Object.keys(bare.headers).filter((h) => h.startsWith('ratelimit'))).toEqual([]);
  expect(bare.body).toBe('');

  pd.failNext(1, pd.rateLimitedWithoutHeaders({ withBody: true }));
  const bareWithBody = await get('/users');
  expect(bareWithBody.headers['ratelimit-reset']).toBeUndefined();
  expect(JSON.parse(bareWithBody.body).error.code).toBe(2020);

  const ok = await get('/users');
  expect(ok.statusCode).toBe(200);
  expect(ok.headers['ratelimit-limit']).toBe('960');
  expect(Number(ok.headers['ratelimit-remaining'])).toBeLessThan(960);
});

test('optional sliding-minute rate limit', async () => {
  await pd.stop();
  pd = createPagerDutySandbox({ token: TOKEN, data, now: () => new Date(clock), rateLimitPerMinute: 3 });
  base = await pd.start();
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    statuses.push((await get('/users')).statusCode);
    clock += 10_000;
  }
  const limited = await get('/users');
  expect([...statuses, limited.statusCode]).toEqual([200, 200, 200, 429]);
  expect(limited.headers['ratelimit-remaining']).toBe('0');
  expect(limited.headers['ratelimit-reset']).toBe('30'); // oldest request (t=0) leaves the window at t=60s; now t=30s
  clock += 31_000;
  expect((await get('/users')).statusCode).toBe(200);
});

test('renders the final schedule clipped to since/until with the coverage percentage of a gap', async () => {
  const since = NOW.toISOString();
  const until = new Date(NOW.getTime() + 28 * DAY).toISOString();
  const { status, body } = await getJson(`/schedules/PMGRESC?since=${since}&until=${until}`);
  expect(status).toBe(200);
  const schedule = body.schedule;
  expect(schedule).toMatchObject({
    id: 'PMGRESC',
    type: 'schedule',
    name: 'Support Manager Escalation',
    time_zone: 'America/New_York',
  });
  expect(schedule.users.map((u: Json) => [u.id, u.type, u.summary])).toEqual([
    ['PALXRV1', 'user_reference', 'Alex Rivera'],
    ['PMSMTH1', 'user_reference', 'Morgan Smith'],
    ['PPNAIR1', 'user_reference', 'Priya Nair'],
  ]);
  const emea = (await getJson(`/schedules/PEMEA01`)).body.schedule;
  // deleted, still on the layer
  expect(emea.users.map((u: Json) => [u.id, u.summary])).toContainEqual(['PDELETD', 'PDELETD']);
  expect(schedule.escalation_policies.map((p: Json) => p.id)).toEqual(['PEPAMER']);
  const final = schedule.final_schedule;
  expect(final.name).toBe('Final Schedule');
  expect(final.rendered_coverage_percentage).toBe(92.86); // 2 uncovered days out of 28
  const entries = final.rendered_schedule_entries as Json[];
  expect(Date.parse(entries[0].start)).toBe(Date.parse(since));
  expect(Date.parse(entries[entries.length - 1].end)).toBe(Date.parse(until));
  const gaps = entries
    .slice(1)
    .map((e, i) => [entries[i].end, e.start] as const)
    .filter(([end, start]) => Date.parse(start) > Date.parse(end));
  // Days +9 to +11 at 00:00 UTC, rendered in the schedule's zone.
  expect(gaps).toEqual([['2026-12-02T19:00:00-05:00', '2026-12-04T19:00:00-05:00']]);
  expect(entries[0].user).toMatchObject({ type: 'user_reference' });

  const full = await getJson(`/schedules/PEMEA01?since=${since}&until=${until}`);
  expect(full.body.schedule.final_schedule.rendered_coverage_percentage).toBe(100);
  expect(full.body.schedule.final_schedule.rendered_schedule_entries[0].start).toMatch(/\+01:00$/); // Europe/Berlin

  const noWindow = await getJson('/schedules/PMGRESC');
  expect(noWindow.body.schedule.final_schedule.rendered_coverage_percentage).toBeNull();
  expect(noWindow.body.schedule.final_schedule.rendered_schedule_entries.length).toBeGreaterThan(0);

  expect((await getJson('/schedules/PNOSUCH')).body).toEqual({ error: { message: 'Not Found', code: 2100 } });
  expect((await getJson('/schedules/PMGRESC?since=yesterday')).body.error.code).toBe(2004);
});

test('lists escalation policies with rules, references (dead ones kept) and loops', async () => {
  const { body } = await getJson('/escalation_policies?total=true');
  expect(body.total).toBe(5);
  const byId = Object.fromEntries((body.escalation_policies as Json[]).map((p) => [p.id, p]));
  expect(byId.PEPAMER).toMatchObject({
    type: 'escalation_policy',
    summary: 'Support AMER',
    num_loops: 2,
    on_call_handoff_notifications: 'if_has_services',
    services: [{ id: 'PSVCAMR', type: 'service_reference' }],
    teams: [{ id: 'PTSUPRT', type: 'team_reference' }],
  });
  expect(byId.PEPAMER.escalation_rules[0]).toMatchObject({
    id: 'PEPAMERR1',
    escalation_delay_in_minutes: 30,
    targets: [
      { id: 'PAMER01', type: 'schedule_reference', summary: 'Support AMER On-Call', self: `${base}/schedules/PAMER01` },
    ],
  });
  expect(byId.PEPEMEA.escalation_rules[1].targets).toEqual([
    expect.objectContaining({ id: 'PDELETD', type: 'user_reference', summary: 'PDELETD' }),
  ]);
  expect((await getJson('/users/PDELETD')).status).toBe(404);
  expect(byId.PEPFEDR.escalation_rules[0].targets[0]).toMatchObject({ id: 'PNOSUCH', type: 'schedule_reference' });
  expect(byId.PEPFEDR.escalation_rules[1].targets).toEqual([]);
  expect(byId.PEPSOLO).toMatchObject({ num_loops: 0 });
  expect(byId.PEPSOLO.escalation_rules).toHaveLength(1);
  expect(byId.PEPSOLO.escalation_rules[0].targets).toHaveLength(1);

  const one = await getJson('/escalation_policies/PEPSOLO');
  expect(one.body.escalation_policy.id).toBe('PEPSOLO');
  expect((await getJson('/escalation_policies?query=federal')).body.escalation_policies.map((p: Json) => p.id)).toEqual(
    ['PEPFEDR'],
  );
});

test('the seed lines up with the sandbox roster as its header says', () => {
  type Person = {
    gitlab: { username: string };
    reports_to: string | null;
    pagerduty?: { id: string; schedules: string[] };
  };
  const roster = parse(readFileSync(new URL('../src/sandbox/seed/roster.yml', import.meta.url), 'utf8')) as Person[];
  const seed = seedPagerDuty(NOW);
  const userIds = new Set(seed.users.map((u) => u.id));
  const withPd = roster.filter((p) => p.pagerduty);

  expect(roster.filter((p) => p.reports_to === null).map((p) => p.gitlab.username)).toEqual(['som-alex']);
  expect(roster.filter((p) => p.reports_to === 'som-alex')).toHaveLength(2);
  expect(withPd.filter((p) => !userIds.has(p.pagerduty!.id)).map((p) => p.gitlab.username)).toEqual(['tkim']);
  const rosterIds = new Set(withPd.map((p) => p.pagerduty!.id));
  expect(
    seed.users
      .filter((u) => !rosterIds.has(u.id))
      .map((u) => u.id)
      .sort(),
  ).toEqual(['PGHOST1', 'PMONBOT', 'PPATDP1']);
  const notOnListed = withPd.flatMap((p) =>
    p
      .pagerduty!.schedules.filter(
        (sid) => !seed.schedules.find((s) => s.id === sid)?.userIds.includes(p.pagerduty!.id),
      )
      .map((sid) => `${p.gitlab.username}:${sid}`),
  );
  expect(notOnListed).toEqual(['cokafor:PAMER01']);
  expect(seed.users.filter((u) => u.invitation_sent).map((u) => u.id)).toEqual(['POHADD1']);
});

describe('shift-based (v3) schedules', () => {
  test('GET /v3/schedules lists schedule_v3_reference items only; the v2 listing does not have them', async () => {
    const v3 = await getJson('/v3/schedules');
    expect(v3.status).toBe(200);
    expect(v3.body).toEqual({
      schedules: [
        {
          id: 'PV3WKND',
          type: 'schedule_v3_reference',
          summary: 'Support Weekend On-Call (shift-based)',
          self: `${base}/v3/schedules/PV3WKND`,
          html_url: 'https://sandbox.pagerduty.com/schedules/PV3WKND',
        },
      ],
      limit: 100,
      offset: 0,
      more: false,
      total: null,
    });
    expect(v3.headers['ratelimit-remaining']).toBeDefined();
    const v2 = await getJson('/schedules?limit=100');
    expect((v2.body.schedules as Json[]).map((s) => s.id)).not.toContain('PV3WKND');
    expect(((await getJson('/v3/schedules')).body.schedules as Json[]).map((s) => s.id)).not.toContain('PAMER01');
    expect((await getJson('/v3/schedules/PAMER01')).status).toBe(404);
    expect((await getJson('/schedules/PV3WKND')).status).toBe(404);
  });

  test(
    'offset pagination with limit up to 1000 (echoed), total on request, query by name; ' + 'auth like the v2 API',
    async () => {
      data.v3Schedules!.push(
        ...Array.from({ length: 1500 }, (_, i) => ({
          id: `PV3${String(i).padStart(4, '0')}`,
          name: `Generated rota ${String(i).padStart(4, '0')}`,
          time_zone: 'UTC',
          rotations: [],
          coverage: [],
        })),
      );
      const first = await getJson('/v3/schedules?limit=5000&offset=0&total=true');
      expect([
        first.body.limit,
        first.body.offset,
        first.body.more,
        first.body.total,
        first.body.schedules.length,
      ]).toEqual([1000, 0, true, 1501, 1000]);
      const second = await getJson('/v3/schedules?limit=1000&offset=1000');
      expect([second.body.more, second.body.total, second.body.schedules.length]).toEqual([false, null, 501]);
      const ids = new Set([...first.body.schedules, ...second.body.schedules].map((s: Json) => s.id));
      expect(ids.size).toBe(1501);
      expect((await getJson('/v3/schedules?query=weekend')).body.schedules.map((s: Json) => s.id)).toEqual(['PV3WKND']);
      expect((await getJson('/v3/schedules?limit=0')).body.error.code).toBe(2001);
      const unauthenticated = await get('/v3/schedules', { authorization: 'Token token=wrong' });
      expect(unauthenticated.statusCode).toBe(401);
      expect(JSON.parse(unauthenticated.body)).toEqual({ error: { message: 'Authentication failed', code: 2006 } });
      // The early-access header is no longer required, and is accepted.
      expect((await get('/v3/schedules', { 'x-early-access': 'flexible-schedules-early-access' })).statusCode).toBe(
        200,
      );
      expect(pd.missingAcceptHeader).toEqual([]);
    },
  );

  test(
    'GET /v3/schedules/{id}: rotations with members; ' +
      'final_schedule only with include[]=final_schedule and since/until',
    async () => {
      const since = NOW.toISOString();
      const until = new Date(NOW.getTime() + 28 * DAY).toISOString();
      const plain = (await getJson('/v3/schedules/PV3WKND')).body.schedule;
      expect(plain).toMatchObject({
        id: 'PV3WKND',
        type: 'schedule_v3',
        name: 'Support Weekend On-Call (shift-based)',
        time_zone: 'Europe/Berlin',
      });
      expect(plain.final_schedule).toBeUndefined();
      expect(plain.users).toBeUndefined();
      expect(plain.escalation_policies.map((p: Json) => p.id)).toEqual(['PEPWKND']);
      expect(plain.rotations[0].events[0].assignment_strategy).toEqual({
        type: 'rotating_member_assignment_strategy',
        shifts_per_member: 1,
        members: [
          { type: 'user_member', user_id: 'PJDOE01' },
          { type: 'user_member', user_id: 'PLFISC1' },
        ],
      });
      expect(
        (await getJson(`/v3/schedules/PV3WKND?include[]=final_schedule`)).body.schedule.final_schedule,
      ).toBeUndefined();

      const { status, body } = await getJson(
        `/v3/schedules/PV3WKND?since=${since}&until=${until}&include[]=final_schedule&include[]=users`,
      );
      expect(status).toBe(200);
      expect(body.schedule.users.map((u: Json) => u.id)).toEqual(['PJDOE01', 'PLFISC1']);
      const final = body.schedule.final_schedule;
      expect(final.type).toBe('final_schedule');
      expect(final.rendered_coverage_percentage).toBe(100);
      const shifts = final.computed_shift_assignments as Json[];
      expect(shifts[0]).toMatchObject({
        type: 'computed_shift_assignment',
        member: { type: 'user_member' },
        source: { type: 'schedule_rotation' },
      });
      expect(Date.parse(shifts[0].start_time)).toBe(Date.parse(since)); // clipped (overflow=false)
      expect(Date.parse(shifts[shifts.length - 1].end_time)).toBe(Date.parse(until));
      expect(shifts[0].start_time).toMatch(/\+01:00$/); // Europe/Berlin

      // An empty_member slot and a shift that never ends.
      const rota = data.v3Schedules![0];
      rota.coverage = [
        {
          start: new Date(NOW.getTime() - DAY).toISOString(),
          end: new Date(NOW.getTime() + 7 * DAY).toISOString(),
          userId: 'PJDOE01',
        },
        {
          start: new Date(NOW.getTime() + 7 * DAY).toISOString(),
          end: new Date(NOW.getTime() + 14 * DAY).toISOString(),
          userId: null,
        },
        { start: new Date(NOW.getTime() + 14 * DAY).toISOString(), end: null, userId: 'PLFISC1' },
      ];
      const open = (await getJson(`/v3/schedules/PV3WKND?since=${since}&until=${until}&include[]=final_schedule`)).body
        .schedule.final_schedule;
      expect(open.rendered_coverage_percentage).toBe(75);
      expect(open.computed_shift_assignments.map((s: Json) => [s.member.type, s.end_time === null])).toEqual([
        ['user_member', false],
        ['empty_member', false],
        ['user_member', true],
      ]);

      expect((await getJson('/v3/schedules/PNOSUCH')).body).toEqual({ error: { message: 'Not Found', code: 2100 } });
      expect(
        (await getJson('/v3/schedules/PV3WKND?since=yesterday&until=now&include[]=final_schedule')).body.error.code,
      ).toBe(2004);
      expect((await getJson('/v3/schedules/PV3WKND?include[]=layers')).body.error.code).toBe(2001);
    },
  );

  test(
    'escalation policies target them as schedule_v3_reference; ' + 'an account without v3 schedules answers 404',
    async () => {
      const policy = (await getJson('/escalation_policies/PEPWKND')).body.escalation_policy;
      expect(policy.escalation_rules[0].targets).toEqual([
        {
          id: 'PV3WKND',
          type: 'schedule_v3_reference',
          summary: 'Support Weekend On-Call (shift-based)',
          self: `${base}/v3/schedules/PV3WKND`,
          html_url: 'https://sandbox.pagerduty.com/schedules/PV3WKND',
        },
      ]);
      const without = createPagerDutySandbox({ token: TOKEN, data: seedPagerDuty(NOW), v3SchedulesDisabled: true });
      const url = await without.start();
      try {
        const res = await got(`${url}/v3/schedules`, {
          headers: { authorization: `Token token=${TOKEN}` },
          throwHttpErrors: false,
        });
        expect([res.statusCode, JSON.parse(res.body)]).toEqual([404, { error: { message: 'Not Found', code: 2100 } }]);
      } finally {
        await without.stop();
      }
    },
  );

  test('a v2 rendered entry that never ends is rendered with a null end', async () => {
    const amer = data.schedules.find((s) => s.id === 'PAMER01')!;
    amer.coverage = [{ start: new Date(NOW.getTime() - DAY).toISOString(), end: null, userId: 'PJDOE01' }];
    const until = new Date(NOW.getTime() + 28 * DAY).toISOString();
    const final = (await getJson(`/schedules/PAMER01?since=${NOW.toISOString()}&until=${until}`)).body.schedule
      .final_schedule;
    expect(final.rendered_schedule_entries).toEqual([expect.objectContaining({ end: null })]);
    expect(final.rendered_coverage_percentage).toBe(100);
  });
});
