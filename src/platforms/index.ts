import type { Clock, Sleep } from '../clock.js';
import type { AuditConfig, Env, Roster } from '../config/types.js';
import { PLATFORM_ENV, requireEnv, zendeskCredentials } from '../config/env.js';
import type { Logger } from '../log.js';
import type { PlatformId } from '../domain/types.js';
import type { Checker } from '../commands/context.js';
import { PagerDutyClient, createPagerDutyHttp } from './pagerduty/client.js';
import { checkPagerDuty } from './pagerduty/checker.js';
import { CalendlyClient, createCalendlyHttp } from './calendly/client.js';
import { checkCalendly } from './calendly/checker.js';
import { ZendeskClient, createZendeskHttp } from './zendesk/client.js';
import { checkZendesk } from './zendesk/checker.js';
import { zendeskAuth } from './zendesk/auth.js';
import { HttpError, RetriesExhaustedError } from '../http/errors.js';
import type { ZendeskPlatform } from './zendesk/findings.js';
import { ZENDESK_INSTANCES } from './zendesk/instances.js';

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
  zendesk: (deps) => zendeskChecker('zendesk', deps),
  'zendesk-us-federal': (deps) => zendeskChecker('zendesk-us-federal', deps),
  calendly: (deps) => {
    const env = requireEnv(deps.env, PLATFORM_ENV.calendly);
    const http = createCalendlyHttp({
      baseUrl: env.CALENDLY_URL,
      token: env.CALENDLY_TOKEN,
      ...clientDeps('calendly', deps),
    });
    const client = new CalendlyClient(http, deps.roster.filter((person) => person.calendly).length);
    return () => checkCalendly(client, deps.roster, deps.config.platforms.calendly, deps.clock);
  },
  pagerduty: (deps) => {
    const env = requireEnv(deps.env, PLATFORM_ENV.pagerduty);
    const http = createPagerDutyHttp({
      baseUrl: env.PAGERDUTY_URL,
      token: env.PAGERDUTY_TOKEN,
      ...clientDeps('pagerduty', deps),
    });
    return withAccessHints(
      () => checkPagerDuty(new PagerDutyClient(http), deps.roster, deps.config.platforms.pagerduty, deps.clock()),
      'PAGERDUTY_TOKEN (a REST API key: read-only is enough)',
    );
  },
};

/** The vendor refused the audit's credentials: re-running will not help until a variable is fixed. */
export class PlatformAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformAccessError';
  }
}

/** A 401 or 403 from the vendor, said with the variable to fix. */
function withAccessHints(check: Checker, variables: string): Checker {
  return async () => {
    try {
      return await check();
    } catch (error) {
      const cause = error instanceof RetriesExhaustedError ? error.lastError : error;
      if (cause instanceof HttpError && (cause.status === 401 || cause.status === 403)) {
        const what =
          cause.status === 401
            ? 'refused the credentials (wrong, expired or revoked)'
            : 'refused the request (the credentials lack a permission)';
        throw new PlatformAccessError(`${cause.message}. ${cause.vendor} ${what}: check ${variables}.`);
      }
      throw error;
    }
  };
}

/** What every platform's HTTP client takes from the run: clock, sleep, timeout, logger and its share of the vendor's budget. */
function clientDeps(platform: PlatformId, deps: CheckerDeps) {
  return {
    clock: deps.clock,
    sleep: deps.sleep,
    timeoutMs: deps.env.AUDIT_HTTP_TIMEOUT_MS,
    logger: deps.logger.child({ platform }),
    budgetShare: deps.config.platforms[platform].rate_limit_share,
  };
}

function zendeskChecker(platform: ZendeskPlatform, deps: CheckerDeps): Checker {
  const login = zendeskCredentials(deps.env, platform);
  const common = clientDeps(platform, deps);
  const auth = zendeskAuth(login, { ...common, baseUrl: login.baseUrl });
  if (auth.warning) common.logger.warn(`${platform} ${auth.warning}`);
  const http = createZendeskHttp({ baseUrl: login.baseUrl, auth, ...common });
  const variables =
    login.kind === 'oauth'
      ? `${login.variables.join(' and ')} (a confidential OAuth client, owned by an admin)`
      : `${login.variables.join(' and ')} (an admin's email and API token)`;
  return withAccessHints(async () => {
    const rosterKey = ZENDESK_INSTANCES[platform].rosterKey;
    const aboutUsers = deps.roster.filter((person) => person.zendesk?.[rosterKey]).length;
    const client = new ZendeskClient(http, login.kind === 'oauth' ? login.clientId : undefined, aboutUsers);
    const result = await checkZendesk(platform, client, deps.roster, deps.config.platforms[platform], deps.clock());
    return auth.warning ? { ...result, warnings: [...(result.warnings ?? []), `This audit ${auth.warning}`] } : result;
  }, variables);
}

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
