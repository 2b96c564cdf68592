import type { IssueState, ItemState } from './followup-state.js';
import type { Finding } from './types.js';

export interface QuarterDiff {
  previousQuarter: string;
  previousIssue: number;
  /** Found now, not last quarter. */
  new: Finding[];
  /** Found last quarter and again now, with how it was answered then. */
  stillPresent: { finding: Finding; before: ItemState }[];
  /** Found last quarter, gone now. */
  resolved: ItemState[];
}

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
