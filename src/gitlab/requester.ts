import { createRequesterFn } from '@gitbeaker/requester-utils';
import type { Clock, Sleep } from '../clock.js';
import type { Logger } from '../log.js';
import { HttpError, TransportError, excerpt } from '../http/errors.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../http/retry.js';

interface RequestOptions {
  method: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  prefixUrl?: string;
  searchParams?: string;
  signal?: AbortSignal;
  asStream?: boolean;
}

export interface GitLabRequesterOptions {
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  timeoutMs?: number;
  retry?: Partial<Omit<RetryPolicy, 'vendor' | 'sleep' | 'clock' | 'logger' | 'idempotent'>>;
  /** Called once per HTTP request sent, for request counts. */
  onRequest?: (method: string, path: string) => void;
}

/**
 * Replaces gitbeaker's request handler, which retries 429 and 502 ten times within about a quarter
 * of a second, ignores Retry-After, and retries POSTs on 502 (a duplicate note). Ours: one attempt
 * per try, the shared retry policy on top, Retry-After honoured, and writes retried only when the
 * server certainly did nothing (429, refused connection).
 */
export function createGitLabRequester(options: GitLabRequesterOptions) {
  return createRequesterFn(
    (_serviceOptions, requestOptions) => Promise.resolve(requestOptions),
    (endpoint: string, requestOptions?: Record<string, unknown>) =>
      handle(endpoint, (requestOptions ?? { method: 'GET' }) as unknown as RequestOptions, options) as never,
  );
}

async function handle(endpoint: string, request: RequestOptions, options: GitLabRequesterOptions) {
  const method = request.method.toUpperCase();
  const base = request.prefixUrl?.endsWith('/') ? request.prefixUrl : `${request.prefixUrl ?? ''}/`;
  const url = new URL(endpoint, base);
  url.search = request.searchParams ?? '';
  const shownPath = url.pathname;
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY,
    ...options.retry,
    vendor: 'gitlab',
    clock: options.clock,
    sleep: options.sleep,
    logger: options.logger,
    idempotent: method === 'GET' || method === 'HEAD',
  };
  return withRetry(`${method} ${shownPath}`, policy, async () => {
    options.onRequest?.(method, shownPath);
    let response: Response;
    try {
      const signals = [AbortSignal.timeout(options.timeoutMs ?? 30_000)];
      if (request.signal) signals.push(request.signal);
      response = await fetch(url, { method, headers: request.headers, body: request.body, signal: AbortSignal.any(signals) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      const code = (error as Error).name === 'TimeoutError' ? 'ETIMEDOUT' : (cause?.code ?? 'ERR');
      throw new TransportError('gitlab', method, shownPath, code, (error as Error).message);
    }
    const headers = Object.fromEntries(response.headers.entries());
    if (!response.ok) {
      throw new HttpError('gitlab', method, shownPath, response.status, headers, excerpt(await response.text()));
    }
    const contentType = (headers['content-type'] ?? '').split(';')[0].trim();
    let body: unknown;
    if (response.status === 204) body = null;
    else if (contentType === 'application/json') body = (await response.json()) ?? {};
    else body = await response.text();
    return { body, headers, status: response.status };
  });
}
