import { applyAllowList } from '../domain/allow-list.js';
import { rebuildState } from '../domain/followup-state.js';
import { planFollowup, type AuditStatus, type FollowupPlan, type Recheck } from '../domain/followup-plan.js';
import { mentionedIn, reachBookOf } from './reach-book.js';
import { type CheckResult, type Finding, type PlatformId } from '../domain/types.js';
import { ConfigError } from '../config/errors.js';
import { DryRunTracker } from '../gitlab/dry-run-tracker.js';
import type { TrackedIssue, TrackedNote } from '../gitlab/tracker.js';
import { recordingNotes } from './recording.js';
import { implementedPlatforms } from '../platforms/index.js';
import {
  asPostedNotes,
  datedPosts,
  editedNotesNotice,
  issueChanges,
  damagedRecordNote,
  IssueNeedsPerson,
  keepConfidential,
  LEASE_HELD,
  madePublic,
  postNotes,
  STATUS_LABELS,
  withLease,
} from './apply.js';
import { damagedRecord } from '../domain/bot-notes.js';
import { isQuarter, quarterOf, quarterStart } from '../domain/quarter.js';
import { DateTime, Duration } from 'luxon';
import { BOARD } from '../domain/board.js';
import {
  describedIdentity,
  identityLabelChanges,
  recordedIdentity,
  sameAudit,
  withIdentityMarker,
  type AuditIdentity,
} from '../domain/issue.js';
import { checkPageSize, describedIssue, standingCheckpoint, unchangedSince } from '../domain/checkpoint.js';
import { auditReport, type AuditReport, type UnchangedAuditReport } from '../domain/report.js';
import { ladderRules, type AuditContext } from './context.js';
import { buildContext, buildTracker, writeReport, type RuntimeDeps } from './runtime.js';
import { explained } from '../gitlab/explain.js';
import { mapConcurrently, settledAll } from '../concurrency.js';

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

/** An audit issue the run follows, with the audit it is for: from the bot's record, never from its labels. */
export interface FollowedIssue extends AuditIdentity {
  issue: TrackedIssue;
}

/** How far back a close is looked at again whatever the issue's status label says (a label can be set by anyone). */
const CLOSES_LOOKED_AT_MS = 30 * 24 * 3600_000;

/**
 * Audit issues that still need the bot: open ones, and ones a person closed before the bot
 * recorded an outcome. Labels do not decide which issues are audits: anyone who can read a
 * confidential issue can relabel it. An audit issue is one the bot created (`scope=created_by_me`:
 * GitLab never changes an author) whose record names its platform and quarter: the `issue` marker
 * of its description, or else the markers of the bot's own notes. One listing of the bot's open
 * issues serves every platform. Closed ones: those whose status label the bot left open or in
 * review, and any closed in the last 30 days by someone other than a Support Ops Manager or the
 * bot itself (a status set to done with the close does not hide it), or with its status label gone.
 */
export async function issuesToFollow(
  ctx: AuditContext,
  platforms: PlatformId[],
  now: Date = ctx.clock(),
): Promise<FollowedIssue[]> {
  const own = { ownOnly: true };
  const [opened, closedOpen, closedInReview, recentlyClosed] = await settledAll([
    ctx.tracker.findIssues([], 'opened', own),
    ctx.tracker.findIssues([STATUS_LABELS.open], 'closed', own),
    ctx.tracker.findIssues([STATUS_LABELS.review], 'closed', own),
    ctx.tracker.findIssues([], 'closed', { ...own, updatedAfter: new Date(now.getTime() - CLOSES_LOOKED_AT_MS) }),
  ]);
  const soms = new Set(ctx.config.support_ops_managers);
  const unsettled = recentlyClosed.filter(
    (issue) =>
      !issue.labels.includes(STATUS_LABELS.done) ||
      (issue.closedBy !== issue.author && !soms.has(issue.closedBy ?? '')),
  );
  const seen = new Set<number>();
  const issues = [...opened, ...closedOpen, ...closedInReview, ...unsettled].filter(
    (issue) => !seen.has(issue.iid) && seen.add(issue.iid),
  );
  const found = await mapConcurrently(
    issues,
    QUIET_CHECKS_AT_ONCE,
    async (issue): Promise<FollowedIssue | undefined> => {
      const described = describedIdentity(issue);
      if (described) return { issue, ...described };
      // Its description lost the bot's marker: the bot's notes say which audit it is (one full read, for such an issue only).
      const recorded = recordedIdentity(
        await ctx.tracker.listNotes(issue.iid),
        issue.author ?? (await ctx.tracker.currentUsername()),
      );
      if (!recorded)
        ctx.logger.debug({ issue: issue.iid }, 'an issue of the bot with no record of an audit: not followed');
      return recorded ? { issue, ...recorded } : undefined;
    },
  );
  return found.filter((entry): entry is FollowedIssue => entry !== undefined && platforms.includes(entry.platform));
}

