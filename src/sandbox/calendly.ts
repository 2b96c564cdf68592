import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { FakeServer, json, type Fault, type FakeRequest, type FakeResponse } from './fake-server.js';
import { compareCodeUnits } from '../domain/locale.js';
import { FixedWindow } from './fixed-window.js';

/**
 * A local fake of the Calendly API v2 (the read-only parts the audit uses), checked against
 * Calendly's developer docs (Get current user, List Organization Memberships, List Organization
 * Invitations, API conventions, Rate Limits):
 *
 * - Auth: `Authorization: Bearer <token>`, else 401 `{"title":"Unauthenticated","message":"The access token is invalid"}`
 *   (also for a token revoked with `revokeToken`).
 * - Scopes (Authorization Scopes, since 2026-03-03): `GET /users/{uuid|me}` needs `users:read`;
 *   `GET /organization_memberships` and `GET /organizations/{uuid}/invitations` need
 *   `organizations:read`; a `:write` scope includes its `:read`. The main token is unrestricted
 *   (a token from before scopes); `issueToken(token, { scopes })` issues one limited to `scopes`,
 *   and a request it lacks a scope for is a 403 `{"title":"Permission Denied","message":…}`
 *   (the docs' error shape: `title`, `message`, optional `details`; they do not name the scope).
 * - Resources are named by URI (`<base>/users/<uuid>`); single resources come as `{ "resource": … }`.
 * - Collections: `{ "collection": [...], "pagination": { count, next_page, previous_page,
 *   next_page_token, previous_page_token } }`; `count` defaults to 20 and must be 1…100 (else 400
 *   "Invalid Argument" with `details`); `page_token` is opaque (a token from another listing or
 *   a made-up one is a 400).
 * - `GET /organization_memberships` needs `organization` or `user` (400 otherwise); another
 *   organization's URI is a 403 "Permission Denied". Filters: `email`, `role`.
 * - `GET /organizations/{uuid}/invitations`: filters `status`, `email`; `sort=created_at:asc|desc`.
 * - Rate limits: every response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining`,
 *   `X-RateLimit-Reset` (seconds); a 429 has `X-RateLimit-Remaining: 0` and no `Retry-After`.
 *
 * `data` is the live store: tests may push/splice members and invitations between requests.
 */

export type CalendlyRole = 'owner' | 'admin' | 'user';

export interface CalendlyMemberSeed {
  /** The user's uuid (their URI is `<base>/users/<uuid>`). */
  uuid: string;
  /** The membership's uuid; defaults to `M` + the user's uuid. */
  membershipUuid?: string;
  name: string;
  email: string;
  role: CalendlyRole;
  /** ISO-8601: when the membership (and the user) were created. */
  created_at: string;
  timezone?: string;
}

export interface CalendlyInvitationSeed {
  uuid: string;
  email: string;
  status: 'pending' | 'accepted' | 'declined';
  created_at: string;
  last_sent_at?: string | null;
  /** The accepting user's uuid, for accepted invitations. */
  userUuid?: string;
}

export interface CalendlyData {
  organization: { uuid: string; name: string };
  /** The uuid of the member the token belongs to (`/users/me`). */
  tokenUserUuid: string;
  members: CalendlyMemberSeed[];
  invitations: CalendlyInvitationSeed[];
}

export interface CalendlySandboxOptions {
  /** The main token: it may read everything (no scope list). */
  token: string;
  /** Limits the main token to these scopes (default: unrestricted). */
  scopes?: readonly string[];
  data: CalendlyData;
  now?: Clock;
  /** `X-RateLimit-Reset` seconds on injected 429s (default 1). */
  rateLimitResetSeconds?: number;
  /** Enforce a fixed-window limit on authenticated requests: 429 with `X-RateLimit-Reset` (off by default). */
  rateLimitPerMinute?: number;
  /**
   * Length of that window in ms (default 60 000). A shorter one scales time for benchmarks:
   * `X-RateLimit-Reset` then has millisecond precision.
   */
  rateLimitWindowMs?: number;
  /** The data never changes while serving (benchmarks): filter and sort each listing once. */
  memoizeListings?: boolean;
}

export const CALENDLY_MAX_COUNT = 100;
export const CALENDLY_DEFAULT_COUNT = 20;
/** Calendly's documented per-user limit on paid plans. */
export const CALENDLY_RATE_LIMIT = 500;

export function calendlyError(
  status: number,
  title: string,
  message: string,
  details?: Array<{ parameter: string; message: string }>,
): FakeResponse {
  return json(status, details ? { title, message, details } : { title, message });
}

