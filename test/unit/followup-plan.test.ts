import { DateTime, Duration } from 'luxon';
import type { LadderDurations } from '../../src/config/types.js';
import { botNotes } from '../../src/domain/bot-notes.js';
import {
  dueAt,
  FEEDBACK_BUDGET,
  nextDueStep,
  planFollowup,
  type FollowupInput,
  type FollowupPlan,
  type Recheck,
} from '../../src/domain/followup-plan.js';
import { utf8Length } from '../../src/domain/note-size.js';
import { FEEDBACK_LINES } from '../../src/domain/render-followup.js';
import { REPLY_LIMITS } from '../../src/domain/replies.js';
import { claimKey, rebuildState, type IssueState } from '../../src/domain/followup-state.js';
import { renderMarker, type Marker } from '../../src/domain/markers.js';
import { planOpen, type PlannedNote } from '../../src/domain/open-plan.js';
import { noteText } from '../../src/domain/render.js';
import type { Finding } from '../../src/domain/types.js';
import type { TrackedNote } from '../../src/gitlab/tracker.js';

const BOT = 'audit-bot';
const PLATFORM = 'pagerduty';
const QUARTER = '2026-Q4';
const T0 = new Date('2026-11-02T09:00:00.000Z');
const SOMS = ['som-alex', 'som-bea'];
const DEFAULT_LADDER: LadderDurations = { second_ping_after: 'PT72H', manager_after: 'P4D', som_after: 'PT72H' };
/** alice and bob report to mgr; carol has no manager; dave is someone else entirely. */
const MANAGERS: Record<string, string | null> = { alice: 'mgr', bob: 'mgr', carol: null, dave: 'mgr2', mgr: null };
const managerOf = (username: string): string | null => MANAGERS[username] ?? null;

/** T0 plus an ISO-8601 duration. */
function at(offset: string): Date {
  return DateTime.fromJSDate(T0, { zone: 'utc' }).plus(Duration.fromISO(offset)).toJSDate();
}

function finding(key: string, owner: string | null): Finding {
  return {
    platform: PLATFORM,
    kind: 'user-not-in-roster',
    fingerprint: `${PLATFORM}:user-not-in-roster:${key}`,
    owner,
    subject: `Subject ${key}`,
    detail: `Detail of ${key}`,
  };
}

const fp = (key: string) => `${PLATFORM}:user-not-in-roster:${key}`;
// Sorted by fingerprint: PD-1 a1 (alice), PD-2 a2 (alice), PD-3 b1 (bob), PD-4 c1 (carol, no manager),
// PD-5 u1 (nobody).
const FINDINGS = [
  finding('a1', 'alice'),
  finding('a2', 'alice'),
  finding('b1', 'bob'),
  finding('c1', 'carol'),
  finding('u1', null),
];
const ALICE_ONLY = [finding('a1', 'alice')];

/** One audit issue as GitLab holds it, plus what the platform reports now. */
class Issue {
  notes: TrackedNote[] = [];
  open = true;
  closedBy: string | null = null;
  /** Fingerprints the platform's checker reports now (before the allow-list). */
  present: Set<string>;
  /** Allow-list exceptions in force now: fingerprint → reason. */
  accepted = new Map<string, string>();
  ladder: LadderDurations = DEFAULT_LADDER;
  private nextId = 100;

  constructor(findings: Finding[] = FINDINGS, options: { ladder?: LadderDurations; pingOnOpen?: boolean } = {}) {
    this.ladder = options.ladder ?? DEFAULT_LADDER;
    this.present = new Set(findings.map((f) => f.fingerprint));
    this.openAudit(findings, T0, options.pingOnOpen ?? true);
  }

  /** What `open` posts: results + ping1 notes (or only the results, as if killed before the pings). */
  openAudit(findings: Finding[], now: Date, ping = true): PlannedNote[] {
    const plan = planOpen({
      result: { platform: PLATFORM, findings, stats: { requests: 1, itemsRead: { users: 5 } } },
      accepted: [],
      findings,
      quarter: QUARTER,
      existing: botNotes(this.notes, BOT, PLATFORM),
      supportOpsManagers: SOMS,
      secondPingAfter: this.ladder.second_ping_after,
      now,
    });
    for (const f of findings) this.present.add(f.fingerprint);
    this.post(ping ? plan : plan.filter((note) => note.marker.step === 'results'), now);
    return plan;
  }

  post(plan: PlannedNote[], now: Date): void {
    for (const note of plan)
      this.add({ author: BOT, body: noteText(note.body, note.marker), createdAt: now.toISOString() });
  }

  say(author: string, body: string, when: Date, extra: Partial<TrackedNote> = {}): number {
    return this.add({ author, body, createdAt: when.toISOString(), ...extra }).id;
  }

  private add(note: Partial<TrackedNote> & { author: string; body: string; createdAt: string }): TrackedNote {
    const full: TrackedNote = { id: this.nextId++, system: false, updatedAt: note.createdAt, ...note };
    this.notes.push(full);
    return full;
  }

  state(): IssueState {
    return rebuildState(this.notes, BOT, PLATFORM);
  }

  recheck(now: Date): Recheck {
    return {
      at: now,
      present: new Set([...this.present].filter((f) => !this.accepted.has(f))),
      accepted: new Map([...this.accepted].filter(([f]) => this.present.has(f))),
    };
  }

  input(now: Date, extra: Partial<FollowupInput> = {}): FollowupInput {
    return {
      state: this.state(),
      issue: { open: this.open, closedBy: this.closedBy },
      now,
      ladder: this.ladder,
      supportOpsManagers: SOMS,
      managerOf,
      ...extra,
    };
  }

  /** The pure plan, without a re-check. */
  plan(now: Date): FollowupPlan {
    return planFollowup(this.input(now));
  }

  /** The plan with the platform re-checked now. */
  planChecked(now: Date): FollowupPlan {
    return planFollowup(this.input(now, { recheck: this.recheck(now) }));
  }

  /** What the nightly command does: plan, re-check only when asked, post the notes, close when told. */
  run(now: Date): FollowupPlan {
    let plan = this.plan(now);
    if (plan.needsRecheck) plan = this.planChecked(now);
    this.post(plan.notes, now);
    if (plan.close) this.open = false;
    return plan;
  }

  /** Item ids of fingerprints, as this issue assigned them. */
  ids(fingerprints: string[] = []): string[] {
    const state = this.state();
    return fingerprints.map((f) => state.items.get(f)?.id ?? `?${f}`);
  }

  /** [step, recipient, item ids] of each planned note. */
  steps(plan: FollowupPlan): [string, string | null, string[]][] {
    return plan.notes.map((note) => [note.marker.step, note.marker.owner ?? null, this.ids(note.marker.findings)]);
  }
}

/** Running again at the same instant, with the platform unchanged, plans nothing. */
function expectSettled(issue: Issue, now: Date): void {
  expect(issue.plan(now).notes).toEqual([]);
  expect(issue.planChecked(now).notes).toEqual([]);
}

