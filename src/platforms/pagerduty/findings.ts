import { Duration } from 'luxon';
import type { Finding } from '../../domain/types.js';
import type { PagerDutyConfig, Roster, RosterPerson } from '../../config/types.js';
import {
  coverageWindow,
  coveredPercentage,
  describeLength,
  formatIn,
  isKnownZone,
  uncoveredIntervals,
  type Interval,
} from './coverage.js';
import {
  isScheduleTarget,
  isUserTarget,
  type PagerDutySnapshot,
  type PdCoverage,
  type PdEscalationPolicy,
  type PdReference,
  type PdSchedule,
  type PdUser,
} from './types.js';

/** What the checker reads of `platforms.pagerduty` (the rest has defaults, so unit tests can omit it). */
export type PagerDutyAuditSettings = Pick<PagerDutyConfig, 'service_accounts'> &
  Partial<Pick<PagerDutyConfig, 'admin_allow_list' | 'coverage_window' | 'schedules'>>;

/** Uncovered intervals named in a finding's detail; the full list is in its evidence. */
export const MAX_GAPS_IN_DETAIL = 3;
/** Results and ping notes show a finding's detail up to 400 characters. */
const MAX_DETAIL_LENGTH = 400;
const ELEVATED_ROLES = new Set(['admin', 'owner']);

/**
 * The PagerDuty audit as a pure function of what PagerDuty returned, the roster, the settings
 * and the time of the run. Fingerprints name the roster person (GitLab username) or PagerDuty ids,
 * never a list position, so the same problem keeps the same fingerprint across runs and quarters.
 *
 * Owners of schedule and policy problems: the roster has no owner for a schedule or a policy, so
 * the rule is the manager the roster people on it share (their `reports_to`): the person who
 * staffs the rota. When they report to different managers, or nobody on it is in the roster,
 * nobody in particular owns it: the owner is null, which pings the Support Ops Managers. A
 * departed or deleted member still on a rota is owned the same way, by the remaining roster
 * members' manager. A policy's people are the users it targets plus the members of the schedules
 * it targets.
 */
export function pagerDutyFindings(
  snapshot: PagerDutySnapshot,
  roster: Roster,
  config: PagerDutyAuditSettings,
  now: Date,
): Finding[] {
  const ctx = new Context(snapshot, roster, config);
  return [
    ...rosterFindings(ctx),
    ...userFindings(ctx),
    ...scheduleFindings(ctx),
    ...coverageFindings(ctx, now, config.coverage_window ?? 'P28D'),
    ...policyFindings(ctx),
    ...configuredScheduleFindings(ctx),
  ];
}

/** Schedule ids in `platforms.pagerduty.schedules` that PagerDuty does not have. */
function configuredScheduleFindings(ctx: Context): Finding[] {
  return (ctx.config.schedules ?? [])
    .filter((id) => !ctx.schedulesById.has(id))
    .map((id) => ({
      platform: 'pagerduty' as const,
      kind: 'configured-schedule-missing',
      fingerprint: `pagerduty:configured-schedule-missing:${id}`,
      owner: null,
      subject: id,
      detail: `The audit configuration (platforms.pagerduty.schedules) names schedule ${id}, which does not exist in PagerDuty: correct the configuration.`,
      evidence: { scheduleId: id },
    }));
}

