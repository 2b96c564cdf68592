import type { Clock } from '../../../clock.js';
import { FakeServer, json, type Fault, type FakeRequest, type FakeResponse } from '../../../sandbox/fake-server.js';
import { ListingCache } from '../../../sandbox/listing-cache.js';
import type { PagerDutyData } from './data.js';
import { notFound, pdError, rateLimitExceeded } from './errors.js';
import { byNameThenId, filterByName, listPage } from './listing.js';
import { PdRenderer } from './render.js';
import { showSchedule } from './schedules.js';
import { listV3Schedules, showV3Schedule } from './schedules-v3.js';

/**
 * A local fake of the PagerDuty REST API v2 (the read-only parts the audit uses), checked against
 * PagerDuty's developer docs (REST-API: Authentication, Pagination, Errors, Rate Limits):
 *
 * - Auth: `Authorization: Token token=<token>`, else 401
 *   `{"error":{"message":"Authentication failed","code":2006}}` (2006 is documented as
 *   "Authentication failed"). `Accept: application/vnd.pagerduty+json;version=2` is expected but
 *   not required; requests without it are listed in `missingAcceptHeader`.
 * - Classic pagination: `limit` (default 25, clamped to 100, the used value is echoed), `offset`
 *   (default 0), `more`, `total` (null unless `total=true`). `offset + limit > 10000` → 400 code 2001.
 * - Errors: `{"error":{"message","code","errors"?}}`; unknown ids → 404
 *   `{"error":{"message":"Not Found","code":2100}}`.
 * - Rate limits: every evaluated response carries `ratelimit-limit`, `ratelimit-remaining`,
 *   `ratelimit-reset` (seconds); a 429 has `ratelimit-remaining: 0` and body code 2020. The docs warn
 *   that a 429 may come with neither the headers nor the body: `rateLimitedWithoutHeaders()`.
 *
 * Shift-based schedules (REST API `Schedules_v3`, PagerDuty's OpenAPI reference/REST/openapiv3.json):
 * - `GET /v3/schedules`: `schedule_v3_reference` items only (`id`, `type`, `summary`, `self`,
 *   `html_url`), never the v2 schedules; offset pagination with `limit` (default 100, max 1000,
 *   echoed), `offset`, `more`, `total` on `total=true`; `query` filters by name. v2 schedules are
 *   not listed here, and v3 schedules are not in `GET /schedules`.
 * - `GET /v3/schedules/{id}`:
 *   `{"schedule":{"type":"schedule_v3", rotations:[{events:[{assignment_strategy:{members}}]}], …}}`;
 *   with `include[]=final_schedule` and both `since` and `until`, a `final_schedule` with
 *   `rendered_coverage_percentage` and `computed_shift_assignments` (`start_time`, `end_time`,
 *   `member: {type: user_member|empty_member, user_id}`, `source`), clipped to the range unless
 *   `overflow=true`. `include[]=users` adds `users`. Another `include[]` value → 400 code 2001.
 * - The `X-EARLY-ACCESS: flexible-schedules-early-access` header is no longer required (changelog
 *   2026-05-18); requests that send it are served the same. `v3SchedulesDisabled` makes every
 *   `/v3/...` path answer 404 like an account without shift-based schedules.
 * - Escalation policies target them with `{"type":"schedule_v3_reference"}` (self under /v3/schedules).
 * - Entries (v2 `end`, v3 `end_time`) of a rota that never ends render as null.
 *
 * `data` is the live store: tests may push/splice users, schedules and policies between requests.
 */

export interface PagerDutySandboxOptions {
  token: string;
  data: PagerDutyData;
  now?: Clock;
  /** Enforce a sliding one-minute limit on authenticated requests (off by default). */
  rateLimitPerMinute?: number;
  /** `ratelimit-reset` seconds on injected 429s (default 1). */
  rateLimitResetSeconds?: number;
  /**
   * Length of the sliding window `rateLimitPerMinute` counts in, in ms (default 60 000). A shorter
   * one scales time for benchmarks: `ratelimit-reset` then has millisecond precision.
   */
  rateLimitWindowMs?: number;
  /** The data never changes while serving (benchmarks): filter and sort each listing once. */
  memoizeListings?: boolean;
  /** Base of `html_url` links (default `https://sandbox.pagerduty.com`). */
  webBaseUrl?: string;
  /** Every `/v3/...` path answers 404 (an account without shift-based schedules). */
  v3SchedulesDisabled?: boolean;
}

