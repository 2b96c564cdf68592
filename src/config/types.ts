import type { PlatformId } from '../domain/types.js';

export interface ZendeskAccount {
  id: number;
  role: string;
  groups: string[];
}

export interface RosterPerson {
  name: string;
  email: string;
  gitlab: { username: string };
  /** Manager's GitLab username, or null at the top of the tree. */
  reports_to: string | null;
  zendesk?: { main?: ZendeskAccount; us_federal?: ZendeskAccount };
  calendly?: { email: string; role: string };
  pagerduty?: { id: string; schedules: string[] };
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
}

export interface PagerDutyConfig extends PlatformConfig {
  /** PagerDuty user ids or emails of service accounts that need no roster entry. */
  service_accounts: string[];
}

export interface AuditConfig {
  /** Where the file was loaded from, for messages. */
  file: string;
  support_ops_managers: string[];
  confidential: boolean;
  labels: string[];
  ladder: LadderDurations;
  allow_list: AllowListEntry[];
  platforms: {
    zendesk: PlatformConfig;
    'zendesk-us-federal': PlatformConfig;
    calendly: PlatformConfig;
    pagerduty: PagerDutyConfig;
  } & Record<PlatformId, PlatformConfig>;
}
