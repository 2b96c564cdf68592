import { afterEach, describe, expect, test } from '@jest/globals';
import { VendorClient } from '../src/http/client.js';
import { collectCursorPages } from '../src/http/paginate.js';
import { instantSleep, realSleep } from '../src/clock.js';
import { silentLogger } from '../src/log.js';
import type { FakeServer } from '../src/sandbox/fake-server.js';
import { createCalendlySandbox } from '../src/platforms/calendly/sandbox/server.js';
import { createPagerDutySandbox } from '../src/platforms/pagerduty/sandbox/server.js';
import { createZendeskSandbox } from '../src/platforms/zendesk/sandbox/server.js';
import { seedCalendly } from '../src/platforms/calendly/sandbox/seed.js';
import { seedPagerDuty } from '../src/platforms/pagerduty/sandbox/seed.js';
import { seedZendesk } from '../src/platforms/zendesk/sandbox/seed.js';
import { CALENDLY_RATE_LIMIT_HEADERS } from '../src/platforms/calendly/rate-limit.js';
import { PAGERDUTY_RATE_LIMIT_HEADERS } from '../src/platforms/pagerduty/rate-limit.js';
import { ZENDESK_RATE_LIMIT_HEADERS } from '../src/platforms/zendesk/rate-limit.js';

// The pacer and the retry layer against the sandbox fakes over real HTTP: a 429 that says only
// `ratelimit-reset` (Zendesk), every request held after a 429, a share of the announced budget,
// and one window for every request to a fake.

const NOW = new Date('2026-11-24T09:00:00Z');
// The API token acts as a user of the account (the seed's admin).
const EMAIL = 'alex.rivera@example.com';
const running: FakeServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

async function started<T extends FakeServer>(server: T): Promise<T> {
  running.push(server);
  await server.start();
  return server;
}

const AUTH = {
  zendesk: { authorization: `Basic ${Buffer.from(`${EMAIL}/token:z`).toString('base64')}` },
  calendly: { authorization: 'Bearer c' },
  pagerduty: { authorization: 'Token token=p', accept: 'application/vnd.pagerduty+json;version=2' },
} as const;

const RATE_LIMIT_HEADERS = {
  zendesk: ZENDESK_RATE_LIMIT_HEADERS,
  calendly: CALENDLY_RATE_LIMIT_HEADERS,
  pagerduty: PAGERDUTY_RATE_LIMIT_HEADERS,
};

function client(
  vendor: keyof typeof AUTH,
  server: FakeServer,
  options: {
    sleep?: (ms: number) => Promise<void>;
    clock?: () => Date;
    budgetShare?: number;
    budgetWindowMs?: number;
  } = {},
) {
  return new VendorClient({
    vendor,
    rateLimitHeaders: RATE_LIMIT_HEADERS[vendor],
    baseUrl: server.url,
    headers: { ...AUTH[vendor] },
    logger: silentLogger(),
    clock: options.clock ?? (() => new Date()),
    sleep: options.sleep ?? realSleep,
    budgetShare: options.budgetShare,
    budgetWindowMs: options.budgetWindowMs,
  });
}

/** Records when each request reached `server` (ms, performance.now), and its number; `fault` may answer it. */
function arrivals(
  server: FakeServer,
  fault?: (n: number) => ReturnType<FakeServer['rateLimited']> | undefined,
): number[] {
  const times: number[] = [];
  server.setFaultPlan((_req, n) => {
    times.push(performance.now());
    return fault?.(n);
  });
  return times;
}

/** The most requests among `times` in any window of `windowMs` (each window starting at a request). */
function peak(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));
}