function addressedEntries(plan: FollowupPlan): Record<string, unknown>[] {
  return plan.notes
    .filter((note) => note.marker.step === 'addressed')
    .flatMap((note) => note.marker.entries as Record<string, unknown>[]);
}

describe('the unanswered ladder', () => {
  test(
    'ping2 exactly at second_ping_after (not a minute before), ' + 'one note per recipient listing all their items',
    () => {
      const issue = new Issue();
      const early = issue.plan(at('PT71H59M'));
      expect(early).toEqual({ needsRecheck: false, notes: [], status: 'open', close: false });

      // Due: the plan first asks for a re-check, and posts nothing without one.
      expect(issue.plan(at('PT72H'))).toEqual({ needsRecheck: true, notes: [], status: 'open', close: false });
      const plan = issue.run(at('PT72H'));
      expect(issue.steps(plan)).toEqual([
        ['ping2', 'alice', ['PD-1', 'PD-2']],
        ['ping2', 'bob', ['PD-3']],
        ['ping2', 'carol', ['PD-4']],
        ['ping2', null, ['PD-5']],
      ]);
      expect(plan.status).toBe('open');
      const [alice, , carol, nobody] = plan.notes;
      expect(
        alice.body.startsWith(
          '@alice, a reminder: the PagerDuty access audit for 2026-Q4 still has 2 items waiting for you:',
        ),
      ).toBe(true);
      expect(alice.body).toContain('**PD-1**');
      expect(alice.body).toContain('**PD-2**');
      expect(alice.body).toContain('your manager will be asked in 4 days');
      expect(carol.body).toContain('the Support Ops Managers will be asked for assistance in 4 days');
      expect(nobody.body.startsWith('@som-alex @som-bea, a reminder')).toBe(true);
      expectSettled(issue, at('PT72H'));
    },
  );

  test(
    'manager 4 days after ping2; no manager or no owner skips to the Support Ops Managers; SOM 72h ' +
      'after the manager; then silence',
    () => {
      const issue = new Issue();
      issue.run(at('PT72H'));

      expect(issue.plan(at('P6DT23H59M')).needsRecheck).toBe(false);
      expect(issue.plan(at('P6DT23H59M')).notes).toEqual([]);
      const manager = issue.run(at('P7D'));
      // PD-5 is unowned: its pings went to the Support Ops Managers already, who are not escalated to themselves.
      expect(issue.steps(manager)).toEqual([
        ['manager', 'mgr', ['PD-1', 'PD-2', 'PD-3']],
        ['som', null, ['PD-4']],
      ]);
      expect(manager.notes[0].body).toMatch(
        new RegExp(
          '^@mgr, 3 items of the PagerDuty access audit for 2026-Q4, ' +
            'owned by your reports, got no answer after two pings',
        ),
      );
      expect(manager.notes[0].body).toContain('Support Ops Managers will be asked in 3 days');
      expect(
        manager.notes[1].body.startsWith(
          '@som-alex @som-bea, 1 item of the PagerDuty access audit for 2026-Q4 is still not addressed',
        ),
      ).toBe(true);
      expect(manager.notes[1].body).toContain('This is the last reminder the bot sends.');
      expectSettled(issue, at('P7D'));

      expect(issue.plan(at('P9DT23H59M')).notes).toEqual([]);
      const som = issue.run(at('P10D'));
      expect(issue.steps(som)).toEqual([['som', null, ['PD-1', 'PD-2', 'PD-3']]]);
      expectSettled(issue, at('P10D'));

      for (const later of ['P11D', 'P60D', 'P400D']) {
        expect(issue.plan(at(later))).toEqual({ needsRecheck: false, notes: [], status: 'open', close: false });
      }
      const pings = [...issue.state().items.values()].map((item) => [item.id, item.pings.map((p) => p.step)]);
      expect(pings).toEqual([
        ['PD-1', ['ping1', 'ping2', 'manager', 'som']],
        ['PD-2', ['ping1', 'ping2', 'manager', 'som']],
        ['PD-3', ['ping1', 'ping2', 'manager', 'som']],
        ['PD-4', ['ping1', 'ping2', 'som']],
        ['PD-5', ['ping1', 'ping2']],
      ]);
    },
  );

  test('one step per run: a run long overdue posts only the next step, timed from when it was posted', () => {
    const issue = new Issue();
    const late = issue.run(at('P30D'));
    expect(new Set(late.notes.map((n) => n.marker.step))).toEqual(new Set(['ping2']));
    expectSettled(issue, at('P30D'));
    expect(issue.plan(at('P33D')).notes).toEqual([]);
    expect(issue.steps(issue.run(at('P34D'))).map(([step]) => step)).toEqual(['manager', 'som']);
  });

  test(
    'unowned findings: ping1 and ping2 go to the Support Ops Managers, ' + 'who are not then escalated to themselves',
    () => {
      const issue = new Issue([finding('u1', null), finding('u2', null)]);
      const ping1 = issue.notes.find((note) => note.body.includes('"step":"ping1"'))!;
      expect(ping1.body.startsWith('@som-alex @som-bea, nobody in the roster owns these 2 PagerDuty items')).toBe(true);
      const ping2 = issue.run(at('PT72H'));
      expect(issue.steps(ping2)).toEqual([['ping2', null, ['PD-1', 'PD-2']]]);
      expect(ping2.notes[0].body).toContain('This is the last reminder the bot sends.');
      expect(issue.plan(at('P7D'))).toEqual({ needsRecheck: false, notes: [], status: 'open', close: false });
      expect(issue.plan(at('P30D')).notes).toEqual([]);
    },
  );

  test(
    'an item a Support Ops Manager owns goes to the other Support Ops Managers at the last step, ' +
      'never to its owner',
    () => {
      const issue = new Issue([finding('s1', 'som-alex')]);
      issue.run(at('PT72H'));
      const last = issue.run(at('P7D'));
      expect(issue.steps(last)).toEqual([['som', null, ['PD-1']]]);
      expect(last.notes[0].body.startsWith('@som-bea, 1 item of the PagerDuty access audit')).toBe(true);
      expect(last.notes[0].body).not.toContain('@som-alex');
    },
  );

  test('durations come from config (PT1H / PT2H / PT3H)', () => {
    const ladder = { second_ping_after: 'PT1H', manager_after: 'PT2H', som_after: 'PT3H' };
    const issue = new Issue(ALICE_ONLY, { ladder });
    expect(issue.notes.at(-1)!.body).toContain('reminded in 1 hour');
    expect(issue.plan(at('PT59M')).notes).toEqual([]);
    const ping2 = issue.run(at('PT1H'));
    expect(issue.steps(ping2)).toEqual([['ping2', 'alice', ['PD-1']]]);
    expect(ping2.notes[0].body).toContain('your manager will be asked in 2 hours');
    expect(issue.plan(at('PT2H59M')).notes).toEqual([]);
    const manager = issue.run(at('PT3H'));
    expect(issue.steps(manager)).toEqual([['manager', 'mgr', ['PD-1']]]);
    expect(manager.notes[0].body).toContain('asked in 3 hours');
    expect(issue.plan(at('PT5H59M')).notes).toEqual([]);
    expect(issue.steps(issue.run(at('PT6H')))).toEqual([['som', null, ['PD-1']]]);
    expect(issue.plan(at('PT100H')).notes).toEqual([]);
  });

  test('a results note without its ping1 (open killed half-way): ping1 is due at once', () => {
    const issue = new Issue(ALICE_ONLY, { pingOnOpen: false });
    expect(issue.plan(at('PT1M')).needsRecheck).toBe(true);
    const plan = issue.run(at('PT1M'));
    expect(issue.steps(plan)).toEqual([['ping1', 'alice', ['PD-1']]]);
    expect(plan.notes[0].body.startsWith('@alice, the PagerDuty access audit for 2026-Q4 needs you on 1 item:')).toBe(
      true,
    );
    expectSettled(issue, at('PT1M'));
    expect(issue.steps(issue.run(at('PT73H1M')))).toEqual([['ping2', 'alice', ['PD-1']]]);
  });

  test('nextDueStep and dueAt follow the last step posted', () => {
    const issue = new Issue(ALICE_ONLY);
    const item = () => issue.state().items.get(fp('a1'))!;
    const input = (now: Date) => ({ now, ladder: DEFAULT_LADDER, managerOf });
    expect(nextDueStep(item(), input(at('PT71H')))).toBeUndefined();
    expect(nextDueStep(item(), input(at('PT72H')))).toBe('ping2');
    expect(dueAt(item(), DEFAULT_LADDER)).toEqual(at('PT72H'));
    expect(nextDueStep(item(), { ...input(at('PT72H')), managerOf: () => null })).toBe('ping2');
    issue.run(at('PT72H'));
    expect(dueAt(item(), DEFAULT_LADDER)).toEqual(at('P7D'));
    expect(nextDueStep(item(), input(at('P7D')))).toBe('manager');
    expect(nextDueStep(item(), { ...input(at('P7D')), managerOf: () => null })).toBe('som');
    issue.run(at('P7D'));
    expect(nextDueStep(item(), input(at('P10D')))).toBe('som');
    issue.run(at('P10D'));
    expect(nextDueStep(item(), input(at('P999D')))).toBeUndefined();
    expect(dueAt(item(), DEFAULT_LADDER)).toBeUndefined();
  });
});

