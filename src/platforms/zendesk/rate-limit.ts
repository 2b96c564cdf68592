import type { RateLimitHeaders } from '../../http/rate-limit.js';

/**
 * Zendesk: `Retry-After` after a 429, else `ratelimit-reset` (seconds: a 429 may carry only that);
 * what is left in `x-rate-limit-remaining` (or `ratelimit-remaining`), the budget in `x-rate-limit`.
 */
export const ZENDESK_RATE_LIMIT_HEADERS: RateLimitHeaders = {
  wait: ['retry-after', 'ratelimit-reset'],
  remaining: ['x-rate-limit-remaining', 'ratelimit-remaining'],
  reset: ['ratelimit-reset'],
  limit: ['x-rate-limit', 'ratelimit-limit'],
};
