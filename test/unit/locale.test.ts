import { Duration, Settings } from 'luxon';
import { compareCodeUnits, compareNames } from '../../src/domain/locale.js';
import { planOpen } from '../../src/domain/open-plan.js';
import { formatUtc, humanDuration } from '../../src/domain/render.js';
import type { Finding } from '../../src/domain/types.js';
import { formatIn } from '../../src/platforms/pagerduty/coverage.js';

const NOW = new Date('2026-11-24T09:05:00Z');

function plannedNotes(): string[] {
  const finding = (key: string, owner: string | null): Finding => ({
    platform: 'pagerduty',
    kind: 'unknown-id',
    fingerprint: `pagerduty:unknown-id:${key}`,
    owner,
    subject: key,
    detail: `unknown-id for ${key}`,
  });
  const findings = [finding('alice', 'alice'), finding('bob', 'bob'), finding('PSTRANG', null)];
  return planOpen({
    result: { platform: 'pagerduty', findings, stats: { requests: 3, itemsRead: { users: 7 } } },
    accepted: [],
    findings,
    quarter: '2026-Q4',
    existing: [],
    supportOpsManagers: ['som-alex'],
    secondPingAfter: 'P1DT2H30M',
    now: NOW,
  }).map((note) => note.body);
}

// What luxon falls back to when no locale is given is the machine's locale; setting its default
// stands in for a runner with LANG=de_DE.UTF-8 or ar_EG.UTF-8 (Arabic-Indic digits).
describe.each(['de-DE', 'ar-EG'])('with luxon defaulting to %s', (locale) => {
  const defaultLocale = Settings.defaultLocale;
  const english = plannedNotes();
  beforeEach(() => {
    Settings.defaultLocale = locale;
  });
  afterEach(() => {
    Settings.defaultLocale = defaultLocale;
  });

  it('would localize a duration given no locale', () => {
    expect(Duration.fromISO('PT72H').rescale().toHuman({ listStyle: 'long' })).not.toBe('3 days');
  });

  it('still writes durations and times in English with Latin digits', () => {
    expect(humanDuration('PT72H')).toBe('3 days');
    expect(humanDuration('P1DT2H30M')).toBe('1 day, 2 hours, and 30 minutes');
    expect(formatUtc(NOW)).toBe('2026-11-24 09:05 UTC');
    expect(formatIn(Date.parse('2026-12-03T05:00:00Z'), 'America/New_York')).toBe('2026-12-03 00:00');
    expect(formatIn(Date.parse('2026-12-03T05:00:00Z'), 'Not/A_Zone')).toBe('2026-12-03 05:00');
  });

  it('plans the same notes as on an English machine', () => {
    const notes = plannedNotes();
    expect(notes).toEqual(english);
    expect(notes.join('\n')).toContain('The audit ran on 2026-11-24 09:05 UTC');
    expect(notes.join('\n')).toContain('reminded in 1 day, 2 hours, and 30 minutes.');
  });
});

describe('compareCodeUnits', () => {
  it('orders by UTF-16 code unit: upper case, then `_`, then lower case', () => {
    const fingerprints = [
      'zendesk:wrong-id:bob',
      'zendesk:wrong-id:Bob',
      'zendesk:wrong-id:bob_x',
      'zendesk:wrong-id:bob.x',
      'zendesk:wrong-id:ä',
      'zendesk:wrong-id:z',
    ];
    expect([...fingerprints].sort(compareCodeUnits)).toEqual([
      'zendesk:wrong-id:Bob',
      'zendesk:wrong-id:bob',
      'zendesk:wrong-id:bob.x',
      'zendesk:wrong-id:bob_x',
      'zendesk:wrong-id:z',
      'zendesk:wrong-id:ä',
    ]);
  });

  it('orders ISO timestamps of one format by time, and returns 0 only for equal strings', () => {
    expect(compareCodeUnits('2026-11-24T09:05:00.000Z', '2026-11-24T10:00:00.000Z')).toBe(-1);
    expect(compareCodeUnits('2026-12-01T00:00:00.000Z', '2026-11-30T23:59:59.999Z')).toBe(1);
    expect(compareCodeUnits('2026-11-24T09:05:00.000Z', '2026-11-24T09:05:00.000Z')).toBe(0);
  });
});

describe('compareNames', () => {
  it('orders usernames as localeCompare does on an English machine', () => {
    const names = ['jo2', 'jo.s', 'Bob', 'jo_s', 'bob', 'zed', 'alice', 'jo-s', 'ärne'];
    const expected = ['alice', 'ärne', 'bob', 'Bob', 'jo_s', 'jo-s', 'jo.s', 'jo2', 'zed'];
    expect([...names].sort(compareNames)).toEqual(expected);
    expect([...names].sort((a, b) => a.localeCompare(b, 'en-US'))).toEqual(expected);
  });

  it("sorts a key ending in U+FFFF after every name (the follow-up's 'nobody in the roster' group)", () => {
    const keys = ['1\u0000alice', '0\u0000\uffff', '0\u0000zed', '0\u0000alice'];
    expect([...keys].sort(compareNames)).toEqual(['0\u0000alice', '0\u0000zed', '0\u0000\uffff', '1\u0000alice']);
  });
});

describe('humanDuration', () => {
  const luxonsWording = (iso: string) =>
    Duration.fromISO(iso, { locale: 'en-US' }).rescale().toHuman({ listStyle: 'long' });

  it.each([
    'PT72H',
    'P4D',
    'P1D',
    'P90D',
    'P14D',
    'P28D',
    'P1W',
    'P2W',
    'P30D',
    'P1M',
    'P1Y',
    'P400D',
    'PT36H',
    'PT90M',
    'PT1.5H',
    'P1.5D',
    'PT1S',
    'PT1.5S',
    'PT0S',
    'P1Y2M3DT4H5M6S',
    'P1000Y',
    'PT0.0005S',
    'P3Y6M4DT12H30M5S',
  ])('%s as luxon words it in English', (iso) => {
    expect(humanDuration(iso)).toBe(luxonsWording(iso));
  });

  it('agrees with luxon on 500 random durations, and leaves what is not one as written', () => {
    let seed = 7;
    const random = (below: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % below;
    for (let n = 0; n < 500; n++) {
      const parts: [number, string][] = [
        [random(3), 'Y'],
        [random(14), 'M'],
        [random(5), 'W'],
        [random(400), 'D'],
      ];
      const time: [number, string][] = [
        [random(50), 'H'],
        [random(200), 'M'],
        [random(100), 'S'],
      ];
      const iso = `P${parts
        .filter(([count]) => count > 0 && random(2))
        .map(([count, unit]) => `${count}${unit}`)
        .join('')}T${time
        .filter(([count]) => count > 0 && random(2))
        .map(([count, unit]) => `${count}${unit}`)
        .join('')}`.replace(/T$/, '');
      if (iso === 'P') continue;
      expect([iso, humanDuration(iso)]).toEqual([iso, luxonsWording(iso)]);
    }
    expect(humanDuration('three days')).toBe('three days');
  });
});