/** PagerDuty's documented per-minute limit for an account API key. */
export const PD_DOCUMENTED_RATE_LIMIT = 960;

const PD_ACCEPT = 'application/vnd.pagerduty+json;version=2';

export class PagerDutySandbox extends FakeServer {
  readonly data: PagerDutyData;
  /** Paths of requests that came without PagerDuty's v2 Accept header (they are still served). */
  readonly missingAcceptHeader: string[] = [];
  private readonly token: string;
  private readonly now: Clock;
  private readonly rateLimitPerMinute?: number;
  private readonly rateLimitResetSeconds: number;
  private readonly v3Disabled: boolean;
  private readonly window: number[] = [];
  private readonly windowMs: number;
  private readonly listings: ListingCache;
  private readonly indexes = new Map<unknown[], Map<string, unknown>>();
  private readonly render: PdRenderer;

  constructor(options: PagerDutySandboxOptions) {
    // `this` is not there until super() returns: the router reaches the fake through `self`.
    const self: { it?: PagerDutySandbox } = {};
    super(
      'pagerduty',
      (req) => self.it!.route(req),
      () => self.it!.rateLimitedFault(),
    );
    self.it = this;
    this.data = options.data;
    this.token = options.token;
    this.now = options.now ?? (() => new Date());
    this.rateLimitPerMinute = options.rateLimitPerMinute;
    this.rateLimitResetSeconds = options.rateLimitResetSeconds ?? 1;
    this.windowMs = options.rateLimitWindowMs ?? 60_000;
    this.listings = new ListingCache(options.memoizeListings ?? false);
    this.v3Disabled = options.v3SchedulesDisabled ?? false;
    this.render = new PdRenderer({
      data: this.data,
      get apiUrl() {
        return self.it!.url;
      },
      webBaseUrl: (options.webBaseUrl ?? 'https://sandbox.pagerduty.com').replace(/\/$/, ''),
      byId: <T extends { id: string }>(items: T[], id: string) => this.byId(items, id),
    });
  }

  /** PagerDuty's documented 429: rate-limit headers and a code-2020 body. */
  rateLimitedFault(resetSeconds = this.rateLimitResetSeconds): Fault {
    return {
      type: 'status',
      status: 429,
      headers: {
        'ratelimit-limit': String(this.rateLimitPerMinute ?? PD_DOCUMENTED_RATE_LIMIT),
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(resetSeconds),
      },
      body: rateLimitExceeded(),
    };
  }

  /**
   * The exceptional 429 the docs warn about: no `ratelimit-*` headers and (by default) no body
   * either. Pass `{ withBody: true }` to keep the code-2020 JSON body.
   */
  rateLimitedWithoutHeaders(options: { withBody?: boolean } = {}): Fault {
    return options.withBody
      ? { type: 'status', status: 429, body: rateLimitExceeded() }
      : { type: 'status', status: 429, body: '' };
  }

  override forgetRateLimitWindow(): void {
    this.window.length = 0;
  }

  private route(req: FakeRequest): FakeResponse {
    if (req.headers.authorization !== `Token token=${this.token}`) {
      return pdError(401, 'Authentication failed', 2006);
    }
    if (!req.url.pathname.startsWith('/v3/') && !String(req.headers.accept ?? '').includes(PD_ACCEPT))
      this.missingAcceptHeader.push(req.url.pathname);

    const nowMs = this.now().getTime();
    while (this.window.length > 0 && this.window[0] <= nowMs - this.windowMs) this.window.shift();
    const limit = this.rateLimitPerMinute ?? PD_DOCUMENTED_RATE_LIMIT;
    const resetSeconds = (): string => {
      const ms = this.window.length === 0 ? this.windowMs : this.window[0] + this.windowMs - nowMs;
      return this.windowMs === 60_000 ? String(Math.max(1, Math.ceil(ms / 1000))) : (Math.max(1, ms) / 1000).toFixed(3);
    };
    if (this.rateLimitPerMinute !== undefined && this.window.length >= this.rateLimitPerMinute) {
      return json(429, rateLimitExceeded(), {
        'ratelimit-limit': String(limit),
        'ratelimit-remaining': '0',
        'ratelimit-reset': resetSeconds(),
      });
    }
    this.window.push(nowMs);

    const response = this.dispatch(req);
    response.headers = {
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(Math.max(0, limit - this.window.length)),
      'ratelimit-reset': resetSeconds(),
      ...(response.headers ?? {}),
    };
    return response;
  }

