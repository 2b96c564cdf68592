import type { LadderDurations } from '../../src/config/types.js';
import type { Claim, IssueState, ItemState, PlannedNote } from '../../src/domain/audit-types.js';
import { answerUnreadable, readAnswers } from '../../src/domain/followup-answers.js';
import type { FollowupInput } from '../../src/domain/followup-input.js';
import { rebuildState } from '../../src/domain/followup-state.js';
import { cutReplies, everyItemAnswered, withSeen } from '../../src/domain/followup-notes.js';
import { findApproval, respondToClose } from '../../src/domain/followup-plan.js';
import {
  dueSteps,
  recheckNeeded,
  recordVanished,
  resolveFixedClaims,
  reviveReturned,
  takeDueSteps,
} from '../../src/domain/followup-recheck.js';

// Each step of planFollowup on a hand-made state: no notes, no markers, no rendering to go through.
const T0 = '2026-11-02T09:00:00.000Z';
const LADDER: LadderDurations = { second_ping_after: 'PT72H', manager_after: 'P4D', som_after: 'PT72H' };
const SOMS = ['som-alex', 'som-bea'];
const MANAGERS: Record<string, string> = { alice: 'mgr', bob: 'mgr' };

function item(n: number, owner: string | null, extra: Partial<ItemState> = {}): ItemState {
  return {
    fingerprint: `fp-${n}`,
    id: `PD-${n}`,
    kind: 'user-not-in-roster',
    owner,
    subject: `Subject ${n}`,
    detail: `Detail ${n}`,
    listedAt: T0,
    pings: [{ step: 'ping1', at: T0, to: owner }],
    ...extra,
  };
}

/** A state as rebuilt from no notes (every field the record has), with these items listed. */
function issueState(items: ItemState[], extra: Partial<IssueState> = {}): IssueState {
  return {
    ...rebuildState([], 'audit-bot', 'pagerduty'),
    listed: true,
    quarter: '2026-Q4',
    items: new Map(items.map((entry) => [entry.fingerprint, entry])),
    byId: new Map(items.map((entry) => [entry.id, entry.fingerprint])),
    ...extra,
  };
}

function input(state: IssueState, extra: Partial<FollowupInput> = {}): FollowupInput {
  return {
    state,
    issue: { open: true, closedBy: null },
    now: new Date('2026-11-03T09:00:00.000Z'),
    ladder: LADDER,
    supportOpsManagers: SOMS,
    managerOf: (username) => MANAGERS[username] ?? null,
    ...extra,
  };
}

function claim(noteId: number, author: string, text: Claim['claim'], at = '2026-11-02T12:00:00.000Z'): Claim {
  return { noteId, author, at, claim: text };
}

describe('respondToClose', () => {
  test('a close by someone with no say is undone and explained once per close', () => {
    const closed = { open: false, closedBy: 'eve', closedAt: '2026-11-02T10:00:00.000Z' };
    const first = respondToClose(input(issueState([item(1, 'alice')]), { issue: closed }));
    expect('notes' in first && first.reopen).toBe(true);
    expect('notes' in first && first.notes.map((note) => note.marker)).toEqual([
      { v: 1, step: 'reopened', platform: 'pagerduty', quarter: '2026-Q4', by: 'eve', closedAt: closed.closedAt },
    ]);

    const explained = issueState([item(1, 'alice')], { undoneCloses: new Set([closed.closedAt]) });
    expect(respondToClose(input(explained, { issue: closed }))).toEqual({ notes: [], reopen: true });
  });

  test("a Support Ops Manager's close ends the audit as it stands; a recorded approval closes an open issue", () => {
    const byManager = respondToClose(
      input(issueState([item(1, 'alice')]), { issue: { open: false, closedBy: 'som-bea' } }),
    );
    expect('ended' in byManager && byManager.ended.status).toBe('done');
    expect('ended' in byManager && byManager.ended.notes.map((note) => note.marker.result)).toEqual(['closed']);

    const approved = issueState([item(1, 'alice')], { outcome: { result: 'approved', by: 'som-alex', at: T0 } });
    expect(respondToClose(input(approved))).toEqual({
      ended: { needsRecheck: false, notes: [], status: 'done', close: true },
    });
  });

  test('an open issue with no outcome: nothing to say first', () => {
    expect(respondToClose(input(issueState([item(1, 'alice')])))).toEqual({ notes: [], reopen: false });
  });
});

