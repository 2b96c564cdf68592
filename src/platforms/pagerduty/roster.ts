/** A person's `pagerduty:` section in roster.yml: their user id, their schedules and, optionally, their role. */

import type { At, Checker } from '../../config/validate.js';
import type { RosterSectionSchema } from '../contract.js';
import { checkPagerDutyId } from './ids.js';

/** PagerDuty's user roles (REST API v2 `role`). */
export type PagerDutyRole =
  | 'admin'
  | 'limited_user'
  | 'observer'
  | 'owner'
  | 'read_only_user'
  | 'read_only_limited_user'
  | 'restricted_access'
  | 'user';
export const PAGERDUTY_ROLES: readonly PagerDutyRole[] = [
  'admin',
  'limited_user',
  'observer',
  'owner',
  'read_only_user',
  'read_only_limited_user',
  'restricted_access',
  'user',
];

/**
 * PagerDuty user id (e.g. PABC123), the schedule ids they should be on ([] when absent) and,
 * optionally, the role they should have (absent: any role but admin/owner, unless allow-listed).
 */
export interface PagerDutySection {
  id: string;
  schedules: string[];
  role?: PagerDutyRole;
}

declare module '../../config/types.js' {
  interface RosterPerson {
    pagerduty?: PagerDutySection;
  }
}

const PAGERDUTY_KEYS = ['id', 'schedules', 'role'];

export const PAGERDUTY_ROSTER: RosterSectionSchema<PagerDutySection> = {
  check: checkPagerDuty,
  unique: [{ path: ['id'] }],
  skeleton: {
    key: 'pagerduty',
    fields: '{ id: PABC123, schedules: [schedule ids] }',
    example: ['pagerduty: { id: PABC123, schedules: [] }'],
  },
};

function checkPagerDuty(checker: Checker, at: At): PagerDutySection | undefined {
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
