import { applyAllowList } from '../domain/allow-list.js';
import { rebuildState } from '../domain/followup-state.js';
import { planFollowup, type AuditStatus, type FollowupPlan, type Recheck } from '../domain/followup-plan.js';
import { mentionedIn, reachBookOf } from './reach-book.js';
import { isPlatformId, type CheckResult, type Finding, type PlatformId } from '../domain/types.js';
import { ConfigError } from '../config/errors.js';
import { DryRunTracker } from '../gitlab/dry-run-tracker.js';
import type { TrackedIssue, TrackedNote } from '../gitlab/tracker.js';
import { recordingNotes } from './recording.js';
import { implementedPlatforms } from '../platforms/index.js';
import { asPostedNotes, datedPosts, issueChanges, damagedRecordNote, IssueNeedsPerson, keepConfidential, LEASE_HELD, madePublic, postNotes, STATUS_LABELS, withLease } from './apply.js';
import { damagedRecord } from '../domain/bot-notes.js';
import { parseMarkers } from '../domain/markers.js';
import { isQuarter, quarterOf, quarterStart } from '../domain/quarter.js';
import { DateTime, Duration } from 'luxon';
import { BOARD } from '../domain/board.js';
import { identityLabels, labelledPlatform, labelledQuarter, platformLabel } from '../domain/issue.js';
import { checkPageSize, describedIssue, standingCheckpoint, unchangedSince } from '../domain/checkpoint.js';
import { auditReport, type AuditReport, type UnchangedAuditReport } from '../domain/report.js';
import { ladderRules, type AuditContext } from './context.js';
import { buildContext, buildTracker, writeReport, type RuntimeDeps } from './runtime.js';
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

/**
 * Audit issues that still need the bot: open ones, and ones a person closed before the bot
 * recorded an outcome. Found by the labels only the bot gives (audit.config.yml's labels can
 * change between quarters): each platform's own, and the status it left a closed issue with.
 */
export async function issuesToFollow(ctx: AuditContext, platforms: PlatformId[]): Promise<TrackedIssue[]> {
  const listings = await settledAll([
    ...platforms.map((platform) => ctx.tracker.findIssues([platformLabel(platform)], 'opened')),
    ctx.tracker.findIssues([STATUS_LABELS.open], 'closed'),
    ctx.tracker.findIssues([STATUS_LABELS.review], 'closed'),
  ]);
  const seen = new Set<number>();
  return listings.flat().filter((issue) => !seen.has(issue.iid) && seen.add(issue.iid));
}

/** The quarter an issue is for: its label, or else the first marker that names one. */
function issueQuarter(issue: TrackedIssue, notes: TrackedNote[]): string | undefined {
  return labelledQuarter(issue.labels) ?? notes.flatMap((note) => parseMarkers(note.body)).find((marker) => typeof marker.quarter === 'string')?.quarter;
}

export function platformOf(issue: TrackedIssue): PlatformId | undefined {
  const id = labelledPlatform(issue.labels);
  return id && isPlatformId(id) ? id : undefined;
}

const NOTHING_DONE = { notesPosted: 0, rechecked: false, status: 'open', closed: false, skipped: false, unchanged: false } as const;

/**
 * The outcome of an issue the last run left quiet (its checkpoint: no note added or edited since,
 * nothing due yet), at the cost of one read of its newest notes; undefined when it must be read in full.
 */