describe('answers and the review', () => {
  test('everything answered after the first ping → one addressed record, then one review request, then nothing', () => {
    const issue = new Issue();
    issue.say('alice', 'PD-1, PD-2 fixed', at('PT1H'));
    issue.say('bob', 'PD-3 intentional: on-call backup for EMEA', at('PT1H'));
    issue.say('carol', 'all fixed', at('PT1H'));
    issue.say('som-alex', 'PD-5 intentional: service account of the status page', at('PT1H'));
    for (const key of ['a1', 'a2', 'c1']) issue.present.delete(fp(key));

    expect(issue.plan(at('PT2H')).needsRecheck).toBe(true);
    const plan = issue.run(at('PT2H'));
    expect(issue.steps(plan)).toEqual([
      ['addressed', null, ['PD-1', 'PD-2', 'PD-3', 'PD-4', 'PD-5']],
      ['review', null, ['PD-1', 'PD-2', 'PD-3', 'PD-4', 'PD-5']],
    ]);
    expect(plan.status).toBe('review');
    expect(plan.close).toBe(false);
    expect(addressedEntries(plan).map((e) => [e.how, e.by])).toEqual([
      ['fixed', 'alice'],
      ['fixed', 'alice'],
      ['intentional', 'bob'],
      ['fixed', 'carol'],
      ['intentional', 'som-alex'],
    ]);
    const [record, review] = plan.notes;
    expect(record.body).toContain(
      '**PD-1** · Subject a1 · fixed per `alice`, confirmed: the PagerDuty check no longer reports it',
    );
    expect(record.body).toContain('**PD-3** · Subject b1 · intentional per `bob`: “on-call backup for EMEA”');
    expect(
      review.body.startsWith(
        '@som-alex @som-bea, every item of the PagerDuty access audit for 2026-Q4 is addressed ' +
          '(5 items). Please review:',
      ),
    ).toBe(true);
    expect(review.body).toContain('Reply `approved`');

    expectSettled(issue, at('PT2H'));
    for (const later of ['P3D', 'P7D', 'P30D'])
      expect(issue.plan(at(later))).toEqual({ needsRecheck: false, notes: [], status: 'review', close: false });
  });

  test('answered after the second ping → review', () => {
    const issue = new Issue(ALICE_ONLY);
    issue.run(at('PT72H'));
    issue.say('alice', 'PD-1 intentional: shared account, see the roster MR', at('P4D'));
    const plan = issue.plan(at('P4DT1H'));
    expect(plan.needsRecheck).toBe(false);
    expect(issue.steps(plan)).toEqual([
      ['addressed', null, ['PD-1']],
      ['review', null, ['PD-1']],
    ]);
    issue.run(at('P4DT1H'));
    expect(issue.plan(at('P7D')).notes).toEqual([]);
  });

  test('answered by the manager after the manager step → review, no SOM ping', () => {
    const issue = new Issue(ALICE_ONLY);
    issue.run(at('PT72H'));
    issue.run(at('P7D'));
    issue.say('mgr', 'PD-1 fixed', at('P8D'));
    issue.present.clear();
    const plan = issue.run(at('P9D'));
    expect(issue.steps(plan)).toEqual([
      ['addressed', null, ['PD-1']],
      ['review', null, ['PD-1']],
    ]);
    expect(plan.notes[0].body).toContain('fixed per `mgr`, confirmed');
    expect(issue.plan(at('P10D')).notes).toEqual([]);
  });

  test('answered by a Support Ops Manager after the SOM step → review', () => {
    const issue = new Issue(ALICE_ONLY);
    issue.run(at('PT72H'));
    issue.run(at('P7D'));
    issue.run(at('P10D'));
    issue.say('som-bea', 'PD-1 intentional: approved exception until Q1', at('P11D'));
    expect(issue.steps(issue.run(at('P12D')))).toEqual([
      ['addressed', null, ['PD-1']],
      ['review', null, ['PD-1']],
    ]);
  });

  test('only intentional claims and nothing due: no re-check needed', () => {
    const issue = new Issue();
    issue.say('alice', 'PD-1 intentional: kept for the migration', at('PT1H'));
    const plan = issue.plan(at('PT2H'));
    expect(plan.needsRecheck).toBe(false);
    expect(issue.steps(plan)).toEqual([['addressed', null, ['PD-1']]]);
    expect(addressedEntries(plan)).toEqual([
      {
        finding: fp('a1'),
        how: 'intentional',
        by: 'alice',
        noteId: expect.any(Number),
        reason: 'kept for the migration',
      },
    ]);
    expect(plan.status).toBe('open');
  });

  test('an intentional claim while a ladder step is due still needs the re-check (for the ping)', () => {
    const issue = new Issue();
    issue.say('alice', 'PD-1 intentional: kept', at('PT1H'));
    expect(issue.plan(at('PT72H')).needsRecheck).toBe(true);
    const plan = issue.run(at('PT72H'));
    expect(issue.steps(plan)).toEqual([
      ['addressed', null, ['PD-1']],
      ['ping2', 'alice', ['PD-2']],
      ['ping2', 'bob', ['PD-3']],
      ['ping2', 'carol', ['PD-4']],
      ['ping2', null, ['PD-5']],
    ]);
  });

  test('a fixed claim needs a re-check; still found → "still found" feedback once, and the ladder goes on', () => {
    const issue = new Issue(ALICE_ONLY);
    const noteId = issue.say('alice', 'PD-1 fixed', at('PT1H'));
    expect(issue.plan(at('PT2H'))).toEqual({ needsRecheck: true, notes: [], status: 'open', close: false });
    const plan = issue.run(at('PT2H'));
    expect(issue.steps(plan)).toEqual([['feedback', 'alice', ['PD-1']]]);
    expect(plan.notes[0].marker.claims).toEqual([claimKey(noteId, fp('a1'))]);
    expect(plan.notes[0].body).toContain('@alice, about your reply:');
    expect(plan.notes[0].body).toContain('**PD-1** is still found in PagerDuty on 2026-11-02 11:00 UTC');
    expect(plan.status).toBe('open');
    expect(issue.state().handledClaims.has(claimKey(noteId, fp('a1')))).toBe(true);
    expectSettled(issue, at('PT2H'));
    expect(issue.plan(at('PT50H')).notes).toEqual([]);
    expect(issue.steps(issue.run(at('PT72H')))).toEqual([['ping2', 'alice', ['PD-1']]]);
  });

  test('a fixed claim, no longer found → recorded fixed per the claimant', () => {
    const issue = new Issue(ALICE_ONLY);
    const noteId = issue.say('alice', 'PD-1 done', at('PT1H'));
    issue.present.clear();
    const plan = issue.run(at('PT2H'));
    expect(addressedEntries(plan)).toEqual([{ finding: fp('a1'), how: 'fixed', by: 'alice', noteId }]);
    expect(issue.state().items.get(fp('a1'))!.addressed).toEqual({
      how: 'fixed',
      by: 'alice',
      reason: undefined,
      at: at('PT2H').toISOString(),
    });
    expectSettled(issue, at('PT2H'));
  });

  test('allow-listed at the re-check → recorded accepted with the exception reason (claimed or not)', () => {
    const issue = new Issue();
    issue.say('alice', 'PD-1 fixed', at('PT1H'));
    issue.accepted.set(fp('a1'), 'Contractor, approved in ticket 42');
    issue.accepted.set(fp('b1'), 'Shared on-call seat');
    const plan = issue.run(at('PT72H'));
    expect(addressedEntries(plan).map((e) => [e.finding, e.how, e.by ?? null, e.reason])).toEqual([
      [fp('a1'), 'accepted', 'alice', 'Contractor, approved in ticket 42'],
      [fp('b1'), 'accepted', null, 'Shared on-call seat'],
    ]);
    expect(plan.notes[0].body).toContain(
      '**PD-1** · Subject a1 · accepted exception from the allow-list: “Contractor, approved in ticket 42”',
    );
    expect(issue.steps(plan).map(([step, who]) => [step, who])).toEqual([
      ['addressed', null],
      ['ping2', 'alice'],
      ['ping2', 'carol'],
      ['ping2', null],
    ]);
    expectSettled(issue, at('PT72H'));
  });

  test('items that vanished without a reply count as gone whenever a re-check happened (due or not)', () => {
    const issue = new Issue();
    issue.say('alice', 'PD-1 fixed', at('PT1H'));
    issue.present.delete(fp('a1'));
    issue.present.delete(fp('c1')); // not due, nobody replied: recorded because the platform was read anyway
    const plan = issue.run(at('PT2H'));
    expect(addressedEntries(plan).map((e) => [e.finding, e.how, e.by ?? null])).toEqual([
      [fp('a1'), 'fixed', 'alice'],
      [fp('c1'), 'gone', null],
    ]);
    expect(plan.notes[0].body).toContain(
      '**PD-4** · Subject c1 · the PagerDuty check no longer reports it (no reply needed)',
    );

    issue.present.delete(fp('b1')); // due at PT72H: recorded instead of pinged
    const due = issue.run(at('PT72H'));
    expect(issue.steps(due)).toEqual([
      ['addressed', null, ['PD-3']],
      ['ping2', 'alice', ['PD-2']],
      ['ping2', null, ['PD-5']],
    ]);
    expect(addressedEntries(due)[0]).toEqual({ finding: fp('b1'), how: 'gone', by: null });
  });

  test('without a re-check, a vanished item is not recorded (nothing asked the platform)', () => {
    const issue = new Issue();
    issue.say('alice', 'PD-1 intentional: kept', at('PT1H'));
    issue.present.delete(fp('b1'));
    const plan = issue.run(at('PT2H'));
    expect(plan.needsRecheck).toBe(false);
    expect(issue.steps(plan)).toEqual([['addressed', null, ['PD-1']]]);
  });

  test('the review lists every item with its outcome, including ones recorded in the same run', () => {
    const issue = new Issue([finding('a1', 'alice'), finding('u1', null)]);
    issue.say('alice', 'PD-1 intentional: kept', at('PT1H'));
    const first = issue.run(at('PT2H'));
    expect(first.status).toBe('open');
    issue.present.delete(fp('u1'));
    const plan = issue.run(at('PT72H'));
    expect(issue.steps(plan)).toEqual([
      ['addressed', null, ['PD-2']],
      ['review', null, ['PD-1', 'PD-2']],
    ]);
    const review = plan.notes[1].body;
    expect(review).toContain('| **PD-1** | Subject a1 | `alice` | intentional per `alice`: “kept” |');
    expect(review).toContain(
      '| **PD-2** | Subject u1 | — | the PagerDuty check no longer reports it (no reply needed) |',
    );
  });

  test('an audit with no findings asks for review at once, once', () => {
    const issue = new Issue([]);
    const plan = issue.run(at('PT1H'));
    expect(issue.steps(plan)).toEqual([['review', null, []]]);
    expect(plan.notes[0].body).toContain('found nothing to address');
    expect(plan.status).toBe('review');
    expectSettled(issue, at('PT1H'));
  });
});

