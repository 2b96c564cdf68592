import type { PlatformId } from '../domain/types.js';
import { ConfigError } from './errors.js';
import { isEmail } from './roster-rules.js';
import type { Env, EnvName } from './types.js';

export type { Env, EnvName } from './types.js';

export const DEFAULT_CALENDLY_URL = 'https://api.calendly.com';
export const DEFAULT_PAGERDUTY_URL = 'https://api.pagerduty.com';
export const DEFAULT_AUDIT_CONFIG = 'audit.config.yml';
export const DEFAULT_AUDIT_ROSTER = 'roster.yml';
const MAX_HTTP_TIMEOUT_MS = 10 * 60_000;

/** Variables whose values are secrets: never printed, scrubbed from every log line. */
export const SECRET_ENV_NAMES = [
  'GITLAB_TOKEN',
  'AUDIT_SEAL_KEY',
  'ZENDESK_CLIENT_SECRET',
  'ZENDESK_US_FEDERAL_CLIENT_SECRET',
  'ZENDESK_API_TOKEN',
  'ZENDESK_US_FEDERAL_API_TOKEN',
  'CALENDLY_TOKEN',
  'PAGERDUTY_TOKEN',
  'CI_JOB_TOKEN',
] as const;

const URL_NAMES = ['GITLAB_URL', 'ZENDESK_URL', 'ZENDESK_US_FEDERAL_URL', 'CALENDLY_URL', 'PAGERDUTY_URL'] as const;
const EMAIL_NAMES = ['ZENDESK_EMAIL', 'ZENDESK_US_FEDERAL_EMAIL'] as const;

/** What each variable is for, shown when it is required but missing. */
const WHY: Record<EnvName, string> = {
  GITLAB_URL: 'base URL of GitLab; set in GitLab CI as CI_SERVER_URL',
  GITLAB_TOKEN: 'a project access token with api scope; CI_JOB_TOKEN cannot write issues or notes',
  AUDIT_SEAL_KEY:
    "a long random secret that seals the bot's record in the issues; unset, a key derived from GITLAB_TOKEN",
  AUDIT_PROJECT: 'path of the project that holds the audit issues; set in GitLab CI as CI_PROJECT_PATH',
  ZENDESK_URL: 'base URL of the main Zendesk instance, e.g. https://example.zendesk.com',
  ZENDESK_CLIENT_ID:
    'the identifier of a confidential OAuth client of the main Zendesk instance, created by an admin in Admin Center',
  ZENDESK_CLIENT_SECRET: "that OAuth client's secret",
  ZENDESK_EMAIL: 'email of the Zendesk admin the API token belongs to',
  ZENDESK_API_TOKEN: 'a Zendesk API token of the main instance',
  ZENDESK_US_FEDERAL_URL: 'base URL of the US Federal Zendesk instance',
  ZENDESK_US_FEDERAL_CLIENT_ID:
    'the identifier of a confidential OAuth client of the US Federal Zendesk instance, ' +
    'created by an admin in Admin Center',
  ZENDESK_US_FEDERAL_CLIENT_SECRET: "that OAuth client's secret",
  ZENDESK_US_FEDERAL_EMAIL: 'email of the US Federal Zendesk admin the API token belongs to',
  ZENDESK_US_FEDERAL_API_TOKEN: 'a Zendesk API token of the US Federal instance',
  CALENDLY_URL: 'base URL of the Calendly API',
  CALENDLY_TOKEN: 'a Calendly personal access token of an organization owner or admin',
  PAGERDUTY_URL: 'base URL of the PagerDuty REST API',
  PAGERDUTY_TOKEN: 'a read-only PagerDuty REST API key',
  AUDIT_CONFIG: 'path of audit.config.yml',
  AUDIT_ROSTER: 'path of roster.yml',
  AUDIT_HTTP_TIMEOUT_MS: 'milliseconds one HTTP request may take',
};

/** The variables GitLab access needs (open, followup). */
export const GITLAB_ENV = ['GITLAB_URL', 'GITLAB_TOKEN', 'AUDIT_PROJECT'] as const satisfies readonly EnvName[];

/**
 * The variables each platform's checker needs (the URLs with defaults are always set). Exact
 * tuples, so `requireEnv(env, PLATFORM_ENV.pagerduty)` types exactly those names as set. A Zendesk
 * instance may use its API-token pair instead of the OAuth client (ZENDESK_API_TOKEN_ENV) while
 * Zendesk still accepts API tokens.
 */
