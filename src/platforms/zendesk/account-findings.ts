import type { Finding } from '../../domain/types.js';
import type { RosterPerson } from '../../config/types.js';
import type { ZendeskAccount } from './roster.js';
import type { ZdCustomRole, ZdUser, ZendeskSnapshot } from './types.js';
import { ZENDESK_INSTANCES, type ZendeskInstanceInfo, type ZendeskPlatform } from './instances.js';
import { date, describeAge } from './dates.js';
import { effectiveRole, type GroupDrift } from './roles-and-groups.js';
import type { Staleness } from './sign-in.js';

/** What the account checks share about the instance being audited. */
export interface Context {
  instance: ZendeskInstanceInfo;
  snapshot: ZendeskSnapshot;
  now: Date;
  groupsByUser: Map<number, string[]>;
  groupNames: Set<string>;
  rolesById: Map<number, ZdCustomRole>;
}

function userSubject(user: ZdUser): string {
  return `${user.name ?? ''} <${user.email ?? 'no email'}>`;
}

function rosterSection(instance: ZendeskPlatform): string {
  return `zendesk.${ZENDESK_INSTANCES[instance].rosterKey}`;
}

export function missingUser(p: ZendeskPlatform, person: RosterPerson, account: ZendeskAccount, name: string): Finding {
  const idText = account.id !== undefined ? `user ${account.id}` : 'an account (no id yet)';
  return {
    platform: p,
    kind: 'missing-user',
    fingerprint: `${p}:missing-user:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: person.name,
    detail:
      `The roster (${rosterSection(p)}) expects ${person.name} in ${name} as ${idText}, ` +
      `but no agent or admin has that id or the email ${person.email}: ` +
      `ask Support Ops (a ${name} admin) for the account (or the seat back), ` +
      `or remove ${rosterSection(p)} from your roster entry.`,
    evidence: { rosterLine: person.line, rosterId: account.id ?? null, email: person.email, rosterRole: account.role },
  };
}

export function usFederalNoAccount(person: RosterPerson, account: ZendeskAccount): Finding {
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
      `${person.name} is marked for US Federal in the roster (zendesk.us_federal, role ${account.role}) ` +
      'but has no account in Zendesk US Federal. ' +
      `${idText} no agent or admin has ${person.email}: ` +
      'ask Support Ops (a Zendesk US Federal admin) for the account, ' +
      'or remove zendesk.us_federal from your roster entry.',
    evidence: { rosterLine: person.line, rosterId: account.id ?? null, email: person.email, rosterRole: account.role },
  };
}

export function wrongId(p: ZendeskPlatform, person: RosterPerson, account: ZendeskAccount, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'wrong-id',
    fingerprint: `${p}:wrong-id:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail:
      (account.id !== undefined
        ? `The roster's ${rosterSection(p)}.id ${account.id} is not an agent or admin; ` +
          `Zendesk has ${person.email} as user ${user.id}`
        : `The roster gives no ${rosterSection(p)}.id; Zendesk has ${person.email} as user ${user.id}`) +
      `: correct the id in your roster entry.`,
    evidence: { rosterLine: person.line, rosterId: account.id ?? null, zendeskUserId: user.id, email: user.email },
  };
}

export function nameMismatch(p: ZendeskPlatform, person: RosterPerson, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'name-mismatch',
    fingerprint: `${p}:name-mismatch:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail:
      `Zendesk user ${user.id} is named "${user.name}"; the roster says "${person.name}": ` +
      'ask Support Ops (a Zendesk admin) to correct the name in Zendesk, or correct your roster entry.',
    evidence: { rosterLine: person.line, zendeskUserId: user.id, zendeskName: user.name, rosterName: person.name },
  };
}

export function emailMismatch(p: ZendeskPlatform, person: RosterPerson, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'email-mismatch',
    fingerprint: `${p}:email-mismatch:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail:
      `Zendesk user ${user.id} has the email ${user.email ?? '(none)'}; the roster says ${person.email}: ` +
      'ask Support Ops (a Zendesk admin) to correct the email in Zendesk, or correct your roster entry.',
    evidence: { rosterLine: person.line, zendeskUserId: user.id, zendeskEmail: user.email, rosterEmail: person.email },
  };
}

