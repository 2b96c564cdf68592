import { HttpError, RetriesExhaustedError, TransportError } from '../../src/http/errors.js';
import { decideRetry, withRetry, type RetryPolicy } from '../../src/http/retry.js';
import { silentLogger } from '../../src/log.js';
import { GITLAB_RATE_LIMIT_HEADERS } from '../../src/http/rate-limit.js';
import { CALENDLY_RATE_LIMIT_HEADERS } from '../../src/platforms/calendly/rate-limit.js';
import { PAGERDUTY_RATE_LIMIT_HEADERS } from '../../src/platforms/pagerduty/rate-limit.js';
import { ZENDESK_RATE_LIMIT_HEADERS } from '../../src/platforms/zendesk/rate-limit.js';

const WAIT = { calendly: CALENDLY_RATE_LIMIT_HEADERS.wait, gitlab: GITLAB_RATE_LIMIT_HEADERS.wait };

const NOW = new Date('2026-11-24T09:00:00Z');

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    vendor: 'pagerduty',
    waitHeaders: PAGERDUTY_RATE_LIMIT_HEADERS.wait,
    retries: 3,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    maxRateLimitWaitMs: 60_000,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    clock: () => NOW,
    logger: silentLogger(),
    idempotent: true,
    ...overrides,
    sleeps,
  };
}

const http = (status: number, headers: Record<string, string> = {}) =>
  new HttpError('pagerduty', 'GET', '/users', status, headers, '');
const transport = (code: string) => new TransportError('pagerduty', 'POST', '/users', code, 'socket');

describe('decideRetry', () => {
  test('429 with a signal waits what the vendor asked', () => {
    expect(decideRetry(http(429, { 'ratelimit-reset': '7' }), 1, policy())).toEqual({
      retry: true,
      delayMs: 7_000,
      reason: 'rate limited',
    });
  });

  test('Zendesk: a 429 with only ratelimit-reset waits for the reset; Retry-After first when both are there', () => {
    const zendesk = policy({
      vendor: 'zendesk',
      waitHeaders: ZENDESK_RATE_LIMIT_HEADERS.wait,
      maxRateLimitWaitMs: 5 * 60_000,
    });
    const zd = (headers: Record<string, string>) => new HttpError('zendesk', 'GET', '/api/v2/users', 429, headers, '');
    expect(
      decideRetry(zd({ 'ratelimit-limit': '700', 'ratelimit-remaining': '0', 'ratelimit-reset': '41' }), 1, zendesk),
    ).toEqual({ retry: true, delayMs: 41_000, reason: 'rate limited' });
    expect(decideRetry(zd({ 'Retry-After': '5', 'ratelimit-reset': '41' }), 1, zendesk)).toMatchObject({
      delayMs: 5_000,
    });
    // Neither: the back-off.
    expect(decideRetry(zd({ 'x-rate-limit': '700', 'x-rate-limit-remaining': '0' }), 2, zendesk)).toMatchObject({
      delayMs: 200,
    });
  });

  test('each vendor’s 429 signal: Calendly X-RateLimit-Reset, GitLab Retry-After then RateLimit-Reset', () => {
    const at = (vendor: 'calendly' | 'gitlab', headers: Record<string, string>) =>
      decideRetry(
        new HttpError(vendor, 'GET', '/x', 429, headers, ''),
        1,
        policy({ vendor, waitHeaders: WAIT[vendor] }),
      );
    expect(
      at('calendly', { 'X-RateLimit-Limit': '500', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '60' }),
    ).toMatchObject({ delayMs: 60_000 });
    expect(
      at('gitlab', { 'Retry-After': '9', 'RateLimit-Reset': String(Math.floor(NOW.getTime() / 1000) + 30) }),
    ).toMatchObject({ delayMs: 9_000 });
    expect(at('gitlab', { 'RateLimit-Reset': String(Math.floor(NOW.getTime() / 1000) + 30) })).toMatchObject({
      delayMs: 30_000,
    });
  });

  test('429 with a zero reset still waits a little', () => {
    expect(decideRetry(http(429, { 'ratelimit-reset': '0' }), 1, policy())).toMatchObject({ retry: true, delayMs: 50 });
  });

  test('429 without a signal backs off', () => {
    expect(decideRetry(http(429), 1, policy())).toMatchObject({ retry: true, delayMs: 100 });
    expect(decideRetry(http(429), 3, policy())).toMatchObject({ retry: true, delayMs: 400 });
  });

  test('429 is retried even for non-idempotent requests', () => {
    expect(decideRetry(http(429), 1, policy({ idempotent: false }))).toMatchObject({ retry: true });
  });

  test('429 asking for more than maxRateLimitWaitMs is not retried', () => {
    expect(decideRetry(http(429, { 'ratelimit-reset': '61' }), 1, policy())).toEqual({ retry: false });
    expect(decideRetry(http(429, { 'ratelimit-reset': '60' }), 1, policy())).toMatchObject({
      retry: true,
      delayMs: 60_000,
    });
  });

  test('5xx only when idempotent', () => {
    for (const status of [500, 502, 503, 504]) {
      expect(decideRetry(http(status), 1, policy())).toEqual({ retry: true, delayMs: 100, reason: `HTTP ${status}` });
      expect(decideRetry(http(status), 1, policy({ idempotent: false }))).toEqual({ retry: false });
    }
  });

  test('4xx never', () => {
    for (const status of [400, 401, 403, 404, 409, 422]) {
      expect(decideRetry(http(status), 1, policy())).toEqual({ retry: false });
      expect(decideRetry(http(status), 1, policy({ idempotent: false }))).toEqual({ retry: false });
    }
  });

  test('ECONNRESET only when idempotent, ECONNREFUSED always', () => {
    expect(decideRetry(transport('ECONNRESET'), 1, policy())).toEqual({
      retry: true,
      delayMs: 100,
      reason: 'ECONNRESET',
    });
    expect(decideRetry(transport('ECONNRESET'), 1, policy({ idempotent: false }))).toEqual({ retry: false });
    expect(decideRetry(transport('ECONNREFUSED'), 1, policy())).toMatchObject({ retry: true });
    expect(decideRetry(transport('ECONNREFUSED'), 1, policy({ idempotent: false }))).toMatchObject({
      retry: true,
      reason: 'ECONNREFUSED',
    });
  });

  test('other errors never', () => {
    expect(decideRetry(new Error('bug'), 1, policy())).toEqual({ retry: false });
    expect(decideRetry('string', 1, policy())).toEqual({ retry: false });
  });

  test('backoff doubles and is capped', () => {
    const delays = [1, 2, 3, 4, 5, 6, 20].map((attempt) => {
      const decision = decideRetry(http(503), attempt, policy());
      return decision.retry ? decision.delayMs : -1;
    });
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });
});

