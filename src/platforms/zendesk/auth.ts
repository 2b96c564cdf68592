import got, { RequestError } from 'got';
import type { Logger } from '../../log.js';
import type { Clock, Sleep } from '../../clock.js';
import type { RequestCredentials } from '../../http/client.js';
import { HttpError, TransportError, bodyExcerpt } from '../../http/errors.js';
import { DEFAULT_RETRY, withRetry } from '../../http/retry.js';
import { scrubSecrets } from '../../secrets.js';
import { ZENDESK_API_TOKENS_END, type ZendeskCredentials } from './env.js';
import { ZENDESK_RATE_LIMIT_HEADERS } from './rate-limit.js';

/** The scope the audit asks for: it only reads. */
export const ZENDESK_OAUTH_SCOPE = 'read';

/**
 * An access token is renewed this long before the expiry Zendesk announced (a tenth of a short
 * lifetime), so no request carries a dying one.
 */
const RENEW_MARGIN_MS = 60_000;

/** Zendesk refused to log the bot in: the credentials must be fixed, re-running will not help. */
export class ZendeskLoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZendeskLoginError';
  }
}

export interface ZendeskAuthOptions {
  baseUrl: string;
  logger: Logger;
  clock: Clock;
  sleep: Sleep;
  timeoutMs?: number;
}

/** How a Zendesk client authenticates: fixed headers (the API-token pair), or OAuth credentials renewed as needed. */
export interface ZendeskAuth {
  headers: Record<string, string>;
  credentials?: RequestCredentials;
  /** Said in the log and in the results note when the instance still logs in with an API token. */
  warning?: string;
}

export function zendeskAuth(login: ZendeskCredentials, options: ZendeskAuthOptions): ZendeskAuth {
  if (login.kind === 'api-token') {
    const clientId = login.variables[0].replace(/_EMAIL$/, '_CLIENT_ID');
    const clientSecret = login.variables[0].replace(/_EMAIL$/, '_CLIENT_SECRET');
    const warning =
      `logs in with an API token (${login.variables.join(' + ')}): ` +
      `Zendesk stops accepting every API token on ${ZENDESK_API_TOKENS_END}, ` +
      `and deactivates one left unused for 30 days. Create a confidential OAuth client and set ${clientId} ` +
      `and ${clientSecret} (docs/configuration.md: the Zendesk OAuth client).`;
    return {
      // Basic auth as Zendesk documents it for API tokens: `{email}/token:{api_token}`.
      headers: { authorization: `Basic ${Buffer.from(`${login.email}/token:${login.token}`).toString('base64')}` },
      warning,
    };
  }
  return { headers: {}, credentials: new ClientCredentialsLogin(login, options) };
}

/**
 * OAuth's client credentials grant as Zendesk documents it: `POST /oauth/tokens` with a JSON body
 * `{grant_type: "client_credentials", client_id, client_secret, scope}` answers an access token
 * (and, where the account makes tokens expire, `expires_in` seconds), sent as `Bearer`. The first
 * request logs in; requests at once share that login. A token about to expire, or refused mid-run
 * (401), is replaced once by a new login.
 */
class ClientCredentialsLogin implements RequestCredentials {
  private token: Promise<{ value: string; renewAt: number | undefined }> | undefined;
  readonly secrets: readonly string[];

  constructor(
    private readonly login: Extract<ZendeskCredentials, { kind: 'oauth' }>,
    private readonly options: ZendeskAuthOptions,
  ) {
    this.secrets = [login.clientSecret, JSON.stringify(login.clientSecret).slice(1, -1)];
  }

  async headers(): Promise<Record<string, string>> {
    this.token ??= this.fetchToken();
    let token = await this.token;
    if (token.renewAt !== undefined && performance.now() >= token.renewAt) {
      await this.renew({ authorization: `Bearer ${token.value}` });
      token = await this.token;
    }
    return { authorization: `Bearer ${token.value}` };
  }

  async renew(sent: Record<string, string>): Promise<boolean> {
    const current = this.token ? await this.token.catch(() => undefined) : undefined;
    // Another request has already replaced the token that was refused.
    if (current && sent.authorization !== `Bearer ${current.value}`) return true;
    this.token = this.fetchToken();
    await this.token;
    return true;
  }

  private async fetchToken(): Promise<{ value: string; renewAt: number | undefined }> {
    const [idName, secretName] = this.login.variables;
    const url = `${this.options.baseUrl.replace(/\/+$/, '')}/oauth/tokens`;
    const policy = {
      ...DEFAULT_RETRY,
      vendor: 'zendesk',
      waitHeaders: ZENDESK_RATE_LIMIT_HEADERS.wait,
      sleep: this.options.sleep,
      clock: this.options.clock,
      logger: this.options.logger,
    };
    const response = await withRetry('POST /oauth/tokens', policy, async () => {
      let answer;
      try {
        answer = await got.post(url, {
          json: {
            grant_type: 'client_credentials',
            client_id: this.login.clientId,
            client_secret: this.login.clientSecret,
            scope: ZENDESK_OAUTH_SCOPE,
          },
          headers: { 'user-agent': 'audit-bot', accept: 'application/json' },
          retry: { limit: 0 },
          throwHttpErrors: false,
          followRedirect: false,
          timeout: { request: this.options.timeoutMs ?? 30_000 },
        });
      } catch (error) {
        if (error instanceof RequestError)
          throw new TransportError('zendesk', 'POST', '/oauth/tokens', error.code ?? 'ERR', error.message);
        throw error;
      }
      if (answer.statusCode === 429 || answer.statusCode >= 500) {
        throw new HttpError(
          'zendesk',
          'POST',
          '/oauth/tokens',
          answer.statusCode,
          answer.headers,
          bodyExcerpt(scrubSecrets(answer.body, this.secrets), undefined),
        );
      }
      return answer;
    });
    const excerpt = bodyExcerpt(scrubSecrets(response.body, this.secrets), undefined);
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new ZendeskLoginError(
        `zendesk POST /oauth/tokens answered HTTP ${response.statusCode}${excerpt ? `: ${excerpt}` : ''}. ` +
          `Zendesk refused the OAuth client: check ${idName} (the client's unique identifier) ` +
          `and ${secretName} (its secret), and that the client is a confidential client of this instance ` +
          `whose allowed scopes include "${ZENDESK_OAUTH_SCOPE}", owned by an admin.`,
      );
    }
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(response.body) as typeof body;
    } catch {
      throw new ZendeskLoginError(
        `zendesk POST /oauth/tokens answered HTTP ${response.statusCode} with a body that is not JSON: ` +
          excerpt.slice(0, 80),
      );
    }
    if (typeof body?.access_token !== 'string' || body.access_token === '') {
      throw new ZendeskLoginError(
        `zendesk POST /oauth/tokens answered HTTP ${response.statusCode} without an access_token`,
      );
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : undefined;
    this.options.logger.debug(
      { clientId: this.login.clientId, expiresInSeconds: expiresIn ?? null },
      'zendesk: logged in with the OAuth client',
    );
    const lifetimeMs = expiresIn === undefined ? undefined : expiresIn * 1000;
    return {
      value: body.access_token,
      renewAt:
        lifetimeMs === undefined
          ? undefined
          : performance.now() + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 10),
    };
  }
}
