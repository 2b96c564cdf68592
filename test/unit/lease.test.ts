import { LEASE_MS, withLease } from '../../src/commands/apply.js';
import type { Tracker } from '../../src/gitlab/tracker.js';

test('a lease runs for its 15 minutes from when it is taken, not from the start of the run', async () => {
  const taken: [Date, Date][] = [];
  const tracker = {
    acquireLease: (_name: string, now: Date, expires: Date) => {
      taken.push([now, expires]);
      return Promise.resolve(true);
    },
    releaseLease: async () => {},
  } as unknown as Tracker;
  const start = Date.parse('2026-11-24T10:00:00Z');
  let now = start;
  const clock = () => new Date(now);
  // A platform check of 20 minutes happens between the run's start and its first write.
  now += 20 * 60_000;
  expect(await withLease(tracker, 'audit-bot-lock-pagerduty-2026-Q4', clock, () => Promise.resolve('done'))).toBe(
    'done',
  );
  expect(taken).toEqual([[new Date(start + 20 * 60_000), new Date(start + 20 * 60_000 + LEASE_MS)]]);
});
