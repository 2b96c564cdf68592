import type { RateLimitHeaders } from '../../http/rate-limit.js';

/** PagerDuty: `ratelimit-reset` (seconds, sometimes absent), `ratelimit-remaining` and `ratelimit-limit`. */
export const PAGERDUTY_RATE_LIMIT_HEADERS: RateLimitHeaders = {
  wait: ['ratelimit-reset', 'retry-after'],
  remaining: ['ratelimit-remaining'],
  reset: ['ratelimit-reset'],
  limit: ['ratelimit-limit'],
};
