import { applyAllowList, type AcceptedFinding } from '../domain/allow-list.js';
import type { IssueState, QuarterDiff } from '../domain/audit-types.js';
import { botNotes, damagedRecord } from '../domain/bot-notes.js';
import { describedIssue } from '../domain/checkpoint.js';
import { rebuildState } from '../domain/followup-state.js';
import { recordedIdentity, sameAudit, withIdentityMarker } from '../domain/issue.js';
import { planOpen } from '../domain/open-plan.js';
import { previousQuarter, quarterOf } from '../domain/quarter.js';
import { quarterDiff } from '../domain/quarter-diff.js';
import { auditReport, type AuditReport } from '../domain/report.js';
import type { CheckResult, Finding, PlatformId } from '../domain/types.js';
import { ConfigError } from '../config/errors.js';
import type { IssueChanges, TrackedIssue, TrackedNote } from '../gitlab/tracker.js';
import { explained, isCredentialRefusal } from '../gitlab/explain.js';
import { implementedPlatforms } from '../platforms/index.js';
import { settledAll } from '../concurrency.js';
import {
  applyUnderLease,
  asPostedNotes,
  damagedRecordNote,
  ensureIssue,
  findAuditIssues,
  issueChanges,
  IssueNeedsPerson,
  keepConfidential,
  LEASE_HELD,
  writesAnything,
  type IssuePlan,
  type IssueStatus,
} from './apply.js';
import { ladderRules, type AuditContext } from './context.js';
import { mentionedIn, reachBookOf } from './reach-book.js';
import { buildContext, buildTracker, writeReport, type RuntimeDeps } from './runtime.js';

export interface OpenOutcome {
  platform: PlatformId;
  issueIid: number;
  issueUrl: string;
  issueCreated: boolean;
  findings: Finding[];
  acceptedCount: number;
  notesPosted: number;
  requests: number;
  report: AuditReport;
}

/**
 * The quarterly step for one platform: run the checker first (a checker that cannot finish
 * stops here, before anything is written), then find-or-create the issue and post whatever
 * results and first pings the issue does not have yet. A re-run with nothing new writes nothing
 * and takes no lease; otherwise the work happens under the platform's lease for the quarter.
 */
export async function openAudit(
  ctx: AuditContext,
  platform: PlatformId,
  quarter: string,
  progress?: { findings?: number },
): Promise<OpenOutcome | undefined> {
  const read = await readAudit(ctx, platform, quarter, progress);
  const { check, found } = read;
  let issue = found?.issue;
  let created = false;
  let notesPosted = 0;
  let planned = found ? await planIssue(ctx, read, found.issue, found.notes) : undefined;
  if (!planned || writesAnything(planned, found!.issue, ctx.config.confidential)) {
    // Under the lease the issue is found (or created) and planned again: another run may just have acted.
    const applied = await applyUnderLease(ctx, `audit-bot-lock-${platform}-${quarter}`, platform, async () => {
      const ensured = await ensureIssue(
        ctx.tracker,
        {
          platform,
          quarter,
          template: ctx.template(platform),
          labels: [...ctx.config.labels, ...ctx.config.platforms[platform].labels, 'audit-status::open'],
          confidential: ctx.config.confidential,
          ladder: ctx.config.ladder,
          skip: read.passedOver,
        },
        ctx.logger,
      );
      const current = await keepConfidential(ctx.tracker, ensured.issue, ctx.config.confidential, ctx.logger);
      return {
        ...ensured,
        iid: ensured.issue.iid,
        ...(await planIssue(ctx, read, current, ensured.empty ? [] : undefined)),
      };
    });
    if (!applied) return undefined;
    ({ issue, created, notesPosted } = applied);
    planned = applied;
  }
  ctx.logger.info({ platform, issue: issue!.iid, created, notesPosted }, 'audit issue up to date');
  return {
    platform,
    issueIid: issue!.iid,
    issueUrl: issue!.webUrl,
    issueCreated: created,
    findings: check.findings,
    acceptedCount: check.accepted.length,
    notesPosted,
    requests: check.result.stats.requests,
    report: auditReport({
      state: planned.settled.state,
      issue: { iid: issue!.iid, url: issue!.webUrl, state: issue!.state, labels: issue!.labels },
      check: { result: check.result, findings: check.findings, at: read.now },
      diff: planned.diff,
    }),
  };
}

