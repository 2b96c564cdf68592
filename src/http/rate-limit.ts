/**
 * How long a vendor asked us to wait, from its rate-limit headers. Each vendor signals it
 * differently (DESIGN.md): Zendesk and GitLab `Retry-After` (seconds or HTTP date), PagerDuty
 * `ratelimit-reset` (seconds, sometimes absent), Calendly `X-RateLimit-Reset` (seconds).
 * Returns undefined when the response carries no usable signal: the caller then backs off.
 */
export type Vendor = 'gitlab' | 'zendesk' | 'calendly' | 'pagerduty';

const SIGNAL_HEADERS: Record<Vendor, string[]> = {
  gitlab: ['retry-after', 'ratelimit-reset'],
  zendesk: ['retry-after'],
  calendly: ['x-ratelimit-reset', 'retry-after'],
  pagerduty: ['ratelimit-reset', 'retry-after'],
};

type Headers = Record<string, string | string[] | undefined>;

export function rateLimitDelayMs(vendor: Vendor, headers: Headers, now: Date): number | undefined {
  for (const name of SIGNAL_HEADERS[vendor]) {
    const delay = parseWaitHeader(headerValue(headers, name), now);
    if (delay !== undefined) return delay;
  }
  return undefined;
}

function headerValue(headers: Headers, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Seconds to wait, a Unix timestamp (GitLab's RateLimit-Reset), or an HTTP date. */
export function parseWaitHeader(value: string | undefined, now: Date): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed);
    const looksLikeEpoch = seconds > 1_000_000_000;
    const ms = looksLikeEpoch ? seconds * 1000 - now.getTime() : seconds * 1000;
    return Math.max(0, Math.ceil(ms));
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/** Headers saying how many requests are left in the vendor's current window, and when it resets. */
const BUDGET_HEADERS: Record<Vendor, { remaining: string[]; reset: string[] }> = {
  gitlab: { remaining: ['ratelimit-remaining'], reset: ['ratelimit-reset'] },
  zendesk: { remaining: ['x-rate-limit-remaining', 'ratelimit-remaining'], reset: ['ratelimit-reset'] },
  calendly: { remaining: ['x-ratelimit-remaining'], reset: ['x-ratelimit-reset'] },
  pagerduty: { remaining: ['ratelimit-remaining'], reset: ['ratelimit-reset'] },
};

/**
 * Client-side pacing from the vendor's own rate-limit headers, so a long listing waits for the
 * window instead of running into 429s. Each answer tells how many requests are left
 * (`ratelimit-remaining`, Zendesk's `x-rate-limit-remaining`, Calendly's `X-RateLimit-Remaining`)
 * and, for most vendors, when the window resets. Once none are left, the next request waits for
 * the reset and goes alone, as a probe: its answer says whether the window has room again (a
 * fixed window refills at once; a sliding one frees a slot at a time). Without a reset header
 * (Zendesk) the probe goes at once and meets the 429, which the retry layer waits out.
 * Vendors that send no such headers are never paced. Waits use the real time the headers speak
 * of (not the run's clock, which `--now` may fix), through the injected sleep.
 */
export class RateLimitPacer {
  private remaining: number | undefined;
  /** performance.now() when the window resets, as last announced. */
  private resetAt: number | undefined;
  private probe: Promise<void> | undefined;
  private endProbe: (() => void) | undefined;
  /** Requests sent and not answered yet: an answer's count of requests left does not know of them. */
  private inFlight = 0;

  constructor(
    private readonly vendor: Vendor,
    private readonly sleep: (ms: number) => Promise<void>,
    /** Longer announced waits are not waited for here: the request goes and the retry layer decides. */
    private readonly maxWaitMs: number,
  ) {}

  /**
   * Resolves when a request may be sent. `retried`: the retry layer has just waited for this
   * request (the vendor's signal or a back-off), so it does not wait again.
   */
  async acquire(retried = false): Promise<void> {
    for (;;) {
      if (this.remaining === undefined || this.remaining > 0) {
        if (this.remaining !== undefined) this.remaining -= 1;
        this.inFlight += 1;
        return;
      }
      if (this.probe) {
        await this.probe;
        continue;
      }
      this.probe = new Promise((resolve) => (this.endProbe = resolve));
      const wait = retried || this.resetAt === undefined ? 0 : this.resetAt - performance.now();
      if (wait > 0 && wait <= this.maxWaitMs) await this.sleep(Math.ceil(wait));
      this.inFlight += 1;
      return;
    }
  }

  /**
   * Learns from an answer (undefined: none came) and ends a probe. A 429 teaches nothing here: the
   * retry layer waits for it. An answer without the headers turns pacing off until one has them.
   */
  observe(status: number | undefined, headers: Record<string, string | string[] | undefined> | undefined): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (headers && status !== 429) {
      const names = BUDGET_HEADERS[this.vendor];
      const remaining = firstHeader(headers, names.remaining)?.trim();
      if (remaining !== undefined && /^\d+$/.test(remaining)) {
        this.remaining = Math.max(0, Number(remaining) - this.inFlight);
        const wait = parseWaitHeader(firstHeader(headers, names.reset), new Date());
        this.resetAt = wait === undefined ? undefined : performance.now() + wait;
      } else {
        this.remaining = undefined;
        this.resetAt = undefined;
      }
    }
    const end = this.endProbe;
    this.probe = undefined;
    this.endProbe = undefined;
    end?.();
  }
}

function firstHeader(headers: Headers, names: string[]): string | undefined {
  for (const name of names) {
    const value = headerValue(headers, name);
    if (value !== undefined) return value;
  }
  return undefined;
}
