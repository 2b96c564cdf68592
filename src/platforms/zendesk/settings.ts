/** `platforms.zendesk` and `platforms.zendesk-us-federal`: one audit per Zendesk instance, the same settings. */

import { isEmail } from '../../config/roster-rules.js';
import { checkDuration } from '../../config/setting-values.js';
import type { PlatformConfig } from '../../config/types.js';
import { quote, type Checker, type Fields } from '../../config/validate.js';
import type { SettingsSchema } from '../contract.js';

export const DEFAULT_MAX_LOGIN_AGE = 'P90D';
export const DEFAULT_TOKEN_MAX_UNUSED_AGE = 'P90D';

export interface ZendeskConfig extends PlatformConfig {
  /**
   * OAuth clients (id, identifier or name), API tokens (id) and users (id or email) of integrations,
   * the bot's own client among them: listed in the credentials review, never asked to justify
   * themselves, and users need no roster entry.
   */
  service_accounts: string[];
  /**
   * Whether an agent without two-factor authentication is a finding (default true). Set false when
   * agents sign in through SSO: Zendesk's 2FA does not apply to them, and the API does not say who does.
   */
  two_factor_required: boolean;
  /** Emails or Zendesk user ids (as strings) allowed to be admin; any other admin is a finding. */
  admin_allow_list: string[];
  /**
   * ISO-8601 duration: an agent or admin whose last sign-in is older (or who never signed in) is a
   * finding (default P90D).
   */
  max_login_age: string;
  /** ISO-8601 duration: an active API token not used for longer (or never used) is a finding (default P90D). */
  token_max_unused_age: string;
}

declare module '../../config/types.js' {
  interface PlatformSettingsMap {
    zendesk: ZendeskConfig;
    'zendesk-us-federal': ZendeskConfig;
  }
}

/**
 * The service accounts (OAuth clients, API tokens or users the bot itself and other integrations
 * use, by id, identifier, name or email), the admin allow-list (emails or Zendesk user ids, written
 * as numbers or strings; no duplicates), the sign-in age, the token age, and whether two-factor
 * authentication is asked for.
 */
export const ZENDESK_SETTINGS: SettingsSchema<ZendeskConfig> = {
  keys: ['service_accounts', 'admin_allow_list', 'max_login_age', 'token_max_unused_age', 'two_factor_required'],
  defaults: () => ({
    service_accounts: [],
    admin_allow_list: [],
    max_login_age: DEFAULT_MAX_LOGIN_AGE,
    token_max_unused_age: DEFAULT_TOKEN_MAX_UNUSED_AGE,
    two_factor_required: true,
  }),
  check: checkZendeskSettings,
};

function checkZendeskSettings(checker: Checker, platform: Fields, zendesk: ZendeskConfig): void {
  const accountsAt = platform.get('service_accounts');
  if (accountsAt) {
    const entries = checker.uniqueStringList(
      accountsAt,
      (itemAt) =>
        typeof itemAt.value === 'number'
          ? checker.positiveInteger(itemAt)?.toString()
          : checker.string(itemAt, 'an id, identifier, name or email'),
      'OAuth client ids, identifiers or names, API token ids, or user ids or emails',
    );
    if (entries !== undefined) zendesk.service_accounts = entries;
  }
  const twoFactorAt = platform.get('two_factor_required');
  const twoFactor = twoFactorAt ? checker.boolean(twoFactorAt) : undefined;
  if (twoFactor !== undefined) zendesk.two_factor_required = twoFactor;
  const allowAt = platform.get('admin_allow_list');
  if (allowAt) {
    const entries = checker.uniqueStringList(
      allowAt,
      (itemAt) =>
        typeof itemAt.value === 'number'
          ? checker.positiveInteger(itemAt)?.toString()
          : checker.matching(
              itemAt,
              (text) => isEmail(text) || /^[1-9]\d*$/.test(text),
              (text) => `${quote(text)} is neither a Zendesk user id (e.g. 360001001) nor an email address`,
              'a Zendesk user id or an email address',
            ),
      'Zendesk user ids or emails',
    );
    if (entries !== undefined) zendesk.admin_allow_list = entries;
  }
  const loginAt = platform.get('max_login_age');
  const login = loginAt ? checkDuration(checker, loginAt, DEFAULT_MAX_LOGIN_AGE) : undefined;
  if (login !== undefined) zendesk.max_login_age = login;
  const tokenAt = platform.get('token_max_unused_age');
  const token = tokenAt ? checkDuration(checker, tokenAt, DEFAULT_TOKEN_MAX_UNUSED_AGE) : undefined;
  if (token !== undefined) zendesk.token_max_unused_age = token;
}
