import type { AuditModule, PlatformModule } from '../contract.js';
import { bench } from './bench.js';
import { zendeskChecker } from './checker.js';
import { ZENDESK_ENV, ZENDESK_REQUIRED_ENV, zendeskDerivedSecrets } from './env.js';
import { ZENDESK_INSTANCES, type ZendeskPlatform } from './instances.js';
import { zendeskOnlineCheck } from './online-check.js';
import { ZENDESK_RATE_LIMIT_HEADERS } from './rate-limit.js';
import { ZENDESK_ROSTER } from './roster.js';
import { sandbox } from './sandbox/index.js';
import { ZENDESK_SETTINGS } from './settings.js';

/** One audit per instance: the same checker and settings, each with its own URL, credentials and roster key. */
function instanceAudit(platform: ZendeskPlatform, itemPrefix: string): AuditModule {
  return {
    id: platform,
    displayName: ZENDESK_INSTANCES[platform].name,
    itemPrefix,
    requiredEnv: ZENDESK_REQUIRED_ENV[platform],
    settings: ZENDESK_SETTINGS,
    template: `${platform}.md`,
    checker: (deps) => zendeskChecker(platform, deps),
    onlineCheck: (deps) => zendeskOnlineCheck(platform, deps),
  };
}

/** Zendesk: two instances, main and US Federal, two audits of one module. */
export const zendesk: PlatformModule = {
  id: 'zendesk',
  audits: [instanceAudit('zendesk', 'ZD'), instanceAudit('zendesk-us-federal', 'ZDF')],
  env: ZENDESK_ENV,
  derivedSecrets: zendeskDerivedSecrets,
  roster: ZENDESK_ROSTER,
  rateLimitHeaders: ZENDESK_RATE_LIMIT_HEADERS,
  sandbox,
  bench,
};
