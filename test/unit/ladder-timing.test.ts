/**
 * Issue #17 point 3, the pure part: a ladder step is timed from when its run planned the previous
 * step (the marker's `at`), not from when GitLab dated that note, so nightly runs at a fixed hour
 * take each step exactly its configured wait after the previous one.
 */
import { DateTime, Duration } from 'luxon';
import type { LadderDurations } from '../../src/config/types.js';
import { botNotes } from '../../src/domain/bot-notes.js';
import { dueAt, nextDueStep, planFollowup } from '../../src/domain/followup-plan.js';
import { rebuildState, type ItemState } from '../../src/domain/followup-state.js';
import { parseMarkers, renderMarker, type Marker } from '../../src/domain/markers.js';
import { planOpen, type PlannedNote } from '../../src/domain/open-plan.js';
import { noteText } from '../../src/domain/render.js';
import type { Finding } from '../../src/domain/types.js';
import type { TrackedNote } from '../../src/gitlab/tracker.js';

const BOT = 'audit-bot';
const PLATFORM = 'pagerduty';
const LADDER: LadderDurations = { second_ping_after: 'PT72H', manager_after: 'P4D', som_after: 'PT72H' };
const SOMS = ['som-alex'];
const managerOf = (username: string): string | null => ({ alice: 'mgr' })[username] ?? null;
/** Nightly runs at 06:00 UTC. */
const DAY0 = new Date('2026-11-02T06:00:00.000Z');
const night = (n: number, offset = 'PT0S') =>
  DateTime.fromJSDate(DAY0, { zone: 'utc' }).plus({ days: n }).plus(Duration.fromISO(offset)).toJSDate();
const FINDING: Finding = {
  platform: PLATFORM,
  kind: 'user-not-in-roster',
  fingerprint: `${PLATFORM}:user-not-in-roster:a1`,
  owner: 'alice',
  subject: 'Alice',
  detail: 'Detail',
};

/** An issue whose notes GitLab dates `delayMs` after the run that posts them started. */
class Issue {
  notes: TrackedNote[] = [];
  private nextId = 1;

  constructor(
    private readonly delayMs: number,
    /** Drop the markers' `at`: notes as a bot from before this change wrote them. */
    private readonly legacy = false,
  ) {
    this.post(
      planOpen({
        result: { platform: PLATFORM, findings: [FINDING], stats: { requests: 1, itemsRead: {} } },
        accepted: [],
        findings: [FINDING],
        quarter: '2026-Q4',
        existing: [],
        supportOpsManagers: SOMS,
        secondPingAfter: LADDER.second_ping_after,
        now: DAY0,
      }),
      DAY0,
    );
  }

  post(planned: PlannedNote[], now: Date): void {
    const at = new Date(now.getTime() + this.delayMs).toISOString();
    for (const note of planned) {
      const marker: Marker = this.legacy
        ? (Object.fromEntries(Object.entries(note.marker).filter(([key]) => key !== 'at')) as Marker)
        : note.marker;
      this.notes.push({
        id: this.nextId++,
        author: BOT,
        body: noteText(note.body, marker),
        system: false,
        createdAt: at,
        updatedAt: at,
      });
    }
  }

  /** One nightly run: the steps it posted. */
  night(now: Date): string[] {
    const input = {
      state: rebuildState(this.notes, BOT, PLATFORM),
      issue: { open: true, closedBy: null },
      now,
      ladder: LADDER,
      supportOpsManagers: SOMS,
      managerOf,
    };
    let plan = planFollowup(input);
    if (plan.needsRecheck)
      plan = planFollowup({
        ...input,
        recheck: { at: now, present: new Set([FINDING.fingerprint]), accepted: new Map() },
      });
    this.post(plan.notes, now);
    return plan.notes.map((note) => note.marker.step);
  }

  /** The nights (1…14) on which a step was posted, with the step. */
  nights(): [number, string[]][] {
    const acted: [number, string[]][] = [];
    for (let n = 1; n <= 14; n++) {
      const steps = this.night(night(n));
      if (steps.length > 0) acted.push([n, steps]);
    }
    return acted;
  }