/** The scope each endpoint the fake serves needs (Calendly's Authorization Scopes catalog). */
export const CALENDLY_ENDPOINT_SCOPES = {
  users: 'users:read',
  organizationMemberships: 'organizations:read',
  organizationInvitations: 'organizations:read',
} as const;

/** A token the fake accepts: unrestricted (`scopes` undefined) or limited to `scopes`. */
interface Grant {
  scopes?: ReadonlySet<string>;
}

const permissionDenied = (): FakeResponse =>
  calendlyError(403, 'Permission Denied', 'You do not have permission to access this resource.');

const notFound = (): FakeResponse =>
  calendlyError(404, 'Resource Not Found', 'The server could not find the requested resource.');
const invalid = (parameter: string, message: string): FakeResponse =>
  calendlyError(400, 'Invalid Argument', 'The supplied parameters are invalid.', [{ parameter, message }]);

export class CalendlySandbox extends FakeServer {
  readonly data: CalendlyData;
  /**
   * User uuids left out of `GET /organization_memberships` (they still answer `/users/me` and
   * `/users/{uuid}`): a listing no real organization gives, e.g. one without the token's own user.
   */
  readonly omitFromMemberships = new Set<string>();
  private readonly grants = new Map<string, Grant>();
  private readonly now: Clock;
  private readonly rateLimitResetSeconds: number;
  private readonly window: FixedWindow;
  private readonly rateLimitPerMinute?: number;
  private readonly listings?: Map<string, unknown[]>;

  constructor(options: CalendlySandboxOptions) {
    let self: CalendlySandbox | undefined;
    super(
      'calendly',
      (req) => self!.route(req),
      () => self!.rateLimitedFault(),
    );
    self = this;
    this.data = options.data;
    this.issueToken(options.token, options.scopes ? { scopes: options.scopes } : {});
    this.now = options.now ?? (() => new Date());
    this.rateLimitResetSeconds = options.rateLimitResetSeconds ?? 1;
    this.rateLimitPerMinute = options.rateLimitPerMinute;
    this.window = new FixedWindow(options.rateLimitWindowMs ?? 60_000);
    if (options.memoizeListings) this.listings = new Map();
  }

  private emailIndex?: Map<string, CalendlyMemberSeed[]>;

  private membersByEmail(): Map<string, CalendlyMemberSeed[]> {
    if (!this.emailIndex) {
      this.emailIndex = new Map();
      for (const m of this.data.members) {
        const key = m.email.toLowerCase();
        this.emailIndex.set(key, [...(this.emailIndex.get(key) ?? []), m]);
      }
    }
    return this.emailIndex;
  }

  /** `compute()`, or its first result when listings are memoized. */
  private memo<T>(key: string, compute: () => T[]): T[] {
    if (!this.listings) return compute();
    let items = this.listings.get(key) as T[] | undefined;
    if (!items) this.listings.set(key, (items = compute()));
    return items;
  }

  /** Calendly's documented 429: `X-RateLimit-*` headers, the reset in seconds, no Retry-After. */
  rateLimitedFault(resetSeconds = this.rateLimitResetSeconds): Fault {
    return {
      type: 'status',
      status: 429,
      headers: {
        'X-RateLimit-Limit': String(this.rateLimitPerMinute ?? CALENDLY_RATE_LIMIT),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(resetSeconds),
      },
      body: { title: 'Too Many Requests', message: 'You have exceeded the rate limit. Please try again later.' },
    };
  }

  /**
   * Accepts `token` from now on: a personal access token of the token user limited to `scopes`
   * (without `scopes`, unrestricted, like a token issued before Calendly had scopes).
   */
  issueToken(token: string, { scopes }: { scopes?: readonly string[] } = {}): void {
    this.grants.set(token, scopes ? { scopes: new Set(scopes) } : {});
  }

  /** `token` is refused from now on (401), as a revoked or expired one is. */
  revokeToken(token: string): void {
    this.grants.delete(token);
  }

  private grantOf(req: FakeRequest): Grant | undefined {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer (.+)$/.exec(header) : null;
    return match ? this.grants.get(match[1]!) : undefined;
  }

  get organizationUri(): string {
    return `${this.url}/organizations/${this.data.organization.uuid}`;
  }

  userUri(uuid: string): string {
    return `${this.url}/users/${uuid}`;
  }

  override forgetRateLimitWindow(): void {
    this.window.forget(this.now().getTime());
  }