/** What `open` read for one platform: the check, the bot, the quarter's issue if it has one. */
interface AuditRead {
  platform: PlatformId;
  quarter: string;
  now: Date;
  bot: string;
  check: { result: CheckResult; findings: Finding[]; accepted: AcceptedFinding[] };
  /** The quarter's issue, with its notes. */
  found?: { issue: TrackedIssue; notes: TrackedNote[] };
  /** Issues of the bot's for the audit that are not the quarter's issue. */
  passedOver: Set<number>;
  /** Last quarter's issue, read once: when this run posts the first results note. */
  lastQuarter: () => Promise<LastQuarter | null>;
}

/**
 * Reads what `open` plans from: the platform's check, then the bot's issues for the audit. A
 * checker that cannot finish stops the audit here, before anything of GitLab's is read.
 */
async function readAudit(
  ctx: AuditContext,
  platform: PlatformId,
  quarter: string,
  progress?: { findings?: number },
): Promise<AuditRead> {
  const now = ctx.clock();
  const audit = { platform, quarter };
  const result = await ctx.checker(platform)();
  const { active, accepted } = applyAllowList(result.findings, ctx.config.allow_list, now);
  // From here on a failure is GitLab's: the findings exist, the issue may not show all of them yet.
  if (progress) progress.findings = active.length;
  ctx.logger.info(
    { platform, findings: active.length, accepted: accepted.length, requests: result.stats.requests },
    'check finished',
  );
  // The quarter's issue is the bot's own, found by its record (labels are only an index for people).
  const [bot, candidates] = await settledAll([
    ctx.tracker.currentUsername(),
    findAuditIssues(ctx.tracker, audit, undefined),
  ]);
  // A quarter's first run compares its findings with last quarter's issue.
  let lastQuarter = candidates.length > 0 ? undefined : await readLastQuarter(ctx, platform, quarter);
  // Not the quarter's issue: one whose notes are another audit's (its description was edited), or one
  // closed with a damaged record (retired by a person, as the failure's message says): a new one starts over.
  const passedOver = new Set<number>();
  let found: AuditRead['found'];
  for (const candidate of candidates.filter((issue) => issue.author === undefined || issue.author === bot)) {
    const notes = await ctx.tracker.listNotes(candidate.iid);
    const recorded = recordedIdentity(notes, bot);
    const damaged = damagedRecord(notes, bot, platform);
    if (
      (recorded && !sameAudit(recorded, audit)) ||
      (candidate.state === 'closed' && damaged && damaged.cause !== 'never-posted')
    ) {
      passedOver.add(candidate.iid);
      continue;
    }
    found = { issue: candidate, notes };
    break;
  }
  return {
    platform,
    quarter,
    now,
    bot,
    check: { result, findings: active, accepted },
    found,
    passedOver,
    lastQuarter: async () =>
      lastQuarter === undefined ? (lastQuarter = await readLastQuarter(ctx, platform, quarter)) : lastQuarter,
  };
}

/** `open`'s plan for the issue, with last quarter's comparison when it posts the first results. */
type OpenIssuePlan = IssuePlan<{ state: IssueState; changes: IssueChanges }> & { diff?: QuarterDiff | null };

/**
 * Plans what the issue lacks: the results and first pings not posted yet, and the issue's board,
 * labels and description once they are. `knownNotes` for an issue this run has just created (none).
 */