describe('findApproval', () => {
  const items = [item(1, 'alice'), item(2, 'bob')];
  const reviewed = { lastReview: { findings: ['fp-1', 'fp-2'], noteId: 50 } };

  test("a Support Ops Manager's approval after a review request that covered every item", () => {
    const approval = claim(60, 'som-alex', { kind: 'approved', comment: '' });
    expect(findApproval(input(issueState(items, { ...reviewed, claims: [approval] })))).toBe(approval);
  });

  test('not before the request, not by anyone else, not when the request no longer covers every item', () => {
    const early = claim(40, 'som-alex', { kind: 'approved', comment: '' });
    const byOwner = claim(60, 'alice', { kind: 'approved', comment: '' });
    expect(findApproval(input(issueState(items, { ...reviewed, claims: [early, byOwner] })))).toBeUndefined();
    const partial = { lastReview: { findings: ['fp-1'], noteId: 50 } };
    const late = claim(60, 'som-alex', { kind: 'approved', comment: '' });
    expect(findApproval(input(issueState(items, { ...partial, claims: [late] })))).toBeUndefined();
  });
});

describe('readAnswers', () => {
  test('"all" covers the items its author was asked about; the latest allowed claim on an item decides it', () => {
    const state = issueState([item(1, 'alice'), item(2, 'alice'), item(3, 'bob')], {
      claims: [
        claim(10, 'alice', { kind: 'fixed', ids: 'all' }),
        claim(11, 'alice', { kind: 'intentional', ids: ['PD-2'], reason: 'shared account' }, '2026-11-02T13:00:00Z'),
      ],
    });
    const answers = readAnswers(input(state));
    expect([...answers.fixed]).toEqual([['fp-1', { noteId: 10, author: 'alice', laterClaims: [] }]]);
    expect(
      answers.intentional.map(({ item: { id }, by, reason, alsoAnswers }) => [id, by, reason, alsoAnswers]),
    ).toEqual([['PD-2', 'alice', 'shared account', ['10:fp-2']]]);
    expect(answers.notAllowed).toEqual([]);
  });

  test('someone with no say is answered once per item, and that answer records the repeats', () => {
    const state = issueState([item(1, 'alice')], {
      claims: [
        claim(10, 'eve', { kind: 'fixed', ids: ['PD-1'] }),
        claim(11, 'eve', { kind: 'fixed', ids: ['PD-1'] }, '2026-11-02T13:00:00Z'),
      ],
    });
    const { notAllowed, fixed } = readAnswers(input(state));
    expect(fixed.size).toBe(0);
    expect(notAllowed.map(({ to, noteId, reason, laterClaims }) => [to, noteId, reason, laterClaims])).toEqual([
      ['eve', 10, 'not-allowed', ['11:fp-1']],
    ]);
  });

  test('an answer written before the item was listed, or one already handled, counts for nothing', () => {
    const state = issueState([item(1, 'alice', { listedAt: '2026-11-02T12:00:00.000Z' })], {
      claims: [
        claim(9, 'alice', { kind: 'fixed', ids: ['PD-1'] }, '2026-11-02T11:00:00.000Z'),
        claim(10, 'alice', { kind: 'fixed', ids: ['PD-1'] }, '2026-11-02T12:30:00.000Z'),
      ],
      handledClaims: new Set(['10:fp-1']),
    });
    const answers = readAnswers(input(state));
    expect(answers.latest.size).toBe(0);
    expect(answers.notAllowed).toEqual([]);
  });
});

describe('answerUnreadable', () => {
  test('a reply that names an item but says nothing the bot reads is answered, once per note and item', () => {
    const state = issueState([item(1, 'alice'), item(2, 'bob')], {
      unreadable: [
        { noteId: 20, author: 'alice', at: T0, ids: ['PD-1', 'PD-2', 'PD-9'] },
        { noteId: 21, author: 'alice', at: T0, ids: ['PD-1'] },
      ],
    });
    expect(
      answerUnreadable(input(state)).map(({ item: { id }, noteId, laterClaims }) => [id, noteId, laterClaims]),
    ).toEqual([['PD-1', 20, ['unreadable:21']]]);
  });
});

