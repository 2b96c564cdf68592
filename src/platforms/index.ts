import type { Clock, Sleep } from '../clock.js';
import type { AuditConfig, Env, Roster } from '../config/types.js';
import { PLATFORM_ENV, requireEnv } from '../config/env.js';
import type { Logger } from '../log.js';
import type { PlatformId } from '../domain/types.js';
import type { Checker } from '../commands/context.js';
import { PagerDutyClient, createPagerDutyHttp } from './pagerduty/client.js';
import { checkPagerDuty } from './pagerduty/checker.js';
import { CalendlyClient, createCalendlyHttp } from './calendly/client.js';
import { checkCalendly } from './calendly/checker.js';
import { ZendeskClient, createZendeskHttp } from './zendesk/client.js';
import { checkZendesk } from './zendesk/checker.js';

export interface CheckerDeps {
  env: Env;
  roster: Roster;
  config: AuditConfig;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
}

type CheckerFactory = (deps: CheckerDeps) => Checker;

const CHECKERS: Partial<Record<PlatformId, CheckerFactory>> = {
  // One checker, two instances: each with its own URL, credentials, roster section and config.
  zendesk: (deps) => {
    const env = requireEnv(deps.env, PLATFORM_ENV.zendesk);
    const http = createZendeskHttp({
      baseUrl: env.ZENDESK_URL,
      email: env.ZENDESK_EMAIL,
      token: env.ZENDESK_API_TOKEN,
      clock: deps.clock,
      sleep: deps.sleep,
      timeoutMs: deps.env.AUDIT_HTTP_TIMEOUT_MS,
      logger: deps.logger.child({ platform: 'zendesk' }),
    });
    return () => checkZendesk('zendesk', new ZendeskClient(http), deps.roster, deps.config.platforms.zendesk, deps.clock());
  },
  'zendesk-us-federal': (deps) => {
    const env = requireEnv(deps.env, PLATFORM_ENV['zendesk-us-federal']);
    const http = createZendeskHttp({
      baseUrl: env.ZENDESK_US_FEDERAL_URL,
      email: env.ZENDESK_US_FEDERAL_EMAIL,
      token: env.ZENDESK_US_FEDERAL_API_TOKEN,
      clock: deps.clock,
      sleep: deps.sleep,
      timeoutMs: deps.env.AUDIT_HTTP_TIMEOUT_MS,
      logger: deps.logger.child({ platform: 'zendesk-us-federal' }),
    });
    return () => checkZendesk('zendesk-us-federal', new ZendeskClient(http), deps.roster, deps.config.platforms['zendesk-us-federal'], deps.clock());
  },
  calendly: (deps) => {
    const env = requireEnv(deps.env, PLATFORM_ENV.calendly);
    const http = createCalendlyHttp({
      baseUrl: env.CALENDLY_URL,
      token: env.CALENDLY_TOKEN,
      clock: deps.clock,
      sleep: deps.sleep,
      timeoutMs: deps.env.AUDIT_HTTP_TIMEOUT_MS,
      logger: deps.logger.child({ platform: 'calendly' }),
    });
    return () => checkCalendly(new CalendlyClient(http), deps.roster, deps.config.platforms.calendly, deps.clock);
  },
  pagerduty: (deps) => {
    const env = requireEnv(deps.env, PLATFORM_ENV.pagerduty);
    const http = createPagerDutyHttp({
      baseUrl: env.PAGERDUTY_URL,
      token: env.PAGERDUTY_TOKEN,
      clock: deps.clock,
      sleep: deps.sleep,
      timeoutMs: deps.env.AUDIT_HTTP_TIMEOUT_MS,
      logger: deps.logger.child({ platform: 'pagerduty' }),
    });
    return () => checkPagerDuty(new PagerDutyClient(http), deps.roster, deps.config.platforms.pagerduty, deps.clock());
  },
};

/** Platforms whose checker exists; the others are announced, not silently skipped. */
export function implementedPlatforms(): PlatformId[] {
  return Object.keys(CHECKERS) as PlatformId[];
}

export function buildChecker(platform: PlatformId, deps: CheckerDeps): Checker {
  const factory = CHECKERS[platform];
  if (!factory) throw new NotImplementedError(platform);
  return factory(deps);
}

export class NotImplementedError extends Error {
  constructor(readonly platform: PlatformId) {
    super(`${platform}: this audit is not implemented yet`);
    this.name = 'NotImplementedError';
  }
}
