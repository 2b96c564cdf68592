import type { PlatformId } from '../config/types.js';

/** The registered ids, in order, and `isPlatformId`: src/domain/platforms.ts (from the platform registry). */
export type { PlatformId } from '../config/types.js';

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

/**
 * A listing the results note shows as a table besides the findings (e.g. Zendesk's API tokens
 * under review). Cells are raw platform text, escaped when rendered.
 */
export interface Inventory {
  title: string;
  headers: string[];
  rows: string[][];
  /** Shown instead of the table when there are no rows (e.g. why nothing could be listed). */
  empty?: string;
}

export interface CheckResult {
  platform: PlatformId;
  findings: Finding[];
  stats: CheckStats;
  /** Listings shown in the first results note (and kept in the JSON evidence), e.g. the credentials reviewed. */
  inventories?: Inventory[];
  /** Said at the top of the results note and in the log: something about the run the reader must act on. */
  warnings?: string[];
}
