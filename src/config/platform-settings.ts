/** `platforms:` of the audit config: each audit's settings, with their defaults (from the platform registry). */

import { BOT_LABEL_SCOPES } from '../domain/issue.js';
import type { PlatformModule } from '../platforms/contract.js';
import { PLATFORM_MODULES } from '../platforms/registry.js';
import type { AuditConfig, PlatformConfig } from './types.js';
import { quote, type At, type Checker, type Fields } from './validate.js';

/** The share of a vendor's announced per-minute budget an audit may use: the rest is left to the team's own tools. */
export const DEFAULT_RATE_LIMIT_SHARE = 0.5;

/** What every audit takes; each adds its own (its module's settings keys). */
const PLATFORM_KEYS = ['enabled', 'template', 'labels', 'rate_limit_share'] as const;

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

/**
 * Every audit's settings (`modules`' audits, in order): the defaults, with what `platforms:` (at
 * `at`, when given) sets.
 */
export function checkPlatforms(
  checker: Checker,
  at: At | undefined,
  modules: readonly PlatformModule[] = PLATFORM_MODULES,
): AuditConfig['platforms'] {
  const audits = modules.flatMap((module) => module.audits);
  const platforms: Record<string, PlatformConfig> = {};
  for (const audit of audits) {
    // Unless the config names one, the bot's own issue_templates/<id>.md.
    platforms[audit.id] = {
      enabled: true,
      template: `issue_templates/${audit.template}`,
      labels: [],
      rate_limit_share: DEFAULT_RATE_LIMIT_SHARE,
      ...audit.settings.defaults(),
    };
  }

  const ids = audits.map((audit) => audit.id);
  const fields = at ? checker.mapping(at, ids, 'platform ids', 'platform') : undefined;
  if (fields) {
    for (const audit of audits) {
      const platformAt = fields.get(audit.id);
      if (!platformAt) continue;
      const platform = checker.mapping(
        platformAt,
        [...PLATFORM_KEYS, ...audit.settings.keys],
        `settings of ${audit.id}`,
      );
      if (!platform) continue;
      checkCommonSettings(checker, platform, platforms[audit.id]);
      audit.settings.check(checker, platform, platforms[audit.id]);
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

/** GitLab labels: no commas, and none of the scopes the bot sets itself. */
export function checkLabels(checker: Checker, at: At): string[] | undefined {
  return checker.stringList(
    at,
    (itemAt) => {
      const label = checker.matching(
        itemAt,
        (value) => !value.includes(','),
        (value) => `${quote(value)}: a GitLab label cannot contain a comma`,
        'a label',
      );
      if (label === undefined) return undefined;
      const scope = BOT_LABEL_SCOPES.find((prefix) => label.startsWith(prefix));
      return checker.matching(
        itemAt,
        () => scope === undefined,
        (value) =>
          `${quote(value)}: the bot sets the ${scope}… labels itself (a GitLab issue holds one label per scope)`,
        'a label',
      );
    },
    'labels',
  );
}
