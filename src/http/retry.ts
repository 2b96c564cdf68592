import pRetry from 'p-retry';
import type { Logger } from '../log.js';
import type { Clock, Sleep } from '../clock.js';
import { HttpError, RetriesExhaustedError, TransportError } from './errors.js';
import { rateLimitDelayMs, type Vendor } from './rate-limit.js';

export interface RetryPolicy {
  vendor: Vendor;
  /** The vendor's headers saying how long to wait after a 429 (RateLimitHeaders.wait). */
  waitHeaders: readonly string[];
  /** Attempts after the first. */
  retries: number;
  /** First backoff delay when the vendor gives no signal; doubles each attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A vendor asking for a longer wait than this fails the request instead of stalling the job. */
  maxRateLimitWaitMs: number;
  sleep: Sleep;
  clock: Clock;
  logger: Logger;
  /**
   * Whether a failure may be retried. Reads retry 429, 5xx and transport failures; writes
   * that are not idempotent retry only what proves the server did nothing (429, refused connection).
   */
  idempotent: boolean;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'vendor' | 'waitHeaders' | 'sleep' | 'clock' | 'logger'> = {
  retries: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRateLimitWaitMs: 5 * 60_000,
  idempotent: true,
};

export type RetryDecision = { retry: false } | { retry: true; delayMs: number; reason: string };

export function decideRetry(error: unknown, attempt: number, policy: RetryPolicy): RetryDecision {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  if (error instanceof HttpError) {
    if (error.status === 429) {
      const asked = rateLimitDelayMs(policy.waitHeaders, error.headers, policy.clock());
      if (asked !== undefined && asked > policy.maxRateLimitWaitMs) return { retry: false };
      // A small floor so a "reset: 0" does not spin against a server that is still limiting.
      return { retry: true, delayMs: asked === undefined ? backoff : Math.max(asked, 50), reason: 'rate limited' };
    }
    if (error.status >= 500 && policy.idempotent)
      return { retry: true, delayMs: backoff, reason: `HTTP ${error.status}` };
    return { retry: false };
  }
  if (error instanceof TransportError) {
    if (policy.idempotent || error.code === 'ECONNREFUSED')
      return { retry: true, delayMs: backoff, reason: error.code };
    return { retry: false };
  }
  return { retry: false };
}

/** Runs `attempt` with the one retry layer of the project (got's and gitbeaker's own are off). */
export async function withRetry<T>(what: string, policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  let attempts = 0;
  try {
    return await pRetry(
      async () => {
        attempts += 1;
        return attempt();
      },
      {
        retries: policy.retries,
        minTimeout: 0,
        maxTimeout: 0,
        shouldRetry: async ({ error, attemptNumber }) => {
          const decision = decideRetry(error, attemptNumber, policy);
          if (!decision.retry) return false;
          policy.logger.warn(
            { vendor: policy.vendor, what, attempt: attemptNumber, delayMs: decision.delayMs, reason: decision.reason },
            'retrying',
          );
          await policy.sleep(decision.delayMs);
          return true;
        },
      },
    );
  } catch (error) {
    if (attempts > 1 && error instanceof Error) throw new RetriesExhaustedError(attempts, error);
    throw error;
  }
}
