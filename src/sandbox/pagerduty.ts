import { DateTime } from 'luxon';
import type { Clock } from '../clock.js';
import { FakeServer, json, type Fault, type FakeRequest, type FakeResponse } from './fake-server.js';

/**
 * A local fake of the PagerDuty REST API v2 (the read-only parts the audit uses), checked against
 * PagerDuty's developer docs (REST-API: Authentication, Pagination, Errors, Rate Limits):
 *
 * - Auth: `Authorization: Token token=<token>`, else 401 `{"error":{"message":"Authentication failed","code":2006}}`
 *   (2006 is documented as "Authentication failed"). `Accept: application/vnd.pagerduty+json;version=2`
 *   is expected but not required; requests without it are listed in `missingAcceptHeader`.
 * - Classic pagination: `limit` (default 25, clamped to 100, the used value is echoed), `offset`
 *   (default 0), `more`, `total` (null unless `total=true`). `offset + limit > 10000` → 400 code 2001.
 * - Errors: `{"error":{"message","code","errors"?}}`; unknown ids → 404 `{"error":{"message":"Not Found","code":2100}}`.
 * - Rate limits: every evaluated response carries `ratelimit-limit`, `ratelimit-remaining`,
 *   `ratelimit-reset` (seconds); a 429 has `ratelimit-remaining: 0` and body code 2020. The docs warn
 *   that a 429 may come with neither the headers nor the body: `rateLimitedWithoutHeaders()`.
 *
 * Shift-based schedules (REST API `Schedules_v3`, PagerDuty's OpenAPI reference/REST/openapiv3.json):
 * - `GET /v3/schedules`: `schedule_v3_reference` items only (`id`, `type`, `summary`, `self`,
 *   `html_url`), never the v2 schedules; offset pagination with `limit` (default 100, max 1000,
 *   echoed), `offset`, `more`, `total` on `total=true`; `query` filters by name. v2 schedules are
 *   not listed here, and v3 schedules are not in `GET /schedules`.
 * - `GET /v3/schedules/{id}`: `{"schedule":{"type":"schedule_v3", rotations:[{events:[{assignment_strategy:{members}}]}], …}}`;
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

export type PdRole =
  | 'admin'
  | 'user'
  | 'limited_user'
  | 'observer'
  | 'owner'
  | 'read_only_user'
  | 'restricted_access'
  | 'read_only_limited_user';

export interface PdUser {
  id: string;
  name: string;
  email: string;
  role: PdRole;
  time_zone: string;
  /** True while the user has been invited but never accepted (never activated the account). */
  invitation_sent: boolean;
  job_title?: string | null;
  description?: string | null;
  teamIds?: string[];
}

export interface PdCoverageEntry {
  /** ISO-8601 instants; a null end never ends (rendered as null). */
  start: string;
  end: string | null;
  userId: string;
}

/** One stretch of a shift-based schedule's final schedule; `userId` null is an `empty_member` slot. */
export interface PdV3CoverageEntry {
  start: string;
  end: string | null;
  userId: string | null;
}

export interface PdV3Event {
  id: string;
  name: string;
  /** User members of the event's assignment strategy (may include ids that no longer exist). */
  memberIds: string[];
  /** Default: rotating, one shift per member. */
  strategy?: 'rotating_member_assignment_strategy' | 'every_member_assignment_strategy';
  effective_since: string;
  /** Null or absent: indefinite. */
  effective_until?: string | null;
  /** Default ['RRULE:FREQ=WEEKLY']. */
  recurrence?: string[];
}

/** A shift-based (v3) schedule: rotations of events; its final schedule is `coverage`. */
export interface PdScheduleV3 {
  id: string;
  name: string;
  time_zone: string;
  description?: string | null;
  rotations: Array<{ id: string; events: PdV3Event[] }>;
  /** The computed final schedule (rotations, custom shifts and overrides), as on-call stretches. */
  coverage: PdV3CoverageEntry[];
  teamIds?: string[];
}

export interface PdSchedule {
  id: string;
  name: string;
  time_zone: string;
  description?: string | null;
  /** Users on the schedule's layers (the API's `users`). May include ids that no longer exist. */
  userIds: string[];
  /** The final schedule (after layers and overrides), as on-call stretches; gaps are uncovered time. */
  coverage: PdCoverageEntry[];
  teamIds?: string[];
}

export interface PdTarget {
  /** `schedule_v3`: a shift-based schedule (rendered as a `schedule_v3_reference`). */
  type: 'user' | 'schedule' | 'schedule_v3';
  /** May point at nothing (a deleted user or schedule): rendered as a dead reference. */
  id: string;
}

