import { LADDER, type Addressed, type IssueState, type ItemState, type PlannedNote } from './audit-types.js';
import { claimKey, somsToAsk } from './followup-state.js';
import {
  auditBase,
  byItemId,
  everythingListed,
  sameSet,
  type FollowupInput,
  type LadderAction,
} from './followup-input.js';
import { dueAt, routeOf } from './ladder.js';
import { compareNames } from './locale.js';
import { NOTE_BUDGET, utf8Length } from './note-size.js';
import { everyoneReachable, uniqueUnreachable } from './reach.js';
import { formatUtc, noteText } from './render.js';
import {
  renderAddressedNote,
  renderFeedbackNote,
  renderLadderNote,
  renderOutcomeNote,
  renderReviewNote,
  renderRevivedNote,
  type AddressedEntry,
  type FeedbackEntry,
} from './render-followup.js';

/** What one answer to a person may take, marker included, in UTF-8 bytes: well under GitLab's cap. */
export const FEEDBACK_BUDGET = NOTE_BUDGET / 2;
/**
 * Replies read only in part that one answer records, and earlier claims one of its lines records
 * (any more: the next night).
 */
const FEEDBACK_CUT_NOTES = 1_000;

/** The record of the items answered or resolved this run (none when there are none). */
export function addressedNote(input: FollowupInput, addressed: AddressedEntry[]): PlannedNote[] {
  if (addressed.length === 0) return [];
  const base = auditBase(input.state);
  return [
    {
      marker: {
        v: 1,
        step: 'addressed',
        ...base,
        findings: addressed.map((entry) => entry.item.fingerprint),
        entries: addressed.map((entry) => ({
          finding: entry.item.fingerprint,
          how: entry.how,
          by: entry.by,
          noteId: entry.noteId,
          reason: entry.reason,
        })),
        claims: addressed.flatMap((entry) => entry.alsoAnswers ?? []),
      },
      body: renderAddressedNote({ ...base, entries: addressed, now: input.now }),
    },
  ];
}

/** The items a re-check found again, each with where its ladder resumes (none when there are none). */
export function revivedNote(
  input: FollowupInput,
  revived: Map<string, ItemState>,
  actions: LadderAction[],
): PlannedNote[] {
  if (revived.size === 0) return [];
  const base = auditBase(input.state);
  const items = [...revived.values()].sort(byItemId);
  return [
    {
      marker: {
        v: 1,
        step: 'revived',
        ...base,
        findings: items.map((item) => item.fingerprint),
        at: input.now.toISOString(),
      },
      body: renderRevivedNote({
        ...base,
        items,
        now: input.now,
        next: (item) => resumesWith(item, actions, input),
      }),
    },
  ];
}

/** Where a revived item's ladder resumes, in words. */
function resumesWith(item: ItemState, actions: LadderAction[], input: FollowupInput): string {
  const now = actions.find((action) => action.item.fingerprint === item.fingerprint);
  if (now) return now.step === 'ping1' ? 'Its owner is pinged now.' : 'The next reminder goes out now.';
  const at = dueAt(item, input.ladder, input);
  return at
    ? `The reminders resume where they stopped: the next one on ${formatUtc(at)}.`
    : 'Every reminder was already sent: the Support Ops Managers see it on the board.';
}

/** One answer per person, in name order: their feedback entries, and the replies of theirs read only in part. */
export function feedbackNotes(input: FollowupInput, feedback: FeedbackEntry[]): PlannedNote[] {
  const cut = cutReplies(input.state);
  const notes: PlannedNote[] = [];
  for (const [to, values] of groupBy<FeedbackEntry | string>([...feedback, ...cut.keys()], (value) =>
    typeof value === 'string' ? value : value.to,
  )) {
    const entries = values.filter((value): value is FeedbackEntry => typeof value !== 'string');
    const note = feedbackNote(input, to, entries, cut.get(to) ?? []);
    if (note) notes.push(note);
  }
  return notes;
}

