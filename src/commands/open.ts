import { applyAllowList } from '../domain/allow-list.js';
import { botNotes } from '../domain/bot-notes.js';
import { planOpen } from '../domain/open-plan.js';
import type { Finding, PlatformId } from '../domain/types.js';
import { ensureIssue, postNotes } from './apply.js';
import type { AuditContext } from './context.js';

export interface OpenOutcome {
  platform: PlatformId;
  issueIid: number;
  issueUrl: string;
  issueCreated: boolean;
  findings: Finding[];
  acceptedCount: number;
  notesPosted: number;
  requests: number;
}

/**
 * The quarterly step for one platform: run the checker first (a checker that cannot finish
 * stops here, before anything is written), then find-or-create the issue and post whatever
 * results and first pings the issue does not have yet.
 */
export async function openAudit(ctx: AuditContext, platform: PlatformId, quarter: string): Promise<OpenOutcome> {
  const now = ctx.clock();
  const result = await ctx.checker(platform)();
  const { active, accepted } = applyAllowList(result.findings, ctx.config.allow_list, now);
  ctx.logger.info({ platform, findings: active.length, accepted: accepted.length, requests: result.stats.requests }, 'check finished');

  const { issue, created } = await ensureIssue(
    ctx.tracker,
    {
      platform,
      quarter,
      template: ctx.template(platform),
      labels: [...ctx.config.labels, ...ctx.config.platforms[platform].labels, 'audit-status::open'],
      confidential: ctx.config.confidential,
    },
    ctx.logger,
  );
  const bot = await ctx.tracker.currentUsername();
  const existing = botNotes(await ctx.tracker.listNotes(issue.iid), bot, platform);
  const planned = planOpen({
    result,
    findings: active,
    accepted,
    quarter,
    existing,
    supportOpsManagers: ctx.config.support_ops_managers,
    secondPingAfter: ctx.config.ladder.second_ping_after,
    now,
  });
  const notesPosted = await postNotes(ctx.tracker, issue.iid, planned, platform);
  ctx.logger.info({ platform, issue: issue.iid, created, notesPosted }, 'audit issue up to date');
  return {
    platform,
    issueIid: issue.iid,
    issueUrl: issue.webUrl,
    issueCreated: created,
    findings: active,
    acceptedCount: accepted.length,
    notesPosted,
    requests: result.stats.requests,
  };
}
