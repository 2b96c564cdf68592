import type { Sleep } from '../clock.js';

/**
 * A vendor's rate-limit headers (lower case), each list tried in order. GitLab's are below; each
 * platform names its own (src/platforms/<id>/rate-limit.ts), so the HTTP layer knows no vendor.
 */
export interface RateLimitHeaders {
  /** How long to wait after a 429: seconds, a Unix time or an HTTP date. */
  readonly wait: readonly string[];
  /** Requests left in the current window, and when it resets. */
  readonly remaining: readonly string[];
  readonly reset: readonly string[];
  /** The whole budget per window (the vendor's per-minute limit). */
  readonly limit: readonly string[];
}

/** The vendor's name, for messages and logs (`gitlab`, `pagerduty`). */
export type Vendor = string;

/** GitLab: `Retry-After` (seconds or HTTP date), else `RateLimit-Reset` (a Unix time). */
export const GITLAB_RATE_LIMIT_HEADERS: RateLimitHeaders = {
  wait: ['retry-after', 'ratelimit-reset'],
  remaining: ['ratelimit-remaining'],
  reset: ['ratelimit-reset'],
  limit: ['ratelimit-limit'],
};

type Headers = Record<string, string | string[] | undefined>;

/**
 * How long a vendor asked us to wait, from the first of `waitHeaders` that gives a usable signal;
 * undefined when none does (the caller then backs off).
 */
