import type { Finding } from '../../domain/types.js';
import type { PagerDutyConfig, Roster, RosterPerson } from '../../config/types.js';
import type { PagerDutySnapshot, PdUser } from './types.js';

/**
 * The PagerDuty audit as a pure function of what PagerDuty returned and the roster.
 * Fingerprints name the roster person (GitLab username) or the PagerDuty id, never a list
 * position, so the same problem keeps the same fingerprint across runs and quarters.
 */
export function pagerDutyFindings(snapshot: PagerDutySnapshot, roster: Roster, config: Pick<PagerDutyConfig, 'service_accounts'>): Finding[] {
  const usersById = new Map(snapshot.users.map((user) => [user.id, user]));
  const usersByEmail = new Map(snapshot.users.map((user) => [user.email.toLowerCase(), user]));
  const schedulesById = new Map(snapshot.schedules.map((schedule) => [schedule.id, schedule]));
  const rosterIds = new Set(roster.flatMap((person) => (person.pagerduty ? [person.pagerduty.id] : [])));
  const rosterEmails = new Map(roster.map((person) => [person.email.toLowerCase(), person]));
  const serviceAccounts = new Set(config.service_accounts.map((entry) => entry.toLowerCase()));
  const findings: Finding[] = [];

  for (const person of roster) {
    if (!person.pagerduty) continue;
    const user = usersById.get(person.pagerduty.id);
    if (!user) {
      findings.push(unknownId(person, usersByEmail.get(person.email.toLowerCase())));
      continue;
    }
    for (const scheduleId of person.pagerduty.schedules) {
      const schedule = schedulesById.get(scheduleId);
      if (!schedule) {
        findings.push({
          platform: 'pagerduty',
          kind: 'unknown-schedule',
          fingerprint: `pagerduty:unknown-schedule:${person.gitlab.username}:${scheduleId}`,
          owner: person.gitlab.username,
          subject: person.name,
          detail: `The roster expects ${person.name} on schedule ${scheduleId}, which does not exist in PagerDuty.`,
          evidence: { rosterLine: person.line, scheduleId },
        });
      } else if (!schedule.users.some((member) => member.id === user.id)) {
        findings.push({
          platform: 'pagerduty',
          kind: 'missing-from-schedule',
          fingerprint: `pagerduty:missing-from-schedule:${person.gitlab.username}:${scheduleId}`,
          owner: person.gitlab.username,
          subject: person.name,
          detail: `Not on schedule "${schedule.name}" (${schedule.id}), which the roster expects.`,
          evidence: { rosterLine: person.line, scheduleId, scheduleName: schedule.name, pagerdutyUserId: user.id },
        });
      }
    }
  }

  for (const user of snapshot.users) {
    if (rosterIds.has(user.id)) continue;
    if (serviceAccounts.has(user.id.toLowerCase()) || serviceAccounts.has(user.email.toLowerCase())) continue;
    // Someone the roster knows by email but under another id is reported once, as that person's unknown-id.
    const knownAs = rosterEmails.get(user.email.toLowerCase());
    if (knownAs?.pagerduty && !usersById.has(knownAs.pagerduty.id)) continue;
    findings.push({
      platform: 'pagerduty',
      kind: 'user-not-in-roster',
      fingerprint: `pagerduty:user-not-in-roster:${user.id}`,
      owner: knownAs ? knownAs.gitlab.username : null,
      subject: `${user.name} <${user.email}>`,
      detail: knownAs
        ? `PagerDuty user ${user.id} (role ${user.role}) has the email of ${knownAs.name}, whose roster entry ${knownAs.pagerduty ? `names PagerDuty id ${knownAs.pagerduty.id}` : 'has no PagerDuty account'}: remove the extra account or fix the roster.`
        : `PagerDuty user ${user.id} (role ${user.role}) is not in the roster: remove the account, or add the person to the roster or to the service-account allow-list.`,
      evidence: { pagerdutyUserId: user.id, email: user.email, role: user.role },
    });
  }
  return findings;
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
      ? `The roster's PagerDuty id ${id} does not exist; PagerDuty has ${person.email} as ${sameEmail.id}: correct the roster.`
      : `The roster's PagerDuty id ${id} does not exist in PagerDuty, and no PagerDuty user has ${person.email}.`,
    evidence: { rosterLine: person.line, rosterId: id, pagerdutyIdForEmail: sameEmail?.id ?? null },
  };
}