/** The platform an issue of the bot is an audit of, by its description's marker. */
export function platformOf(issue: TrackedIssue): PlatformId | undefined {
  return describedIdentity(issue)?.platform;
}

/** Thrown for a closed issue whose record a person retired (lost results, closed as the failure's message says): not followed. */
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
      `the issue's description names another audit than the bot's notes in it (${recorded.platform} ${recorded.quarter})`,
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

/**
 * One audit issue's nightly step. An issue the last run left quiet (its checkpoint: no note added
 * or edited since, nothing due yet) costs one read of its newest notes and nothing more. Otherwise:
 * rebuild its state from the notes, plan (pure), re-check the platform only when the plan depends
 * on it. Nothing to do costs no write and no lease; else the run takes the issue's lease, reads
 * the notes again under it (another run may just have acted), and posts the planned notes and the
 * board (with a new checkpoint) in one go.
 */
export async function followupIssue(
  ctx: AuditContext,
  issue: TrackedIssue,
  platform: PlatformId,
  options: {
    quietChecked?: boolean;
    supersededBy?: { iid: number; quarter: string };
    now?: Date;
    quarter?: string;
  } = {},
): Promise<FollowupOutcome> {
  const quiet =
    options.quietChecked || options.supersededBy ? undefined : await quietNight(ctx, issue, platform, options.quarter);
  if (quiet) return quiet;
  // The run's time (`options.now`, from its start): the ladder steps it posts are timed from it.
  const now = options.now ?? ctx.clock();
  const bot = await ctx.tracker.currentUsername();
  const rules = ladderRules(ctx);
  const outcome: FollowupOutcome = { ...NOTHING_DONE, platform, issueIid: issue.iid };

  let checked: { result: CheckResult; findings: Finding[]; at: Date } | undefined;
  let recheck: Recheck | undefined;
  const prepare = async (issue: TrackedIssue) => {
    const notes = await ctx.tracker.listNotes(issue.iid);
    // Which audit this is: the bot's notes say; its description's marker only until there are any.
    const quarter = options.quarter ?? describedIdentity(issue)?.quarter;
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
        damagedRecordNote(damaged, platform, identity?.quarter, quarterOf(now), bot),
      );
    const state = rebuildState(notes, bot, platform);
    const input = {
      state,
      issue: { open: issue.state === 'opened', closedBy: issue.closedBy, closedAt: issue.closedAt },
      now,
      ...rules,
      supersededBy: options.supersededBy,
    };
    const book = reachBookOf(ctx);
    const planReachable = () =>
      book.plan(
        (reach) => planFollowup({ ...input, recheck, reach }),
        (planned) => mentionedIn(planned.notes, rules.supportOpsManagers),
      );
    let plan: FollowupPlan = await planReachable();
    if (plan.needsRecheck) {
      // One platform read per run, even when the plan is made again under the lease.
      if (!checked) {
        const result = await ctx.checker(platform)();
        const { active, accepted } = applyAllowList(result.findings, ctx.config.allow_list, now);
        checked = { result, findings: active, at: now };
        recheck = {
          at: now,
          present: new Set(active.map((finding) => finding.fingerprint)),
          accepted: new Map(accepted.map(({ finding, exception }) => [finding.fingerprint, exception.reason])),
        };
      }
      plan = await planReachable();
    }
    // Bot notes someone else edited are not the bot's record: the issue is told so, once.
    plan = { ...plan, notes: [...editedNotesNotice(notes, bot, platform, state.quarter), ...plan.notes] };
    // The state and board once the planned notes are posted (dated `now` until GitLab dates them).
    const settle = (posted: TrackedNote[]) => {
      const after = posted.length > 0 ? rebuildState([...notes, ...posted], bot, platform) : state;
      const stillOpen = (issue.state === 'opened' || plan.reopen === true) && !plan.close;
      // The bot's marker in the description and the platform and quarter labels, put back when someone removed or changed them.
      const described = identity ? withIdentityMarker(issue.description, identity) : issue.description;
      const description = describedIssue({
        issue: { description: described, open: stillOpen },
        state: after,
        notes,
        posted,
        status: plan.status,
        now,
        rules,
      });
      return {
        after,
        changes: issueChanges(issue, {
          description,
          status: plan.status,
          close: plan.close,
          reopen: plan.reopen,
          identity,
        }),
      };
    };
    return { plan, notes, settle, ...settle(asPostedNotes(plan.notes, bot, now)) };
  };

  const first = await prepare(issue);
  let final = first;
  if (
    first.plan.notes.length > 0 ||
    Object.keys(first.changes).length > 0 ||
    madePublic(issue, ctx.config.confidential)
  ) {
    const applied = await withLease(
      ctx.tracker,
      `audit-bot-lock-issue-${issue.iid}`,
      ctx.clock,
      async () => {
        // Another run may just have acted on the issue: its notes, board, labels and state are read again.
        let fresh = await prepare(
          await keepConfidential(
            ctx.tracker,
            await ctx.tracker.getIssue(issue.iid),
            ctx.config.confidential,
            ctx.logger,
          ),
        );
        const posted = recordingNotes(ctx.tracker);
        outcome.notesPosted = await postNotes(posted.tracker, issue.iid, fresh.plan.notes, platform, ctx.logger);
        // The board from the notes as GitLab dated them (a dry run dates nothing).
        if (fresh.plan.notes.length > 0 && !(ctx.tracker instanceof DryRunTracker)) {
          fresh = {
            ...fresh,
            ...fresh.settle(
              await datedPosts(ctx.tracker, issue.iid, posted.notes, fresh.plan.notes.length, fresh.notes),
            ),
          };
        }
        if (Object.keys(fresh.changes).length > 0) await ctx.tracker.updateIssue(issue.iid, fresh.changes);
        return fresh;
      },
      ctx.logger,
    );
    if (!applied) return { ...outcome, skipped: true };
    final = applied;
  }
  outcome.rechecked = checked !== undefined;
  outcome.status = final.plan.status;
  outcome.closed = final.changes.stateEvent === 'close';
  outcome.report = auditReport({
    state: final.after,
    issue: { iid: issue.iid, url: issue.webUrl, state: outcome.closed ? 'closed' : issue.state, labels: issue.labels },
    check: checked,
  });
  return outcome;
}

