/** What every platform's checker factory shares: its HTTP client's dependencies, and what a refusal says. */

import { HttpError, RetriesExhaustedError } from '../http/errors.js';
import type { Checker, CheckerDeps, OnlineCheck } from './contract.js';

/** The vendor refused the audit's credentials: re-running will not help until a variable is fixed. */
export class PlatformAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformAccessError';
  }
}

/** A 401 or 403 from the vendor, said with the variables to fix. */
export function withAccessHints(check: Checker, variables: string): Checker {
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

/**
 * What every platform's HTTP client takes from the run: clock, sleep, timeout, logger and the
 * audit's share of the vendor's budget.
 */
export function clientDeps(platform: string, deps: Omit<CheckerDeps, 'roster'>) {
  return {
    clock: deps.clock,
    sleep: deps.sleep,
    timeoutMs: deps.env.AUDIT_HTTP_TIMEOUT_MS,
    logger: deps.logger.child({ platform }),
    budgetShare: deps.config.platforms[platform].rate_limit_share,
  };
}

/** `validate --online`'s row for an audit whose variables are not set. */
export function notSet(target: string, names: readonly string[]): OnlineCheck {
  return {
    target,
    result: 'WARN',
    detail:
      `not set: ${names.join(', ')}: ` +
      'its jobs will fail (exit 2) until the variables are set, or the platform is disabled',
  };
}