describe('the ladder and the re-check', () => {
  const now = new Date('2026-11-05T09:00:00.000Z');

  test('dueSteps: ping2 once second_ping_after has passed; none for an intentional item or a superseded issue', () => {
    const state = issueState([item(1, 'alice'), item(2, 'bob')]);
    const latest = new Map([
      [
        'fp-2',
        { noteId: 10, author: 'bob', claim: { kind: 'intentional' as const, ids: ['PD-2'], reason: 'x' }, earlier: [] },
      ],
    ]);
    expect([...dueSteps(input(state, { now }), latest)]).toEqual([['fp-1', 'ping2']]);
    expect(dueSteps(input(state, { now: new Date('2026-11-05T08:59:00.000Z') }), latest).size).toBe(0);
    expect(dueSteps(input(state, { now, supersededBy: { iid: 9, quarter: '2027-Q1' } }), new Map()).size).toBe(0);
  });

  test('recheckNeeded: a fixed claim or a due step needs the platform; a quiet issue does not', () => {
    const state = issueState([item(1, 'alice')]);
    const answers = readAnswers(input(state));
    expect(recheckNeeded(input(state), answers, new Map())).toBe(false);
    expect(recheckNeeded(input(state), answers, new Map([['fp-1', 'ping2' as const]]))).toBe(true);
    const claimed = issueState([item(1, 'alice')], { claims: [claim(10, 'alice', { kind: 'fixed', ids: ['PD-1'] })] });
    expect(recheckNeeded(input(claimed), readAnswers(input(claimed)), new Map())).toBe(true);
  });

  test('resolveFixedClaims, takeDueSteps: the platform confirms or refutes a claim; a due step stands', () => {
    const state = issueState([item(1, 'alice'), item(2, 'alice'), item(3, 'bob')]);
    const recheck = { at: now, present: new Set(['fp-2', 'fp-3']), accepted: new Map<string, string>() };
    const fixed = new Map([
      ['fp-1', { noteId: 10, author: 'alice', laterClaims: [] }],
      ['fp-2', { noteId: 10, author: 'alice', laterClaims: [] }],
    ]);
    const resolved = resolveFixedClaims(input(state, { recheck }), fixed);
    expect(resolved.addressed.map(({ item: { id }, how, by }) => [id, how, by])).toEqual([['PD-1', 'fixed', 'alice']]);
    expect(resolved.stillPresent.map(({ item: { id }, reason }) => [id, reason])).toEqual([['PD-2', 'still-present']]);

    const due = new Map([
      ['fp-1', 'ping2' as const],
      ['fp-2', 'ping2' as const],
      ['fp-3', 'ping2' as const],
    ]);
    const taken = takeDueSteps(input(state, { recheck }), due, fixed, new Set(['fp-1']));
    expect(taken.actions.map(({ item: { id }, step }) => [id, step])).toEqual([
      ['PD-2', 'ping2'],
      ['PD-3', 'ping2'],
    ]);
    expect(taken.addressed).toEqual([]);
  });

  test('reviveReturned, recordVanished: an item found again is open again; one gone with no reply is recorded', () => {
    const was = { how: 'gone' as const, by: null, at: T0 };
    const state = issueState([item(1, 'alice', { addressed: was }), item(2, 'bob')]);
    const recheck = { at: now, present: new Set(['fp-1']), accepted: new Map<string, string>() };
    const { revived, actions } = reviveReturned(input(state, { now, recheck }));
    expect(revived.get('fp-1')).toMatchObject({ revived: { at: now.toISOString(), was } });
    expect(revived.get('fp-1')).not.toHaveProperty('addressed');
    // Its ladder resumes from its last step, timed from the revival: nothing is due at once.
    expect(actions).toEqual([]);
    expect(
      recordVanished(input(state, { recheck }), new Map(), new Map()).map(({ item: { id }, how }) => [id, how]),
    ).toEqual([['PD-2', 'gone']]);
    expect(everyItemAnswered(state, [], revived)).toBe(false);
  });
});

describe('the notes', () => {
  test('cutReplies: each author told once about the replies read only in part', () => {
    const state = issueState([], {
      cut: [
        { noteId: 30, author: 'alice', at: T0 },
        { noteId: 31, author: 'bob', at: T0 },
        { noteId: 32, author: 'alice', at: T0 },
      ],
    });
    expect([...cutReplies(state)]).toEqual([
      ['alice', ['cut:30', 'cut:32']],
      ['bob', ['cut:31']],
    ]);
  });

  test("withSeen: the run's first note records the people's notes it read", () => {
    const notes: PlannedNote[] = [
      { marker: { v: 1, step: 'feedback', platform: 'pagerduty' }, body: 'a' },
      { marker: { v: 1, step: 'ping2', platform: 'pagerduty' }, body: 'b' },
    ];
    const state = issueState([], { unseen: [{ id: 7, digest: 'abc' }] });
    expect(withSeen(notes, state).map((note) => note.marker)).toEqual([
      { v: 1, step: 'feedback', platform: 'pagerduty', seen: { 7: 'abc' } },
      { v: 1, step: 'ping2', platform: 'pagerduty' },
    ]);
    expect(withSeen(notes, issueState([]))).toBe(notes);
  });
});