/**
 * For each open audit issue of an earlier quarter than another open issue of its platform: the
 * latest such issue, which takes over (by issue iid). Only an open issue of a quarter that has
 * begun takes over (a closed one chases nothing). Platform and quarter are the bot's record's
 * (FollowedIssue), never labels: a label moved to another issue supersedes nothing.
 */
export function laterIssues(
  issues: FollowedIssue[],
  currentQuarter: string,
): Map<number, { iid: number; quarter: string }> {
  const open = issues.flatMap(({ issue, platform, quarter }) =>
    issue.state === 'opened' && isQuarter(quarter) ? [{ iid: issue.iid, platform, quarter }] : [],
  );
  const latest = new Map<PlatformId, { iid: number; quarter: string }>();
  for (const { iid, platform, quarter } of open) {
    const known = latest.get(platform);
    if (quarter <= currentQuarter && (!known || quarter > known.quarter)) latest.set(platform, { iid, quarter });
  }
  const superseded = new Map<number, { iid: number; quarter: string }>();
  for (const { iid, platform, quarter } of open) {
    const later = latest.get(platform);
    if (later && quarter < later.quarter) superseded.set(iid, later);
  }
  return superseded;
}

/**
 * For each of `platforms` (the enabled ones this run follows) with no audit issue for the current
 * quarter once that quarter began longer ago than `missed_quarter_after`: a line saying so and naming
 * the command that opens it. The issues the run follows answer for a platform whose issue of the
 * quarter is open; only another platform costs a listing (its issue may be closed: that audit is done).
 */