  private dispatch(req: FakeRequest): FakeResponse {
    if (req.method !== 'GET') return notFound();
    const parts = req.url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const params = req.url.searchParams;
    if (parts[0] === 'v3') return this.dispatchV3(parts.slice(1), params);
    if (parts.length === 1) {
      switch (parts[0]) {
        case 'users':
          return this.listUsers(params);
        case 'schedules': {
          const key = `schedules?${params.get('query') ?? ''}`;
          const schedules = this.memo(key, () => filterByName(this.data.schedules, params));
          return this.list('schedules', params, schedules, (s) => this.render.schedule(s));
        }
        case 'escalation_policies': {
          const key = `escalation_policies?${params.get('query') ?? ''}`;
          const policies = this.memo(key, () => filterByName(this.data.escalationPolicies, params));
          return this.list('escalation_policies', params, policies, (p) => this.render.policy(p));
        }
      }
    }
    if (parts.length === 2) {
      const id = parts[1];
      switch (parts[0]) {
        case 'users': {
          const user = this.byId(this.data.users, id);
          return user ? json(200, { user: this.render.user(user) }) : notFound();
        }
        case 'schedules': {
          const schedule = this.byId(this.data.schedules, id);
          return schedule ? showSchedule(schedule, params, this.render, this.now) : notFound();
        }
        case 'escalation_policies': {
          const policy = this.data.escalationPolicies.find((p) => p.id === id);
          return policy ? json(200, { escalation_policy: this.render.policy(policy) }) : notFound();
        }
      }
    }
    return notFound();
  }

  private dispatchV3(parts: string[], params: URLSearchParams): FakeResponse {
    if (this.v3Disabled || parts[0] !== 'schedules') return notFound();
    const schedules = this.data.v3Schedules ?? [];
    if (parts.length === 1) return listV3Schedules(schedules, params, this.render);
    if (parts.length === 2) {
      const schedule = schedules.find((candidate) => candidate.id === parts[1]);
      return schedule ? showV3Schedule(schedule, params, this.render) : notFound();
    }
    return notFound();
  }

  private listUsers(params: URLSearchParams): FakeResponse {
    const query = params.get('query')?.toLowerCase();
    const teamIds = params.getAll('team_ids[]');
    const users = this.memo(`users?${query ?? ''}&${teamIds.join()}`, () =>
      this.data.users.filter(
        (u) =>
          (!query || u.name.toLowerCase().includes(query) || u.email.toLowerCase().includes(query)) &&
          (teamIds.length === 0 || (u.teamIds ?? []).some((t) => teamIds.includes(t))),
      ),
    );
    return this.list('users', params, users, (u) => this.render.user(u));
  }

  /** One page of a v2 listing; memoized listings are in listing order already. */
  private list<T extends { id: string; name: string }>(
    collection: string,
    params: URLSearchParams,
    items: T[],
    render: (item: T) => unknown,
  ): FakeResponse {
    return listPage(collection, params, items, render, { sorted: this.listings.enabled });
  }

  /** The item with `id` (an index when listings are memoized: the data does not change). */
  private byId<T extends { id: string }>(items: T[], id: string): T | undefined {
    if (!this.listings.enabled) return items.find((item) => item.id === id);
    let index = this.indexes.get(items) as Map<string, T> | undefined;
    if (!index) this.indexes.set(items, (index = new Map(items.map((item) => [item.id, item]))));
    return index.get(id);
  }

  /** `compute()`, or its first result, sorted, when listings are memoized. */
  private memo<T extends { id: string; name: string }>(key: string, compute: () => T[]): T[] {
    if (!this.listings.enabled) return compute();
    return this.listings.get(key, () => [...compute()].sort(byNameThenId));
  }
}

export function createPagerDutySandbox(options: PagerDutySandboxOptions): PagerDutySandbox {
  return new PagerDutySandbox(options);
}
