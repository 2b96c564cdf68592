import { DateTime, Duration } from 'luxon';
import type { Finding } from '../../domain/types.js';
import type { Roster, RosterPerson } from '../../config/types.js';
import { normalizeName } from './tokens.js';
import type { ZendeskSnapshot } from './types.js';
import type { ZendeskAuditSettings, ZendeskInstanceInfo } from './instances.js';
import { DEFAULT_MAX_LOGIN_AGE } from './settings.js';
import { credentialFindings } from './credentials.js';
import { isServiceAccount } from './service-accounts.js';
import { effectiveRole, groupDrift, groupNames, groupsByUser, roleKey } from './roles-and-groups.js';
import { loginStaleness } from './sign-in.js';
import {
  adminNotAllowed,
  emailMismatch,
  groupMismatch,
  inactiveAgent,
  missingUser,
  nameMismatch,
  notInRoster,
  roleMismatch,
  suspendedSeat,
  twoFactorDisabled,
  usFederalNoAccount,
  wrongId,
  type Context,
} from './account-findings.js';

export {
  ZENDESK_INSTANCES,
  type ZendeskAuditSettings,
  type ZendeskInstanceInfo,
  type ZendeskPlatform,
} from './instances.js';
export { isoMillis } from './dates.js';
export { credentialInventories } from './credentials.js';
export { effectiveRole } from './roles-and-groups.js';

const SEAT_ROLES = new Set(['agent', 'admin']);

/**
 * The audit of one Zendesk instance as a pure function of what Zendesk returned, the roster,
 * the settings and the time of the run. Fingerprints start with the platform id (so the two
 * instances never share one) and name the roster person (GitLab username) for roster-vs-account
 * problems, the Zendesk user id for problems of an account, and the token id for tokens.
 *
 * A roster person's account is the user with the roster's id; failing that, the agent or admin
 * with the person's email (reported once, as wrong-id). Everything else about that account is
 * then compared with the roster. Owners: the roster person the account belongs to, else the
 * person the roster knows by that email, else nobody (the Support Ops Managers are pinged).
 */
export function zendeskFindings(
  snapshot: ZendeskSnapshot,
  roster: Roster,
  settings: ZendeskAuditSettings,
  now: Date,
  instance: ZendeskInstanceInfo,
): Finding[] {
  return [
    ...accountFindings(snapshot, roster, settings, now, instance),
    ...credentialFindings(snapshot, roster, settings, now, instance),
  ];
}

function accountFindings(
  snapshot: ZendeskSnapshot,
  roster: Roster,
  settings: ZendeskAuditSettings,
  now: Date,
  instance: ZendeskInstanceInfo,
): Finding[] {
  const p = instance.platform;
  const seats = snapshot.users.filter((user) => SEAT_ROLES.has(user.role) && user.active !== false);
  const byId = new Map(seats.map((user) => [user.id, user]));
  const byEmail = new Map(seats.filter((user) => user.email).map((user) => [user.email!.toLowerCase(), user]));
  const rosterByEmail = new Map(roster.map((person) => [person.email.toLowerCase(), person]));
  const expected = roster.filter((person) => person.zendesk?.[instance.rosterKey]);
  const rosterIds = new Set(
    expected.map((person) => person.zendesk![instance.rosterKey]!.id).filter((id): id is number => id !== undefined),
  );
  const ctx: Context = {
    instance,
    snapshot,
    now,
    groupsByUser: groupsByUser(snapshot),
    groupNames: groupNames(snapshot),
    rolesById: new Map(snapshot.customRoles.map((role) => [role.id, role])),
  };

  const findings: Finding[] = [];
  const accountOf = new Map<number, RosterPerson>();
  const maxLoginAge = settings.max_login_age || DEFAULT_MAX_LOGIN_AGE;
  const loginLimit = DateTime.fromJSDate(now, { zone: 'utc' }).minus(Duration.fromISO(maxLoginAge)).toMillis();

  // 1. Every roster person expected in this instance: by id, else by email (wrong id), else no account.
  for (const person of expected) {
    const account = person.zendesk![instance.rosterKey]!;
    const user = account.id !== undefined ? byId.get(account.id) : undefined;
    if (user && !accountOf.has(user.id)) {
      accountOf.set(user.id, person);
      continue;
    }
    const sameEmail = byEmail.get(person.email.toLowerCase());
    if (sameEmail && !rosterIds.has(sameEmail.id) && !accountOf.has(sameEmail.id)) {
      accountOf.set(sameEmail.id, person);
      findings.push(wrongId(p, person, account, sameEmail));
      continue;
    }
    findings.push(
      p === 'zendesk-us-federal' ? usFederalNoAccount(person, account) : missingUser(p, person, account, instance.name),
    );
  }

  // 2. The roster's accounts: profile, role, groups, seat, sign-in, 2FA.
  for (const [userId, person] of accountOf) {
    const user = byId.get(userId)!;
    const account = person.zendesk![instance.rosterKey]!;
    if (normalizeName(user.name) !== normalizeName(person.name)) findings.push(nameMismatch(p, person, user));
    if ((user.email ?? '').toLowerCase() !== person.email.toLowerCase()) findings.push(emailMismatch(p, person, user));
    const role = effectiveRole(user, ctx.rolesById);
    if (roleKey(role.key) !== roleKey(account.role)) findings.push(roleMismatch(p, person, account, user, role));
    const groups = groupDrift(account.groups, ctx.groupsByUser.get(user.id) ?? [], ctx.groupNames);
    if (groups) findings.push(groupMismatch(p, person, user, groups));
    if (user.suspended === true) {
      findings.push(suspendedSeat(p, person, user));
      continue; // a suspended seat is one problem: its sign-in and 2FA do not matter until it is resolved
    }
    const inactive = loginStaleness(user, now, loginLimit);
    if (inactive) findings.push(inactiveAgent(p, person, user, inactive, maxLoginAge));
    if (user.two_factor_auth_enabled === false && settings.two_factor_required !== false)
      findings.push(twoFactorDisabled(p, person, user));
  }

  // 3. Agents and admins the roster does not list here (service accounts need no roster entry).
  for (const user of seats) {
    if (accountOf.has(user.id) || isServiceAccount(settings, [user.id, user.email])) continue;
    findings.push(
      notInRoster(p, user, user.email ? rosterByEmail.get(user.email.toLowerCase()) : undefined, instance, ctx),
    );
  }

  // 4. Admins not on the allow-list.
  const allowed = new Set(settings.admin_allow_list.map((entry) => entry.trim().toLowerCase()));
  for (const user of seats) {
    if (user.role !== 'admin') continue;
    if (allowed.has(String(user.id)) || (user.email && allowed.has(user.email.toLowerCase()))) continue;
    const person = accountOf.get(user.id);
    const knownAs = person ? undefined : user.email ? rosterByEmail.get(user.email.toLowerCase()) : undefined;
    findings.push(adminNotAllowed(p, user, person ?? knownAs));
  }
  return findings;
}
