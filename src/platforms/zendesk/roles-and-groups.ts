import { ZD_ROLE_TYPE_LIGHT_AGENT, type ZdCustomRole, type ZdUser, type ZendeskSnapshot } from './types.js';

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
export function roleKey(role: string): string {
  return role
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '_');
}

export function groupsByUser(snapshot: ZendeskSnapshot): Map<number, string[]> {
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

export function groupNames(snapshot: ZendeskSnapshot): Set<string> {
  return new Set(
    snapshot.groups.filter((group) => group.deleted !== true).map((group) => group.name.trim().toLowerCase()),
  );
}

export interface GroupDrift {
  missing: string[];
  extra: string[];
  /** Roster groups that do not exist in Zendesk at all. */
  unknown: string[];
  actual: string[];
}

export function groupDrift(expected: string[], actual: string[], existing: Set<string>): GroupDrift | undefined {
  const key = (name: string) => name.trim().toLowerCase();
  const have = new Set(actual.map(key));
  const want = new Set(expected.map(key));
  const missing = expected.filter((name) => !have.has(key(name)));
  const extra = actual.filter((name) => !want.has(key(name)));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return { missing, extra, unknown: missing.filter((name) => !existing.has(key(name))), actual };
}
