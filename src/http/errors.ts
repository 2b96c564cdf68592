import { credentialValues, scrubSecrets } from '../secrets.js';

/**
 * A vendor answered with an HTTP error. The message names vendor, method, path and status, never
 * headers. The headers (the retry layer reads the rate-limit ones) are not enumerable, so a logged
 * error never carries them: a vendor's answer may hold cookies or echo credentials.
 */
export class HttpError extends Error {
  declare readonly headers: Record<string, string | string[] | undefined>;

  constructor(
    readonly vendor: string,
    readonly method: string,
    readonly path: string,
    readonly status: number,
    headers: Record<string, string | string[] | undefined>,
    readonly bodyExcerpt: string,
  ) {
    super(`${vendor} ${method} ${path} answered HTTP ${status}${bodyExcerpt ? `: ${bodyExcerpt}` : ''}`);
    this.name = 'HttpError';
    Object.defineProperty(this, 'headers', { value: headers, enumerable: false });
  }
}

/** The request never got an HTTP answer (connection reset or refused, DNS, timeout). */
export class TransportError extends Error {
  constructor(
    readonly vendor: string,
    readonly method: string,
    readonly path: string,
    readonly code: string,
    detail: string,
  ) {
    super(`${vendor} ${method} ${path} failed without an answer (${code}): ${detail}`);
    this.name = 'TransportError';
  }
}

/** Retries ran out; wraps the last failure and says how many attempts were made. */
export class RetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    readonly lastError: Error,
  ) {
    super(`${lastError.message} (gave up after ${attempts} attempts)`);
    this.name = 'RetriesExhaustedError';
  }
}

/**
 * An error body as shown in messages: the request's own credentials and the run's other known
 * secrets masked first (vendors sometimes echo them), then flattened and cut to `max` characters.
 * Every error body a message or log shows goes through here.
 */
export function bodyExcerpt(
  body: string,
  requestHeaders: Record<string, string | string[] | undefined> | undefined,
  max = 300,
  otherSecrets: readonly string[] = [],
): string {
  // Masked as the logs mask them: as written and as JSON-escaped, before the cut (a cut secret is not recognisable).
  const secrets = [...credentialValues(requestHeaders), ...otherSecrets];
  return excerpt(
    scrubSecrets(body, [...new Set(secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))]),
    max,
  );
}

export function excerpt(body: string, max = 300): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** What a failed request says: the last attempt's message when retries ran out. */
export function messageOf(error: unknown): string {
  const cause = error instanceof RetriesExhaustedError ? error.lastError : error;
  return (cause as Error)?.message ?? String(cause);
}

/** The HTTP status of a failed request (of its last attempt), if it got an answer. */
export function statusOf(error: unknown): number | undefined {
  const cause = error instanceof RetriesExhaustedError ? error.lastError : error;
  return cause instanceof HttpError ? cause.status : undefined;
}
