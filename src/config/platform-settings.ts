/** `platforms:` of the audit config: each platform's settings, with their defaults. */

import { PLATFORM_IDS, type PlatformId } from '../domain/types.js';
import { checkPagerDutyId, isEmail, isPagerDutyId } from './roster-rules.js';
import { checkDuration, checkLabels } from './setting-values.js';
import type { AuditConfig, CalendlyConfig, PagerDutyConfig, PlatformConfig, ZendeskConfig } from './types.js';
import { quote, type At, type Checker, type Fields } from './validate.js';

/** The share of a vendor's announced per-minute budget an audit may use: the rest is left to the team's own tools. */
export const DEFAULT_RATE_LIMIT_SHARE = 0.5;
export const DEFAULT_COVERAGE_WINDOW = 'P28D';
export const DEFAULT_PENDING_INVITATION_MAX_AGE = 'P14D';
export const DEFAULT_MAX_LOGIN_AGE = 'P90D';
export const DEFAULT_TOKEN_MAX_UNUSED_AGE = 'P90D';

const PLATFORM_KEYS = ['enabled', 'template', 'labels', 'rate_limit_share'] as const;
const PAGERDUTY_KEYS = [
  ...PLATFORM_KEYS,
  'service_accounts',
  'admin_allow_list',
  'coverage_window',
  'schedules',
] as const;
const CALENDLY_KEYS = [...PLATFORM_KEYS, 'admin_allow_list', 'pending_invitation_max_age'] as const;
const ZENDESK_KEYS = [
  ...PLATFORM_KEYS,
  'service_accounts',
  'admin_allow_list',
  'max_login_age',
  'token_max_unused_age',
  'two_factor_required',
] as const;

export function defaultTemplate(platform: PlatformId): string {
  return `issue_templates/${platform}.md`;
}

/**
 * Platform settings whose `template` the config file wrote: that path resolves against the config
 * file's folder and must stay inside it. One not written is the bot's own `issue_templates/<id>.md`.
 */
const writtenTemplates = new WeakSet<PlatformConfig>();

export function templateWritten(platform: PlatformConfig): boolean {
  return writtenTemplates.has(platform);
}

/**
 * Why a template path may not be used, or undefined: it must be relative and stay inside the config
 * file's folder (a template is posted into every audit issue, so `/proc/self/environ` or
 * `../../.env` would publish what it holds).
 */
export function templatePathProblem(template: string): string | undefined {
  if (template.trim() === '') return "must name a file (relative to the config file's folder)";
  if (template.includes('\0')) return 'must not contain a NUL character';
  if (/^([a-zA-Z]:)?[\\/]/.test(template) || /^~/.test(template)) {
    return `must be a path relative to the config file's folder, not an absolute path, got ${quote(template)}`;
  }
  const segments = template.split(/[\\/]+/);
  let depth = 0;
  for (const segment of segments) {
    if (segment === '..') depth -= 1;
    else if (segment !== '.' && segment !== '') depth += 1;
    if (depth < 0) return `must stay inside the config file's folder (no ".." out of it), got ${quote(template)}`;
  }
  return undefined;
}

