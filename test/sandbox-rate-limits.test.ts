import { instantSleep } from '../src/clock.js';
import { afterEach, expect, test } from '@jest/globals';
import { createCalendlySandbox } from '../src/platforms/calendly/sandbox/server.js';
import { createGitLabSandbox } from '../src/sandbox/gitlab/index.js';
import { createPagerDutySandbox } from '../src/platforms/pagerduty/sandbox/server.js';
import { seedCalendly } from '../src/platforms/calendly/sandbox/seed.js';
import { seedPagerDuty } from '../src/platforms/pagerduty/sandbox/seed.js';
import { seedZendesk } from '../src/platforms/zendesk/sandbox/seed.js';
import { createZendeskSandbox } from '../src/platforms/zendesk/sandbox/server.js';
import type { FakeServer } from '../src/sandbox/fake-server.js';
import { createPagerDutyHttp } from '../src/platforms/pagerduty/client.js';
import { silentLogger } from '../src/log.js';

// Each fake with an enforced limit of 2 a minute: the third request is refused in the vendor's own
// style, and forgetRateLimitWindow (the benchmark: a run a night later) gives the budget back.
const NOW = new Date('2026-11-24T09:00:00Z');
const now = () => NOW;
const running: FakeServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

async function started<T extends FakeServer>(server: T): Promise<T> {
  running.push(server);
  await server.start();
  return server;
}

const vendors: {
  name: string;
  start: () => Promise<FakeServer>;
  path: string;
  headers: Record<string, string>;
  left: string;
  refused: string;
}[] = [
  {
    name: 'Zendesk',
    start: () =>
      started(
        createZendeskSandbox({
          email: 'alex.rivera@example.com',
          token: 'z',
          data: seedZendesk(NOW),
          now,
          rateLimitPerMinute: 2,
        }),
      ),
    path: '/api/v2/groups',
    headers: { authorization: `Basic ${Buffer.from('alex.rivera@example.com/token:z').toString('base64')}` },
    left: 'x-rate-limit-remaining',
    refused: 'retry-after',
  },
  {
    // The other 429 Zendesk documents: no Retry-After, the seconds to the window's reset in ratelimit-reset.
    name: 'Zendesk (ratelimit-reset style)',
    start: () =>
      started(
        createZendeskSandbox({
          email: 'alex.rivera@example.com',
          token: 'z',
          data: seedZendesk(NOW),
          now,
          rateLimitPerMinute: 2,
          rateLimitStyle: 'ratelimit-reset',
        }),
      ),
    path: '/api/v2/groups',
    headers: { authorization: `Basic ${Buffer.from('alex.rivera@example.com/token:z').toString('base64')}` },
    left: 'ratelimit-remaining',
    refused: 'ratelimit-reset',
  },
  {
    name: 'Calendly',
    start: () => started(createCalendlySandbox({ token: 'c', data: seedCalendly(NOW), now, rateLimitPerMinute: 2 })),
    path: '/users/me',
    headers: { authorization: 'Bearer c' },
    left: 'x-ratelimit-remaining',
    refused: 'x-ratelimit-reset',
  },
  {
    name: 'PagerDuty',
    start: () => started(createPagerDutySandbox({ token: 'p', data: seedPagerDuty(NOW), now, rateLimitPerMinute: 2 })),
    path: '/users',
    headers: { authorization: 'Token token=p', accept: 'application/vnd.pagerduty+json;version=2' },
    left: 'ratelimit-remaining',
    refused: 'ratelimit-reset',
  },
  {
    name: 'GitLab',
    start: () =>
      started(
        createGitLabSandbox({
          projectPath: 'group/project',
          users: [{ id: 1, username: 'bot', name: 'Bot' }],
          tokens: { g: 'bot' },
          rateLimitPerMinute: 2,
        }),
      ),
    path: '/api/v4/user',
    headers: { 'private-token': 'g' },
    left: 'ratelimit-remaining',
    refused: 'retry-after',
  },
];

test.each(vendors)(
  '$name: the budget spent, a 429; forgetRateLimitWindow gives it back',
  async ({ name, start, path, headers, left, refused }) => {
    const server = await start();
    const get = () => fetch(`${server.url}${path}`, { headers });
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get(left)).toBe('1');
    expect((await get()).status).toBe(200);
    const third = await get();
    expect(third.status).toBe(429);
    expect(Number(third.headers.get(refused))).toBeGreaterThan(0);
    if (refused === 'ratelimit-reset' && name.startsWith('Zendesk'))
      expect(third.headers.get('retry-after')).toBeNull();

    server.forgetRateLimitWindow();
    const after = await get();
    expect(after.status).toBe(200);
    expect(after.headers.get(left)).toBe('1');
  },
);

test.each([
  {
    name: 'Zendesk',
    start: (now: () => Date) =>
      started(
        createZendeskSandbox({
          email: 'alex.rivera@example.com',
          token: 'z',
          data: seedZendesk(NOW),
          now,
          rateLimitPerMinute: 1,
        }),
      ),
    path: '/api/v2/groups',
    headers: { authorization: `Basic ${Buffer.from('alex.rivera@example.com/token:z').toString('base64')}` },
    wait: 'retry-after',
  },
  {
    name: 'Calendly',
    start: (now: () => Date) =>
      started(createCalendlySandbox({ token: 'c', data: seedCalendly(NOW), now, rateLimitPerMinute: 1 })),
    path: '/users/me',
    headers: { authorization: 'Bearer c' },
    wait: 'x-ratelimit-reset',
  },
])(
  '$name: a fixed window runs on the clock minute; a forgotten one starts afresh at that moment',
  async ({ start, path, headers, wait }) => {
    let clock = new Date('2026-11-24T09:00:45Z');
    const server = await start(() => clock);
    const get = () => fetch(`${server.url}${path}`, { headers });
    expect((await get()).status).toBe(200);
    expect((await get()).headers.get(wait)).toBe('15');
    server.forgetRateLimitWindow();
    expect((await get()).status).toBe(200);
    clock = new Date('2026-11-24T09:01:05Z');
    // Past the clock minute, still in the window that started at :45.
    expect((await get()).headers.get(wait)).toBe('40');
    clock = new Date('2026-11-24T09:01:45Z');
    expect((await get()).status).toBe(200);
  },
);

test('a vendor client counts its requests, and among them the 429s it met and sent again', async () => {
  const server = await started(createPagerDutySandbox({ token: 'p', data: seedPagerDuty(NOW), now }));
  const http = createPagerDutyHttp({
    token: 'p',
    baseUrl: server.url,
    logger: silentLogger(),
    clock: now,
    sleep: instantSleep(),
  });
  server.failNext(2);
  await http.getJson('users');
  expect([http.requestCount, http.rateLimitedCount]).toEqual([3, 2]);
});
