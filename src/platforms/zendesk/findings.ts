import { DateTime, Duration } from 'luxon';
import type { Finding, Inventory } from '../../domain/types.js';
import { humanDuration } from '../../domain/render.js';
import { DEFAULT_MAX_LOGIN_AGE, DEFAULT_TOKEN_MAX_UNUSED_AGE } from '../../config/audit-config.js';
import type { Roster, RosterPerson, ZendeskAccount, ZendeskConfig, ZendeskInstance } from '../../config/types.js';
import { findTokenOwner, normalizeName, parseTokenDescription, type TokenDescription } from './tokens.js';
import { ZD_ROLE_TYPE_LIGHT_AGENT, type ZdApiToken, type ZdCustomRole, type ZdUser, type ZendeskSnapshot } from './types.js';

export type ZendeskPlatform = 'zendesk' | 'zendesk-us-federal';

/** One Zendesk instance: the audit's platform id, the roster section it reads, and how it is named. */
export interface ZendeskInstanceInfo {
  platform: ZendeskPlatform;
  rosterKey: ZendeskInstance;
  name: string;
}

export const ZENDESK_INSTANCES: Record<ZendeskPlatform, ZendeskInstanceInfo> = {
  zendesk: { platform: 'zendesk', rosterKey: 'main', name: 'Zendesk' },
  'zendesk-us-federal': { platform: 'zendesk-us-federal', rosterKey: 'us_federal', name: 'Zendesk US Federal' },
};

/** What the audit reads of `platforms.<zendesk id>` (the ages have defaults, so unit tests can omit them). */
export type ZendeskAuditSettings = Pick<ZendeskConfig, 'admin_allow_list'> & Partial<Pick<ZendeskConfig, 'max_login_age' | 'token_max_unused_age'>>;

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
export function zendeskFindings(snapshot: ZendeskSnapshot, roster: Roster, settings: ZendeskAuditSettings, now: Date, instance: ZendeskInstanceInfo): Finding[] {
  return [...accountFindings(snapshot, roster, settings, now, instance), ...tokenFindings(snapshot, roster, settings, now, instance)];
}

interface Context {
  instance: ZendeskInstanceInfo;
  snapshot: ZendeskSnapshot;
  now: Date;
  groupsByUser: Map<number, string[]>;
  groupNames: Set<string>;
  rolesById: Map<number, ZdCustomRole>;
}

function accountFindings(snapshot: ZendeskSnapshot, roster: Roster, settings: ZendeskAuditSettings, now: Date, instance: ZendeskInstanceInfo): Finding[] {
  const p = instance.platform;
  const seats = snapshot.users.filter((user) => SEAT_ROLES.has(user.role) && user.active !== false);
  const byId = new Map(seats.map((user) => [user.id, user]));
  const byEmail = new Map(seats.filter((user) => user.email).map((user) => [user.email!.toLowerCase(), user]));
  const rosterByEmail = new Map(roster.map((person) => [person.email.toLowerCase(), person]));
  const expected = roster.filter((person) => person.zendesk?.[instance.rosterKey]);
  const rosterIds = new Set(expected.map((person) => person.zendesk![instance.rosterKey]!.id).filter((id): id is number => id !== undefined));
  const ctx: Context = { instance, snapshot, now, groupsByUser: groupsByUser(snapshot), groupNames: groupNames(snapshot), rolesById: new Map(snapshot.customRoles.map((role) => [role.id, role])) };

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
    findings.push(p === 'zendesk-us-federal' ? usFederalNoAccount(person, account) : missingUser(p, person, account, instance.name));
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
    if (user.two_factor_auth_enabled === false) findings.push(twoFactorDisabled(p, person, user));
  }

  // 3. Agents and admins the roster does not list here.
  for (const user of seats) {
    if (accountOf.has(user.id)) continue;
    findings.push(notInRoster(p, user, user.email ? rosterByEmail.get(user.email.toLowerCase()) : undefined, instance, ctx));
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
  if (user.role_type === ZD_ROLE_TYPE_LIGHT_AGENT || custom?.role_type === ZD_ROLE_TYPE_LIGHT_AGENT) return { key: 'light_agent', shown: 'light agent' };
  if (custom) return { key: custom.name, shown: `"${custom.name}" (custom role ${custom.id})` };
  if (user.custom_role_id != null) return { key: `custom role ${user.custom_role_id}`, shown: `custom role ${user.custom_role_id} (unknown)` };
  return { key: 'agent', shown: 'agent' };
}

