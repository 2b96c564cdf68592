import type { PlatformModule } from '../contract.js';
import { bench } from './bench.js';
import { PAGERDUTY_REQUIRED_ENV, pagerDutyChecker } from './checker.js';
import { PAGERDUTY_ENV } from './env.js';
import { pagerDutyOnlineCheck } from './online-check.js';
import { PAGERDUTY_RATE_LIMIT_HEADERS } from './rate-limit.js';
import { PAGERDUTY_ROSTER } from './roster.js';
import { sandbox } from './sandbox/index.js';
import { PAGERDUTY_SETTINGS } from './settings.js';

export const pagerduty: PlatformModule = {
  id: 'pagerduty',
  audits: [
    {
      id: 'pagerduty',
      displayName: 'PagerDuty',
      itemPrefix: 'PD',
      requiredEnv: PAGERDUTY_REQUIRED_ENV,
      settings: PAGERDUTY_SETTINGS,
      template: 'pagerduty.md',
      checker: pagerDutyChecker,
      onlineCheck: pagerDutyOnlineCheck,
    },
  ],
  env: PAGERDUTY_ENV,
  roster: PAGERDUTY_ROSTER,
  rateLimitHeaders: PAGERDUTY_RATE_LIMIT_HEADERS,
  sandbox,
  bench,
};
