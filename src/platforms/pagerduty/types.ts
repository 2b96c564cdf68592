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
  invitation_sent?: boolean;
  time_zone?: string;
}

export interface PdSchedule {
  id: string;
  name: string;
  time_zone?: string;
  users: PdReference[];
}

export interface PdEscalationPolicy {
  id: string;
  name: string;
  num_loops: number;
  escalation_rules: { id: string; escalation_delay_in_minutes: number; targets: PdReference[] }[];
}

/** Everything one audit run read from PagerDuty. */
export interface PagerDutySnapshot {
  users: PdUser[];
  schedules: PdSchedule[];
  escalationPolicies: PdEscalationPolicy[];
}