describe('Zendesk: a 429 with only ratelimit-reset', () => {
  test("a run finding the budget spent waits for the reset, then reads all (fake's time, a real minute)", async () => {
    let clockMs = Date.parse('2026-11-24T09:00:15Z');
    const zendesk = await started(
      createZendeskSandbox({
        email: EMAIL,
        token: 'z',
        data: seedZendesk(NOW),
        now: () => new Date(clockMs),
        rateLimitPerMinute: 6,
        rateLimitStyle: 'ratelimit-reset',
      }),
    );
    // Another integration on the account spent this minute's budget.
    for (let i = 0; i < 6; i++)
      expect((await fetch(`${zendesk.url}/api/v2/groups`, { headers: AUTH.zendesk })).status).toBe(200);
    const refused = await fetch(`${zendesk.url}/api/v2/groups`, { headers: AUTH.zendesk });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.headers.get('ratelimit-reset')).toBe('45');

    const sleeps: number[] = [];
    const http = client('zendesk', zendesk, {
      clock: () => new Date(clockMs),
      sleep: instantSleep((ms) => {
        sleeps.push(ms);
        clockMs += ms;
      }),
    });
    const [users, memberships, groups] = await Promise.all([
      collectCursorPages(http, 'api/v2/users', 'users', {}, { pageSize: 2 }),
      collectCursorPages(http, 'api/v2/group_memberships', 'group_memberships', {}, { pageSize: 2 }),
      collectCursorPages(http, 'api/v2/groups', 'groups', {}, { pageSize: 2 }),
    ]);
    expect(users).toHaveLength(zendesk.data.users.length);
    expect(groups.length).toBeGreaterThan(0);
    expect(memberships.length).toBeGreaterThan(0);
    // The first wait is the announced reset (45 s to the next minute), not a blind back-off.
    expect(sleeps[0]).toBe(45_000);
    // Only the requests that went before the first 429 came back were refused: the rest waited.
    expect(http.rateLimitedCount).toBeLessThanOrEqual(3);
    expect(zendesk.log.filter((entry) => entry.status === 429).length).toBe(1 + http.rateLimitedCount);
  });

  test('in real time, with a scaled window: every refused request is waited out, the listing completes', async () => {
    const zendesk = await started(
      createZendeskSandbox({
        email: EMAIL,
        token: 'z',
        data: seedZendesk(NOW),
        rateLimitPerMinute: 4,
        rateLimitWindowMs: 800,
        rateLimitStyle: 'ratelimit-reset',
      }),
    );
    // A share of 1: only the vendor's own signals pace this client; another integration spends a
    // window that starts now.
    const http = client('zendesk', zendesk, { budgetShare: 1, budgetWindowMs: 800 });
    zendesk.forgetRateLimitWindow();
    for (let i = 0; i < 4; i++) await fetch(`${zendesk.url}/api/v2/groups`, { headers: AUTH.zendesk });
    const users = await collectCursorPages(http, 'api/v2/users', 'users', {}, { pageSize: 2 });
    expect(users).toHaveLength(zendesk.data.users.length);
    expect(http.rateLimitedCount).toBeGreaterThanOrEqual(1);
  });
});

describe('after a 429, every request of the client waits for the reset', () => {
  test('4 listings at once, one 429 (reset 0.6 s): no further request reaches the server before it', async () => {
    const zendesk = await started(
      createZendeskSandbox({
        email: EMAIL,
        token: 'z',
        data: seedZendesk(NOW),
        rateLimitStyle: 'ratelimit-reset',
        retryAfterSeconds: 0.6,
      }),
    );
    const times = arrivals(zendesk, (n) => (n === 8 ? zendesk.rateLimited() : undefined));
    const http = client('zendesk', zendesk, { budgetShare: 1 });
    const chain = async () => {
      for (let i = 0; i < 5; i++) await http.getJson('api/v2/groups');
    };
    await Promise.all([chain(), chain(), chain(), chain()]);
    expect(zendesk.log).toHaveLength(21);
    expect(http.rateLimitedCount).toBe(1);
    const refusedAt = times[zendesk.log.findIndex((entry) => entry.status === 429)];
    const after = times.filter((t) => t > refusedAt).map((t) => t - refusedAt);
    // At most the 3 requests already on their way when the 429 was sent arrive early; none later until the reset.
    expect(after.filter((ms) => ms < 600).length).toBeLessThanOrEqual(3);
    expect(after.filter((ms) => ms >= 100 && ms < 595)).toEqual([]);
    // 21 in all: 7 before the 429, the 429, at most 3 on their way; the others after the reset.
    expect(after.filter((ms) => ms >= 595).length).toBeGreaterThanOrEqual(10);
  });

  test('a 429 without any signal (PagerDuty) holds every request for the back-off', async () => {
    const pagerduty = await started(createPagerDutySandbox({ token: 'p', data: seedPagerDuty(NOW) }));
    const times = arrivals(pagerduty, (n) => (n === 6 ? pagerduty.rateLimitedWithoutHeaders() : undefined));
    const http = new VendorClient({
      vendor: 'pagerduty',
      rateLimitHeaders: PAGERDUTY_RATE_LIMIT_HEADERS,
      baseUrl: pagerduty.url,
      headers: { ...AUTH.pagerduty },
      logger: silentLogger(),
      clock: () => new Date(),
      sleep: realSleep,
      retry: { baseDelayMs: 400 },
      budgetShare: 1,
    });
    const chain = async () => {
      for (let i = 0; i < 4; i++) await http.getJson('users');
    };
    await Promise.all([chain(), chain(), chain()]);
    const refusedAt = times[pagerduty.log.findIndex((entry) => entry.status === 429)];
    const after = times.filter((t) => t > refusedAt).map((t) => t - refusedAt);
    expect(after.filter((ms) => ms >= 100 && ms < 395)).toEqual([]);
    expect(pagerduty.log).toHaveLength(13);
  });
});