describe('withRetry', () => {
  test('succeeds after two 429s, having slept what the headers said', async () => {
    const p = policy();
    const answers = [http(429, { 'ratelimit-reset': '2' }), http(429, { 'Retry-After': '3' })];
    let calls = 0;
    const result = await withRetry('list users', p, () => {
      calls += 1;
      const next = answers.shift();
      return next ? Promise.reject(next) : Promise.resolve('ok');
    });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(p.sleeps).toEqual([2_000, 3_000]);
  });

  test('gives up after `retries` with RetriesExhaustedError naming the attempts', async () => {
    const p = policy({ retries: 3 });
    let calls = 0;
    const failure = http(503);
    const error = await withRetry('list users', p, () => {
      calls += 1;
      return Promise.reject(failure);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetriesExhaustedError);
    expect((error as RetriesExhaustedError).attempts).toBe(4);
    expect((error as RetriesExhaustedError).lastError).toBe(failure);
    expect((error as Error).message).toContain('gave up after 4 attempts');
    expect(calls).toBe(4);
    expect(p.sleeps).toEqual([100, 200, 400]);
  });

  test('never sleeps for a 404, and rethrows it as is', async () => {
    const p = policy();
    const notFound = http(404);
    let calls = 0;
    await expect(
      withRetry('get user', p, () => {
        calls += 1;
        return Promise.reject(notFound);
      }),
    ).rejects.toBe(notFound);
    expect(calls).toBe(1);
    expect(p.sleeps).toEqual([]);
  });

  test('a rate-limit wait beyond the limit fails without sleeping', async () => {
    const p = policy();
    const limited = http(429, { 'ratelimit-reset': '3600' });
    await expect(withRetry('list users', p, async () => Promise.reject(limited))).rejects.toBe(limited);
    expect(p.sleeps).toEqual([]);
  });
});
