import { DateTime, Duration } from 'luxon';
import type { LadderDurations } from '../config/types.js';
import {
  claimKey,
  somsToAsk,
  LADDER,
  type Addressed,
  type IssueState,
  type ItemState,
  type LadderStep,
} from './followup-state.js';
import { compareNames } from './locale.js';
import type { Marker } from './markers.js';
import type { ReplyClaim } from './replies.js';
import type { PlannedNote } from './open-plan.js';
import { NOTE_BUDGET, utf8Length } from './note-size.js';
import { formatUtc, noteText } from './render.js';
import { everyoneReachable, routeUp, uniqueUnreachable, type ReachOf, type Route } from './reach.js';
import {
  renderAddressedNote,
  renderFeedbackNote,
  renderLadderNote,
  renderOutcomeNote,
  renderReopenedNote,
  renderResumedNote,
  renderReviewNote,
  renderRevivedNote,
  type AddressedEntry,
  type FeedbackEntry,
} from './render-followup.js';

export type AuditStatus = 'open' | 'review' | 'done';

/** What the platform says now, for the items that needed a re-check. */
export interface Recheck {
  at: Date;
  /** Fingerprints the checker still reports (after the allow-list). */
  present: Set<string>;
  /** Fingerprints now covered by an unexpired allow-list exception, with its reason. */
  accepted: Map<string, string>;
}

export interface FollowupInput {
  state: IssueState;
  /** `closedAt` tells one close from the next: each close by someone with no say is explained once. */
  issue: { open: boolean; closedBy: string | null; closedAt?: string | null };
  now: Date;
  ladder: LadderDurations;
  supportOpsManagers: string[];
  /** The manager (roster reports_to) of a GitLab username, or null. */
  managerOf: (username: string) => string | null;
  /** Undefined until the platform was re-checked; the planner says when it needs one. */
  recheck?: Recheck;
  /** A later quarter's audit issue of the same platform, still followed: it takes over. */
  supersededBy?: { iid: number; quarter: string };
  /** Who cannot be reached by a mention in this issue (default: everyone can). */
  reach?: ReachOf;
}

export interface FollowupPlan {
  /** True when the plan depends on the platform's current data: run the checker and plan again. */
  needsRecheck: boolean;
  notes: PlannedNote[];
  status: AuditStatus;
  close: boolean;
  /** Reopen the issue: someone with no say closed it. */
  reopen?: boolean;
}

const WAIT_AFTER: Record<Exclude<LadderStep, 'som'>, keyof LadderDurations | null> = {
  ping1: 'second_ping_after',
  ping2: 'manager_after',
  manager: 'som_after',
};

/**
 * The nightly follow-up for one audit issue, as a pure function of its rebuilt state, the
 * clock and config. Each run posts at most one ladder step per item, one note per recipient
 * per step, and nothing that the issue's notes show was already done.
 */
export function planFollowup(input: FollowupInput): FollowupPlan {
  const { state } = input;
  const soms = new Set(input.supportOpsManagers);
  const base = { platform: state.platform, quarter: state.quarter };

  // Only a Support Ops Manager may end an audit: anyone else's close is undone (and said why, once
  // per close); a Support Ops Manager's close ends it as it stands, until someone reopens it.
  const before: PlannedNote[] = [];
  let reopen = false;
  if (state.outcome?.result === 'closed' && input.issue.open) {
    before.push({
      marker: { v: 1, step: 'resumed', ...base },
      body: renderResumedNote({ ...base, closedBy: state.outcome.by }),
    });
  } else if (state.outcome) {
    const closes = state.outcome.result === 'approved' || state.outcome.result === 'superseded';
    return { needsRecheck: false, notes: [], status: 'done', close: closes && input.issue.open };
  } else if (!input.issue.open && (input.issue.closedBy === null || !soms.has(input.issue.closedBy))) {
    reopen = true;
    const closedAt = input.issue.closedAt ?? '';
    if (!state.undoneCloses.has(closedAt)) {
      before.push({
        marker: { v: 1, step: 'reopened', ...base, by: input.issue.closedBy, closedAt },
        body: renderReopenedNote({
          ...base,
          closedBy: input.issue.closedBy,
          supportOpsManagers: input.supportOpsManagers,
        }),
      });
    }
  } else if (!input.issue.open) {
    const marker: Marker = { v: 1, step: 'outcome', ...base, result: 'closed', by: input.issue.closedBy };
    const body = renderOutcomeNote({
      ...base,
      result: 'closed',
      by: input.issue.closedBy,
      now: input.now,
      items: [...state.items.values()],
    });
    return { needsRecheck: false, notes: [{ marker, body }], status: 'done', close: false };
  }
  const plan = planOpenAudit(input, soms, base);
  return { ...plan, notes: plan.needsRecheck ? [] : [...before, ...plan.notes], ...(reopen ? { reopen: true } : {}) };
}

