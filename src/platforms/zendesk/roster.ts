/** A person's `zendesk:` section in roster.yml: one account per instance, each optional. */

import type { At, Checker } from '../../config/validate.js';
import type { RosterSectionSchema } from '../contract.js';

/** Zendesk's built-in roles; any other string is the name of a custom role. */
export type ZendeskBuiltinRole = 'agent' | 'admin' | 'light_agent';

/** Keys of `zendesk:` in a roster entry, one per Zendesk instance. */
export type ZendeskInstance = 'main' | 'us_federal';
export const ZENDESK_ROSTER_KEYS: readonly ZendeskInstance[] = ['main', 'us_federal'];

export interface ZendeskAccount {
  /**
   * Zendesk user id (positive integer). Absent while the person is marked for the instance but
   * has no account yet (the audit then looks for their email, and reports a missing account).
   */
  id?: number;
  /** agent | admin | light_agent, or a custom role's name. */
  role: ZendeskBuiltinRole | (string & {});
  /** Zendesk group names; [] when absent. */
  groups: string[];
}

export type ZendeskSection = { main?: ZendeskAccount; us_federal?: ZendeskAccount };

declare module '../../config/types.js' {
  interface RosterPerson {
    /** Absent when the person has no seat on either instance; each instance is optional. */
    zendesk?: ZendeskSection;
  }
}

const ACCOUNT_KEYS = ['id', 'role', 'groups'];

/** A Zendesk id is unique on its own instance: the other instance may hold the same one. */
export const ZENDESK_ROSTER: RosterSectionSchema<ZendeskSection> = {
  check: checkZendesk,
  unique: [{ path: ['main', 'id'] }, { path: ['us_federal', 'id'] }],
  skeleton: {
    key: 'zendesk.main, zendesk.us_federal',
    fields: '{ id, role: agent | admin | light_agent | <custom role>, groups: [...] }',
    example: ['zendesk:', '  main: { id: 10001, role: admin, groups: [Support Operations] }'],
  },
};

/** One account per Zendesk instance; the section is absent when no account is valid. */
function checkZendesk(checker: Checker, at: At): ZendeskSection | undefined {
  const instances = checker.mapping(at, ZENDESK_ROSTER_KEYS, 'Zendesk instances');
  if (!instances) return undefined;
  let section: ZendeskSection | undefined;
  for (const instance of ZENDESK_ROSTER_KEYS) {
    const accountAt = instances.get(instance);
    const account = accountAt && checkZendeskAccount(checker, accountAt);
    if (account) (section ??= {})[instance] = account;
  }
  return section;
}

function checkZendeskAccount(checker: Checker, at: At): ZendeskAccount | undefined {
  const fields = checker.mapping(at, ACCOUNT_KEYS, 'a Zendesk account');
  if (!fields) return undefined;
  // Optional: a person marked for the instance whose account does not exist yet has no id.
  const idAt = fields.get('id');
  const id = idAt ? checker.positiveInteger(idAt) : undefined;
  // agent | admin | light_agent, or the name of a custom role: any non-empty string.
  const roleAt = fields.require('role');
  const role = roleAt ? checker.string(roleAt, 'a role (agent, admin, light_agent or a custom role name)') : undefined;
  const groupsAt = fields.get('groups');
  const groups = groupsAt ? checker.stringList(groupsAt, undefined, 'Zendesk group names') : [];
  if ((idAt && id === undefined) || role === undefined || groups === undefined) return undefined;
  return id === undefined ? { role, groups } : { id, role, groups };
}
