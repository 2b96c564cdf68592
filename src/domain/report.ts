import type { IssueState, QuarterDiff } from './audit-types.js';
import type { CheckResult, Finding, Inventory } from './types.js';

/** One audit's evidence: what was found, who was asked when, who answered what, and the outcome. */
export interface AuditReport {
  platform: string;
  quarter: string;
  issue: { iid: number; url: string; state: string; labels: string[] };
  /** The platform check this run made, if it made one. */
  check: {
    ranAt: string;
    requests: number;
    itemsRead: Record<string, number>;
    findings: Finding[];
    inventories?: Inventory[];
    warnings?: string[];
  } | null;
  items: {
    id: string;
    fingerprint: string;
    kind: string;
    owner: string | null;
    subject: string;
    detail: string;
    pings: { step: string; at: string }[];
    addressed: { how: string; by: string | null; reason: string | null; at: string } | null;
  }[];
  replies: {
    noteId: number;
    author: string;
    at: string;
    kind: string;
    ids: string[] | 'all' | null;
    text: string | null;
  }[];
  reviewRequested: boolean;
  outcome: { result: string; by: string | null; at: string } | null;
  quarterOverQuarter: {
    previousQuarter: string;
    previousIssue: number;
    new: string[];
    stillPresent: string[];
    resolved: string[];
  } | null;
}

/**
 * A nightly run's evidence for an issue it found as the last run left it: no note added or edited
 * since, nothing due yet, so it read one page of notes and acted on nothing.
 */
export interface UnchangedAuditReport {
  platform: string;
  quarter: string;
  issue: AuditReport['issue'];
  unchanged: {
    /** The notes, newest by last update, that show nothing happened since the last run. */
    latestNotes: { id: number; updatedAt: string }[];
    status: string;
    items: number;
    open: number;
    nextStepDue: string | null;
  };
}

export function auditReport(input: {
  state: IssueState;
  issue: AuditReport['issue'];
  check?: { result: CheckResult; findings: Finding[]; at: Date };
  diff?: QuarterDiff | null;
}): AuditReport {
  const { state } = input;
  return {
    platform: state.platform,
    quarter: state.quarter,
    issue: input.issue,
    check: input.check
      ? {
          ranAt: input.check.at.toISOString(),
          requests: input.check.result.stats.requests,
          itemsRead: input.check.result.stats.itemsRead,
          findings: input.check.findings,
          ...(input.check.result.inventories ? { inventories: input.check.result.inventories } : {}),
          ...(input.check.result.warnings ? { warnings: input.check.result.warnings } : {}),
        }
      : null,
    items: [...state.items.values()].map((item) => ({
      id: item.id,
      fingerprint: item.fingerprint,
      kind: item.kind,
      owner: item.owner,
      subject: item.subject,
      detail: item.detail,
      pings: item.pings,
      addressed: item.addressed
        ? {
            how: item.addressed.how,
            by: item.addressed.by,
            reason: item.addressed.reason ?? null,
            at: item.addressed.at,
          }
        : null,
    })),
    replies: state.claims.map(({ noteId, author, at, claim }) => ({
      noteId,
      author,
      at,
      kind: claim.kind,
      ids: claim.kind === 'approved' ? null : claim.ids,
      text: claim.kind === 'intentional' ? claim.reason : claim.kind === 'approved' ? claim.comment || null : null,
    })),
    reviewRequested: state.reviews.length > 0,
    outcome: state.outcome ?? null,
    quarterOverQuarter: input.diff
      ? {
          previousQuarter: input.diff.previousQuarter,
          previousIssue: input.diff.previousIssue,
          new: input.diff.new.map((finding) => finding.fingerprint),
          stillPresent: input.diff.stillPresent.map(({ finding }) => finding.fingerprint),
          resolved: input.diff.resolved.map((item) => item.fingerprint),
        }
      : null,
  };
}
