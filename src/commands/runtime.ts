import fs from 'node:fs';
import path from 'node:path';
import type { Clock, Sleep } from '../clock.js';
import { loadAuditConfig, templateWritten } from '../config/audit-config.js';
import { ConfigError } from '../config/errors.js';
import { GITLAB_ENV, requireEnv } from '../config/env.js';
import { loadRoster } from '../config/roster.js';
import type { AuditConfig, Env, Roster } from '../config/types.js';
import type { Logger } from '../log.js';
import { DryRunTracker } from '../gitlab/dry-run-tracker.js';
import { GitLabTracker } from '../gitlab/gitbeaker-tracker.js';
import type { Tracker } from '../gitlab/tracker.js';
import type { PlatformId } from '../domain/types.js';
import type { AuditReport, UnchangedAuditReport } from '../domain/report.js';
import { scrubSecrets } from '../secrets.js';
import { buildChecker } from '../platforms/index.js';
import { sealKeyOf, useSealKey } from '../domain/markers.js';
import type { AuditContext, Checker } from './context.js';

/** Loads config and roster together so one run reports every problem in both files. */
export function loadConfiguration(env: Env): { config: AuditConfig; roster: Roster } {
  const problems: string[] = [];
  let config: AuditConfig | undefined;
  let roster: Roster | undefined;
  try {
    config = loadAuditConfig(env.AUDIT_CONFIG);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  try {
    roster = loadRoster(env.AUDIT_ROSTER);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length > 0 || !config || !roster) throw new ConfigError(problems);
  return { config, roster };
}

/**
 * Reads every platform's template up front: a missing template is a configuration error, found before any write.
 * A template the config names resolves against the config file's folder and must stay inside it (the
 * config's checks refuse absolute paths and `..`; a symbolic link out of the folder is refused here);
 * one it does not name is the bot's own `issue_templates/<id>.md` in the working directory.
 */
export function loadTemplates(config: AuditConfig, platforms: PlatformId[], baseDir: string): Map<PlatformId, string> {
  const templates = new Map<PlatformId, string>();
  const problems: string[] = [];
  const configDir = path.dirname(path.resolve(baseDir, config.file));
  for (const platform of platforms) {
    const written = templateWritten(config.platforms[platform]);
    const file = path.resolve(written ? configDir : baseDir, config.platforms[platform].template);
    try {
      if (written && !isInside(fs.realpathSync(configDir), fs.realpathSync(file))) {
        problems.push(
          `${config.file}: platforms.${platform}.template: ${config.platforms[platform].template} ` +
            "leads out of the config file's folder (a link): templates must stay inside it",
        );
        continue;
      }
      templates.set(platform, fs.readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(
        `${config.file}: platforms.${platform}.template: ` +
          `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return templates;
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

export interface RuntimeDeps {
  env: Env;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  out: (text: string) => void;
  /** Folder that relative template paths are resolved against. */
  baseDir: string;
  /** Every secret value of the environment (config/env.ts secretValues): kept out of files the run writes. */
  secrets?: readonly string[];
  /** Called before each platform check (the tests count them). */
  beforePlatformRead?: () => void;
}

export function buildTracker(deps: RuntimeDeps, dryRun: boolean): Tracker {
  const hasGitLab = deps.env.GITLAB_URL && deps.env.GITLAB_TOKEN && deps.env.AUDIT_PROJECT;
  if (dryRun) {
    const reads = hasGitLab ? buildGitLabTracker(deps) : undefined;
    return new DryRunTracker(reads, deps.logger);
  }
  return buildGitLabTracker(deps);
}

function buildGitLabTracker(deps: RuntimeDeps): GitLabTracker {
  const env = requireEnv(deps.env, GITLAB_ENV);
  return new GitLabTracker({
    url: env.GITLAB_URL,
    token: env.GITLAB_TOKEN,
    project: env.AUDIT_PROJECT,
    clock: deps.clock,
    sleep: deps.sleep,
    timeoutMs: deps.env.AUDIT_HTTP_TIMEOUT_MS,
    logger: deps.logger.child({ vendor: 'gitlab' }),
    // Everything written to GitLab is masked like the logs: the write boundary is the tracker.
    secrets: deps.secrets,
  });
}

/**
 * Builds the context for the platforms `select` picks from the loaded config, checking every
 * credential and template before returning, so bad configuration stops the run (exit 2) before
 * anything is read or written.
 */
export function buildContext(
  deps: RuntimeDeps,
  select: (config: AuditConfig) => PlatformId[],
  tracker: Tracker | undefined,
): { context: AuditContext; platforms: PlatformId[] } {
  const { config, roster } = loadConfiguration(deps.env);
  const platforms = select(config);
  const templates = tracker ? loadTemplates(config, platforms, deps.baseDir) : new Map<PlatformId, string>();
  const checkers = new Map<PlatformId, Checker>();
  const problems: string[] = [];
  for (const platform of platforms) {
    try {
      checkers.set(platform, buildChecker(platform, { ...deps, roster, config }));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  // One key seals the bot's markers and the board's checkpoint: AUDIT_SEAL_KEY, else one derived from
  // GITLAB_TOKEN (rotating the token then leaves the old seals unverifiable: docs/security.md, "The bot's record").
  const sealKey = sealKeyOf(deps.env.AUDIT_SEAL_KEY ?? deps.env.GITLAB_TOKEN);
  useSealKey(sealKey);
  const context: AuditContext = {
    config,
    roster,
    tracker: tracker ?? unavailableTracker(),
    checker: (platform) => {
      const check = checkers.get(platform)!;
      return () => {
        deps.beforePlatformRead?.();
        return check();
      };
    },
    template: (platform) => templates.get(platform)!,
    clock: deps.clock,
    logger: deps.logger,
    out: deps.out,
    checkpointKey: sealKey,
  };
  return { context, platforms };
}

function unavailableTracker(): Tracker {
  const fail = () => Promise.reject(new Error('this command does not use GitLab'));
  return {
    dryRun: false,
    currentUsername: fail,
    findIssues: fail,
    getIssue: fail,
    createIssue: fail,
    updateIssue: fail,
    listNotes: fail,
    recentNotes: fail,
    createNote: fail,
    acquireLease: fail,
    releaseLease: fail,
    findUser: fail,
    isGroup: fail,
    projectAccessLevel: fail,
  };
}

/**
 * Writes the run's evidence as JSON (the CI job keeps it as an artifact). A run that could not do
 * every audit says so: `complete` is false and `failed` has the reason for each audit left out.
 */
export function writeReport(
  file: string,
  command: string,
  audits: (AuditReport | UnchangedAuditReport)[],
  now: Date,
  failed: string[] = [],
  secrets: readonly string[] = [],
): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const json = JSON.stringify(
    { tool: 'audit-bot', command, generatedAt: now.toISOString(), complete: failed.length === 0, failed, audits },
    null,
    2,
  );
  // Platform text (an error body a vendor echoed) could carry a secret: masked as written and as JSON-escaped.
  const forms = [...new Set(secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))];
  fs.writeFileSync(file, `${scrubSecrets(json, forms)}\n`);
}
