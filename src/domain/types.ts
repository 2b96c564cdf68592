export const PLATFORM_IDS = ['zendesk', 'zendesk-us-federal', 'calendly', 'pagerduty'] as const;
export type PlatformId = (typeof PLATFORM_IDS)[number];

export function isPlatformId(value: string): value is PlatformId {
  return (PLATFORM_IDS as readonly string[]).includes(value);
}

/**
 * One thing an audit found. `subject` and `detail` may hold platform text: they are data,
 * escaped only when rendered. `fingerprint` is stable across runs and quarters for the same
 * problem, so the notes can say which findings were already reported.
 */
export interface Finding {
  platform: PlatformId;
  kind: string;
  fingerprint: string;
  /** GitLab username of the person who must act, or null when nobody in the roster owns it. */
  owner: string | null;
  subject: string;
  detail: string;
  /** Raw facts behind the finding, kept for the JSON evidence. */
  evidence?: Record<string, unknown>;
}

export interface CheckStats {
  requests: number;
  /** Items read from the platform, per collection (users, schedules, …). */
  itemsRead: Record<string, number>;
}

export interface CheckResult {
  platform: PlatformId;
  findings: Finding[];
  stats: CheckStats;
}
