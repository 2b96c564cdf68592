import { DateTime } from 'luxon';
import type { PlatformModule } from '../platforms/contract.js';
import { PLATFORM_MODULES } from '../platforms/registry.js';
import { checkLabels, checkPlatforms } from './platform-settings.js';
import { checkUsername } from './roster-rules.js';
import { checkDuration } from './setting-values.js';
import type { AllowListEntry, AuditConfig, LadderDurations } from './types.js';
import { Checker, Fields, pathOf, quote, type At } from './validate.js';
import { documentSourceMap, documentValues, parseYaml, readTextFile } from './yaml-source.js';

export { DEFAULT_RATE_LIMIT_SHARE, templatePathProblem, templateWritten } from './platform-settings.js';

export const DEFAULT_LABELS: readonly string[] = ['audit'];

export const DEFAULT_LADDER: Readonly<LadderDurations> = {
  second_ping_after: 'PT72H',
  manager_after: 'P4D',
  som_after: 'PT72H',
};

const CONFIG_KEYS = [
  'support_ops_managers',
  'confidential',
  'labels',
  'ladder',
  'missed_quarter_after',
  'allow_list',
  'platforms',
] as const;
/** How long into a quarter `followup` lets an enabled platform go without the quarter's audit issue. */
export const DEFAULT_MISSED_QUARTER_AFTER = 'P3D';
const LADDER_KEYS = Object.keys(DEFAULT_LADDER) as Array<keyof LadderDurations>;

/** Reads and validates audit.config.yml. Every problem is collected into one ConfigError. */
export function loadAuditConfig(file: string, modules: readonly PlatformModule[] = PLATFORM_MODULES): AuditConfig {
  return parseAuditConfig(readTextFile(file), file, modules);
}

/**
 * Validates audit config YAML text and applies the defaults; `file` names it in messages, `modules`
 * are the platforms whose settings `platforms:` holds.
 */
export function parseAuditConfig(
  text: string,
  file: string,
  modules: readonly PlatformModule[] = PLATFORM_MODULES,
): AuditConfig {
  const source = parseYaml(text, file);
  const checker = new Checker(file, () => documentSourceMap(source));
  const root = checker.root(documentValues(source));
  // An empty file is an empty mapping: every default applies (and support_ops_managers is missing).
  const top = source.doc.contents === null ? new Fields(checker, root, {}) : checker.mapping(root, CONFIG_KEYS);
  if (!top) return checker.throwIfAny() as never;

  const managersAt = top.require('support_ops_managers');
  let managers: string[] | undefined;
  if (managersAt) {
    managers = checker.stringList(managersAt, (at) => checkUsername(checker, at), 'GitLab usernames');
    if (managers && managers.length === 0) {
      checker.fail(managersAt, "must not be empty (list the Support Ops Managers' GitLab usernames)");
    }
  }

  const confidentialAt = top.get('confidential');
  const confidential = confidentialAt ? checker.boolean(confidentialAt) : true;

  const labelsAt = top.get('labels');
  const labels = labelsAt ? checkLabels(checker, labelsAt) : [...DEFAULT_LABELS];

  const ladder = checkLadder(checker, top.get('ladder'));
  const missedQuarterAt = top.get('missed_quarter_after');
  const missedQuarterAfter = missedQuarterAt
    ? checkDuration(checker, missedQuarterAt, DEFAULT_MISSED_QUARTER_AFTER)
    : DEFAULT_MISSED_QUARTER_AFTER;
  const allowList = checkAllowList(checker, top.get('allow_list'));
  const platforms = checkPlatforms(checker, top.get('platforms'), modules);

  checker.throwIfAny();
  return {
    file,
    support_ops_managers: managers!,
    confidential: confidential!,
    labels: labels!,
    ladder,
    missed_quarter_after: missedQuarterAfter!,
    allow_list: allowList,
    platforms,
  };
}

function checkLadder(checker: Checker, at: At | undefined): LadderDurations {
  const ladder: LadderDurations = { ...DEFAULT_LADDER };
  if (!at) return ladder;
  const fields = checker.mapping(at, LADDER_KEYS, 'ISO-8601 durations');
  if (!fields) return ladder;
  for (const key of LADDER_KEYS) {
    const valueAt = fields.get(key);
    if (!valueAt) continue;
    const value = checkDuration(checker, valueAt, DEFAULT_LADDER[key]);
    if (value !== undefined) ladder[key] = value;
  }
  return ladder;
}

function checkAllowList(checker: Checker, at: At | undefined): AllowListEntry[] {
  if (!at) return [];
  const items = checker.list(at, 'exceptions');
  if (!items) return [];
  const entries: AllowListEntry[] = [];
  const seen = new Map<string, At>();
  for (const itemAt of items) {
    const fields = checker.mapping(itemAt, ['fingerprint', 'reason', 'expires'], 'an exception');
    if (!fields) continue;
    const fingerprintAt = fields.require('fingerprint');
    const fingerprint = fingerprintAt ? checker.string(fingerprintAt) : undefined;
    const reasonAt = fields.require('reason');
    const reason = reasonAt ? checker.string(reasonAt) : undefined;
    const expiresAt = fields.require('expires');
    const expires = expiresAt ? checkDate(checker, expiresAt) : undefined;
    if (fingerprint !== undefined && fingerprintAt) {
      const first = seen.get(fingerprint);
      if (first) {
        const firstPath = pathOf(first);
        checker.failDuplicate(fingerprintAt, quote(fingerprint), firstPath, ` (allow_list[${firstPath[1]}])`);
      } else seen.set(fingerprint, fingerprintAt);
    }
    if (fingerprint !== undefined && reason !== undefined && expires !== undefined)
      entries.push({ fingerprint, reason, expires });
  }
  return entries;
}

/** An ISO-8601 calendar date (a time may follow); returned as written. */
function checkDate(checker: Checker, at: At): string | undefined {
  const value = at.value;
  // A `%YAML 1.1` document turns dates into Date objects.
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value !== 'string') {
    checker.mustBe(at, 'an ISO-8601 date (e.g. 2026-12-31)');
    return undefined;
  }
  const trimmed = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || !DateTime.fromISO(trimmed, { zone: 'utc' }).isValid) {
    checker.fail(at, `${quote(value)} is not an ISO-8601 date (e.g. 2026-12-31)`);
    return undefined;
  }
  return trimmed;
}
