import type { Clock } from '../clock.js';
import type { LadderDurations } from '../config/types.js';
import type { Logger } from '../log.js';
import type { IssueChanges, TrackedIssue, TrackedNote, Tracker } from '../gitlab/tracker.js';
import type { PlannedNote } from '../domain/audit-types.js';
import { botNotes, type DamagedRecord } from '../domain/bot-notes.js';
import { sealedNoteText, type Marker } from '../domain/markers.js';
import {
  describedIdentity,
  identityLabelChanges,
  identityLabels,
  issueDescription,
  issueTitle,
  platformLabel,
  sameAudit,
  type AuditIdentity,
} from '../domain/issue.js';
import { quarterStart } from '../domain/quarter.js';
import type { PlatformId } from '../domain/types.js';
import { recordingNotes } from './recording.js';

/**
 * What a command plans for one audit issue: the notes to post, and what follows once they are in
 * the issue (among it, what must change on the issue itself).
 */
export interface IssuePlan<Settled extends { changes: IssueChanges }> {
  /** The issue's notes the plan was made from. */
  read: TrackedNote[];
  /** The notes to post, in order. */
  notes: PlannedNote[];
  /** What follows once `posted` (this run's notes) are in the issue. */
  settle: (posted: TrackedNote[]) => Settled;
  /** `settle` of the planned notes, dated the run's clock until GitLab dates them. */
  settled: Settled;
}

/** Whether applying a plan writes anything: a note, a change of the issue, or making it confidential again. */
export function writesAnything(
  plan: IssuePlan<{ changes: IssueChanges }>,
  issue: Pick<TrackedIssue, 'confidential'>,
  confidential: boolean,
): boolean {
  return plan.notes.length > 0 || Object.keys(plan.settled.changes).length > 0 || madePublic(issue, confidential);
}

/**
 * The apply step of both commands: posts the plan's notes (none twice: see `postNotes`), then
 * makes the issue's changes as they stand once the notes are in, its board dated as GitLab dated
 * the notes (a dry run dates nothing).
 */
export async function applyPlan<Settled extends { changes: IssueChanges }>(
  tracker: Tracker,
  iid: number,
  plan: IssuePlan<Settled>,
  platform: PlatformId,
  logger?: Logger,
): Promise<{ notesPosted: number; settled: Settled }> {
  const posted = recordingNotes(tracker);
  const notesPosted = await postNotes(posted.tracker, iid, plan.notes, platform, logger);
  const settled =
    plan.notes.length > 0 && !tracker.dryRun
      ? plan.settle(await datedPosts(tracker, iid, posted.notes, plan.notes.length, plan.read))
      : plan.settled;
  if (Object.keys(settled.changes).length > 0) await tracker.updateIssue(iid, settled.changes);
  return { notesPosted, settled };
}

/**
 * Applies an issue's plan under the lease `name`. Another run may just have acted on the issue,
 * so `replan` reads it again and plans from what it read, under the lease; that plan is applied.
 * Undefined, with nothing done, when another run holds the lease.
 */
export async function applyUnderLease<Settled extends { changes: IssueChanges }, Planned extends IssuePlan<Settled>>(
  run: { tracker: Tracker; clock: Clock; logger: Logger },
  name: string,
  platform: PlatformId,
  replan: () => Promise<Planned & { iid: number }>,
): Promise<(Planned & { iid: number; notesPosted: number; settled: Settled }) | undefined> {
  return withLease(
    run.tracker,
    name,
    run.clock,
    async () => {
      const planned = await replan();
      return { ...planned, ...(await applyPlan(run.tracker, planned.iid, planned, platform, run.logger)) };
    },
    run.logger,
  );
}

export interface EnsureIssueInput {
  platform: PlatformId;
  quarter: string;
  template: string;
  labels: string[];
  confidential: boolean;
  /** The config's ladder: the template's `{{second_ping_after}}`, `{{manager_after}}` and `{{som_after}}`. */
  ladder: LadderDurations;
}

/**
 * Find-or-create the quarter's audit issue. A create whose answer was lost (timeout, 5xx after
 * the server acted) is followed by a second look before failing, so a retry never makes two.
 * `empty` when GitLab answered this run's create: the issue has no notes yet. One found after a
 * lost answer may be another run's, notes and all.
 */
export async function ensureIssue(
  tracker: Tracker,
  input: EnsureIssueInput & { skip?: ReadonlySet<number> },
  logger: Logger,
): Promise<{ issue: TrackedIssue; created: boolean; empty: boolean }> {
  const identity = identityLabels(input.platform, input.quarter);
  const audit = { platform: input.platform, quarter: input.quarter };
  const bot = await tracker.currentUsername();
  const existing = await findAuditIssues(tracker, audit, bot, input.skip);
  if (existing.length > 0) {
    if (existing.length > 1)
      logger.warn(
        { iids: existing.map((issue) => issue.iid) },
        'several audit issues of the bot are for the same audit; using the oldest',
      );
    return { issue: existing[0], created: false, empty: false };
  }
  const newIssue = {
    title: issueTitle(input.platform, input.quarter),
    description: issueDescription(input.template, input.platform, input.quarter, input.ladder),
    labels: [...new Set([...input.labels, ...identity])],
    confidential: input.confidential,
  };
  try {
    return { issue: await tracker.createIssue(newIssue), created: true, empty: true };
  } catch (error) {
    const after = await findAuditIssues(tracker, audit, bot, input.skip).catch(() => []);
    if (after.length > 0) return { issue: after[0], created: true, empty: false };
    throw error;
  }
}

