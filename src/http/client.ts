import got, { RequestError, type Got } from 'got';
import type { Logger } from '../log.js';
import type { Clock, Sleep } from '../clock.js';
import { HttpError, TransportError, bodyExcerpt } from './errors.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.js';
import { RateLimitPacer, type Vendor } from './rate-limit.js';

export interface VendorClientOptions {
  vendor: Vendor;
  baseUrl: string;
  /** Auth and content negotiation headers; never logged. */
  headers: Record<string, string>;
  logger: Logger;
  clock: Clock;
  sleep: Sleep;
  timeoutMs?: number;
  retry?: Partial<Omit<RetryPolicy, 'vendor' | 'sleep' | 'clock' | 'logger'>>;
}

export interface JsonResponse<T> {
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

/**
 * One HTTP client per vendor: got for the transport (its own retry off), p-retry on top with
 * the vendor's rate-limit signal, and pacing from the vendor's remaining-requests headers so
 * long listings wait for the window rather than collect 429s. Counts requests so checkers can
 * report them.
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
    this.policy = {
      ...DEFAULT_RETRY,
      ...options.retry,
      vendor: options.vendor,
      sleep: options.sleep,
      clock: options.clock,
      logger: options.logger,
    };
    this.pacer = new RateLimitPacer(options.vendor, options.sleep, this.policy.maxRateLimitWaitMs);
  }

  get vendor(): Vendor {
    return this.options.vendor;
  }

  /** The base URL requests are relative to, without a trailing slash. */
  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/+$/, '');
  }

  async getJson<T>(path: string, query: Query = {}): Promise<JsonResponse<T>> {
    const relative = path.replace(/^\/+/, '');
    const searchParams = toSearchParams(query);
    const shownPath = `/${relative}${searchParams.size ? `?${searchParams}` : ''}`;
    let attempts = 0;
    return withRetry(`GET ${shownPath}`, this.policy, async () => {
      attempts += 1;
      await this.pacer.acquire(attempts > 1);
      this.requestCount += 1;
      let response;
      try {
        response = await this.got.get(relative, { searchParams });
      } catch (error) {
        this.pacer.observe(undefined, undefined);
        if (error instanceof RequestError) {
          throw new TransportError(this.options.vendor, 'GET', shownPath, error.code ?? 'ERR', error.message);
        }
        throw error;
      }
      this.pacer.observe(response.statusCode, response.headers);
      if (response.statusCode === 429) this.rateLimitedCount += 1;
      if (response.statusCode >= 400 || response.statusCode < 200) {
        throw new HttpError(this.options.vendor, 'GET', shownPath, response.statusCode, response.headers, bodyExcerpt(response.body, this.options.headers));
      }
      let body: T;
      try {
        body = JSON.parse(response.body) as T;
      } catch {
        throw new HttpError(this.options.vendor, 'GET', shownPath, response.statusCode, response.headers, `response is not JSON: ${bodyExcerpt(response.body, this.options.headers, 80)}`);
      }
      return { body, headers: response.headers };
    });
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