  item(): ItemState {
    return [...rebuildState(this.notes, BOT, PLATFORM).items.values()][0];
  }
}

describe('ladder steps are timed from when their run planned them', () => {
  test('every ladder marker records its run’s time, open’s first ping included', () => {
    const issue = new Issue(4_000);
    const ping1 = botNotes(issue.notes, BOT, PLATFORM).find(({ marker }) => marker.step === 'ping1')!;
    expect(ping1.marker.at).toBe(DAY0.toISOString());
    expect(ping1.createdAt).toBe('2026-11-02T06:00:04.000Z');
    issue.night(night(3));
    const ping2 = parseMarkers(issue.notes.at(-1)!.body)[0];
    expect(ping2).toMatchObject({ step: 'ping2', at: night(3).toISOString() });
  });

  test('nightly at 06:00, notes 4 s late: second ping on night 3, manager on night 7, Support Ops on night 10', () => {
    const issue = new Issue(4_000);
    expect(issue.nights()).toEqual([
      [3, ['ping2']],
      [7, ['manager']],
      [10, ['som']],
    ]);
    expect(issue.item().pings).toEqual([
      { step: 'ping1', at: '2026-11-02T06:00:00.000Z', to: 'alice' },
      { step: 'ping2', at: '2026-11-05T06:00:00.000Z', to: 'alice' },
      { step: 'manager', at: '2026-11-09T06:00:00.000Z', to: 'mgr' },
      { step: 'som', at: '2026-11-12T06:00:00.000Z', to: null },
    ]);
  });

  test('notes from before `at` was recorded fall back to GitLab’s date: each step a night later, as before', () => {
    const issue = new Issue(4_000, true);
    expect(issue.nights()).toEqual([
      [4, ['ping2']],
      [9, ['manager']],
      [13, ['som']],
    ]);
    expect(issue.item().pings[1]).toEqual({ step: 'ping2', at: '2026-11-06T06:00:04.000Z', to: 'alice' });
  });

  test('due exactly at the planned time plus the wait, not a millisecond before; the board’s due time agrees', () => {
    const issue = new Issue(4_000);
    const item = issue.item();
    expect(dueAt(item, LADDER)).toEqual(night(3));
    expect(nextDueStep(item, { now: new Date(night(3).getTime() - 1), ladder: LADDER, managerOf })).toBeUndefined();
    expect(nextDueStep(item, { now: night(3), ladder: LADDER, managerOf })).toBe('ping2');
  });

  test('a marker’s `at` that is not a date-time is ignored: the note’s date counts', () => {
    const results = botNotes(new Issue(0).notes, BOT, PLATFORM).find(({ marker }) => marker.step === 'results')!.marker;
    const ping = (at: unknown): TrackedNote[] => [
      {
        id: 1,
        author: BOT,
        body: renderMarker(results),
        system: false,
        createdAt: '2026-11-02T06:00:00.000Z',
        updatedAt: '2026-11-02T06:00:00.000Z',
      },
      {
        id: 2,
        author: BOT,
        body: renderMarker({
          v: 1,
          step: 'ping1',
          platform: PLATFORM,
          owner: 'alice',
          findings: [FINDING.fingerprint],
          at: at as string,
        }),
        system: false,
        createdAt: '2026-11-02T06:00:09.000Z',
        updatedAt: '2026-11-02T06:00:09.000Z',
      },
    ];
    const pingAt = (at: unknown) => [...rebuildState(ping(at), BOT, PLATFORM).items.values()][0].pings[0].at;
    expect(pingAt('2026-11-02T06:00:00Z')).toBe('2026-11-02T06:00:00.000Z');
    for (const bad of [undefined, null, 42, '', 'yesterday', '2026-11-02', '2026-13-45T99:00:00Z'])
      expect(pingAt(bad)).toBe('2026-11-02T06:00:09.000Z');
  });
});
