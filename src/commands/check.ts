import { applyAllowList } from '../domain/allow-list.js';
import { renderResultsNote } from '../domain/render.js';
import { PLATFORMS } from '../domain/platforms.js';
import type { PlatformId } from '../domain/types.js';
import type { AuditContext } from './context.js';

/** `check`: the findings without GitLab, as JSON (an array of findings) or Markdown. */
export async function checkPlatform(
  ctx: AuditContext,
  platform: PlatformId,
  format: 'json' | 'markdown',
  quarter: string,
): Promise<void> {
  const now = ctx.clock();
  const result = await ctx.checker(platform)();
  const { active, accepted } = applyAllowList(result.findings, ctx.config.allow_list, now);
  if (format === 'json') {
    ctx.out(`${JSON.stringify(active, null, 2)}\n`);
    return;
  }
  const ids = new Map(
    active.map((finding, index) => [finding.fingerprint, `${PLATFORMS[platform].itemPrefix}-${index + 1}`]),
  );
  ctx.out(`${renderResultsNote({ result, findings: active, accepted, ids, quarter, now, followUp: false })}\n`);
}
