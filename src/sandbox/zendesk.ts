import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { FakeServer, json, type Fault, type FakeRequest, type FakeResponse } from './fake-server.js';
import { FixedWindow } from './fixed-window.js';

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

export type ZendeskRole = 'end-user' | 'agent' | 'admin';

export interface ZendeskUserSeed {
  id: number;
  name: string;
  email: string | null;
  role: ZendeskRole;
  /** 1 for a light agent; null otherwise (the API's default). */
  role_type?: number | null;
  custom_role_id?: number | null;
  suspended?: boolean;
  /** Null: never signed in. */
  last_login_at?: string | null;
  created_at: string;
  /** Undefined renders as null (the API does not report it). */
  two_factor_auth_enabled?: boolean | null;
  /** Group memberships, in order (the first is the default group). */
  groupIds?: number[];
}

export interface ZendeskGroupSeed {
  id: number;
  name: string;
  deleted?: boolean;
  created_at?: string;
}

export interface ZendeskCustomRoleSeed {
  id: number;
  name: string;
  role_type: number;
  description?: string;
}

export interface ZendeskTokenSeed {
  id: number;
  description: string | null;
  active: boolean;
  created_at: string;
  last_used: string | null;
  /** Last characters of the token as the Admin Center shows them. */
  visible_token: string;
}

export interface ZendeskOAuthClientSeed {
  id: number;
  name: string;
  /** The client_id of the OAuth requests. */
  identifier: string;
  kind: 'confidential' | 'public';
  /** The admin who created it: its tokens act as them. */
  user_id: number;
  secret: string;
  created_at: string;
  company?: string | null;
}

export interface ZendeskOAuthTokenSeed {
  id: number;
  client_id: number;
  user_id: number;
  /** The whole access token (listings show its first 10 characters). */
  value: string;
  scopes: string[];
  created_at: string;
  /** Null: it does not expire. */
  expires_at: string | null;
  used_at: string | null;
  revoked?: boolean;
}

export interface ZendeskData {
  subdomain: string;
  /** None when absent. */
  oauthClients?: ZendeskOAuthClientSeed[];
  /** Access tokens of every client: seeded ones, and those POST /oauth/tokens issues. */
  oauthTokens?: ZendeskOAuthTokenSeed[];
  users: ZendeskUserSeed[];
  groups: ZendeskGroupSeed[];
  /** Null: not an Enterprise account (the endpoint answers 403). */
  customRoles: ZendeskCustomRoleSeed[] | null;
  /** False: API token access is disabled (the api_tokens endpoint answers 404). */
  tokenAccess: boolean;
  tokens: ZendeskTokenSeed[];
}

export interface ZendeskSandboxOptions {
  /** Names the server in logs and errors (e.g. `zendesk`, `zendesk-us-federal`). */
  name?: string;
  /** The API-token pair the instance accepts while `apiTokensAccepted` (default true). */
  email?: string;
  token?: string;
  /** False: every API token is refused (401), as Zendesk does from 2027-04-30 (or for a token left unused 30 days). */
  apiTokensAccepted?: boolean;
  /** How long an access token from POST /oauth/tokens lives, in ms (announced as `expires_in`); default: it does not expire. */
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

export const ZENDESK_MAX_PAGE_SIZE = 100;
/** Zendesk's Enterprise plan limit (requests per minute). */
export const ZENDESK_RATE_LIMIT = 700;

export function zendeskError(status: number, error: string, description?: string): FakeResponse {
  return json(status, description === undefined ? { error } : { error, description });
}

const notFound = (): FakeResponse => zendeskError(404, 'InvalidEndpoint', 'Not found');
const forbidden = (): FakeResponse =>
  zendeskError(
    403,
    'Forbidden',
    'You do not have access to this page. Please contact the account owner of this help desk for further help.',
  );

export class ZendeskSandbox extends FakeServer {
  readonly data: ZendeskData & Required<Pick<ZendeskData, 'oauthClients' | 'oauthTokens'>>;
  private readonly authorization: string | undefined;
  private readonly apiTokenUserEmail: string | undefined;
  apiTokensAccepted: boolean;
  private readonly accessTokenLifetimeMs: number | undefined;
  private readonly now: Clock;
  private readonly rateLimitPerMinute?: number;
  private readonly retryAfterSeconds: number;
  private readonly rateLimitStyle: 'retry-after' | 'ratelimit-reset';
  private readonly window: FixedWindow;
  private readonly listings?: Map<string, unknown[]>;

