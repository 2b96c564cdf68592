import type { PagerDutyData, PdEscalationPolicy, PdSchedule, PdUser } from './data.js';

export interface PdReference {
  id: string;
  type: string;
  summary: string;
  self: string;
  html_url: string;
}

/** What rendering reads: the live data, the fake's links and its lookup by id. */
export interface PdRenderSource {
  readonly data: PagerDutyData;
  /** Base of `self` links: the running fake's URL. */
  readonly apiUrl: string;
  /** Base of `html_url` links. */
  readonly webBaseUrl: string;
  byId<T extends { id: string }>(items: T[], id: string): T | undefined;
}

/** Renders the store's records as PagerDuty REST API v2 objects and references. */
export class PdRenderer {
  constructor(private readonly source: PdRenderSource) {}

  get data(): PagerDutyData {
    return this.source.data;
  }

  get apiUrl(): string {
    return this.source.apiUrl;
  }

  get webBaseUrl(): string {
    return this.source.webBaseUrl;
  }

  user(user: PdUser): Record<string, unknown> {
    return {
      id: user.id,
      type: 'user',
      summary: user.name,
      self: `${this.apiUrl}/users/${user.id}`,
      html_url: `${this.webBaseUrl}/users/${user.id}`,
      name: user.name,
      email: user.email,
      time_zone: user.time_zone,
      color: 'purple',
      role: user.role,
      avatar_url: `https://secure.gravatar.com/avatar/${user.id.toLowerCase()}.png?d=mm&r=PG`,
      description: user.description ?? null,
      invitation_sent: user.invitation_sent,
      job_title: user.job_title ?? null,
      teams: (user.teamIds ?? []).map((id) => this.teamRef(id)),
      contact_methods: [],
      notification_rules: [],
    };
  }

  schedule(schedule: PdSchedule): Record<string, unknown> {
    return {
      id: schedule.id,
      type: 'schedule',
      summary: schedule.name,
      self: `${this.apiUrl}/schedules/${schedule.id}`,
      html_url: `${this.webBaseUrl}/schedules/${schedule.id}`,
      name: schedule.name,
      time_zone: schedule.time_zone,
      description: schedule.description ?? null,
      users: schedule.userIds.map((id) => this.userRef(id)),
      escalation_policies: this.policiesTargeting('schedule', schedule.id),
      teams: (schedule.teamIds ?? []).map((id) => this.teamRef(id)),
    };
  }

  policy(policy: PdEscalationPolicy): Record<string, unknown> {
    return {
      id: policy.id,
      type: 'escalation_policy',
      summary: policy.name,
      self: `${this.apiUrl}/escalation_policies/${policy.id}`,
      html_url: `${this.webBaseUrl}/escalation_policies/${policy.id}`,
      name: policy.name,
      description: policy.description ?? null,
      num_loops: policy.num_loops,
      on_call_handoff_notifications: policy.on_call_handoff_notifications ?? 'if_has_services',
      escalation_rules: policy.rules.map((rule, index) => ({
        id: rule.id ?? `${policy.id}R${index + 1}`,
        escalation_delay_in_minutes: rule.delayMinutes,
        targets: rule.targets.map((target) =>
          target.type === 'user'
            ? this.userRef(target.id)
            : target.type === 'schedule_v3'
              ? this.v3ScheduleRef(target.id)
              : this.scheduleRef(target.id),
        ),
      })),
      services: (policy.services ?? []).map((s) => this.ref('service_reference', 'services', s.id, s.name)),
      teams: (policy.teamIds ?? []).map((id) => this.teamRef(id)),
    };
  }

  /** References to the escalation policies with a rule that targets the schedule. */
  policiesTargeting(type: 'schedule' | 'schedule_v3', scheduleId: string): PdReference[] {
    return this.data.escalationPolicies
      .filter((p) => p.rules.some((r) => r.targets.some((t) => t.type === type && t.id === scheduleId)))
      .map((p) => this.ref('escalation_policy_reference', 'escalation_policies', p.id, p.name));
  }

  userRef(id: string): PdReference {
    return this.ref('user_reference', 'users', id, this.source.byId(this.data.users, id)?.name);
  }

  scheduleRef(id: string): PdReference {
    return this.ref('schedule_reference', 'schedules', id, this.source.byId(this.data.schedules, id)?.name);
  }

  /** PagerDuty's `schedule_v3_reference`: self under /v3/schedules, html_url under /schedules. */
  v3ScheduleRef(id: string): PdReference {
    const name = (this.data.v3Schedules ?? []).find((schedule) => schedule.id === id)?.name;
    return { ...this.ref('schedule_v3_reference', 'schedules', id, name), self: `${this.apiUrl}/v3/schedules/${id}` };
  }

  teamRef(id: string): PdReference {
    return this.ref('team_reference', 'teams', id, this.data.teams?.find((t) => t.id === id)?.name);
  }

  /** A dead reference (nothing with that id) keeps its id and gets the id as summary. */
  ref(type: string, path: string, id: string, name: string | undefined): PdReference {
    return {
      id,
      type,
      summary: name ?? id,
      self: `${this.apiUrl}/${path}/${id}`,
      html_url: `${this.webBaseUrl}/${path}/${id}`,
    };
  }
}
