import type { LadderDurations } from '../../src/config/types.js';
import { BOARD, renderBoard, withBoard } from '../../src/domain/board.js';
import { botNotes } from '../../src/domain/bot-notes.js';
import {
  checkpointIn,
  checkPageSize,
  settleCheckpoint,
  standingCheckpoint,
  unchangedSince,
  withCheckpoint,
  type Checkpoint,
  type Rules,
} from '../../src/domain/checkpoint.js';
import { planFollowup, type AuditStatus, type Recheck } from '../../src/domain/followup-plan.js';
import { rebuildState } from '../../src/domain/followup-state.js';
import { planOpen, type PlannedNote } from '../../src/domain/open-plan.js';
import { noteText } from '../../src/domain/render.js';
import type { Finding } from '../../src/domain/types.js';
import type { TrackedNote } from '../../src/gitlab/tracker.js';

const BOT = 'audit-bot';
const PLATFORM = 'pagerduty';
const T0 = Date.parse('2026-11-02T09:00:00.000Z');
const HOUR = 3_600_000;
const LADDER: LadderDurations = { second_ping_after: 'PT72H', manager_after: 'P4D', som_after: 'PT72H' };
const STATUS_LABELS: Record<AuditStatus, string> = {
  open: 'audit-status::open',
  review: 'audit-status::review',
  done: 'audit-status::done',
};
const MANAGERS: Record<string, string | null> = { alice: 'mgr', bob: 'mgr', carol: null };
const RULES: Rules = {
  ladder: LADDER,
  supportOpsManagers: ['som'],
  managerOf: (username) => MANAGERS[username] ?? null,
};
const OWNERS = ['alice', 'bob', 'carol', null] as const;

const finding = (key: string, owner: string | null): Finding => ({
  platform: PLATFORM,
  kind: 'user-not-in-roster',
  fingerprint: `${PLATFORM}:user-not-in-roster:${key}`,
  owner,
  subject: `Subject ${key}`,
  detail: `Detail ${key}`,
});

/** A seeded pseudo-random generator (mulberry32), so every run of the test sees the same lives. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An audit issue as GitLab would hold it, run night after night by the same steps as `followup`. */
class Issue {
  notes: TrackedNote[] = [];
  description = 'Audit.\n';
  labels = ['audit', STATUS_LABELS.open];
  present = new Set<string>();
  private nextId = 1;

  constructor(findings: Finding[], now: number) {
    const planned = planOpen({
      result: { platform: PLATFORM, findings, stats: { requests: 1, itemsRead: {} } },
      accepted: [],
      findings,
      quarter: '2026-Q4',
      existing: botNotes(this.notes, BOT, PLATFORM),
      supportOpsManagers: RULES.supportOpsManagers,
      secondPingAfter: LADDER.second_ping_after,
      now: new Date(now),
    });
    for (const f of findings) this.present.add(f.fingerprint);
    this.settle([], this.post(planned, now), 'open', new Date(now));
  }

  add(author: string, body: string, at: number): TrackedNote {
    const iso = new Date(at).toISOString();
    const note = { id: this.nextId++, author, body, system: false, createdAt: iso, updatedAt: iso };
    this.notes.push(note);
    return note;
  }

  post(planned: PlannedNote[], at: number): TrackedNote[] {
    return planned.map((note) => this.add(BOT, noteText(note.body, note.marker), at));
  }

  /** One nightly run the slow way (read everything): returns true when it posted something. */
  night(now: number): boolean {
    const read = [...this.notes];
    const state = rebuildState(read, BOT, PLATFORM);
    const input = {
      state,
      issue: { open: true, closedBy: null },
      now: new Date(now),
      ladder: LADDER,
      supportOpsManagers: RULES.supportOpsManagers,
      managerOf: RULES.managerOf,
    };
    let plan = planFollowup(input);
    if (plan.needsRecheck) {
      const recheck: Recheck = { at: new Date(now), present: new Set(this.present), accepted: new Map() };
      plan = planFollowup({ ...input, recheck });
    }
    const posted = this.post(plan.notes, now);
    this.settle(read, posted, plan.status, new Date(now));
    return posted.length > 0;
  }

