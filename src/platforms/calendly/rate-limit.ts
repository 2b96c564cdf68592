import type { RateLimitHeaders } from '../../http/rate-limit.js';

/** Calendly: `X-RateLimit-Reset` (seconds), `X-RateLimit-Remaining` and `X-RateLimit-Limit`. */
export const CALENDLY_RATE_LIMIT_HEADERS: RateLimitHeaders = {
  wait: ['x-ratelimit-reset', 'retry-after'],
  remaining: ['x-ratelimit-remaining'],
  reset: ['x-ratelimit-reset'],
  limit: ['x-ratelimit-limit'],
};