export function rateLimitDelayMs(waitHeaders: readonly string[], headers: Headers, now: Date): number | undefined {
  for (const name of waitHeaders) {
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

export interface PacerOptions {
  /**
   * Share of the vendor's announced limit (its limit header) this client may use in any window:
   * at most floor(share × limit) of its own requests (at least 1), 0 < share ≤ 1. Default 1:
   * only the announced remaining paces. A vendor that announces no limit is not paced by share.
   */
  budgetShare?: number;
  /** Length of the vendor's rate-limit window, in ms (default 60 000; shorter when time is scaled). */
  windowMs?: number;
  /** Told of every wait, with what the request that waits is for (see `acquire`). */
  onWait?: (ms: number, waiting: string | undefined) => void;
}

/**
 * Client-side pacing from the vendor's own rate-limit headers, so a long listing waits for the
 * window instead of running into 429s. Requests pass one at a time, in order, through three gates:
 *
 * - **Hold.** After a 429, `hold(ms)` keeps every request of this client back until the wait the
 *   vendor announced (or the back-off, when it announced none) is over: not only the refused one,
 *   whose retry waits in `pause`, but every one queued behind it.
 * - **Share.** The vendor's limit is per account (or user) and shared with other integrations:
 *   with `budgetShare`, this client's own requests in any window of `windowMs` stay at most
 *   floor(share × limit). A request counts from when it is sent until `windowMs` after its answer
 *   came: the vendor counted it somewhere in between, so this holds for fixed windows (Zendesk,
 *   Calendly: every fixed window is one of those windows) and sliding ones (PagerDuty) alike,
 *   whatever the latency.
 * - **Remaining.** Each answer tells how many requests are left (`ratelimit-remaining`, Zendesk's
 *   `x-rate-limit-remaining`, Calendly's `X-RateLimit-Remaining`) and, for most vendors, when the
 *   window resets. Once none are left, the next request waits for the reset and goes alone, as a
 *   probe: its answer says whether the window has room again. Without a reset header the probe
 *   goes at once and meets the 429, which the hold waits out.
 *
 * Vendors that send no such headers are never paced. Waits use the real time the headers speak
 * of (not the run's clock, which `--now` may fix): the injected sleep and the monotonic time it is
 * measured on (a test's instant sleep moves its own time, so the pacer never spins).
 */
export class RateLimitPacer {
  private remaining: number | undefined;
  /** When the window resets, as last announced (pacer time). */
  private resetAt: number | undefined;
  private probe: Promise<void> | undefined;
  private endProbe: (() => void) | undefined;
  /** Requests sent and not answered yet: an answer's count of requests left does not know of them. */
  private inFlight = 0;
  /** The vendor's limit per window, as last announced. */
  private limit: number | undefined;
  /** When each answered request of the last window stops counting against the share (pacer time), ascending. */
  private readonly counted: number[] = [];
  /** Requests wait here for the one before them. */
  private queue: Promise<void> = Promise.resolve();
  /** Resolves at the next answer (a request waiting for room that only an answer can free). */
  private answered: Promise<void> | undefined;
  private endAnswered: (() => void) | undefined;
  /** After a 429: no request goes before this time (pacer time). */
  private holdUntil = 0;
  private holding: Promise<void> | undefined;
  readonly budgetShare: number;
  readonly windowMs: number;
  /** Monotonic ms: the sleep's own time (see Sleep). */
  private readonly now: () => number;
  private readonly onWait: PacerOptions['onWait'];
  /** What the request being admitted is for, told to `onWait`. */
  private waiting: string | undefined;

  constructor(
    private readonly headers: RateLimitHeaders,
    private readonly sleep: Sleep,
    /** Longer announced waits are not waited for here: the request goes and the retry layer decides. */
    private readonly maxWaitMs: number,
    options: PacerOptions = {},
  ) {
    const share = options.budgetShare ?? 1;
    if (!(share > 0 && share <= 1)) throw new Error(`budgetShare must be in (0, 1], got ${share}`);
    const windowMs = options.windowMs ?? 60_000;
    if (!(windowMs > 0)) throw new Error(`the rate-limit window must be a positive number of ms, got ${windowMs}`);
    this.budgetShare = share;
    this.windowMs = windowMs;
    this.now = sleep.now ?? (() => performance.now());
    this.onWait = options.onWait;
  }

  /** Sleeps `ms` (rounded up): afterwards the clock is at least `ms` later. */
  private async sleepFor(ms: number): Promise<void> {
    const wait = Math.max(0, Math.ceil(ms));
    const until = this.now() + wait;
    if (wait > 0) this.onWait?.(wait, this.waiting);
    await this.sleep(wait);
    // A timer may fire up to a millisecond early (its loop's time lags the clock): sleep out the rest.
    while (this.now() < until) await this.sleep(Math.ceil(until - this.now()));
  }

  /** The most of its own requests this client may have counted in a window; undefined: no cap. */
  get shareCap(): number | undefined {
    if (this.limit === undefined || this.budgetShare >= 1) return undefined;
    return Math.max(1, Math.floor(this.budgetShare * this.limit));
  }

  /**
   * Resolves when a request may be sent. `retried`: the retry layer has just waited for this
   * request (the vendor's signal or a back-off), so it does not wait for the reset again.
   * `waiting`: what the request is for, told to `onWait` while it waits.
   */
  acquire(retried = false, waiting?: string): Promise<void> {
    const turn = this.queue.then(() => {
      this.waiting = waiting;
      return this.admit(retried);
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async admit(retried: boolean): Promise<void> {
    for (;;) {
      if (this.now() < this.holdUntil) {
        await this.waitForHold();
        continue;
      }
      const cap = this.shareCap;
      if (cap !== undefined) {
        this.forget();
        if (this.inFlight + this.counted.length >= cap) {
          if (this.counted.length > 0) {
            const until = this.counted[0];
            await this.sleepFor(until - this.now());
            // That request no longer counts, however the sleep went.
            if (this.counted[0] === until) this.counted.shift();
          } else {
            await this.nextAnswer();
          }
          continue;
        }
      }
      if (this.remaining !== undefined && this.remaining <= 0) {
        if (this.probe) {
          await this.probe;
          continue;
        }
        this.probe = new Promise((resolve) => (this.endProbe = resolve));
        const wait = retried || this.resetAt === undefined ? 0 : this.resetAt - this.now();
        if (wait > 0 && wait <= this.maxWaitMs) await this.sleepFor(wait);
      } else if (this.remaining !== undefined) {
        this.remaining -= 1;
      }
      this.inFlight += 1;
      return;
    }
  }

  /** Drops the answered requests that no longer count against the share. */
  private forget(): void {
    const now = this.now();
    let drop = 0;
    while (drop < this.counted.length && this.counted[drop] <= now) drop += 1;
    if (drop > 0) this.counted.splice(0, drop);
  }

  private nextAnswer(): Promise<void> {
    this.answered ??= new Promise((resolve) => (this.endAnswered = resolve));
    return this.answered;
  }

  /**
   * One sleep until the hold ends, shared by every request waiting for it; at least `minMs` (the
   * retry layer's own wait: the vendor's announced time, not a millisecond less for the time spent since).
   */
  private waitForHold(minMs = 0): Promise<void> {
    this.holding ??= this.sleepFor(Math.max(minMs, this.holdUntil - this.now())).finally(
      () => (this.holding = undefined),
    );
    return this.holding;
  }

  /**
   * After a 429: no request of this client goes for `ms` (the vendor's announced wait, or the
   * back-off), the ones already queued included. A wait longer than the pacer's limit is not held.
   */
  hold(ms: number): void {
    if (!(ms > 0) || ms > this.maxWaitMs) return;
    this.holdUntil = Math.max(this.holdUntil, this.now() + ms);
  }

  /**
   * The retry layer's sleep before sending a request again: a wait that a hold covers is that
   * hold's (one sleep for every request waiting), any other a sleep of its own.
   */
  async pause(ms: number): Promise<void> {
    const now = this.now();
    if (this.holdUntil > now && this.holdUntil >= now + ms - 1) return this.waitForHold(ms);
    return this.sleepFor(ms);
  }

  /**
   * Learns from an answer (undefined: none came) and ends a probe. An answer without the
   * remaining header turns pacing by it off until one has it; the announced limit is kept.
   */
  observe(status: number | undefined, headers: Record<string, string | string[] | undefined> | undefined): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.budgetShare < 1) {
      // It counts against the share until a window after its answer: the vendor counted it before.
      this.forget();
      this.counted.push(this.now() + this.windowMs);
    }
    if (headers) {
      const limit = firstHeader(headers, this.headers.limit)?.trim();
      if (limit !== undefined && /^\d+$/.test(limit) && Number(limit) > 0) this.limit = Number(limit);
    }
    if (headers && status !== 429) {
      const remaining = firstHeader(headers, this.headers.remaining)?.trim();
      if (remaining !== undefined && /^\d+$/.test(remaining)) {
        this.remaining = Math.max(0, Number(remaining) - this.inFlight);
        const wait = parseWaitHeader(firstHeader(headers, this.headers.reset), new Date());
        this.resetAt = wait === undefined ? undefined : this.now() + wait;
      } else {
        this.remaining = undefined;
        this.resetAt = undefined;
      }
    }
    const end = this.endProbe;
    this.probe = undefined;
    this.endProbe = undefined;
    end?.();
    const answered = this.endAnswered;
    this.answered = undefined;
    this.endAnswered = undefined;
    answered?.();
  }
}

function firstHeader(headers: Headers, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headerValue(headers, name);
    if (value !== undefined) return value;
  }
  return undefined;
}