export const PLATFORM_ENV = {
  zendesk: ['ZENDESK_URL', 'ZENDESK_CLIENT_ID', 'ZENDESK_CLIENT_SECRET'],
  'zendesk-us-federal': ['ZENDESK_US_FEDERAL_URL', 'ZENDESK_US_FEDERAL_CLIENT_ID', 'ZENDESK_US_FEDERAL_CLIENT_SECRET'],
  calendly: ['CALENDLY_URL', 'CALENDLY_TOKEN'],
  pagerduty: ['PAGERDUTY_URL', 'PAGERDUTY_TOKEN'],
} as const satisfies Readonly<Record<PlatformId, readonly EnvName[]>>;

/** The API-token pair each Zendesk instance may still use in place of its OAuth client. */
export const ZENDESK_API_TOKEN_ENV = {
  zendesk: ['ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'],
  'zendesk-us-federal': ['ZENDESK_US_FEDERAL_EMAIL', 'ZENDESK_US_FEDERAL_API_TOKEN'],
} as const satisfies Readonly<Record<'zendesk' | 'zendesk-us-federal', readonly EnvName[]>>;

/** The date Zendesk stops accepting every API token. */
export const ZENDESK_API_TOKENS_END = '2027-04-30';

export type ZendeskCredentials =
  | { kind: 'oauth'; clientId: string; clientSecret: string; variables: readonly [EnvName, EnvName] }
  | { kind: 'api-token'; email: string; token: string; variables: readonly [EnvName, EnvName] };

/**
 * How one Zendesk instance logs in: its OAuth client when both of its variables are set (it wins
 * over a token pair set beside it), else its API-token pair (a fallback while Zendesk accepts API
 * tokens), else a ConfigError naming the OAuth variables that are missing.
 */
export function zendeskCredentials(
  values: Env,
  platform: 'zendesk' | 'zendesk-us-federal',
): ZendeskCredentials & { baseUrl: string } {
  const [urlName, idName, secretName] = PLATFORM_ENV[platform];
  const [emailName, tokenName] = ZENDESK_API_TOKEN_ENV[platform];
  const baseUrl = requireEnv(values, [urlName])[urlName];
  const clientId = values[idName];
  const clientSecret = values[secretName];
  if (clientId !== undefined && clientSecret !== undefined) {
    return { kind: 'oauth', clientId, clientSecret, variables: [idName, secretName], baseUrl };
  }
  const email = values[emailName];
  const token = values[tokenName];
  if (clientId === undefined && clientSecret === undefined && email !== undefined && token !== undefined) {
    return { kind: 'api-token', email, token, variables: [emailName, tokenName], baseUrl };
  }
  const fallback =
    `; or, while Zendesk accepts API tokens (until ${ZENDESK_API_TOKENS_END}), ` + `${emailName} and ${tokenName}`;
  throw new ConfigError(
    [idName, secretName]
      .filter((name) => values[name] === undefined)
      .map((name) => `env ${name}: required (${WHY[name]}${fallback})`),
  );
}

/** A variable's value, or undefined when unset or blank (CI often sets unused variables to ''). */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Reads the environment contract with its defaults. URLs must be http(s) without credentials
 * (they lose any trailing slash); emails must look like emails. All bad values are reported at
 * once as `env NAME: problem`; values are never echoed (a URL may hide a token).
 */
