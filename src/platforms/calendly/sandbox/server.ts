import type { Clock } from '../../../clock.js';
import { FakeServer, json, type Fault, type FakeRequest, type FakeResponse } from '../../../sandbox/fake-server.js';
import { FixedWindow } from '../../../sandbox/fixed-window.js';
import { ListingCache } from '../../../sandbox/listing-cache.js';
import { CalendlyCollections } from './collections.js';
import type { CalendlyData } from './data.js';
import { calendlyError, notFound, permissionDenied } from './errors.js';
import { CalendlyRenderer } from './render.js';

/**
 * A local fake of the Calendly API v2 (the read-only parts the audit uses), checked against
 * Calendly's developer docs (Get current user, List Organization Memberships, List Organization
 * Invitations, API conventions, Rate Limits):
 *
 * - Auth: `Authorization: Bearer <token>`, else 401
 *   `{"title":"Unauthenticated","message":"The access token is invalid"}` (also for a token revoked
 *   with `revokeToken`).
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

/** Calendly's documented per-user limit on paid plans. */
export const CALENDLY_RATE_LIMIT = 500;

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
  private readonly render: CalendlyRenderer;
  private readonly collections: CalendlyCollections;

  constructor(options: CalendlySandboxOptions) {
    // `this` is not there until super() returns: the router reaches the fake through `self`.
    const self: { it?: CalendlySandbox } = {};
    super(
      'calendly',
      (req) => self.it!.route(req),
      () => self.it!.rateLimitedFault(),
    );
    self.it = this;
    this.data = options.data;
    this.issueToken(options.token, options.scopes ? { scopes: options.scopes } : {});
    this.now = options.now ?? (() => new Date());
    this.rateLimitResetSeconds = options.rateLimitResetSeconds ?? 1;
    this.rateLimitPerMinute = options.rateLimitPerMinute;
    this.window = new FixedWindow(options.rateLimitWindowMs ?? 60_000);
    this.render = new CalendlyRenderer(this.data, () => this.url);
    const listings = new ListingCache(options.memoizeListings ?? false);
    this.collections = new CalendlyCollections(this.data, this.render, listings, this.omitFromMemberships);
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
    return match ? this.grants.get(match[1]) : undefined;
  }

  get organizationUri(): string {
    return this.render.organizationUri;
  }

  userUri(uuid: string): string {
    return this.render.userUri(uuid);
  }

  override forgetRateLimitWindow(): void {
    this.window.forget(this.now().getTime());
  }

  private route(req: FakeRequest): FakeResponse {
    const grant = this.grantOf(req);
    if (!grant) {
      return calendlyError(401, 'Unauthenticated', 'The access token is invalid');
    }
    // Headers over a fixed one-minute window; the limit is enforced only with `rateLimitPerMinute`
    // (else through faults).
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
      const uuid = parts[1] === 'me' ? this.data.tokenUserUuid : parts[1];
      const member = this.data.members.find((m) => m.uuid === uuid);
      return member ? json(200, { resource: this.render.user(member, true) }) : notFound();
    }
    if (parts[0] === 'organization_memberships') {
      if (parts.length === 1) return this.collections.memberships(req.url.pathname, params);
      if (parts.length === 2) {
        const member = this.data.members.find((m) => this.render.membershipUuid(m) === parts[1]);
        return member ? json(200, { resource: this.render.membership(member) }) : notFound();
      }
    }
    if (parts[0] === 'organizations' && parts.length === 3 && parts[2] === 'invitations') {
      if (parts[1] !== this.data.organization.uuid) return permissionDenied();
      return this.collections.invitations(req.url.pathname, params);
    }
    return notFound();
  }
}

export function createCalendlySandbox(options: CalendlySandboxOptions): CalendlySandbox {
  return new CalendlySandbox(options);
}
