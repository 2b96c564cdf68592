import type { Finding } from '../../domain/types.js';
import type { Roster, RosterPerson } from '../../config/types.js';
import type { PagerDutySnapshot, PdUser } from './types.js';
import { Context, type PagerDutyAuditSettings } from './context.js';
import { coverageFindings } from './coverage-findings.js';
import { policyFindings } from './policy-findings.js';

export type { PagerDutyAuditSettings } from './context.js';
export { MAX_GAPS_IN_DETAIL } from './coverage-findings.js';

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
      detail:
        `The audit configuration (platforms.pagerduty.schedules) names schedule ${id}, ` +
        'which does not exist in PagerDuty: correct the configuration.',
      evidence: { scheduleId: id },
    }));
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
          detail:
            `The roster expects ${person.name} on schedule ${scheduleId}, which does not exist in PagerDuty: ` +
            'correct pagerduty.schedules in your roster entry.',
          evidence: { rosterLine: person.line, scheduleId },
        });
      } else if (!schedule.users.some((member) => member.id === user.id)) {
        findings.push({
          platform: 'pagerduty',
          kind: 'missing-from-schedule',
          fingerprint: `pagerduty:missing-from-schedule:${person.gitlab.username}:${scheduleId}`,
          owner: person.gitlab.username,
          subject: person.name,
          detail:
            `Not on schedule "${schedule.name}" (${schedule.id}), which the roster expects: ` +
            'ask Support Ops (a PagerDuty admin) to add you to it, ' +
            'or correct pagerduty.schedules in your roster entry.',
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
        detail:
          `PagerDuty user ${user.id} was invited but never accepted the invitation (the account is not activated): ` +
          (person
            ? 'accept it (check your inbox and spam folder); if you do not need the account, ' +
              'ask Support Ops (a PagerDuty admin) to remove it, and remove pagerduty from your roster entry.'
            : 'have it accepted, or have a PagerDuty admin remove the account.'),
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
    detail =
      `PagerDuty user ${user.id} has role ${user.role}; the roster says ${expected}: ` +
      'ask Support Ops (a PagerDuty admin) to change the role in PagerDuty, ' +
      'or correct pagerduty.role in your roster entry.';
  } else {
    if (!ELEVATED_ROLES.has(user.role) || ctx.mayBeAdmin(user)) return undefined;
    detail = person
      ? `PagerDuty user ${user.id} has role ${user.role}, but the roster gives no PagerDuty role ` +
        'and the admin allow-list does not include them: ' +
        'ask Support Ops (a PagerDuty admin) to lower the role; if it is intended, ' +
        'set pagerduty.role in your roster entry, or have the account added to the admin allow-list.'
      : `PagerDuty user ${user.id} has role ${user.role}, ` +
        'but the admin allow-list does not include this service account: ' +
        'have a PagerDuty admin lower the role, or add the account to the admin allow-list.';
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
        detail:
          `${who} is still on schedule ${schedule.id}: ` +
          'take them off the rota (or ask Support Ops, PagerDuty admins, to)' +
          (user ? ', and if they left, ask Support Ops (a PagerDuty admin) to remove the account' : '') +
          '.',
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

function notInRoster(user: PdUser, knownAs: RosterPerson | undefined): Finding {
  const invited = user.invitation_sent === true ? ' (invited, never activated)' : '';
  return {
    platform: 'pagerduty',
    kind: 'user-not-in-roster',
    fingerprint: `pagerduty:user-not-in-roster:${user.id}`,
    owner: knownAs ? knownAs.gitlab.username : null,
    subject: `${user.name} <${user.email}>`,
    detail: knownAs
      ? `PagerDuty user ${user.id} (role ${user.role})${invited} has the email of ${knownAs.name}, ` +
        'whose roster entry ' +
        (knownAs.pagerduty ? `names PagerDuty id ${knownAs.pagerduty.id}` : 'has no PagerDuty account') +
        ': ask Support Ops (a PagerDuty admin) to remove the extra account, or fix your roster entry.'
      : `PagerDuty user ${user.id} (role ${user.role})${invited} is not in the roster: have a PagerDuty admin ` +
        'remove the account, or add the person to the roster or to the service-account allow-list.',
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
      ? `The roster's PagerDuty id ${id} does not exist; PagerDuty has ${person.email} as ${sameEmail.id}: ` +
        'correct pagerduty.id in your roster entry.'
      : `The roster's PagerDuty id ${id} does not exist in PagerDuty, and no PagerDuty user has ${person.email}: ` +
        'correct pagerduty.id in your roster entry, or ask Support Ops (a PagerDuty admin) for an account.',
    evidence: { rosterLine: person.line, rosterId: id, pagerdutyIdForEmail: sameEmail?.id ?? null },
  };
}
