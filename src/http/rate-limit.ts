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