export async function quietNight(ctx: AuditContext, issue: TrackedIssue, platform: PlatformId): Promise<FollowupOutcome | undefined> {
  if (madePublic(issue, ctx.config.confidential)) return undefined;
  const checkpoint = standingCheckpoint(issue, BOARD, STATUS_LABELS, ladderRules(ctx), ctx.clock());
  if (!checkpoint || !unchangedSince(checkpoint, await ctx.tracker.recentNotes(issue.iid, checkPageSize(checkpoint)))) return undefined;
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
  options: { quietChecked?: boolean; supersededBy?: { iid: number; quarter: string }; now?: Date } = {},
): Promise<FollowupOutcome> {
  const quiet = options.quietChecked || options.supersededBy ? undefined : await quietNight(ctx, issue, platform);
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
    // A record with lost results has no (complete) list of findings to follow: the night fails
    // for the issue and says what to do, rather than report an audit with nothing due.
    const damaged = damagedRecord(notes, bot, platform);
    if (damaged) throw new IssueNeedsPerson(issue.iid, damagedRecordNote(damaged, platform, issueQuarter(issue, notes), quarterOf(now), bot));
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
    // The state and board once the planned notes are posted (dated `now` until GitLab dates them).
    const settle = (posted: TrackedNote[]) => {
      const after = posted.length > 0 ? rebuildState([...notes, ...posted], bot, platform) : state;
      const stillOpen = (issue.state === 'opened' || plan.reopen === true) && !plan.close;
      const description = describedIssue({ issue: { description: issue.description, open: stillOpen }, state: after, notes, posted, status: plan.status, now, rules });
      return { after, changes: issueChanges(issue, { description, status: plan.status, close: plan.close, reopen: plan.reopen }) };
    };
    return { plan, notes, settle, ...settle(asPostedNotes(plan.notes, bot, now)) };
  };

  const first = await prepare(issue);
  let final = first;
  if (first.plan.notes.length > 0 || Object.keys(first.changes).length > 0 || madePublic(issue, ctx.config.confidential)) {
    const applied = await withLease(ctx.tracker, `audit-bot-lock-issue-${issue.iid}`, ctx.clock, async () => {
      // Another run may just have acted on the issue: its notes, board, labels and state are read again.
      let fresh = await prepare(await keepConfidential(ctx.tracker, await ctx.tracker.getIssue(issue.iid), ctx.config.confidential, ctx.logger));
      const posted = recordingNotes(ctx.tracker);
      outcome.notesPosted = await postNotes(posted.tracker, issue.iid, fresh.plan.notes, platform, ctx.logger);
      // The board from the notes as GitLab dated them (a dry run dates nothing).
      if (fresh.plan.notes.length > 0 && !(ctx.tracker instanceof DryRunTracker)) {
        fresh = { ...fresh, ...fresh.settle(await datedPosts(ctx.tracker, issue.iid, posted.notes, fresh.plan.notes.length, fresh.notes)) };
      }
      if (Object.keys(fresh.changes).length > 0) await ctx.tracker.updateIssue(issue.iid, fresh.changes);
      return fresh;
    }, ctx.logger);
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
 * begun takes over (a closed one chases nothing; a quarter label can be edited).
 */
export function laterIssues(issues: { issue: TrackedIssue; platform: PlatformId }[], currentQuarter: string): Map<number, { iid: number; quarter: string }> {
  const open = issues.flatMap(({ issue, platform }) => {
    const quarter = labelledQuarter(issue.labels);
    return issue.state === 'opened' && quarter !== undefined && isQuarter(quarter) ? [{ iid: issue.iid, platform, quarter }] : [];
  });
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
export async function missedQuarters(ctx: AuditContext, platforms: PlatformId[], followed: { issue: TrackedIssue; platform: PlatformId }[], now: Date): Promise<string[]> {
  const quarter = quarterOf(now);
  const start = quarterStart(quarter);
  const grace = ctx.config.missed_quarter_after;
  if (now.getTime() <= DateTime.fromJSDate(start, { zone: 'utc' }).plus(Duration.fromISO(grace)).toMillis()) return [];
  const unseen = platforms.filter((platform) => !followed.some((entry) => entry.platform === platform && labelledQuarter(entry.issue.labels) === quarter));
  const found = await Promise.allSettled(unseen.map((platform) => ctx.tracker.findIssues(identityLabels(platform, quarter), 'all')));
  return unseen.flatMap((platform, index) => {
    const result = found[index];
    if (result.status === 'rejected') return [`${platform}: could not check that ${quarter} has an audit issue: ${(result.reason as Error).message}`];
    if (result.value.length > 0) return [];
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
    (config) => request.platforms.filter((platform) => implemented.includes(platform) && config.platforms[platform].enabled),
    tracker,
  );
  if (!request.all && !implemented.includes(request.platforms[0])) throw new ConfigError([`--platform ${request.platforms[0]}: this audit is not implemented yet`]);
  for (const platform of request.platforms.filter((p) => implemented.includes(p) && !context.config.platforms[p].enabled)) {
    deps.out(`${platform}: skipped, disabled in ${context.config.file}\n`);
  }

  const failures: string[] = [];
  const fail = (line: string) => {
    failures.push(line);
    deps.out(`${line}\n`);
  };
  const issues = (await issuesToFollow(context, platforms))
    .map((issue) => ({ issue, platform: platformOf(issue) }))
    .filter((entry): entry is { issue: TrackedIssue; platform: PlatformId } => entry.platform !== undefined && platforms.includes(entry.platform));
  const reports: (AuditReport | UnchangedAuditReport)[] = [];
  if (issues.length === 0) deps.out('no audit issue needs following up\n');
  // The one-read checks are independent reads: made side by side. Everything else, one issue after the other.
  const supersededBy = laterIssues(issues, quarterOf(now));
  // An earlier quarter's issue stays quiet only while all its items are answered (it awaits review).
  const awaitingReview = (checked: FollowupOutcome | undefined) => (checked?.report && 'unchanged' in checked.report && checked.report.unchanged.open === 0 ? checked : undefined);
  const quiet = await mapConcurrently(issues, QUIET_CHECKS_AT_ONCE, ({ issue, platform }) =>
    quietNight(context, issue, platform)
      .then((checked) => (supersededBy.has(issue.iid) ? awaitingReview(checked) : checked))
      .catch((error: unknown) => error as Error),
  );
  for (const [index, { issue, platform }] of issues.entries()) {
    try {
      const checked = quiet[index];
      if (checked instanceof Error) throw checked;
      const done = checked ?? (await followupIssue(context, issue, platform, { quietChecked: true, supersededBy: supersededBy.get(issue.iid), now }));
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
      fail(`${platform}: issue #${issue.iid}: FAILED, nothing more was done for it: ${(error as Error).message}`);
    }
  }
  // A quarter nobody opened an audit for: the job goes red every night until `open` runs. A dry run
  // without GitLab credentials sees no issue at all, so it cannot tell.
  const seesGitLab = !(tracker instanceof DryRunTracker) || Boolean(deps.env.GITLAB_URL && deps.env.GITLAB_TOKEN && deps.env.AUDIT_PROJECT);
  if (seesGitLab) for (const line of await missedQuarters(context, platforms, issues, now)) fail(line);
  if (tracker instanceof DryRunTracker) {
    for (const write of tracker.writes) {
      if (write.kind === 'create-note') deps.out(`\n--- would post on issue #${write.iid}:\n${write.body}\n`);
      if (write.kind === 'update-issue') deps.out(`\n--- would update issue #${write.iid}: ${JSON.stringify(write.changes)}\n`);
    }
  }
  if (request.report) writeReport(request.report, 'followup', reports, deps.clock(), failures, deps.secrets);
  return failures.length > 0 ? 1 : 0;
}
