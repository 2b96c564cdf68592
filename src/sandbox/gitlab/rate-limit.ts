import type { FakeResponse, Fault } from '../fake-server.js';

export type Admission =
  { admitted: true; headers: Record<string, string> } | { admitted: false; response: FakeResponse };

/**
 * GitLab's authenticated-API throttle (Rack::Attack) over a sliding window: past the budget a
 * request gets a 429 with text/plain "Retry later", Retry-After and RateLimit-* headers; an
 * admitted one gets the RateLimit-* headers. Off while the budget is undefined.
 */
export class RateLimiter {
  private hits: number[] = [];

  constructor(
    private requestBudget: number | undefined,
    /** Length of the sliding window in ms. */
    public windowMs: number,
    /** Retry-After (seconds) of the injected 429. */
    public retryAfterSeconds: number,
    /** Millisecond precision in Retry-After and RateLimit-Reset (for benchmarks that scale the window). */
    private readonly precise: boolean,
  ) {}

  get budget(): number | undefined {
    return this.requestBudget;
  }

  /** Requests allowed per window; undefined turns the limit off. A new budget starts a fresh window. */
  set budget(value: number | undefined) {
    this.requestBudget = value;
    this.hits = [];
  }

  /** As if a whole window had passed without a request. */
  forget(): void {
    this.hits = [];
  }

  /** GitLab's own 429, for injected faults (failNext / rateLimited()). */
  fault(): Fault {
    const limit = this.requestBudget ?? 2000;
    return {
      type: 'status',
      status: 429,
      headers: this.throttleHeaders(limit, limit + 1, this.retryAfterSeconds),
      body: 'Retry later\n',
    };
  }

  /** Counts a request against the budget: its RateLimit-* headers, or the 429 when over budget. */
  admit(): Admission {
    const budget = this.requestBudget;
    if (budget === undefined) return { admitted: true, headers: {} };
    const nowMs = Date.now();
    this.hits = this.hits.filter((t) => t > nowMs - this.windowMs);
    if (this.hits.length >= budget) {
      const waitMs = this.hits[0] + this.windowMs - nowMs;
      const wait = this.precise
        ? Number((Math.max(1, waitMs) / 1000).toFixed(3))
        : Math.max(1, Math.ceil(waitMs / 1000));
      return {
        admitted: false,
        response: {
          status: 429,
          headers: this.throttleHeaders(budget, this.hits.length + 1, wait),
          body: 'Retry later\n',
        },
      };
    }
    this.hits.push(nowMs);
    const resetMs = this.hits[0] + this.windowMs;
    return {
      admitted: true,
      headers: {
        'ratelimit-name': 'throttle_authenticated_api',
        'ratelimit-limit': String(budget),
        'ratelimit-observed': String(this.hits.length),
        'ratelimit-remaining': String(budget - this.hits.length),
        'ratelimit-reset': this.precise ? (resetMs / 1000).toFixed(3) : String(Math.ceil(resetMs / 1000)),
        'ratelimit-resettime': new Date(resetMs).toUTCString(),
      },
    };
  }

  private throttleHeaders(limit: number, observed: number, retryAfterSeconds: number): Record<string, string> {
    const reset = new Date(Date.now() + retryAfterSeconds * 1000);
    const resetSeconds = reset.getTime() / 1000;
    return {
      'content-type': 'text/plain',
      'retry-after': String(retryAfterSeconds),
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': String(limit),
      'ratelimit-observed': String(observed),
      'ratelimit-remaining': '0',
      'ratelimit-reset': this.precise ? resetSeconds.toFixed(3) : String(Math.ceil(resetSeconds)),
      'ratelimit-resettime': reset.toUTCString(),
    };
  }
}