/** The follow-up of an audit that is not over: answers, the ladder, the review. */
function planOpenAudit(
  input: FollowupInput,
  soms: Set<string>,
  base: { platform: string; quarter: string },
): FollowupPlan {
  const { state } = input;
  const openItems = () => [...state.items.values()].filter((item) => !item.addressed);

  // An approval answers the review request: it counts when written after the latest one, and that
  // one covered every item listed (a conversational "LGTM" earlier does not end the audit).
  const everythingListed = [...state.items.keys()].sort();
  const review =
    state.lastReview && sameSet(state.lastReview.findings, everythingListed) ? state.lastReview : undefined;
  const approval =
    review &&
    state.claims.find(
      (claim) => claim.claim.kind === 'approved' && soms.has(claim.author) && claim.noteId > review.noteId,
    );
  if (approval) {
    const marker: Marker = {
      v: 1,
      step: 'outcome',
      ...base,
      result: 'approved',
      by: approval.author,
      noteId: approval.noteId,
    };
    const body = renderOutcomeNote({
      ...base,
      result: 'approved',
      by: approval.author,
      now: input.now,
      items: [...state.items.values()],
    });
    return { needsRecheck: false, notes: [{ marker, body }], status: 'done', close: true };
  }

  // Who may answer for an item: its owner, their manager, whoever a ping about it went to, a Support Ops Manager.
  const mayAnswerFor = (author: string, item: ItemState) =>
    soms.has(author) ||
    (item.owner !== null && (author === item.owner || author === input.managerOf(item.owner))) ||
    item.pings.some((ping) => ping.to === author);
  // What "all" covers: every item the notes asked its author about by the time they wrote it (their
  // own, and those of the pings they got, a manager's included); for a Support Ops Manager, every open item.
  const askedAbout = (author: string, item: ItemState, at: string) =>
    soms.has(author) || item.owner === author || item.pings.some((ping) => ping.to === author && ping.at <= at);

  // 1. Claims nobody has answered yet, per item (explicit ids, or "all" = the author's own items).
  const addressed: AddressedEntry[] = [];
  const feedback: FeedbackEntry[] = [];
  // One line per person, item and answer: the same refusal, repeated in a note or over notes, is
  // answered once, and that answer records every claim it stands for (`laterClaims`).
  const answered = new Map<string, FeedbackEntry>();
  const answer = (entry: FeedbackEntry, handles: string) => {
    const known = answered.get(`${entry.to}\u0000${entry.reason}\u0000${entry.item.fingerprint}`);
    if (!known) {
      answered.set(`${entry.to}\u0000${entry.reason}\u0000${entry.item.fingerprint}`, entry);
      feedback.push(entry);
    } else if (known.noteId !== entry.noteId) (known.laterClaims ??= []).push(handles);
  };
  // Of a note's "all" claims only its last counts: it covers the same items, under the same keys.
  const lastAll = new Map<number, ReplyClaim>();
  for (const { noteId, claim } of state.claims)
    if (claim.kind !== 'approved' && claim.ids === 'all') lastAll.set(noteId, claim);
  // The latest allowed claim on an item decides it; the earlier ones are answered with it.
  const latest = new Map<string, { noteId: number; author: string; claim: ReplyClaim; earlier: string[] }>();
  for (const { noteId, author, at, claim } of state.claims) {
    if (claim.kind === 'approved' || (claim.ids === 'all' && lastAll.get(noteId) !== claim)) continue;
    const targets =
      claim.ids === 'all'
        ? // "all" means the items as they stood when the author wrote it, not items listed later.
          openItems().filter((item) => answerableSince(item) <= at && askedAbout(author, item, at))
        : // An answer counts only for items listed (or found again) before it was written: "PD-14 intentional"
          // written before `open` listed PD-14 answers nothing, nor does an old "fixed" an item found again.
          claim.ids
            .map((id) => state.items.get(state.byId.get(id) ?? ''))
            .filter((item): item is ItemState => item !== undefined && answerableSince(item) <= at);
    for (const item of targets) {
      const key = claimKey(noteId, item.fingerprint);
      if (item.addressed || state.handledClaims.has(key)) continue;
      if (!mayAnswerFor(author, item)) {
        answer({ item, to: author, noteId, reason: 'not-allowed' }, key);
        continue;
      }
      const before = latest.get(item.fingerprint);
      // One list of the earlier claims' keys, grown in place (a note's claims on the item share one key).
      const earlier = before?.earlier ?? [];
      if (before && before.noteId !== noteId) earlier.push(claimKey(before.noteId, item.fingerprint));
      latest.set(item.fingerprint, { noteId, author, claim, earlier });
    }
  }
  const fixedClaims = new Map<string, { noteId: number; author: string; laterClaims: string[] }>();
  for (const [fingerprint, { noteId, author, claim, earlier }] of latest) {
    const item = state.items.get(fingerprint)!;
    if (claim.kind === 'intentional')
      addressed.push({ item, how: 'intentional', by: author, noteId, reason: claim.reason, alsoAnswers: earlier });
    else fixedClaims.set(fingerprint, { noteId, author, laterClaims: earlier });
  }

  // 2. Ladder steps that are due for items not answered for good (a wrong "fixed" does not stop the
  // ladder). None in an issue a later quarter's takes over: its findings are chased there.
  const due = new Map<string, LadderStep>();
  for (const item of input.supersededBy ? [] : openItems()) {
    if (latest.get(item.fingerprint)?.claim.kind === 'intentional') continue;
    const step = nextDueStep(item, input);
    if (step) due.set(item.fingerprint, step);
  }

  // 3. Anything claimed fixed or about to be pinged is checked against the platform first.
  // Before the review request, whatever is recorded fixed or gone is checked again (it may be back).
  const reviewNext =
    !input.supersededBy &&
    openItems().every((item) => latest.get(item.fingerprint)?.claim.kind === 'intentional') &&
    !state.reviews.some((asked) => sameSet(asked, everythingListed)) &&
    [...state.items.values()].some(wasFixedOrGone);
  if ((fixedClaims.size > 0 || due.size > 0 || reviewNext) && !input.recheck) {
    return { needsRecheck: true, notes: [], status: 'open', close: false };
  }
  const recheck = input.recheck;
  const goneOrAccepted = (item: ItemState, by: string | null, noteId?: number): AddressedEntry | undefined => {
    if (!recheck) return undefined;
    const reason = recheck.accepted.get(item.fingerprint);
    if (reason !== undefined) return { item, how: 'accepted', by, noteId, reason };
    if (!recheck.present.has(item.fingerprint)) return { item, how: by ? 'fixed' : 'gone', by, noteId };
    return undefined;
  };
  const resolvedNow = new Set<string>();
  for (const [fingerprint, { noteId, author, laterClaims }] of fixedClaims) {
    const item = state.items.get(fingerprint)!;
    const resolved = goneOrAccepted(item, author, noteId);
    if (resolved) {
      addressed.push({ ...resolved, alsoAnswers: laterClaims });
      resolvedNow.add(fingerprint);
    } else feedback.push({ item, to: author, noteId, reason: 'still-present', laterClaims });
  }
  const ladderActions: { item: ItemState; step: LadderStep }[] = [];
  for (const [fingerprint, step] of due) {
    if (resolvedNow.has(fingerprint)) continue;
    const item = state.items.get(fingerprint)!;
    const resolved = fixedClaims.has(fingerprint) ? undefined : goneOrAccepted(item, null);
    if (resolved) {
      addressed.push(resolved);
      resolvedNow.add(fingerprint);
    } else ladderActions.push({ item, step });
  }
  // "Gone" is not final: an item recorded fixed or gone that the check reports again is open again,
  // with its history, and its ladder resumes from its last step, timed from now.
  const revived = new Map<string, ItemState>();
  for (const item of recheck ? state.items.values() : []) {
    if (!wasFixedOrGone(item) || !recheck!.present.has(item.fingerprint) || recheck!.accepted.has(item.fingerprint))
      continue;
    const { addressed: was, ...rest } = item;
    const open: ItemState = {
      ...rest,
      revived: { at: input.now.toISOString(), noteAt: input.now.toISOString(), was: was! },
    };
    revived.set(item.fingerprint, open);
    const step = input.supersededBy ? undefined : nextDueStep(open, input);
    if (step) ladderActions.push({ item: open, step });
  }
  // The platform was read anyway: items that vanished without a reply are recorded too.
  for (const item of openItems()) {
    if (latest.has(item.fingerprint) || due.has(item.fingerprint)) continue;
    const resolved = goneOrAccepted(item, null);
    if (resolved) addressed.push(resolved);
  }

  // 4. Notes: the record first, then answers to people, then the ladder, then the review request.
  const notes: PlannedNote[] = [];
  addressed.sort((a, b) => byItemId(a.item, b.item));
  ladderActions.sort((a, b) => LADDER.indexOf(a.step) - LADDER.indexOf(b.step) || byItemId(a.item, b.item));
  if (addressed.length > 0) {
    notes.push({
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
    });
  }
  if (revived.size > 0) {
    const items = [...revived.values()].sort(byItemId);
    notes.push({
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
        next: (item) => resumesWith(item, ladderActions, input),
      }),
    });
  }
  // A reply that names an item but reads as no instruction gets one short answer with the forms the bot reads.
  for (const { noteId, author, ids } of state.unreadable) {
    for (const item of ids
      .map((id) => state.items.get(state.byId.get(id) ?? ''))
      .filter((item): item is ItemState => item !== undefined)) {
      if (!item.addressed && mayAnswerFor(author, item))
        answer({ item, to: author, noteId, reason: 'unreadable' }, `unreadable:${noteId}`);
    }
  }
  // A reply read only in part (REPLY_LIMITS) is said so once, in its author's answer.
  const cutNotes = new Map<string, string[]>();
  for (const { noteId, author } of state.cut) {
    const keys = cutNotes.get(author) ?? [];
    cutNotes.set(author, keys);
    // Any more are said so the next night: one line, and a bounded marker.
    if (keys.length < FEEDBACK_CUT_NOTES) keys.push(`cut:${noteId}`);
  }
  for (const [to, values] of groupBy<FeedbackEntry | string>([...feedback, ...cutNotes.keys()], (value) =>
    typeof value === 'string' ? value : value.to,
  )) {
    const note = feedbackNote(
      base,
      to,
      values.filter((value): value is FeedbackEntry => typeof value !== 'string'),
      cutNotes.get(to) ?? [],
      input,
    );
    if (note) notes.push(note);
  }
  // A later quarter's issue lists every finding still present: two ladders would ping twice. The
  // answers given here are recorded first; an issue with every item answered awaits its review.
  if (input.supersededBy) {
    const items = [...state.items.values()].map(
      (item) =>
        revived.get(item.fingerprint) ??
        withAddressed(
          item,
          addressed.find((entry) => entry.item === item),
          input.now,
        ),
    );
    if (items.some((item) => !item.addressed)) {
      const next = input.supersededBy;
      notes.push({
        marker: { v: 1, step: 'outcome', ...base, result: 'superseded', by: null, next: next.iid },
        body: renderOutcomeNote({ ...base, result: 'superseded', by: null, next, now: input.now, items }),
      });
      return { needsRecheck: false, notes, status: 'done', close: true };
    }
  }
  const routes = new Map(
    ladderActions.map((action) => [action.item.fingerprint, routeOf(action.item, action.step, input)]),
  );
  // The last step goes to the Support Ops Managers not yet asked about the item: one note per such set.
  const groupKey = (action: { item: ItemState; step: LadderStep }) =>
    action.step === 'som'
      ? `${LADDER.indexOf('som')}\u0000\u0000${somsToAsk(action.item, input.supportOpsManagers).join(',')}`
      : `${LADDER.indexOf(action.step)}\u0000${routes.get(action.item.fingerprint)!.to ?? ''}`;
  for (const [key, actions] of groupBy(ladderActions, groupKey)) {
    const [stepIndex, recipient, somList] = key.split('\u0000');
    const step = LADDER[Number(stepIndex)];
    const items = actions.map((action) => action.item);
    const skipped = uniqueUnreachable(actions.flatMap((action) => routes.get(action.item.fingerprint)!.skipped));
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

  const nowAddressed = new Set(addressed.map((entry) => entry.item.fingerprint));
  const allAddressed = [...state.items.values()].every(
    (item) => (item.addressed && !revived.has(item.fingerprint)) || nowAddressed.has(item.fingerprint),
  );
  const everything = [...state.items.keys()].sort();
  const alreadyReviewed = state.reviews.some((review) => sameSet(review, everything));
  if (allAddressed && !alreadyReviewed) {
    const items = [...state.items.values()].map((item) =>
      withAddressed(
        item,
        addressed.find((entry) => entry.item === item),
        input.now,
      ),
    );
    notes.push({
      marker: { v: 1, step: 'review', ...base, findings: everything },
      body: renderReviewNote({
        ...base,
        supportOpsManagers: input.supportOpsManagers,
        items,
        reach: input.reach ?? everyoneReachable,
      }),
    });
  }
  return { needsRecheck: false, notes: withSeen(notes, state), status: allAddressed ? 'review' : 'open', close: false };
}

