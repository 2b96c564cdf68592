import type { EnvVariable } from '../contract.js';

export const DEFAULT_PAGERDUTY_URL = 'https://api.pagerduty.com';

export const PAGERDUTY_ENV: readonly EnvVariable[] = [
  { name: 'PAGERDUTY_URL', why: 'base URL of the PagerDuty REST API', kind: 'url', default: DEFAULT_PAGERDUTY_URL },
  { name: 'PAGERDUTY_TOKEN', why: 'a read-only PagerDuty REST API key', secret: true },
];