/** Lookups shared by the checks. */
class Context {
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
    return managers.size === 1 ? [...managers][0]! : null;
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

/** The foundation's checks, driven by the roster: ids that don't exist, schedules the roster expects. */
function rosterFindings(ctx: Context): Finding[] {
  const findings: Finding[] = [];
  for (const person of ctx.roster) {
    if (!person.pagerduty) continue;
    const user = ctx.usersById.get(person.pagerduty.id);
    if (!user) {
      findings.push(unknownId(person, ctx.usersByEmail.get(person.email.toLowerCase())));
      continue;
    }
    for (const scheduleId of person.pagerduty.schedules) {
      const schedule = ctx.schedulesById.get(scheduleId);
      if (!schedule) {
        findings.push({
          platform: 'pagerduty',
          kind: 'unknown-schedule',
          fingerprint: `pagerduty:unknown-schedule:${person.gitlab.username}:${scheduleId}`,
          owner: person.gitlab.username,
          subject: person.name,
          detail: `The roster expects ${person.name} on schedule ${scheduleId}, which does not exist in PagerDuty: correct pagerduty.schedules in your roster entry.`,
          evidence: { rosterLine: person.line, scheduleId },
        });
      } else if (!schedule.users.some((member) => member.id === user.id)) {
        findings.push({
          platform: 'pagerduty',
          kind: 'missing-from-schedule',
          fingerprint: `pagerduty:missing-from-schedule:${person.gitlab.username}:${scheduleId}`,
          owner: person.gitlab.username,
          subject: person.name,
          detail: `Not on schedule "${schedule.name}" (${schedule.id}), which the roster expects: ask Support Ops (a PagerDuty admin) to add you to it, or correct pagerduty.schedules in your roster entry.`,
          evidence: { rosterLine: person.line, scheduleId, scheduleName: schedule.name, pagerdutyUserId: user.id },
        });
      }
    }
  }
  return findings;
}

/** Users not in the roster, invitations never accepted, and roles that drifted from the roster. */
function userFindings(ctx: Context): Finding[] {
  const findings: Finding[] = [];
  for (const user of ctx.snapshot.users) {
    const person = ctx.rosterById.get(user.id);
    const service = !person && ctx.isServiceAccount(user);
    if (!person && !service) {
      if (ctx.misfiledAs(user)) continue;
      findings.push(notInRoster(user, ctx.rosterByEmail.get(user.email.toLowerCase())));
      continue;
    }
    if (user.invitation_sent === true) {
      findings.push({
        platform: 'pagerduty',
        kind: 'invitation-pending',
        fingerprint: `pagerduty:invitation-pending:${user.id}`,
        owner: person ? person.gitlab.username : null,
        subject: person ? person.name : `${user.name} <${user.email}>`,
        detail: person
          ? `PagerDuty user ${user.id} was invited but never accepted the invitation (the account is not activated): accept it (check your inbox and spam folder); if you do not need the account, ask Support Ops (a PagerDuty admin) to remove it, and remove pagerduty from your roster entry.`
          : `PagerDuty user ${user.id} was invited but never accepted the invitation (the account is not activated): have it accepted, or have a PagerDuty admin remove the account.`,
        evidence: { pagerdutyUserId: user.id, email: user.email, invitationSent: true, serviceAccount: service },
      });
    }
    const drift = roleDrift(ctx, user, person);
    if (drift) findings.push(drift);
  }
  return findings;
}

/**
 * Role drift: a roster `pagerduty.role` must match exactly. Without one, admin and owner are only
 * for the ids and emails in `admin_allow_list` (service accounts included).
 */
function roleDrift(ctx: Context, user: PdUser, person: RosterPerson | undefined): Finding | undefined {
  const expected = person?.pagerduty?.role;
  let detail: string;
  if (expected) {
    if (user.role === expected) return undefined;
    detail = `PagerDuty user ${user.id} has role ${user.role}; the roster says ${expected}: ask Support Ops (a PagerDuty admin) to change the role in PagerDuty, or correct pagerduty.role in your roster entry.`;
  } else {
    if (!ELEVATED_ROLES.has(user.role) || ctx.mayBeAdmin(user)) return undefined;
    detail = person
      ? `PagerDuty user ${user.id} has role ${user.role}, but the roster gives no PagerDuty role and the admin allow-list does not include them: ask Support Ops (a PagerDuty admin) to lower the role; if it is intended, set pagerduty.role in your roster entry, or have the account added to the admin allow-list.`
      : `PagerDuty user ${user.id} has role ${user.role}, but the admin allow-list does not include this service account: have a PagerDuty admin lower the role, or add the account to the admin allow-list.`;
  }
  return {
    platform: 'pagerduty',
    kind: 'role-drift',
    fingerprint: `pagerduty:role-drift:${user.id}`,
    owner: person ? person.gitlab.username : null,
    subject: person ? person.name : `${user.name} <${user.email}>`,
    detail,
    evidence: {
      pagerdutyUserId: user.id,
      role: user.role,
      expectedRole: expected ?? null,
      rosterLine: person?.line ?? null,
    },
  };
}

/** Schedule members who are not (or no longer) in the roster: departed people, deleted users. */
function scheduleFindings(ctx: Context): Finding[] {
  const findings: Finding[] = [];
  for (const schedule of ctx.auditedSchedules) {
    const owner = ctx.sharedManager(ctx.rosterPeople(schedule.users));
    for (const member of schedule.users) {
      if (ctx.rosterById.has(member.id)) continue;
      const user = ctx.usersById.get(member.id);
      if (user && (ctx.isServiceAccount(user) || ctx.misfiledAs(user))) continue;
      const who = user
        ? `${user.name} (${user.id}), who is not in the roster,`
        : `User ${member.id}, who no longer exists in PagerDuty,`;
      findings.push({
        platform: 'pagerduty',
        kind: 'schedule-member-not-in-roster',
        fingerprint: `pagerduty:schedule-member-not-in-roster:${schedule.id}:${member.id}`,
        owner,
        subject: schedule.name,
        detail: `${who} is still on schedule ${schedule.id}: take them off the rota (or ask Support Ops, PagerDuty admins, to)${user ? ', and if they left, ask Support Ops (a PagerDuty admin) to remove the account' : ''}.`,
        evidence: {
          scheduleId: schedule.id,
          scheduleName: schedule.name,
          pagerdutyUserId: member.id,
          exists: Boolean(user),
          name: user?.name ?? member.summary ?? null,
        },
      });
    }
  }
  return findings;
}

/** Schedules whose final schedule leaves time uncovered in the look-ahead window. */
function coverageFindings(ctx: Context, now: Date, window: string): Finding[] {
  const findings: Finding[] = [];
  const audited = new Set(ctx.auditedSchedules.map((schedule) => schedule.id));
  const { since, until } = coverageWindow(now, window);
  for (const coverage of ctx.snapshot.coverage ?? []) {
    if (!audited.has(coverage.scheduleId)) continue;
    const schedule = ctx.schedulesById.get(coverage.scheduleId)!;
    const gaps = uncoveredIntervals(coverage.entries, since.getTime(), until.getTime(), `schedule ${schedule.id}`);
    const computed = coveredPercentage(gaps, since.getTime(), until.getTime());
    // PagerDuty's own percentage counts only when it was rendered for this very window.
    const sameWindow = Date.parse(coverage.since) === since.getTime() && Date.parse(coverage.until) === until.getTime();
    const rendered = sameWindow ? coverage.percentage : null;
    if (gaps.length === 0 && !(rendered !== null && rendered < 100)) continue;
    findings.push(
      coverageGap(ctx, schedule, { ...coverage, percentage: rendered }, gaps, computed, { since, until, window }),
    );
  }
  return findings;
}

function coverageGap(
  ctx: Context,
  schedule: PdSchedule,
  coverage: PdCoverage,
  gaps: Interval[],
  computed: number,
  window: { since: Date; until: Date; window: string },
): Finding {
  const zone = isKnownZone(coverage.timeZone) ? coverage.timeZone : 'UTC';
  const local = !/^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal)$/i.test(zone);
  const show = (gap: Interval) =>
    `${formatRange(gap, 'utc')} UTC${local ? ` (${formatRange(gap, zone)} ${zone})` : ''}`;
  const percentage = coverage.percentage ?? computed;
  const uncovered = gaps.reduce((sum, gap) => sum + gap.end - gap.start, 0);
  const over = describeLength(Duration.fromISO(window.window).toMillis());
  const head = `Schedule ${schedule.id} is ${percentage}% covered over the next ${over}`;
  let detail = `${head}, but its rendered entries show no uncovered interval: check the schedule in PagerDuty.`;
  // At most MAX_GAPS_IN_DETAIL intervals, fewer if they would not fit a results-table cell.
  for (let shown = Math.min(gaps.length, MAX_GAPS_IN_DETAIL); shown >= 1; shown--) {
    const more = gaps.length > shown ? `; ${gaps.length - shown} more in the evidence` : '';
    detail = `${head}; ${describeLength(uncovered)} uncovered in ${gaps.length} interval${gaps.length === 1 ? '' : 's'}: ${gaps.slice(0, shown).map(show).join('; ')}${more}.`;
    if (detail.length <= MAX_DETAIL_LENGTH) break;
  }
  return {
    platform: 'pagerduty',
    kind: 'coverage-gap',
    fingerprint: `pagerduty:coverage-gap:${schedule.id}`,
    owner: ctx.sharedManager(ctx.rosterPeople(schedule.users)),
    subject: schedule.name,
    detail,
    evidence: {
      scheduleId: schedule.id,
      timeZone: coverage.timeZone,
      since: window.since.toISOString(),
      until: window.until.toISOString(),
      renderedCoveragePercentage: coverage.percentage,
      computedCoveragePercentage: computed,
      gaps: gaps.map((gap) => ({
        start: new Date(gap.start).toISOString(),
        end: new Date(gap.end).toISOString(),
        startLocal: formatIn(gap.start, zone),
        endLocal: formatIn(gap.end, zone),
        minutes: Math.round((gap.end - gap.start) / 60_000),
      })),
    },
  };
}

