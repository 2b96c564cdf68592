import type { Roster, RosterPerson } from '../../config/types.js';
import type { PagerDutyConfig } from './settings.js';
import {
  isScheduleTarget,
  isUserTarget,
  type PagerDutySnapshot,
  type PdEscalationPolicy,
  type PdReference,
  type PdSchedule,
  type PdUser,
} from './types.js';

/** What the checker reads of `platforms.pagerduty` (the rest has defaults, so unit tests can omit it). */
export type PagerDutyAuditSettings = Pick<PagerDutyConfig, 'service_accounts'> &
  Partial<Pick<PagerDutyConfig, 'admin_allow_list' | 'coverage_window' | 'schedules'>>;

/** Lookups shared by the checks. */
export class Context {
  readonly usersById: Map<string, PdUser>;
  readonly usersByEmail: Map<string, PdUser>;
  readonly schedulesById: Map<string, PdSchedule>;
  readonly rosterById: Map<string, RosterPerson>;
  readonly rosterByEmail: Map<string, RosterPerson>;
  readonly rosterByUsername: Map<string, RosterPerson>;
  private readonly serviceAccounts: Set<string>;
  private readonly adminAllowList: Set<string>;
  /** Schedules the schedule checks look at (all, or the configured ones). */
  readonly auditedSchedules: PdSchedule[];

  constructor(
    readonly snapshot: PagerDutySnapshot,
    readonly roster: Roster,
    readonly config: PagerDutyAuditSettings,
  ) {
    this.usersById = new Map(snapshot.users.map((user) => [user.id, user]));
    this.usersByEmail = new Map(snapshot.users.map((user) => [user.email.toLowerCase(), user]));
    this.schedulesById = new Map(snapshot.schedules.map((schedule) => [schedule.id, schedule]));
    this.rosterById = new Map(
      roster.flatMap((person) => (person.pagerduty ? [[person.pagerduty.id, person] as const] : [])),
    );
    this.rosterByEmail = new Map(roster.map((person) => [person.email.toLowerCase(), person]));
    this.rosterByUsername = new Map(roster.map((person) => [person.gitlab.username.toLowerCase(), person]));
    this.serviceAccounts = new Set(config.service_accounts.map((entry) => entry.toLowerCase()));
    this.adminAllowList = new Set((config.admin_allow_list ?? []).map((entry) => entry.toLowerCase()));
    const narrowed = config.schedules ? new Set(config.schedules) : undefined;
    this.auditedSchedules = snapshot.schedules.filter((schedule) => !narrowed || narrowed.has(schedule.id));
  }

  isServiceAccount(user: PdUser): boolean {
    return this.serviceAccounts.has(user.id.toLowerCase()) || this.serviceAccounts.has(user.email.toLowerCase());
  }

  mayBeAdmin(user: PdUser): boolean {
    return this.adminAllowList.has(user.id.toLowerCase()) || this.adminAllowList.has(user.email.toLowerCase());
  }

  /**
   * The roster person who owns this PagerDuty user under another id: their roster id does not
   * exist and PagerDuty has their email. Reported once, as that person's unknown-id.
   */
  misfiledAs(user: PdUser): RosterPerson | undefined {
    const person = this.rosterByEmail.get(user.email.toLowerCase());
    return person?.pagerduty && !this.usersById.has(person.pagerduty.id) && !this.rosterById.has(user.id)
      ? person
      : undefined;
  }

  /** Roster people among PagerDuty user references (unknown and non-roster ids are skipped). */
  rosterPeople(references: readonly PdReference[]): RosterPerson[] {
    return references.flatMap((reference) => {
      const person = this.rosterById.get(reference.id);
      return person ? [person] : [];
    });
  }

  /** The manager the given roster people share, or null (see pagerDutyFindings). */
  sharedManager(people: readonly RosterPerson[]): string | null {
    const managers = new Set(people.flatMap((person) => (person.reports_to ? [person.reports_to] : [])));
    return managers.size === 1 ? [...managers][0] : null;
  }

  /** Roster people a policy pages: targeted users and the members of targeted schedules. */
  policyPeople(policy: PdEscalationPolicy): RosterPerson[] {
    const references = rules(policy).flatMap((rule) =>
      targets(rule).flatMap((target) => {
        if (isUserTarget(target.type)) return [target];
        if (isScheduleTarget(target.type)) return this.schedulesById.get(target.id)?.users ?? [];
        return [];
      }),
    );
    return [...new Set(this.rosterPeople(references))];
  }
}

export function rules(policy: PdEscalationPolicy): PdEscalationPolicy['escalation_rules'] {
  return Array.isArray(policy.escalation_rules) ? policy.escalation_rules : [];
}

export function targets(rule: PdEscalationPolicy['escalation_rules'][number]): PdReference[] {
  return Array.isArray(rule.targets) ? rule.targets : [];
}
