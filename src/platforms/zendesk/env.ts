/** The variables of the two Zendesk instances, and how each instance logs in. */

import { ConfigError } from '../../config/errors.js';
import type { Env } from '../../config/types.js';
import type { EnvVariable } from '../contract.js';
import { requiredProblem, requireVariables, variable } from '../variables.js';
import type { ZendeskPlatform } from './instances.js';

/** One instance's variables: its URL, its OAuth client, and the API-token pair it may still use instead. */
interface InstanceVariables {
  url: string;
  clientId: string;
  clientSecret: string;
  email: string;
  apiToken: string;
}

const VARIABLES: Readonly<Record<ZendeskPlatform, InstanceVariables>> = {
  zendesk: {
    url: 'ZENDESK_URL',
    clientId: 'ZENDESK_CLIENT_ID',
    clientSecret: 'ZENDESK_CLIENT_SECRET',
    email: 'ZENDESK_EMAIL',
    apiToken: 'ZENDESK_API_TOKEN',
  },
  'zendesk-us-federal': {
    url: 'ZENDESK_US_FEDERAL_URL',
    clientId: 'ZENDESK_US_FEDERAL_CLIENT_ID',
    clientSecret: 'ZENDESK_US_FEDERAL_CLIENT_SECRET',
    email: 'ZENDESK_US_FEDERAL_EMAIL',
    apiToken: 'ZENDESK_US_FEDERAL_API_TOKEN',
  },
};

/** The variables each instance cannot run without: its URL and its OAuth client. */
export const ZENDESK_REQUIRED_ENV: Readonly<Record<ZendeskPlatform, readonly [string, string, string]>> = {
  zendesk: [VARIABLES.zendesk.url, VARIABLES.zendesk.clientId, VARIABLES.zendesk.clientSecret],
  'zendesk-us-federal': [
    VARIABLES['zendesk-us-federal'].url,
    VARIABLES['zendesk-us-federal'].clientId,
    VARIABLES['zendesk-us-federal'].clientSecret,
  ],
};

/** The API-token pair each Zendesk instance may still use in place of its OAuth client. */
export const ZENDESK_API_TOKEN_ENV: Readonly<Record<ZendeskPlatform, readonly [string, string]>> = {
  zendesk: [VARIABLES.zendesk.email, VARIABLES.zendesk.apiToken],
  'zendesk-us-federal': [VARIABLES['zendesk-us-federal'].email, VARIABLES['zendesk-us-federal'].apiToken],
};

/** The date Zendesk stops accepting every API token. */
export const ZENDESK_API_TOKENS_END = '2027-04-30';

/**
 * A Zendesk instance's base URL as the requests need it. The API's own path (`/api/v2`), which
 * people copy from the API reference, is dropped rather than doubled in every request.
 */
function zendeskBaseUrl(raw: string): string {
  return raw.replace(/\/+$/, '').replace(/\/api\/v2(\.json)?$/i, '');
}

/**
 * Both instances' variables, kind by kind, the main instance's first (the order readEnv checks them
 * in, and the secrets are listed in).
 */
export const ZENDESK_ENV: readonly EnvVariable[] = [
  {
    name: 'ZENDESK_URL',
    why: 'base URL of the main Zendesk instance, e.g. https://example.zendesk.com',
    kind: 'url',
    normalize: zendeskBaseUrl,
  },
  {
    name: 'ZENDESK_US_FEDERAL_URL',
    why: 'base URL of the US Federal Zendesk instance',
    kind: 'url',
    normalize: zendeskBaseUrl,
  },
  {
    name: 'ZENDESK_CLIENT_ID',
    why:
      'the identifier of a confidential OAuth client of the main Zendesk instance, ' +
      'created by an admin in Admin Center',
  },
  {
    name: 'ZENDESK_US_FEDERAL_CLIENT_ID',
    why:
      'the identifier of a confidential OAuth client of the US Federal Zendesk instance, ' +
      'created by an admin in Admin Center',
  },
  { name: 'ZENDESK_CLIENT_SECRET', why: "that OAuth client's secret", secret: true },
  { name: 'ZENDESK_US_FEDERAL_CLIENT_SECRET', why: "that OAuth client's secret", secret: true },
  { name: 'ZENDESK_EMAIL', why: 'email of the Zendesk admin the API token belongs to', kind: 'email' },
  {
    name: 'ZENDESK_US_FEDERAL_EMAIL',
    why: 'email of the US Federal Zendesk admin the API token belongs to',
    kind: 'email',
  },
  { name: 'ZENDESK_API_TOKEN', why: 'a Zendesk API token of the main instance', secret: true },
  { name: 'ZENDESK_US_FEDERAL_API_TOKEN', why: 'a Zendesk API token of the US Federal instance', secret: true },
];

export type ZendeskCredentials =
  | { kind: 'oauth'; clientId: string; clientSecret: string; variables: readonly [string, string] }
  | { kind: 'api-token'; email: string; token: string; variables: readonly [string, string] };

/**
 * How one Zendesk instance logs in: its OAuth client when both of its variables are set (it wins
 * over a token pair set beside it), else its API-token pair (a fallback while Zendesk accepts API
 * tokens), else a ConfigError naming the OAuth variables that are missing.
 */
export function zendeskCredentials(values: Env, platform: ZendeskPlatform): ZendeskCredentials & { baseUrl: string } {
  const [urlName, idName, secretName] = ZENDESK_REQUIRED_ENV[platform];
  const [emailName, tokenName] = ZENDESK_API_TOKEN_ENV[platform];
  const baseUrl = requireVariables(values, ZENDESK_ENV, [urlName])[urlName];
  const clientId = variable(values, idName);
  const clientSecret = variable(values, secretName);
  if (clientId !== undefined && clientSecret !== undefined) {
    return { kind: 'oauth', clientId, clientSecret, variables: [idName, secretName], baseUrl };
  }
  const email = variable(values, emailName);
  const token = variable(values, tokenName);
  if (clientId === undefined && clientSecret === undefined && email !== undefined && token !== undefined) {
    return { kind: 'api-token', email, token, variables: [emailName, tokenName], baseUrl };
  }
  const fallback =
    `; or, while Zendesk accepts API tokens (until ${ZENDESK_API_TOKENS_END}), ` + `${emailName} and ${tokenName}`;
  throw new ConfigError(
    [idName, secretName]
      .filter((name) => variable(values, name) === undefined)
      .map((name) => requiredProblem(ZENDESK_ENV, name, fallback)),
  );
}

/**
 * The credentials Zendesk's clients make from the variables: the Basic credentials of each API-token
 * pair (`email/token:TOKEN` in base64), and each OAuth client's secret as JSON escapes it (it
 * travels in a JSON body: a vendor echoing it escapes it so).
 */
export function zendeskDerivedSecrets(env: NodeJS.ProcessEnv): string[] {
  const secrets: string[] = [];
  for (const names of Object.values(VARIABLES)) {
    const email = env[names.email]?.trim();
    const token = env[names.apiToken]?.trim();
    if (email && token) secrets.push(Buffer.from(`${email}/token:${token}`).toString('base64'));
  }
  for (const names of Object.values(VARIABLES)) {
    const secret = env[names.clientSecret]?.trim();
    if (secret) secrets.push(JSON.stringify(secret).slice(1, -1));
  }
  return secrets;
}