describe('who may answer', () => {
  test('owner, owner’s manager and a Support Ops Manager may answer for an owned item', () => {
    const issue = new Issue();
    issue.say('alice', 'PD-1 intentional: a', at('PT1H'));
    issue.say('mgr', 'PD-2 intentional: b', at('PT1H'));
    issue.say('som-bea', 'PD-3 intentional: c', at('PT1H'));
    issue.say('som-alex', 'PD-5 intentional: d', at('PT1H'));
    const plan = issue.plan(at('PT2H'));
    expect(addressedEntries(plan).map((e) => [issue.ids([e.finding as string])[0], e.by])).toEqual([
      ['PD-1', 'alice'],
      ['PD-2', 'mgr'],
      ['PD-3', 'som-bea'],
      ['PD-5', 'som-alex'],
    ]);
  });

  test('anyone else is told once that the reply was not counted, and the item stays open', () => {
    const issue = new Issue();
    const daveNote = issue.say('dave', 'PD-1 fixed\nPD-5 intentional: mine really', at('PT1H'));
    issue.say('mgr', 'PD-4 fixed', at('PT1H')); // carol has no manager: mgr is nobody to her
    issue.say('alice', 'PD-3 intentional: covering for bob', at('PT1H')); // a colleague is not the owner
    const plan = issue.plan(at('PT2H'));
    expect(plan.needsRecheck).toBe(false);
    expect(issue.steps(plan)).toEqual([
      ['feedback', 'alice', ['PD-3']],
      ['feedback', 'dave', ['PD-1', 'PD-5']],
      ['feedback', 'mgr', ['PD-4']],
    ]);
    const dave = plan.notes[1];
    expect(dave.marker.claims).toEqual([claimKey(daveNote, fp('a1')), claimKey(daveNote, fp('u1'))]);
    expect(dave.body).toContain(
      '**PD-1**: only its owner (`alice`), their manager or a Support Ops Manager can answer for it, ' +
        'so your reply was not counted.',
    );
    expect(dave.body).toContain(
      '**PD-5**: only a Support Ops Manager (nobody in the roster owns it) can answer for it',
    );
    issue.run(at('PT2H'));
    expectSettled(issue, at('PT2H'));
    expect([...issue.state().items.values()].every((item) => !item.addressed)).toBe(true);
    expect(issue.steps(issue.run(at('PT72H'))).map(([step]) => step)).toEqual(['ping2', 'ping2', 'ping2', 'ping2']);
  });

  test('"all fixed" by an owner covers only their own open items', () => {
    const issue = new Issue();
    const note = issue.say('alice', 'all fixed', at('PT1H'));
    issue.present.clear();
    const plan = issue.run(at('PT2H'));
    expect(addressedEntries(plan).filter((e) => e.by !== null)).toEqual([
      { finding: fp('a1'), how: 'fixed', by: 'alice', noteId: note },
      { finding: fp('a2'), how: 'fixed', by: 'alice', noteId: note },
    ]);
    // The rest vanished too, but without a claim: recorded as gone.
    expect(
      addressedEntries(plan)
        .filter((e) => e.by === null)
        .map((e) => e.how),
    ).toEqual(['gone', 'gone', 'gone']);
  });

  test('"all fixed" by a Support Ops Manager covers every open item', () => {
    const issue = new Issue();
    issue.say('som-alex', 'all of mine fixed', at('PT1H'));
    const plan = issue.run(at('PT2H'));
    expect(issue.steps(plan)).toEqual([['feedback', 'som-alex', ['PD-1', 'PD-2', 'PD-3', 'PD-4', 'PD-5']]]);
  });

  test('"all intentional" by an owner records each of their items with the reason', () => {
    const issue = new Issue();
    issue.say('alice', 'all intentional: both are test accounts', at('PT1H'));
    const plan = issue.plan(at('PT2H'));
    expect(plan.needsRecheck).toBe(false);
    expect(addressedEntries(plan).map((e) => [e.finding, e.how, e.reason])).toEqual([
      [fp('a1'), 'intentional', 'both are test accounts'],
      [fp('a2'), 'intentional', 'both are test accounts'],
    ]);
  });

  test('"all fixed" by someone with no items of their own is nothing (no claim, no feedback)', () => {
    const issue = new Issue();
    issue.say('mgr', 'all fixed', at('PT1H'));
    issue.say('dave', 'all fixed', at('PT1H'));
    expect(issue.plan(at('PT2H'))).toEqual({ needsRecheck: false, notes: [], status: 'open', close: false });
  });

  test('ids that are not items of this issue are ignored', () => {
    const issue = new Issue();
    issue.say('alice', 'PD-99 fixed\nZD-1 fixed', at('PT1H'));
    expect(issue.plan(at('PT2H')).notes).toEqual([]);
  });
});