export function roleMismatch(
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
    detail:
      `Zendesk user ${user.id} has the role ${role.shown}; the roster says ${account.role}: ` +
      'ask Support Ops (a Zendesk admin) to change the role in Zendesk, ' +
      `or correct ${rosterSection(p)}.role in your roster entry.`,
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

export function groupMismatch(p: ZendeskPlatform, person: RosterPerson, user: ZdUser, drift: GroupDrift): Finding {
  const parts: string[] = [];
  if (drift.missing.length) {
    const unknown = new Set(drift.unknown);
    const missing = drift.missing.map((name) => `"${name}"${unknown.has(name) ? ' (no such group in Zendesk)' : ''}`);
    parts.push(`not in ${missing.join(', ')}`);
  }
  if (drift.extra.length)
    parts.push(`in ${drift.extra.map((name) => `"${name}"`).join(', ')}, which the roster does not list`);
  return {
    platform: p,
    kind: 'group-mismatch',
    fingerprint: `${p}:group-mismatch:${person.gitlab.username}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail:
      `Zendesk user ${user.id} is ${parts.join(', and ')}: ` +
      'ask Support Ops (a Zendesk admin) to fix the group memberships, ' +
      `or correct ${rosterSection(p)}.groups in your roster entry.`,
    evidence: {
      rosterLine: person.line,
      zendeskUserId: user.id,
      rosterGroups: person.zendesk?.[ZENDESK_INSTANCES[p].rosterKey]?.groups ?? [],
      zendeskGroups: drift.actual,
    },
  };
}

export function suspendedSeat(p: ZendeskPlatform, person: RosterPerson, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'suspended-seat',
    fingerprint: `${p}:suspended-seat:${user.id}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail:
      `Zendesk user ${user.id} is suspended but still holds an ${user.role} seat: ` +
      'ask Support Ops (a Zendesk admin) to downgrade the user to end-user to free the seat ' +
      `(then remove ${rosterSection(p)} from your roster entry), or to unsuspend the account if it is still needed.`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, role: user.role, suspended: true },
  };
}

export function inactiveAgent(
  p: ZendeskPlatform,
  person: RosterPerson,
  user: ZdUser,
  staleness: Staleness,
  maxAge: string,
): Finding {
  // Zendesk's last_login_at also moves when the user's own credentials call the API: it measures
  // activity, not only sign-ins.
  const when =
    staleness.lastLogin === null
      ? `has no sign-in or API use recorded (account created ${date(user.created_at)}` +
        (staleness.days >= 0 ? `, ${staleness.days} days ago` : '') +
        ')'
      : `was last active on ${date(staleness.lastLogin)} (${staleness.days} days ago; ` +
        "Zendesk's last login, which API use with the user's own credentials also moves)";
  return {
    platform: p,
    kind: 'inactive-agent',
    fingerprint: `${p}:inactive-agent:${user.id}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail:
      `Zendesk ${user.role} ${user.id} ${when}, longer than ${describeAge(maxAge)}: ` +
      'sign in if you still need the seat; ' +
      'if not, ask Support Ops (a Zendesk admin) to downgrade the account to end-user.',
    evidence: {
      rosterLine: person.line,
      zendeskUserId: user.id,
      lastLoginAt: user.last_login_at ?? null,
      createdAt: user.created_at ?? null,
      maxLoginAge: maxAge,
    },
  };
}

export function twoFactorDisabled(p: ZendeskPlatform, person: RosterPerson, user: ZdUser): Finding {
  return {
    platform: p,
    kind: 'two-factor-disabled',
    fingerprint: `${p}:two-factor-disabled:${user.id}`,
    owner: person.gitlab.username,
    subject: userSubject(user),
    detail:
      `Zendesk reports two-factor authentication disabled for ${user.role} ${user.id}: ` +
      'turn it on (Profile > Security settings). ' +
      "If agents sign in through SSO, Zendesk's 2FA does not apply to them: " +
      `Support Ops then sets platforms.${p}.two_factor_required to false in the audit config.`,
    evidence: { rosterLine: person.line, zendeskUserId: user.id, twoFactorAuthEnabled: false },
  };
}

export function notInRoster(
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
  const shownRole = role.key === user.role ? '' : ` (role ${role.shown})`;
  const what = `${instance.name} ${user.role} ${user.id}${shownRole} (${state.join(', ')})`;
  let detail: string;
  if (!knownAs) {
    detail =
      `${what} is not in the roster (${rosterSection(p)}), and no roster person has this email, ` +
      'so the Support Ops Managers are pinged: ' +
      'have a Zendesk admin downgrade or remove the account, or add its owner to the roster.';
  } else {
    const listed = knownAs.zendesk?.[instance.rosterKey];
    detail = listed
      ? `${what} has the email of ${knownAs.name}, ` +
        `whose roster entry names ${listed.id !== undefined ? `user ${listed.id}` : 'no id'} in ${rosterSection(p)}: ` +
        'ask Support Ops (a Zendesk admin) to remove this second account, or correct your roster entry.'
      : `${what} has the email of ${knownAs.name}, whose roster entry has no ${rosterSection(p)}: ` +
        'add it to your roster entry, or ask Support Ops (a Zendesk admin) to downgrade the account to end-user.';
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

export function adminNotAllowed(p: ZendeskPlatform, user: ZdUser, person: RosterPerson | undefined): Finding {
  return {
    platform: p,
    kind: 'admin-not-allowed',
    fingerprint: `${p}:admin-not-allowed:${user.id}`,
    owner: person?.gitlab.username ?? null,
    subject: userSubject(user),
    detail:
      `Zendesk user ${user.id} is an admin, ` +
      `but neither ${user.email ?? 'its email'} nor ${user.id} is on platforms.${p}.admin_allow_list` +
      (person
        ? ': ask Support Ops (a Zendesk admin) to lower the role to agent, ' +
          'or, if it must stay an admin, to add the email or id to the allow-list.'
        : ', and no roster person has this email, so the Support Ops Managers are pinged: ' +
          'have a Zendesk admin lower the role to agent, or add the email or id to the allow-list.'),
    evidence: { zendeskUserId: user.id, email: user.email, rosterUsername: person?.gitlab.username ?? null },
  };
}