/** `90 days` for a days-only duration (luxon would say "3 months and 6 days"), else luxon's wording. */
function describeAge(iso: string): string {
  const duration = Duration.fromISO(iso);
  const keys = Object.entries(duration.toObject()).filter(([, value]) => value);
  if (duration.isValid && keys.length === 1 && keys[0]![0] === 'days') return `${keys[0]![1]} day${keys[0]![1] === 1 ? '' : 's'}`;
  return humanDuration(iso);
}

/** Roles compare without case, and `light agent` = `light_agent` = `Light-Agent`. */
function roleKey(role: string): string {
  return role.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

function groupsByUser(snapshot: ZendeskSnapshot): Map<number, string[]> {
  const names = new Map(snapshot.groups.filter((group) => group.deleted !== true).map((group) => [group.id, group.name]));
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
  return new Set(snapshot.groups.filter((group) => group.deleted !== true).map((group) => group.name.trim().toLowerCase()));
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

function daysSince(then: DateTime, now: Date): number {
  return Math.floor(DateTime.fromJSDate(now, { zone: 'utc' }).diff(then, 'days').days);
}

const utc = (millis: number) => DateTime.fromMillis(millis, { zone: 'utc' });

/** `2026-11-24T09:00:00Z` or `…:00.000Z`: the form Zendesk writes its times in. */
const UTC_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/**
 * The instant of an ISO timestamp as luxon reads it in UTC (epoch ms), or undefined when luxon
 * finds it invalid. Luxon for every user of a large instance costs a noticeable share of the
 * audit, so Zendesk's own form is read by Date.parse, where both agree: Date.parse rolls an
 * impossible date over (February 30th, 24:00) where luxon refuses it or reads it otherwise, so a
 * date that does not read back as written is left to luxon, like every other form.
 */
export function isoMillis(iso: string): number | undefined {
  if (UTC_TIMESTAMP.test(iso)) {
    const millis = Date.parse(iso);
    if (Number.isFinite(millis) && new Date(millis).toISOString().startsWith(iso.slice(0, 19))) return millis;
  }
  const parsed = DateTime.fromISO(iso, { zone: 'utc' });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

function date(iso: string | null | undefined): string {
  const parsed = iso ? DateTime.fromISO(iso, { zone: 'utc' }) : undefined;
  return parsed?.isValid ? parsed.toISODate()! : 'an unknown date';
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
      `${person.email}: request the account (or the seat back), or remove ${rosterSection(p)} from your roster entry.`,
    evidence: { rosterLine: person.line, rosterId: account.id ?? null, email: person.email, rosterRole: account.role },
  };
}

function usFederalNoAccount(person: RosterPerson, account: ZendeskAccount): Finding {
  const p = 'zendesk-us-federal' as const;
  const idText = account.id !== undefined ? `The roster's id ${account.id} is not an agent or admin there, and` : 'The roster gives no id yet, and';
  return {
    platform: p,
    kind: 'us-federal-no-account',
    fingerprint: `${p}:us-federal-no-account:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: person.name,
    detail:
      `${person.name} is marked for US Federal in the roster (zendesk.us_federal, role ${account.role}) but has no account in Zendesk US Federal. ` +
      `${idText} no agent or admin has ${person.email}: request the US Federal account, or remove zendesk.us_federal from your roster entry.`,
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
    detail: `Zendesk user ${user.id} is named "${user.name}"; the roster says "${person.name}": correct the name in Zendesk or in the roster.`,
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
    detail: `Zendesk user ${user.id} has the email ${user.email ?? '(none)'}; the roster says ${person.email}: correct the email in Zendesk or in the roster.`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, zendeskEmail: user.email, rosterEmail: person.email },
  };
}

function roleMismatch(p: ZendeskPlatform, person: RosterPerson, account: ZendeskAccount, user: ZdUser, role: { key: string; shown: string }): Finding {
  return {
    platform: p,
    kind: 'role-mismatch',
    fingerprint: `${p}:role-mismatch:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk user ${user.id} has the role ${role.shown}; the roster says ${account.role}: change the role in Zendesk, or correct ${rosterSection(p)}.role.`,
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
    parts.push(`not in ${drift.missing.map((name) => `"${name}"${unknown.has(name) ? ' (no such group in Zendesk)' : ''}`).join(', ')}`);
  }
  if (drift.extra.length) parts.push(`in ${drift.extra.map((name) => `"${name}"`).join(', ')}, which the roster does not list`);
  return {
    platform: p,
    kind: 'group-mismatch',
    fingerprint: `${p}:group-mismatch:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk user ${user.id} is ${parts.join(', and ')}: fix the group memberships in Zendesk, or ${rosterSection(p)}.groups in the roster.`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, rosterGroups: person.zendesk?.[ZENDESK_INSTANCES[p].rosterKey]?.groups ?? [], zendeskGroups: drift.actual },
  };
}

function suspendedSeat(p: ZendeskPlatform, person: RosterPerson, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'suspended-seat',
    fingerprint: `${p}:suspended-seat:${user.id}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk user ${user.id} is suspended but still holds an ${user.role} seat: downgrade the user to end-user to free the seat (and update the roster), or unsuspend the account.`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, role: user.role, suspended: true },
  };
}

function inactiveAgent(p: ZendeskPlatform, person: RosterPerson, user: ZdUser, staleness: Staleness, maxAge: string): Finding {
  const when =
    staleness.lastLogin === null
      ? `has never signed in (account created ${date(user.created_at)}${staleness.days >= 0 ? `, ${staleness.days} days ago` : ''})`
      : `last signed in on ${date(staleness.lastLogin)} (${staleness.days} days ago)`;
  return {
    platform: p,
    kind: 'inactive-agent',
    fingerprint: `${p}:inactive-agent:${user.id}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk ${user.role} ${user.id} ${when}, more than ${describeAge(maxAge)} ago: sign in if the seat is still needed, or give it up.`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, lastLoginAt: user.last_login_at ?? null, createdAt: user.created_at ?? null, maxLoginAge: maxAge },
  };
}

function twoFactorDisabled(p: ZendeskPlatform, person: RosterPerson, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'two-factor-disabled',
    fingerprint: `${p}:two-factor-disabled:${user.id}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail: `Zendesk reports two-factor authentication disabled for ${user.role} ${user.id}: turn it on (Profile > Security settings).`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, twoFactorAuthEnabled: false },
  };
}

function notInRoster(p: ZendeskPlatform, user: ZdUser, knownAs: RosterPerson | undefined, instance: ZendeskInstanceInfo, ctx: Context): Finding {
  const role = effectiveRole(user, ctx.rolesById);
  const state = [
    user.suspended === true ? 'suspended' : undefined,
    user.last_login_at ? `last signed in ${date(user.last_login_at)}` : 'never signed in',
  ].filter(Boolean);
  const what = `${instance.name} ${user.role} ${user.id}${role.key === user.role ? '' : ` (role ${role.shown})`} (${state.join(', ')})`;
  let detail: string;
  if (!knownAs) {
    detail = `${what} is not in the roster (${rosterSection(p)}), and no roster person has this email, so the Support Ops Managers are pinged: remove the account, or add its owner to the roster.`;
  } else {
    const listed = knownAs.zendesk?.[instance.rosterKey];
    detail = listed
      ? `${what} has the email of ${knownAs.name}, whose roster entry names ${listed.id !== undefined ? `user ${listed.id}` : 'no id'} in ${rosterSection(p)}: remove this second account, or correct the roster.`
      : `${what} has the email of ${knownAs.name}, whose roster entry has no ${rosterSection(p)}: add it to your roster entry, or give up the seat.`;
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
  const fix = 'lower the role to agent, or add the email or id to the allow-list';
  return {
    platform: p,
    kind: 'admin-not-allowed',
    fingerprint: `${p}:admin-not-allowed:${user.id}`,
    owner: person?.gitlab.username ?? null,
    subject: userSubject(user),
    detail:
      `Zendesk user ${user.id} is an admin, but neither ${user.email ?? 'its email'} nor ${user.id} is on platforms.${p}.admin_allow_list` +
      (person ? `: ${fix}.` : `, and no roster person has this email, so the Support Ops Managers are pinged: ${fix}.`),
    evidence: { zendeskUserId: user.id, email: user.email, rosterUsername: person?.gitlab.username ?? null },
  };
}

// ─── API tokens ───────────────────────────────────────────────────────────────────────────────

interface TokenReview {
  token: ZdApiToken;
  parsed: TokenDescription;
  person: RosterPerson | undefined;
  expired: boolean;
  /** Days since last use (or since creation when never used), when past the limit. */
  unused: { days: number; never: boolean } | undefined;
}

function reviewTokens(tokens: ZdApiToken[], roster: Roster, settings: ZendeskAuditSettings, now: Date): TokenReview[] {
  const maxUnused = Duration.fromISO(settings.token_max_unused_age || DEFAULT_TOKEN_MAX_UNUSED_AGE);
  const today = DateTime.fromJSDate(now, { zone: 'utc' });
  const limit = today.minus(maxUnused);
  return [...tokens]
    .sort((a, b) => a.id - b.id)
    .map((token) => {
      const parsed = parseTokenDescription(token.description);
      const person = parsed.ok ? findTokenOwner(parsed.owner, roster) : undefined;
      const expired = parsed.ok && parsed.convention === 'personal' && DateTime.fromISO(parsed.expires, { zone: 'utc' }).endOf('day') < today;
      const lastUsed = token.last_used ? DateTime.fromISO(token.last_used, { zone: 'utc' }) : undefined;
      const created = DateTime.fromISO(token.created_at ?? '', { zone: 'utc' });
      let unused: TokenReview['unused'];
      if (token.active !== false) {
        if (lastUsed?.isValid) {
          if (lastUsed < limit) unused = { days: daysSince(lastUsed, now), never: false };
        } else if (!created.isValid || created < limit) {
          unused = { days: created.isValid ? daysSince(created, now) : -1, never: true };
        }
      }
      return { token, parsed, person, expired, unused };
    });
}

function tokenFindings(snapshot: ZendeskSnapshot, roster: Roster, settings: ZendeskAuditSettings, now: Date, instance: ZendeskInstanceInfo): Finding[] {
  const p = instance.platform;
  if (!snapshot.tokens.available) {
    return [
      {
        platform: p,
        kind: 'api-token-access-disabled',
        fingerprint: `${p}:api-token-access-disabled`,
        owner: null,
        subject: `${instance.name} API tokens`,
        detail:
          `GET /api/v2/api_tokens answered HTTP ${snapshot.tokens.status}: API token access is disabled in ${instance.name} ` +
          `(or the endpoint, deprecated for 2027-04-30, is gone), so the API token review could not be done. ` +
          `Review the tokens in Admin Center (Apps and integrations > APIs > API tokens) and record the result here.`,
        evidence: { status: snapshot.tokens.status, reason: snapshot.tokens.reason },
      },
    ];
  }
  const maxUnused = settings.token_max_unused_age || DEFAULT_TOKEN_MAX_UNUSED_AGE;
  const findings: Finding[] = [];
  for (const review of reviewTokens(snapshot.tokens.tokens, roster, settings, now)) {
    const { token, parsed, person } = review;
    const owner = person?.gitlab.username ?? null;
    const subject = tokenSubject(token);
    const facts = `API token ${token.id} (${token.active === false ? 'inactive' : 'active'}, created ${date(token.created_at)}, ${token.last_used ? `last used ${date(token.last_used)}` : 'never used'})`;
    const evidence = {
      tokenId: token.id,
      description: token.description,
      active: token.active,
      createdAt: token.created_at,
      lastUsed: token.last_used ?? null,
      owner: parsed.ok ? parsed.owner : null,
      rosterUsername: owner,
    };
    if (!parsed.ok) {
      findings.push({
        platform: p,
        kind: 'api-token-bad-description',
        fingerprint: `${p}:api-token-bad-description:${token.id}`,
        owner: null,
        subject,
        detail:
          `${facts}: its description breaks the naming convention (name - request link - expiry, or Target - name): ${parsed.problem}. ` +
          `Nobody can be asked to justify it, so the Support Ops Managers are pinged: find its owner and rename it, or delete it.`,
        evidence: { ...evidence, problem: parsed.problem },
      });
    } else {
      const named =
        parsed.convention === 'personal'
          ? `named for ${parsed.owner} (request ${parsed.request}, expires ${parsed.expires})`
          : `the ${parsed.target} integration's token, owned by ${parsed.owner}`;
      const ask = person
        ? `Say why it is still needed (reply intentional: <reason>), or delete it.`
        : `"${parsed.owner}" is not in the roster, so the Support Ops Managers are pinged: find its owner, or delete it.`;
      findings.push({
        platform: p,
        kind: 'api-token-review',
        fingerprint: `${p}:api-token-review:${token.id}`,
        owner,
        subject,
        detail: `${facts}, ${named}. ${token.active === false ? 'It is deactivated: delete it unless it must come back. ' : ''}${ask}`,
        evidence,
      });
      if (review.expired && parsed.convention === 'personal') {
        findings.push({
          platform: p,
          kind: 'api-token-expired',
          fingerprint: `${p}:api-token-expired:${token.id}`,
          owner,
          subject,
          detail: `${facts}: its description says it expired on ${parsed.expires}. Delete it, or rotate it and record the new expiry in its description.`,
          evidence: { ...evidence, expires: parsed.expires },
        });
      }
    }
    if (review.unused) {
      const how = review.unused.never
        ? `has never been used${review.unused.days >= 0 ? ` in the ${review.unused.days} days since it was created` : ''}`
        : `has not been used for ${review.unused.days} days`;
      findings.push({
        platform: p,
        kind: 'api-token-unused',
        fingerprint: `${p}:api-token-unused:${token.id}`,
        owner,
        subject,
        detail: `${facts} ${how} (limit: ${describeAge(maxUnused)}): delete it if nothing needs it.`,
        evidence: { ...evidence, maxUnusedAge: maxUnused },
      });
    }
  }
  return findings;
}

function tokenSubject(token: ZdApiToken): string {
  const description = token.description?.trim() ? token.description : '(no description)';
  return `API token "${description}"${token.visible_token ? ` (…${token.visible_token})` : ''}`;
}

/**
 * The API token inventory shown in the results note: every token, its owner as the naming
 * convention gives it (and the roster person it maps to), dates, whether it is active, and what
 * the review flags. A listing the API refused says so instead of showing an empty table.
 */
export function tokenInventory(snapshot: ZendeskSnapshot, roster: Roster, settings: ZendeskAuditSettings, now: Date, instance: ZendeskInstanceInfo): Inventory {
  const title = `${instance.name} API tokens`;
  const headers = ['Token', 'Description', 'Owner', 'Created', 'Last used', 'Active', 'Flags'];
  if (!snapshot.tokens.available) {
    return {
      title,
      headers,
      rows: [],
      empty: `The tokens could not be listed: GET /api/v2/api_tokens answered HTTP ${snapshot.tokens.status} (API token access is disabled). This is not "no tokens".`,
    };
  }
  const rows = reviewTokens(snapshot.tokens.tokens, roster, settings, now).map(({ token, parsed, person, expired, unused }) => {
    const owner = parsed.ok ? (person ? `${parsed.owner} (${person.gitlab.username})` : `${parsed.owner} (not in the roster)`) : 'unknown';
    const flags = [
      parsed.ok ? undefined : 'breaks the naming convention',
      expired && parsed.ok && parsed.convention === 'personal' ? `expired ${parsed.expires}` : undefined,
      unused ? (unused.never ? 'never used' : `unused ${unused.days} days`) : undefined,
    ].filter((flag): flag is string => flag !== undefined);
    return [
      `${token.id}${token.visible_token ? ` (…${token.visible_token})` : ''}`,
      token.description?.trim() ? token.description : '(no description)',
      owner,
      date(token.created_at),
      token.last_used ? date(token.last_used) : 'never',
      token.active === false ? 'no' : 'yes',
      flags.join('; ') || 'none',
    ];
  });
  return { title, headers, rows, empty: `${instance.name} has no API tokens.` };
}
