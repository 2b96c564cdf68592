import type { Clock } from '../../../clock.js';
import { FakeServer, json, type Fault, type FakeRequest, type FakeResponse } from '../../../sandbox/fake-server.js';
import { FixedWindow } from '../../../sandbox/fixed-window.js';
import { ListingCache } from '../../../sandbox/listing-cache.js';
import type { ZendeskData, ZendeskStore, ZendeskUserSeed } from './data.js';
import { forbidden, notFound, zendeskError } from './errors.js';
import { authenticate, basicAuthorization, issueToken } from './oauth.js';
import { listPage } from './pagination.js';
import { ZendeskRenderer } from './render.js';

/**
 * A local fake of one Zendesk Support instance (API v2, the read-only parts the audit uses),
 * checked against Zendesk's developer docs (Users, Group Memberships, Groups, Custom Roles, API
 * Tokens, Pagination, Rate limits, Security and authentication). Two instances (main and US
 * Federal) are two of these servers with different data.
 *
 * - Auth: OAuth's client credentials grant (`POST /oauth/tokens`, JSON `{grant_type:
 *   "client_credentials", client_id: <identifier>, client_secret, scope}`: a confidential client
 *   only; `{access_token, token_type: "bearer", scope}` plus `expires_in` when access tokens
 *   expire), then `Authorization: Bearer <token>`, acting as the admin who created the client. An
 *   expired, revoked or unknown token is a 401 `invalid_token`. The API-token pair
 *   (`Basic base64("{email}/token:{api_token}")`) acts as the user with that email while
 *   `apiTokensAccepted`; else, and for anything else, 401 `{"error":"Couldn't authenticate you"}`.
 * - `GET /api/v2/users/me`: the user the credentials act as.
 * - `GET /api/v2/oauth/clients` (cursor or offset pages of `clients`, no secrets) and
 *   `GET /api/v2/oauth/tokens` (the caller's own tokens; every user's with `all=true`; the token
 *   shown by its first 10 characters): admins only, like `api_tokens`, else 403.
 * - Cursor pagination on the list endpoints: `page[size]` (1…100; anything else is a 400) and
 *   `page[after]` (an opaque cursor bound to the listing; a foreign one is a 400); responses carry
 *   `meta: { has_more, after_cursor, before_cursor }` and `links: { next, prev }` (absolute URLs;
 *   `links.next` is sent even on the last page, as `has_more` is what says whether to go on).
 *   Without `page[size]` the endpoints use offset pagination (`page`, `per_page`, `next_page`).
 * - `GET /api/v2/users` filters `role` / `role[]`; users are sorted by id.
 * - `GET /api/v2/custom_roles` (Enterprise, not paginated): a 403 when `customRoles` is null.
 * - `GET /api/v2/api_tokens` (not paginated): every token, without its secret; a 404 when
 *   `tokenAccess` is false (token access disabled).
 * - Rate limits (one window for every request to the fake, as Zendesk counts per account): every
 *   answer carries `x-rate-limit` and `x-rate-limit-remaining`; a 429 has `Retry-After` (seconds)
 *   and a text/plain body. With `rateLimitStyle: 'ratelimit-reset'` every answer also carries
 *   `ratelimit-limit/remaining/reset`, and a 429 has `ratelimit-reset` instead of `Retry-After`.
 *   `rateLimitPerMinute` enforces a limit.
 * - A `.json` suffix on a path is accepted, as on Zendesk.
 *
 * `data` is the live store: tests may push/splice users, groups and tokens between requests.
 */

export interface ZendeskSandboxOptions {
  /** Names the server in logs and errors (e.g. `zendesk`, `zendesk-us-federal`). */
  name?: string;
  /** The API-token pair the instance accepts while `apiTokensAccepted` (default true). */
  email?: string;
  token?: string;
  /**
   * False: every API token is refused (401), as Zendesk does from 2027-04-30 (or for a token left
   * unused 30 days).
   */
  apiTokensAccepted?: boolean;
  /**
   * How long an access token from POST /oauth/tokens lives, in ms (announced as `expires_in`);
   * default: it does not expire.
   */
  accessTokenLifetimeMs?: number;
  data: ZendeskData;
  now?: Clock;
  /** Enforce a fixed one-minute window limit on authenticated requests (off by default). */
  rateLimitPerMinute?: number;
  /** `Retry-After` seconds on injected 429s (default 1). */
  retryAfterSeconds?: number;
  /**
   * Length of the fixed window `rateLimitPerMinute` counts in, in ms (default 60 000). A shorter
   * one scales time for benchmarks: `Retry-After` then has millisecond precision.
   */
  rateLimitWindowMs?: number;
  /**
   * How a 429 says when to come back (Zendesk's docs show both): `retry-after` (default), the
   * `Retry-After` header; or `ratelimit-reset`, no `Retry-After` but the `ratelimit-limit`,
   * `ratelimit-remaining` and `ratelimit-reset` (seconds until the window resets) headers, which
   * every answer then carries too, as the docs show them on the Ticketing API's listings.
   */
  rateLimitStyle?: 'retry-after' | 'ratelimit-reset';
  /** The data never changes while serving (benchmarks): filter, sort and derive each listing once. */
  memoizeListings?: boolean;
}

