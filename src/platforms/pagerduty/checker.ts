import type { CheckResult } from '../../domain/types.js';
import type { Roster } from '../../config/types.js';
import { clientDeps, withAccessHints } from '../checker-support.js';
import type { Checker, CheckerDeps } from '../contract.js';
import { requireVariables } from '../variables.js';
import { PagerDutyClient, createPagerDutyHttp } from './client.js';
import { PAGERDUTY_ENV } from './env.js';
import { pagerDutyFindings } from './findings.js';
import type { PagerDutyConfig } from './settings.js';

/** The variables the audit cannot run without (the URL has a default). */
export const PAGERDUTY_REQUIRED_ENV = ['PAGERDUTY_URL', 'PAGERDUTY_TOKEN'] as const;

/** The checker; throws a ConfigError naming the variables to set when they are missing. */
export function pagerDutyChecker(deps: CheckerDeps): Checker {
  const env = requireVariables(deps.env, PAGERDUTY_ENV, PAGERDUTY_REQUIRED_ENV);
  const http = createPagerDutyHttp({
    baseUrl: env.PAGERDUTY_URL,
    token: env.PAGERDUTY_TOKEN,
    ...clientDeps('pagerduty', deps),
  });
  return withAccessHints(
    () => checkPagerDuty(new PagerDutyClient(http), deps.roster, deps.config.platforms.pagerduty, deps.clock()),
    'PAGERDUTY_TOKEN (a REST API key: read-only is enough)',
  );
}

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