/**
 * Per author, the keys of their replies read only in part (REPLY_LIMITS): each is said once, in
 * their answer; any more than one answer records are said the next night.
 */
export function cutReplies(state: IssueState): Map<string, string[]> {
  const cut = new Map<string, string[]>();
  for (const { noteId, author } of state.cut) {
    const keys = cut.get(author) ?? [];
    cut.set(author, keys);
    if (keys.length < FEEDBACK_CUT_NOTES) keys.push(`cut:${noteId}`);
  }
  return cut;
}

/**
 * One person's answer, under FEEDBACK_BUDGET with its marker. Entries that would not fit wait: their
 * claims stay unanswered, so the next run answers them (each night answers its share; none fails).
 */
function feedbackNote(
  input: FollowupInput,
  to: string,
  entries: FeedbackEntry[],
  cut: string[],
): PlannedNote | undefined {
  const base = auditBase(input.state);
  // An entry records at most FEEDBACK_CUT_NOTES of the claims it answers: any more come up again,
  // and are answered the next night.
  const handled = (e: FeedbackEntry) => [
    e.reason === 'unreadable' ? `unreadable:${e.noteId}` : claimKey(e.noteId, e.item.fingerprint),
    ...(e.laterClaims ?? []).slice(0, FEEDBACK_CUT_NOTES),
  ];
  const build = (count: number): PlannedNote => {
    const kept = entries.slice(0, count);
    return {
      marker: {
        v: 1,
        step: 'feedback',
        ...base,
        owner: to,
        findings: [...new Set(kept.map((e) => e.item.fingerprint))],
        claims: [...new Set([...kept.flatMap(handled), ...cut])],
      },
      body: renderFeedbackNote({
        ...base,
        to,
        entries: kept,
        now: input.now,
        supportOpsManagers: input.supportOpsManagers,
        cut: cut.length > 0,
        later: entries.length - count,
      }),
    };
  };
  const size = (note: PlannedNote) => utf8Length(noteText(note.body, note.marker));
  let count = entries.length;
  let note = build(count);
  // The size grows about linearly with the entries: a few tries at most.
  for (let bytes = size(note); bytes > FEEDBACK_BUDGET && count > 0; bytes = size(note)) {
    count = Math.min(count - 1, Math.floor((count * FEEDBACK_BUDGET * 0.95) / bytes));
    note = build(count);
  }
  return count > 0 || cut.length > 0 ? note : undefined;
}

/**
 * A later quarter's issue lists every finding still present: two ladders would ping twice. Once
 * the answers given here are recorded, an issue with an item still open is closed with this
 * outcome; one with every item answered awaits its review (undefined).
 */
export function supersededOutcome(
  input: FollowupInput,
  addressed: AddressedEntry[],
  revived: Map<string, ItemState>,
): PlannedNote | undefined {
  const next = input.supersededBy;
  if (!next) return undefined;
  const items = [...input.state.items.values()].map(
    (item) =>
      revived.get(item.fingerprint) ??
      withAddressed(
        item,
        addressed.find((entry) => entry.item === item),
        input.now,
      ),
  );
  if (!items.some((item) => !item.addressed)) return undefined;
  const base = auditBase(input.state);
  return {
    marker: { v: 1, step: 'outcome', ...base, result: 'superseded', by: null, next: next.iid },
    body: renderOutcomeNote({ ...base, result: 'superseded', by: null, next, now: input.now, items }),
  };
}

/**
 * The ladder's notes: one per step and recipient; the last step goes to the Support Ops Managers
 * not yet asked about the item, one note per such set.
 */
