/** The parts of PagerDuty REST API v2 objects the audit reads. */
export interface PdReference {
  id: string;
  type: string;
  summary?: string;
}

export interface PdUser {
  id: string;
  name: string;
  email: string;
  role: string;
  /** True while the user has an outstanding invitation (invited, never activated the account). */
  invitation_sent?: boolean;
  time_zone?: string;
}

export interface PdSchedule {
  id: string;
  name: string;
  time_zone?: string;
  users: PdReference[];
  /** Policies that use the schedule (the API lists them on every schedule). */
  escalation_policies?: PdReference[];
}

/** One stretch of the final (rendered) schedule; times are ISO-8601 with an offset. */
export interface PdRenderedEntry {
  start: string;
  end: string;
  user?: PdReference;
}

/** `GET /schedules/{id}?since&until`: the schedule with its final rendered layer. */
export interface PdScheduleDetail extends PdSchedule {
  final_schedule?: {
    rendered_schedule_entries?: PdRenderedEntry[];
    /** Null unless since or until were given. */
    rendered_coverage_percentage?: number | null;
  };
}

export interface PdEscalationPolicy {
  id: string;
  name: string;
  num_loops: number;
  escalation_rules: { id: string; escalation_delay_in_minutes: number; targets: PdReference[] }[];
}

/** The final schedule of one schedule over the look-ahead window, as read from PagerDuty. */
export interface PdCoverage {
  scheduleId: string;
  /** The window asked for (ISO-8601 instants, UTC). */
  since: string;
  until: string;
  timeZone: string;
  percentage: number | null;
  entries: PdRenderedEntry[];
}

/** Escalation rule targets are user or schedule references. */
export function isScheduleTarget(type: string): boolean {
  return type === 'schedule_reference' || type === 'schedule';
}

export function isUserTarget(type: string): boolean {
  return type === 'user_reference' || type === 'user';
}

/** Everything one audit run read from PagerDuty. */
export interface PagerDutySnapshot {
  users: PdUser[];
  schedules: PdSchedule[];
  escalationPolicies: PdEscalationPolicy[];
  /** Final schedules of the audited schedules over the coverage window (absent: coverage not read). */
  coverage?: PdCoverage[];
}