export function readEnv(env: NodeJS.ProcessEnv): Env {
  const problems: string[] = [];
  const result: Env = {
    GITLAB_URL: value(env, 'GITLAB_URL') ?? value(env, 'CI_SERVER_URL'),
    GITLAB_TOKEN: value(env, 'GITLAB_TOKEN'),
    AUDIT_SEAL_KEY: value(env, 'AUDIT_SEAL_KEY'),
    AUDIT_PROJECT: value(env, 'AUDIT_PROJECT') ?? value(env, 'CI_PROJECT_PATH'),
    ZENDESK_URL: value(env, 'ZENDESK_URL'),
    ZENDESK_CLIENT_ID: value(env, 'ZENDESK_CLIENT_ID'),
    ZENDESK_CLIENT_SECRET: value(env, 'ZENDESK_CLIENT_SECRET'),
    ZENDESK_EMAIL: value(env, 'ZENDESK_EMAIL'),
    ZENDESK_API_TOKEN: value(env, 'ZENDESK_API_TOKEN'),
    ZENDESK_US_FEDERAL_URL: value(env, 'ZENDESK_US_FEDERAL_URL'),
    ZENDESK_US_FEDERAL_CLIENT_ID: value(env, 'ZENDESK_US_FEDERAL_CLIENT_ID'),
    ZENDESK_US_FEDERAL_CLIENT_SECRET: value(env, 'ZENDESK_US_FEDERAL_CLIENT_SECRET'),
    ZENDESK_US_FEDERAL_EMAIL: value(env, 'ZENDESK_US_FEDERAL_EMAIL'),
    ZENDESK_US_FEDERAL_API_TOKEN: value(env, 'ZENDESK_US_FEDERAL_API_TOKEN'),
    CALENDLY_URL: value(env, 'CALENDLY_URL') ?? DEFAULT_CALENDLY_URL,
    CALENDLY_TOKEN: value(env, 'CALENDLY_TOKEN'),
    PAGERDUTY_URL: value(env, 'PAGERDUTY_URL') ?? DEFAULT_PAGERDUTY_URL,
    PAGERDUTY_TOKEN: value(env, 'PAGERDUTY_TOKEN'),
    AUDIT_CONFIG: value(env, 'AUDIT_CONFIG') ?? DEFAULT_AUDIT_CONFIG,
    AUDIT_ROSTER: value(env, 'AUDIT_ROSTER') ?? DEFAULT_AUDIT_ROSTER,
  };

  const timeout = value(env, 'AUDIT_HTTP_TIMEOUT_MS');
  if (timeout !== undefined) {
    const ms = /^\d+$/.test(timeout) ? Number(timeout) : NaN;
    if (!Number.isInteger(ms) || ms < 1 || ms > MAX_HTTP_TIMEOUT_MS) {
      problems.push(
        `env AUDIT_HTTP_TIMEOUT_MS: must be a whole number of milliseconds from 1 to ${MAX_HTTP_TIMEOUT_MS}`,
      );
    } else result.AUDIT_HTTP_TIMEOUT_MS = ms;
  }

  for (const name of URL_NAMES) {
    const raw = result[name];
    if (raw === undefined) continue;
    // Name the variable the value came from when it was a default taken from CI.
    const source = name === 'GITLAB_URL' && value(env, 'GITLAB_URL') === undefined ? 'CI_SERVER_URL' : name;
    const problem = urlProblem(raw);
    if (problem) problems.push(`env ${source}: ${problem}`);
    else result[name] = ZENDESK_URL_NAMES.has(name) ? zendeskBaseUrl(raw) : raw.replace(/\/+$/, '');
  }
  for (const name of EMAIL_NAMES) {
    const raw = result[name];
    if (raw !== undefined && !isEmail(raw)) problems.push(`env ${name}: not an email address`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result;
}

const ZENDESK_URL_NAMES: ReadonlySet<string> = new Set(['ZENDESK_URL', 'ZENDESK_US_FEDERAL_URL']);

/**
 * A Zendesk instance's base URL as the requests need it. The API's own path (`/api/v2`), which
 * people copy from the API reference, is dropped rather than doubled in every request.
 */
function zendeskBaseUrl(raw: string): string {
  return raw.replace(/\/+$/, '').replace(/\/api\/v2(\.json)?$/i, '');
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

/** `values` with `names` known to be set. */
export type EnvWith<K extends EnvName> = Env & { [P in K]-?: string };

/**
 * Checks that every one of `names` is set; otherwise throws a ConfigError listing each missing
 * one as `env NAME: required (what it is)`.
 */
export function requireEnv<K extends EnvName>(values: Env, names: readonly K[]): EnvWith<K> {
  const problems: string[] = [];
  for (const name of names) {
    if (values[name] === undefined || values[name] === '') problems.push(`env ${name}: required (${WHY[name]})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as EnvWith<K>;
}

/**
 * Every secret value set in `env`, for the logger to scrub: the tokens themselves, and the
 * Basic credentials Zendesk's clients derive from them (`email/token:TOKEN`, and its base64).
 */
export function secretValues(env: NodeJS.ProcessEnv): string[] {
  const secrets = new Set<string>();
  for (const name of SECRET_ENV_NAMES) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    secrets.add(raw);
    if (raw.trim() !== '' && raw.trim() !== raw) secrets.add(raw.trim());
  }
  for (const prefix of ['ZENDESK', 'ZENDESK_US_FEDERAL']) {
    const email = env[`${prefix}_EMAIL`]?.trim();
    const token = env[`${prefix}_API_TOKEN`]?.trim();
    if (email && token) secrets.add(Buffer.from(`${email}/token:${token}`).toString('base64'));
  }
  // The OAuth client's secret travels in a JSON body: a vendor echoing it escapes it as JSON.
  for (const name of ['ZENDESK_CLIENT_SECRET', 'ZENDESK_US_FEDERAL_CLIENT_SECRET']) {
    const secret = env[name]?.trim();
    if (secret) secrets.add(JSON.stringify(secret).slice(1, -1));
  }
  return [...secrets];
}
