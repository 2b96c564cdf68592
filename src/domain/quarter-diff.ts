import type { IssueState, QuarterDiff } from './audit-types.js';
import type { Finding } from './types.js';

export type { QuarterDiff } from './audit-types.js';

/** New, still present and resolved findings between last quarter's audit issue and this quarter's check. */
export function quarterDiff(
  previous: { quarter: string; iid: number; state: IssueState },
  findings: Finding[],
): QuarterDiff {
  const current = new Set(findings.map((finding) => finding.fingerprint));
  return {
    previousQuarter: previous.quarter,
    previousIssue: previous.iid,
    new: findings.filter((finding) => !previous.state.items.has(finding.fingerprint)),
    stillPresent: findings.flatMap((finding) => {
      const before = previous.state.items.get(finding.fingerprint);
      return before ? [{ finding, before }] : [];
    }),
    resolved: [...previous.state.items.values()].filter((item) => !current.has(item.fingerprint)),
  };
}
