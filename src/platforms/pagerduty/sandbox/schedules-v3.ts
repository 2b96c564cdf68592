import { json, type FakeResponse } from '../../../sandbox/fake-server.js';
import type { PdScheduleV3 } from './data.js';
import { pdError } from './errors.js';
import { byNameThenId, filterByName, listPage, PD_V3_DEFAULT_LIMIT, PD_V3_MAX_LIMIT } from './listing.js';
import type { PdRenderer } from './render.js';
import { isoInZone, timeRange } from './schedules.js';

/** `GET /v3/schedules`: `schedule_v3_reference` items, offset pagination with v3's larger pages. */
export function listV3Schedules(schedules: PdScheduleV3[], params: URLSearchParams, render: PdRenderer): FakeResponse {
  // No offset cap is documented for v3; its pages are larger.
  const sorted = [...filterByName(schedules, params)].sort(byNameThenId);
  return listPage('schedules', params, sorted, (schedule) => render.v3ScheduleRef(schedule.id), {
    defaultLimit: PD_V3_DEFAULT_LIMIT,
    maxLimit: PD_V3_MAX_LIMIT,
    maxRecords: Infinity,
    sorted: true,
  });
}

/**
 * `GET /v3/schedules/{id}`: the schedule and its rotations; `include[]=users` adds the members,
 * `include[]=final_schedule` with `since` and `until` the final schedule.
 */
export function showV3Schedule(schedule: PdScheduleV3, params: URLSearchParams, render: PdRenderer): FakeResponse {
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
    teams: (schedule.teamIds ?? []).map((id) => render.teamRef(id)),
    escalation_policies: render.policiesTargeting('schedule_v3', schedule.id),
    rotations: renderRotations(schedule, render),
    self: `${render.apiUrl}/v3/schedules/${schedule.id}`,
    html_url: `${render.webBaseUrl}/schedules/${schedule.id}`,
  };
  if (include.includes('users')) {
    const ids = new Set(schedule.rotations.flatMap((rotation) => rotation.events.flatMap((event) => event.memberIds)));
    rendered.users = [...ids].map((id) => render.userRef(id));
  }
  // Documented: only with include[]=final_schedule and since/until.
  if (include.includes('final_schedule') && since !== undefined && until !== undefined)
    rendered.final_schedule = finalSchedule(schedule, since, until, params.get('overflow') === 'true', zone);
  return json(200, { schedule: rendered });
}

function renderRotations(schedule: PdScheduleV3, render: PdRenderer): Record<string, unknown>[] {
  const rotating = 'rotating_member_assignment_strategy';
  return schedule.rotations.map((rotation) => ({
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
        type: event.strategy ?? rotating,
        ...((event.strategy ?? rotating) === rotating ? { shifts_per_member: 1 } : {}),
        members: event.memberIds.map((id) => ({ type: 'user_member', user_id: id })),
      },
      self: `${render.apiUrl}/v3/schedules/${schedule.id}/rotations/${rotation.id}/events/${event.id}`,
      html_url: `${render.webBaseUrl}/schedules/${schedule.id}`,
    })),
    self: `${render.apiUrl}/v3/schedules/${schedule.id}/rotations/${rotation.id}`,
    html_url: `${render.webBaseUrl}/schedules/${schedule.id}`,
  }));
}

/** The computed shifts over `since`…`until` (clipped to it unless `overflow`) and the covered share. */
function finalSchedule(
  schedule: PdScheduleV3,
  since: number,
  until: number,
  overflow: boolean,
  zone: string,
): Record<string, unknown> {
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
  return {
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