  constructor(options: ZendeskSandboxOptions) {
    let self: ZendeskSandbox | undefined;
    super(
      options.name ?? 'zendesk',
      (req) => self!.route(req),
      () => self!.rateLimitedFault(),
    );
    self = this;
    options.data.oauthClients ??= [];
    options.data.oauthTokens ??= [];
    this.data = options.data as ZendeskSandbox['data'];
    this.authorization =
      options.email !== undefined && options.token !== undefined
        ? `Basic ${Buffer.from(`${options.email}/token:${options.token}`).toString('base64')}`
        : undefined;
    this.apiTokenUserEmail = options.email?.toLowerCase();
    this.apiTokensAccepted = options.apiTokensAccepted ?? true;
    this.accessTokenLifetimeMs = options.accessTokenLifetimeMs;
    this.now = options.now ?? (() => new Date());
    this.rateLimitPerMinute = options.rateLimitPerMinute;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.rateLimitStyle = options.rateLimitStyle ?? 'retry-after';
    this.window = new FixedWindow(options.rateLimitWindowMs ?? 60_000);
    if (options.memoizeListings) this.listings = new Map();
  }

  /** `compute()`, or its first result when listings are memoized. */
  private memo<T>(key: string, compute: () => T[]): T[] {
    if (!this.listings) return compute();
    let items = this.listings.get(key) as T[] | undefined;
    if (!items) this.listings.set(key, (items = compute()));
    return items;
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

  /** The user the request's credentials act as, or why they are refused. */
  private authenticate(req: FakeRequest): { user: ZendeskUserSeed; token?: ZendeskOAuthTokenSeed } | FakeResponse {
    const header = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)$/i.exec(header);
    if (bearer) {
      const token = this.data.oauthTokens.find((candidate) => candidate.value === bearer[1]);
      const nowIso = this.now().toISOString();
      if (!token || token.revoked === true || (token.expires_at !== null && token.expires_at <= nowIso)) {
        return json(401, {
          error: 'invalid_token',
          error_description: 'The access token provided is expired, revoked, malformed or invalid for other reasons.',
        });
      }
      const user = this.data.users.find((candidate) => candidate.id === token.user_id);
      if (!user) return json(401, { error: "Couldn't authenticate you" });
      token.used_at = nowIso;
      return { user, token };
    }
    if (this.authorization !== undefined && header === this.authorization && this.apiTokensAccepted) {
      const user = this.data.users.find((candidate) => candidate.email?.toLowerCase() === this.apiTokenUserEmail);
      if (user) return { user };
    }
    return json(401, { error: "Couldn't authenticate you" });
  }

  /** OAuth's client credentials grant; any other grant, client or scope is refused as OAuth 2.0 says. */
  private issueToken(req: FakeRequest): FakeResponse {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'client_credentials') {
      return json(400, {
        error: 'unsupported_grant_type',
        error_description: 'The authorization grant type is not supported by the authorization server.',
      });
    }
    const client = this.data.oauthClients.find((candidate) => candidate.identifier === body.client_id);
    if (
      !client ||
      client.kind !== 'confidential' ||
      typeof body.client_secret !== 'string' ||
      body.client_secret !== client.secret
    ) {
      return json(401, {
        error: 'invalid_client',
        error_description:
          'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
      });
    }
    const scopes = typeof body.scope === 'string' ? body.scope.split(/\s+/).filter(Boolean) : [];
    if (scopes.length === 0 || scopes.some((scope) => !/^(read|write|[a-z_]+:(read|write))$/.test(scope))) {
      return json(400, {
        error: 'invalid_scope',
        error_description: 'The requested scope is invalid, unknown, or malformed.',
      });
    }
    const nowMs = this.now().getTime();
    const id = Math.max(0, ...this.data.oauthTokens.map((token) => token.id)) + 1;
    const value = createHash('sha256').update(`${this.name}:${client.id}:${id}:${nowMs}`).digest('hex');
    const lifetime = this.accessTokenLifetimeMs;
    this.data.oauthTokens.push({
      id,
      client_id: client.id,
      user_id: client.user_id,
      value,
      scopes,
      created_at: new Date(nowMs).toISOString(),
      expires_at: lifetime === undefined ? null : new Date(nowMs + lifetime).toISOString(),
      used_at: null,
    });
    return json(200, {
      access_token: value,
      token_type: 'bearer',
      scope: scopes.join(' '),
      ...(lifetime === undefined ? {} : { expires_in: Math.max(1, Math.round(lifetime / 1000)) }),
    });
  }

