import { DateTime, Duration } from 'luxon';
import type { Finding } from '../../domain/types.js';
import { humanDuration } from '../../domain/duration.js';
import type { Roster, RosterPerson } from '../../config/types.js';
import { DEFAULT_PENDING_INVITATION_MAX_AGE, type CalendlyConfig } from './settings.js';
import { uuidOf, type CalendlyInvitation, type CalendlyMembership, type CalendlySnapshot } from './types.js';

const PRIVILEGED_ROLES = new Set(['owner', 'admin']);

/**
 * A name compared loosely: case, diacritics (Zoë = Zoe, Ångström = Angstrom), punctuation and
 * spacing do not matter. Letters without a decomposition (ø, ß, ł) stay as they are.
 */
export function normalizeName(name: string | null | undefined): string {
  return String(name ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** How a Calendly account was tied to a roster person who does not list it as their Calendly seat. */
interface LooseMatch {
  person: RosterPerson;
  by: 'roster email' | 'name';
}

/**
 * The Calendly audit as a pure function of what Calendly returned, the roster, the config and
 * the time. A member is the roster's when their email is some person's `calendly.email`.
 * Fingerprints name the roster person (GitLab username) or Calendly's uuid, never a list
 * position, so the same problem keeps the same fingerprint across runs and quarters.
 *
 * - member-not-in-roster: a member no roster person lists. If the roster knows their email (some
 *   person's roster `email`), that person's manager is responsible; otherwise nobody is (the
 *   Support Ops Managers are pinged). A display name proves nothing (anyone can call themselves
 *   Taylor Kim): a member named like a roster person stays the Support Ops Managers' finding, and
 *   the name is only a hint in its detail. The detail says which and why.
 * - email-mismatch: a roster person whose `calendly.email` is not a member, but whose roster
 *   `email` is; reported once, not also as missing. Never found by name.
 * - missing-member: a roster person expected in Calendly with neither a membership nor a pending
 *   invitation.
 * - role-drift: a roster person whose Calendly role differs from the roster's.
 * - admin-not-allowed: an owner or admin whose email is not on `admin_allow_list`.
 * - stale-invitation: an invitation still pending after `pending_invitation_max_age`.
 */
export function calendlyFindings(
  snapshot: Pick<CalendlySnapshot, 'memberships' | 'invitations'>,
  roster: Roster,
  config: Pick<CalendlyConfig, 'admin_allow_list' | 'pending_invitation_max_age'>,
  now: Date,
): Finding[] {
  const lower = (email: string | undefined | null) => (email ?? '').trim().toLowerCase();
  const expected = roster.filter((person) => person.calendly);
  const expectedByEmail = new Map(expected.map((person) => [lower(person.calendly!.email), person]));
  const rosterByEmail = new Map(roster.map((person) => [lower(person.email), person]));
  const rosterByName = new Map<string, RosterPerson[]>();
  for (const person of roster) {
    const key = normalizeName(person.name);
    if (key) rosterByName.set(key, [...(rosterByName.get(key) ?? []), person]);
  }
  const allowed = new Set(config.admin_allow_list.map(lower));

  /** The roster person a Calendly address or name belongs to, when the roster does not list it as a Calendly seat. */
  const looseMatch = (email: string, name: string | undefined): LooseMatch | undefined => {
    const byEmail = rosterByEmail.get(lower(email));
    if (byEmail) return { person: byEmail, by: 'roster email' };
    const sameName = name ? rosterByName.get(normalizeName(name)) : undefined;
    if (sameName?.length === 1) return { person: sameName[0], by: 'name' };
    return undefined;
  };

  const findings: Finding[] = [];
  const seat = new Map<string, RosterPerson>();
  const membershipOf = new Map<RosterPerson, CalendlyMembership>();

  // 1. Members under the roster's calendly.email.
  for (const membership of snapshot.memberships) {
    const person = expectedByEmail.get(lower(membership.user.email));
    if (person && !membershipOf.has(person)) {
      seat.set(membership.uri, person);
      membershipOf.set(person, membership);
    }
  }

  // 2. Roster people not found that way: a member under another address, a pending invitation, or missing.
  const pendingByEmail = new Map(snapshot.invitations.map((invitation) => [lower(invitation.email), invitation]));
  for (const person of expected) {
    if (membershipOf.has(person)) continue;
    const candidates = snapshot.memberships.filter(
      (membership) => !seat.has(membership.uri) && !expectedByEmail.has(lower(membership.user.email)),
    );
    // Only an address the roster gives them ties a member to a person: a member merely named like
    // them is not theirs to answer for (it stays "not in roster", with the name as a hint).
    const found = candidates.find((membership) => lower(membership.user.email) === lower(person.email));
    if (found) {
      seat.set(found.uri, person);
      membershipOf.set(person, found);
      findings.push(emailMismatch(person, found, 'roster email'));
      continue;
    }
    if (pendingByEmail.has(lower(person.calendly!.email))) continue; // invited: stale-invitation covers a forgotten one
    const key = normalizeName(person.name);
    const named =
      key && rosterByName.get(key)?.length === 1
        ? candidates.filter((membership) => normalizeName(membership.user.name) === key)
        : [];
    findings.push(missingMember(person, named.length === 1 ? named[0] : undefined));
  }

  // 3. Roles of the roster's members.
  for (const [person, membership] of membershipOf) {
    if (membership.role !== person.calendly!.role) findings.push(roleDrift(person, membership));
  }

  // 4. Every member: in the roster? privileged without being allowed?
  for (const membership of snapshot.memberships) {
    const person = seat.get(membership.uri);
    const loose = person ? undefined : looseMatch(membership.user.email, membership.user.name);
    if (!person) findings.push(memberNotInRoster(membership, loose));
    if (PRIVILEGED_ROLES.has(membership.role) && !allowed.has(lower(membership.user.email))) {
      findings.push(adminNotAllowed(membership, person, loose));
    }
  }

  // 5. Invitations pending for too long.
  const maxAge = Duration.fromISO(config.pending_invitation_max_age || DEFAULT_PENDING_INVITATION_MAX_AGE);
  for (const invitation of snapshot.invitations) {
    if (invitation.status !== 'pending') continue;
    const created = DateTime.fromISO(invitation.created_at ?? '', { zone: 'utc' });
    if (created.isValid && created.plus(maxAge).toMillis() > now.getTime()) continue;
    const person = expectedByEmail.get(lower(invitation.email));
    findings.push(
      staleInvitation(
        invitation,
        person,
        person ? undefined : looseMatch(invitation.email, undefined),
        now,
        config.pending_invitation_max_age,
      ),
    );
  }
  return findings;
}

function date(iso: string | null | undefined): string {
  const parsed = iso ? DateTime.fromISO(iso, { zone: 'utc' }) : undefined;
  return parsed?.isValid ? parsed.toISODate() : 'an unknown date';
}

function memberSubject(membership: CalendlyMembership): string {
  return `${membership.user.name ?? ''} <${membership.user.email ?? ''}>`;
}

/** Who answers for an account the roster does not list as a Calendly seat, and the sentence that says why. */
function responsibleFor(
  loose: LooseMatch | undefined,
  action: string,
  searched = 'email or name',
): { owner: string | null; why: string } {
  if (!loose) {
    return {
      owner: null,
      why: `No roster person has this ${searched}, so the Support Ops Managers are pinged: ${action}.`,
    };
  }
  const { person, by } = loose;
  if (by === 'name') {
    // A hint, never ownership: the person named is not asked (an intruder can take any name).
    return {
      owner: null,
      why:
        `No roster person has this email, so the Support Ops Managers are pinged: ${action}. ` +
        `The name looks like ${person.name} (${person.gitlab.username}) under another email: ` +
        'a name proves nothing, so check with them before treating it as theirs.',
    };
  }
  const who = `${person.name} (${person.gitlab.username}, ${person.email})`;
  const known = `The roster knows this person (by ${by}) as ${who}`;
  if (!person.reports_to) {
    return {
      owner: null,
      why: `${known}, who has no manager in the roster, so the Support Ops Managers are pinged: ${action}.`,
    };
  }
  return { owner: person.reports_to, why: `${known}, so their manager ${person.reports_to} is pinged: ${action}.` };
}

function memberNotInRoster(membership: CalendlyMembership, loose: LooseMatch | undefined): Finding {
  const userUuid = uuidOf(membership.user.uri);
  const { owner, why } = responsibleFor(
    loose,
    'reply why the seat is needed, or ask Support Ops (a Calendly admin) to remove the member',
  );
  return {
    platform: 'calendly',
    kind: 'member-not-in-roster',
    fingerprint: `calendly:member-not-in-roster:${userUuid}`,
    owner,
    subject: memberSubject(membership),
    detail:
      `Calendly member (role ${membership.role}) since ${date(membership.created_at)} ` +
      `whom no roster entry lists in calendly.email. ${why}`,
    evidence: {
      calendlyUserUuid: userUuid,
      email: membership.user.email,
      role: membership.role,
      memberSince: membership.created_at,
      rosterMatch: loose
        ? { username: loose.person.gitlab.username, by: loose.by, rosterLine: loose.person.line }
        : null,
    },
  };
}

function emailMismatch(person: RosterPerson, membership: CalendlyMembership, by: LooseMatch['by']): Finding {
  return {
    platform: 'calendly',
    kind: 'email-mismatch',
    fingerprint: `calendly:email-mismatch:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: person.name,
    detail:
      `The roster expects ${person.name} in Calendly as ${person.calendly!.email}, ` +
      `but Calendly has them (found by ${by}) as ${membership.user.email}: ` +
      'change the email in your Calendly profile (or ask Support Ops, Calendly admins, to), ' +
      'or correct calendly.email in your roster entry.',
    evidence: {
      rosterLine: person.line,
      rosterCalendlyEmail: person.calendly!.email,
      calendlyEmail: membership.user.email,
      calendlyUserUuid: uuidOf(membership.user.uri),
      matchedBy: by,
    },
  };
}

function missingMember(person: RosterPerson, namedLike?: CalendlyMembership): Finding {
  // A hint only: that member stays the Support Ops Managers' "not in roster" finding.
  const hint = namedLike
    ? ` A member named like you is in Calendly as ${namedLike.user.email}: if that account is yours, ` +
      'change its email in your Calendly profile (or correct calendly.email in your roster entry); ' +
      'the Support Ops Managers are asked about it separately.'
    : '';
  return {
    platform: 'calendly',
    kind: 'missing-member',
    fingerprint: `calendly:missing-member:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: person.name,
    detail:
      `The roster expects ${person.name} in Calendly as ${person.calendly!.email} (role ${person.calendly!.role}), ` +
      'but the organization has no such member and no pending invitation: ' +
      `ask Support Ops (a Calendly admin) for an invitation, or remove calendly from your roster entry.${hint}`,
    evidence: {
      rosterLine: person.line,
      rosterCalendlyEmail: person.calendly!.email,
      rosterRole: person.calendly!.role,
      ...(namedLike
        ? { namedLike: { calendlyUserUuid: uuidOf(namedLike.user.uri), email: namedLike.user.email } }
        : {}),
    },
  };
}

function roleDrift(person: RosterPerson, membership: CalendlyMembership): Finding {
  return {
    platform: 'calendly',
    kind: 'role-drift',
    fingerprint: `calendly:role-drift:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: `${person.name} <${membership.user.email}>`,
    detail:
      `Calendly role is ${membership.role}; the roster says ${person.calendly!.role}: ` +
      'ask Support Ops (a Calendly admin) to change the role in Calendly, ' +
      'or correct calendly.role in your roster entry.',
    evidence: {
      rosterLine: person.line,
      rosterRole: person.calendly!.role,
      calendlyRole: membership.role,
      calendlyUserUuid: uuidOf(membership.user.uri),
    },
  };
}

function adminNotAllowed(
  membership: CalendlyMembership,
  person: RosterPerson | undefined,
  loose: LooseMatch | undefined,
): Finding {
  const userUuid = uuidOf(membership.user.uri);
  const base =
    `Has the Calendly role ${membership.role}, ` +
    `but ${membership.user.email} is not on platforms.calendly.admin_allow_list.`;
  const action =
    'ask Support Ops (a Calendly owner or admin) to lower the role to user, ' +
    'or, if the role is intended, to add the email to the allow-list';
  const responsible = person
    ? { owner: person.gitlab.username, why: `${action[0].toUpperCase()}${action.slice(1)}.` }
    : responsibleFor(loose, action);
  return {
    platform: 'calendly',
    kind: 'admin-not-allowed',
    fingerprint: `calendly:admin-not-allowed:${userUuid}`,
    owner: responsible.owner,
    subject: memberSubject(membership),
    detail: `${base} ${responsible.why}`,
    evidence: {
      calendlyUserUuid: userUuid,
      email: membership.user.email,
      role: membership.role,
      rosterUsername: person?.gitlab.username ?? null,
    },
  };
}

function staleInvitation(
  invitation: CalendlyInvitation,
  person: RosterPerson | undefined,
  loose: LooseMatch | undefined,
  now: Date,
  maxAge: string,
): Finding {
  const invitationUuid = uuidOf(invitation.uri);
  const created = DateTime.fromISO(invitation.created_at ?? '', { zone: 'utc' });
  const days = created.isValid
    ? Math.floor(DateTime.fromJSDate(now, { zone: 'utc' }).diff(created, 'days').days)
    : undefined;
  const sent =
    `Invitation created ${date(invitation.created_at)}${days === undefined ? '' : ` (${days} days ago)`}` +
    (invitation.last_sent_at ? `, last sent ${date(invitation.last_sent_at)}` : '') +
    `, still pending after more than ${humanDuration(maxAge)}`;
  const responsible = person
    ? {
        owner: person.gitlab.username,
        why: 'Accept it (check your inbox and spam folder), or ask Support Ops (a Calendly admin) to resend it.',
      }
    : responsibleFor(loose, 'have it accepted, or ask Support Ops (a Calendly admin) to revoke it', 'email');
  return {
    platform: 'calendly',
    kind: 'stale-invitation',
    fingerprint: `calendly:stale-invitation:${invitationUuid}`,
    owner: responsible.owner,
    subject: person ? `${person.name} <${invitation.email}>` : invitation.email,
    detail: `${sent}. ${responsible.why}`,
    evidence: {
      calendlyInvitationUuid: invitationUuid,
      email: invitation.email,
      createdAt: invitation.created_at,
      lastSentAt: invitation.last_sent_at ?? null,
      rosterUsername: person?.gitlab.username ?? null,
    },
  };
}
