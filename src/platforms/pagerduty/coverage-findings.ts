import { Duration } from 'luxon';
import type { Finding } from '../../domain/types.js';
import {
  coverageWindow,
  coveredPercentage,
  describeLength,
  formatIn,
  isKnownZone,
  uncoveredIntervals,
  type Interval,
} from './coverage.js';
import type { PdCoverage, PdSchedule } from './types.js';
import type { Context } from './context.js';

/** Uncovered intervals named in a finding's detail; the full list is in its evidence. */
export const MAX_GAPS_IN_DETAIL = 3;
/** Results and ping notes show a finding's detail up to 400 characters. */
const MAX_DETAIL_LENGTH = 400;

/** Schedules whose final schedule leaves time uncovered in the look-ahead window. */
export function coverageFindings(ctx: Context, now: Date, window: string): Finding[] {
  const findings: Finding[] = [];
  const audited = new Set(ctx.auditedSchedules.map((schedule) => schedule.id));
  const { since, until } = coverageWindow(now, window);
  for (const coverage of ctx.snapshot.coverage ?? []) {
    if (!audited.has(coverage.scheduleId)) continue;
    const schedule = ctx.schedulesById.get(coverage.scheduleId)!;
    const gaps = uncoveredIntervals(coverage.entries, since.getTime(), until.getTime(), `schedule ${schedule.id}`);
    const computed = coveredPercentage(gaps, since.getTime(), until.getTime());
    // PagerDuty's own percentage counts only when it was rendered for this very window.
    const sameWindow = Date.parse(coverage.since) === since.getTime() && Date.parse(coverage.until) === until.getTime();
    const rendered = sameWindow ? coverage.percentage : null;
    if (gaps.length === 0 && !(rendered !== null && rendered < 100)) continue;
    findings.push(
      coverageGap(ctx, schedule, { ...coverage, percentage: rendered }, gaps, computed, { since, until, window }),
    );
  }
  return findings;
}

function coverageGap(
  ctx: Context,
  schedule: PdSchedule,
  coverage: PdCoverage,
  gaps: Interval[],
  computed: number,
  window: { since: Date; until: Date; window: string },
): Finding {
  const zone = isKnownZone(coverage.timeZone) ? coverage.timeZone : 'UTC';
  const local = !/^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal)$/i.test(zone);
  const show = (gap: Interval) =>
    `${formatRange(gap, 'utc')} UTC${local ? ` (${formatRange(gap, zone)} ${zone})` : ''}`;
  const percentage = coverage.percentage ?? computed;
  const uncovered = gaps.reduce((sum, gap) => sum + gap.end - gap.start, 0);
  const over = describeLength(Duration.fromISO(window.window).toMillis());
  const head = `Schedule ${schedule.id} is ${percentage}% covered over the next ${over}`;
  let detail = `${head}, but its rendered entries show no uncovered interval: check the schedule in PagerDuty.`;
  // At most MAX_GAPS_IN_DETAIL intervals, fewer if they would not fit a results-table cell.
  for (let shown = Math.min(gaps.length, MAX_GAPS_IN_DETAIL); shown >= 1; shown--) {
    const more = gaps.length > shown ? `; ${gaps.length - shown} more in the evidence` : '';
    const intervals = `${gaps.length} interval${gaps.length === 1 ? '' : 's'}`;
    const listed = gaps.slice(0, shown).map(show).join('; ');
    detail = `${head}; ${describeLength(uncovered)} uncovered in ${intervals}: ${listed}${more}.`;
    if (detail.length <= MAX_DETAIL_LENGTH) break;
  }
  return {
    platform: 'pagerduty',
    kind: 'coverage-gap',
    fingerprint: `pagerduty:coverage-gap:${schedule.id}`,
    owner: ctx.sharedManager(ctx.rosterPeople(schedule.users)),
    subject: schedule.name,
    detail,
    evidence: {
      scheduleId: schedule.id,
      timeZone: coverage.timeZone,
      since: window.since.toISOString(),
      until: window.until.toISOString(),
      renderedCoveragePercentage: coverage.percentage,
      computedCoveragePercentage: computed,
      gaps: gaps.map((gap) => ({
        start: new Date(gap.start).toISOString(),
        end: new Date(gap.end).toISOString(),
        startLocal: formatIn(gap.start, zone),
        endLocal: formatIn(gap.end, zone),
        minutes: Math.round((gap.end - gap.start) / 60_000),
      })),
    },
  };
}

/** `2026-12-03 00:00 → 12-05 00:00` (the end without its year, or its date on the same day). */
function formatRange(gap: Interval, zone: string): string {
  const start = formatIn(gap.start, zone);
  const end = formatIn(gap.end, zone);
  const tail =
    end.slice(0, 10) === start.slice(0, 10)
      ? end.slice(11)
      : end.slice(0, 4) === start.slice(0, 4)
        ? end.slice(5)
        : end;
  return `${start} → ${tail}`;
}
