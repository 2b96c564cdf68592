import { LADDER, type Claim, type PlannedNote } from './audit-types.js';
import { answerUnreadable, readAnswers } from './followup-answers.js';
import {
  auditBase,
  byItemId,
  everythingListed,
  sameSet,
  type FollowupInput,
  type FollowupPlan,
} from './followup-input.js';
import {
  addressedNote,
  everyItemAnswered,
  feedbackNotes,
  ladderNotes,
  reviewRequest,
  revivedNote,
  supersededOutcome,
  withSeen,
} from './followup-notes.js';
import {
  dueSteps,
  recheckNeeded,
  recordVanished,
  resolveFixedClaims,
  reviveReturned,
  takeDueSteps,
} from './followup-recheck.js';
import { renderOutcomeNote, renderReopenedNote, renderResumedNote } from './render-followup.js';

export type { AuditStatus, FollowupInput, FollowupPlan, Recheck } from './followup-input.js';
export { dueAt, nextDueStep } from './ladder.js';
export { FEEDBACK_BUDGET } from './followup-notes.js';

/**
 * The nightly follow-up for one audit issue, as a pure function of its rebuilt state, the
 * clock and config. Each run posts at most one ladder step per item, one note per recipient
 * per step, and nothing that the issue's notes show was already done.
 */
export function planFollowup(input: FollowupInput): FollowupPlan {
  const close = respondToClose(input);
  if ('ended' in close) return close.ended;
  const plan = planOpenAudit(input);
  return {
    ...plan,
    notes: plan.needsRecheck ? [] : [...close.notes, ...plan.notes],
    ...(close.reopen ? { reopen: true } : {}),
  };
}

/** How a close bears on the run: the plan of an audit that ended, or the notes that go first. */
export type CloseResponse = { ended: FollowupPlan } | { notes: PlannedNote[]; reopen: boolean };

/**
 * Only a Support Ops Manager may end an audit: anyone else's close is undone (and said why, once
 * per close); a Support Ops Manager's close ends it as it stands, until someone reopens it.
 */
export function respondToClose(input: FollowupInput): CloseResponse {
  const { state, issue } = input;
  const base = auditBase(state);
  if (state.outcome?.result === 'closed' && issue.open) {
    const resumed: PlannedNote = {
      marker: { v: 1, step: 'resumed', ...base },
      body: renderResumedNote({ ...base, closedBy: state.outcome.by }),
    };
    return { notes: [resumed], reopen: false };
  }
  if (state.outcome) {
    const closes = state.outcome.result === 'approved' || state.outcome.result === 'superseded';
    return { ended: { needsRecheck: false, notes: [], status: 'done', close: closes && issue.open } };
  }
  if (issue.open) return { notes: [], reopen: false };
  if (issue.closedBy === null || !input.supportOpsManagers.includes(issue.closedBy)) {
    const closedAt = issue.closedAt ?? '';
    if (state.undoneCloses.has(closedAt)) return { notes: [], reopen: true };
    const reopened: PlannedNote = {
      marker: { v: 1, step: 'reopened', ...base, by: issue.closedBy, closedAt },
      body: renderReopenedNote({ ...base, closedBy: issue.closedBy, supportOpsManagers: input.supportOpsManagers }),
    };
    return { notes: [reopened], reopen: true };
  }
  const items = [...state.items.values()];
  const closed: PlannedNote = {
    marker: { v: 1, step: 'outcome', ...base, result: 'closed', by: issue.closedBy },
    body: renderOutcomeNote({ ...base, result: 'closed', by: issue.closedBy, now: input.now, items }),
  };
  return { ended: { needsRecheck: false, notes: [closed], status: 'done', close: false } };
}

/**
 * A Support Ops Manager's approval of the latest review request, when that request covered every
 * item listed (a conversational "LGTM" earlier does not end the audit).
 */
export function findApproval(input: FollowupInput): Claim | undefined {
  const { state } = input;
  const review =
    state.lastReview && sameSet(state.lastReview.findings, everythingListed(state)) ? state.lastReview : undefined;
  return (
    review &&
    state.claims.find(
      (claim) =>
        claim.claim.kind === 'approved' &&
        input.supportOpsManagers.includes(claim.author) &&
        claim.noteId > review.noteId,
    )
  );
}

/** The follow-up of an audit that is not over: answers, the platform's word on them, the ladder, the review. */
function planOpenAudit(input: FollowupInput): FollowupPlan {
  const approval = findApproval(input);
  if (approval) return approved(input, approval);
  const answers = readAnswers(input);
  const due = dueSteps(input, answers.latest);
  if (!input.recheck && recheckNeeded(input, answers, due))
    return { needsRecheck: true, notes: [], status: 'open', close: false };
  const fixed = resolveFixedClaims(input, answers.fixed);
  const confirmed = new Set(fixed.addressed.map((entry) => entry.item.fingerprint));
  const ladder = takeDueSteps(input, due, answers.fixed, confirmed);
  const { revived, actions: resumed } = reviveReturned(input);
  const addressed = [
    ...answers.intentional,
    ...fixed.addressed,
    ...ladder.addressed,
    ...recordVanished(input, answers.latest, due),
  ].sort((a, b) => byItemId(a.item, b.item));
  const actions = [...ladder.actions, ...resumed].sort(
    (a, b) => LADDER.indexOf(a.step) - LADDER.indexOf(b.step) || byItemId(a.item, b.item),
  );
  const feedback = [...answers.notAllowed, ...fixed.stillPresent, ...answerUnreadable(input)];

  // The record first, then answers to people, then the ladder, then the review request.
  const notes = [
    ...addressedNote(input, addressed),
    ...revivedNote(input, revived, actions),
    ...feedbackNotes(input, feedback),
  ];
  const superseded = supersededOutcome(input, addressed, revived);
  if (superseded) return { needsRecheck: false, notes: [...notes, superseded], status: 'done', close: true };
  notes.push(...ladderNotes(input, actions));
  const allAnswered = everyItemAnswered(input.state, addressed, revived);
  if (allAnswered) notes.push(...reviewRequest(input, addressed));
  return {
    needsRecheck: false,
    notes: withSeen(notes, input.state),
    status: allAnswered ? 'review' : 'open',
    close: false,
  };
}

/** The approved outcome: the audit is complete and the issue closes. */
function approved(input: FollowupInput, approval: Claim): FollowupPlan {
  const base = auditBase(input.state);
  const by = approval.author;
  const items = [...input.state.items.values()];
  const outcome: PlannedNote = {
    marker: { v: 1, step: 'outcome', ...base, result: 'approved', by, noteId: approval.noteId },
    body: renderOutcomeNote({ ...base, result: 'approved', by, now: input.now, items }),
  };
  return { needsRecheck: false, notes: [outcome], status: 'done', close: true };
}
