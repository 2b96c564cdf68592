/** Each platform's section of a roster entry (`zendesk:`, `calendly:`, `pagerduty:`), and its rules. */

import { checkEmail, checkPagerDutyId } from './roster-rules.js';
import { CALENDLY_ROLES, PAGERDUTY_ROLES, ZENDESK_INSTANCES, type RosterPerson, type ZendeskAccount } from './types.js';
import type { At, Checker } from './validate.js';

/** A value no two people may share: where it is, within its section. */
export interface UniqueValue {
  path: readonly string[];
  /** Whether `Ann@example.com` and `ann@example.com` are the same. */
  ignoreCase?: boolean;
}

/** A platform's section of a roster entry: how it is checked, and which of its values no two people may share. */
export interface RosterSection<T> {
  /** The section as the audit reads it; undefined when it is not valid (after reporting why). */
  check(checker: Checker, at: At): T | undefined;
  unique: readonly UniqueValue[];
}

export type SectionName = 'zendesk' | 'calendly' | 'pagerduty';
type Section<K extends SectionName> = NonNullable<RosterPerson[K]>;

/** Each section by its key in a roster entry, in the order they are checked. */
export const ROSTER_SECTIONS: { readonly [K in SectionName]: RosterSection<Section<K>> } = {
  // A Zendesk id is unique on its own instance: the other instance may hold the same one.
  zendesk: { check: checkZendesk, unique: [{ path: ['main', 'id'] }, { path: ['us_federal', 'id'] }] },
  calendly: { check: checkCalendly, unique: [{ path: ['email'], ignoreCase: true }] },
  pagerduty: { check: checkPagerDuty, unique: [{ path: ['id'] }] },
};

export const SECTION_NAMES = Object.keys(ROSTER_SECTIONS) as SectionName[];

const ACCOUNT_KEYS = ['id', 'role', 'groups'];
const CALENDLY_KEYS = ['email', 'role'];
const PAGERDUTY_KEYS = ['id', 'schedules', 'role'];

/** One account per Zendesk instance; the section is absent when no account is valid. */
function checkZendesk(checker: Checker, at: At): Section<'zendesk'> | undefined {
  const instances = checker.mapping(at, ZENDESK_INSTANCES, 'Zendesk instances');
  if (!instances) return undefined;
  let section: Section<'zendesk'> | undefined;
  for (const instance of ZENDESK_INSTANCES) {
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

function checkCalendly(checker: Checker, at: At): Section<'calendly'> | undefined {
  const fields = checker.mapping(at, CALENDLY_KEYS);
  if (!fields) return undefined;
  const emailAt = fields.require('email');
  const email = emailAt ? checkEmail(checker, emailAt) : undefined;
  const roleAt = fields.require('role');
  const role = roleAt ? checker.oneOf(roleAt, CALENDLY_ROLES) : undefined;
  return email !== undefined && role !== undefined ? { email, role } : undefined;
}

function checkPagerDuty(checker: Checker, at: At): Section<'pagerduty'> | undefined {
  const fields = checker.mapping(at, PAGERDUTY_KEYS);
  if (!fields) return undefined;
  const idAt = fields.require('id');
  const id = idAt ? checkPagerDutyId(checker, idAt, 'user') : undefined;
  const schedulesAt = fields.get('schedules');
  const schedules = schedulesAt
    ? checker.stringList(
        schedulesAt,
        (itemAt) => checkPagerDutyId(checker, itemAt, 'schedule'),
        'PagerDuty schedule ids',
      )
    : [];
  // Optional: the PagerDuty role the person should have (compared by the audit).
  const roleAt = fields.get('role');
  const role = roleAt ? checker.oneOf(roleAt, PAGERDUTY_ROLES) : undefined;
  if (id === undefined || schedules === undefined || (roleAt && role === undefined)) return undefined;
  return role === undefined ? { id, schedules } : { id, schedules, role };
}
