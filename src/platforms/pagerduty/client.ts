import { VendorClient, type VendorClientOptions } from '../../http/client.js';
import { PAGERDUTY_RATE_LIMIT_HEADERS } from './rate-limit.js';
import { HttpError } from '../../http/errors.js';
import { IncompleteListingError, collectOffsetPages, pick } from '../../http/paginate.js';
import { coverageWindow } from './coverage.js';
import { listAllUsers, type UserListingOptions } from './listing.js';
import {
  isScheduleTarget,
  isV3ScheduleTarget,
  type PagerDutySnapshot,
  type PdCoverage,
  type PdEscalationPolicy,
  type PdReference,
  type PdRenderedEntry,
  type PdSchedule,
  type PdScheduleDetail,
  type PdUser,
  type PdV3Member,
  type PdV3ScheduleDetail,
} from './types.js';

/** `GET /v3/schedules` takes `limit` up to 1000 (PagerDuty's OpenAPI: schedule_v3_limit_schedules). */
export const V3_SCHEDULES_PAGE_SIZE = 1000;

export function createPagerDutyHttp(
  options: Omit<VendorClientOptions, 'vendor' | 'headers' | 'rateLimitHeaders'> & { token: string },
): VendorClient {
  const { token, ...rest } = options;
  return new VendorClient({
    ...rest,
    vendor: 'pagerduty',
    rateLimitHeaders: PAGERDUTY_RATE_LIMIT_HEADERS,
    headers: {
      authorization: `Token token=${token}`,
      accept: 'application/vnd.pagerduty+json;version=2',
    },
  });
}

export interface SnapshotOptions {
  now: Date;
  /** ISO-8601 look-ahead window of the coverage check. */
  coverageWindow: string;
  /** Schedule ids narrowing the schedule audit; absent: every schedule. */
  schedules?: readonly string[];
  /** Schedule ids the roster lists (`pagerduty.schedules`): their members are needed even when narrowed out. */
  rosterSchedules?: readonly string[];
}

/** One shift-based schedule read with its members and its final schedule over [since, until). */
export interface V3ScheduleRead {
  schedule: PdSchedule;
  percentage: number | null;
  entries: PdRenderedEntry[];
}

export class PagerDutyClient {
  constructor(
    readonly http: VendorClient,
    private readonly listing: UserListingOptions = {},
  ) {}

  /** Every user, also past the 10,000 offset cap (see listAllUsers). */
  users(): Promise<PdUser[]> {
    return listAllUsers(this.http, this.listing);
  }

  schedules(): Promise<PdSchedule[]> {
    return collectOffsetPages<PdSchedule>(this.http, 'schedules', 'schedules', {}, { project: slimSchedule });
  }

  escalationPolicies(): Promise<PdEscalationPolicy[]> {
    return collectOffsetPages<PdEscalationPolicy>(
      this.http,
      'escalation_policies',
      'escalation_policies',
      {},
      { project: slimPolicy },
    );
  }

  /** One schedule with its final schedule rendered over [since, until). */
  async schedule(id: string, since: Date, until: Date): Promise<PdScheduleDetail> {
    const { body } = await this.http.getJson<{ schedule?: PdScheduleDetail }>(`schedules/${encodeURIComponent(id)}`, {
      since: since.toISOString(),
      until: until.toISOString(),
    });
    if (!body?.schedule || typeof body.schedule !== 'object')
      throw new Error(`pagerduty GET /schedules/${id}: the response has no "schedule"`);
    return slimScheduleDetail(body.schedule);
  }

  /**
   * Every shift-based (v3) schedule, as references (`GET /v3/schedules`, offset pagination): the
   * listing has no members, and no v2 schedule. Every page, or IncompleteListingError.
   */
  v3Schedules(): Promise<PdSchedule[]> {
    return collectOffsetPages<PdSchedule>(
      this.http,
      'v3/schedules',
      'schedules',
      {},
      { pageSize: V3_SCHEDULES_PAGE_SIZE, project: v3Listed },
    );
  }

