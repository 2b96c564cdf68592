/**
 * The PagerDuty fake's store: what it serves, in the shapes tests and seeds write. The fake renders
 * these as PagerDuty's API objects.
 */

export type PdRole =
  | 'admin'
  | 'user'
  | 'limited_user'
  | 'observer'
  | 'owner'
  | 'read_only_user'
  | 'restricted_access'
  | 'read_only_limited_user';

export interface PdUser {
  id: string;
  name: string;
  email: string;
  role: PdRole;
  time_zone: string;
  /** True while the user has been invited but never accepted (never activated the account). */
  invitation_sent: boolean;
  job_title?: string | null;
  description?: string | null;
  teamIds?: string[];
}

export interface PdCoverageEntry {
  /** ISO-8601 instants; a null end never ends (rendered as null). */
  start: string;
  end: string | null;
  userId: string;
}

/** One stretch of a shift-based schedule's final schedule; `userId` null is an `empty_member` slot. */
export interface PdV3CoverageEntry {
  start: string;
  end: string | null;
  userId: string | null;
}

export interface PdV3Event {
  id: string;
  name: string;
  /** User members of the event's assignment strategy (may include ids that no longer exist). */
  memberIds: string[];
  /** Default: rotating, one shift per member. */
  strategy?: 'rotating_member_assignment_strategy' | 'every_member_assignment_strategy';
  effective_since: string;
  /** Null or absent: indefinite. */
  effective_until?: string | null;
  /** Default ['RRULE:FREQ=WEEKLY']. */
  recurrence?: string[];
}

/** A shift-based (v3) schedule: rotations of events; its final schedule is `coverage`. */
export interface PdScheduleV3 {
  id: string;
  name: string;
  time_zone: string;
  description?: string | null;
  rotations: Array<{ id: string; events: PdV3Event[] }>;
  /** The computed final schedule (rotations, custom shifts and overrides), as on-call stretches. */
  coverage: PdV3CoverageEntry[];
  teamIds?: string[];
}

export interface PdSchedule {
  id: string;
  name: string;
  time_zone: string;
  description?: string | null;
  /** Users on the schedule's layers (the API's `users`). May include ids that no longer exist. */
  userIds: string[];
  /** The final schedule (after layers and overrides), as on-call stretches; gaps are uncovered time. */
  coverage: PdCoverageEntry[];
  teamIds?: string[];
}

export interface PdTarget {
  /** `schedule_v3`: a shift-based schedule (rendered as a `schedule_v3_reference`). */
  type: 'user' | 'schedule' | 'schedule_v3';
  /** May point at nothing (a deleted user or schedule): rendered as a dead reference. */
  id: string;
}

export interface PdEscalationRule {
  /** Defaults to `<policy id>R<n>`. */
  id?: string;
  delayMinutes: number;
  targets: PdTarget[];
}

export interface PdEscalationPolicy {
  id: string;
  name: string;
  description?: string | null;
  num_loops: number;
  on_call_handoff_notifications?: 'if_has_services' | 'always';
  rules: PdEscalationRule[];
  services?: Array<{ id: string; name: string }>;
  teamIds?: string[];
}

export interface PdTeam {
  id: string;
  name: string;
}

export interface PagerDutyData {
  users: PdUser[];
  schedules: PdSchedule[];
  escalationPolicies: PdEscalationPolicy[];
  /** Shift-based schedules, served only under `/v3/schedules`. */
  v3Schedules?: PdScheduleV3[];
  /** Optional: names for team references (unknown team ids are rendered with the id as summary). */
  teams?: PdTeam[];
}

/**
 * `count` users with deterministic ids P0000001… and names that sort in id order, for pagination
 * tests. `prefix` starts every name (default "Generated User").
 */
export function generatePagerDutyUsers(count: number, prefix = 'Generated User'): PdUser[] {
  const slug =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'user';
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(7, '0');
    return {
      id: `P${n}`,
      name: `${prefix} ${n}`,
      email: `${slug}-${n}@example.com`,
      role: 'user' as const,
      time_zone: 'Etc/UTC',
      invitation_sent: false,
      job_title: null,
      description: null,
      teamIds: [],
    };
  });
}
