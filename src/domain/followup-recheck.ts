import type { ItemState, LadderStep } from './audit-types.js';
import type { Answers, FixedClaim, LatestClaim } from './followup-answers.js';
import { everythingListed, sameSet, type FollowupInput, type LadderAction, type Recheck } from './followup-input.js';
import { nextDueStep } from './ladder.js';
import type { AddressedEntry, FeedbackEntry } from './render-followup.js';

/**
 * The ladder steps due for items not answered for good (a wrong "fixed" does not stop the ladder).
 * None in an issue a later quarter's takes over: its findings are chased there.
 */
export function dueSteps(input: FollowupInput, latest: Map<string, LatestClaim>): Map<string, LadderStep> {
  const due = new Map<string, LadderStep>();
  if (input.supersededBy) return due;
  for (const item of input.state.items.values()) {
    if (item.addressed || latest.get(item.fingerprint)?.claim.kind === 'intentional') continue;
    const step = nextDueStep(item, input);
    if (step) due.set(item.fingerprint, step);
  }
  return due;
}

/**
 * Whether the plan needs the platform's word: anything claimed fixed or about to be pinged is
 * checked first, and before the review request whatever is recorded fixed or gone (it may be back).
 */
export function recheckNeeded(input: FollowupInput, answers: Answers, due: Map<string, LadderStep>): boolean {
  const { state } = input;
  const listed = everythingListed(state);
  const reviewNext =
    !input.supersededBy &&
    [...state.items.values()].every(
      (item) => item.addressed || answers.latest.get(item.fingerprint)?.claim.kind === 'intentional',
    ) &&
    !state.reviews.some((asked) => sameSet(asked, listed)) &&
    [...state.items.values()].some(wasFixedOrGone);
  return answers.fixed.size > 0 || due.size > 0 || reviewNext;
}

/** What the re-check says of an item: gone (fixed, when someone said so) or accepted, else nothing. */
export function platformVerdict(
  recheck: Recheck | undefined,
  item: ItemState,
  by: string | null,
  noteId?: number,
): AddressedEntry | undefined {
  if (!recheck) return undefined;
  const reason = recheck.accepted.get(item.fingerprint);
  if (reason !== undefined) return { item, how: 'accepted', by, noteId, reason };
  if (!recheck.present.has(item.fingerprint)) return { item, how: by ? 'fixed' : 'gone', by, noteId };
  return undefined;
}

/** The "fixed" claims the platform confirms, recorded; the others answered: the item is still there. */
export function resolveFixedClaims(
  input: FollowupInput,
  fixed: Map<string, FixedClaim>,
): { addressed: AddressedEntry[]; stillPresent: FeedbackEntry[] } {
  const addressed: AddressedEntry[] = [];
  const stillPresent: FeedbackEntry[] = [];
  for (const [fingerprint, { noteId, author, laterClaims }] of fixed) {
    const item = input.state.items.get(fingerprint)!;
    const resolved = platformVerdict(input.recheck, item, author, noteId);
    if (resolved) addressed.push({ ...resolved, alsoAnswers: laterClaims });
    else stillPresent.push({ item, to: author, noteId, reason: 'still-present', laterClaims });
  }
  return { addressed, stillPresent };
}

/**
 * The due ladder steps the platform leaves standing; a due item it shows gone or accepted is
 * recorded instead. An item claimed fixed keeps its step unless the platform confirmed the claim.
 */
export function takeDueSteps(
  input: FollowupInput,
  due: Map<string, LadderStep>,
  fixed: Map<string, FixedClaim>,
  confirmed: ReadonlySet<string>,
): { actions: LadderAction[]; addressed: AddressedEntry[] } {
  const actions: LadderAction[] = [];
  const addressed: AddressedEntry[] = [];
  for (const [fingerprint, step] of due) {
    if (confirmed.has(fingerprint)) continue;
    const item = input.state.items.get(fingerprint)!;
    const resolved = fixed.has(fingerprint) ? undefined : platformVerdict(input.recheck, item, null);
    if (resolved) addressed.push(resolved);
    else actions.push({ item, step });
  }
  return { actions, addressed };
}

/**
 * "Gone" is not final: an item recorded fixed or gone that the check reports again is open again,
 * with its history, and its ladder resumes from its last step, timed from now.
 */
export function reviveReturned(input: FollowupInput): { revived: Map<string, ItemState>; actions: LadderAction[] } {
  const { recheck } = input;
  const revived = new Map<string, ItemState>();
  const actions: LadderAction[] = [];
  for (const item of recheck ? input.state.items.values() : []) {
    if (!wasFixedOrGone(item) || !recheck!.present.has(item.fingerprint) || recheck!.accepted.has(item.fingerprint))
      continue;
    const { addressed: was, ...rest } = item;
    const open: ItemState = {
      ...rest,
      revived: { at: input.now.toISOString(), noteAt: input.now.toISOString(), was: was! },
    };
    revived.set(item.fingerprint, open);
    const step = input.supersededBy ? undefined : nextDueStep(open, input);
    if (step) actions.push({ item: open, step });
  }
  return { revived, actions };
}

/** The platform was read anyway: open items that vanished without a reply (or were accepted) are recorded too. */
export function recordVanished(
  input: FollowupInput,
  latest: Map<string, LatestClaim>,
  due: Map<string, LadderStep>,
): AddressedEntry[] {
  const addressed: AddressedEntry[] = [];
  for (const item of input.state.items.values()) {
    if (item.addressed || latest.has(item.fingerprint) || due.has(item.fingerprint)) continue;
    const resolved = platformVerdict(input.recheck, item, null);
    if (resolved) addressed.push(resolved);
  }
  return addressed;
}

/** An item the platform check vouched for (fixed, gone): a later check can find it again. */
export function wasFixedOrGone(item: ItemState): boolean {
  return item.addressed?.how === 'fixed' || item.addressed?.how === 'gone';
}
