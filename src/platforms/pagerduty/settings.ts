/**
 * `platforms.pagerduty`: the service accounts, the admin allow-list (user ids or emails, no
 * duplicates), the coverage look-ahead window, and the optional list of schedule ids narrowing
 * the schedule audit (not empty: leave the key out to audit every schedule).
 */

import { isEmail } from '../../config/roster-rules.js';
import { checkDuration } from '../../config/setting-values.js';
import type { PlatformConfig } from '../../config/types.js';
import { quote, type Checker, type Fields } from '../../config/validate.js';
import type { SettingsSchema } from '../contract.js';
import { checkPagerDutyId, isPagerDutyId } from './ids.js';

export const DEFAULT_COVERAGE_WINDOW = 'P28D';

export interface PagerDutyConfig extends PlatformConfig {
  /** PagerDuty user ids or emails of service accounts that need no roster entry. */
  service_accounts: string[];
  /** PagerDuty user ids or emails allowed to be admin/owner when the roster gives them no role. */
  admin_allow_list: string[];
  /** ISO-8601 look-ahead window for schedule coverage (default P28D). */
  coverage_window: string;
  /** Schedule ids that narrow the schedule audit; absent: every schedule (from the API and the policies). */
  schedules?: string[];
}

declare module '../../config/types.js' {
  interface PlatformSettingsMap {
    pagerduty: PagerDutyConfig;
  }
}

export const PAGERDUTY_SETTINGS: SettingsSchema<PagerDutyConfig> = {
  keys: ['service_accounts', 'admin_allow_list', 'coverage_window', 'schedules'],
  defaults: () => ({ service_accounts: [], admin_allow_list: [], coverage_window: DEFAULT_COVERAGE_WINDOW }),
  check: checkPagerDutySettings,
};

function checkPagerDutySettings(checker: Checker, platform: Fields, pagerduty: PagerDutyConfig): void {
  const accountsAt = platform.get('service_accounts');
  const accounts = accountsAt ? checker.stringList(accountsAt, undefined, 'PagerDuty user ids or emails') : undefined;
  if (accounts !== undefined) pagerduty.service_accounts = accounts;
  const allowAt = platform.get('admin_allow_list');
  if (allowAt) {
    const entries = checker.uniqueStringList(
      allowAt,
      (itemAt) =>
        checker.matching(
          itemAt,
          (value) => isEmail(value) || isPagerDutyId(value),
          (value) => `${quote(value)} is neither a PagerDuty user id (e.g. PABC123) nor an email address`,
          'a PagerDuty user id or an email address',
        ),
      'PagerDuty user ids or emails',
    );
    if (entries !== undefined) pagerduty.admin_allow_list = entries;
  }
  const windowAt = platform.get('coverage_window');
  const window = windowAt ? checkDuration(checker, windowAt, DEFAULT_COVERAGE_WINDOW) : undefined;
  if (window !== undefined) pagerduty.coverage_window = window;
  const schedulesAt = platform.get('schedules');
  if (schedulesAt) {
    const ids = checker.uniqueStringList(
      schedulesAt,
      (itemAt) => checkPagerDutyId(checker, itemAt, 'schedule'),
      'PagerDuty schedule ids',
      (value) => value,
    );
    if (ids && ids.length === 0)
      checker.fail(schedulesAt, 'must not be empty (leave the key out to audit every schedule)');
    else if (ids !== undefined) pagerduty.schedules = ids;
  }
}
