import { applyAllowList } from '../domain/allow-list.js';
import { botNotes, damagedRecord } from '../domain/bot-notes.js';
import { planOpen } from '../domain/open-plan.js';
import { mentionedIn, reachBookOf } from './reach-book.js';
import type { Finding, PlatformId } from '../domain/types.js';
import { recordedIdentity, sameAudit, withIdentityMarker } from '../domain/issue.js';
import { auditReport, type AuditReport } from '../domain/report.js';
import { previousQuarter, quarterOf } from '../domain/quarter.js';
import { quarterDiff, type QuarterDiff } from '../domain/quarter-diff.js';
import {
  asPostedNotes,
  datedPosts,
  ensureIssue,
  findAuditIssues,
  issueChanges,
  damagedRecordNote,
  IssueNeedsPerson,
  keepConfidential,
  LEASE_HELD,
  madePublic,
  postNotes,
  withLease,
  type IssueStatus,
} from './apply.js';
import type { TrackedIssue, TrackedNote } from '../gitlab/tracker.js';
import { recordingNotes } from './recording.js';
import { describedIssue } from '../domain/checkpoint.js';
import { rebuildState } from '../domain/followup-state.js';
import { ladderRules, type AuditContext } from './context.js';
import { ConfigError } from '../config/errors.js';
import { DryRunTracker } from '../gitlab/dry-run-tracker.js';
import { implementedPlatforms } from '../platforms/index.js';
import { buildContext, buildTracker, writeReport, type RuntimeDeps } from './runtime.js';
import { explained, isCredentialRefusal } from '../gitlab/explain.js';
import { settledAll } from '../concurrency.js';

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
  const now = ctx.clock();
  const audit = { platform, quarter };
  // GitLab is read while the platform is: both are reads, and nothing is written before the check ends.
  const check = ctx.checker(platform)();
  // The quarter's issue is the bot's own, found by its record (labels are only an index for people).
  const gitlabReads = settledAll([ctx.tracker.currentUsername(), findAuditIssues(ctx.tracker, audit, undefined)]);
  // A quarter's first run compares its findings with last quarter's issue: that is read now as well.
  const lastQuarterReads = gitlabReads.then(([, candidates]) =>
    candidates.length > 0 ? undefined : readLastQuarter(ctx, platform, quarter),
  );
  const [checked, gitlab] = await Promise.allSettled([check, settledAll([gitlabReads, lastQuarterReads])]);
  if (checked.status === 'rejected') throw checked.reason;
  const result = checked.value;
  const { active, accepted } = applyAllowList(result.findings, ctx.config.allow_list, now);
  // From here on a failure is GitLab's: the findings exist, the issue may not show all of them yet.
  if (progress) progress.findings = active.length;
  ctx.logger.info(
    { platform, findings: active.length, accepted: accepted.length, requests: result.stats.requests },
    'check finished',
  );
  if (gitlab.status === 'rejected') throw gitlab.reason;
  const [[bot, candidates], lastQuarterRead] = gitlab.value;
  let lastQuarter = lastQuarterRead;
  const rules = ladderRules(ctx);
  // Not the quarter's issue: one whose notes are another audit's (its description was edited), or one
  // closed with a damaged record (retired by a person, as the failure's message says): a new one starts over.
  const passedOver = new Set<number>();
  let found: TrackedIssue | undefined;
  let foundNotes: TrackedNote[] | undefined;
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
    found = candidate;
    foundNotes = notes;
    break;
  }
  // (prepare reads last quarter's issue when this run creates the first results note.)

  /** The issue's plan; `knownNotes` for an issue this run has just created (none). */
  const prepare = async (issue: TrackedIssue, knownNotes?: TrackedNote[]) => {
    const notes = knownNotes ?? (await ctx.tracker.listNotes(issue.iid));
    const existing = botNotes(notes, bot, platform);
    // Listing findings is safe only where no item id given out was lost.
    const damaged = damagedRecord(notes, bot, platform);
    if (damaged && damaged.cause !== 'never-posted')
      throw new IssueNeedsPerson(issue.iid, damagedRecordNote(damaged, platform, quarter, quarterOf(now), bot));
    const firstResults = !existing.some(({ marker }) => marker.step === 'results');
    let diff: QuarterDiff | null | undefined;
    if (firstResults) {
      if (lastQuarter === undefined) lastQuarter = await readLastQuarter(ctx, platform, quarter);
      diff = lastQuarterDiff(lastQuarter, bot, platform, active);
    }
    const planned = await reachBookOf(ctx).plan(
      (reach) =>
        planOpen({
          diff,
          result,
          findings: active,
          accepted,
          quarter,
          existing,
          supportOpsManagers: ctx.config.support_ops_managers,
          secondPingAfter: ctx.config.ladder.second_ping_after,
          now,
          managerOf: rules.managerOf,
          reach,
        }),
      (notes) => mentionedIn(notes, ctx.config.support_ops_managers),
    );
    // New findings reopen the waiting; otherwise the status the follow-up set stays.
    const current = issue.labels.find((label) => label.startsWith('audit-status::'))?.slice('audit-status::'.length);
    const status: IssueStatus = planned.length === 0 && (current === 'review' || current === 'done') ? current : 'open';
    // The state and board once the planned notes are posted (dated `now` until GitLab dates them).
    const settle = (posted: TrackedNote[]) => {
      const state = rebuildState([...notes, ...posted], bot, platform);
      // The bot's marker in the description and the platform and quarter labels, put back when someone removed or changed them.
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
    return { planned, diff, notes, settle, ...settle(asPostedNotes(planned, bot, now)) };
  };

  let issue = found;
  let created = false;
  let prepared = found ? await prepare(found, foundNotes) : undefined;
  let notesPosted = 0;
  if (
    !prepared ||
    prepared.planned.length > 0 ||
    Object.keys(prepared.changes).length > 0 ||
    (found !== undefined && madePublic(found, ctx.config.confidential))
  ) {
    const applied = await withLease(
      ctx.tracker,
      `audit-bot-lock-${platform}-${quarter}`,
      ctx.clock,
      async () => {
        const ensured = await ensureIssue(
          ctx.tracker,
          {
            platform,
            quarter,
            template: ctx.template(platform),
            labels: [...ctx.config.labels, ...ctx.config.platforms[platform].labels, 'audit-status::open'],
            confidential: ctx.config.confidential,
            ladder: ctx.config.ladder,
            skip: passedOver,
          },
          ctx.logger,
        );
        const current = await keepConfidential(ctx.tracker, ensured.issue, ctx.config.confidential, ctx.logger);
        let fresh = await prepare(current, ensured.empty ? [] : undefined);
        const posted = recordingNotes(ctx.tracker);
        notesPosted = await postNotes(posted.tracker, ensured.issue.iid, fresh.planned, platform, ctx.logger);
        // The board from the notes as GitLab dated them (a dry run dates nothing).
        if (fresh.planned.length > 0 && !(ctx.tracker instanceof DryRunTracker)) {
          fresh = {
            ...fresh,
            ...fresh.settle(
              await datedPosts(ctx.tracker, ensured.issue.iid, posted.notes, fresh.planned.length, fresh.notes),
            ),
          };
        }
        if (Object.keys(fresh.changes).length > 0) await ctx.tracker.updateIssue(ensured.issue.iid, fresh.changes);
        return { ...ensured, fresh };
      },
      ctx.logger,
    );
    if (!applied) return undefined;
    ({ issue, created } = applied);
    prepared = applied.fresh;
  }
  ctx.logger.info({ platform, issue: issue!.iid, created, notesPosted }, 'audit issue up to date');
  return {
    platform,
    issueIid: issue!.iid,
    issueUrl: issue!.webUrl,
    issueCreated: created,
    findings: active,
    acceptedCount: accepted.length,
    notesPosted,
    requests: result.stats.requests,
    report: auditReport({
      state: prepared.state,
      issue: { iid: issue!.iid, url: issue!.webUrl, state: issue!.state, labels: issue!.labels },
      check: { result, findings: active, at: now },
      diff: prepared.diff,
    }),
  };
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
  /** `--platform all`; an explicit platform must be implemented. Disabled audits are skipped either way (CI names each one). */
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
        fail(
          `${platform}: FAILED, the check found ${progress.findings} finding(s) but GitLab refused to take them: ${message}`,
        );
      else
        fail(
          `${platform}: FAILED, the check found ${progress.findings} finding(s) but the audit issue is not complete; re-run to finish it (nothing is posted twice): ${message}`,
        );
    }
  }
  if (tracker.value instanceof DryRunTracker) {
    for (const write of tracker.value.writes) {
      if (write.kind === 'create-issue')
        deps.out(
          `\n--- would create issue "${write.issue.title}" labels ${write.issue.labels.join(', ')}${write.issue.confidential ? ' (confidential)' : ''}\n`,
        );
      if (write.kind === 'create-note') deps.out(`\n--- would post on issue #${write.iid}:\n${write.body}\n`);
    }
  }
  if (request.report) writeReport(request.report, 'open', reports, deps.clock(), failures, deps.secrets);
  return failures.length > 0 ? 1 : 0;
}

function summarize(outcome: OpenOutcome, dryRun: boolean): string {
  const where = dryRun
    ? 'dry run'
    : `issue #${outcome.issueIid}${outcome.issueCreated ? ' (new)' : ''} ${outcome.issueUrl}`;
  return (
    `${outcome.platform}: ${where}: ${outcome.findings.length} finding(s), ${outcome.acceptedCount} accepted exception(s), ` +
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
