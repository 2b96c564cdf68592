import type { ItemState } from './audit-types.js';
import { claimKey } from './followup-state.js';
import type { FollowupInput } from './followup-input.js';
import type { AddressedEntry, FeedbackEntry } from './render-followup.js';
import type { ReplyClaim } from './replies.js';

/** The latest allowed claim on an item, with the keys of the earlier claims on it that it answers too. */
export interface LatestClaim {
  noteId: number;
  author: string;
  claim: ReplyClaim;
  earlier: string[];
}

/** A "fixed" claim on an item: only the platform can confirm it. */
export interface FixedClaim {
  noteId: number;
  author: string;
  laterClaims: string[];
}

/** What people's unanswered claims say, item by item. */
export interface Answers {
  /** Per fingerprint, the claim that decides the item. */
  latest: Map<string, LatestClaim>;
  /** Items answered as intentional: recorded as they stand. */
  intentional: AddressedEntry[];
  /** Items claimed fixed, per fingerprint: the platform decides. */
  fixed: Map<string, FixedClaim>;
  /** Claims by people who may not answer for the item: each answered once. */
  notAllowed: FeedbackEntry[];
}

/**
 * Reads the claims nobody has answered yet, per item (explicit ids, or "all" = the items the
 * author was asked about): the latest allowed claim on an item decides it.
 */
export function readAnswers(input: FollowupInput): Answers {
  const { state } = input;
  const openItems = [...state.items.values()].filter((item) => !item.addressed);
  const notAllowed: { entry: FeedbackEntry; handles: string }[] = [];
  // Of a note's "all" claims only its last counts: it covers the same items, under the same keys.
  const lastAll = new Map<number, ReplyClaim>();
  for (const { noteId, claim } of state.claims)
    if (claim.kind !== 'approved' && claim.ids === 'all') lastAll.set(noteId, claim);
  const latest = new Map<string, LatestClaim>();
  for (const { noteId, author, at, claim } of state.claims) {
    if (claim.kind === 'approved' || (claim.ids === 'all' && lastAll.get(noteId) !== claim)) continue;
    const targets =
      claim.ids === 'all'
        ? // "all" means the items as they stood when the author wrote it, not items listed later.
          openItems.filter((item) => answerableSince(item) <= at && askedAbout(input, author, item, at))
        : // An answer counts only for items listed (or found again) before it was written: "PD-14
          // intentional" written before `open` listed PD-14 answers nothing, nor does an old "fixed"
          // an item found again.
          claim.ids
            .map((id) => state.items.get(state.byId.get(id) ?? ''))
            .filter((item): item is ItemState => item !== undefined && answerableSince(item) <= at);
    for (const item of targets) {
      const key = claimKey(noteId, item.fingerprint);
      if (item.addressed || state.handledClaims.has(key)) continue;
      if (!mayAnswerFor(input, author, item)) {
        notAllowed.push({ entry: { item, to: author, noteId, reason: 'not-allowed' }, handles: key });
        continue;
      }
      const before = latest.get(item.fingerprint);
      // One list of the earlier claims' keys, grown in place (a note's claims on the item share one key).
      const earlier = before?.earlier ?? [];
      if (before && before.noteId !== noteId) earlier.push(claimKey(before.noteId, item.fingerprint));
      latest.set(item.fingerprint, { noteId, author, claim, earlier });
    }
  }
  const intentional: AddressedEntry[] = [];
  const fixed = new Map<string, FixedClaim>();
  for (const [fingerprint, { noteId, author, claim, earlier }] of latest) {
    const item = state.items.get(fingerprint)!;
    if (claim.kind === 'intentional')
      intentional.push({ item, how: 'intentional', by: author, noteId, reason: claim.reason, alsoAnswers: earlier });
    else fixed.set(fingerprint, { noteId, author, laterClaims: earlier });
  }
  return { latest, intentional, fixed, notAllowed: oncePerPersonAndItem(notAllowed) };
}

/** Answers a reply that names an item but reads as no instruction: the forms the bot reads, once. */
export function answerUnreadable(input: FollowupInput): FeedbackEntry[] {
  const { state } = input;
  const unreadable: { entry: FeedbackEntry; handles: string }[] = [];
  for (const { noteId, author, ids } of state.unreadable) {
    for (const item of ids
      .map((id) => state.items.get(state.byId.get(id) ?? ''))
      .filter((item): item is ItemState => item !== undefined)) {
      if (!item.addressed && mayAnswerFor(input, author, item))
        unreadable.push({ entry: { item, to: author, noteId, reason: 'unreadable' }, handles: `unreadable:${noteId}` });
    }
  }
  return oncePerPersonAndItem(unreadable);
}

/**
 * One line per person, item and answer: the same refusal, repeated in a note or over notes, is
 * answered once, and that answer records every claim it stands for (`laterClaims`).
 */
function oncePerPersonAndItem(answers: { entry: FeedbackEntry; handles: string }[]): FeedbackEntry[] {
  const answered = new Map<string, FeedbackEntry>();
  const feedback: FeedbackEntry[] = [];
  for (const { entry, handles } of answers) {
    const key = `${entry.to}\u0000${entry.reason}\u0000${entry.item.fingerprint}`;
    const known = answered.get(key);
    if (!known) {
      answered.set(key, entry);
      feedback.push(entry);
    } else if (known.noteId !== entry.noteId) (known.laterClaims ??= []).push(handles);
  }
  return feedback;
}

/**
 * Who may answer for an item: its owner, their manager, whoever a ping about it went to, a
 * Support Ops Manager.
 */
export function mayAnswerFor(
  input: Pick<FollowupInput, 'supportOpsManagers' | 'managerOf'>,
  author: string,
  item: ItemState,
): boolean {
  return (
    input.supportOpsManagers.includes(author) ||
    (item.owner !== null && (author === item.owner || author === input.managerOf(item.owner))) ||
    item.pings.some((ping) => ping.to === author)
  );
}

/**
 * What "all" covers: every item the notes asked its author about by the time they wrote it (their
 * own, and those of the pings they got, a manager's included); for a Support Ops Manager, every open item.
 */
function askedAbout(input: Pick<FollowupInput, 'supportOpsManagers'>, author: string, item: ItemState, at: string) {
  return (
    input.supportOpsManagers.includes(author) ||
    item.owner === author ||
    item.pings.some((ping) => ping.to === author && ping.at <= at)
  );
}

/** Answers count for an item only when written after it was listed, or after it was found again. */
function answerableSince(item: ItemState): string {
  return item.revived?.noteAt ?? item.listedAt;
}
