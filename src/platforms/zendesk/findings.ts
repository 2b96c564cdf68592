import { DateTime, Duration } from 'luxon';
import type { Finding } from '../../domain/types.js';
import { DEFAULT_MAX_LOGIN_AGE } from '../../config/audit-config.js';
import type { Roster, RosterPerson, ZendeskAccount } from '../../config/types.js';
import { normalizeName } from './tokens.js';
import { ZD_ROLE_TYPE_LIGHT_AGENT, type ZdCustomRole, type ZdUser, type ZendeskSnapshot } from './types.js';
import {
  ZENDESK_INSTANCES,
  type ZendeskAuditSettings,
  type ZendeskInstanceInfo,
  type ZendeskPlatform,
} from './instances.js';
import { date, daysSince, describeAge, isoMillis, utc } from './dates.js';
import { credentialFindings, isServiceAccount } from './credentials.js';

export {
  ZENDESK_INSTANCES,
  type ZendeskAuditSettings,
  type ZendeskInstanceInfo,
  type ZendeskPlatform,
} from './instances.js';
export { isoMillis } from './dates.js';
export { credentialInventories } from './credentials.js';

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

interface Context {
  instance: ZendeskInstanceInfo;
  snapshot: ZendeskSnapshot;
  now: Date;
  groupsByUser: Map<number, string[]>;
  groupNames: Set<string>;
  rolesById: Map<number, ZdCustomRole>;
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

// ─── roles and groups ─────────────────────────────────────────────────────────────────────────

/** The role the roster compares with: admin, light_agent, a custom role's name, or agent. */
export function effectiveRole(user: ZdUser, rolesById: Map<number, ZdCustomRole>): { key: string; shown: string } {
  if (user.role === 'admin') return { key: 'admin', shown: 'admin' };
  const custom = user.custom_role_id != null ? rolesById.get(user.custom_role_id) : undefined;
  if (user.role_type === ZD_ROLE_TYPE_LIGHT_AGENT || custom?.role_type === ZD_ROLE_TYPE_LIGHT_AGENT)
    return { key: 'light_agent', shown: 'light agent' };
  if (custom) return { key: custom.name, shown: `"${custom.name}" (custom role ${custom.id})` };
  if (user.custom_role_id != null)
    return { key: `custom role ${user.custom_role_id}`, shown: `custom role ${user.custom_role_id} (unknown)` };
  return { key: 'agent', shown: 'agent' };
}

/** Roles compare without case, and `light agent` = `light_agent` = `Light-Agent`. */
function roleKey(role: string): string {
  return role
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');
}

function groupsByUser(snapshot: ZendeskSnapshot): Map<number, string[]> {
  const names = new Map(
    snapshot.groups.filter((group) => group.deleted !== true).map((group) => [group.id, group.name]),
  );
  const deleted = new Set(snapshot.groups.filter((group) => group.deleted === true).map((group) => group.id));
  const result = new Map<number, string[]>();
  for (const membership of snapshot.memberships) {
    if (deleted.has(membership.group_id)) continue;
    const name = names.get(membership.group_id) ?? `group ${membership.group_id}`;
    result.set(membership.user_id, [...(result.get(membership.user_id) ?? []), name]);
  }
  return result;
}

function groupNames(snapshot: ZendeskSnapshot): Set<string> {
  return new Set(
    snapshot.groups.filter((group) => group.deleted !== true).map((group) => group.name.trim().toLowerCase()),
  );
}

interface GroupDrift {
  missing: string[];
  extra: string[];
  /** Roster groups that do not exist in Zendesk at all. */
  unknown: string[];
  actual: string[];
}

function groupDrift(expected: string[], actual: string[], existing: Set<string>): GroupDrift | undefined {
  const key = (name: string) => name.trim().toLowerCase();
  const have = new Set(actual.map(key));
  const want = new Set(expected.map(key));
  const missing = expected.filter((name) => !have.has(key(name)));
  const extra = actual.filter((name) => !want.has(key(name)));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return { missing, extra, unknown: missing.filter((name) => !existing.has(key(name))), actual };
}

// ─── sign-in ──────────────────────────────────────────────────────────────────────────────────

interface Staleness {
  lastLogin: string | null;
  days: number;
}

/**
 * Last sign-in before `limit` (epoch ms: now minus max_login_age), or none at all on an account
 * created before it (a new account that has not signed in yet is not a finding until then).
 */
function loginStaleness(user: ZdUser, now: Date, limit: number): Staleness | undefined {
  const last = user.last_login_at ? isoMillis(user.last_login_at) : undefined;
  if (last !== undefined) {
    if (last >= limit) return undefined;
    return { lastLogin: user.last_login_at!, days: daysSince(utc(last), now) };
  }
  const created = user.created_at ? isoMillis(user.created_at) : undefined;
  if (created !== undefined && created >= limit) return undefined;
  return { lastLogin: null, days: created !== undefined ? daysSince(utc(created), now) : -1 };
}

// ─── account findings ─────────────────────────────────────────────────────────────────────────

function userSubject(user: ZdUser): string {
  return `${user.name ?? ''} <${user.email ?? 'no email'}>`;
}

function rosterSection(instance: ZendeskPlatform): string {
  return `zendesk.${ZENDESK_INSTANCES[instance].rosterKey}`;
}

function missingUser(p: ZendeskPlatform, person: RosterPerson, account: ZendeskAccount, name: string): Finding {
  const idText = account.id !== undefined ? `user ${account.id}` : 'an account (no id yet)';
  return {
    platform: p,
    kind: 'missing-user',
    fingerprint: `${p}:missing-user:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: person.name,
    detail:
      `The roster (${rosterSection(p)}) expects ${person.name} in ${name} as ${idText}, but no agent or admin has that id or the email ` +
      `${person.email}: ask Support Ops (a ${name} admin) for the account (or the seat back), or remove ${rosterSection(p)} from your roster entry.`,
    evidence: { rosterLine: person.line, rosterId: account.id ?? null, email: person.email, rosterRole: account.role },
  };
}

function usFederalNoAccount(person: RosterPerson, account: ZendeskAccount): Finding {
  const p = 'zendesk-us-federal' as const;
  const idText =
    account.id !== undefined
      ? `The roster's id ${account.id} is not an agent or admin there, and`
      : 'The roster gives no id yet, and';
  return {
    platform: p,
    kind: 'us-federal-no-account',
    fingerprint: `${p}:us-federal-no-account:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: person.name,
    detail:
      `${person.name} is marked for US Federal in the roster (zendesk.us_federal, role ${account.role}) but has no account in Zendesk US Federal. ` +
      `${idText} no agent or admin has ${person.email}: ask Support Ops (a Zendesk US Federal admin) for the account, or remove zendesk.us_federal from your roster entry.`,
    evidence: { rosterLine: person.line, rosterId: account.id ?? null, email: person.email, rosterRole: account.role },
  };
}

function wrongId(p: ZendeskPlatform, person: RosterPerson, account: ZendeskAccount, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'wrong-id',
    fingerprint: `${p}:wrong-id:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail:
      (account.id !== undefined
        ? `The roster's ${rosterSection(p)}.id ${account.id} is not an agent or admin; Zendesk has ${person.email} as user ${user.id}`
        : `The roster gives no ${rosterSection(p)}.id; Zendesk has ${person.email} as user ${user.id}`) +
      `: correct the id in your roster entry.`,
    evidence: { rosterLine: person.line, rosterId: account.id ?? null, zendeskUserId: user.id, email: user.email },
  };
}

function nameMismatch(p: ZendeskPlatform, person: RosterPerson, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'name-mismatch',
    fingerprint: `${p}:name-mismatch:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk user ${user.id} is named "${user.name}"; the roster says "${person.name}": ask Support Ops (a Zendesk admin) to correct the name in Zendesk, or correct your roster entry.`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, zendeskName: user.name, rosterName: person.name },
  };
}