export async function missedQuarters(
  ctx: AuditContext,
  platforms: PlatformId[],
  followed: FollowedIssue[],
  now: Date,
): Promise<string[]> {
  const quarter = quarterOf(now);
  const start = quarterStart(quarter);
  const grace = ctx.config.missed_quarter_after;
  if (now.getTime() <= DateTime.fromJSDate(start, { zone: 'utc' }).plus(Duration.fromISO(grace)).toMillis()) return [];
  const unseen = platforms.filter(
    (platform) => !followed.some((entry) => entry.platform === platform && entry.quarter === quarter),
  );
  if (unseen.length === 0) return [];
  // One listing for every such platform: the bot's issues created since the quarter began, by their record.
  const since = new Date(start.getTime() - 24 * 3600_000);
  const [found] = await Promise.allSettled([ctx.tracker.findIssues([], 'all', { ownOnly: true, createdAfter: since })]);
  return unseen.flatMap((platform) => {
    if (found.status === 'rejected')
      return [`${platform}: could not check that ${quarter} has an audit issue: ${(found.reason as Error).message}`];
    if (found.value.some((issue) => sameAudit(describedIdentity(issue), { platform, quarter }))) return [];
    return [
      `${platform}: MISSED QUARTER: no audit issue for ${quarter}, which began on ${start.toISOString().slice(0, 10)} (more than ${grace} ago, ` +
        `missed_quarter_after in ${ctx.config.file}). Run \`audit-bot open --platform ${platform}\` to open it.`,
    ];
  });
}

/** Quiet-night checks in flight at once: GitLab's limit, not latency, should bound a night over many issues. */
const QUIET_CHECKS_AT_ONCE = 8;

export interface FollowupRequest {
  platforms: PlatformId[];
  all: boolean;
  dryRun: boolean;
  report?: string;
}

