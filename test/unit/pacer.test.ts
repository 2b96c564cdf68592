import { instantSleep } from '../../src/clock.js';
import { GITLAB_RATE_LIMIT_HEADERS, RateLimitPacer } from '../../src/http/rate-limit.js';
import { CALENDLY_RATE_LIMIT_HEADERS } from '../../src/platforms/calendly/rate-limit.js';
import { PAGERDUTY_RATE_LIMIT_HEADERS } from '../../src/platforms/pagerduty/rate-limit.js';
import { ZENDESK_RATE_LIMIT_HEADERS } from '../../src/platforms/zendesk/rate-limit.js';

const HEADERS = {
  gitlab: GITLAB_RATE_LIMIT_HEADERS,
  zendesk: ZENDESK_RATE_LIMIT_HEADERS,
  calendly: CALENDLY_RATE_LIMIT_HEADERS,
  pagerduty: PAGERDUTY_RATE_LIMIT_HEADERS,
};

/** A pacer whose sleeps are recorded and return at once. */
function pacer(vendor: keyof typeof HEADERS = 'pagerduty', maxWaitMs = 60_000) {
  const sleeps: number[] = [];
  const it = new RateLimitPacer(
    HEADERS[vendor],
    instantSleep((ms) => void sleeps.push(ms)),
    maxWaitMs,
  );
  return { it, sleeps };
}

describe('RateLimitPacer', () => {
  test('never waits while the vendor sends no rate-limit headers', async () => {
    const { it, sleeps } = pacer();
    for (let i = 0; i < 5; i++) {
      await it.acquire();
      it.observe(200, { 'content-type': 'application/json' });
    }
    expect(sleeps).toEqual([]);
  });

  test('goes on while requests are left, then waits for the reset once none are', async () => {
    const { it, sleeps } = pacer('pagerduty');
    await it.acquire();
    it.observe(200, { 'ratelimit-remaining': '2', 'ratelimit-reset': '3' });
    await it.acquire();
    await it.acquire();
    expect(sleeps).toEqual([]);
    // Both left were taken: the third waits for the reset.
    await it.acquire();
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(2_900);
    expect(sleeps[0]).toBeLessThanOrEqual(3_000);
  });

  test('requests still in flight count against what an answer says is left (runs that read side by side)', async () => {
    const { it, sleeps } = pacer('gitlab');
    await it.acquire();
    it.observe(200, { 'ratelimit-remaining': '100', 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30) });
    for (let i = 0; i < 4; i++) await it.acquire();
    // The first of the four answers: 3 left, but the other three were sent already.
    it.observe(200, { 'ratelimit-remaining': '3', 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30) });
    await it.acquire();
    expect(sleeps).toHaveLength(1);
  });

  test('Calendly X-RateLimit-*, Zendesk x-rate-limit-remaining, GitLab RateLimit-Reset as a Unix time', async () => {
    const calendly = pacer('calendly');
    calendly.it.observe(200, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '2' });
    await calendly.it.acquire();
    expect(calendly.sleeps[0]).toBeGreaterThan(1_900);

    // Zendesk says how many are left but not when the window resets: the request goes and meets the 429.
    const zendesk = pacer('zendesk');
    zendesk.it.observe(200, { 'x-rate-limit-remaining': '0' });
    await zendesk.it.acquire();
    expect(zendesk.sleeps).toEqual([]);

    const gitlab = pacer('gitlab');
    gitlab.it.observe(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': ((Date.now() + 1_500) / 1000).toFixed(3) });
    await gitlab.it.acquire();
    expect(gitlab.sleeps[0]).toBeGreaterThan(1_300);
    expect(gitlab.sleeps[0]).toBeLessThanOrEqual(1_500);
  });

  test('after the reset one request goes alone; the others wait for its answer', async () => {
    const { it, sleeps } = pacer();
    it.observe(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
    const order: string[] = [];
    const first = it.acquire().then(() => order.push('probe sent'));
    const second = it.acquire().then(() => order.push('second sent'));
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['probe sent']);
    it.observe(200, { 'ratelimit-remaining': '10', 'ratelimit-reset': '1' });
    await second;
    expect(order).toEqual(['probe sent', 'second sent']);
    expect(sleeps).toHaveLength(1);
  });

  test('a 429 is left to the retry layer, and a retried request does not wait twice', async () => {
    const { it, sleeps } = pacer();
    it.observe(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '5' });
    it.observe(429, { 'ratelimit-remaining': '0', 'ratelimit-reset': '5' });
    await it.acquire(true);
    expect(sleeps).toEqual([]);
  });

  test('an answer without the headers turns pacing off; a wait longer than the limit is not waited for', async () => {
    const off = pacer();
    off.it.observe(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '5' });
    off.it.observe(200, {});
    await off.it.acquire();
    expect(off.sleeps).toEqual([]);

    const long = pacer('pagerduty', 1_000);
    long.it.observe(200, { 'ratelimit-remaining': '0', 'ratelimit-reset': '30' });
    await long.it.acquire();
    expect(long.sleeps).toEqual([]);
  });
});