export function ladderNotes(input: FollowupInput, actions: LadderAction[]): PlannedNote[] {
  const base = auditBase(input.state);
  const routes = new Map(actions.map((action) => [action.item.fingerprint, routeOf(action.item, action.step, input)]));
  const groupKey = (action: LadderAction) =>
    action.step === 'som'
      ? `${LADDER.indexOf('som')}\u0000\u0000${somsToAsk(action.item, input.supportOpsManagers).join(',')}`
      : `${LADDER.indexOf(action.step)}\u0000${routes.get(action.item.fingerprint)!.to ?? ''}`;
  const notes: PlannedNote[] = [];
  for (const [key, grouped] of groupBy(actions, groupKey)) {
    const [stepIndex, recipient, somList] = key.split('\u0000');
    const step = LADDER[Number(stepIndex)];
    const items = grouped.map((action) => action.item);
    const skipped = uniqueUnreachable(grouped.flatMap((action) => routes.get(action.item.fingerprint)!.skipped));
    notes.push({
      marker: {
        v: 1,
        step,
        ...base,
        owner: recipient || null,
        findings: items.map((item) => item.fingerprint),
        ...(skipped.length > 0 ? { unreachable: skipped.map(({ username, reason }) => ({ username, reason })) } : {}),
        // The next step is timed from this run's clock, not from when GitLab dates the note.
        at: input.now.toISOString(),
      },
      body: renderLadderNote({
        ...base,
        step,
        recipient: recipient || null,
        items,
        ladder: input.ladder,
        supportOpsManagers: somList ? somList.split(',') : input.supportOpsManagers,
        managerOf: input.managerOf,
        now: input.now,
        skipped,
        reach: input.reach ?? everyoneReachable,
      }),
    });
  }
  return notes;
}

/** Whether every item is answered once this run's records are posted (a revived item is not). */
export function everyItemAnswered(
  state: IssueState,
  addressed: AddressedEntry[],
  revived: Map<string, ItemState>,
): boolean {
  const nowAddressed = new Set(addressed.map((entry) => entry.item.fingerprint));
  return [...state.items.values()].every(
    (item) => (item.addressed && !revived.has(item.fingerprint)) || nowAddressed.has(item.fingerprint),
  );
}

/** The Support Ops Managers asked to review every item, unless they were already asked about this very set. */
export function reviewRequest(input: FollowupInput, addressed: AddressedEntry[]): PlannedNote[] {
  const { state } = input;
  const everything = everythingListed(state);
  if (state.reviews.some((review) => sameSet(review, everything))) return [];
  const base = auditBase(state);
  const items = [...state.items.values()].map((item) =>
    withAddressed(
      item,
      addressed.find((entry) => entry.item === item),
      input.now,
    ),
  );
  return [
    {
      marker: { v: 1, step: 'review', ...base, findings: everything },
      body: renderReviewNote({
        ...base,
        supportOpsManagers: input.supportOpsManagers,
        items,
        reach: input.reach ?? everyoneReachable,
      }),
    },
  ];
}

/**
 * The first note a run posts records a digest of each person's note the bot read and had not
 * recorded yet: a later change of that note's body is an edit (not counted), while an emoji
 * reaction, which also moves its updated_at, changes nothing.
 */
export function withSeen(notes: PlannedNote[], state: IssueState): PlannedNote[] {
  if (notes.length === 0 || state.unseen.length === 0) return notes;
  const [first, ...rest] = notes;
  return [
    {
      ...first,
      marker: { ...first.marker, seen: Object.fromEntries(state.unseen.map(({ id, digest }) => [id, digest])) },
    },
    ...rest,
  ];
}

function withAddressed(item: ItemState, entry: AddressedEntry | undefined, now: Date): ItemState {
  if (item.addressed || !entry) return item;
  const addressed: Addressed = { how: entry.how, by: entry.by, reason: entry.reason, at: now.toISOString() };
  return { ...item, addressed };
}

/** Groups in key order, where a key's empty last part (nobody in the roster) sorts after every name. */
function groupBy<T>(values: T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const k = key(value);
    const group = groups.get(k);
    if (group) group.push(value);
    else groups.set(k, [value]);
  }
  const sortable = (k: string) => (k.endsWith('\u0000') || k === '' ? `${k}\uffff` : k);
  return new Map([...groups.entries()].sort(([a], [b]) => compareNames(sortable(a), sortable(b))));
}
