import type { CheckResult } from '../../domain/types.js';
import type { PagerDutyConfig, Roster } from '../../config/types.js';
import type { PagerDutyClient } from './client.js';
import { pagerDutyFindings } from './findings.js';

export async function checkPagerDuty(client: PagerDutyClient, roster: Roster, config: PagerDutyConfig): Promise<CheckResult> {
  const before = client.http.requestCount;
  const snapshot = await client.snapshot();
  return {
    platform: 'pagerduty',
    findings: pagerDutyFindings(snapshot, roster, config),
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