/** What one answer to a person may take, marker included, in UTF-8 bytes: well under GitLab's cap. */
export const FEEDBACK_BUDGET = NOTE_BUDGET / 2;
/** Replies read only in part that one answer records, and earlier claims one of its lines records (any more: the next night). */
const FEEDBACK_CUT_NOTES = 1_000;

/**
 * One person's answer, under FEEDBACK_BUDGET with its marker. Entries that would not fit wait: their
 * claims stay unanswered, so the next run answers them (each night answers its share; none fails).
 */
function feedbackNote(
  base: { platform: string; quarter: string },
  to: string,
  entries: FeedbackEntry[],
  cut: string[],
  input: FollowupInput,
): PlannedNote | undefined {
  // An entry records at most FEEDBACK_CUT_NOTES of the claims it answers: any more come up again, and are answered the next night.
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
 * The first note a run posts records a digest of each person's note the bot read and had not
 * recorded yet: a later change of that note's body is an edit (not counted), while an emoji
 * reaction, which also moves its updated_at, changes nothing.
 */
function withSeen(notes: PlannedNote[], state: IssueState): PlannedNote[] {
  if (notes.length === 0 || state.unseen.length === 0) return notes;
  const [first, ...rest] = notes;
  return [
    {
      ...first!,
      marker: { ...first!.marker, seen: Object.fromEntries(state.unseen.map(({ id, digest }) => [id, digest])) },
    },
    ...rest,
  ];
}

/**
 * The ladder step due for an item now, if any: one step per run, timed from when the previous step
 * was taken (the time its run planned it: see ItemState.pings), so a schedule at a fixed hour takes
 * each step exactly its configured wait after the previous one, never a run later.
 */
export function nextDueStep(
  item: ItemState,
  input: Pick<FollowupInput, 'now' | 'ladder' | 'managerOf'> & Partial<Pick<FollowupInput, 'supportOpsManagers'>>,
): LadderStep | undefined {
  const last = item.pings.at(-1);
  if (!last) return 'ping1';
  if (last.step === 'som' || !hasNextStep(item, input)) return undefined;
  const wait = WAIT_AFTER[last.step];
  const dueAt = dueDateTime(ladderClock(item, last.at), input.ladder[wait!]);
  if (DateTime.fromJSDate(input.now) < dueAt) return undefined;
  const next = LADDER[LADDER.indexOf(last.step) + 1];
  // Nobody to escalate to at the manager step: the Support Ops Managers are next.
  if (next === 'manager' && (item.owner === null || input.managerOf(item.owner) === null)) return 'som';
  return next;
}

/** Whether the ladder has a step left for the item: not after the Support Ops Managers, nor when only they remain and all were asked. */
function hasNextStep(
  item: ItemState,
  input: Partial<Pick<FollowupInput, 'supportOpsManagers' | 'managerOf'>>,
): boolean {
  const last = item.pings.at(-1);
  if (!last) return true;
  if (last.step === 'som') return false;
  const managerNext =
    last.step === 'ping2' &&
    item.owner !== null &&
    input.managerOf !== undefined &&
    input.managerOf(item.owner) !== null;
  const somNext = last.step === 'manager' || (last.step === 'ping2' && !managerNext);
  return !somNext || input.supportOpsManagers === undefined || somsToAsk(item, input.supportOpsManagers).length > 0;
}

export function dueAt(
  item: ItemState,
  ladder: LadderDurations,
  rules: Partial<Pick<FollowupInput, 'supportOpsManagers' | 'managerOf'>> = {},
): Date | undefined {
  const last = item.pings.at(-1);
  if (!last || last.step === 'som' || !hasNextStep(item, rules)) return undefined;
  return dueDateTime(ladderClock(item, last.at), ladder[WAIT_AFTER[last.step]!]).toJSDate();
}

/** Where a revived item's ladder resumes, in words. */
function resumesWith(item: ItemState, actions: { item: ItemState; step: LadderStep }[], input: FollowupInput): string {
  const now = actions.find((action) => action.item.fingerprint === item.fingerprint);
  if (now) return now.step === 'ping1' ? 'Its owner is pinged now.' : 'The next reminder goes out now.';
  const at = dueAt(item, input.ladder, input);
  return at
    ? `The reminders resume where they stopped: the next one on ${formatUtc(at)}.`
    : 'Every reminder was already sent: the Support Ops Managers see it on the board.';
}

/** What the next step is timed from: the last step, or the item's revival when it came back after that. */
function ladderClock(item: ItemState, lastStepAt: string): string {
  return item.revived && item.revived.at > lastStepAt ? item.revived.at : lastStepAt;
}

/** Answers count for an item only when written after it was listed, or after it was found again. */
function answerableSince(item: ItemState): string {
  return item.revived?.noteAt ?? item.listedAt;
}

/** An item the platform check vouched for (fixed, gone): a later check can find it again. */
function wasFixedOrGone(item: ItemState): boolean {
  return item.addressed?.how === 'fixed' || item.addressed?.how === 'gone';
}

/**
 * `at` + the ISO-8601 `duration`, in UTC. Remembered: the items pinged in one note share its
 * time, and the plan and the board ask for each item's due time several times, for every issue.
 */
const dueTimes = new Map<string, DateTime>();
function dueDateTime(at: string, duration: string): DateTime {
  const key = `${at} ${duration}`;
  let due = dueTimes.get(key);
  if (!due) {
    if (dueTimes.size >= 10_000) dueTimes.clear();
    due = DateTime.fromISO(at, { zone: 'utc' }).plus(Duration.fromISO(duration));
    dueTimes.set(key, due);
  }
  return due;
}

/**
 * Who gets an item's ladder step: its owner (the pings) or the owner's manager, or the first
 * reachable person up the roster's `reports_to` chain when they cannot see the issue; the Support
 * Ops Managers (null) at the last step, for an item nobody owns, or when nobody up the chain can be reached.
 */
function routeOf(item: ItemState, step: LadderStep, input: FollowupInput): Route {
  if (step === 'som' || item.owner === null) return { to: null, skipped: [] };
  const first = step === 'manager' ? input.managerOf(item.owner) : item.owner;
  return routeUp(first, input.managerOf, input.reach ?? everyoneReachable);
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

function byItemId(a: ItemState, b: ItemState): number {
  return Number(a.id.split('-').pop()) - Number(b.id.split('-').pop());
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((value, index) => value === b[index]);
}