export interface PdEscalationRule {
  /** Defaults to `<policy id>R<n>`. */
  id?: string;
  delayMinutes: number;
  targets: PdTarget[];
}

export interface PdEscalationPolicy {
  id: string;
  name: string;
  description?: string | null;
  num_loops: number;
  on_call_handoff_notifications?: 'if_has_services' | 'always';
  rules: PdEscalationRule[];
  services?: Array<{ id: string; name: string }>;
  teamIds?: string[];
}

export interface PdTeam {
  id: string;
  name: string;
}

export interface PagerDutyData {
  users: PdUser[];
  schedules: PdSchedule[];
  escalationPolicies: PdEscalationPolicy[];
  /** Shift-based schedules, served only under `/v3/schedules`. */
  v3Schedules?: PdScheduleV3[];
  /** Optional: names for team references (unknown team ids are rendered with the id as summary). */
  teams?: PdTeam[];
}

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

export interface PdReference {
  id: string;
  type: string;
  summary: string;
  self: string;
  html_url: string;
}

export const PD_MAX_LIMIT = 100;
export const PD_DEFAULT_LIMIT = 25;
export const PD_MAX_RECORDS = 10_000;
/** `GET /v3/schedules`: `limit` default 100, maximum 1000 (OpenAPI schedule_v3_limit_schedules). */
export const PD_V3_DEFAULT_LIMIT = 100;
export const PD_V3_MAX_LIMIT = 1000;
/** PagerDuty's documented per-minute limit for an account API key. */
export const PD_DOCUMENTED_RATE_LIMIT = 960;

const PD_ACCEPT = 'application/vnd.pagerduty+json;version=2';
const DEFAULT_WINDOW_MS = 14 * 24 * 3600 * 1000;

export function pdError(status: number, message: string, code: number, errors?: string[]): FakeResponse {
  const error: Record<string, unknown> = { message, code };
  if (errors) error.errors = errors;
  return json(status, { error });
}

const notFound = (): FakeResponse => pdError(404, 'Not Found', 2100);

export class PagerDutySandbox extends FakeServer {
  readonly data: PagerDutyData;
  /** Paths of requests that came without PagerDuty's v2 Accept header (they are still served). */
  readonly missingAcceptHeader: string[] = [];
  private readonly token: string;
  private readonly now: Clock;
  private readonly rateLimitPerMinute?: number;
  private readonly rateLimitResetSeconds: number;
  private readonly webBaseUrl: string;
  private readonly v3Disabled: boolean;
  private readonly window: number[] = [];
  private readonly windowMs: number;
  private readonly listings?: Map<string, unknown[]>;
  private readonly indexes = new Map<unknown[], Map<string, unknown>>();

