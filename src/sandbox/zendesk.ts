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
 * - Auth: `Authorization: Basic base64("{email}/token:{api_token}")`, else 401
 *   `{"error":"Couldn't authenticate you"}`.
 * - Cursor pagination on the list endpoints: `page[size]` (1…100; anything else is a 400) and
 *   `page[after]` (an opaque cursor bound to the listing; a foreign one is a 400); responses carry
 *   `meta: { has_more, after_cursor, before_cursor }` and `links: { next, prev }` (absolute URLs;
 *   `links.next` is sent even on the last page, as `has_more` is what says whether to go on).
 *   Without `page[size]` the endpoints use offset pagination (`page`, `per_page`, `next_page`).
 * - `GET /api/v2/users` filters `role` / `role[]`; users are sorted by id.
 * - `GET /api/v2/custom_roles` (Enterprise, not paginated): a 403 when `customRoles` is null.
 * - `GET /api/v2/api_tokens` (not paginated): every token, without its secret; a 404 when
 *   `tokenAccess` is false (token access disabled).
 * - Rate limits: every answer carries `x-rate-limit` and `x-rate-limit-remaining`; a 429 has
 *   `Retry-After` (seconds) and a text/plain body. `rateLimitPerMinute` enforces a limit.
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

export interface ZendeskData {
  subdomain: string;
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
  email: string;
  token: string;
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

export class ZendeskSandbox extends FakeServer {
  readonly data: ZendeskData;
  private readonly authorization: string;
  private readonly now: Clock;
  private readonly rateLimitPerMinute?: number;
  private readonly retryAfterSeconds: number;
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
    this.data = options.data;
    this.authorization = `Basic ${Buffer.from(`${options.email}/token:${options.token}`).toString('base64')}`;
    this.now = options.now ?? (() => new Date());
    this.rateLimitPerMinute = options.rateLimitPerMinute;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
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

  /** Zendesk's 429: `Retry-After` in seconds, the limit headers, a plain-text body. */
  rateLimitedFault(retryAfterSeconds = this.retryAfterSeconds): Fault {
    return {
      type: 'status',
      status: 429,
      headers: {
        'Retry-After': String(retryAfterSeconds),
        'x-rate-limit': String(this.rateLimitPerMinute ?? ZENDESK_RATE_LIMIT),
        'x-rate-limit-remaining': '0',
        'content-type': 'text/plain; charset=utf-8',
      },
      body: 'Number of allowed API requests per minute exceeded',
    };
  }

  override forgetRateLimitWindow(): void {
    this.window.forget(this.now().getTime());
  }

  private route(req: FakeRequest): FakeResponse {
    if (req.headers.authorization !== this.authorization) return json(401, { error: "Couldn't authenticate you" });
    const nowMs = this.now().getTime();
    const { endMs } = this.window.at(nowMs);
    const limit = this.rateLimitPerMinute ?? ZENDESK_RATE_LIMIT;
    if (this.rateLimitPerMinute !== undefined && this.window.used >= this.rateLimitPerMinute) {
      const fault = this.rateLimitedFault(this.window.resetSeconds(nowMs, endMs));
      return fault.type === 'status' ? { status: fault.status, headers: fault.headers, body: fault.body } : notFound();
    }
    this.window.used += 1;
    const response = this.dispatch(req);
    response.headers = {
      'x-rate-limit': String(limit),
      'x-rate-limit-remaining': String(Math.max(0, limit - this.window.used)),
      ...(response.headers ?? {}),
    };
    return response;
  }

  private dispatch(req: FakeRequest): FakeResponse {
    if (req.method !== 'GET') return notFound();
    const path = req.url.pathname.replace(/\.json$/, '');
    const params = req.url.searchParams;
    switch (path) {
      case '/api/v2/users': {
        const roles = [...params.getAll('role[]'), ...params.getAll('role')];
        const bad = roles.find((role) => !['end-user', 'agent', 'admin'].includes(role));
        if (bad) return zendeskError(400, 'InvalidValue', `role: ${bad} is not valid`);
        const users = this.memo(`users?${roles.join()}`, () =>
          [...this.data.users].filter((user) => roles.length === 0 || roles.includes(user.role)).sort((a, b) => a.id - b.id),
        );
        return this.list(req, 'users', users, (user) => this.renderUser(user));
      }
      case '/api/v2/group_memberships':
        return this.list(req, 'group_memberships', this.memo('group_memberships', () => this.memberships()), (membership) => membership);
      case '/api/v2/groups': {
        const groups = this.memo('groups', () => this.data.groups.filter((group) => group.deleted !== true).sort((a, b) => a.id - b.id));
        return this.list(req, 'groups', groups, (group) => this.renderGroup(group));
      }
      case '/api/v2/custom_roles':
        if (this.data.customRoles === null) {
          return zendeskError(403, 'Forbidden', 'You do not have access to this page. Please contact the account owner of this help desk for further help.');
        }
        return json(200, { custom_roles: this.data.customRoles.map((role) => this.renderCustomRole(role)) });
      case '/api/v2/api_tokens':
        if (!this.data.tokenAccess) return notFound();
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
      return this.list(req, 'group_memberships', all.filter((membership) => membership.user_id === userId), (membership) => membership);
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
        (user.groupIds ?? []).filter((groupId) => !deleted.has(groupId)).map((groupId, index) => ({
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
      return zendeskError(400, 'InvalidPaginationParameter', `page[size] must be a number between 1 and ${ZENDESK_MAX_PAGE_SIZE}`);
    }
    const size = Number(sizeRaw);
    // The cursor binds the listing (path and filters, not the page parameters) and the position.
    const listing = new URLSearchParams(params);
    for (const key of ['page[size]', 'page[after]', 'page[before]']) listing.delete(key);
    listing.sort();
    const key = createHash('sha256').update(`${req.url.pathname.replace(/\.json$/, '')}?${listing}`).digest('hex').slice(0, 12);
    let offset = 0;
    const after = params.get('page[after]');
    if (after !== null) {
      const decoded = decodeCursor(after);
      if (!decoded || decoded.k !== key) return zendeskError(400, 'InvalidPaginationParameter', 'page[after] is not a valid cursor');
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
    if (typeof value.k === 'string' && typeof value.o === 'number' && Number.isSafeInteger(value.o) && value.o >= 0) return { k: value.k, o: value.o };
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
export function generateZendeskAgents(count: number, firstId = 900_000_001, signedInAt = '2026-11-20T12:00:00Z'): ZendeskUserSeed[] {
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
