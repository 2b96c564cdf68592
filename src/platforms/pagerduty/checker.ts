import type { CheckResult } from '../../domain/types.js';
import type { PagerDutyConfig, Roster } from '../../config/types.js';
import type { PagerDutyClient } from './client.js';
import { pagerDutyFindings } from './findings.js';

/** Reads PagerDuty (the client gathers the snapshot), then audits it as a pure function. */
export async function checkPagerDuty(
  client: PagerDutyClient,
  roster: Roster,
  config: PagerDutyConfig,
  now: Date,
): Promise<CheckResult> {
  const before = client.http.requestCount;
  const snapshot = await client.snapshot({
    now,
    coverageWindow: config.coverage_window,
    schedules: config.schedules,
    rosterSchedules: roster.flatMap((person) => person.pagerduty?.schedules ?? []),
  });
  return {
    platform: 'pagerduty',
    findings: pagerDutyFindings(snapshot, roster, config, now),
    stats: {
      requests: client.http.requestCount - before,
      itemsRead: {
        users: snapshot.users.length,
        schedules: snapshot.schedules.length,
        escalation_policies: snapshot.escalationPolicies.length,
      },
    },
  };
}
