import {
  coverageWindow,
  coveredPercentage,
  describeLength,
  parseInstant,
  uncoveredIntervals,
} from '../../src/platforms/pagerduty/coverage.js';

const H = 3600 * 1000;
const since = Date.parse('2026-11-24T09:00:00Z');
const until = since + 28 * 24 * H;
const iso = (ms: number, offset = 'Z') => {
  if (offset === 'Z') return new Date(ms).toISOString();
  // Render the instant with a fixed offset like PagerDuty does (e.g. -05:00).
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hh, mm] = offset.slice(1).split(':').map(Number);
  const local = new Date(ms + sign * (hh * 60 + mm) * 60_000).toISOString().slice(0, 19);
  return `${local}${offset}`;
};
const entry = (from: number, to: number, offset = 'Z') => ({ start: iso(from, offset), end: iso(to, offset) });

describe('uncoveredIntervals', () => {
  test('a fully covered window has no gap; entries reaching outside the window are clipped', () => {
    expect(uncoveredIntervals([entry(since - 10 * H, until + 10 * H)], since, until)).toEqual([]);
  });

  test('no entries: the whole window is one gap', () => {
    expect(uncoveredIntervals([], since, until)).toEqual([{ start: since, end: until }]);
  });

  test('gaps at the start, middle and end; overlaps and touching entries count once; order does not matter', () => {
    const entries = [
      entry(since + 50 * H, since + 100 * H),
      entry(since + 2 * H, since + 30 * H),
      entry(since + 20 * H, since + 40 * H), // overlaps the one before
      entry(since + 40 * H, since + 48 * H), // touches it
    ];
    expect(uncoveredIntervals(entries, since, until)).toEqual([
      { start: since, end: since + 2 * H },
      { start: since + 48 * H, end: since + 50 * H },
      { start: since + 100 * H, end: until },
    ]);
  });

  test('times are parsed as instants whatever their offset', () => {
    const entries = [entry(since, since + 24 * H, '-05:00'), entry(since + 26 * H, until, '+01:00')];
    expect(uncoveredIntervals(entries, since, until)).toEqual([{ start: since + 24 * H, end: since + 26 * H }]);
  });

  test('an unparseable time fails loudly instead of counting as a gap', () => {
    expect(() => uncoveredIntervals([{ start: 'tomorrow', end: iso(until) }], since, until, 'schedule PX')).toThrow(
      /schedule PX entry 1 start: "tomorrow" is not an ISO-8601 time/,
    );
    expect(() => parseInstant(undefined, 'x')).toThrow(/x: undefined is not an ISO-8601 time/);
  });
});

describe('coverage helpers', () => {
  test('coveredPercentage rounds like PagerDuty (2 decimals)', () => {
    expect(coveredPercentage([{ start: since, end: since + 48 * H }], since, until)).toBe(92.86);
    expect(coveredPercentage([], since, until)).toBe(100);
    expect(coveredPercentage([{ start: since, end: until }], since, until)).toBe(0);
  });

  test('coverageWindow adds the ISO duration to now; an invalid window throws', () => {
    const { since: from, until: to } = coverageWindow(new Date(since), 'P28D');
    expect(from.toISOString()).toBe('2026-11-24T09:00:00.000Z');
    expect(to.toISOString()).toBe('2026-12-22T09:00:00.000Z');
    expect(coverageWindow(new Date(since), 'PT12H').until.toISOString()).toBe('2026-11-24T21:00:00.000Z');
    expect(() => coverageWindow(new Date(since), 'soon')).toThrow(/not a positive ISO-8601 duration/);
  });

  test('describeLength', () => {
    expect(describeLength(2 * 24 * H)).toBe('2 days');
    expect(describeLength(25 * H + 60_000)).toBe('1 day 1 hour 1 minute');
    expect(describeLength(10_000)).toBe('under a minute');
  });
});
