import type { AuditConfig, Roster } from '../config/types.js';
import type { PlatformId } from '../domain/types.js';
import type { RuntimeDeps } from './runtime.js';
import { messageOf, row, type CheckResult, type CheckRow } from './check-rows.js';
import { gitlabChecks } from './validate-gitlab.js';
import { platformCheck } from './validate-platforms.js';

export type { CheckResult, CheckRow } from './check-rows.js';
export { mentionedUsernames, nextQuarterStart } from './validate-gitlab.js';

/** The online checks of `validate --online`: GitLab, then each enabled platform, side by side. */
export async function onlineChecks(
  deps: RuntimeDeps,
  checked: { config: AuditConfig; roster: Roster; platforms: PlatformId[] },
): Promise<CheckRow[]> {
  const [gitlab, ...platforms] = await Promise.all([
    gitlabChecks(deps, checked.config, checked.roster),
    ...checked.platforms.map((platform) =>
      platformCheck(deps, checked.config, platform).catch((error: unknown) =>
        row(platform, '', 'FAIL', messageOf(error)),
      ),
    ),
  ]);
  return [...gitlab, ...platforms];
}

/** The table as text: one line per check, columns aligned, the detail last. */
export function printTable(rows: CheckRow[]): string {
  const header: CheckRow = { check: 'CHECK', target: 'TARGET', result: 'RESULT' as CheckResult, detail: 'DETAIL' };
  const all = [header, ...rows];
  const width = (key: 'check' | 'target' | 'result') => Math.max(...all.map((entry) => entry[key].length));
  const [check, target, result] = [width('check'), width('target'), width('result')];
  const line = (entry: CheckRow) =>
    [entry.check.padEnd(check), entry.target.padEnd(target), entry.result.padEnd(result), entry.detail]
      .join('  ')
      .trimEnd();
  const failed = rows.filter((entry) => entry.result === 'FAIL').length;
  const warned = rows.filter((entry) => entry.result === 'WARN').length;
  const verdict = failed > 0 ? `FAILED: ${failed} check(s) failed` : 'online checks passed';
  return `${all.map(line).join('\n')}\n${verdict}${warned > 0 ? `, ${warned} warning(s)` : ''}\n`;
}