async function planIssue(
  ctx: AuditContext,
  read: AuditRead,
  issue: TrackedIssue,
  knownNotes?: TrackedNote[],
): Promise<OpenIssuePlan> {
  const { platform, quarter, now, bot, check } = read;
  const audit = { platform, quarter };
  const rules = ladderRules(ctx);
  const notes = knownNotes ?? (await ctx.tracker.listNotes(issue.iid));
  const existing = botNotes(notes, bot, platform);
  // Listing findings is safe only where no item id given out was lost.
  const damaged = damagedRecord(notes, bot, platform);
  if (damaged && damaged.cause !== 'never-posted')
    throw new IssueNeedsPerson(issue.iid, damagedRecordNote(damaged, platform, quarter, quarterOf(now), bot));
  const firstResults = !existing.some(({ marker }) => marker.step === 'results');
  const diff = firstResults ? lastQuarterDiff(await read.lastQuarter(), bot, platform, check.findings) : undefined;
  const planned = await reachBookOf(ctx).plan(
    (reach) =>
      planOpen({
        diff,
        result: check.result,
        findings: check.findings,
        accepted: check.accepted,
        quarter,
        existing,
        supportOpsManagers: ctx.config.support_ops_managers,
        secondPingAfter: ctx.config.ladder.second_ping_after,
        now,
        managerOf: rules.managerOf,
        reach,
      }),
    (plan) => mentionedIn(plan, ctx.config.support_ops_managers),
  );
  // New findings reopen the waiting; otherwise the status the follow-up set stays.
  const current = issue.labels.find((label) => label.startsWith('audit-status::'))?.slice('audit-status::'.length);
  const status: IssueStatus = planned.length === 0 && (current === 'review' || current === 'done') ? current : 'open';
  // The state and board once the planned notes are posted (dated `now` until GitLab dates them).
  const settle = (posted: TrackedNote[]) => {
    const state = rebuildState([...notes, ...posted], bot, platform);
    // The bot's marker in the description and the platform and quarter labels, put back when
    // someone removed or changed them.
    const description = describedIssue({
      issue: { description: withIdentityMarker(issue.description, audit), open: issue.state === 'opened' },
      state,
      notes,
      posted,
      status,
      now,
      rules,
    });
    return { state, changes: issueChanges(issue, { description, status, close: false, identity: audit }) };
  };
  return { diff, read: notes, notes: planned, settle, settled: settle(asPostedNotes(planned, bot, now)) };
}

/** Last quarter's audit issue for the platform and its notes; null when there was none. */
async function readLastQuarter(ctx: AuditContext, platform: PlatformId, quarter: string): Promise<LastQuarter | null> {
  const previous = previousQuarter(quarter);
  const [issue] = await findAuditIssues(ctx.tracker, { platform, quarter: previous }, undefined);
  return issue ? { quarter: previous, iid: issue.iid, notes: await ctx.tracker.listNotes(issue.iid) } : null;
}

interface LastQuarter {
  quarter: string;
  iid: number;
  notes: TrackedNote[];
}

/** Compares this quarter's findings with last quarter's audit issue, if there was one. */
function lastQuarterDiff(
  last: LastQuarter | null,
  bot: string,
  platform: PlatformId,
  findings: Finding[],
): QuarterDiff | null {
  if (!last) return null;
  return quarterDiff(
    { quarter: last.quarter, iid: last.iid, state: rebuildState(last.notes, bot, platform) },
    findings,
  );
}

export interface OpenRequest {
  platforms: PlatformId[];
  /**
   * `--platform all`; an explicit platform must be implemented. Disabled audits are skipped either
   * way (CI names each one).
   */
  all: boolean;
  quarter: string;
  dryRun: boolean;
  /** Where to write the JSON evidence of every audit this run touched. */
  report?: string;
}

