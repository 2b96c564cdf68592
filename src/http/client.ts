import got, { RequestError, type Got } from 'got';
import type { Logger } from '../log.js';
import type { Clock, Sleep } from '../clock.js';
import { HttpError, TransportError, bodyExcerpt } from './errors.js';
import { DEFAULT_RETRY, decideRetry, withRetry, type RetryPolicy } from './retry.js';
import { RateLimitPacer, type RateLimitHeaders, type Vendor } from './rate-limit.js';
import { describeRequest, reportLongWaits, type ListingProgress } from './wait-report.js';

export interface VendorClientOptions {
  vendor: Vendor;
  /** The vendor's rate-limit headers, which pace the client and time its retries after a 429. */
  rateLimitHeaders: RateLimitHeaders;
  baseUrl: string;
  /** Auth and content negotiation headers; never logged. */
  headers: Record<string, string>;
  logger: Logger;
  clock: Clock;
  sleep: Sleep;
  timeoutMs?: number;
  retry?: Partial<Omit<RetryPolicy, 'vendor' | 'waitHeaders' | 'sleep' | 'clock' | 'logger'>>;
  /** Credentials that change during a run (an OAuth access token), asked for before each request. */
  credentials?: RequestCredentials;
  /**
   * Share of the vendor's announced per-window limit (Zendesk `x-rate-limit`/`ratelimit-limit`,
   * Calendly `X-RateLimit-Limit`, PagerDuty `ratelimit-limit`) this client may use: its own
   * requests in any window stay at most floor(share × limit). 0 < share ≤ 1; default
   * `pacingDefaults.budgetShare` (0.5): the limit is per account and other integrations use it too.
   */
  budgetShare?: number;
  /** Length of the vendor's rate-limit window in ms; default `pacingDefaults.budgetWindowMs` (60 000). */
  budgetWindowMs?: number;
}

/** Half the vendor's budget: the rest is left to the other integrations on the same account. */
export const DEFAULT_BUDGET_SHARE = 0.5;

/**
 * What a VendorClient uses when its options do not say: the share of the vendor's budget, and the
 * window length (a minute; the benchmark, which scales time, sets a shorter one for its runs).
 */
export const pacingDefaults: { budgetShare: number; budgetWindowMs: number } = {
  budgetShare: DEFAULT_BUDGET_SHARE,
  budgetWindowMs: 60_000,
};

/** Credentials obtained at run time, such as an OAuth access token that expires. */
export interface RequestCredentials {
  /** The auth headers to send now; the first call logs in. */
  headers(): Promise<Record<string, string>>;
  /**
   * The vendor refused `sent` with a 401: log in again once. Resolves false when new credentials
   * cannot help (they are the ones just obtained); throws when logging in fails.
   */
  renew(sent: Record<string, string>): Promise<boolean>;
  /**
   * Secrets behind these credentials that no header carries (an OAuth client's secret): masked in
   * error bodies before they are cut short.
   */
  readonly secrets?: readonly string[];
}

export interface JsonResponse<T> {
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

/**
 * One HTTP client per vendor: got for the transport (its own retry off), p-retry on top with
 * the vendor's rate-limit signal, and pacing (RateLimitPacer) from the vendor's headers so
 * long listings wait for the window rather than collect 429s: within `budgetShare` of the
 * announced limit, and after a 429 every request of the client held until the announced wait (or
 * the back-off) is over. Counts requests so checkers can report them.
 */
export class VendorClient {
  requestCount = 0;
  /** Of those, the ones the vendor refused with a 429 (and that were sent again). */
  rateLimitedCount = 0;
  private readonly got: Got;
  private readonly policy: RetryPolicy;
  private readonly pacer: RateLimitPacer;

