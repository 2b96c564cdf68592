/**
 * What the audit config, the roster and the environment hold in common. Each platform's own part
 * (its settings under `platforms.<id>`, its roster section) is declared in its folder,
 * src/platforms/<id>/, which adds it to PlatformSettingsMap and RosterPerson below.
 */

/**
 * Each audit's settings by its platform id (`pagerduty: PagerDutyConfig`), added by the platform
 * folders (their settings.ts): the keys are the platform ids.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PlatformSettingsMap {}

/** The id of an audit: config key, `--platform`, labels and markers (`zendesk-us-federal`). */
export type PlatformId = Extract<keyof PlatformSettingsMap, string>;

/** A person in roster.yml; each platform folder (its roster.ts) adds its optional section. */
export interface RosterPerson {
  name: string;
  email: string;
  gitlab: { username: string };
  /**
   * Manager's GitLab username, spelled as in that manager's `gitlab.username` (matched
   * case-insensitively, like GitLab), or null at the top of the tree.
   */
  reports_to: string | null;
  /** 1-based line of this person's entry in roster.yml, for messages. */
  line: number;
}

export type Roster = RosterPerson[];

export interface LadderDurations {
  /** ISO-8601 durations (luxon). */
  second_ping_after: string;
  manager_after: string;
  som_after: string;
}

export interface AllowListEntry {
  fingerprint: string;
  reason: string;
  /** ISO date; the exception stops applying after it. */
  expires: string;
}

export interface PlatformConfig {
  enabled: boolean;
  template: string;
  labels: string[];
  /** The share (0 < share ≤ 1, default 0.5) of the vendor's announced per-minute budget the audit may use. */
  rate_limit_share: number;
}

export interface AuditConfig {
  /** Where the file was loaded from, for messages. */
  file: string;
  support_ops_managers: string[];
  confidential: boolean;
  labels: string[];
  ladder: LadderDurations;
  /**
   * ISO-8601 duration (default P3D): once the current quarter began longer ago than this, `followup`
   * fails (exit 1) for every enabled platform with no audit issue for the quarter.
   */
  missed_quarter_after: string;
  allow_list: AllowListEntry[];
  platforms: PlatformSettingsMap & Record<string, PlatformConfig>;
}

/**
 * The environment contract (DESIGN.md), read by `readEnv`. Unset and empty variables are
 * undefined; defaults are applied; URLs are validated and have no trailing slash.
 */
export interface Env {
  /** GITLAB_URL, else CI_SERVER_URL. */
  GITLAB_URL?: string;
  GITLAB_TOKEN?: string;
  /**
   * Secret the seals on the bot's markers and board checkpoint are keyed with; unset, a key derived
   * from GITLAB_TOKEN (rotating the token then leaves the old seals unverifiable).
   */
  AUDIT_SEAL_KEY?: string;
  /** AUDIT_PROJECT, else CI_PROJECT_PATH. */
  AUDIT_PROJECT?: string;
  /** Default audit.config.yml. */
  AUDIT_CONFIG: string;
  /** Default roster.yml (an extension of the DESIGN.md contract). */
  AUDIT_ROSTER: string;
  /** Milliseconds one HTTP request (to GitLab or a platform) may take; default 30000. */
  AUDIT_HTTP_TIMEOUT_MS?: number;
  /** Each platform's variables (its module's `env` list), by name: a string, or undefined when unset. */
  [name: string]: string | number | undefined;
}

export type EnvName = string;

/** `values` with `names` known to be set. */
export type EnvWith<K extends EnvName> = Env & { [P in K]-?: string };
