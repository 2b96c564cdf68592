import { applyAllowList } from '../domain/allow-list.js';
import type { IssueState } from '../domain/audit-types.js';
import { BOARD } from '../domain/board.js';
import { damagedRecord } from '../domain/bot-notes.js';
import { checkPageSize, describedIssue, standingCheckpoint, unchangedSince } from '../domain/checkpoint.js';
import { editedNotesNotice } from '../domain/edited-notes.js';
import { planFollowup, type AuditStatus, type FollowupPlan, type Recheck } from '../domain/followup-plan.js';
import { rebuildState } from '../domain/followup-state.js';
import {
  describedIdentity,
  identityLabelChanges,
  recordedIdentity,
  withIdentityMarker,
  type AuditIdentity,
} from '../domain/issue.js';
import { quarterOf } from '../domain/quarter.js';
import { auditReport, type AuditReport, type UnchangedAuditReport } from '../domain/report.js';
import type { CheckResult, Finding, PlatformId } from '../domain/types.js';
import type { IssueChanges, TrackedIssue, TrackedNote } from '../gitlab/tracker.js';
import {
  applyUnderLease,
  asPostedNotes,
  damagedRecordNote,
  issueChanges,
  IssueNeedsPerson,
  keepConfidential,
  madePublic,
  STATUS_LABELS,
  writesAnything,
  type IssuePlan,
} from './apply.js';
import { ladderRules, type AuditContext } from './context.js';
import { mentionedIn, reachBookOf } from './reach-book.js';

export interface FollowupOutcome {
  platform: PlatformId;
  issueIid: number;
  notesPosted: number;
  rechecked: boolean;
  status: AuditStatus;
  closed: boolean;
  /** Another run held the issue's lease: this run left it alone. */
  skipped: boolean;
  /** Nothing happened since the last run and nothing is due: one page of notes read, nothing else. */
  unchanged: boolean;
  report?: AuditReport | UnchangedAuditReport;
}

/**
 * Thrown for a closed issue whose record a person retired (lost results, closed as the failure's
 * message says): not followed.
 */
export class RetiredIssue extends Error {
  constructor(readonly iid: number) {
    super(`issue #${iid}: closed with a damaged record, retired`);
  }
}

/**
 * Thrown when an issue's description names another audit than the bot's notes in it do (someone
 * edited its hidden marker): the run follows it again as the audit its notes are for.
 */
export class MisdescribedIssue extends Error {
  constructor(readonly recorded: AuditIdentity) {
    super(
      "the issue's description names another audit than the bot's notes in it " +
        `(${recorded.platform} ${recorded.quarter})`,
    );
  }
}

const NOTHING_DONE = {
  notesPosted: 0,
  rechecked: false,
  status: 'open',
  closed: false,
  skipped: false,
  unchanged: false,
} as const;

/**
 * The outcome of an issue the last run left quiet (its checkpoint: no note added or edited since,
 * nothing due yet), at the cost of one read of its newest notes; undefined when it must be read in full.
 */
export async function quietNight(
  ctx: AuditContext,
  issue: TrackedIssue,
  platform: PlatformId,
  quarter = describedIdentity(issue)?.quarter,
): Promise<FollowupOutcome | undefined> {
  if (madePublic(issue, ctx.config.confidential)) return undefined;
  // A platform or quarter label someone removed or changed is put back: read in full.
  if (quarter === undefined) return undefined;
  const relabel = identityLabelChanges(issue.labels, { platform, quarter });
  if (relabel.add.length > 0 || relabel.remove.length > 0) return undefined;
  const checkpoint = standingCheckpoint(issue, BOARD, STATUS_LABELS, ladderRules(ctx), ctx.clock());
  if (
    !checkpoint ||
    checkpoint.quarter !== quarter ||
    !unchangedSince(checkpoint, await ctx.tracker.recentNotes(issue.iid, checkPageSize(checkpoint)))
  )
    return undefined;
  return {
    ...NOTHING_DONE,
    platform,
    issueIid: issue.iid,
    status: checkpoint.status,
    unchanged: true,
    report: {
      platform,
      quarter: checkpoint.quarter,
      issue: { iid: issue.iid, url: issue.webUrl, state: issue.state, labels: issue.labels },
      unchanged: {
        latestNotes: checkpoint.recent.map(([id, updatedAt]) => ({ id, updatedAt })),
        status: checkpoint.status,
        items: checkpoint.items,
        open: checkpoint.open,
        nextStepDue: checkpoint.due,
      },
    },
  };
}