/** Escalation policies: dead references, rules with no target, one target and no loops. */
function policyFindings(ctx: Context): Finding[] {
  const findings: Finding[] = [];
  for (const policy of ctx.snapshot.escalationPolicies) {
    const owner = ctx.sharedManager(ctx.policyPeople(policy));
    const live = new Set<string>();
    rules(policy).forEach((rule, index) => {
      const number = index + 1;
      if (targets(rule).length === 0) {
        findings.push({
          platform: 'pagerduty',
          kind: 'empty-rule',
          fingerprint: `pagerduty:empty-rule:${policy.id}:${rule.id}`,
          owner,
          subject: policy.name,
          detail: `Escalation policy ${policy.id}, rule ${number} (${rule.id}) has no on-call target: an incident that escalates to it pages nobody. Add a schedule or a user, or remove the rule (or ask Support Ops, PagerDuty admins, to).`,
          evidence: { policyId: policy.id, ruleId: rule.id, rule: number },
        });
      }
      for (const target of targets(rule)) {
        const user = isUserTarget(target.type);
        const schedule = isScheduleTarget(target.type);
        if (!user && !schedule) continue;
        const exists = user ? ctx.usersById.has(target.id) : ctx.schedulesById.has(target.id);
        if (exists) {
          live.add(`${user ? 'user' : 'schedule'}:${target.id}`);
          continue;
        }
        const alone = targets(rule).every(
          (other) =>
            other.id === target.id ||
            !(isUserTarget(other.type) ? ctx.usersById.has(other.id) : ctx.schedulesById.has(other.id)),
        );
        findings.push({
          platform: 'pagerduty',
          kind: 'dead-reference',
          fingerprint: `pagerduty:dead-reference:${policy.id}:${target.id}`,
          owner,
          subject: policy.name,
          detail:
            `Escalation policy ${policy.id}, rule ${number} targets ${user ? 'user' : 'schedule'} ${target.id}, which no longer exists` +
            `${alone ? ': the rule pages nobody' : ''}. Replace or remove the target (or ask Support Ops, PagerDuty admins, to).`,
          evidence: {
            policyId: policy.id,
            ruleId: rule.id,
            rule: number,
            targetType: target.type,
            targetId: target.id,
          },
        });
      }
    });
    if (policy.num_loops === 0 && live.size === 1) {
      const [only] = [...live];
      findings.push({
        platform: 'pagerduty',
        kind: 'single-target-policy',
        fingerprint: `pagerduty:single-target-policy:${policy.id}`,
        owner,
        subject: policy.name,
        detail: `Escalation policy ${policy.id} pages one target only (${only!.replace(':', ' ')}) and never repeats (0 loops): if that page is missed, nobody else is paged. Add a second target or rule, or loops (or ask Support Ops, PagerDuty admins, to).`,
        evidence: { policyId: policy.id, target: only, numLoops: policy.num_loops },
      });
    }
  }
  return findings;
}