/** Every platform's settings: the defaults, with what `platforms:` (at `at`, when given) sets. */
export function checkPlatforms(checker: Checker, at: At | undefined): AuditConfig['platforms'] {
  const platforms = {} as Record<PlatformId, PlatformConfig>;
  for (const id of PLATFORM_IDS) {
    platforms[id] = {
      enabled: true,
      template: defaultTemplate(id),
      labels: [],
      rate_limit_share: DEFAULT_RATE_LIMIT_SHARE,
    };
  }
  const pagerduty: PagerDutyConfig = {
    ...platforms.pagerduty,
    service_accounts: [],
    admin_allow_list: [],
    coverage_window: DEFAULT_COVERAGE_WINDOW,
  };
  platforms.pagerduty = pagerduty;
  const calendly: CalendlyConfig = {
    ...platforms.calendly,
    admin_allow_list: [],
    pending_invitation_max_age: DEFAULT_PENDING_INVITATION_MAX_AGE,
  };
  platforms.calendly = calendly;
  const zendesk = {} as Record<'zendesk' | 'zendesk-us-federal', ZendeskConfig>;
  for (const id of ['zendesk', 'zendesk-us-federal'] as const) {
    zendesk[id] = {
      ...platforms[id],
      service_accounts: [],
      admin_allow_list: [],
      max_login_age: DEFAULT_MAX_LOGIN_AGE,
      token_max_unused_age: DEFAULT_TOKEN_MAX_UNUSED_AGE,
      two_factor_required: true,
    };
    platforms[id] = zendesk[id];
  }

  const fields = at ? checker.mapping(at, PLATFORM_IDS, 'platform ids', 'platform') : undefined;
  if (fields) {
    for (const id of PLATFORM_IDS) {
      const platformAt = fields.get(id);
      if (!platformAt) continue;
      const keys =
        id === 'pagerduty'
          ? PAGERDUTY_KEYS
          : id === 'calendly'
            ? CALENDLY_KEYS
            : id === 'zendesk' || id === 'zendesk-us-federal'
              ? ZENDESK_KEYS
              : PLATFORM_KEYS;
      const platform = checker.mapping(platformAt, keys, `settings of ${id}`);
      if (!platform) continue;
      checkCommonSettings(checker, platform, platforms[id]);
      if (id === 'pagerduty') checkPagerDutySettings(checker, platform, pagerduty);
      if (id === 'calendly') checkCalendlySettings(checker, platform, calendly);
      if (id === 'zendesk' || id === 'zendesk-us-federal') checkZendeskSettings(checker, platform, zendesk[id]);
    }
  }
  return platforms as AuditConfig['platforms'];
}

/** What every platform takes: enabled, template, labels and rate_limit_share. */
function checkCommonSettings(checker: Checker, platform: Fields, target: PlatformConfig): void {
  const enabledAt = platform.get('enabled');
  const enabled = enabledAt ? checker.boolean(enabledAt) : undefined;
  if (enabled !== undefined) target.enabled = enabled;
  const templateAt = platform.get('template');
  const template = templateAt ? checker.string(templateAt, 'a template path') : undefined;
  const templateProblem = template !== undefined ? templatePathProblem(template) : undefined;
  if (templateAt && templateProblem) checker.fail(templateAt, templateProblem);
  else if (template !== undefined) {
    target.template = template;
    writtenTemplates.add(target);
  }
  const labelsAt = platform.get('labels');
  const labels = labelsAt ? checkLabels(checker, labelsAt) : undefined;
  if (labels !== undefined) target.labels = labels;
  const shareAt = platform.get('rate_limit_share');
  const share = shareAt ? checkShare(checker, shareAt) : undefined;
  if (share !== undefined) target.rate_limit_share = share;
}

/** A share of a budget: a number above 0 and at most 1. */
function checkShare(checker: Checker, at: At): number | undefined {
  const value = at.value;
  if (typeof value === 'number' && value > 0 && value <= 1) return value;
  checker.mustBe(
    at,
    `a number above 0 and at most 1 (e.g. ${DEFAULT_RATE_LIMIT_SHARE}: half of the vendor's per-minute budget)`,
  );
  return undefined;
}

/**
 * `platforms.pagerduty`: the service accounts, the admin allow-list (user ids or emails, no
 * duplicates), the coverage look-ahead window, and the optional list of schedule ids narrowing
 * the schedule audit (not empty: leave the key out to audit every schedule).
 */
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

/** `platforms.calendly`: the admin allow-list (emails, no duplicates) and the pending-invitation age. */
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

/**
 * `platforms.zendesk` and `platforms.zendesk-us-federal`: the service accounts (OAuth clients, API
 * tokens or users the bot itself and other integrations use, by id, identifier, name or email),
 * the admin allow-list (emails or Zendesk user ids, written as numbers or strings; no
 * duplicates), the sign-in age, the token age, and whether two-factor authentication is asked for.
 */
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
