import type { LadderDurations } from '../config/types.js';
import type { IssueState, ItemState, LadderStep, PlannedNote } from './audit-types.js';
import type { ReachOf } from './reach.js';

export type AuditStatus = 'open' | 'review' | 'done';

/** What the platform says now, for the items that needed a re-check. */
export interface Recheck {
  at: Date;
  /** Fingerprints the checker still reports (after the allow-list). */
  present: Set<string>;
  /** Fingerprints now covered by an unexpired allow-list exception, with its reason. */
  accepted: Map<string, string>;
}

export interface FollowupInput {
  state: IssueState;
  /** `closedAt` tells one close from the next: each close by someone with no say is explained once. */
  issue: { open: boolean; closedBy: string | null; closedAt?: string | null };
  now: Date;
  ladder: LadderDurations;
  supportOpsManagers: string[];
  /** The manager (roster reports_to) of a GitLab username, or null. */
  managerOf: (username: string) => string | null;
  /** Undefined until the platform was re-checked; the planner says when it needs one. */
  recheck?: Recheck;
  /** A later quarter's audit issue of the same platform, still followed: it takes over. */
  supersededBy?: { iid: number; quarter: string };
  /** Who cannot be reached by a mention in this issue (default: everyone can). */
  reach?: ReachOf;
}

export interface FollowupPlan {
  /** True when the plan depends on the platform's current data: run the checker and plan again. */
  needsRecheck: boolean;
  notes: PlannedNote[];
  status: AuditStatus;
  close: boolean;
  /** Reopen the issue: someone with no say closed it. */
  reopen?: boolean;
}

/** A ladder step the run takes for an item. */
export interface LadderAction {
  item: ItemState;
  step: LadderStep;
}

/** The platform and quarter every marker of the issue names. */
export interface AuditBase {
  platform: string;
  quarter: string;
}

export function auditBase(state: IssueState): AuditBase {
  return { platform: state.platform, quarter: state.quarter };
}

/** Every finding the issue lists, sorted: what a review request covers. */
export function everythingListed(state: IssueState): string[] {
  return [...state.items.keys()].sort();
}

export function byItemId(a: ItemState, b: ItemState): number {
  return Number(a.id.split('-').pop()) - Number(b.id.split('-').pop());
}

export function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().every((value, index) => value === b[index]);
}
