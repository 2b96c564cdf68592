import { instantSleep } from '../src/clock.js';
import { afterEach, expect, test } from '@jest/globals';
import { VendorClient } from '../src/http/client.js';
import { collectOffsetPages } from '../src/http/paginate.js';
import { createLogger } from '../src/log.js';
import { readListing } from '../src/platforms/pagerduty/listing.js';
import { PAGERDUTY_RATE_LIMIT_HEADERS } from '../src/platforms/pagerduty/rate-limit.js';
import { generatePagerDutyUsers } from '../src/platforms/pagerduty/sandbox/data.js';
import { seedPagerDuty } from '../src/platforms/pagerduty/sandbox/seed.js';
import { createPagerDutySandbox, type PagerDutySandbox } from '../src/platforms/pagerduty/sandbox/server.js';

// A run held by a rate limit for more than 10 s says what it waits for and how far it has got,
// against the sandbox PagerDuty over real HTTP. Sleeps return at once: the waits are the ones asked for.

const TOKEN = 'progress-token';
let sandbox: PagerDutySandbox | undefined;

afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

async function pagerDutyWith(users: number): Promise<PagerDutySandbox> {
  const data = seedPagerDuty(new Date('2026-11-24T09:00:00Z'));
  data.users.push(...generatePagerDutyUsers(users));
  sandbox = createPagerDutySandbox({ token: TOKEN, data });
  await sandbox.start();
  return sandbox;
}

function clientWithLog(server: PagerDutySandbox, sleeps: number[]) {
  const lines: Array<{ msg: string; waitMs: number; waitedMs: number }> = [];
  const logger = createLogger({
    secrets: [TOKEN],
    destination: {
      write: (line: string) => {
        const entry = JSON.parse(line) as (typeof lines)[number];
        // The retry layer logs its own lines; these tests read the progress lines.
        if (entry.msg.includes('for the rate limit')) lines.push(entry);
      },
    },
  });
  const http = new VendorClient({
    vendor: 'pagerduty',
    rateLimitHeaders: PAGERDUTY_RATE_LIMIT_HEADERS,
    baseUrl: server.url,
    headers: { authorization: `Token token=${TOKEN}`, accept: 'application/vnd.pagerduty+json;version=2' },
    logger,
    clock: () => new Date(),
    sleep: instantSleep((ms) => void sleeps.push(ms)),
  });
  return { http, lines };
}

/** Answers request number `n` (1-based) with PagerDuty's 429 asking to wait `seconds`. */
function refuse(server: PagerDutySandbox, n: number, seconds: number): void {
  server.setFaultPlan((_request, count) => (count === n ? server.rateLimitedFault(seconds) : undefined));
}

test('a 15 s wait names the request it holds back: page 3 of about the pages the total makes', async () => {
  const server = await pagerDutyWith(450);
  refuse(server, 3, 15);
  const sleeps: number[] = [];
  const { http, lines } = clientWithLog(server, sleeps);

  const listing = await readListing(http, 'users', 'users', {});

  const pages = Math.ceil(server.data.users.length / 100);
  expect(listing.items).toHaveLength(server.data.users.length);
  expect(sleeps).toContain(15_000);
  expect(lines.map((line) => line.msg)).toEqual([
    `pagerduty: waiting 15 s for the rate limit (15 s in all), before GET /users page 3 of about ${pages}`,
  ]);
  expect(lines[0]).toMatchObject({ waitMs: 15_000, waitedMs: 15_000 });
});

test('waits that stay under 10 s in all are not said', async () => {
  const server = await pagerDutyWith(250);
  refuse(server, 2, 4);
  const sleeps: number[] = [];
  const { http, lines } = clientWithLog(server, sleeps);

  await collectOffsetPages(http, 'users', 'users');

  expect(sleeps).toContain(4_000);
  expect(lines).toEqual([]);
});

test('short waits are said once they add up to 10 s, with the page when nobody said how many', async () => {
  const server = await pagerDutyWith(650);
  server.setFaultPlan((_request, count) => (count % 2 === 0 ? server.rateLimitedFault(3) : undefined));
  const sleeps: number[] = [];
  const { http, lines } = clientWithLog(server, sleeps);

  await collectOffsetPages(http, 'users', 'users');

  // Every other request is refused for 3 s (pages 2 to 5 each wait once): the fourth wait makes 12 s.
  expect(lines.map((line) => line.msg)[0]).toBe(
    'pagerduty: waiting 3.0 s for the rate limit (12 s in all), before GET /users page 5',
  );
});