  private route(req: FakeRequest): FakeResponse {
    if (req.url.pathname === '/oauth/tokens' && req.method === 'POST') return this.issueToken(req);
    const caller = this.authenticate(req);
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
    const adminsOnly = (): FakeResponse | undefined => (caller.role === 'admin' ? undefined : forbidden());
    switch (path) {
      case '/api/v2/users/me':
        return json(200, { user: this.renderUser(caller) });
      case '/api/v2/oauth/clients':
        return (
          adminsOnly() ??
          this.list(
            req,
            'clients',
            [...this.data.oauthClients].sort((a, b) => a.id - b.id),
            (client) => this.renderClient(client),
          )
        );
      case '/api/v2/oauth/tokens': {
        const all = params.get('all') === 'true';
        if (all && caller.role !== 'admin') return forbidden();
        const tokens = this.data.oauthTokens
          .filter((token) => token.revoked !== true && (all || token.user_id === caller.id))
          .sort((a, b) => a.id - b.id);
        return this.list(req, 'tokens', tokens, (token) => this.renderOAuthToken(token));
      }
      case '/api/v2/users': {
        const roles = [...params.getAll('role[]'), ...params.getAll('role')];
        const bad = roles.find((role) => !['end-user', 'agent', 'admin'].includes(role));
        if (bad) return zendeskError(400, 'InvalidValue', `role: ${bad} is not valid`);
        const users = this.memo(`users?${roles.join()}`, () =>
          [...this.data.users]
            .filter((user) => roles.length === 0 || roles.includes(user.role))
            .sort((a, b) => a.id - b.id),
        );
        return this.list(req, 'users', users, (user) => this.renderUser(user));
      }
      case '/api/v2/group_memberships':
        return this.list(
          req,
          'group_memberships',
          this.memo('group_memberships', () => this.memberships()),
          (membership) => membership,
        );
      case '/api/v2/groups': {
        const groups = this.memo('groups', () =>
          this.data.groups.filter((group) => group.deleted !== true).sort((a, b) => a.id - b.id),
        );
        return this.list(req, 'groups', groups, (group) => this.renderGroup(group));
      }
      case '/api/v2/custom_roles':
        if (this.data.customRoles === null) {
          return zendeskError(
            403,
            'Forbidden',
            'You do not have access to this page. Please contact the account owner of this help desk for further help.',
          );
        }
        return json(200, { custom_roles: this.data.customRoles.map((role) => this.renderCustomRole(role)) });
      case '/api/v2/api_tokens':
        if (!this.data.tokenAccess) return notFound();
        if (caller.role !== 'admin') return forbidden();
        return json(200, {
          api_tokens: [...this.data.tokens].sort((a, b) => a.id - b.id).map((token) => this.renderToken(token)),
          next_page: null,
          previous_page: null,
          count: this.data.tokens.length,
        });
    }
    // One user's memberships (`GET /api/v2/users/{id}/group_memberships`): what a naive audit asks per user.
    const perUser = /^\/api\/v2\/users\/(\d+)\/group_memberships$/.exec(path);
    if (perUser) {
      const userId = Number(perUser[1]);
      const all = this.memo('group_memberships', () => this.memberships());
      return this.list(
        req,
        'group_memberships',
        all.filter((membership) => membership.user_id === userId),
        (membership) => membership,
      );
    }
    return notFound();
  }

