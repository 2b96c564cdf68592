import { VendorClient, type VendorClientOptions } from '../../http/client.js';
import { HttpError } from '../../http/errors.js';
import { collectOffsetPages } from '../../http/paginate.js';
import { coverageWindow } from './coverage.js';
import { listAllUsers, type UserListingOptions } from './listing.js';
import { isScheduleTarget, type PagerDutySnapshot, type PdCoverage, type PdEscalationPolicy, type PdSchedule, type PdScheduleDetail, type PdUser } from './types.js';

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
    return collectOffsetPages<PdSchedule>(this.http, 'schedules', 'schedules');
  }

  escalationPolicies(): Promise<PdEscalationPolicy[]> {
    return collectOffsetPages<PdEscalationPolicy>(this.http, 'escalation_policies', 'escalation_policies');
  }

  /** One schedule with its final schedule rendered over [since, until). */
  async schedule(id: string, since: Date, until: Date): Promise<PdScheduleDetail> {
    const { body } = await this.http.getJson<{ schedule?: PdScheduleDetail }>(`schedules/${encodeURIComponent(id)}`, {
      since: since.toISOString(),
      until: until.toISOString(),
    });
    if (!body?.schedule || typeof body.schedule !== 'object') throw new Error(`pagerduty GET /schedules/${id}: the response has no "schedule"`);
    return body.schedule;
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