/**
 * No audit issue of a quarter is older than this before the quarter's start (a runner's clock and
 * GitLab's may differ).
 */
const BEFORE_QUARTER_MS = 24 * 3600_000;

/**
 * The bot's issues for one audit, oldest first. Labels do not decide (anyone who can read a
 * confidential issue can relabel it): only issues the bot created (`scope=created_by_me`; an author
 * never changes) whose `issue` marker names the platform and quarter, created since the quarter
 * began (`open` refuses later quarters, so none is older). `skip`: issues to leave out.
 */
export async function findAuditIssues(
  tracker: Tracker,
  audit: AuditIdentity,
  bot: string | undefined,
  skip?: ReadonlySet<number>,
): Promise<TrackedIssue[]> {
  const since = new Date(quarterStart(audit.quarter).getTime() - BEFORE_QUARTER_MS);
  const own = await tracker.findIssues([], 'all', { ownOnly: true, createdAfter: since });
  return own.filter((issue) => !skip?.has(issue.iid) && sameAudit(describedIdentity(issue, bot), audit));
}

/** Identifies a note's purpose: two notes with the same key are the same note. */
export function markerKey(marker: Marker): string {
  return JSON.stringify([
    marker.platform,
    marker.quarter,
    marker.step,
    marker.owner ?? null,
    [...(marker.findings ?? [])].sort(),
  ]);
}

/**
 * Posts planned notes in order. If a post fails without a clear "not done" (the retry layer
 * already retried what is safe), the notes are read again: a note that did land counts as posted.
 */
export async function postNotes(
  tracker: Tracker,
  iid: number,
  planned: PlannedNote[],
  platform: PlatformId,
  logger?: Logger,
): Promise<number> {
  let posted = 0;
  for (const note of planned) {
    try {
      await tracker.createNote(iid, sealedNoteText(note.body, note.marker));
    } catch (error) {
      const bot = await tracker.currentUsername();
      const landed = botNotes(await tracker.listNotes(iid), bot, platform).some(
        ({ marker }) => markerKey(marker) === markerKey(note.marker),
      );
      if (!landed) throw error;
      logger?.warn(
        { iid, step: note.marker.step, err: error },
        'the answer to a note was lost, but the note is there: not posting it again',
      );
    }
    posted += 1;
  }
  return posted;
}

/**
 * This run's notes as GitLab dated them: as recorded when every answer came back, else read back
 * (a post whose answer was lost landed all the same), the bot's notes that were not there before.
 */
export async function datedPosts(
  tracker: Tracker,
  iid: number,
  recorded: TrackedNote[],
  planned: number,
  before: TrackedNote[],
): Promise<TrackedNote[]> {
  if (recorded.length === planned) return recorded;
  const bot = await tracker.currentUsername();
  const known = new Set(before.map((note) => note.id));
  return (await tracker.listNotes(iid)).filter((note) => !known.has(note.id) && !note.system && note.author === bot);
}

export const STATUS_LABELS = {
  open: 'audit-status::open',
  review: 'audit-status::review',
  done: 'audit-status::done',
} as const;

export type IssueStatus = keyof typeof STATUS_LABELS;

/** What must change on the issue so its board, status label and state match `wanted` (empty when nothing). */
export function issueChanges(
  issue: TrackedIssue,
  wanted: { description: string; status: IssueStatus; close: boolean; reopen?: boolean; identity?: AuditIdentity },
): IssueChanges {
  const label = STATUS_LABELS[wanted.status];
  const stale = Object.values(STATUS_LABELS).filter((other) => other !== label && issue.labels.includes(other));
  const changes: IssueChanges = {};
  if (wanted.description !== issue.description) changes.description = wanted.description;
  // The labels people find audits by, put back as the bot's record says when someone removed or
  // changed one.
  const identity = wanted.identity ? identityLabelChanges(issue.labels, wanted.identity) : { add: [], remove: [] };
  const add = [...(issue.labels.includes(label) ? [] : [label]), ...identity.add];
  const remove = [...stale, ...identity.remove];
  if (add.length > 0 || remove.length > 0) {
    // Scoped labels are exclusive: the status label is added whenever one is removed, so it is
    // never left without.
    changes.addLabels = [...new Set([label, ...identity.add])];
    if (remove.length > 0) changes.removeLabels = remove;
  }
  if (wanted.close && issue.state === 'opened') changes.stateEvent = 'close';
  if (wanted.reopen && issue.state === 'closed') changes.stateEvent = 'reopen';
  return changes;
}