export async function followupCommand(deps: RuntimeDeps, request: FollowupRequest): Promise<number> {
  // The run's time, taken once before anything is read: every ladder step it posts is timed from it,
  // and a quiet-night check (made later) can never find an issue quiet that is due at this time.
  const now = deps.clock();
  const implemented = implementedPlatforms();
  const tracker = buildTracker(deps, request.dryRun);
  const { context, platforms } = buildContext(
    deps,
    (config) =>
      request.platforms.filter((platform) => implemented.includes(platform) && config.platforms[platform].enabled),
    tracker,
  );
  if (!request.all && !implemented.includes(request.platforms[0]))
    throw new ConfigError([`--platform ${request.platforms[0]}: this audit is not implemented yet`]);
  for (const platform of request.platforms.filter(
    (p) => implemented.includes(p) && !context.config.platforms[p].enabled,
  )) {
    deps.out(`${platform}: skipped, disabled in ${context.config.file}\n`);
  }

  const failures: string[] = [];
  const fail = (line: string) => {
    failures.push(line);
    deps.out(`${line}\n`);
  };
  const issues = await issuesToFollow(context, platforms, now);
  const reports: (AuditReport | UnchangedAuditReport)[] = [];
  if (issues.length === 0) deps.out('no audit issue needs following up\n');
  // The one-read checks are independent reads: made side by side. Everything else, one issue after the other.
  const supersededBy = laterIssues(issues, quarterOf(now));
  // An earlier quarter's issue stays quiet only while all its items are answered (it awaits review).
  const awaitingReview = (checked: FollowupOutcome | undefined) =>
    checked?.report && 'unchanged' in checked.report && checked.report.unchanged.open === 0 ? checked : undefined;
  const quiet = await mapConcurrently(issues, QUIET_CHECKS_AT_ONCE, ({ issue, platform, quarter }) =>
    quietNight(context, issue, platform, quarter)
      .then((checked) => (supersededBy.has(issue.iid) ? awaitingReview(checked) : checked))
      .catch((error: unknown) => error as Error),
  );
  // The issue that takes over must be the later quarter's audit by the bot's record too (its notes),
  // not only by its description: read once, and only when an issue would be superseded.
  const confirmed = new Map<number, Promise<boolean>>();
  const confirmedLater = async (later: { iid: number; quarter: string }, platform: PlatformId) => {
    if (!confirmed.has(later.iid)) {
      confirmed.set(
        later.iid,
        (async () =>
          sameAudit(
            recordedIdentity(await context.tracker.listNotes(later.iid), await context.tracker.currentUsername()),
            { platform, quarter: later.quarter },
          ))(),
      );
    }
    return (await confirmed.get(later.iid)!) ? later : undefined;
  };
  for (const [index, entry] of issues.entries()) {
    const { issue } = entry;
    let platform = entry.platform;
    try {
      const checked = quiet[index];
      if (checked instanceof Error) throw checked;
      const later = supersededBy.get(issue.iid);
      let done: FollowupOutcome;
      try {
        done =
          checked ??
          (await followupIssue(context, issue, platform, {
            quietChecked: true,
            supersededBy: later && (await confirmedLater(later, platform)),
            now,
            quarter: entry.quarter,
          }));
      } catch (error) {
        if (error instanceof RetiredIssue) {
          // Left as the person who retired it left it, but never public.
          await keepConfidential(context.tracker, issue, context.config.confidential, context.logger);
          deps.logger.info({ platform, issue: issue.iid }, 'closed with a damaged record: retired, not followed');
          continue;
        }
        if (!(error instanceof MisdescribedIssue)) throw error;
        // Its description names another audit than its notes: followed as the audit its notes are for (and its marker put back).
        deps.logger.warn(
          { issue: issue.iid, described: { platform, quarter: entry.quarter }, recorded: error.recorded },
          'the description names another audit than the bot notes',
        );
        if (!platforms.includes(error.recorded.platform)) continue;
        platform = error.recorded.platform;
        done = await followupIssue(context, issue, platform, {
          quietChecked: true,
          now,
          quarter: error.recorded.quarter,
        });
      }
      if (done.skipped) {
        // Pipelines never overlap (resource_group): a held lease most likely belongs to a killed run.
        fail(`${platform}: issue #${issue.iid}: NOT DONE, ${LEASE_HELD}`);
        continue;
      }
      if (done.report) reports.push(done.report);
      deps.out(
        `${platform}: issue #${issue.iid}: ${done.notesPosted} note(s) ${request.dryRun ? 'planned' : 'posted'}, ` +
          `status ${done.status}${done.closed ? ', closed' : ''}${done.rechecked ? ', platform re-checked' : ''}${done.unchanged ? ', unchanged since the last run' : ''}\n`,
      );
    } catch (error) {
      deps.logger.error({ platform, issue: issue.iid, err: error }, 'follow-up failed');
      fail(`${platform}: issue #${issue.iid}: FAILED, nothing more was done for it: ${explained(error)}`);
    }
  }
  // A quarter nobody opened an audit for: the job goes red every night until `open` runs. A dry run
  // without GitLab credentials sees no issue at all, so it cannot tell.
  const seesGitLab =
    !(tracker instanceof DryRunTracker) ||
    Boolean(deps.env.GITLAB_URL && deps.env.GITLAB_TOKEN && deps.env.AUDIT_PROJECT);
  if (seesGitLab) for (const line of await missedQuarters(context, platforms, issues, now)) fail(line);
  if (tracker instanceof DryRunTracker) {
    for (const write of tracker.writes) {
      if (write.kind === 'create-note') deps.out(`\n--- would post on issue #${write.iid}:\n${write.body}\n`);
      if (write.kind === 'update-issue')
        deps.out(`\n--- would update issue #${write.iid}: ${JSON.stringify(write.changes)}\n`);
    }
  }
  if (request.report) writeReport(request.report, 'followup', reports, deps.clock(), failures, deps.secrets);
  return failures.length > 0 ? 1 : 0;
}