  constructor(private readonly options: VendorClientOptions) {
    this.got = got.extend({
      prefixUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: { 'user-agent': 'audit-bot', ...options.headers },
      retry: { limit: 0 },
      throwHttpErrors: false,
      timeout: { request: options.timeoutMs ?? 30_000 },
      followRedirect: false,
    });
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    this.pacer = new RateLimitPacer(options.rateLimitHeaders, options.sleep, retry.maxRateLimitWaitMs, {
      budgetShare: options.budgetShare ?? pacingDefaults.budgetShare,
      windowMs: options.budgetWindowMs ?? pacingDefaults.budgetWindowMs,
      onWait: reportLongWaits(options.vendor, options.logger),
    });
    this.policy = {
      ...retry,
      vendor: options.vendor,
      waitHeaders: options.rateLimitHeaders.wait,
      // A retry after a 429 waits with the requests the pacer holds back, not on its own.
      sleep: (ms) => this.pacer.pause(ms),
      clock: options.clock,
      logger: options.logger,
    };
  }

  /** The share of the vendor's announced limit this client keeps to (1: all of it). */
  get budgetShare(): number {
    return this.pacer.budgetShare;
  }

  get vendor(): Vendor {
    return this.options.vendor;
  }

  /** The base URL requests are relative to, without a trailing slash. */
  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  /** `progress`: the page of a listing this request reads, said in the log while a rate limit holds it. */
  async getJson<T>(path: string, query: Query = {}, progress?: ListingProgress): Promise<JsonResponse<T>> {
    const relative = path.replace(/^\/+/, '');
    const searchParams = toSearchParams(query);
    const shownPath = `/${relative}${searchParams.size ? `?${searchParams.toString()}` : ''}`;
    const waiting = describeRequest(`/${relative}`, progress);
    const credentials = this.options.credentials;
    let attempts = 0;
    let renewed = false;
    return withRetry(`GET ${shownPath}`, this.policy, async () => {
      attempts += 1;
      let auth = (await credentials?.headers()) ?? {};
      let response = await this.send(relative, searchParams, shownPath, auth, attempts > 1, waiting);
      // An access token that expired or was revoked mid-run is replaced once, and the request sent again.
      if (response.statusCode === 401 && credentials && !renewed) {
        renewed = true;
        if (await credentials.renew(auth)) {
          auth = await credentials.headers();
          response = await this.send(relative, searchParams, shownPath, auth, false, waiting);
        }
      }
      const sentHeaders = { ...this.options.headers, ...auth };
      if (response.statusCode >= 400 || response.statusCode < 200) {
        const error = new HttpError(
          this.options.vendor,
          'GET',
          shownPath,
          response.statusCode,
          response.headers,
          bodyExcerpt(response.body, sentHeaders, 300, credentials?.secrets ?? []),
        );
        if (response.statusCode === 429) {
          // Every request of this client waits what this one will: the vendor refuses them all until then.
          const decision = decideRetry(error, attempts, this.policy);
          if (decision.retry) this.pacer.hold(decision.delayMs);
        }
        throw error;
      }
      let body: T;
      try {
        body = JSON.parse(response.body) as T;
      } catch {
        throw new HttpError(
          this.options.vendor,
          'GET',
          shownPath,
          response.statusCode,
          response.headers,
          `response is not JSON: ${bodyExcerpt(response.body, sentHeaders, 80, credentials?.secrets ?? [])}`,
        );
      }
      return { body, headers: response.headers };
    });
  }

  /** One request through the pacer, counted. */
  private async send(
    relative: string,
    searchParams: URLSearchParams,
    shownPath: string,
    auth: Record<string, string>,
    retried: boolean,
    waiting: string,
  ) {
    await this.pacer.acquire(retried, waiting);
    this.requestCount += 1;
    let response;
    try {
      response = await this.got.get(relative, { searchParams, headers: auth });
    } catch (error) {
      this.pacer.observe(undefined, undefined);
      if (error instanceof RequestError) {
        throw new TransportError(this.options.vendor, 'GET', shownPath, error.code ?? 'ERR', error.message);
      }
      throw error;
    }
    this.pacer.observe(response.statusCode, response.headers);
    if (response.statusCode === 429) this.rateLimitedCount += 1;
    return response;
  }
}

/** Arrays become repeated keys (`role[]=agent&role[]=admin`): name the key with its brackets. */
function toSearchParams(query: Query): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  return params;
}