/** Zendesk's Enterprise plan limit (requests per minute). */
export const ZENDESK_RATE_LIMIT = 700;

export class ZendeskSandbox extends FakeServer {
  readonly data: ZendeskStore;
  private readonly authorization: string | undefined;
  private readonly apiTokenUserEmail: string | undefined;
  apiTokensAccepted: boolean;
  private readonly accessTokenLifetimeMs: number | undefined;
  private readonly now: Clock;
  private readonly rateLimitPerMinute?: number;
  private readonly retryAfterSeconds: number;
  private readonly rateLimitStyle: 'retry-after' | 'ratelimit-reset';
  private readonly window: FixedWindow;
  private readonly listings: ListingCache;
  private readonly render: ZendeskRenderer;

  constructor(options: ZendeskSandboxOptions) {
    // `this` is not there until super() returns: the router reaches the fake through `self`.
    const self: { it?: ZendeskSandbox } = {};
    super(
      options.name ?? 'zendesk',
      (req) => self.it!.route(req),
      () => self.it!.rateLimitedFault(),
    );
    self.it = this;
    options.data.oauthClients ??= [];
    options.data.oauthTokens ??= [];
    this.data = options.data as ZendeskStore;
    this.authorization =
      options.email !== undefined && options.token !== undefined
        ? basicAuthorization(options.email, options.token)
        : undefined;
    this.apiTokenUserEmail = options.email?.toLowerCase();
    this.apiTokensAccepted = options.apiTokensAccepted ?? true;
    this.accessTokenLifetimeMs = options.accessTokenLifetimeMs;
    this.now = options.now ?? (() => new Date());
    this.rateLimitPerMinute = options.rateLimitPerMinute;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.rateLimitStyle = options.rateLimitStyle ?? 'retry-after';
    this.window = new FixedWindow(options.rateLimitWindowMs ?? 60_000);
    this.listings = new ListingCache(options.memoizeListings ?? false);
    this.render = new ZendeskRenderer(this.data, () => this.url);
  }

  /**
   * Zendesk's 429: `Retry-After` in seconds (or, in the `ratelimit-reset` style, only
   * `ratelimit-reset`), the limit headers, a plain-text body.
   */
  rateLimitedFault(retryAfterSeconds = this.retryAfterSeconds): Fault {
    const limit = String(this.rateLimitPerMinute ?? ZENDESK_RATE_LIMIT);
    const wait: Record<string, string> =
      this.rateLimitStyle === 'ratelimit-reset'
        ? { 'ratelimit-limit': limit, 'ratelimit-remaining': '0', 'ratelimit-reset': String(retryAfterSeconds) }
        : { 'Retry-After': String(retryAfterSeconds) };
    return {
      type: 'status',
      status: 429,
      headers: {
        ...wait,
        'x-rate-limit': limit,
        'x-rate-limit-remaining': '0',
        'content-type': 'text/plain; charset=utf-8',
      },
      body: 'Number of allowed API requests per minute exceeded',
    };
  }

  override forgetRateLimitWindow(): void {
    this.window.forget(this.now().getTime());
  }

  /** Every access token issued so far expires now (as an account's token expiry would mid-run). */
  expireAccessTokens(): void {
    const now = this.now().toISOString();
    for (const token of this.data.oauthTokens)
      if (token.expires_at === null || token.expires_at > now) token.expires_at = now;
  }