export interface FollowupOptions {
  quietChecked?: boolean;
  supersededBy?: { iid: number; quarter: string };
  /** The run's time, from its start: the ladder steps it posts are timed from it. */
  now?: Date;
  quarter?: string;
}

/**
 * One audit issue's nightly step. An issue the last run left quiet (its checkpoint: no note added
 * or edited since, nothing due yet) costs one read of its newest notes and nothing more. Otherwise:
 * read its notes and rebuild its state, plan (pure), re-check the platform only when the plan
 * depends on it. Nothing to do costs no write and no lease; else the run takes the issue's lease,
 * reads and plans again under it (another run may just have acted), and applies that plan: the
 * planned notes, then the board (with a new checkpoint), labels and state in one go.
 */
export async function followupIssue(
  ctx: AuditContext,
  issue: TrackedIssue,
  platform: PlatformId,
  options: FollowupOptions = {},
): Promise<FollowupOutcome> {
  const quiet =
    options.quietChecked || options.supersededBy ? undefined : await quietNight(ctx, issue, platform, options.quarter);
  if (quiet) return quiet;
  const now = options.now ?? ctx.clock();
  const bot = await ctx.tracker.currentUsername();
  const run: RunOfIssue = { ctx, platform, bot, now, options, check: platformCheckOnce(ctx, platform, now) };
  const readAndPlan = async (current: TrackedIssue) => planIssue(run, await readIssue(run, current));

  let planned = await readAndPlan(issue);
  let notesPosted = 0;
  if (writesAnything(planned, issue, ctx.config.confidential)) {
    const applied = await applyUnderLease(ctx, `audit-bot-lock-issue-${issue.iid}`, platform, async () => {
      // Another run may just have acted on the issue: its notes, board, labels and state are read again.
      const current = await ctx.tracker.getIssue(issue.iid);
      return {
        iid: issue.iid,
        ...(await readAndPlan(await keepConfidential(ctx.tracker, current, ctx.config.confidential, ctx.logger))),
      };
    });
    if (!applied) return { ...NOTHING_DONE, platform, issueIid: issue.iid, skipped: true };
    ({ notesPosted } = applied);
    planned = applied;
  }
  const closed = planned.settled.changes.stateEvent === 'close';
  const checked = run.check.checked();
  return {
    ...NOTHING_DONE,
    platform,
    issueIid: issue.iid,
    notesPosted,
    rechecked: checked !== undefined,
    status: planned.followup.status,
    closed,
    report: auditReport({
      state: planned.settled.state,
      issue: { iid: issue.iid, url: issue.webUrl, state: closed ? 'closed' : issue.state, labels: issue.labels },
      check: checked,
    }),
  };
}

/** One follow-up of an issue: what every read and plan of it in this run shares. */
interface RunOfIssue {
  ctx: AuditContext;
  platform: PlatformId;
  bot: string;
  now: Date;
  options: FollowupOptions;
  check: PlatformCheck;
}

/** What the follow-up reads of an issue: its notes, the audit they are the record of, its state. */
interface IssueRead {
  issue: TrackedIssue;
  notes: TrackedNote[];
  identity?: AuditIdentity;
  state: IssueState;
}

/** The follow-up's plan for an issue, with the apply step's view of it. */
type FollowupIssuePlan = IssuePlan<{ state: IssueState; changes: IssueChanges }> & { followup: FollowupPlan };

/**
 * Reads an issue's notes and rebuilds its state. Which audit it is: the bot's notes say; its
 * description's marker only until there are any.
 */
