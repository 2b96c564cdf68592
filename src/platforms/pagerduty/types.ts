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
  /** 'v3' for a shift-based schedule (read from `/v3/schedules`); absent for a v2 schedule. */
  api?: 'v3';
  time_zone?: string;
  /** Members (v2: the layers' users; v3: the rotations' user members and the final schedule's users). */
  users: PdReference[];
  /** Policies that use the schedule (the API lists them on every schedule). */
  escalation_policies?: PdReference[];
}

/** One stretch of the final (rendered) schedule; times are ISO-8601 with an offset. */
export interface PdRenderedEntry {
  start: string;
  /** Null: the entry never ends (it covers to the end of any window). */
  end: string | null;
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

/**
 * `GET /v3/schedules/{id}?since&until&include[]=final_schedule`: a shift-based schedule with its
 * rotations (members are on the rotations' events) and its computed final schedule.
 */
export interface PdV3ScheduleDetail {
  id: string;
  type?: string;
  name: string;
  time_zone?: string;
  users?: PdReference[];
  escalation_policies?: PdReference[];
  rotations?: PdV3Rotation[];
  final_schedule?: {
    rendered_coverage_percentage?: number | null;
    computed_shift_assignments?: PdV3ShiftAssignment[];
  } | null;
}

/** `user_member` (with `user_id`) or `empty_member` (an intentionally unassigned slot). */
export interface PdV3Member {
  type: string;
  user_id?: string;
}

export interface PdV3Rotation {
  id: string;
  events?: {
    id?: string;
    effective_since?: string;
    /** Null: indefinite. */
    effective_until?: string | null;
    assignment_strategy?: { type?: string; members?: PdV3Member[] };
  }[];
}

export interface PdV3ShiftAssignment {
  start_time: string;
  end_time: string | null;
  member?: PdV3Member;
}

/** Escalation rule targets are user or schedule references (v2 schedules, or shift-based v3 ones). */
export function isScheduleTarget(type: string): boolean {
  return type === 'schedule_reference' || type === 'schedule' || isV3ScheduleTarget(type);
}

/** A target that is a shift-based schedule, which only `/v3/schedules` lists. */
export function isV3ScheduleTarget(type: string): boolean {
  return type === 'schedule_v3_reference';
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