/** `2026-12-03 00:00 → 12-05 00:00` (the end without its year, or its date on the same day). */
function formatRange(gap: Interval, zone: string): string {
  const start = formatIn(gap.start, zone);
  const end = formatIn(gap.end, zone);
  const tail =
    end.slice(0, 10) === start.slice(0, 10)
      ? end.slice(11)
      : end.slice(0, 4) === start.slice(0, 4)
        ? end.slice(5)
        : end;
  return `${start} → ${tail}`;
}

function rules(policy: PdEscalationPolicy): PdEscalationPolicy['escalation_rules'] {
  return Array.isArray(policy.escalation_rules) ? policy.escalation_rules : [];
}

function targets(rule: PdEscalationPolicy['escalation_rules'][number]): PdReference[] {
  return Array.isArray(rule.targets) ? rule.targets : [];
}

function notInRoster(user: PdUser, knownAs: RosterPerson | undefined): Finding {
  const invited = user.invitation_sent === true ? ' (invited, never activated)' : '';
  return {
    platform: 'pagerduty',
    kind: 'user-not-in-roster',
    fingerprint: `pagerduty:user-not-in-roster:${user.id}`,
    owner: knownAs ? knownAs.gitlab.username : null,
    subject: `${user.name} <${user.email}>`,
    detail: knownAs
      ? `PagerDuty user ${user.id} (role ${user.role})${invited} has the email of ${knownAs.name}, whose roster entry ${knownAs.pagerduty ? `names PagerDuty id ${knownAs.pagerduty.id}` : 'has no PagerDuty account'}: ask Support Ops (a PagerDuty admin) to remove the extra account, or fix your roster entry.`
      : `PagerDuty user ${user.id} (role ${user.role})${invited} is not in the roster: have a PagerDuty admin remove the account, or add the person to the roster or to the service-account allow-list.`,
    evidence: {
      pagerdutyUserId: user.id,
      email: user.email,
      role: user.role,
      invitationSent: user.invitation_sent === true,
    },
  };
}

function unknownId(person: RosterPerson, sameEmail: PdUser | undefined): Finding {
  const id = person.pagerduty!.id;
  return {
    platform: 'pagerduty',
    kind: 'unknown-id',
    fingerprint: `pagerduty:unknown-id:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: person.name,
    detail: sameEmail
      ? `The roster's PagerDuty id ${id} does not exist; PagerDuty has ${person.email} as ${sameEmail.id}: correct pagerduty.id in your roster entry.`
      : `The roster's PagerDuty id ${id} does not exist in PagerDuty, and no PagerDuty user has ${person.email}: correct pagerduty.id in your roster entry, or ask Support Ops (a PagerDuty admin) for an account.`,
    evidence: { rosterLine: person.line, rosterId: id, pagerdutyIdForEmail: sameEmail?.id ?? null },
  };
}