  /**
   * One shift-based schedule with its final schedule computed over [since, until)
   * (`include[]=final_schedule`). Members are the user members of its rotations' events that
   * have not ended before `since`, the users of its computed shifts (custom shifts and overrides
   * included) and, if PagerDuty sends them, its `users`. Coverage counts `user_member` shifts
   * only: an `empty_member` slot is intentionally unassigned, so nobody is on call.
   */
  async v3Schedule(id: string, since: Date, until: Date): Promise<V3ScheduleRead> {
    const path = `v3/schedules/${encodeURIComponent(id)}`;
    const { body } = await this.http.getJson<{ schedule?: PdV3ScheduleDetail }>(path, {
      since: since.toISOString(),
      until: until.toISOString(),
      'include[]': ['final_schedule'],
    });
    const detail = body?.schedule;
    if (!detail || typeof detail !== 'object')
      throw new Error(`pagerduty GET /${path}: the response has no "schedule"`);
    const final = detail.final_schedule;
    if (!final || typeof final !== 'object' || !Array.isArray(final.computed_shift_assignments)) {
      // Without it the schedule would look uncovered (or covered): neither can be reported.
      throw new Error(`pagerduty GET /${path}: the response has no final_schedule.computed_shift_assignments`);
    }
    const members = new Map<string, PdReference>();
    const add = (reference: PdReference) => {
      if (reference && typeof reference.id === 'string' && !members.has(reference.id))
        members.set(reference.id, reference);
    };
    const addMember = (member: PdV3Member | undefined) => {
      if (member && member.type === 'user_member' && typeof member.user_id === 'string')
        add({ id: member.user_id, type: 'user_reference' });
    };
    if (Array.isArray(detail.users)) detail.users.map(slimReference).forEach(add);
    for (const rotation of Array.isArray(detail.rotations) ? detail.rotations : []) {
      for (const event of Array.isArray(rotation?.events) ? rotation.events : []) {
        const ended =
          typeof event?.effective_until === 'string' && Date.parse(event.effective_until) <= since.getTime();
        if (ended) continue;
        const assigned = event?.assignment_strategy?.members;
        if (Array.isArray(assigned)) assigned.forEach(addMember);
      }
    }
    const entries: PdRenderedEntry[] = [];
    for (const shift of final.computed_shift_assignments) {
      addMember(shift?.member);
      if (shift?.member?.type === 'empty_member') continue;
      entries.push({
        start: shift?.start_time,
        end: shift?.end_time ?? null,
        ...(typeof shift?.member?.user_id === 'string'
          ? { user: { id: shift.member.user_id, type: 'user_reference' } }
          : {}),
      });
    }
    const schedule: PdSchedule = {
      id: typeof detail.id === 'string' ? detail.id : id,
      api: 'v3',
      name: typeof detail.name === 'string' ? detail.name : id,
      users: [...members.values()],
    };
    if (typeof detail.time_zone === 'string') schedule.time_zone = detail.time_zone;
    if (Array.isArray(detail.escalation_policies))
      schedule.escalation_policies = detail.escalation_policies.map(slimReference);
    const percentage =
      typeof final.rendered_coverage_percentage === 'number' ? final.rendered_coverage_percentage : null;
    return { schedule, percentage, entries };
  }

