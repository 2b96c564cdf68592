/** `platforms.calendly`: the admin allow-list (emails, no duplicates) and the pending-invitation age. */

import { isEmail } from '../../config/roster-rules.js';
import { checkDuration } from '../../config/setting-values.js';
import type { PlatformConfig } from '../../config/types.js';
import { quote, type Checker, type Fields } from '../../config/validate.js';
import type { SettingsSchema } from '../contract.js';

export const DEFAULT_PENDING_INVITATION_MAX_AGE = 'P14D';

export interface CalendlyConfig extends PlatformConfig {
  /** Emails of the members allowed to hold the owner or admin role; anyone else with it is a finding. */
  admin_allow_list: string[];
  /** ISO-8601 duration after which a pending invitation is a finding (default P14D). */
  pending_invitation_max_age: string;
}

declare module '../../config/types.js' {
  interface PlatformSettingsMap {
    calendly: CalendlyConfig;
  }
}

export const CALENDLY_SETTINGS: SettingsSchema<CalendlyConfig> = {
  keys: ['admin_allow_list', 'pending_invitation_max_age'],
  defaults: () => ({ admin_allow_list: [], pending_invitation_max_age: DEFAULT_PENDING_INVITATION_MAX_AGE }),
  check: checkCalendlySettings,
};

function checkCalendlySettings(checker: Checker, platform: Fields, calendly: CalendlyConfig): void {
  const allowAt = platform.get('admin_allow_list');
  if (allowAt) {
    const emails = checker.uniqueStringList(
      allowAt,
      (itemAt) =>
        checker.matching(itemAt, isEmail, (value) => `${quote(value)} is not an email address`, 'an email address'),
      'emails',
    );
    if (emails !== undefined) calendly.admin_allow_list = emails;
  }
  const maxAgeAt = platform.get('pending_invitation_max_age');
  const maxAge = maxAgeAt ? checkDuration(checker, maxAgeAt, DEFAULT_PENDING_INVITATION_MAX_AGE) : undefined;
  if (maxAge !== undefined) calendly.pending_invitation_max_age = maxAge;
}
