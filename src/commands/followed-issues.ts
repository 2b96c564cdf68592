import { DateTime, Duration } from 'luxon';
import { describedIdentity, recordedIdentity, sameAudit, type AuditIdentity } from '../domain/issue.js';
import { isQuarter, quarterOf, quarterStart } from '../domain/quarter.js';
import type { PlatformId } from '../domain/types.js';
import type { TrackedIssue } from '../gitlab/tracker.js';
import { mapConcurrently, settledAll } from '../concurrency.js';
import { STATUS_LABELS } from './apply.js';
import type { AuditContext } from './context.js';

/** An audit issue the run follows, with the audit it is for: from the bot's record, never from its labels. */
export interface FollowedIssue extends AuditIdentity {
  issue: TrackedIssue;
}

/**
 * Quiet-night checks in flight at once: GitLab's limit, not latency, should bound a night over
 * many issues.
 */
export const QUIET_CHECKS_AT_ONCE = 8;

/**
 * How far back a close is looked at again whatever the issue's status label says (a label can be
 * set by anyone).
 */
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
      // Its description lost the bot's marker: the bot's notes say which audit it is (one full
      // read, for such an issue only).
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
    const began = start.toISOString().slice(0, 10);
    return [
      `${platform}: MISSED QUARTER: no audit issue for ${quarter}, which began on ${began} (more than ${grace} ago, ` +
        `missed_quarter_after in ${ctx.config.file}). Run \`audit-bot open --platform ${platform}\` to open it.`,
    ];
  });
}