async function readIssue(run: RunOfIssue, issue: TrackedIssue): Promise<IssueRead> {
  const { ctx, bot, platform } = run;
  const notes = await ctx.tracker.listNotes(issue.iid);
  const quarter = run.options.quarter ?? describedIdentity(issue)?.quarter;
  const recorded = recordedIdentity(notes, bot);
  if (recorded && (recorded.platform !== platform || (quarter !== undefined && recorded.quarter !== quarter)))
    throw new MisdescribedIssue(recorded);
  const identity = recorded ?? (quarter !== undefined ? { platform, quarter } : undefined);
  // A record with lost results has no (complete) list of findings to follow: the night fails
  // for the issue and says what to do, rather than report an audit with nothing due. Once a
  // person has closed it (what that message tells them to do), it is left alone.
  const damaged = damagedRecord(notes, bot, platform);
  if (damaged && damaged.cause !== 'never-posted' && issue.state === 'closed') throw new RetiredIssue(issue.iid);
  if (damaged)
    throw new IssueNeedsPerson(
      issue.iid,
      damagedRecordNote(damaged, platform, identity?.quarter, quarterOf(run.now), bot),
    );
  return { issue, notes, identity, state: rebuildState(notes, bot, platform) };
}

/**
 * Plans the follow-up of an issue as read: the ladder and answers (re-checking the platform when
 * the plan depends on it), the notice of edited bot notes first, and what the issue becomes once
 * the notes are posted.
 */
async function planIssue(run: RunOfIssue, read: IssueRead): Promise<FollowupIssuePlan> {
  const { ctx, bot, platform, now } = run;
  const { issue, notes, identity, state } = read;
  const rules = ladderRules(ctx);
  const input = {
    state,
    issue: { open: issue.state === 'opened', closedBy: issue.closedBy, closedAt: issue.closedAt },
    now,
    ...rules,
    supersededBy: run.options.supersededBy,
  };
  const book = reachBookOf(ctx);
  const planReachable = () =>
    book.plan(
      (reach) => planFollowup({ ...input, recheck: run.check.recheck(), reach }),
      (planned) => mentionedIn(planned.notes, rules.supportOpsManagers),
    );
  let plan = await planReachable();
  if (plan.needsRecheck) {
    await run.check.read();
    plan = await planReachable();
  }
  // Bot notes someone else edited are not the bot's record: the issue is told so, once.
  const followup = { ...plan, notes: [...editedNotesNotice(notes, bot, platform, state.quarter), ...plan.notes] };
  // The state and board once the planned notes are posted (dated `now` until GitLab dates them).
  const settle = (posted: TrackedNote[]) => {
    const after = posted.length > 0 ? rebuildState([...notes, ...posted], bot, platform) : state;
    const stillOpen = (issue.state === 'opened' || followup.reopen === true) && !followup.close;
    // The bot's marker in the description and the platform and quarter labels, put back when
    // someone removed or changed them.
    const described = identity ? withIdentityMarker(issue.description, identity) : issue.description;
    const description = describedIssue({
      issue: { description: described, open: stillOpen },
      state: after,
      notes,
      posted,
      status: followup.status,
      now,
      rules,
    });
    const { status, close, reopen } = followup;
    return { state: after, changes: issueChanges(issue, { description, status, close, reopen, identity }) };
  };
  return {
    followup,
    read: notes,
    notes: followup.notes,
    settle,
    settled: settle(asPostedNotes(followup.notes, bot, now)),
  };
}

/** The platform's current findings, read at most once per run even when the plan is made again under the lease. */
interface PlatformCheck {
  /** Reads the platform, unless this run already did. */
  read(): Promise<void>;
  /** What the re-check says, once read. */
  recheck(): Recheck | undefined;
  /** The check as the report shows it, once read. */
  checked(): { result: CheckResult; findings: Finding[]; at: Date } | undefined;
}

function platformCheckOnce(ctx: AuditContext, platform: PlatformId, now: Date): PlatformCheck {
  let checked: { result: CheckResult; findings: Finding[]; at: Date } | undefined;
  let recheck: Recheck | undefined;
  return {
    async read() {
      if (checked) return;
      const result = await ctx.checker(platform)();
      const { active, accepted } = applyAllowList(result.findings, ctx.config.allow_list, now);
      checked = { result, findings: active, at: now };
      recheck = {
        at: now,
        present: new Set(active.map((finding) => finding.fingerprint)),
        accepted: new Map(accepted.map(({ finding, exception }) => [finding.fingerprint, exception.reason])),
      };
    },
    recheck: () => recheck,
    checked: () => checked,
  };
}
