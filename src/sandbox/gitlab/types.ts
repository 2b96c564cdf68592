/** The sandbox's options and the inputs of its direct helpers. */

export interface GitLabSandboxUser {
  id: number;
  username: string;
  name: string;
  /** Marks a bot account (project access tokens are bots). */
  bot?: boolean;
  /** Default 'active'. */
  state?: 'active' | 'blocked' | 'deactivated';
}

export interface GitLabSandboxOptions {
  /** e.g. 'support-ops/audits'; the project's id is 1. */
  projectPath: string;
  /** All known users; include the bot. */
  users: GitLabSandboxUser[];
  /** token -> username (the bot's token and tokens for people who reply). */
  tokens: Record<string, string>;
  /** Issue template name -> content (GET /projects/:id/templates/issues/:name). */
  templates?: Record<string, string>;
  /** Clock for created_at/updated_at/closed_at (default: real time). */
  now?: () => Date;
  /**
   * A note posted over HTTP is dated this many ms after the clock's time of the request, as GitLab
   * dates a note a few seconds after the run that posts it started (default 0). Settable later too.
   */
  noteDelayMs?: number;
  /** Requests per sliding window (default window one minute) before answering 429. Off by default. */
  rateLimitPerMinute?: number;
  /** Length of the rate-limit window in ms (default 60 000); shorten it in tests. */
  rateLimitWindowMs?: number;
  /** Retry-After (seconds) of the injected 429 (failNext / rateLimited()). Default 1. */
  retryAfterSeconds?: number;
  /**
   * Rate-limit headers with millisecond precision (Retry-After in fractional seconds, RateLimit-Reset
   * a fractional Unix time), for benchmarks that scale the window down. Default false: whole seconds.
   */
  preciseRateLimitHeaders?: boolean;
  /**
   * Whether GET .../notes lists the system notes for label and state changes (default true).
   * Real GitLab (11.x+/13.x+) records those as resource label/state events instead of notes and
   * leaves them out of the Notes API; set false to get that behaviour. `notesOf()` always has them.
   */
  listLabelAndStateNotes?: boolean;
  /** Scoped labels (`scope::value`) are exclusive per scope, as on GitLab Premium. Default true. */
  scopedLabels?: boolean;
  /**
   * Project members' access levels by username (Guest 10, Planner 15, Reporter 20, Developer 30,
   * Maintainer 40, Owner 50). Default: every user is a Developer; a user mapped to null is no member.
   */
  members?: Record<string, number | null>;
  /** Paths of groups (`GET /groups/:id` answers them; any other is a 404). */
  groups?: string[];
}

export interface AddIssueInput {
  title: string;
  description?: string | null;
  labels?: string[];
  /** Username; default: the first token's user (normally the bot). */
  author?: string;
  confidential?: boolean;
  createdAt?: Date;
  state?: 'opened' | 'closed';
}

/** An opaque copy of a GitLab sandbox's stored data (`saveState` / `restoreState`). */
export interface GitLabSandboxState {
  readonly [key: string]: unknown;
}