  private settle(read: TrackedNote[], posted: TrackedNote[], status: AuditStatus, now: Date): void {
    const state = rebuildState([...read, ...posted], BOT, PLATFORM);
    const board = renderBoard({ state, ladder: LADDER, managerOf: RULES.managerOf, status });
    const checkpoint = settleCheckpoint({
      notes: read,
      posted,
      state,
      status,
      now,
      rules: RULES,
      previous: checkpointIn(this.description, BOARD)?.checkpoint,
    });
    this.description = withBoard(this.description, withCheckpoint(board, checkpoint));
    this.labels = ['audit', STATUS_LABELS[status]];
  }

  /** What the fast path decides at `now`: quiet (one read) or read everything. */
  quiet(now: number, rules = RULES): boolean {
    const checkpoint = standingCheckpoint(
      { state: 'opened', description: this.description, labels: this.labels },
      BOARD,
      STATUS_LABELS,
      rules,
      new Date(now),
    );
    if (!checkpoint) return false;
    const newest = [...this.notes].sort((a, b) =>
      a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : b.id - a.id,
    );
    return unchangedSince(checkpoint, newest.slice(0, checkPageSize(checkpoint)));
  }

  /** Whether a full run at `now` would do anything (post a note or change the board or labels). */
  wouldAct(now: number): boolean {
    const copy = Object.assign(Object.create(Issue.prototype) as Issue, {
      ...this,
      notes: [...this.notes],
      present: new Set(this.present),
    });
    const before = copy.description + copy.labels.join();
    return copy.night(now) || copy.description + copy.labels.join() !== before;
  }
}

const findings = (rand: () => number) =>
  Array.from({ length: 1 + Math.floor(rand() * 6) }, (_, i) =>
    finding(`k${i}`, OWNERS[Math.floor(rand() * OWNERS.length)]),
  );