/** A pacer on a fake clock: its sleeps advance the clock and are recorded. */
function timed(
  options: {
    budgetShare?: number;
    windowMs?: number;
    vendor?: keyof typeof HEADERS;
    maxWaitMs?: number;
  } = {},
) {
  const clock = { ms: 0 };
  const sleeps: number[] = [];
  const it = new RateLimitPacer(
    HEADERS[options.vendor ?? 'pagerduty'],
    // The sleep's own time is the clock the test moves.
    Object.assign(
      (ms: number) => {
        sleeps.push(ms);
        clock.ms += ms;
        return Promise.resolve();
      },
      { now: () => clock.ms },
    ),
    options.maxWaitMs ?? 60_000,
    { budgetShare: options.budgetShare, windowMs: options.windowMs },
  );
  return { it, sleeps, clock };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('RateLimitPacer: a share of the announced budget', () => {
  test('at most floor(share × limit) own requests per window, counted until a window after each answer', async () => {
    const { it, sleeps, clock } = timed({ budgetShare: 0.5, windowMs: 1_000 });
    const sent: number[] = [];
    // 25 requests one after the other, each answered 10 ms after it went, limit 21: 10 a window.
    for (let i = 0; i < 25; i++) {
      await it.acquire();
      sent.push(clock.ms);
      clock.ms += 10;
      it.observe(200, { 'ratelimit-limit': '21', 'ratelimit-remaining': '500', 'ratelimit-reset': '60' });
    }
    expect(it.shareCap).toBe(10);
    // In any window of 1 s (from any request's sending), at most 10 were sent.
    for (const start of sent)
      expect(sent.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(10);
    // The 11th waits until a window after the first answer (10 ms): 1 010 ms.
    expect(sent[10]).toBe(1_010);
    expect(sleeps.length).toBeGreaterThan(0);
  });

  test('requests in flight count too: the next one waits for an answer, then for its window', async () => {
    const { it, sleeps, clock } = timed({ budgetShare: 0.5, windowMs: 1_000 });
    await it.acquire();
    it.observe(200, { 'ratelimit-limit': '4', 'ratelimit-remaining': '100' });
    // Cap 2: one counted (answered), one in flight.
    await it.acquire();
    let third = false;
    const pending = it.acquire().then(() => (third = true));
    await settle();
    // It waits until the first answer's window is over (t = 1 000).
    expect(sleeps).toEqual([1_000]);
    await pending;
    expect(third).toBe(true);
    expect(clock.ms).toBe(1_000);
    // Now two in flight (cap 2): the fourth waits for an answer, not for time.
    let fourth = false;
    const next = it.acquire().then(() => (fourth = true));
    await settle();
    expect(fourth).toBe(false);
    clock.ms += 5;
    it.observe(200, { 'ratelimit-limit': '4', 'ratelimit-remaining': '100' });
    await next;
    expect(sleeps.at(-1)).toBe(1_000);
  });

  test('a sleep that ends early is slept out: no request goes before its window is over', async () => {
    const clock = { ms: 0 };
    const sleeps: number[] = [];
    // Each sleep ends up to a millisecond early, as a timer may, measured on the sleep's own time.
    const early = Object.assign(
      (ms: number) => {
        sleeps.push(ms);
        clock.ms += ms > 1 ? ms - 1 : ms;
        return Promise.resolve();
      },
      { now: () => clock.ms },
    );
    const it = new RateLimitPacer(PAGERDUTY_RATE_LIMIT_HEADERS, early, 60_000, { budgetShare: 0.5, windowMs: 1_000 });
    await it.acquire();
    it.observe(200, { 'ratelimit-limit': '2', 'ratelimit-remaining': '100' });
    await it.acquire();
    // A window after the first answer, not a millisecond less: 999 ms slept, then the one left.
    expect(sleeps).toEqual([1_000, 1]);
    expect(clock.ms).toBe(1_000);
  });

  test('no announced limit: not paced by share; with a limit, the announced remaining still paces', async () => {
    const none = timed({ budgetShare: 0.1, windowMs: 1_000 });
    for (let i = 0; i < 20; i++) {
      await none.it.acquire();
      none.it.observe(200, { 'ratelimit-remaining': '100', 'ratelimit-reset': '30' });
    }
    expect(none.sleeps).toEqual([]);

    const tight = timed({ budgetShare: 0.5, windowMs: 60_000 });
    await tight.it.acquire();
    tight.it.observe(200, { 'ratelimit-limit': '100', 'ratelimit-remaining': '1', 'ratelimit-reset': '7' });
    await tight.it.acquire();
    await tight.it.acquire();
    // 3 of a share of 50, but only 1 was left: the third waited for the reset.
    expect(tight.sleeps).toEqual([7_000]);
  });

  test('each vendor’s limit header: Zendesk x-rate-limit or ratelimit-limit, Calendly X-RateLimit-Limit', () => {
    const zendesk = timed({ vendor: 'zendesk', budgetShare: 0.5 });
    zendesk.it.observe(200, { 'x-rate-limit': '700', 'x-rate-limit-remaining': '699' });
    expect(zendesk.it.shareCap).toBe(350);
    const zendeskNew = timed({ vendor: 'zendesk', budgetShare: 0.5 });
    zendeskNew.it.observe(200, { 'ratelimit-limit': '400', 'ratelimit-remaining': '399', 'ratelimit-reset': '41' });
    expect(zendeskNew.it.shareCap).toBe(200);
    const calendly = timed({ vendor: 'calendly', budgetShare: 0.3 });
    calendly.it.observe(200, { 'X-RateLimit-Limit': '500', 'X-RateLimit-Remaining': '499', 'X-RateLimit-Reset': '60' });
    expect(calendly.it.shareCap).toBe(150);
    // A tiny limit still lets one request through per window.
    const tiny = timed({ budgetShare: 0.5 });
    tiny.it.observe(200, { 'ratelimit-limit': '1' });
    expect(tiny.it.shareCap).toBe(1);
    // Share 1 (the default of a bare pacer): only the announced remaining paces.
    const whole = timed({});
    whole.it.observe(200, { 'ratelimit-limit': '10' });
    expect(whole.it.shareCap).toBeUndefined();
  });

  test('a share outside (0, 1] or a window that is not positive is refused', () => {
    expect(() => timed({ budgetShare: 0 })).toThrow(/budgetShare/);
    expect(() => timed({ budgetShare: 1.5 })).toThrow(/budgetShare/);
    expect(() => timed({ budgetShare: 0.5, windowMs: 0 })).toThrow(/window/);
  });
});

describe('RateLimitPacer: after a 429, every request waits', () => {
  test('queued requests wait for the hold, all in one sleep; the refused one’s retry shares it', async () => {
    const { it, sleeps, clock } = timed();
    await it.acquire();
    it.observe(429, { 'ratelimit-reset': '3' });
    it.hold(3_000);
    const order: string[] = [];
    const queued = [1, 2, 3].map((n) => it.acquire().then(() => order.push(`queued ${n} at ${clock.ms}`)));
    const retry = it
      .pause(3_000)
      .then(() => it.acquire(true))
      .then(() => order.push(`retry at ${clock.ms}`));
    await Promise.all([...queued, retry]);
    expect(sleeps).toEqual([3_000]);
    expect(order).toEqual(['queued 1 at 3000', 'queued 2 at 3000', 'queued 3 at 3000', 'retry at 3000']);
  });

  test('longer holds extend shorter ones; a wait over the limit is not held; other sleeps are their own', async () => {
    const { it, sleeps } = timed({ maxWaitMs: 10_000 });
    it.hold(1_000);
    it.hold(2_500);
    it.hold(500);
    await it.acquire();
    expect(sleeps).toEqual([2_500]);
    it.hold(20_000);
    await it.acquire();
    expect(sleeps).toEqual([2_500]);
    // A 5xx back-off is no hold: it sleeps for itself.
    await it.pause(800);
    expect(sleeps).toEqual([2_500, 800]);
  });
});