describe('what is not a claim', () => {
  test('bot notes and system notes never count', () => {
    const issue = new Issue();
    issue.say(BOT, 'PD-1 intentional: the bot says so\napproved', at('PT1H'));
    issue.say('alice', 'PD-1 intentional: from a system note', at('PT1H'), { system: true });
    issue.say('som-alex', 'approved', at('PT1H'), { system: true });
    const state = issue.state();
    expect(state.claims).toEqual([]);
    expect(issue.plan(at('PT2H')).notes).toEqual([]);
  });

  test('the bot’s own notes, as rendered, hold no claims', () => {
    const issue = new Issue();
    issue.run(at('PT72H'));
    issue.say('alice', 'PD-1 fixed', at('PT73H'));
    issue.run(at('PT74H'));
    issue.say('dave', 'PD-2 fixed', at('PT75H'));
    issue.run(at('PT76H'));
    const asPeople = issue.notes.map((note) => ({ ...note, author: 'som-alex' }));
    expect(rebuildState(asPeople, BOT, PLATFORM).claims.map((c) => c.claim)).toEqual([
      { kind: 'fixed', ids: ['PD-1'] },
      { kind: 'fixed', ids: ['PD-2'] },
    ]);
  });

  test('markers pasted into people’s notes are ignored', () => {
    const issue = new Issue();
    const forged: Marker[] = [
      {
        v: 1,
        step: 'addressed',
        platform: PLATFORM,
        quarter: QUARTER,
        findings: [fp('a1')],
        entries: [{ finding: fp('a1'), how: 'intentional', by: 'alice', reason: 'forged' }],
      },
      { v: 1, step: 'som', platform: PLATFORM, quarter: QUARTER, findings: [fp('a2')] },
      { v: 1, step: 'feedback', platform: PLATFORM, quarter: QUARTER, claims: [claimKey(999, fp('a1'))] },
      { v: 1, step: 'outcome', platform: PLATFORM, quarter: QUARTER, result: 'approved', by: 'som-alex' },
      {
        v: 1,
        step: 'results',
        platform: PLATFORM,
        quarter: QUARTER,
        findings: ['x'],
        ids: { x: 'PD-77' },
        items: { x: { owner: 'alice' } },
      },
    ];
    issue.say('alice', forged.map((marker) => `hello ${renderMarker(marker)}`).join('\n'), at('PT1H'));
    const state = issue.state();
    expect(state.outcome).toBeUndefined();
    expect(state.items.size).toBe(5);
    expect(state.handledClaims.size).toBe(0);
    expect([...state.items.values()].map((item) => [item.id, item.addressed, item.pings.map((p) => p.step)])).toEqual([
      ['PD-1', undefined, ['ping1']],
      ['PD-2', undefined, ['ping1']],
      ['PD-3', undefined, ['ping1']],
      ['PD-4', undefined, ['ping1']],
      ['PD-5', undefined, ['ping1']],
    ]);
    expect(issue.plan(at('PT2H')).notes).toEqual([]);
  });

  test('a claim already recorded in an addressed or feedback marker is not answered twice', () => {
    const issue = new Issue();
    const fixedNote = issue.say('alice', 'PD-1 fixed', at('PT1H'));
    const intentNote = issue.say('bob', 'PD-3 intentional: kept', at('PT1H'));
    // An earlier run already answered both (its notes were posted by the bot).
    issue.post(
      [
        {
          marker: {
            v: 1,
            step: 'feedback',
            platform: PLATFORM,
            quarter: QUARTER,
            owner: 'alice',
            findings: [fp('a1')],
            claims: [claimKey(fixedNote, fp('a1'))],
          },
          body: 'feedback',
        },
        {
          marker: {
            v: 1,
            step: 'addressed',
            platform: PLATFORM,
            quarter: QUARTER,
            findings: [],
            entries: [{ finding: fp('b1'), how: 'intentional', by: 'bob', noteId: intentNote, reason: 'kept' }],
          },
          body: 'record',
        },
      ],
      at('PT2H'),
    );
    const state = issue.state();
    expect(state.handledClaims).toEqual(new Set([claimKey(fixedNote, fp('a1')), claimKey(intentNote, fp('b1'))]));
    expect(issue.plan(at('PT3H'))).toEqual({ needsRecheck: false, notes: [], status: 'open', close: false });
    // A new reply about the same item is a new claim.
    issue.say('alice', 'PD-1 fixed', at('PT4H'));
    expect(issue.plan(at('PT5H')).needsRecheck).toBe(true);
  });

  test('a note edited after the bot posted something later than it adds no claims', () => {
    const issue = new Issue();
    const id = issue.say('alice', 'PD-1 intentional: kept', at('PT1H'));
    issue.run(at('PT2H'));
    const note = issue.notes.find((n) => n.id === id)!;
    note.body = 'PD-1 intentional: kept\nPD-2 intentional: added later\nall fixed';
    note.updatedAt = at('PT3H').toISOString();
    expect(issue.state().claims).toEqual([]);
    expect(issue.plan(at('PT4H'))).toEqual({ needsRecheck: false, notes: [], status: 'open', close: false });
    expect(issue.state().items.get(fp('a1'))!.addressed?.how).toBe('intentional');
  });

  test('a note edited before the bot posted anything after it counts as edited', () => {
    const issue = new Issue();
    const id = issue.say('alice', 'PD-1 intentional', at('PT1H'));
    const note = issue.notes.find((n) => n.id === id)!;
    note.body = 'PD-1 intentional: forgot the reason';
    note.updatedAt = at('PT1H5M').toISOString();
    expect(addressedEntries(issue.plan(at('PT2H'))).map((e) => e.reason)).toEqual(['forgot the reason']);
  });
});

