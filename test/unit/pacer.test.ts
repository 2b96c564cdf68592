import { RateLimitPacer } from '../../src/http/rate-limit.js';

/** A pacer whose sleeps are recorded and return at once. */
function pacer(vendor: 'gitlab' | 'zendesk' | 'calendly' | 'pagerduty' = 'pagerduty', maxWaitMs = 60_000) {
  const sleeps: number[] = [];
  const it = new RateLimitPacer(
    vendor,
    async (ms) => {
      sleeps.push(ms);
    },
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

  test('each vendor’s headers: Calendly X-RateLimit-*, Zendesk x-rate-limit-remaining, GitLab RateLimit-Reset as a Unix time', async () => {
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
