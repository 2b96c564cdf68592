import { GITLAB_RATE_LIMIT_HEADERS, parseWaitHeader, rateLimitDelayMs } from '../../src/http/rate-limit.js';
import { CALENDLY_RATE_LIMIT_HEADERS } from '../../src/platforms/calendly/rate-limit.js';
import { PAGERDUTY_RATE_LIMIT_HEADERS } from '../../src/platforms/pagerduty/rate-limit.js';
import { ZENDESK_RATE_LIMIT_HEADERS } from '../../src/platforms/zendesk/rate-limit.js';

/** Each vendor's headers saying how long to wait after a 429. */
const WAIT = {
  gitlab: GITLAB_RATE_LIMIT_HEADERS.wait,
  zendesk: ZENDESK_RATE_LIMIT_HEADERS.wait,
  calendly: CALENDLY_RATE_LIMIT_HEADERS.wait,
  pagerduty: PAGERDUTY_RATE_LIMIT_HEADERS.wait,
};

const NOW = new Date('2026-11-24T09:00:00Z');
const epoch = (offsetSeconds: number) => String(Math.floor(NOW.getTime() / 1000) + offsetSeconds);

describe('parseWaitHeader', () => {
  test('seconds', () => {
    expect(parseWaitHeader('120', NOW)).toBe(120_000);
    expect(parseWaitHeader(' 5 ', NOW)).toBe(5_000);
    expect(parseWaitHeader('1.5', NOW)).toBe(1_500);
    expect(parseWaitHeader('0', NOW)).toBe(0);
  });

  test('Unix epoch seconds', () => {
    expect(parseWaitHeader(epoch(30), NOW)).toBe(30_000);
    expect(parseWaitHeader(epoch(-30), NOW)).toBe(0);
  });

  test('HTTP date', () => {
    expect(parseWaitHeader('Tue, 24 Nov 2026 09:01:30 GMT', NOW)).toBe(90_000);
    expect(parseWaitHeader('Tue, 24 Nov 2026 08:00:00 GMT', NOW)).toBe(0);
  });

  test('absent or unusable', () => {
    expect(parseWaitHeader(undefined, NOW)).toBeUndefined();
    expect(parseWaitHeader('', NOW)).toBeUndefined();
    expect(parseWaitHeader('   ', NOW)).toBeUndefined();
    expect(parseWaitHeader('soon', NOW)).toBeUndefined();
  });
});

describe('rateLimitDelayMs', () => {
  test('Zendesk Retry-After, seconds and HTTP date', () => {
    expect(rateLimitDelayMs(WAIT.zendesk, { 'Retry-After': '30' }, NOW)).toBe(30_000);
    expect(rateLimitDelayMs(WAIT.zendesk, { 'retry-after': 'Tue, 24 Nov 2026 09:00:10 GMT' }, NOW)).toBe(10_000);
  });

  test('PagerDuty ratelimit-reset seconds, in any case', () => {
    expect(rateLimitDelayMs(WAIT.pagerduty, { 'ratelimit-reset': '12' }, NOW)).toBe(12_000);
    expect(rateLimitDelayMs(WAIT.pagerduty, { 'RateLimit-Reset': '12' }, NOW)).toBe(12_000);
    expect(rateLimitDelayMs(WAIT.pagerduty, { 'RATELIMIT-RESET': '3' }, NOW)).toBe(3_000);
  });

  test('Calendly X-RateLimit-Reset seconds', () => {
    expect(rateLimitDelayMs(WAIT.calendly, { 'X-RateLimit-Reset': '45' }, NOW)).toBe(45_000);
    expect(rateLimitDelayMs(WAIT.calendly, { 'x-ratelimit-reset': '45' }, NOW)).toBe(45_000);
  });

  test('GitLab RateLimit-Reset epoch seconds, Retry-After first', () => {
    expect(rateLimitDelayMs(WAIT.gitlab, { 'RateLimit-Reset': epoch(60) }, NOW)).toBe(60_000);
    expect(rateLimitDelayMs(WAIT.gitlab, { 'Retry-After': '7', 'RateLimit-Reset': epoch(60) }, NOW)).toBe(7_000);
  });

  test('array values use the first', () => {
    expect(rateLimitDelayMs(WAIT.zendesk, { 'retry-after': ['4', '9'] }, NOW)).toBe(4_000);
  });

  test('absent → undefined', () => {
    for (const vendor of ['gitlab', 'zendesk', 'calendly', 'pagerduty'] as const) {
      expect(rateLimitDelayMs(WAIT[vendor], {}, NOW)).toBeUndefined();
      expect(
        rateLimitDelayMs(WAIT[vendor], { 'content-type': 'application/json', 'retry-after': undefined }, NOW),
      ).toBeUndefined();
    }
    expect(rateLimitDelayMs(WAIT.zendesk, { 'x-ratelimit-reset': '5' }, NOW)).toBeUndefined();
  });
});