describe('approval, closing and the end', () => {
  test('a Support Ops Manager’s approval → outcome note and close; then nothing more', () => {
    const issue = new Issue(ALICE_ONLY);
    issue.say('alice', 'PD-1 intentional: kept', at('PT1H'));
    issue.run(at('PT2H'));
    const approval = issue.say('som-bea', 'Approved, thanks', at('PT3H'));
    const plan = issue.plan(at('PT4H'));
    expect(plan).toMatchObject({ needsRecheck: false, status: 'done', close: true });
    expect(issue.steps(plan)).toEqual([['outcome', null, []]]);
    expect(plan.notes[0].marker).toMatchObject({ result: 'approved', by: 'som-bea', noteId: approval });
    expect(plan.notes[0].body).toBe(
      'Review approved by `som-bea` on 2026-11-02 13:00 UTC. The audit is complete; closing the issue.',
    );

    // Posted but the close failed: the next run closes again, without a second note.
    issue.post(plan.notes, at('PT4H'));
    expect(issue.plan(at('PT5H'))).toEqual({ needsRecheck: false, notes: [], status: 'done', close: true });
    issue.open = false;
    issue.closedBy = BOT;
    expect(issue.plan(at('PT5H'))).toEqual({ needsRecheck: false, notes: [], status: 'done', close: false });
  });

  test('approval by anyone who is not a Support Ops Manager is ignored', () => {
    const issue = new Issue(ALICE_ONLY);
    issue.say('alice', 'PD-1 intentional: kept', at('PT1H'));
    issue.run(at('PT2H'));
    issue.say('alice', 'approved', at('PT3H'));
    issue.say('mgr', 'LGTM', at('PT3H'));
    issue.say('som-alex', '> approved', at('PT3H'));
    expect(issue.plan(at('PT4H'))).toEqual({ needsRecheck: false, notes: [], status: 'review', close: false });
  });

  test(
    'an approval before the review request does not end the audit ("LGTM, thanks" in passing), ' +
      'nor does one the request no longer covers',
    () => {
      const issue = new Issue(ALICE_ONLY);
      issue.say('som-alex', 'LGTM, thanks Alice', at('PT1H'));
      issue.say('som-bea', 'approved', at('PT1H'));
      const early = issue.run(at('PT2H'));
      expect(early).toMatchObject({ status: 'open', close: false });
      expect(early.notes.map((note) => note.marker.step)).not.toContain('outcome');

      issue.say('alice', 'PD-1 intentional: kept', at('PT3H'));
      expect(issue.run(at('PT4H')).notes.map((note) => note.marker.step)).toEqual(['addressed', 'review']);
      // The early approvals were written before the request: still no outcome.
      expect(issue.plan(at('PT5H'))).toEqual({ needsRecheck: false, notes: [], status: 'review', close: false });
      issue.say('som-bea', 'approved', at('PT6H'));
      const approved = issue.plan(at('PT7H'));
      expect(approved).toMatchObject({ status: 'done', close: true });
      expect(approved.notes[0].marker).toMatchObject({ step: 'outcome', result: 'approved', by: 'som-bea' });
    },
  );

  test('superseded by a later quarter\'s issue → outcome "superseded" and close, before any due ping; once', () => {
    const issue = new Issue();
    const next = { iid: 7, quarter: '2027-Q1' };
    const plan = planFollowup(issue.input(at('P40D'), { supersededBy: next }));
    expect(plan).toMatchObject({ needsRecheck: false, status: 'done', close: true });
    expect(issue.steps(plan)).toEqual([['outcome', null, []]]);
    expect(plan.notes[0].marker).toMatchObject({ result: 'superseded', by: null, next: 7 });
    expect(plan.notes[0].body).toContain('5 items had no recorded answer at that point:');
    issue.post(plan.notes, at('P40D'));
    // Posted but the close failed: closed on the next run, with no second note.
    expect(planFollowup(issue.input(at('P40DT1H'), { supersededBy: next }))).toEqual({
      needsRecheck: false,
      notes: [],
      status: 'done',
      close: true,
    });

    // An answer given in the last days is recorded before the outcome, which no longer lists it.
    const answering = new Issue();
    answering.say('alice', 'PD-1 intentional: kept on purpose', at('P39D'));
    const recorded = planFollowup(answering.input(at('P40D'), { supersededBy: next }));
    expect(answering.steps(recorded).map(([step]) => step)).toEqual(['addressed', 'outcome']);
    expect(recorded.notes[1].body).toContain('4 items had no recorded answer at that point:');
    expect(recorded.notes[1].body).not.toContain('**PD-1**');

    // Every item answered: it pings nobody and awaits its review, so it stays.
    const answered = new Issue(ALICE_ONLY);
    answered.say('alice', 'PD-1 intentional: kept', at('PT1H'));
    answered.run(at('PT2H'));
    expect(planFollowup(answered.input(at('P40D'), { supersededBy: next }))).toEqual({
      needsRecheck: false,
      notes: [],
      status: 'review',
      close: false,
    });
  });

  test('closed by a person → outcome "closed" recorded once, then nothing', () => {
    const issue = new Issue();
    issue.say('alice', 'PD-1 intentional: kept', at('PT1H'));
    issue.open = false;
    issue.closedBy = 'som-alex';
    const plan = issue.plan(at('PT72H'));
    expect(plan).toMatchObject({ needsRecheck: false, status: 'done', close: false });
    expect(issue.steps(plan)).toEqual([['outcome', null, []]]);
    expect(plan.notes[0].marker).toMatchObject({ result: 'closed', by: 'som-alex' });
    expect(
      plan.notes[0].body.startsWith(
        'Issue closed by `som-alex`; recorded on 2026-11-05 09:00 UTC. The bot stops following up.',
      ),
    ).toBe(true);
    expect(plan.notes[0].body).toContain('5 items had no recorded answer');
    issue.post(plan.notes, at('PT72H'));
    expect(issue.state().outcome).toEqual({ result: 'closed', by: 'som-alex', at: at('PT72H').toISOString() });
    expectSettled(issue, at('PT72H'));
    expect(issue.plan(at('P30D')).notes).toEqual([]);
  });

  test('after an outcome nothing is planned: no pings, no answers, no review, even if reopened', () => {
    const issue = new Issue(ALICE_ONLY);
    issue.say('alice', 'PD-1 intentional: kept', at('PT30M'));
    issue.run(at('PT1H'));
    issue.say('som-alex', 'approved', at('PT1H30M'));
    issue.run(at('PT2H'));
    expect(issue.state().outcome).toMatchObject({ result: 'approved', by: 'som-alex' });
    issue.open = true; // reopened by hand
    issue.say('alice', 'PD-1 fixed', at('P1D'));
    issue.say('dave', 'PD-2 fixed', at('P1D'));
    for (const later of ['P1DT1H', 'P7D', 'P30D']) {
      expect(issue.plan(at(later))).toEqual({ needsRecheck: false, notes: [], status: 'done', close: true });
    }
    issue.open = false;
    expect(issue.plan(at('P30D'))).toEqual({ needsRecheck: false, notes: [], status: 'done', close: false });
  });
});