function emailMismatch(p: ZendeskPlatform, person: RosterPerson, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'email-mismatch',
    fingerprint: `${p}:email-mismatch:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk user ${user.id} has the email ${user.email ?? '(none)'}; the roster says ${person.email}: ask Support Ops (a Zendesk admin) to correct the email in Zendesk, or correct your roster entry.`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, zendeskEmail: user.email, rosterEmail: person.email },
  };
}

function roleMismatch(
  p: ZendeskPlatform,
  person: RosterPerson,
  account: ZendeskAccount,
  user: ZdUser,
  role: { key: string; shown: string },
): Finding {
  return {
    platform: p,
    kind: 'role-mismatch',
    fingerprint: `${p}:role-mismatch:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk user ${user.id} has the role ${role.shown}; the roster says ${account.role}: ask Support Ops (a Zendesk admin) to change the role in Zendesk, or correct ${rosterSection(p)}.role in your roster entry.`,
    evidence: {
      rosterLine: person.line,
      zendeskUserId: user.id,
      zendeskRole: user.role,
      roleType: user.role_type ?? null,
      customRoleId: user.custom_role_id ?? null,
      effectiveRole: role.key,
      rosterRole: account.role,
    },
  };
}

function groupMismatch(p: ZendeskPlatform, person: RosterPerson, user: ZdUser, drift: GroupDrift): Finding {
  const parts: string[] = [];
  if (drift.missing.length) {
    const unknown = new Set(drift.unknown);
    parts.push(
      `not in ${drift.missing.map((name) => `"${name}"${unknown.has(name) ? ' (no such group in Zendesk)' : ''}`).join(', ')}`,
    );
  }
  if (drift.extra.length)
    parts.push(`in ${drift.extra.map((name) => `"${name}"`).join(', ')}, which the roster does not list`);
  return {
    platform: p,
    kind: 'group-mismatch',
    fingerprint: `${p}:group-mismatch:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk user ${user.id} is ${parts.join(', and ')}: ask Support Ops (a Zendesk admin) to fix the group memberships, or correct ${rosterSection(p)}.groups in your roster entry.`,
    evidence: {
      rosterLine: person.line,
      zendeskUserId: user.id,
      rosterGroups: person.zendesk?.[ZENDESK_INSTANCES[p].rosterKey]?.groups ?? [],
      zendeskGroups: drift.actual,
    },
  };
}