  /** Group memberships derived from the users' `groupIds` (a deleted group has no memberships left). */
  private memberships(): Record<string, unknown>[] {
    const created = (user: ZendeskUserSeed) => user.created_at;
    const deleted = new Set(this.data.groups.filter((group) => group.deleted === true).map((group) => group.id));
    return [...this.data.users]
      .sort((a, b) => a.id - b.id)
      .flatMap((user) =>
        (user.groupIds ?? [])
          .filter((groupId) => !deleted.has(groupId))
          .map((groupId, index) => ({
            url: `${this.url}/api/v2/group_memberships/${membershipId(user.id, groupId)}.json`,
            id: membershipId(user.id, groupId),
            user_id: user.id,
            group_id: groupId,
            default: index === 0,
            created_at: created(user),
            updated_at: created(user),
          })),
      )
      .sort((a, b) => a.id - b.id);
  }

  /** One page: cursor pagination with `page[size]`, else offset pagination (`page`, `per_page`). */
  private list<T>(req: FakeRequest, collection: string, items: T[], render: (item: T) => unknown): FakeResponse {
    const params = req.url.searchParams;
    const sizeRaw = params.get('page[size]');
    if (sizeRaw === null) return this.offsetList(req, collection, items, render);
    if (!/^\d+$/.test(sizeRaw) || Number(sizeRaw) < 1 || Number(sizeRaw) > ZENDESK_MAX_PAGE_SIZE) {
      return zendeskError(
        400,
        'InvalidPaginationParameter',
        `page[size] must be a number between 1 and ${ZENDESK_MAX_PAGE_SIZE}`,
      );
    }
    const size = Number(sizeRaw);
    // The cursor binds the listing (path and filters, not the page parameters) and the position.
    const listing = new URLSearchParams(params);
    for (const key of ['page[size]', 'page[after]', 'page[before]']) listing.delete(key);
    listing.sort();
    const key = createHash('sha256')
      .update(`${req.url.pathname.replace(/\.json$/, '')}?${listing}`)
      .digest('hex')
      .slice(0, 12);
    let offset = 0;
    const after = params.get('page[after]');
    if (after !== null) {
      const decoded = decodeCursor(after);
      if (!decoded || decoded.k !== key)
        return zendeskError(400, 'InvalidPaginationParameter', 'page[after] is not a valid cursor');
      offset = decoded.o;
    }
    const slice = items.slice(offset, offset + size);
    const afterCursor = encodeCursor({ k: key, o: offset + slice.length });
    const beforeCursor = encodeCursor({ k: key, o: Math.max(0, offset - size) });
    const link = (name: 'page[after]' | 'page[before]', cursor: string) => {
      const query = new URLSearchParams(listing);
      query.set('page[size]', String(size));
      query.set(name, cursor);
      return `${this.url}${req.url.pathname}?${query}`;
    };
    return json(200, {
      [collection]: slice.map(render),
      meta: { has_more: offset + slice.length < items.length, after_cursor: afterCursor, before_cursor: beforeCursor },
      links: { next: link('page[after]', afterCursor), prev: offset > 0 ? link('page[before]', beforeCursor) : null },
    });
  }

  private offsetList<T>(req: FakeRequest, collection: string, items: T[], render: (item: T) => unknown): FakeResponse {
    const params = req.url.searchParams;
    const perPage = Math.min(100, Math.max(1, Number(params.get('per_page') ?? 100) || 100));
    const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = (n: number) => {
      const query = new URLSearchParams(params);
      query.set('page', String(n));
      query.set('per_page', String(perPage));
      return `${this.url}${req.url.pathname}?${query}`;
    };
    return json(200, {
      [collection]: slice.map(render),
      next_page: page * perPage < items.length ? link(page + 1) : null,
      previous_page: page > 1 ? link(page - 1) : null,
      count: items.length,
    });
  }

  private renderUser(user: ZendeskUserSeed): Record<string, unknown> {
    return {
      id: user.id,
      url: `${this.url}/api/v2/users/${user.id}.json`,
      name: user.name,
      email: user.email,
      created_at: user.created_at,
      updated_at: user.created_at,
      time_zone: 'America/New_York',
      iana_time_zone: 'America/New_York',
      locale: 'en-US',
      locale_id: 1,
      organization_id: null,
      role: user.role,
      verified: true,
      external_id: null,
      tags: [],
      alias: null,
      active: true,
      shared: false,
      shared_agent: false,
      last_login_at: user.last_login_at ?? null,
      two_factor_auth_enabled: user.two_factor_auth_enabled ?? null,
      signature: null,
      details: '',
      notes: '',
      role_type: user.role_type ?? null,
      custom_role_id: user.custom_role_id ?? null,
      moderator: user.role === 'admin',
      ticket_restriction: user.role === 'end-user' ? 'requested' : null,
      only_private_comments: false,
      restricted_agent: false,
      suspended: user.suspended === true,
      default_group_id: user.groupIds?.[0] ?? null,
      report_csv: user.role === 'admin',
      user_fields: {},
    };
  }

