/**
 * The naive N+1 strategy the benchmark compares against, against the same fakes and through the
 * same HTTP client (retries and pacing included): list the users, then one request per user for
 * what the audit reads in bulk. Only a sample of the per-user requests is sent (the whole thing
 * would take minutes); the request count is exact and the time is extrapolated from the sample's
 * pace without its waits for the rate limit (one wait in 200 requests would count 250 times at
 * 50k), never below what the vendor's rate limit allows for that many requests (run.ts).
 */
import { Writable } from 'node:stream';
import { realSleep } from '../src/clock.js';
import { createLogger } from '../src/log.js';
import { PLATFORM_MODULES } from '../src/platforms/registry.js';

export interface NaiveJob {
  /** The platform module whose strategy runs (its bench's `naive`). */
  module: string;
  /** The variables that point at the benchmark's fakes. */
  env: Record<string, string>;
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
  const module = PLATFORM_MODULES.find((candidate) => candidate.id === job.module);
  const strategy = module?.bench.naive;
  if (!module || !strategy) throw new Error(`no naive strategy for ${job.module}`);
  const secrets = module.env.flatMap((variable) =>
    variable.secret && job.env[variable.name] ? [job.env[variable.name]] : [],
  );
  const logger = createLogger({
    secrets,
    destination: new Writable({ write: (_c, _e, done) => done() }),
    level: 'warn',
  });
  let waitedMs = 0;
  const sleep = (ms: number) => {
    waitedMs += ms;
    return realSleep(ms);
  };
  const started = performance.now();
  const { client: http, ids, perUser } = await strategy.list(job.env, { logger, clock: () => new Date(), sleep });
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