/** Whether an issue is public while audit.config.yml wants audit issues confidential. */
export const madePublic = (issue: Pick<TrackedIssue, 'confidential'>, wanted: boolean): boolean =>
  wanted && !issue.confidential;

/**
 * Before the bot writes to an audit issue, it is made confidential again if someone made it
 * public (or created it public with the audit's labels), when audit.config.yml wants that.
 */
export async function keepConfidential(
  tracker: Tracker,
  issue: TrackedIssue,
  wanted: boolean,
  logger: Logger,
): Promise<TrackedIssue> {
  if (!madePublic(issue, wanted)) return issue;
  logger.warn({ issue: issue.iid }, 'the audit issue was not confidential: made confidential again before writing');
  await tracker.updateIssue(issue.iid, { confidential: true });
  return { ...issue, confidential: true };
}

/**
 * The notes a plan would add, as the tracker would return them, so the state after a run can be
 * known before it.
 */
export function asPostedNotes(planned: PlannedNote[], author: string, now: Date): TrackedNote[] {
  const at = now.toISOString();
  return planned.map((note, index) => ({
    id: -(index + 1),
    body: sealedNoteText(note.body, note.marker),
    author,
    system: false,
    createdAt: at,
    updatedAt: at,
  }));
}

/** How long a run may hold an issue before another run may take it over (a killed run never releases). */
export const LEASE_MS = 15 * 60_000;

export const LEASE_HELD =
  'another audit-bot run holds its lease (a project label named audit-bot-lock-…). ' +
  'If no other run is going on, a killed run left it: re-run after 15 minutes, or delete that label.';

/**
 * Runs `work` while holding the lease `name`; returns undefined, doing nothing, when another run
 * holds it (that run does the work). The lease is released even when `work` fails. A release that
 * fails is logged, never reported instead of the work's own outcome: the lease then expires.
 */
export async function withLease<T>(
  tracker: Tracker,
  name: string,
  clock: Clock,
  work: () => Promise<T>,
  logger?: Logger,
): Promise<T | undefined> {
  // From the time it is taken, not the run's start: a platform check can outlast a lease.
  const now = clock();
  if (!(await tracker.acquireLease(name, now, new Date(now.getTime() + LEASE_MS)))) return undefined;
  try {
    return await work();
  } finally {
    try {
      await tracker.releaseLease(name);
    } catch (error) {
      logger?.warn({ lease: name, err: error }, 'could not release the lease; it expires in 15 minutes');
    }
  }
}

/** An audit issue the bot must not go on with until a person has acted: the message says what to do. */
export class IssueNeedsPerson extends Error {
  constructor(
    readonly iid: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What an operator reads when the bot's record in an issue is damaged, with what to do about it.
 * `currentQuarter` is the quarter the run works on: an issue of an earlier one is only closed,
 * as this quarter's audit lists its findings.
 */
export function damagedRecordNote(
  record: DamagedRecord,
  platform: PlatformId,
  issueQuarter: string | undefined,
  currentQuarter: string,
  bot: string,
): string {
  const open = `\`open --platform ${platform} --quarter ${issueQuarter ?? "<the issue's quarter>"}\``;
  const past = issueQuarter !== undefined && issueQuarter < currentQuarter;
  const close = `close the issue and remove its ${platformLabel(platform)} label`;
  const startOver = past
    ? `${close}; this quarter's audit lists the findings`
    : `${close}, then run ${open}: it opens a new issue that lists the findings again and pings their owners ` +
      'afresh (answers given in this issue do not carry over)';
  const idsLost = 'The item ids cannot be given out again safely, as replies name them';
  switch (record.cause) {
    case 'never-posted':
      return past
        ? 'the issue has no results note: `open` stopped before posting it, ' +
            `in ${issueQuarter}, an earlier quarter. ${startOver}`
        : `the issue has no results note: \`open\` stopped before posting it. ${open} posts it`;
    case 'deleted':
      return `a results note of the bot's in this issue was deleted. ${idsLost}: ${startOver}`;
    case 'edited':
      return (
        `a results note of the bot's in this issue (note ${record.noteId}) was edited by someone else, ` +
        `so it is no longer the bot's record. ${idsLost}: ${startOver}`
      );
    case 'unverified':
      return (
        "the seals on the bot's notes in this issue do not verify with the current key: " +
        'GITLAB_TOKEN was changed while AUDIT_SEAL_KEY was unset (the seals were keyed from the old token). ' +
        "Set the masked CI variable AUDIT_SEAL_KEY to the old token's value and re-run: " +
        'the seals then verify again, and stay valid through later rotations. ' +
        `If the old token is lost, ${startOver}`
      );
    case 'other-author':
      return record.author === 'ghost'
        ? "the bot's notes in this issue were written by a user GitLab has since deleted " +
            `(its token was revoked): ${startOver}`
        : `the bot's notes in this issue were written by ${record.author}, not by ${bot}: ` +
            'GITLAB_TOKEN now belongs to another user. ' +
            `Run with a token of ${record.author}; if there is none, ${startOver}`;
  }
}
