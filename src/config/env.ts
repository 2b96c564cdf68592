import type { EnvVariable, PlatformModule } from '../platforms/contract.js';
import { PLATFORM_MODULES } from '../platforms/registry.js';
import { requireVariables } from '../platforms/variables.js';
import { ConfigError } from './errors.js';
import { isEmail } from './roster-rules.js';
import type { Env, EnvName, EnvWith } from './types.js';

export type { Env, EnvName, EnvWith } from './types.js';

export const DEFAULT_AUDIT_CONFIG = 'audit.config.yml';
export const DEFAULT_AUDIT_ROSTER = 'roster.yml';
const MAX_HTTP_TIMEOUT_MS = 10 * 60_000;

/** The variables every run shares (GitLab, the bot's files); each platform's are in its module's `env`. */
const COMMON_ENV: readonly EnvVariable[] = [
  { name: 'GITLAB_URL', why: 'base URL of GitLab; set in GitLab CI as CI_SERVER_URL', kind: 'url' },
  {
    name: 'GITLAB_TOKEN',
    why: 'a project access token with api scope; CI_JOB_TOKEN cannot write issues or notes',
    secret: true,
  },
  {
    name: 'AUDIT_SEAL_KEY',
    why: "a long random secret that seals the bot's record in the issues; unset, a key derived from GITLAB_TOKEN",
    secret: true,
  },
  {
    name: 'AUDIT_PROJECT',
    why: 'path of the project that holds the audit issues; set in GitLab CI as CI_PROJECT_PATH',
  },
  { name: 'AUDIT_CONFIG', why: 'path of audit.config.yml', default: DEFAULT_AUDIT_CONFIG },
  { name: 'AUDIT_ROSTER', why: 'path of roster.yml', default: DEFAULT_AUDIT_ROSTER },
  { name: 'AUDIT_HTTP_TIMEOUT_MS', why: 'milliseconds one HTTP request may take' },
];

/** Every variable the bot reads: the common ones, then each platform's in the registry's order. */
function variablesOf(modules: readonly PlatformModule[]): EnvVariable[] {
  return [...COMMON_ENV, ...modules.flatMap((module) => module.env)];
}

/** Variables whose values are secrets (never printed, scrubbed from every log line), CI's job token last. */
export function secretEnvNames(modules: readonly PlatformModule[] = PLATFORM_MODULES): string[] {
  return [
    ...variablesOf(modules)
      .filter((variable) => variable.secret)
      .map((variable) => variable.name),
    'CI_JOB_TOKEN',
  ];
}

export const SECRET_ENV_NAMES: readonly string[] = secretEnvNames();

/** The variables GitLab access needs (open, followup). */
export const GITLAB_ENV = ['GITLAB_URL', 'GITLAB_TOKEN', 'AUDIT_PROJECT'] as const satisfies readonly EnvName[];

/**
 * The variables each audit's checker needs (the URLs with defaults are always set), by platform id.
 * A Zendesk instance may use its API-token pair instead of the OAuth client while Zendesk still
 * accepts API tokens (src/platforms/zendesk/env.ts).
 */
export function platformEnv(
  modules: readonly PlatformModule[] = PLATFORM_MODULES,
): Readonly<Record<string, readonly string[]>> {
  return Object.fromEntries(modules.flatMap((module) => module.audits).map((audit) => [audit.id, audit.requiredEnv]));
}

export const PLATFORM_ENV: Readonly<Record<string, readonly string[]>> = platformEnv();

/** A variable's value, or undefined when unset or blank (CI often sets unused variables to ''). */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Reads the environment contract with its defaults: the common variables, then each platform's
 * (`modules`). URLs must be http(s) without credentials (they lose any trailing slash); emails must
 * look like emails. All bad values are reported at once as `env NAME: problem`; values are never
 * echoed (a URL may hide a token).
 */
export function readEnv(env: NodeJS.ProcessEnv, modules: readonly PlatformModule[] = PLATFORM_MODULES): Env {
  const problems: string[] = [];
  const result: Env = {
    GITLAB_URL: value(env, 'GITLAB_URL') ?? value(env, 'CI_SERVER_URL'),
    GITLAB_TOKEN: value(env, 'GITLAB_TOKEN'),
    AUDIT_SEAL_KEY: value(env, 'AUDIT_SEAL_KEY'),
    AUDIT_PROJECT: value(env, 'AUDIT_PROJECT') ?? value(env, 'CI_PROJECT_PATH'),
    AUDIT_CONFIG: value(env, 'AUDIT_CONFIG') ?? DEFAULT_AUDIT_CONFIG,
    AUDIT_ROSTER: value(env, 'AUDIT_ROSTER') ?? DEFAULT_AUDIT_ROSTER,
  };
  for (const variable of modules.flatMap((module) => module.env)) {
    result[variable.name] = value(env, variable.name) ?? variable.default;
  }

  const timeout = value(env, 'AUDIT_HTTP_TIMEOUT_MS');
  if (timeout !== undefined) {
    const ms = /^\d+$/.test(timeout) ? Number(timeout) : NaN;
    if (!Number.isInteger(ms) || ms < 1 || ms > MAX_HTTP_TIMEOUT_MS) {
      problems.push(
        `env AUDIT_HTTP_TIMEOUT_MS: must be a whole number of milliseconds from 1 to ${MAX_HTTP_TIMEOUT_MS}`,
      );
    } else result.AUDIT_HTTP_TIMEOUT_MS = ms;
  }

  const variables = variablesOf(modules);
  for (const { name, normalize } of variables.filter((variable) => variable.kind === 'url')) {
    const raw = result[name];
    if (typeof raw !== 'string') continue;
    // Name the variable the value came from when it was a default taken from CI.
    const source = name === 'GITLAB_URL' && value(env, 'GITLAB_URL') === undefined ? 'CI_SERVER_URL' : name;
    const problem = urlProblem(raw);
    if (problem) problems.push(`env ${source}: ${problem}`);
    else result[name] = normalize ? normalize(raw) : raw.replace(/\/+$/, '');
  }
  for (const { name } of variables.filter((variable) => variable.kind === 'email')) {
    const raw = result[name];
    if (typeof raw === 'string' && !isEmail(raw)) problems.push(`env ${name}: not an email address`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result;
}

function urlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'not an http(s) URL';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials (use the token variable)';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment';
  return undefined;
}

/**
 * Checks that every one of `names` is set; otherwise throws a ConfigError listing each missing
 * one as `env NAME: required (what it is)`.
 */
export function requireEnv<K extends EnvName>(
  values: Env,
  names: readonly K[],
  modules: readonly PlatformModule[] = PLATFORM_MODULES,
): EnvWith<K> {
  return requireVariables(values, variablesOf(modules), names);
}

/**
 * Every secret value set in `env`, for the logger to scrub: the secret variables' values, and the
 * credentials the platforms make from them (Zendesk's `email/token:TOKEN` in base64, ...).
 */
export function secretValues(env: NodeJS.ProcessEnv, modules: readonly PlatformModule[] = PLATFORM_MODULES): string[] {
  const secrets = new Set<string>();
  for (const name of secretEnvNames(modules)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    secrets.add(raw);
    if (raw.trim() !== '' && raw.trim() !== raw) secrets.add(raw.trim());
  }
  for (const module of modules) for (const secret of module.derivedSecrets?.(env) ?? []) secrets.add(secret);
  return [...secrets];
}
