import { createHash } from 'node:crypto';
import type { Clock } from '../../../clock.js';
import { json, type FakeRequest, type FakeResponse } from '../../../sandbox/fake-server.js';
import type { ZendeskOAuthTokenSeed, ZendeskStore, ZendeskUserSeed } from './data.js';
import { couldNotAuthenticate } from './errors.js';

/** The API-token pair an instance takes: `Basic base64("{email}/token:{api_token}")`. */
export interface ApiTokenLogin {
  /** The whole `Authorization` header; undefined when the instance has no API token. */
  authorization: string | undefined;
  /** Lower-cased: the user the pair acts as. */
  email: string | undefined;
  /** False: every API token is refused. */
  accepted: boolean;
}

export function basicAuthorization(email: string, token: string): string {
  return `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`;
}

/** The user the request's credentials act as, or why they are refused. */
export function authenticate(
  req: FakeRequest,
  data: ZendeskStore,
  now: Clock,
  apiToken: ApiTokenLogin,
): { user: ZendeskUserSeed; token?: ZendeskOAuthTokenSeed } | FakeResponse {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) {
    const token = data.oauthTokens.find((candidate) => candidate.value === bearer[1]);
    const nowIso = now().toISOString();
    if (!token || token.revoked === true || (token.expires_at !== null && token.expires_at <= nowIso)) {
      return json(401, {
        error: 'invalid_token',
        error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
      });
    }
    const user = data.users.find((candidate) => candidate.id === token.user_id);
    if (!user) return couldNotAuthenticate();
    token.used_at = nowIso;
    return { user, token };
  }
  if (apiToken.authorization !== undefined && header === apiToken.authorization && apiToken.accepted) {
    const user = data.users.find((candidate) => candidate.email?.toLowerCase() === apiToken.email);
    if (user) return { user };
  }
  return couldNotAuthenticate();
}

/**
 * `POST /oauth/tokens`: OAuth's client credentials grant, issuing a token that lives
 * `lifetimeMs` (forever when undefined); any other grant, client or scope is refused as OAuth 2.0
 * says. `instanceName` seeds the token's value.
 */
export function issueToken(
  req: FakeRequest,
  data: ZendeskStore,
  now: Clock,
  instanceName: string,
  lifetimeMs: number | undefined,
): FakeResponse {
  const body = (req.body ?? {}) as Record<string, unknown>;
  if (body.grant_type !== 'client_credentials') {
    return json(400, {
      error: 'unsupported_grant_type',
      error_description: 'The authorization grant type is not supported by the authorization server.',
    });
  }
  const client = data.oauthClients.find((candidate) => candidate.identifier === body.client_id);
  if (
    !client ||
    client.kind !== 'confidential' ||
    typeof body.client_secret !== 'string' ||
    body.client_secret !== client.secret
  ) {
    return json(401, {
      error: 'invalid_client',
      error_description:
        'Client authentication failed due to unknown client, no client authentication included, ' +
        'or unsupported authentication method.',
    });
  }
  const scopes = typeof body.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : [];
  if (scopes.length === 0 || scopes.some((scope) => !/^(read|write|[a-z_]+:(read|write))$/.test(scope))) {
    return json(400, {
      error: 'invalid_scope',
      error_description: 'The requested scope is invalid, unknown, or malformed.',
    });
  }
  const nowMs = now().getTime();
  const id = Math.max(0, ...data.oauthTokens.map((token) => token.id)) + 1;
  const value = createHash('sha256').update(`${instanceName}:${client.id}:${id}:${nowMs}`).digest('hex');
  data.oauthTokens.push({
    id,
    client_id: client.id,
    user_id: client.user_id,
    value,
    scopes,
    created_at: new Date(nowMs).toISOString(),
    expires_at: lifetimeMs === undefined ? null : new Date(nowMs + lifetimeMs).toISOString(),
    used_at: null,
  });
  return json(200, {
    access_token: value,
    token_type: 'bearer',
    scope: scopes.join(' '),
    ...(lifetimeMs === undefined ? {} : { expires_in: Math.max(1, Math.round(lifetimeMs / 1000)) }),
  });
}
