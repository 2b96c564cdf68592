/**
 * The naive N+1 strategy the benchmark compares against, against the same fakes and through the
 * same HTTP client (retries and pacing included): list the users, then one request per user for
 * what the audit reads in bulk. Only a sample of the per-user requests is sent (the whole thing
 * would take minutes); the request count is exact and the time is extrapolated from the sample's
 * pace without its waits for the rate limit (one wait in 200 requests would count 250 times at
 * 50k), never below what the vendor's rate limit allows for that many requests (run.ts).
 */
import { VendorClient } from '../src/http/client.js';
import { collectCursorPages, collectTokenPages } from '../src/http/paginate.js';
import { createCalendlyHttp } from '../src/platforms/calendly/client.js';
import { zendeskAuth } from '../src/platforms/zendesk/auth.js';
import { createZendeskHttp } from '../src/platforms/zendesk/client.js';
import { createPagerDutyHttp } from '../src/platforms/pagerduty/client.js';
import { listAllUsers } from '../src/platforms/pagerduty/listing.js';
import { realSleep } from '../src/clock.js';
import { createLogger } from '../src/log.js';
import { Writable } from 'node:stream';

export type NaivePlatform = 'zendesk' | 'calendly' | 'pagerduty';

export interface NaiveJob {
  platform: NaivePlatform;
  url: string;
  token: string;
  email?: string;
  /** Calendly: the organization's URI; its members are looked up one by one by email. */
  organization?: string;
  /** Per-user requests actually sent. */
  sample: number;
}

export interface NaiveResult {
  /** Requests of the listing part (sent in full). */
  listingRequests: number;
  listingMs: number;
  users: number;
  /** Per-user requests sent, and how long they took (the rate-limit waits left out). */
  sampled: number;
  sampleMs: number;
  /** Requests the whole strategy needs: the listing plus one per user. */
  totalRequests: number;
  /** Time the whole strategy would take at the sample's pace, its rate-limit waits left out. */
  extrapolatedMs: number;
}

export async function runNaive(job: NaiveJob): Promise<NaiveResult> {
  const logger = createLogger({
    secrets: [job.token],
    destination: new Writable({ write: (_c, _e, done) => done() }),
    level: 'warn',
  });
  let waitedMs = 0;
  const sleep = (ms: number) => {
    waitedMs += ms;
    return realSleep(ms);
  };
  const common = { baseUrl: job.url, logger, clock: () => new Date(), sleep, token: job.token };
  let http: VendorClient;
  let ids: string[];
  let perUser: (id: string) => Promise<unknown>;
  const started = performance.now();
  if (job.platform === 'zendesk') {
    const auth = zendeskAuth(
      { kind: 'api-token', email: job.email!, token: job.token, variables: ['ZENDESK_EMAIL', 'ZENDESK_API_TOKEN'] },
      common,
    );
    http = createZendeskHttp({ ...common, auth });
    const users = await collectCursorPages<{ id: number }>(http, 'api/v2/users', 'users', {
      'role[]': ['agent', 'admin'],
    });
    await collectCursorPages(http, 'api/v2/groups', 'groups');
    await http.getJson('api/v2/custom_roles').catch(() => undefined);
    await http.getJson('api/v2/api_tokens').catch(() => undefined);
    ids = users.map((user) => String(user.id));
    perUser = (id) => collectCursorPages(http, `api/v2/users/${id}/group_memberships`, 'group_memberships');
  } else if (job.platform === 'calendly') {
    http = createCalendlyHttp(common);
    await http.getJson('users/me');
    // The roster-driven naive audit: one membership lookup per person; the listing still has to be
    // read to find the members nobody in the roster knows.
    const members = await collectTokenPages<{ user: { email: string } }>(http, 'organization_memberships', {
      organization: job.organization,
    });
    ids = members.map((member) => member.user.email);
    perUser = (email) =>
      http.getJson('organization_memberships', { organization: job.organization, email, count: 100 });
  } else {
    http = createPagerDutyHttp(common);
    const users = await listAllUsers(http);
    ids = users.map((user) => user.id);
    perUser = (id) => http.getJson(`users/${id}`);
  }
  // The strategy's requests, not the 429s met on the way (those depend on where the sample falls in a window).
  const answered = () => http.requestCount - http.rateLimitedCount;
  const listingRequests = answered();
  const listingMs = performance.now() - started;
  const sample = ids.slice(0, job.sample);
  const sampleStart = performance.now();
  const waitedBefore = waitedMs;
  for (const id of sample) await perUser(id);
  const sampleMs = performance.now() - sampleStart - (waitedMs - waitedBefore);
  const perUserRequests = sample.length === 0 ? 1 : (answered() - listingRequests) / sample.length;
  return {
    listingRequests,
    listingMs,
    users: ids.length,
    sampled: sample.length,
    sampleMs,
    totalRequests: listingRequests + Math.round(perUserRequests * ids.length),
    extrapolatedMs: listingMs + (sample.length === 0 ? 0 : (sampleMs / sample.length) * ids.length),
  };
}