  private route(req: FakeRequest): FakeResponse {
    if (req.url.pathname === '/oauth/tokens' && req.method === 'POST')
      return issueToken(req, this.data, this.now, this.name, this.accessTokenLifetimeMs);
    const caller = authenticate(req, this.data, this.now, {
      authorization: this.authorization,
      email: this.apiTokenUserEmail,
      accepted: this.apiTokensAccepted,
    });
    if ('status' in caller) return caller;
    const nowMs = this.now().getTime();
    const { endMs } = this.window.at(nowMs);
    const limit = this.rateLimitPerMinute ?? ZENDESK_RATE_LIMIT;
    if (this.rateLimitPerMinute !== undefined && this.window.used >= this.rateLimitPerMinute) {
      const fault = this.rateLimitedFault(this.window.resetSeconds(nowMs, endMs));
      return fault.type === 'status' ? { status: fault.status, headers: fault.headers, body: fault.body } : notFound();
    }
    this.window.used += 1;
    const response = this.dispatch(req, caller.user);
    const remaining = String(Math.max(0, limit - this.window.used));
    response.headers = {
      'x-rate-limit': String(limit),
      'x-rate-limit-remaining': remaining,
      ...(this.rateLimitStyle === 'ratelimit-reset'
        ? {
            'ratelimit-limit': String(limit),
            'ratelimit-remaining': remaining,
            'ratelimit-reset': String(this.window.resetSeconds(nowMs, endMs)),
          }
        : {}),
      ...(response.headers ?? {}),
    };
    return response;
  }

  private dispatch(req: FakeRequest, caller: ZendeskUserSeed): FakeResponse {
    if (req.method !== 'GET') return notFound();
    const path = req.url.pathname.replace(/\.json$/, '');
    const params = req.url.searchParams;
    const list = <T>(collection: string, items: T[], render: (item: T) => unknown): FakeResponse =>
      listPage(req, this.url, collection, items, render);
    switch (path) {
      case '/api/v2/users/me':
        return json(200, { user: this.render.user(caller) });
      case '/api/v2/oauth/clients': {
        if (caller.role !== 'admin') return forbidden();
        const clients = [...this.data.oauthClients].sort((a, b) => a.id - b.id);
        return list('clients', clients, (client) => this.render.client(client));
      }
      case '/api/v2/oauth/tokens': {
        const all = params.get('all') === 'true';
        if (all && caller.role !== 'admin') return forbidden();
        const tokens = this.data.oauthTokens
          .filter((token) => token.revoked !== true && (all || token.user_id === caller.id))
          .sort((a, b) => a.id - b.id);
        return list('tokens', tokens, (token) => this.render.oauthToken(token));
      }
      case '/api/v2/users': {
        const roles = [...params.getAll('role[]'), ...params.getAll('role')];
        const bad = roles.find((role) => !['end-user', 'agent', 'admin'].includes(role));
        if (bad) return zendeskError(400, 'InvalidValue', `role: ${bad} is not valid`);
        const users = this.listings.get(`users?${roles.join()}`, () =>
          [...this.data.users]
            .filter((user) => roles.length === 0 || roles.includes(user.role))
            .sort((a, b) => a.id - b.id),
        );
        return list('users', users, (user) => this.render.user(user));
      }
      case '/api/v2/group_memberships':
        return list('group_memberships', this.memberships(), (membership) => membership);
      case '/api/v2/groups': {
        const groups = this.listings.get('groups', () =>
          this.data.groups.filter((group) => group.deleted !== true).sort((a, b) => a.id - b.id),
        );
        return list('groups', groups, (group) => this.render.group(group));
      }
      case '/api/v2/custom_roles':
        if (this.data.customRoles === null) return forbidden();
        return json(200, { custom_roles: this.data.customRoles.map((role) => this.render.customRole(role)) });
      case '/api/v2/api_tokens':
        if (!this.data.tokenAccess) return notFound();
        if (caller.role !== 'admin') return forbidden();
        return json(200, {
          api_tokens: [...this.data.tokens].sort((a, b) => a.id - b.id).map((token) => this.render.apiToken(token)),
          next_page: null,
          previous_page: null,
          count: this.data.tokens.length,
        });
    }
    // One user's memberships (`GET /api/v2/users/{id}/group_memberships`): what a naive audit asks per user.
    const perUser = /^\/api\/v2\/users\/(\d+)\/group_memberships$/.exec(path);
    if (perUser) {
      const userId = Number(perUser[1]);
      const mine = this.memberships().filter((membership) => membership.user_id === userId);
      return list('group_memberships', mine, (membership) => membership);
    }
    return notFound();
  }

  private memberships(): Record<string, unknown>[] {
    return this.listings.get('group_memberships', () => this.render.memberships());
  }
}

export function createZendeskSandbox(options: ZendeskSandboxOptions): ZendeskSandbox {
  return new ZendeskSandbox(options);
}