describe('the checkpoint: a quiet night costs one read', () => {
  test('open leaves a checkpoint due at the second ping; quiet until then, not at it', () => {
    const issue = new Issue([finding('a', 'alice'), finding('b', null)], T0);
    const { checkpoint } = checkpointIn(issue.description, BOARD)!;
    expect(checkpoint).toEqual(
      expect.objectContaining({
        status: 'open',
        due: new Date(T0 + 72 * HOUR).toISOString(),
        owners: ['alice'],
        items: 2,
        open: 2,
      }),
    );
    expect(checkpoint.recent).toHaveLength(3); // results note, two pings
    expect(issue.quiet(T0 + 71 * HOUR)).toBe(true);
    expect(issue.quiet(T0 + 72 * HOUR)).toBe(false);
  });

  test('a new note, an edited note, an edited board, a changed label or rule each mean reading everything', () => {
    const base = new Issue([finding('a', 'alice')], T0);
    const at = T0 + HOUR;
    expect(base.quiet(at)).toBe(true);

    const replied = Object.assign(new Issue([finding('a', 'alice')], T0), {});
    replied.add('alice', 'thanks, looking', T0 + 30 * 60_000);
    expect(replied.quiet(at)).toBe(false);

    const edited = new Issue([finding('a', 'alice')], T0);
    edited.notes[0] = {
      ...edited.notes[0],
      body: `${edited.notes[0].body} (edited)`,
      updatedAt: new Date(T0 + 60_000).toISOString(),
    };
    expect(edited.quiet(at)).toBe(false);

    // An emoji reaction moves updated_at but not the body: still quiet.
    const reacted = new Issue([finding('a', 'alice')], T0);
    reacted.notes[0] = { ...reacted.notes[0], updatedAt: new Date(T0 + 60_000).toISOString() };
    expect(reacted.quiet(at)).toBe(true);

    const board = new Issue([finding('a', 'alice')], T0);
    board.description = board.description.replace('first ping', 'done');
    expect(board.quiet(at)).toBe(false);

    const label = new Issue([finding('a', 'alice')], T0);
    label.labels = ['audit', STATUS_LABELS.review];
    expect(label.quiet(at)).toBe(false);

    expect(base.quiet(at, { ...RULES, managerOf: (username) => (username === 'alice' ? 'new-manager' : null) })).toBe(
      false,
    );
    expect(base.quiet(at, { ...RULES, ladder: { ...LADDER, second_ping_after: 'PT24H' } })).toBe(false);
    expect(base.quiet(at, { ...RULES, supportOpsManagers: ['someone-else'] })).toBe(false);
    // A roster change for someone with no open item here changes nothing.
    expect(
      base.quiet(at, {
        ...RULES,
        managerOf: (username) => (username === 'bob' ? 'new-manager' : RULES.managerOf(username)),
      }),
    ).toBe(true);
  });

  test('a reply that lands while the bot posts is not hidden by the bot notes that come after it', () => {
    const issue = new Issue([finding('a', 'alice')], T0);
    const read = [...issue.notes];
    // The night the second ping is due: alice answers between the bot's read and its post.
    const now = T0 + 72 * HOUR;
    issue.add('alice', 'PD-1 fixed', now);
    const state = rebuildState(read, BOT, PLATFORM);
    const plan = planFollowup({
      state,
      issue: { open: true, closedBy: null },
      now: new Date(now),
      ladder: LADDER,
      supportOpsManagers: ['som'],
      managerOf: RULES.managerOf,
      recheck: { at: new Date(now), present: issue.present, accepted: new Map() },
    });
    const posted = issue.post(plan.notes, now + 1000);
    const after = rebuildState([...read, ...posted], BOT, PLATFORM);
    const checkpoint = settleCheckpoint({
      notes: read,
      posted,
      state: after,
      status: plan.status,
      now: new Date(now),
      rules: RULES,
    });
    issue.description = withBoard(
      issue.description,
      withCheckpoint(
        renderBoard({ state: after, ladder: LADDER, managerOf: RULES.managerOf, status: plan.status }),
        checkpoint,
      ),
    );
    expect(checkpoint).toBeDefined();
    expect(issue.quiet(now + HOUR)).toBe(false);
  });

  test('notes dated seconds after the run: the checkpoint is due with the next step, from the run’s time (#17)', () => {
    // GitLab dates each note 4 s after the run that posts it started.
    class LateIssue extends Issue {
      override post(planned: PlannedNote[], at: number): TrackedNote[] {
        return super.post(planned, at + 4_000);
      }
    }
    const issue = new LateIssue([finding('a', 'alice')], T0);
    const due = () => checkpointIn(issue.description, BOARD)!.checkpoint.due;
    expect(due()).toBe(new Date(T0 + 72 * HOUR).toISOString());
    expect(issue.quiet(T0 + 72 * HOUR - 1)).toBe(true);
    expect(issue.quiet(T0 + 72 * HOUR)).toBe(false);
    expect(issue.night(T0 + 72 * HOUR)).toBe(true);
    // The manager step: 4 days after the night's run, whatever second GitLab dated the ping.
    expect(due()).toBe(new Date(T0 + (72 + 96) * HOUR).toISOString());
    expect(issue.quiet(T0 + (72 + 96) * HOUR - 1)).toBe(true);
    expect(issue.quiet(T0 + (72 + 96) * HOUR)).toBe(false);
    // A re-run the same night finds nothing due, and leaves the checkpoint as it is.
    expect(issue.night(T0 + 72 * HOUR + HOUR)).toBe(false);
    expect(due()).toBe(new Date(T0 + (72 + 96) * HOUR).toISOString());
  });

  test('no checkpoint while the planner would still act, nor for notes a dry run only pretends to post', () => {
    const issue = new Issue([finding('a', 'alice')], T0);
    const state = rebuildState(issue.notes, BOT, PLATFORM);
    const unanswered = issue.add('alice', 'PD-1 intentional: service account', T0 + HOUR);
    const withClaim = rebuildState(issue.notes, BOT, PLATFORM);
    expect(
      settleCheckpoint({
        notes: issue.notes,
        posted: [],
        state: withClaim,
        status: 'open',
        now: new Date(T0 + 2 * HOUR),
        rules: RULES,
      }),
    ).toBeUndefined();
    const pretend = { ...unanswered, id: -1 };
    expect(
      settleCheckpoint({
        notes: issue.notes,
        posted: [pretend],
        state,
        status: 'open',
        now: new Date(T0 + 2 * HOUR),
        rules: RULES,
      }),
    ).toBeUndefined();
  });

  test('after an open that posted more notes than one page holds, the next full run names only the newest', () => {
    // One first ping per owner: 120 owners, 121 notes.
    const issue = new Issue(
      Array.from({ length: 120 }, (_, i) => finding(`m${i}`, `owner${i}`)),
      T0,
    );
    expect(checkpointIn(issue.description, BOARD)!.checkpoint.recent.length).toBeGreaterThan(100);
    expect(issue.quiet(T0 + HOUR)).toBe(false);
    issue.night(T0 + HOUR);
    expect(checkpointIn(issue.description, BOARD)!.checkpoint.recent).toHaveLength(1);
    expect(issue.quiet(T0 + 2 * HOUR)).toBe(true);
  });

  test("an edited checkpoint is not trusted: a `due` moved away, or the whole resealed without the bot's key", () => {
    const issue = new Issue([finding('a', 'alice')], T0);
    const found = checkpointIn(issue.description, BOARD)!;
    const fields: Omit<Checkpoint, 'board'> & { board?: string } = { ...found.checkpoint };
    delete fields.board;
    const boardText = found.section.replace(/<!-- audit-bot:checkpoint .*-->\n/, '');
    const keyed: Rules = { ...RULES, sealKey: 'known-to-the-bot-only' };
    const sealed = (checkpoint: typeof fields, key: string) =>
      issue.description.replace(found.section, withCheckpoint(boardText, checkpoint, key));
    const standing = (description: string) =>
      standingCheckpoint(
        { state: 'opened', description, labels: issue.labels },
        BOARD,
        STATUS_LABELS,
        keyed,
        new Date(T0 + HOUR),
      );
    expect(standing(sealed(fields, 'known-to-the-bot-only'))).toBeDefined();
    // Nothing would ever fall due: the nightly run would stay away from the issue.
    expect(standing(sealed(fields, 'known-to-the-bot-only').replace(/"due":"[^"]*"/, '"due":null'))).toBeUndefined();
    expect(standing(sealed({ ...fields, due: null }, 'a-guess'))).toBeUndefined();
    expect(standing(sealed({ ...fields, due: null }, ''))).toBeUndefined();
    expect(standing(sealed({ ...fields, open: 0 }, 'a-guess'))).toBeUndefined();
  });

  test('a damaged or foreign checkpoint is ignored', () => {
    const issue = new Issue([finding('a', 'alice')], T0);
    const damaged = issue.description.replace('"v":1', '"v":"1"');
    expect(checkpointIn(damaged, BOARD)).toBeUndefined();
    const withoutCheckpoint = issue.description.replace(/<!-- audit-bot:checkpoint .*-->\n/, '');
    const outside = `<!-- audit-bot:checkpoint {"v":1} -->\n${withoutCheckpoint}`;
    expect(checkpointIn(outside, BOARD)).toBeUndefined();
    expect(
      standingCheckpoint(
        { state: 'closed', description: issue.description, labels: issue.labels },
        BOARD,
        STATUS_LABELS,
        RULES,
        new Date(T0),
      ),
    ).toBeUndefined();
  });

  test('random quarters: whenever the fast path says quiet, a full run would have done nothing', () => {
    let quietNights = 0;
    let fullNights = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const rand = random(seed);
      const issue = new Issue(findings(rand), T0);
      const people = ['alice', 'bob', 'carol', 'mgr', 'som'];
      for (let night = 1; night <= 30; night++) {
        const now = T0 + night * 24 * HOUR + Math.floor(rand() * 6 * HOUR);
        // People write now and then: chat, answers for some or all, edits.
        const roll = rand();
        const when = now - Math.floor(rand() * 20 * HOUR);
        const who = people[Math.floor(rand() * people.length)];
        if (roll < 0.12) issue.add(who, 'thanks, on it', when);
        else if (roll < 0.2) issue.add(who, `PD-${1 + Math.floor(rand() * 6)} fixed`, when);
        else if (roll < 0.26) issue.add(who, 'all intentional: reviewed', when);
        else if (roll < 0.3) issue.add('som', 'approved', when);
        else if (roll < 0.34 && issue.notes.length > 0) {
          const index = Math.floor(rand() * issue.notes.length);
          issue.notes[index] = { ...issue.notes[index], updatedAt: new Date(when).toISOString() };
        }
        if (rand() < 0.15)
          for (const fingerprint of [...issue.present]) if (rand() < 0.5) issue.present.delete(fingerprint);
        if (issue.quiet(now)) {
          quietNights += 1;
          expect({ seed, night, acts: issue.wouldAct(now) }).toEqual({ seed, night, acts: false });
        } else {
          fullNights += 1;
          issue.night(now);
        }
      }
    }
    // Both paths were exercised, many times.
    expect(quietNights).toBeGreaterThan(300);
    expect(fullNights).toBeGreaterThan(300);
  });
});