describe('idempotence', () => {
  test(
    'applying a plan’s notes and planning again at the same instant gives an empty plan, ' +
      'at every step of a busy timeline',
    () => {
      const issue = new Issue();
      const script: [string, () => void][] = [
        ['PT1H', () => issue.say('dave', 'PD-1 fixed', at('PT30M'))],
        ['PT2H', () => issue.say('bob', 'PD-3 fixed', at('PT90M'))],
        ['PT72H', () => issue.present.delete(fp('c1'))],
        [
          'P4D',
          () => {
            issue.say('alice', 'PD-2 intentional: kept', at('P3D'));
            issue.say('som-alex', 'PD-5 fixed', at('P3D'));
          },
        ],
        ['P7D', () => undefined],
        ['P10D', () => issue.present.clear()],
        ['P11D', () => issue.say('som-bea', 'approved', at('P10DT1H'))],
      ];
      const posted: string[] = [];
      for (const [when, before] of script) {
        before();
        const plan = issue.run(at(when));
        posted.push(...plan.notes.map((note) => note.marker.step));
        expectSettled(issue, at(when));
      }
      expect(posted).toEqual([
        'feedback', // dave, not allowed
        'feedback', // bob, still found
        'addressed', // PD-4 gone
        'ping2',
        'ping2',
        'ping2', // alice (PD-1, PD-2), bob, the SOMs (PD-5)
        'addressed', // PD-2 intentional
        'feedback', // som-alex, PD-5 still found
        'manager', // mgr for PD-1, PD-3 (PD-5 is unowned: the Support Ops Managers are not escalated to themselves)
        'addressed', // everything vanished
        'review',
        'outcome',
      ]);
      expect(issue.open).toBe(false);
    },
  );

  test('rebuilding from the same notes twice gives the same state and the same plan', () => {
    const issue = new Issue();
    issue.say('alice', 'PD-1 fixed\nPD-2 intentional: x', at('PT1H'));
    const a = issue.planChecked(at('PT72H'));
    const b = issue.planChecked(at('PT72H'));
    expect(b).toEqual(a);
  });
});

describe('defects found and fixed', () => {
  // followup-plan.ts step 1: the "all" branch targets every open item of the author at plan
  // time, so an old "all fixed" also claims items that `open` listed after the reply was written.
  test('"all fixed" covers only the items listed when it was written, not findings added later', () => {
    const issue = new Issue(ALICE_ONLY);
    issue.say('alice', 'all fixed', at('PT1H'));
    issue.present.clear();
    issue.run(at('PT2H')); // PD-1 recorded fixed, review requested
    issue.openAudit([finding('a1', 'alice'), finding('a9', 'alice')], at('P1D')); // a re-run of open lists PD-2
    expect(issue.ids([fp('a9')])).toEqual(['PD-2']);
    const plan = issue.run(at('P1DT1H'));
    // Actual: feedback to alice "PD-2 is still found … reply `PD-2 fixed` again" about a reply she never made.
    expect(issue.steps(plan)).toEqual([]);
  });

  // followup-plan.ts step 1: a second claim on an item already decided in this run is pushed to
  // `laterClaims` and marked handled by the "still found" feedback, so an intentional answer that
  // follows a fixed one (before the nightly run) is swallowed and the owner is told to reply again.
  test('"PD-1 fixed" then "PD-1 intentional: …" before the run: the intentional answer is recorded', () => {
    const issue = new Issue(ALICE_ONLY);
    issue.say('alice', 'PD-1 fixed', at('PT1H'));
    issue.say('alice', 'PD-1 intentional: actually a contractor, kept until March', at('PT2H'));
    const plan = issue.run(at('PT3H'));
    expect(addressedEntries(plan).map((e) => [e.how, e.reason])).toEqual([
      ['intentional', 'actually a contractor, kept until March'],
    ]);
  });

  // Decided: a refuted "fixed" does not stop the ladder, so the due step goes out in the same
  // run as the answer; a re-run at the same instant then has nothing left to post.
  test(
    'a refuted fixed claim on an item whose step is due: the answer and the due step in one run, ' +
      'then nothing more',
    () => {
      const issue = new Issue(ALICE_ONLY);
      issue.say('alice', 'PD-1 fixed', at('PT71H'));
      const first = issue.run(at('PT72H'));
      expect(issue.steps(first)).toEqual([
        ['feedback', 'alice', ['PD-1']],
        ['ping2', 'alice', ['PD-1']],
      ]);
      expectSettled(issue, at('PT72H'));
    },
  );
});

