import type { PlatformModule } from '../contract.js';
import { bench } from './bench.js';
import { CALENDLY_REQUIRED_ENV, calendlyChecker } from './checker.js';
import { CALENDLY_ENV } from './env.js';
import { calendlyOnlineCheck } from './online-check.js';
import { CALENDLY_RATE_LIMIT_HEADERS } from './rate-limit.js';
import { CALENDLY_ROSTER } from './roster.js';
import { sandbox } from './sandbox/index.js';
import { CALENDLY_SETTINGS } from './settings.js';

export const calendly: PlatformModule = {
  id: 'calendly',
  audits: [
    {
      id: 'calendly',
      displayName: 'Calendly',
      itemPrefix: 'CAL',
      requiredEnv: CALENDLY_REQUIRED_ENV,
      settings: CALENDLY_SETTINGS,
      template: 'calendly.md',
      checker: calendlyChecker,
      onlineCheck: calendlyOnlineCheck,
    },
  ],
  env: CALENDLY_ENV,
  roster: CALENDLY_ROSTER,
  rateLimitHeaders: CALENDLY_RATE_LIMIT_HEADERS,
  sandbox,
  bench,
};