describe('a share of the announced budget, over real HTTP', () => {
  const WINDOW = 400;
  const fakes = [
    {
      vendor: 'pagerduty' as const,
      name: 'PagerDuty (sliding window)',
      start: () =>
        createPagerDutySandbox({
          token: 'p',
          data: seedPagerDuty(NOW),
          rateLimitPerMinute: 20,
          rateLimitWindowMs: WINDOW,
        }),
      path: 'users',
    },
    {
      vendor: 'calendly' as const,
      name: 'Calendly (fixed window)',
      start: () =>
        createCalendlySandbox({
          token: 'c',
          data: seedCalendly(NOW),
          rateLimitPerMinute: 20,
          rateLimitWindowMs: WINDOW,
        }),
      path: 'users/me',
    },
    {
      vendor: 'zendesk' as const,
      name: 'Zendesk (fixed window)',
      start: () =>
        createZendeskSandbox({
          email: EMAIL,
          token: 'z',
          data: seedZendesk(NOW),
          rateLimitPerMinute: 20,
          rateLimitWindowMs: WINDOW,
        }),
      path: 'api/v2/groups',
    },
  ];

  test.each(fakes)(
    '$name: limit 20 a window, share 0.5: at most 10 of ours in any window, and no 429',
    async ({ vendor, start, path }) => {
      const server = await started(start());
      const times = arrivals(server);
      const http = client(vendor, server, { budgetShare: 0.5, budgetWindowMs: WINDOW });
      const chain = async () => {
        for (let i = 0; i < 9; i++) await http.getJson(path);
      };
      await Promise.all([chain(), chain(), chain()]);
      expect(server.log).toHaveLength(27);
      expect(server.log.filter((entry) => entry.status === 429)).toEqual([]);
      expect(peak(times, WINDOW)).toBeLessThanOrEqual(10);
      // Not slower than it must be: 27 requests at 10 a window take a little over two windows.
      expect(times.at(-1)! - times[0]).toBeLessThan(4 * WINDOW);
    },
  );
});

describe('a fake’s window counts every request to it', () => {
  const fakes = [
    {
      name: 'Zendesk',
      start: () =>
        createZendeskSandbox({
          email: EMAIL,
          token: 'z',
          data: seedZendesk(NOW),
          now: () => NOW,
          rateLimitPerMinute: 4,
        }),
      paths: ['/api/v2/groups', '/api/v2/users?role[]=agent'],
      headers: [AUTH.zendesk, AUTH.zendesk],
      left: 'x-rate-limit-remaining',
    },
    {
      name: 'Calendly',
      start: () => {
        const calendly = createCalendlySandbox({
          token: 'c',
          data: seedCalendly(NOW),
          now: () => NOW,
          rateLimitPerMinute: 4,
        });
        // A second token of the same user (another integration): Calendly counts per user.
        calendly.issueToken('c2');
        return calendly;
      },
      paths: ['/users/me', '/no-such-path'],
      headers: [AUTH.calendly, { authorization: 'Bearer c2' }],
      left: 'x-ratelimit-remaining',
    },
    {
      name: 'PagerDuty',
      start: () =>
        createPagerDutySandbox({ token: 'p', data: seedPagerDuty(NOW), now: () => NOW, rateLimitPerMinute: 4 }),
      paths: ['/users', '/schedules'],
      headers: [AUTH.pagerduty, AUTH.pagerduty],
      left: 'ratelimit-remaining',
    },
  ];

  test.each(fakes)('$name: two clients on two paths spend one budget', async ({ start, paths, headers, left }) => {
    const server = await started(start());
    const get = (k: number) => fetch(`${server.url}${paths[k]}`, { headers: headers[k] });
    const seen: (string | null)[] = [];
    for (const k of [0, 1, 0, 1]) seen.push((await get(k)).headers.get(left));
    expect(seen).toEqual(['3', '2', '1', '0']);
    expect((await get(0)).status).toBe(429);
    expect((await get(1)).status).toBe(429);
  });
});
