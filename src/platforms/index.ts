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
  calendly: (deps) => {
    const env = requireEnv(deps.env, PLATFORM_ENV.calendly);
    const http = createCalendlyHttp({
      baseUrl: env.CALENDLY_URL,
      token: env.CALENDLY_TOKEN,
      clock: deps.clock,
      sleep: deps.sleep,
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