describe('one comment costs one bounded answer (issue #18)', () => {
  const repeat = (line: string, times: number) => Array(times).fill(line).join('\n');
  const linesNaming = (body: string, id: string) =>
    body.split('\n').filter((line) => line.includes(`**${id}**`)).length;
  const size = (note: PlannedNote) => utf8Length(noteText(note.body, note.marker));

  test('"PD-1 fixed" 10,000 times from someone with no say, and again in another note: one line, once', () => {
    const issue = new Issue();
    const first = issue.say('dave', repeat('PD-1 fixed', 10_000), at('PT1H'));
    const second = issue.say('dave', repeat('- PD-1 done', 10_000), at('PT1H30M'));
    expect(issue.state().claims).toHaveLength(2);
    const plan = issue.plan(at('PT2H'));
    expect(issue.steps(plan)).toEqual([['feedback', 'dave', ['PD-1']]]);
    const [dave] = plan.notes;
    expect(linesNaming(dave.body, 'PD-1')).toBe(1);
    expect(dave.body.length).toBeLessThan(300);
    // The one line answers both notes: neither is answered again.
    expect(dave.marker.claims).toEqual([claimKey(first, fp('a1')), claimKey(second, fp('a1'))]);
    issue.run(at('PT2H'));
    expectSettled(issue, at('PT2H'));
  });

  test('from the owner, in three notes: one "still found" line, and the ladder goes on', () => {
    const issue = new Issue();
    const notes = [1, 2, 3].map((hour) => issue.say('alice', repeat('PD-1 fixed', 10_000), at(`PT${hour}H`)));
    const plan = issue.run(at('PT4H'));
    expect(issue.steps(plan)).toEqual([['feedback', 'alice', ['PD-1']]]);
    expect(linesNaming(plan.notes[0].body, 'PD-1')).toBe(1);
    expect([...(plan.notes[0].marker.claims as string[])].sort()).toEqual(
      notes.map((note) => claimKey(note, fp('a1'))).sort(),
    );
    expectSettled(issue, at('PT4H'));
    expect(issue.steps(issue.run(at('PT72H')))).toEqual([
      ['ping2', 'alice', ['PD-1', 'PD-2']],
      ['ping2', 'bob', ['PD-3']],
      ['ping2', 'carol', ['PD-4']],
      ['ping2', null, ['PD-5']],
    ]);
  });

  test('the same unreadable mention in several notes of one author: one hint, every note recorded', () => {
    const issue = new Issue();
    const notes = [1, 2].map((hour) =>
      issue.say('alice', repeat('I think PD-1 is sorted now', 5_000), at(`PT${hour}H`)),
    );
    const plan = issue.plan(at('PT3H'));
    expect(issue.steps(plan)).toEqual([['feedback', 'alice', ['PD-1']]]);
    expect(linesNaming(plan.notes[0].body, 'PD-1')).toBe(1);
    expect(plan.notes[0].marker.claims).toEqual(notes.map((note) => `unreadable:${note}`));
    issue.run(at('PT3H'));
    expectSettled(issue, at('PT3H'));
  });

  test(
    '"all" repeated is one claim; of distinct "all" claims in one note the last counts; "approved" ' +
      'repeated is one claim',
    () => {
      const issue = new Issue();
      issue.say('alice', repeat('all fixed', 10_000), at('PT1H'));
      issue.say(
        'alice',
        Array.from({ length: 40 }, (_, i) => `all intentional: reason ${i + 1}`).join('\n'),
        at('PT2H'),
      );
      issue.say('som-alex', repeat('approved', 10_000), at('PT2H'));
      expect(issue.state().claims).toHaveLength(1 + 40 + 1);
      const plan = issue.plan(at('PT3H'));
      expect(addressedEntries(plan).map((e) => [issue.ids([e.finding as string])[0], e.reason])).toEqual([
        ['PD-1', 'reason 40'],
        ['PD-2', 'reason 40'],
      ]);
    },
  );

  test('a reply read only in part says so once, with what was read', () => {
    const issue = new Issue();
    const many = issue.say(
      'alice',
      Array.from({ length: 60 }, (_, i) => `PD-1 intentional: reason ${i + 1}`).join('\n'),
      at('PT1H'),
    );
    const long = issue.say('alice', `PD-2 fixed ${'and more '.repeat(REPLY_LIMITS.lineLength)}`, at('PT1H'));
    const plan = issue.plan(at('PT2H'));
    expect(addressedEntries(plan).map((e) => [issue.ids([e.finding as string])[0], e.reason])).toEqual([
      ['PD-1', `reason ${REPLY_LIMITS.instructions}`],
    ]);
    const answer = plan.notes.find((note) => note.marker.step === 'feedback')!;
    expect(issue.ids(answer.marker.findings)).toEqual(['PD-2']);
    expect(answer.body).toContain('**PD-2**: your reply names it, but the bot could not read an answer in it.');
    expect(answer.body.match(/Your reply was longer than the bot reads/g)).toHaveLength(1);
    expect(answer.body).toContain(`at most ${REPLY_LIMITS.instructions} different instructions per reply`);
    expect(answer.marker.claims).toEqual([`unreadable:${long}`, `cut:${many}`, `cut:${long}`]);
    issue.run(at('PT2H'));
    expectSettled(issue, at('PT2H'));
  });

  test(
    'an answer stays under FEEDBACK_BUDGET: the first items line by line, the rest by id, ' +
      'what does not fit the next night',
    () => {
      const findings = Array.from({ length: 3_000 }, (_, i) => finding(`k${String(i).padStart(4, '0')}`, null));
      const issue = new Issue(findings);
      issue.say('som-alex', repeat('all fixed', 1_000), at('PT1H'));
      const answered = new Set<string>();
      const nights: number[] = [];
      for (const hour of [2, 3, 4, 5]) {
        const plan = issue.run(at(`PT${hour}H`));
        const answers = plan.notes.filter((note) => note.marker.step === 'feedback');
        if (answers.length === 0) break;
        expect(answers).toHaveLength(1);
        const [answer] = answers;
        expect(size(answer)).toBeLessThanOrEqual(FEEDBACK_BUDGET);
        expect(answer.body.split('\n').filter((line) => line.includes('is still found in PagerDuty'))).toHaveLength(
          Math.min(FEEDBACK_LINES, answer.marker.findings!.length),
        );
        for (const f of answer.marker.findings!) {
          expect(answered.has(f)).toBe(false);
          answered.add(f);
        }
        nights.push(answer.marker.findings!.length);
      }
      // More than one night's answer, each a share; every item answered once; then nothing more.
      expect(nights.length).toBeGreaterThan(1);
      expect(answered.size).toBe(3_000);
      expectSettled(issue, at('PT6H'));
    },
  );
});