function suspendedSeat(p: ZendeskPlatform, person: RosterPerson, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'suspended-seat',
    fingerprint: `${p}:suspended-seat:${user.id}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk user ${user.id} is suspended but still holds an ${user.role} seat: ask Support Ops (a Zendesk admin) to downgrade the user to end-user to free the seat (then remove ${rosterSection(p)} from your roster entry), or to unsuspend the account if it is still needed.`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, role: user.role, suspended: true },
  };
}

function inactiveAgent(
  p: ZendeskPlatform,
  person: RosterPerson,
  user: ZdUser,
  staleness: Staleness,
  maxAge: string,
): Finding {
  // Zendesk's last_login_at also moves when the user's own credentials call the API: it measures activity, not only sign-ins.
  const when =
    staleness.lastLogin === null
      ? `has no sign-in or API use recorded (account created ${date(user.created_at)}${staleness.days >= 0 ? `, ${staleness.days} days ago` : ''})`
      : `was last active on ${date(staleness.lastLogin)} (${staleness.days} days ago; Zendesk's last login, which API use with the user's own credentials also moves)`;
  return {
    platform: p,
    kind: 'inactive-agent',
    fingerprint: `${p}:inactive-agent:${user.id}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk ${user.role} ${user.id} ${when}, longer than ${describeAge(maxAge)}: sign in if you still need the seat; if not, ask Support Ops (a Zendesk admin) to downgrade the account to end-user.`,
    evidence: {
      rosterLine: person.line,
      zendeskUserId: user.id,
      lastLoginAt: user.last_login_at ?? null,
      createdAt: user.created_at ?? null,
      maxLoginAge: maxAge,
    },
  };
}