  constructor(options: PagerDutySandboxOptions) {
    let self: PagerDutySandbox | undefined;
    super(
      'pagerduty',
      (req) => self!.route(req),
      () => self!.rateLimitedFault(),
    );
    self = this;
    this.data = options.data;
    this.token = options.token;
    this.now = options.now ?? (() => new Date());
    this.rateLimitPerMinute = options.rateLimitPerMinute;
    this.rateLimitResetSeconds = options.rateLimitResetSeconds ?? 1;
    this.windowMs = options.rateLimitWindowMs ?? 60_000;
    if (options.memoizeListings) this.listings = new Map();
    this.webBaseUrl = (options.webBaseUrl ?? 'https://sandbox.pagerduty.com').replace(/\/$/, '');
    this.v3Disabled = options.v3SchedulesDisabled ?? false;
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
      body: { error: { message: 'Rate Limit Exceeded', code: 2020 } },
    };
  }

  /**
   * The exceptional 429 the docs warn about: no `ratelimit-*` headers and (by default) no body
   * either. Pass `{ withBody: true }` to keep the code-2020 JSON body.
   */
  rateLimitedWithoutHeaders(options: { withBody?: boolean } = {}): Fault {
    return options.withBody
      ? { type: 'status', status: 429, body: { error: { message: 'Rate Limit Exceeded', code: 2020 } } }
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
    while (this.window.length > 0 && this.window[0]! <= nowMs - this.windowMs) this.window.shift();
    const limit = this.rateLimitPerMinute ?? PD_DOCUMENTED_RATE_LIMIT;
    const resetSeconds = (): string => {
      const ms = this.window.length === 0 ? this.windowMs : this.window[0]! + this.windowMs - nowMs;
      return this.windowMs === 60_000 ? String(Math.max(1, Math.ceil(ms / 1000))) : (Math.max(1, ms) / 1000).toFixed(3);
    };
    if (this.rateLimitPerMinute !== undefined && this.window.length >= this.rateLimitPerMinute) {
      return json(
        429,
        { error: { message: 'Rate Limit Exceeded', code: 2020 } },
        {
          'ratelimit-limit': String(limit),
          'ratelimit-remaining': '0',
          'ratelimit-reset': resetSeconds(),
        },
      );
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
        case 'schedules':
          return this.list(
            'schedules',
            params,
            this.memo(`schedules?${params.get('query') ?? ''}`, () => this.filterByName(this.data.schedules, params)),
            (s) => this.renderSchedule(s),
          );
        case 'escalation_policies':
          return this.list(
            'escalation_policies',
            params,
            this.memo(`escalation_policies?${params.get('query') ?? ''}`, () =>
              this.filterByName(this.data.escalationPolicies, params),
            ),
            (p) => this.renderPolicy(p),
          );
      }
    }
    if (parts.length === 2) {
      const id = parts[1]!;
      switch (parts[0]) {
        case 'users': {
          const user = this.byId(this.data.users, id);
          return user ? json(200, { user: this.renderUser(user) }) : notFound();
        }
        case 'schedules': {
          const schedule = this.byId(this.data.schedules, id);
          return schedule ? this.showSchedule(schedule, params) : notFound();
        }
        case 'escalation_policies': {
          const policy = this.data.escalationPolicies.find((p) => p.id === id);
          return policy ? json(200, { escalation_policy: this.renderPolicy(policy) }) : notFound();
        }
      }
    }
    return notFound();
  }

  private dispatchV3(parts: string[], params: URLSearchParams): FakeResponse {
    if (this.v3Disabled || parts[0] !== 'schedules') return notFound();
    const schedules = this.data.v3Schedules ?? [];
    if (parts.length === 1) return this.listV3Schedules(schedules, params);
    if (parts.length === 2) {
      const schedule = schedules.find((candidate) => candidate.id === parts[1]);
      return schedule ? this.showV3Schedule(schedule, params) : notFound();
    }
    return notFound();
  }

  private listV3Schedules(schedules: PdScheduleV3[], params: URLSearchParams): FakeResponse {
    // No offset cap is documented for v3; its pages are larger.
    const sorted = [...this.filterByName(schedules, params)].sort(byNameThenId);
    return this.list('schedules', params, sorted, (schedule) => this.v3ScheduleRef(schedule.id), {
      defaultLimit: PD_V3_DEFAULT_LIMIT,
      maxLimit: PD_V3_MAX_LIMIT,
      maxRecords: Infinity,
      sorted: true,
    });
  }

  private showV3Schedule(schedule: PdScheduleV3, params: URLSearchParams): FakeResponse {
    const include = params.getAll('include[]');
    const unknown = include.filter((value) => value !== 'final_schedule' && value !== 'users');
    if (unknown.length > 0)
      return pdError(400, 'Invalid Input Provided', 2001, [
        `include[] must be final_schedule, not ${unknown.join(', ')}`,
      ]);
    const range = timeRange(params);
    if ('status' in range) return range;
    const { since, until } = range;
    if (since !== undefined && until !== undefined && until < since)
      return pdError(400, 'Invalid Query Date Range', 2005);
    const zone = params.get('time_zone') || schedule.time_zone;
    const rendered: Record<string, unknown> = {
      id: schedule.id,
      type: 'schedule_v3',
      name: schedule.name,
      time_zone: schedule.time_zone,
      description: schedule.description ?? '',
      teams: (schedule.teamIds ?? []).map((id) => this.teamRef(id)),
      escalation_policies: this.data.escalationPolicies
        .filter((p) => p.rules.some((r) => r.targets.some((t) => t.type === 'schedule_v3' && t.id === schedule.id)))
        .map((p) => this.ref('escalation_policy_reference', 'escalation_policies', p.id, p.name)),
      rotations: schedule.rotations.map((rotation) => ({
        id: rotation.id,
        type: 'schedule_rotation',
        events: rotation.events.map((event) => ({
          id: event.id,
          type: 'schedule_event',
          name: event.name,
          start_time: { date_time: event.effective_since, time_zone: schedule.time_zone },
          end_time: {
            date_time: new Date(Date.parse(event.effective_since) + 7 * 24 * 3600 * 1000).toISOString(),
            time_zone: schedule.time_zone,
          },
          effective_since: event.effective_since,
          effective_until: event.effective_until ?? null,
          recurrence: event.recurrence ?? ['RRULE:FREQ=WEEKLY'],
          assignment_strategy: {
            type: event.strategy ?? 'rotating_member_assignment_strategy',
            ...((event.strategy ?? 'rotating_member_assignment_strategy') === 'rotating_member_assignment_strategy'
              ? { shifts_per_member: 1 }
              : {}),
            members: event.memberIds.map((id) => ({ type: 'user_member', user_id: id })),
          },
          self: `${this.url}/v3/schedules/${schedule.id}/rotations/${rotation.id}/events/${event.id}`,
          html_url: `${this.webBaseUrl}/schedules/${schedule.id}`,
        })),
        self: `${this.url}/v3/schedules/${schedule.id}/rotations/${rotation.id}`,
        html_url: `${this.webBaseUrl}/schedules/${schedule.id}`,
      })),
      self: `${this.url}/v3/schedules/${schedule.id}`,
      html_url: `${this.webBaseUrl}/schedules/${schedule.id}`,
    };
    if (include.includes('users')) {
      const ids = new Set(
        schedule.rotations.flatMap((rotation) => rotation.events.flatMap((event) => event.memberIds)),
      );
      rendered.users = [...ids].map((id) => this.userRef(id));
    }
    // Documented: only with include[]=final_schedule and since/until.
    if (include.includes('final_schedule') && since !== undefined && until !== undefined) {
      const overflow = params.get('overflow') === 'true';
      const shifts = schedule.coverage
        .map((entry) => {
          const from = Date.parse(entry.start);
          const to = entry.end === null ? null : Date.parse(entry.end);
          return { from, to, userId: entry.userId };
        })
        .filter((entry) => (entry.to === null || entry.to > since) && entry.from < until)
        .sort((a, b) => a.from - b.from || (a.to ?? Infinity) - (b.to ?? Infinity));
      let covered = 0;
      let reach = since;
      for (const shift of shifts) {
        if (shift.userId === null) continue;
        const to = Math.min(shift.to ?? until, until);
        if (to > reach) {
          covered += to - Math.max(shift.from, reach);
          reach = to;
        }
      }
      rendered.final_schedule = {
        type: 'final_schedule',
        rendered_coverage_percentage: until === since ? 100 : Math.round((covered / (until - since)) * 10_000) / 100,
        computed_shift_assignments: shifts.map((shift) => ({
          type: 'computed_shift_assignment',
          start_time: isoInZone(overflow ? shift.from : Math.max(shift.from, since), zone),
          end_time: shift.to === null ? null : isoInZone(overflow ? shift.to : Math.min(shift.to, until), zone),
          member: shift.userId === null ? { type: 'empty_member' } : { type: 'user_member', user_id: shift.userId },
          source: { type: 'schedule_rotation', rotation_id: schedule.rotations[0]?.id ?? 'R1' },
        })),
      };
    }
    return json(200, { schedule: rendered });
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
    return this.list('users', params, users, (u) => this.renderUser(u));
  }

  /** The item with `id` (an index when listings are memoized: the data does not change). */
  private byId<T extends { id: string }>(items: T[], id: string): T | undefined {
    if (!this.listings) return items.find((item) => item.id === id);
    let index = this.indexes.get(items) as Map<string, T> | undefined;
    if (!index) this.indexes.set(items, (index = new Map(items.map((item) => [item.id, item]))));
    return index.get(id);
  }

  /** `compute()`, or its first result when listings are memoized. */
  private memo<T>(key: string, compute: () => T[]): T[] {
    if (!this.listings) return compute();
    let items = this.listings.get(key) as T[] | undefined;
    if (!items) this.listings.set(key, (items = [...compute()].sort(byNameThenId as (a: T, b: T) => number)));
    return items;
  }

  private filterByName<T extends { name: string }>(items: T[], params: URLSearchParams): T[] {
    const query = params.get('query')?.toLowerCase();
    return query ? items.filter((item) => item.name.toLowerCase().includes(query)) : items;
  }

  private list<T extends { id: string; name: string }>(
    collection: string,
    params: URLSearchParams,
    items: T[],
    render: (item: T) => unknown,
    {
      defaultLimit = PD_DEFAULT_LIMIT,
      maxLimit = PD_MAX_LIMIT,
      maxRecords = PD_MAX_RECORDS,
      sorted: presorted = false,
    } = {},
  ): FakeResponse {
    const limitRaw = params.get('limit');
    const offsetRaw = params.get('offset');
    const requestedLimit = limitRaw === null || limitRaw === '' ? defaultLimit : Number(limitRaw);
    const offset = offsetRaw === null || offsetRaw === '' ? 0 : Number(offsetRaw);
    if (!Number.isInteger(requestedLimit) || requestedLimit < 1) {
      return pdError(400, 'Invalid Input Provided', 2001, ['limit must be a positive integer']);
    }
    if (!Number.isInteger(offset) || offset < 0) {
      return pdError(400, 'Invalid Input Provided', 2001, ['offset must be a non-negative integer']);
    }
    const limit = Math.min(requestedLimit, maxLimit);
    if (offset + limit > maxRecords) {
      return pdError(400, 'Invalid Input Provided', 2001, [
        `Offset + limit must not exceed ${maxRecords} (got offset ${offset}, limit ${limit}); use a filter to narrow the results.`,
      ]);
    }
    // Memoized listings are sorted already.
    const sorted = presorted || this.listings ? items : [...items].sort(byNameThenId);
    const page = sorted.slice(offset, offset + limit);
    return json(200, {
      [collection]: page.map(render),
      limit,
      offset,
      more: offset + page.length < sorted.length,
      total: params.get('total') === 'true' ? sorted.length : null,
    });
  }

  private showSchedule(schedule: PdSchedule, params: URLSearchParams): FakeResponse {
    const range = timeRange(params);
    if ('status' in range) return range;
    const { since, until } = range;
    const start = since ?? (until !== undefined ? until - DEFAULT_WINDOW_MS : this.now().getTime());
    const end = until ?? start + DEFAULT_WINDOW_MS;
    if (end < start) return pdError(400, 'Invalid Query Date Range', 2005);
    const zone = params.get('time_zone') || schedule.time_zone;

    const entries = schedule.coverage
      .map((entry) => ({
        from: Math.max(Date.parse(entry.start), start),
        to: Math.min(entry.end === null ? end : Date.parse(entry.end), end),
        open: entry.end === null,
        userId: entry.userId,
      }))
      .filter((entry) => entry.to > entry.from)
      .sort((a, b) => a.from - b.from || a.to - b.to);
    // Covered time is the union of the entries (overlaps count once).
    let covered = 0;
    let reach = start;
    for (const entry of entries) {
      if (entry.to > reach) {
        covered += entry.to - Math.max(entry.from, reach);
        reach = entry.to;
      }
    }
    const percentage = end === start ? 100 : Math.round((covered / (end - start)) * 10_000) / 100;

    return json(200, {
      schedule: {
        ...this.renderSchedule(schedule),
        final_schedule: {
          name: 'Final Schedule',
          rendered_schedule_entries: entries.map((entry) => ({
            start: isoInZone(entry.from, zone),
            end: entry.open ? null : isoInZone(entry.to, zone),
            user: this.userRef(entry.userId),
          })),
          // Documented: null unless since or until are set.
          rendered_coverage_percentage: since !== undefined || until !== undefined ? percentage : null,
        },
      },
    });
  }

  private renderUser(user: PdUser): Record<string, unknown> {
    return {
      id: user.id,
      type: 'user',
      summary: user.name,
      self: `${this.url}/users/${user.id}`,
      html_url: `${this.webBaseUrl}/users/${user.id}`,
      name: user.name,
      email: user.email,
      time_zone: user.time_zone,
      color: 'purple',
      role: user.role,
      avatar_url: `https://secure.gravatar.com/avatar/${user.id.toLowerCase()}.png?d=mm&r=PG`,
      description: user.description ?? null,
      invitation_sent: user.invitation_sent,
      job_title: user.job_title ?? null,
      teams: (user.teamIds ?? []).map((id) => this.teamRef(id)),
      contact_methods: [],
      notification_rules: [],
    };
  }

  private renderSchedule(schedule: PdSchedule): Record<string, unknown> {
    return {
      id: schedule.id,
      type: 'schedule',
      summary: schedule.name,
      self: `${this.url}/schedules/${schedule.id}`,
      html_url: `${this.webBaseUrl}/schedules/${schedule.id}`,
      name: schedule.name,
      time_zone: schedule.time_zone,
      description: schedule.description ?? null,
      users: schedule.userIds.map((id) => this.userRef(id)),
      escalation_policies: this.data.escalationPolicies
        .filter((p) => p.rules.some((r) => r.targets.some((t) => t.type === 'schedule' && t.id === schedule.id)))
        .map((p) => this.ref('escalation_policy_reference', 'escalation_policies', p.id, p.name)),
      teams: (schedule.teamIds ?? []).map((id) => this.teamRef(id)),
    };
  }

  private renderPolicy(policy: PdEscalationPolicy): Record<string, unknown> {
    return {
      id: policy.id,
      type: 'escalation_policy',
      summary: policy.name,
      self: `${this.url}/escalation_policies/${policy.id}`,
      html_url: `${this.webBaseUrl}/escalation_policies/${policy.id}`,
      name: policy.name,
      description: policy.description ?? null,
      num_loops: policy.num_loops,
      on_call_handoff_notifications: policy.on_call_handoff_notifications ?? 'if_has_services',
      escalation_rules: policy.rules.map((rule, index) => ({
        id: rule.id ?? `${policy.id}R${index + 1}`,
        escalation_delay_in_minutes: rule.delayMinutes,
        targets: rule.targets.map((target) =>
          target.type === 'user'
            ? this.userRef(target.id)
            : target.type === 'schedule_v3'
              ? this.v3ScheduleRef(target.id)
              : this.scheduleRef(target.id),
        ),
      })),
      services: (policy.services ?? []).map((s) => this.ref('service_reference', 'services', s.id, s.name)),
      teams: (policy.teamIds ?? []).map((id) => this.teamRef(id)),
    };
  }

  private userRef(id: string): PdReference {
    return this.ref('user_reference', 'users', id, this.byId(this.data.users, id)?.name);
  }

  private scheduleRef(id: string): PdReference {
    return this.ref('schedule_reference', 'schedules', id, this.byId(this.data.schedules, id)?.name);
  }

  /** PagerDuty's `schedule_v3_reference`: self under /v3/schedules, html_url under /schedules. */
  private v3ScheduleRef(id: string): PdReference {
    const name = (this.data.v3Schedules ?? []).find((schedule) => schedule.id === id)?.name;
    return { ...this.ref('schedule_v3_reference', 'schedules', id, name), self: `${this.url}/v3/schedules/${id}` };
  }

  private teamRef(id: string): PdReference {
    return this.ref('team_reference', 'teams', id, this.data.teams?.find((t) => t.id === id)?.name);
  }

  /** A dead reference (nothing with that id) keeps its id and gets the id as summary. */
  private ref(type: string, path: string, id: string, name: string | undefined): PdReference {
    return {
      id,
      type,
      summary: name ?? id,
      self: `${this.url}/${path}/${id}`,
      html_url: `${this.webBaseUrl}/${path}/${id}`,
    };
  }
}

