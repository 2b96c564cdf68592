/** A person's `calendly:` section in roster.yml: their Calendly email and the role they should have. */

import { checkEmail } from '../../config/roster-rules.js';
import type { At, Checker } from '../../config/validate.js';
import type { RosterSectionSchema } from '../contract.js';

export type CalendlyRole = 'owner' | 'admin' | 'user';
export const CALENDLY_ROLES: readonly CalendlyRole[] = ['owner', 'admin', 'user'];

export interface CalendlySection {
  email: string;
  role: CalendlyRole;
}

declare module '../../config/types.js' {
  interface RosterPerson {
    calendly?: CalendlySection;
  }
}

const CALENDLY_KEYS = ['email', 'role'];

export const CALENDLY_ROSTER: RosterSectionSchema<CalendlySection> = {
  check: checkCalendly,
  unique: [{ path: ['email'], ignoreCase: true }],
  skeleton: {
    key: 'calendly',
    fields: '{ email, role: owner | admin | user }',
    example: ['calendly: { email: you@example.com, role: owner }'],
  },
};

function checkCalendly(checker: Checker, at: At): CalendlySection | undefined {
  const fields = checker.mapping(at, CALENDLY_KEYS);
  if (!fields) return undefined;
  const emailAt = fields.require('email');
  const email = emailAt ? checkEmail(checker, emailAt) : undefined;
  const roleAt = fields.require('role');
  const role = roleAt ? checker.oneOf(roleAt, CALENDLY_ROLES) : undefined;
  return email !== undefined && role !== undefined ? { email, role } : undefined;
}