/** `open`: every requested audit, one after the other; one platform's failure does not stop the others. */
export async function openCommand(deps: RuntimeDeps, request: OpenRequest): Promise<number> {
  const implemented = implementedPlatforms();
  const notImplemented = request.platforms.filter((platform) => !implemented.includes(platform));
  if (!request.all && notImplemented.length > 0)
    throw new ConfigError([`--platform ${notImplemented[0]}: this audit is not implemented yet`]);

  // Both steps validate; run both so one run lists every configuration problem.
  const tracker = collectProblems(() => buildTracker(deps, request.dryRun));
  const context = collectProblems(() =>
    buildContext(
      deps,
      (config) =>
        request.platforms.filter((platform) => implemented.includes(platform) && config.platforms[platform].enabled),
      tracker.value,
    ),
  );
  const problems = [...tracker.problems, ...context.problems];
  if (problems.length > 0 || !tracker.value || !context.value) throw new ConfigError(problems);
  const ctx = context.value.context;

  for (const platform of notImplemented) deps.out(`${platform}: skipped, this audit is not implemented yet\n`);
  for (const platform of request.platforms.filter((p) => implemented.includes(p) && !ctx.config.platforms[p].enabled)) {
    deps.out(`${platform}: skipped, disabled in ${ctx.config.file}\n`);
  }
  const failures: string[] = [];
  const fail = (line: string) => {
    failures.push(line);
    deps.out(`${line}\n`);
  };
  const reports: AuditReport[] = [];
  const checkFound = (count: number) => `the check found ${count} finding(s)`;
  for (const platform of context.value.platforms) {
    const progress: { findings?: number } = {};
    try {
      const outcome = await openAudit(ctx, platform, request.quarter, progress);
      if (!outcome) {
        fail(`${platform}: NOT DONE, ${LEASE_HELD}`);
        continue;
      }
      reports.push(outcome.report);
      deps.out(`${summarize(outcome, request.dryRun)}\n`);
    } catch (error) {
      deps.logger.error({ platform, err: error }, 'audit failed');
      const message = explained(error);
      if (error instanceof IssueNeedsPerson) fail(`${platform}: FAILED, issue #${error.iid}: ${message}`);
      else if (progress.findings === undefined) fail(`${platform}: FAILED, no findings were produced: ${message}`);
      else if (isCredentialRefusal(error))
        fail(`${platform}: FAILED, ${checkFound(progress.findings)} but GitLab refused to take them: ${message}`);
      else
        fail(
          `${platform}: FAILED, ${checkFound(progress.findings)} but the audit issue is not complete; ` +
            `re-run to finish it (nothing is posted twice): ${message}`,
        );
    }
  }
  for (const write of tracker.value.recordedWrites ?? []) {
    if (write.kind === 'create-issue') {
      const { title, labels, confidential } = write.issue;
      deps.out(
        `\n--- would create issue "${title}" labels ${labels.join(', ')}${confidential ? ' (confidential)' : ''}\n`,
      );
    }
    if (write.kind === 'create-note') deps.out(`\n--- would post on issue #${write.iid}:\n${write.body}\n`);
  }
  if (request.report) writeReport(request.report, 'open', reports, deps.clock(), failures, deps.secrets);
  return failures.length > 0 ? 1 : 0;
}

function summarize(outcome: OpenOutcome, dryRun: boolean): string {
  const where = dryRun
    ? 'dry run'
    : `issue #${outcome.issueIid}${outcome.issueCreated ? ' (new)' : ''} ${outcome.issueUrl}`;
  return (
    `${outcome.platform}: ${where}: ${outcome.findings.length} finding(s), ` +
    `${outcome.acceptedCount} accepted exception(s), ` +
    `${outcome.notesPosted} note(s) ${dryRun ? 'planned' : 'posted'}, ${outcome.requests} platform request(s)`
  );
}

function collectProblems<T>(step: () => T): { value?: T; problems: string[] } {
  try {
    return { value: step(), problems: [] };
  } catch (error) {
    if (error instanceof ConfigError) return { problems: error.problems };
    throw error;
  }
}