export function createPagerDutySandbox(options: PagerDutySandboxOptions): PagerDutySandbox {
  return new PagerDutySandbox(options);
}

function byNameThenId(a: { id: string; name: string }, b: { id: string; name: string }): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** PagerDuty renders schedule times in the schedule's (or the requested) time zone, with an offset. */
function isoInZone(ms: number, zone: string): string {
  const dt = DateTime.fromMillis(ms, { zone });
  return (dt.isValid ? dt : DateTime.fromMillis(ms, { zone: 'UTC' })).toISO({ suppressMilliseconds: true })!;
}

/**
 * `count` users with deterministic ids P0000001… and names that sort in id order, for pagination
 * tests. `prefix` starts every name (default "Generated User").
 */
export function generatePagerDutyUsers(count: number, prefix = 'Generated User'): PdUser[] {
  const slug =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'user';
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(7, '0');
    return {
      id: `P${n}`,
      name: `${prefix} ${n}`,
      email: `${slug}-${n}@example.com`,
      role: 'user' as const,
      time_zone: 'Etc/UTC',
      invitation_sent: false,
      job_title: null,
      description: null,
      teamIds: [],
    };
  });
}

/** `since` and `until` of a schedule render (epoch ms, each optional), or PagerDuty's 400 for an unreadable one. */
function timeRange(params: URLSearchParams): { since?: number; until?: number } | FakeResponse {
  const sinceRaw = params.get('since');
  const untilRaw = params.get('until');
  const since = sinceRaw ? Date.parse(sinceRaw) : undefined;
  const until = untilRaw ? Date.parse(untilRaw) : undefined;
  if ((since !== undefined && Number.isNaN(since)) || (until !== undefined && Number.isNaN(until))) {
    return pdError(400, "Invalid time values in 'since' and/or 'until' parameters", 2004);
  }
  return { since, until };
}