  private renderGroup(group: ZendeskGroupSeed): Record<string, unknown> {
    return {
      url: `${this.url}/api/v2/groups/${group.id}.json`,
      id: group.id,
      is_public: true,
      name: group.name,
      description: '',
      default: false,
      deleted: group.deleted === true,
      created_at: group.created_at ?? '2020-01-01T00:00:00Z',
      updated_at: group.created_at ?? '2020-01-01T00:00:00Z',
    };
  }

  private renderCustomRole(role: ZendeskCustomRoleSeed): Record<string, unknown> {
    return {
      id: role.id,
      name: role.name,
      description: role.description ?? '',
      role_type: role.role_type,
      team_member_count: this.data.users.filter((user) => user.custom_role_id === role.id).length,
      created_at: '2020-01-01T00:00:00Z',
      updated_at: '2020-01-01T00:00:00Z',
      configuration: {},
    };
  }

  private renderClient(client: ZendeskOAuthClientSeed): Record<string, unknown> {
    return {
      url: `${this.url}/api/v2/oauth/clients/${client.id}.json`,
      id: client.id,
      user_id: client.user_id,
      name: client.name,
      identifier: client.identifier,
      kind: client.kind,
      company: client.company ?? null,
      description: null,
      redirect_uri: [],
      logo_url: null,
      global: false,
      created_at: client.created_at,
      updated_at: client.created_at,
    };
  }

  private renderOAuthToken(token: ZendeskOAuthTokenSeed): Record<string, unknown> {
    return {
      url: `${this.url}/api/v2/oauth/tokens/${token.id}.json`,
      id: token.id,
      client_id: token.client_id,
      user_id: token.user_id,
      token: token.value.slice(0, 10),
      refresh_token: null,
      scopes: token.scopes,
      created_at: token.created_at,
      expires_at: token.expires_at,
      used_at: token.used_at,
    };
  }

  private renderToken(token: ZendeskTokenSeed): Record<string, unknown> {
    return {
      url: `${this.url}/api/v2/api_tokens/${token.id}.json`,
      id: token.id,
      description: token.description,
      active: token.active,
      created_at: token.created_at,
      last_used: token.last_used,
      visible_token: token.visible_token,
    };
  }
}

function membershipId(userId: number, groupId: number): number {
  // Deterministic and unique per (user, group) for the sandbox's small ids.
  return Number(`${groupId % 100_000}${String(userId % 1_000_000_000).padStart(9, '0')}`);
}

function encodeCursor(value: { k: string; o: number }): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeCursor(cursor: string): { k: string; o: number } | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { k?: unknown; o?: unknown };
    if (typeof value.k === 'string' && typeof value.o === 'number' && Number.isSafeInteger(value.o) && value.o >= 0)
      return { k: value.k, o: value.o };
  } catch {
    // not one of ours
  }
  return undefined;
}

export function createZendeskSandbox(options: ZendeskSandboxOptions): ZendeskSandbox {
  return new ZendeskSandbox(options);
}

/**
 * `count` agents with deterministic ids (from `firstId`), names and emails, all signed in
 * recently, for pagination tests. They are in no group and not in any roster.
 */
export function generateZendeskAgents(
  count: number,
  firstId = 900_000_001,
  signedInAt = '2026-11-20T12:00:00Z',
): ZendeskUserSeed[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(5, '0');
    return {
      id: firstId + i,
      name: `Generated Agent ${n}`,
      email: `generated-agent-${n}@example.com`,
      role: 'agent' as const,
      created_at: '2025-01-01T00:00:00Z',
      last_login_at: signedInAt,
      two_factor_auth_enabled: true,
    };
  });
}