  private route(req: FakeRequest): FakeResponse {
    const grant = this.grantOf(req);
    if (!grant) {
      return calendlyError(401, 'Unauthenticated', 'The access token is invalid');
    }
    // Headers over a fixed one-minute window; the limit is enforced only with `rateLimitPerMinute` (else through faults).
    const nowMs = this.now().getTime();
    const { endMs } = this.window.at(nowMs);
    const limit = this.rateLimitPerMinute ?? CALENDLY_RATE_LIMIT;
    const reset = this.window.resetSeconds(nowMs, endMs);
    if (this.rateLimitPerMinute !== undefined && this.window.used >= this.rateLimitPerMinute) {
      const fault = this.rateLimitedFault(reset);
      return fault.type === 'status' ? { status: fault.status, headers: fault.headers, body: fault.body } : notFound();
    }
    this.window.used += 1;
    const response = this.dispatch(req, grant);
    response.headers = {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - this.window.used)),
      'X-RateLimit-Reset': String(reset),
      ...(response.headers ?? {}),
    };
    return response;
  }

  private dispatch(req: FakeRequest, grant: Grant): FakeResponse {
    if (req.method !== 'GET') return notFound();
    const parts = req.url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const params = req.url.searchParams;
    const needed =
      parts[0] === 'users'
        ? CALENDLY_ENDPOINT_SCOPES.users
        : parts[0] === 'organization_memberships'
          ? CALENDLY_ENDPOINT_SCOPES.organizationMemberships
          : parts[0] === 'organizations' && parts[2] === 'invitations'
            ? CALENDLY_ENDPOINT_SCOPES.organizationInvitations
            : undefined;
    if (needed && grant.scopes && !grant.scopes.has(needed) && !grant.scopes.has(needed.replace(/:read$/, ':write')))
      return permissionDenied();
    if (parts[0] === 'users' && parts.length === 2) {
      const uuid = parts[1] === 'me' ? this.data.tokenUserUuid : parts[1]!;
      const member = this.data.members.find((m) => m.uuid === uuid);
      return member ? json(200, { resource: this.renderUser(member, true) }) : notFound();
    }
    if (parts[0] === 'organization_memberships') {
      if (parts.length === 1) return this.listMemberships(req.url.pathname, params);
      if (parts.length === 2) {
        const member = this.data.members.find((m) => this.membershipUuid(m) === parts[1]);
        return member ? json(200, { resource: this.renderMembership(member) }) : notFound();
      }
    }
    if (parts[0] === 'organizations' && parts.length === 3 && parts[2] === 'invitations') {
      if (parts[1] !== this.data.organization.uuid) return permissionDenied();
      return this.listInvitations(req.url.pathname, params);
    }
    return notFound();
  }

  private listMemberships(path: string, params: URLSearchParams): FakeResponse {
    const organization = params.get('organization');
    const user = params.get('user');
    if (!organization && !user) return invalid('organization', 'organization or user is required');
    if (organization && organization !== this.organizationUri) return permissionDenied();
    const email = params.get('email')?.toLowerCase();
    const role = params.get('role');
    const select = (from: CalendlyMemberSeed[]) =>
      from
        .filter((m) => !this.omitFromMemberships.has(m.uuid))
        .filter((m) => !user || this.userUri(m.uuid) === user)
        .filter((m) => !email || m.email.toLowerCase() === email)
        .filter((m) => !role || m.role === role)
        .sort((a, b) => compareCodeUnits(a.created_at, b.created_at) || compareCodeUnits(a.uuid, b.uuid));
    // Memoized: a lookup by email (one request per person, as a naive audit does) uses an index.
    const members =
      this.listings && email
        ? select(this.membersByEmail().get(email) ?? [])
        : this.memo(`memberships?${user ?? ''}&${email ?? ''}&${role ?? ''}`, () => select([...this.data.members]));
    return this.page(path, params, members, (m) => this.renderMembership(m));
  }

  private listInvitations(path: string, params: URLSearchParams): FakeResponse {
    const status = params.get('status');
    if (status && !['pending', 'accepted', 'declined'].includes(status))
      return invalid('status', 'must be one of pending, accepted, declined');
    const sort = params.get('sort') ?? 'created_at:asc';
    if (!['created_at:asc', 'created_at:desc'].includes(sort))
      return invalid('sort', 'must be created_at:asc or created_at:desc');
    const email = params.get('email')?.toLowerCase();
    const invitations = this.memo(`invitations?${status ?? ''}&${email ?? ''}&${sort}`, () => {
      const sorted = [...this.data.invitations]
        .filter((i) => !status || i.status === status)
        .filter((i) => !email || i.email.toLowerCase() === email)
        .sort((a, b) => compareCodeUnits(a.created_at, b.created_at) || compareCodeUnits(a.uuid, b.uuid));
      return sort === 'created_at:desc' ? sorted.reverse() : sorted;
    });
    return this.page(path, params, invitations, (i) => this.renderInvitation(i));
  }

  /** One page of a collection, with Calendly's pagination object. */
  private page<T>(path: string, params: URLSearchParams, items: T[], render: (item: T) => unknown): FakeResponse {
    const countRaw = params.get('count');
    let count = CALENDLY_DEFAULT_COUNT;
    if (countRaw !== null) {
      if (!/^\d+$/.test(countRaw)) return invalid('count', 'must be an integer');
      count = Number(countRaw);
      if (count < 1 || count > CALENDLY_MAX_COUNT)
        return invalid('count', `must be between 1 and ${CALENDLY_MAX_COUNT}`);
    }
    // The token binds the listing (path and filters, not count or token) and the offset.
    const listing = new URLSearchParams(params);
    listing.delete('count');
    listing.delete('page_token');
    listing.sort();
    const key = createHash('sha256').update(`${path}?${listing}`).digest('hex').slice(0, 12);
    let offset = 0;
    const token = params.get('page_token');
    if (token !== null) {
      const decoded = decodeToken(token);
      if (!decoded || decoded.k !== key) return invalid('page_token', 'is invalid');
      offset = decoded.o;
    }
    const slice = items.slice(offset, offset + count);
    const nextToken = offset + count < items.length ? encodeToken({ k: key, o: offset + count }) : null;
    const previousToken = offset > 0 ? encodeToken({ k: key, o: Math.max(0, offset - count) }) : null;
    const link = (pageToken: string | null) => {
      if (pageToken === null) return null;
      const query = new URLSearchParams(params);
      query.set('count', String(count));
      query.set('page_token', pageToken);
      return `${this.url}${path}?${query}`;
    };
    return json(200, {
      collection: slice.map(render),
      pagination: {
        count: slice.length,
        next_page: link(nextToken),
        previous_page: link(previousToken),
        next_page_token: nextToken,
        previous_page_token: previousToken,
      },
    });
  }

  private membershipUuid(member: CalendlyMemberSeed): string {
    return member.membershipUuid ?? `M${member.uuid}`;
  }

  private renderUser(member: CalendlyMemberSeed, full: boolean): Record<string, unknown> {
    const slug = member.email
      .split('@')[0]!
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-');
    return {
      uri: this.userUri(member.uuid),
      name: member.name,
      slug,
      email: member.email,
      scheduling_url: `https://calendly.com/${slug}`,
      timezone: member.timezone ?? 'America/New_York',
      avatar_url: null,
      created_at: member.created_at,
      updated_at: member.created_at,
      ...(full ? { current_organization: this.organizationUri, resource_type: 'User', locale: 'en' } : {}),
    };
  }

  private renderMembership(member: CalendlyMemberSeed): Record<string, unknown> {
    return {
      uri: `${this.url}/organization_memberships/${this.membershipUuid(member)}`,
      role: member.role,
      user: this.renderUser(member, false),
      organization: this.organizationUri,
      created_at: member.created_at,
      updated_at: member.created_at,
    };
  }

  private renderInvitation(invitation: CalendlyInvitationSeed): Record<string, unknown> {
    return {
      uri: `${this.organizationUri}/invitations/${invitation.uuid}`,
      organization: this.organizationUri,
      email: invitation.email,
      status: invitation.status,
      created_at: invitation.created_at,
      updated_at: invitation.last_sent_at ?? invitation.created_at,
      last_sent_at: invitation.last_sent_at ?? null,
      ...(invitation.status === 'accepted' && invitation.userUuid ? { user: this.userUri(invitation.userUuid) } : {}),
    };
  }
}

function encodeToken(value: { k: string; o: number }): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken(token: string): { k: string; o: number } | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown; o?: unknown };
    if (typeof value.k === 'string' && typeof value.o === 'number' && Number.isSafeInteger(value.o) && value.o >= 0)
      return { k: value.k, o: value.o };
  } catch {
    // not one of ours
  }
  return undefined;
}

export function createCalendlySandbox(options: CalendlySandboxOptions): CalendlySandbox {
  return new CalendlySandbox(options);
}

/**
 * `count` members with deterministic uuids GENUSER0000001… and names that sort in uuid order,
 * created one minute apart from `createdFrom`, for pagination tests.
 */
export function generateCalendlyMembers(
  count: number,
  createdFrom = '2024-01-01T00:00:00Z',
  prefix = 'Generated Member',
): CalendlyMemberSeed[] {
  const start = Date.parse(createdFrom);
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(7, '0');
    return {
      uuid: `GENUSER${n}`,
      name: `${prefix} ${n}`,
      email: `generated-${n}@example.com`,
      role: 'user' as const,
      created_at: new Date(start + i * 60_000).toISOString(),
    };
  });
}