function twoFactorDisabled(p: ZendeskPlatform, person: RosterPerson, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'two-factor-disabled',
    fingerprint: `${p}:two-factor-disabled:${user.id}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail:
      `Zendesk reports two-factor authentication disabled for ${user.role} ${user.id}: turn it on (Profile > Security settings). ` +
      `If agents sign in through SSO, Zendesk's 2FA does not apply to them: Support Ops then sets platforms.${p}.two_factor_required to false in the audit config.`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, twoFactorAuthEnabled: false },
  };
}

function notInRoster(
  p: ZendeskPlatform,
  user: ZdUser,
  knownAs: RosterPerson | undefined,
  instance: ZendeskInstanceInfo,
  ctx: Context,
): Finding {
  const role = effectiveRole(user, ctx.rolesById);
  const state = [
    user.suspended === true ? 'suspended' : undefined,
    user.last_login_at ? `last active ${date(user.last_login_at)}` : 'no sign-in or API use recorded',
  ].filter(Boolean);
  const what = `${instance.name} ${user.role} ${user.id}${role.key === user.role ? '' : ` (role ${role.shown})`} (${state.join(', ')})`;
  let detail: string;
  if (!knownAs) {
    detail = `${what} is not in the roster (${rosterSection(p)}), and no roster person has this email, so the Support Ops Managers are pinged: have a Zendesk admin downgrade or remove the account, or add its owner to the roster.`;
  } else {
    const listed = knownAs.zendesk?.[instance.rosterKey];
    detail = listed
      ? `${what} has the email of ${knownAs.name}, whose roster entry names ${listed.id !== undefined ? `user ${listed.id}` : 'no id'} in ${rosterSection(p)}: ask Support Ops (a Zendesk admin) to remove this second account, or correct your roster entry.`
      : `${what} has the email of ${knownAs.name}, whose roster entry has no ${rosterSection(p)}: add it to your roster entry, or ask Support Ops (a Zendesk admin) to downgrade the account to end-user.`;
  }
  return {
    platform: p,
    kind: 'agent-not-in-roster',
    fingerprint: `${p}:agent-not-in-roster:${user.id}`,
    owner: knownAs?.gitlab.username ?? null,
    subject: userSubject(user),
    detail,
    evidence: {
      zendeskUserId: user.id,
      email: user.email,
      role: user.role,
      effectiveRole: role.key,
      suspended: user.suspended === true,
      lastLoginAt: user.last_login_at ?? null,
      rosterMatch: knownAs ? { username: knownAs.gitlab.username, rosterLine: knownAs.line } : null,
    },
  };
}

function adminNotAllowed(p: ZendeskPlatform, user: ZdUser, person: RosterPerson | undefined): Finding {
  return {
    platform: p,
    kind: 'admin-not-allowed',
    fingerprint: `${p}:admin-not-allowed:${user.id}`,
    owner: person?.gitlab.username ?? null,
    subject: userSubject(user),
    detail:
      `Zendesk user ${user.id} is an admin, but neither ${user.email ?? 'its email'} nor ${user.id} is on platforms.${p}.admin_allow_list` +
      (person
        ? ': ask Support Ops (a Zendesk admin) to lower the role to agent, or, if it must stay an admin, to add the email or id to the allow-list.'
        : ', and no roster person has this email, so the Support Ops Managers are pinged: have a Zendesk admin lower the role to agent, or add the email or id to the allow-list.'),
    evidence: { zendeskUserId: user.id, email: user.email, rosterUsername: person?.gitlab.username ?? null },
  };
}
