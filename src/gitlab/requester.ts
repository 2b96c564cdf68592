import { formatQuery, type RequesterType, type ResourceOptions } from '@gitbeaker/requester-utils';
import got, { RequestError, type Response } from 'got';
import type { Clock, Sleep } from '../clock.js';
import type { Logger } from '../log.js';
import { HttpError, TransportError, bodyExcerpt } from '../http/errors.js';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from '../http/retry.js';
import { GITLAB_RATE_LIMIT_HEADERS, RateLimitPacer } from '../http/rate-limit.js';

interface RequestOptions {
  method: string;
  headers: Record<string, string>;
  body?: string;
  prefixUrl: string;
  searchParams: string;
  signal?: AbortSignal;
}

/** What gitbeaker's resources pass for one call (the subset the bot's calls use). */
interface ResourceCall {
  body?: unknown;
  searchParams?: Record<string, unknown>;
  signal?: AbortSignal;
  sudo?: string | number;
  asStream?: boolean;
}

export interface GitLabRequesterOptions {
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  timeoutMs?: number;
  retry?: Partial<Omit<RetryPolicy, 'vendor' | 'waitHeaders' | 'sleep' | 'clock' | 'logger' | 'idempotent'>>;
  /** Called once per HTTP request sent, for request counts. */
  onRequest?: (method: string, path: string) => void;
  /** The run's known secrets: masked in every error body, as in the logs. */
  secrets?: readonly string[];
}

/**
 * Replaces gitbeaker's requester, which retries 429 and 502 ten times within about a quarter
 * of a second, ignores Retry-After, and retries POSTs on 502 (a duplicate note). Ours: one attempt
 * per try, the shared retry policy on top, Retry-After honoured, and writes that are not safe to
 * repeat retried only when the server certainly did nothing (429, refused connection). The
 * transport is got, as for the vendors' APIs, and the pacer replaces gitbeaker's per-resource
 * rate limiters.
 */
export function createGitLabRequester(options: GitLabRequesterOptions): (resource: ResourceOptions) => RequesterType {
  // One pacer per tracker: GitLab's RateLimit-Remaining / RateLimit-Reset keep a run inside its window.
  const pacer = new RateLimitPacer(
    GITLAB_RATE_LIMIT_HEADERS,
    options.sleep,
    options.retry?.maxRateLimitWaitMs ?? DEFAULT_RETRY.maxRateLimitWaitMs,
  );
  return (resource) => {
    const send =
      (method: string) =>
      async (endpoint: string, call: ResourceCall = {}) => {
        if (call.sudo !== undefined || call.asStream)
          throw new TypeError('the GitLab requester does not act as another user or stream answers');
        const headers: Record<string, string> = { ...resource.headers };
        for (const [name, value] of Object.entries(resource.authHeaders)) headers[name] = await value();
        let body: string | undefined;
        if (call.body) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(snakeCaseKeys(call.body));
        }
        const request = {
          method,
          headers,
          body,
          prefixUrl: resource.url,
          searchParams: formatQuery(call.searchParams),
          signal: call.signal,
        };
        return handle(endpoint, request, options, pacer) as never;
      };
    return { get: send('GET'), post: send('POST'), put: send('PUT'), patch: send('PATCH'), delete: send('DELETE') };
  };
}

/** gitbeaker's bodies name fields in camelCase (`addLabels`); GitLab's API reads snake_case (`add_labels`). */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  if (Object.getPrototypeOf(value) !== Object.prototype)
    throw new TypeError(
      `the GitLab requester sends plain JSON bodies only, not ${Object.prototype.toString.call(value)}`,
    );
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
      snakeCaseKeys(field),
    ]),
  );
}

/**
 * Requests that may be sent again when their answer is lost: reads; PUT and DELETE, which set a
 * state (the board, labels and state; a lease removed), so twice is the same as once; and
 * creating a project label, the lease, which GitLab refuses the second time (409). Creating a note
 * or an issue is not: a lost answer there is settled by reading the issue again (commands/apply.ts).
 */
export function safeToRepeat(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'PUT' || method === 'DELETE') return true;
  return method === 'POST' && /\/projects\/[^/]+\/labels\/?$/.test(path);
}

async function handle(
  endpoint: string,
  request: RequestOptions,
  options: GitLabRequesterOptions,
  pacer: RateLimitPacer,
) {
  const method = request.method;
  const base = request.prefixUrl.endsWith('/') ? request.prefixUrl : `${request.prefixUrl}/`;
  const url = new URL(endpoint, base);
  url.search = request.searchParams;
  const shownPath = url.pathname;
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY,
    ...options.retry,
    vendor: 'gitlab',
    waitHeaders: GITLAB_RATE_LIMIT_HEADERS.wait,
    clock: options.clock,
    sleep: options.sleep,
    logger: options.logger,
    idempotent: safeToRepeat(method, shownPath),
  };
  let attempts = 0;
  return withRetry(`${method} ${shownPath}`, policy, async () => {
    attempts += 1;
    await pacer.acquire(attempts > 1);
    options.onRequest?.(method, shownPath);
    let response: { statusCode: number; headers: Record<string, string | string[] | undefined>; text: string };
    try {
      response = await readAnswer(url, request, options.timeoutMs ?? 30_000);
    } catch (error) {
      pacer.observe(undefined, undefined);
      const code =
        error instanceof RequestError
          ? (error.code ?? 'ERR')
          : (error as Error).name === 'AbortError'
            ? 'ABORTED'
            : 'ERR';
      throw new TransportError('gitlab', method, shownPath, code, (error as Error).message);
    }
    const headers = flatHeaders(response.headers);
    pacer.observe(response.statusCode, headers);
    const text = response.text;
    if (response.statusCode < 200 || response.statusCode >= 300) {
      throw new HttpError(
        'gitlab',
        method,
        shownPath,
        response.statusCode,
        headers,
        bodyExcerpt(text, request.headers, undefined, options.secrets),
      );
    }
    const contentType = (headers['content-type'] ?? '').split(';')[0].trim();
    let body: unknown;
    if (response.statusCode === 204) body = null;
    else if (contentType === 'application/json') {
      try {
        body = JSON.parse(text || 'null') ?? {};
      } catch {
        // JSON.parse's own message quotes the body's first bytes: a cut secret no scrubbing would recognise.
        const shown = bodyExcerpt(text, request.headers, 120, options.secrets);
        throw new HttpError(
          'gitlab',
          method,
          shownPath,
          response.statusCode,
          headers,
          `the answer is typed as JSON but is not JSON: ${shown}`,
        );
      }
    } else body = text;
    return { body, headers, status: response.statusCode };
  });
}

/**
 * Sends the request and reads its answer as a stream, into one string: got's promise keeps the
 * answer's bytes on its response for as long as the request object lives, and a night over many
 * issues reads tens of MB of notes.
 */
async function readAnswer(url: URL, request: RequestOptions, timeoutMs: number) {
  const stream = got.stream(url, {
    method: request.method as 'GET',
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    timeout: { request: timeoutMs },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
  });
  let answer: Response | undefined;
  stream.once('response', (response: Response) => (answer = response));
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  if (!answer) throw new Error('the connection closed before an answer came');
  return { statusCode: answer.statusCode, headers: answer.headers, text: Buffer.concat(chunks).toString('utf8') };
}

/** Node's repeated headers (set-cookie) as one string each, the shape gitbeaker reads. */
function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