  /**
   * Users, schedules and escalation policies, then each audited schedule's final schedule over the
   * coverage window (one request per schedule: the minimum, since only a rendered schedule shows
   * gaps). Schedules are discovered from the API's listing and from the policies' targets; a
   * configured list narrows them. A policy target that is not in the (complete) listing does not
   * exist, so it costs no request.
   *
   * Shift-based (v3) schedules are not in `/schedules`. `/v3/schedules` is read only when
   * something points at a schedule v2 does not have: a policy target of type
   * `schedule_v3_reference`, or a schedule id in the roster or the configuration. Then every v3
   * schedule is audited like a v2 one, at one request per schedule (the listing has no members).
   * A 403/404 on the listing means the account has no v3 schedules, unless a policy targets one:
   * that policy could not be checked, so the audit fails.
   */
  async snapshot(options: SnapshotOptions): Promise<PagerDutySnapshot> {
    // Sequential on purpose: one vendor budget, and the order keeps request logs readable.
    const users = await this.users();
    const listed = await this.schedules();
    const escalationPolicies = await this.escalationPolicies();

    const known = new Map(listed.map((schedule) => [schedule.id, schedule]));
    const targeted = referencedSchedules(escalationPolicies, isScheduleTarget);
    const v3Targeted = referencedSchedules(escalationPolicies, isV3ScheduleTarget);
    const rosterSchedules = new Set(options.rosterSchedules ?? []);
    const elsewhere = [...rosterSchedules, ...(options.schedules ?? [])];
    let v3: PdSchedule[] = [];
    if (v3Targeted.length > 0 || elsewhere.some((id) => !known.has(id))) v3 = await this.v3SchedulesIfAny(v3Targeted);
    for (const schedule of v3) if (!known.has(schedule.id)) known.set(schedule.id, schedule);

    const discovered = [...new Set([...listed.map((schedule) => schedule.id), ...targeted])].filter(
      (id) => known.has(id) && !known.get(id)!.api,
    );
    const narrowed = options.schedules ? new Set(options.schedules) : undefined;
    const audited = narrowed ? discovered.filter((id) => narrowed.has(id)) : discovered;

    const { since, until } = coverageWindow(options.now, options.coverageWindow);
    const window = { since: since.toISOString(), until: until.toISOString() };
    const coverage: PdCoverage[] = [];
    for (const id of audited) {
      let detail: PdScheduleDetail;
      try {
        detail = await this.schedule(id, since, until);
      } catch (error) {
        // Deleted since the listing: it no longer exists, so it is audited as missing.
        if (error instanceof HttpError && error.status === 404) {
          known.delete(id);
          continue;
        }
        throw error;
      }
      // The rendered schedule is the fresher read: its members replace the listing's.
      known.set(id, { ...known.get(id)!, ...pickSchedule(detail) });
      coverage.push({
        scheduleId: id,
        ...window,
        timeZone: detail.time_zone ?? known.get(id)!.time_zone ?? 'UTC',
        percentage:
          typeof detail.final_schedule?.rendered_coverage_percentage === 'number'
            ? detail.final_schedule.rendered_coverage_percentage
            : null,
        entries: Array.isArray(detail.final_schedule?.rendered_schedule_entries)
          ? detail.final_schedule.rendered_schedule_entries
          : [],
      });
    }

    // v3 schedules: read those audited, and those whose members a check needs (a policy's or the roster's).
    const targetedSet = new Set(targeted);
    for (const { id } of v3) {
      if (known.get(id)?.api !== 'v3') continue;
      const isAudited = !narrowed || narrowed.has(id);
      if (!isAudited && !targetedSet.has(id) && !rosterSchedules.has(id)) continue;
      let read: V3ScheduleRead;
      try {
        read = await this.v3Schedule(id, since, until);
      } catch (error) {
        if (error instanceof HttpError && error.status === 404) {
          known.delete(id);
          continue;
        }
        throw error;
      }
      known.set(id, { ...known.get(id)!, ...read.schedule, id });
      if (isAudited) {
        coverage.push({
          scheduleId: id,
          ...window,
          timeZone: read.schedule.time_zone ?? 'UTC',
          percentage: read.percentage,
          entries: read.entries,
        });
      }
    }
    return { users, schedules: [...known.values()], escalationPolicies, coverage };
  }

  /**
   * The v3 listing. 403/404 there: the account has no shift-based schedules (or the API is not
   * enabled for it), which is fine unless a policy targets one.
   */
  private async v3SchedulesIfAny(required: readonly string[]): Promise<PdSchedule[]> {
    try {
      return await this.v3Schedules();
    } catch (error) {
      if (error instanceof HttpError && (error.status === 403 || error.status === 404)) {
        if (required.length === 0) return [];
        throw new IncompleteListingError(
          `pagerduty GET /v3/schedules answered HTTP ${error.status}, ` +
            'but escalation policies target shift-based (v3) schedules ' +
            `(${[...new Set(required)].join(', ')}): they cannot be checked, so the audit would be incomplete`,
        );
      }
      throw error;
    }
  }
}

/*
 * What the audit reads of schedules, policies and references (types.ts): the API adds links,
 * teams and more to every one, which a large account would otherwise hold for the whole run.
 * Anything unexpected is passed on as it came, for the checks to judge.
 */
