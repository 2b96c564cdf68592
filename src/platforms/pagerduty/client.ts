import { VendorClient, type VendorClientOptions } from '../../http/client.js';
import { HttpError } from '../../http/errors.js';
import { collectOffsetPages, pick } from '../../http/paginate.js';
import { coverageWindow } from './coverage.js';
import { listAllUsers, type UserListingOptions } from './listing.js';
import {
  isScheduleTarget,
  type PagerDutySnapshot,
  type PdCoverage,
  type PdEscalationPolicy,
  type PdReference,
  type PdRenderedEntry,
  type PdSchedule,
  type PdScheduleDetail,
  type PdUser,
} from './types.js';

export function createPagerDutyHttp(options: Omit<VendorClientOptions, 'vendor' | 'headers'> & { token: string }): VendorClient {
  const { token, ...rest } = options;
  return new VendorClient({
    ...rest,
    vendor: 'pagerduty',
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
    return collectOffsetPages<PdEscalationPolicy>(this.http, 'escalation_policies', 'escalation_policies', {}, { project: slimPolicy });
  }

  /** One schedule with its final schedule rendered over [since, until). */
  async schedule(id: string, since: Date, until: Date): Promise<PdScheduleDetail> {
    const { body } = await this.http.getJson<{ schedule?: PdScheduleDetail }>(`schedules/${encodeURIComponent(id)}`, {
      since: since.toISOString(),
      until: until.toISOString(),
    });
    if (!body?.schedule || typeof body.schedule !== 'object') throw new Error(`pagerduty GET /schedules/${id}: the response has no "schedule"`);
    return slimScheduleDetail(body.schedule);
  }

  /**
   * Users, schedules and escalation policies, then each audited schedule's final schedule over the
   * coverage window (one request per schedule: the minimum, since only a rendered schedule shows
   * gaps). Schedules are discovered from the API's listing and from the policies' targets; a
   * configured list narrows them. A policy target that is not in the (complete) listing does not
   * exist, so it costs no request.
   */
  async snapshot(options: SnapshotOptions): Promise<PagerDutySnapshot> {
    // Sequential on purpose: one vendor budget, and the order keeps request logs readable.
    const users = await this.users();
    const listed = await this.schedules();
    const escalationPolicies = await this.escalationPolicies();

    const known = new Map(listed.map((schedule) => [schedule.id, schedule]));
    const discovered = [...new Set([...listed.map((schedule) => schedule.id), ...referencedSchedules(escalationPolicies)])].filter((id) => known.has(id));
    const narrowed = options.schedules ? new Set(options.schedules) : undefined;
    const audited = narrowed ? discovered.filter((id) => narrowed.has(id)) : discovered;

    const { since, until } = coverageWindow(options.now, options.coverageWindow);
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
        since: since.toISOString(),
        until: until.toISOString(),
        timeZone: detail.time_zone ?? known.get(id)!.time_zone ?? 'UTC',
        percentage: typeof detail.final_schedule?.rendered_coverage_percentage === 'number' ? detail.final_schedule.rendered_coverage_percentage : null,
        entries: Array.isArray(detail.final_schedule?.rendered_schedule_entries) ? detail.final_schedule.rendered_schedule_entries : [],
      });
    }
    return { users, schedules: [...known.values()], escalationPolicies, coverage };
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
    if ('escalation_policies' in schedule) schedule.escalation_policies = slimReferences(schedule.escalation_policies) as PdReference[];
  }
  return schedule;
}

function slimPolicy(item: unknown): PdEscalationPolicy {
  const policy = pick<PdEscalationPolicy>(['id', 'name', 'num_loops', 'escalation_rules'])(item);
  if (policy && typeof policy === 'object' && Array.isArray(policy.escalation_rules)) {
    policy.escalation_rules = policy.escalation_rules.map((rule) => {
      const slim = pick<PdEscalationPolicy['escalation_rules'][number]>(['id', 'escalation_delay_in_minutes', 'targets'])(rule);
      if (slim && typeof slim === 'object' && 'targets' in slim) slim.targets = slimReferences(slim.targets) as PdReference[];
      return slim;
    });
  }
  return policy;
}

function slimEntry(item: unknown): PdRenderedEntry {
  const entry = pick<PdRenderedEntry>(['start', 'end', 'user'])(item);
  if (entry && typeof entry === 'object' && entry.user && typeof entry.user === 'object') entry.user = slimReference(entry.user);
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
  slim.final_schedule = pick<NonNullable<PdScheduleDetail['final_schedule']>>(['rendered_coverage_percentage', 'rendered_schedule_entries'])(final);
  if (Array.isArray(final.rendered_schedule_entries)) slim.final_schedule.rendered_schedule_entries = final.rendered_schedule_entries.map(slimEntry);
  return slim;
}

function referencedSchedules(policies: PdEscalationPolicy[]): string[] {
  return policies.flatMap((policy) =>
    (policy.escalation_rules ?? []).flatMap((rule) => (rule.targets ?? []).filter((target) => isScheduleTarget(target.type)).map((target) => target.id)),
  );
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
