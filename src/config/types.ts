import type { PlatformId } from '../domain/types.js';

/** Zendesk's built-in roles; any other string is the name of a custom role. */
export type ZendeskBuiltinRole = 'agent' | 'admin' | 'light_agent';
export const ZENDESK_BUILTIN_ROLES: readonly ZendeskBuiltinRole[] = ['agent', 'admin', 'light_agent'];

/** Keys of `zendesk:` in a roster entry, one per Zendesk instance. */
export type ZendeskInstance = 'main' | 'us_federal';
export const ZENDESK_INSTANCES: readonly ZendeskInstance[] = ['main', 'us_federal'];

export type CalendlyRole = 'owner' | 'admin' | 'user';
export const CALENDLY_ROLES: readonly CalendlyRole[] = ['owner', 'admin', 'user'];

/** PagerDuty's user roles (REST API v2 `role`). */
export type PagerDutyRole =
  | 'admin'
  | 'limited_user'
  | 'observer'
  | 'owner'
  | 'read_only_user'
  | 'read_only_limited_user'
  | 'restricted_access'
  | 'user';
export const PAGERDUTY_ROLES: readonly PagerDutyRole[] = [
  'admin',
  'limited_user',
  'observer',
  'owner',
  'read_only_user',
  'read_only_limited_user',
  'restricted_access',
  'user',
];

export interface ZendeskAccount {
  /**
   * Zendesk user id (positive integer). Absent while the person is marked for the instance but
   * has no account yet (the audit then looks for their email, and reports a missing account).
   */
  id?: number;
  /** agent | admin | light_agent, or a custom role's name. */
  role: ZendeskBuiltinRole | (string & {});
  /** Zendesk group names; [] when absent. */
  groups: string[];
}

export interface RosterPerson {
  name: string;
  email: string;
  gitlab: { username: string };
  /**
   * Manager's GitLab username, spelled as in that manager's `gitlab.username` (matched
   * case-insensitively, like GitLab), or null at the top of the tree.
   */
  reports_to: string | null;
  /** Absent when the person has no seat on either instance; each instance is optional. */
  zendesk?: { main?: ZendeskAccount; us_federal?: ZendeskAccount };
  calendly?: { email: string; role: CalendlyRole };
  /**
   * PagerDuty user id (e.g. PABC123), the schedule ids they should be on ([] when absent) and,
   * optionally, the role they should have (absent: any role but admin/owner, unless allow-listed).
   */
  pagerduty?: { id: string; schedules: string[]; role?: PagerDutyRole };
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

export interface CalendlyConfig extends PlatformConfig {
  /** Emails of the members allowed to hold the owner or admin role; anyone else with it is a finding. */
  admin_allow_list: string[];
  /** ISO-8601 duration after which a pending invitation is a finding (default P14D). */
  pending_invitation_max_age: string;
}

/** `platforms.zendesk` and `platforms.zendesk-us-federal`: one audit per Zendesk instance. */
export interface ZendeskConfig extends PlatformConfig {
  /**
   * OAuth clients (id, identifier or name), API tokens (id) and users (id or email) of integrations,
   * the bot's own client among them: listed in the credentials review, never asked to justify
   * themselves, and users need no roster entry.
   */
  service_accounts: string[];
  /**
   * Whether an agent without two-factor authentication is a finding (default true). Set false when
   * agents sign in through SSO: Zendesk's 2FA does not apply to them, and the API does not say who does.
   */
  two_factor_required: boolean;
  /** Emails or Zendesk user ids (as strings) allowed to be admin; any other admin is a finding. */
  admin_allow_list: string[];
  /**
   * ISO-8601 duration: an agent or admin whose last sign-in is older (or who never signed in) is a
   * finding (default P90D).
   */
  max_login_age: string;
  /** ISO-8601 duration: an active API token not used for longer (or never used) is a finding (default P90D). */
  token_max_unused_age: string;
}

export interface PagerDutyConfig extends PlatformConfig {
  /** PagerDuty user ids or emails of service accounts that need no roster entry. */
  service_accounts: string[];
  /** PagerDuty user ids or emails allowed to be admin/owner when the roster gives them no role. */
  admin_allow_list: string[];
  /** ISO-8601 look-ahead window for schedule coverage (default P28D). */
  coverage_window: string;
  /** Schedule ids that narrow the schedule audit; absent: every schedule (from the API and the policies). */
  schedules?: string[];
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
  platforms: {
    zendesk: ZendeskConfig;
    'zendesk-us-federal': ZendeskConfig;
    calendly: CalendlyConfig;
    pagerduty: PagerDutyConfig;
  } & Record<PlatformId, PlatformConfig>;
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
  ZENDESK_URL?: string;
  /** The OAuth client (client credentials grant) the main instance is read with. */
  ZENDESK_CLIENT_ID?: string;
  ZENDESK_CLIENT_SECRET?: string;
  /** The API-token pair: a fallback while Zendesk accepts API tokens (until 2027-04-30). */
  ZENDESK_EMAIL?: string;
  ZENDESK_API_TOKEN?: string;
  ZENDESK_US_FEDERAL_URL?: string;
  ZENDESK_US_FEDERAL_CLIENT_ID?: string;
  ZENDESK_US_FEDERAL_CLIENT_SECRET?: string;
  ZENDESK_US_FEDERAL_EMAIL?: string;
  ZENDESK_US_FEDERAL_API_TOKEN?: string;
  /** Default https://api.calendly.com. */
  CALENDLY_URL: string;
  CALENDLY_TOKEN?: string;
  /** Default https://api.pagerduty.com. */
  PAGERDUTY_URL: string;
  PAGERDUTY_TOKEN?: string;
  /** Default audit.config.yml. */
  AUDIT_CONFIG: string;
  /** Default roster.yml (an extension of the DESIGN.md contract). */
  AUDIT_ROSTER: string;
  /** Milliseconds one HTTP request (to GitLab or a platform) may take; default 30000. */
  AUDIT_HTTP_TIMEOUT_MS?: number;
}

export type EnvName = keyof Env;