const slimReference = pick<PdReference>(['id', 'type', 'summary']);
const slimReferences = (value: unknown) => (Array.isArray(value) ? value.map(slimReference) : value);

function slimSchedule(item: unknown): PdSchedule {
  const schedule = pick<PdSchedule>(['id', 'name', 'time_zone', 'users', 'escalation_policies'])(item);
  if (schedule && typeof schedule === 'object') {
    if ('users' in schedule) schedule.users = slimReferences(schedule.users) as PdReference[];
    if ('escalation_policies' in schedule)
      schedule.escalation_policies = slimReferences(schedule.escalation_policies) as PdReference[];
  }
  return schedule;
}

function slimPolicy(item: unknown): PdEscalationPolicy {
  const policy = pick<PdEscalationPolicy>(['id', 'name', 'num_loops', 'escalation_rules'])(item);
  if (policy && typeof policy === 'object' && Array.isArray(policy.escalation_rules)) {
    policy.escalation_rules = policy.escalation_rules.map((rule) => {
      const slim = pick<PdEscalationPolicy['escalation_rules'][number]>([
        'id',
        'escalation_delay_in_minutes',
        'targets',
      ])(rule);
      if (slim && typeof slim === 'object' && 'targets' in slim)
        slim.targets = slimReferences(slim.targets) as PdReference[];
      return slim;
    });
  }
  return policy;
}

function slimEntry(item: unknown): PdRenderedEntry {
  const entry = pick<PdRenderedEntry>(['start', 'end', 'user'])(item);
  if (entry && typeof entry === 'object' && entry.user && typeof entry.user === 'object')
    entry.user = slimReference(entry.user);
  return entry;
}

function slimScheduleDetail(detail: PdScheduleDetail): PdScheduleDetail {
  const slim = slimSchedule(detail) as PdScheduleDetail;
  const final = detail.final_schedule;
  if (final === undefined) return slim;
  if (!final || typeof final !== 'object') {
    slim.final_schedule = final;
    return slim;
  }
  slim.final_schedule = pick<NonNullable<PdScheduleDetail['final_schedule']>>([
    'rendered_coverage_percentage',
    'rendered_schedule_entries',
  ])(final);
  if (Array.isArray(final.rendered_schedule_entries))
    slim.final_schedule.rendered_schedule_entries = final.rendered_schedule_entries.map(slimEntry);
  return slim;
}

function referencedSchedules(policies: PdEscalationPolicy[], kind: (type: string) => boolean): string[] {
  return policies.flatMap((policy) =>
    (Array.isArray(policy.escalation_rules) ? policy.escalation_rules : []).flatMap((rule) =>
      (Array.isArray(rule?.targets) ? rule.targets : [])
        .filter((target) => target && kind(target.type))
        .map((target) => target.id),
    ),
  );
}

/**
 * A `/v3/schedules` item (a `schedule_v3_reference`): its summary is the name; members come from
 * the schedule itself.
 */
function v3Listed(item: unknown): PdSchedule {
  if (!item || typeof item !== 'object' || typeof (item as PdReference).id !== 'string') {
    throw new IncompleteListingError(
      `pagerduty GET /v3/schedules: an item has no id: ${JSON.stringify(item)?.slice(0, 80)}`,
    );
  }
  const reference = item as PdReference & { name?: unknown };
  const name =
    typeof reference.summary === 'string'
      ? reference.summary
      : typeof reference.name === 'string'
        ? reference.name
        : reference.id;
  return { id: reference.id, api: 'v3', name, users: [] };
}

/** The schedule fields of a rendered schedule that it actually carries. */
function pickSchedule(detail: PdScheduleDetail): Partial<PdSchedule> {
  const picked: Partial<PdSchedule> = {};
  if (typeof detail.name === 'string') picked.name = detail.name;
  if (typeof detail.time_zone === 'string') picked.time_zone = detail.time_zone;
  if (Array.isArray(detail.users)) picked.users = detail.users;
  if (Array.isArray(detail.escalation_policies)) picked.escalation_policies = detail.escalation_policies;
  return picked;
}
