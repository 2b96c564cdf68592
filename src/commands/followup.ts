import { quarterOf } from '../domain/quarter.js';
import { recordedIdentity, sameAudit } from '../domain/issue.js';
import type { AuditReport, UnchangedAuditReport } from '../domain/report.js';
import type { PlatformId } from '../domain/types.js';
import { ConfigError } from '../config/errors.js';
import { implementedPlatforms } from '../platforms/index.js';
import { explained } from '../gitlab/explain.js';
import { mapConcurrently } from '../concurrency.js';
import { keepConfidential, LEASE_HELD } from './apply.js';
import { issuesToFollow, laterIssues, missedQuarters, QUIET_CHECKS_AT_ONCE } from './followed-issues.js';
import { followupIssue, MisdescribedIssue, quietNight, RetiredIssue, type FollowupOutcome } from './followup-issue.js';
import { buildContext, buildTracker, writeReport, type RuntimeDeps } from './runtime.js';

// Two steps of the night, exported here for the tests that exercise them alone.
export { laterIssues, missedQuarters } from './followed-issues.js';

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
        // Its description names another audit than its notes: followed as the audit its notes are for
        // (and its marker put back).
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
      deps.out(`${platform}: issue #${issue.iid}: ${followupSummary(done, request.dryRun)}\n`);
    } catch (error) {
      deps.logger.error({ platform, issue: issue.iid, err: error }, 'follow-up failed');
      fail(`${platform}: issue #${issue.iid}: FAILED, nothing more was done for it: ${explained(error)}`);
    }
  }
  // A quarter nobody opened an audit for: the job goes red every night until `open` runs. A dry run
  // without GitLab credentials sees no issue at all, so it cannot tell.
  const seesGitLab = !tracker.dryRun || Boolean(deps.env.GITLAB_URL && deps.env.GITLAB_TOKEN && deps.env.AUDIT_PROJECT);
  if (seesGitLab) for (const line of await missedQuarters(context, platforms, issues, now)) fail(line);
  for (const write of tracker.recordedWrites ?? []) {
    if (write.kind === 'create-note') deps.out(`\n--- would post on issue #${write.iid}:\n${write.body}\n`);
    if (write.kind === 'update-issue')
      deps.out(`\n--- would update issue #${write.iid}: ${JSON.stringify(write.changes)}\n`);
  }
  if (request.report) writeReport(request.report, 'followup', reports, deps.clock(), failures, deps.secrets);
  return failures.length > 0 ? 1 : 0;
}

/** What a follow-up did to an issue, in the line the run prints for it. */
function followupSummary(done: FollowupOutcome, dryRun: boolean): string {
  return (
    `${done.notesPosted} note(s) ${dryRun ? 'planned' : 'posted'}, status ${done.status}` +
    (done.closed ? ', closed' : '') +
    (done.rechecked ? ', platform re-checked' : '') +
    (done.unchanged ? ', unchanged since the last run' : '')
  );
}
