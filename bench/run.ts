/**
 * `npm run bench` (issue #9): requests and time at scale against the physical limit.
 *
 * For each tier (organisations of 1k, 10k and 50k people by default) it seeds every registered
 * platform's fakes (bench/data.ts and each platform's bench.ts), gives every fake the vendor's
 * real rate limit in its own 429 style with time scaled down by `--factor` (a minute becomes
 * 60/factor seconds; the counts stay the vendor's) plus a fixed per-request latency, and runs,
 * each in its own process with real sleeps and every rate-limit window unused; a fixed window
 * starts with the run, so a run that needs a second one waits out the whole first (in CI, jobs
 * side by side share GitLab's limit, and a vendor's may be shared with other integrations):
 *   - `open` for every audit (the quarterly run: the platform's listing, then GitLab writes);
 *   - a nightly `followup` over `--issues` open audit issues with nothing due;
 *   - the naive N+1 strategy (bench/naive.ts), for comparison.
 * It prints one table per tier: requests made, the minimum (pages needed), their ratio, 429s,
 * wall time, the rate-limit lower bound and their ratio, peak RSS, and says which target is met.
 *
 * Every platform client keeps to `--share` of the vendor's announced limit (VendorClient's
 * budgetShare; the rest is the other integrations'), counted over the scaled window; each row
 * shows the share the run used: its most requests in any window, against the vendor's limit.
 *
 * Lower bound of a run: for the platform, max(minimum requests / (share × scaled rate), longest
 * chain of requests that must follow each other × latency); plus the same for its GitLab writes
 * (the issue, the notes in order, the board; GitLab's pacer takes no share). Independent listings
 * and renders count as parallel.
 *
 * Per tier it also times the start-up no factor shrinks: reading and checking the config and the
 * roster in a fresh process, which a run does before any request may go out.
 *
 * Options: --tiers=1000,10000,50000 --factor=10 --latency=1 --share=0.5 --issues=200 --naive-sample=200 --json=<file>
 * --strict (exit 1 when a target is missed), --repeat=3 (each run that many times from the same
 * state: the table shows the run with the median wall time and the range)
 * (also for diagnosis: --profile=<folder> writes a CPU profile per run, --node-flags="--trace-gc ...",
 * --only=zendesk-us-federal,followup,naive runs only those).
 * Everything listens on 127.0.0.1 only and stops by itself.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGitLabSandbox, type GitLabSandbox } from '../src/sandbox/gitlab/index.js';
import type { FakeServer, RequestLogEntry } from '../src/sandbox/fake-server.js';
import type { BenchAudit, PlatformFake } from '../src/platforms/contract.js';
import { PLATFORM_MODULES } from '../src/platforms/registry.js';
import { buildOrganisation, type Organisation } from './data.js';
import type { ChildJob, ChildResult, Pacing } from './child.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(HERE, 'child.js');

/**
 * The image's NODE_OPTIONS (the Dockerfile's `ENV NODE_OPTIONS="…"`): every child runs with them,
 * as audit-bot runs in the component's jobs.
 */
export function imageNodeOptions(dockerfile: string): string[] {
  const value = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile)?.[1];
  if (value === undefined) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  return value.split(' ').filter(Boolean);
}
const IMAGE_NODE_OPTIONS = imageNodeOptions(fs.readFileSync(path.join(HERE, '..', '..', 'Dockerfile'), 'utf8'));

/** GitLab.com's limit for authenticated API requests, per minute. */
const GITLAB_LIMIT = 2000;
/** Requests per minute by vendor: each platform module's (its vendor's announced limit), and GitLab's. */
const LIMITS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(PLATFORM_MODULES.map((module) => [module.id, module.bench.rateLimitPerMinute])),
  gitlab: GITLAB_LIMIT,
};
/** A platform module's id, or `gitlab`. */
type Vendor = string;

const GITLAB_TOKEN = 'bench-gitlab-token';
const PROJECT = 'support-ops/access-audits';
const BOT = 'audit-bot';

interface Options {
  tiers: number[];
  /** Time scale: a vendor's minute lasts 60/factor seconds. */
  factor: number;
  latencyMs: number;
  issues: number;
  naiveSample: number;
  json?: string;
  /** Folder for a CPU profile of every child run (node --cpu-prof), for diagnosis. */
  profile?: string;
  /** More node flags for every child run, e.g. --node-flags="--trace-gc". */
  nodeFlags: string[];
  /** Exit 1 when a target is missed. */
  strict: boolean;
  /** Only these runs (audit ids, `followup`, `naive`), for diagnosis; all when empty. */
  only: string[];
  /** Times each run is measured; the median counts. */
  repeat: number;
  /** Share of each vendor's announced limit the platform clients keep to (budgetShare). */
  share: number;
}

export function parseOptions(argv: string[]): Options {
  const options: Options = {
    tiers: [1_000, 10_000, 50_000],
    factor: 10,
    latencyMs: 1,
    issues: 200,
    naiveSample: 200,
    nodeFlags: [],
    strict: false,
    only: [],
    repeat: 1,
    share: 0.5,
  };
  for (const arg of argv) {
    const [key, value = ''] = arg.replace(/^--/, '').split('=');
    if (key === 'tiers') options.tiers = value.split(',').map((v) => Number(v.replace(/k$/i, '000')));
    else if (key === 'factor') options.factor = Number(value);
    else if (key === 'latency') options.latencyMs = Number(value);
    else if (key === 'issues') options.issues = Number(value);
    else if (key === 'naive-sample') options.naiveSample = Number(value);
    else if (key === 'json') options.json = value;
    else if (key === 'strict') options.strict = true;
    else if (key === 'only') options.only = value.split(',').filter(Boolean);
    else if (key === 'repeat') options.repeat = Number(value);
    else if (key === 'share') options.share = Number(value);
    else if (key === 'profile') options.profile = path.resolve(value);
    else if (key === 'node-flags') options.nodeFlags = arg.slice('--node-flags='.length).split(' ').filter(Boolean);
    else throw new Error(`unknown option ${arg}`);
  }
  if (
    options.tiers.some((n) => !Number.isInteger(n) || n < 20) ||
    !(options.factor > 0) ||
    !(options.latencyMs >= 0) ||
    !(Number.isInteger(options.repeat) && options.repeat >= 1) ||
    !(options.share > 0 && options.share <= 1)
  ) {
    throw new Error('bad options');
  }
  return options;
}

/** Requests per millisecond a vendor allows at the scaled time. */
const ratePerMs = (vendor: Vendor, factor: number) => (LIMITS[vendor] * factor) / 60_000;
/** The share of a vendor's limit our client keeps to: the platforms' `--share`; GitLab's pacer takes all of its own. */
const shareOf = (vendor: Vendor, options: Options) => (vendor === 'gitlab' ? 1 : options.share);
/** Requests per millisecond our client may send at the scaled time: its share of the vendor's rate. */
const ourRatePerMs = (vendor: Vendor, options: Options) => ratePerMs(vendor, options.factor) * shareOf(vendor, options);
/** The scaled length of a vendor's one-minute window. */
const windowMsOf = (options: Options) => 60_000 / options.factor;
const pages = (items: number, size = 100) => Math.max(1, Math.ceil(items / size));

interface Row {
  tier: number;
  run: string;
  vendor: Vendor;
  platformRequests: number;
  minimum: number;
  rateLimited: number;
  gitlabRequests: number;
  gitlabWrites: number;
  /** GitLab requests the run needs at least (open: the issue, each note, the board; followup: the reads). */
  gitlabMinimum: number;
  wallMs: number;
  /** Fastest and slowest wall time over the repeats (with --repeat above 1). */
  wallRangeMs?: [number, number];
  boundMs: number;
  cpuMs: number;
  maxRssMb: number;
  code: number;
  note: string;
  /**
   * The platform's requests in the busiest scaled window of the run (any window, sliding), and the
   * share of its limit they are.
   */
  peakPerWindow?: number;
  peakShare?: number;
  /** followup: most GitLab reads spent on one issue (beyond the listing). */
  maxReadsPerIssue?: number;
  /** followup: issues with more notes than one page (100) holds. */
  issuesOverOnePage?: number;
}

interface NaiveRow {
  tier: number;
  /** The platform module whose strategy ran, and what it does. */
  platform: string;
  label: string;
  requests: number;
  extrapolatedMs: number;
  sampled: number;
  ours: Row;
}

let childFlags: string[] = [];
/** The share and the scaled window every child's platform clients use. */
let childPacing: Pacing | undefined;

export function runChild(job: ChildJob, timeoutMs = 10 * 60_000): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...childFlags, CHILD, JSON.stringify({ ...job, pacing: job.pacing ?? childPacing })],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line) return reject(new Error(`bench child exited ${status} without a result: ${err.slice(-2000)}`));
      resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildResult);
    });
  });
}

interface Fakes {
  gitlab: GitLabSandbox;
  /** Every platform's fakes, by name. */
  platforms: Record<string, PlatformFake>;
  env: Record<string, string>;
  /** When each request reached each fake (performance.now), by its index in the fake's log. */
  arrivals: Map<FakeServer, number[]>;
}

export async function startFakes(org: Organisation, dir: string, options: Options): Promise<Fakes> {
  const windowMs = windowMsOf(options);
  const gitlab = createGitLabSandbox({
    projectPath: PROJECT,
    users: [{ id: 1, username: BOT, name: 'Audit Bot', bot: true }],
    tokens: { [GITLAB_TOKEN]: BOT },
    rateLimitPerMinute: GITLAB_LIMIT,
    rateLimitWindowMs: windowMs,
    preciseRateLimitHeaders: true,
  });
  const started = await Promise.all(
    org.platforms.map(({ organisation }) => organisation.start({ rateLimitWindowMs: windowMs })),
  );
  const platforms = Object.fromEntries(started.flatMap((module) => Object.entries(module.fakes)));
  const arrivals = new Map<FakeServer, number[]>();
  for (const server of [gitlab, ...Object.values(platforms)]) {
    const times: number[] = [];
    arrivals.set(server, times);
    // Called as a request arrives, just before the fake logs it: its index is the log's length.
    server.setFaultPlan(() => {
      times[server.log.length] = performance.now();
      return options.latencyMs > 0 ? { type: 'delay', ms: options.latencyMs } : undefined;
    });
  }
  await gitlab.start();
  fs.writeFileSync(path.join(dir, 'roster.yml'), org.rosterYaml);
  // Every platform keeps to --share of its vendor's limit, as `rate_limit_share` says in a user's config.
  const auditBlocks = new Set(org.platforms.flatMap(({ module }) => module.audits.map((audit) => `  ${audit.id}:`)));
  fs.writeFileSync(
    path.join(dir, 'audit.config.yml'),
    org.configYaml
      .split('\n')
      .map((line) => (auditBlocks.has(line) ? `${line}\n    rate_limit_share: ${options.share}` : line))
      .join('\n'),
  );
  return {
    gitlab,
    platforms,
    arrivals,
    env: {
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN,
      AUDIT_PROJECT: PROJECT,
      ...Object.fromEntries(started.flatMap((module) => Object.entries(module.env))),
      AUDIT_CONFIG: path.join(dir, 'audit.config.yml'),
      AUDIT_ROSTER: path.join(dir, 'roster.yml'),
    },
  };
}

/** Every fake: GitLab's and the platforms'. */
const allFakes = (fakes: Fakes): FakeServer[] => [fakes.gitlab, ...Object.values(fakes.platforms)];

const isWrite = (entry: RequestLogEntry) => entry.method !== 'GET' && entry.method !== 'HEAD';

/** max(requests / our rate, chain × latency): what our share of the vendor's limit and the latency allow at best. */
function bound(vendor: Vendor, requests: number, chain: number, options: Options): number {
  return Math.max(requests / ourRatePerMs(vendor, options), chain * options.latencyMs);
}

/** The most of `times` (ascending or not) in any window of `windowMs`. */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= windowMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** What `open` of each audit must read at least, and the vendor whose limit it keeps to. */
function auditPlans(org: Organisation): (BenchAudit & { vendor: Vendor })[] {
  return org.platforms.flatMap(({ module, organisation }) =>
    organisation.audits.map((audit) => ({ ...audit, vendor: module.id })),
  );
}

async function runTier(size: number, options: Options): Promise<{ rows: Row[]; naive: NaiveRow[]; startupMs: number }> {
  const org = buildOrganisation(size, new Date());
  const wanted = (run: string) => options.only.length === 0 || options.only.includes(run);
  const audits = auditPlans(org).filter((audit) => wanted(audit.id));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-bench-'));
  const fakes = await startFakes(org, dir, options);
  const rows: Row[] = [];
  const naive: NaiveRow[] = [];
  let startupMs: number;
  try {
    startupMs = await measureStartup(fakes.env, options);
    for (const audit of audits) {
      const server: FakeServer = fakes.platforms[audit.fake];
      // Every repeat starts from GitLab as it was before the first: no issue for the quarter yet.
      const before = fakes.gitlab.saveState();
      const measureOpen = async (): Promise<Row> => {
        fakes.gitlab.restoreState(before);
        freshWindows(fakes);
        const platformBefore = server.log.length;
        const gitlabBefore = fakes.gitlab.log.length;
        const result = await runChild({ kind: 'cli', argv: ['open', '--platform', audit.id], env: fakes.env });
        const platformLog = server.log.slice(platformBefore);
        const peakPerWindow = peakInWindow(
          fakes.arrivals
            .get(server)!
            .slice(platformBefore)
            .filter((t) => t !== undefined),
          windowMsOf(options),
        );
        const gitlabLog = fakes.gitlab.log.slice(gitlabBefore);
        const notes = gitlabLog.filter((e) => e.method === 'POST' && /\/notes$/.test(e.path) && e.status < 300).length;
        const gitlabMinimum = notes + 3;
        return {
          tier: size,
          run: `open ${audit.id}`,
          vendor: audit.vendor,
          platformRequests: platformLog.length,
          minimum: audit.minimum,
          rateLimited:
            platformLog.filter((e) => e.status === 429).length + gitlabLog.filter((e) => e.status === 429).length,
          gitlabRequests: gitlabLog.length,
          gitlabWrites: gitlabLog.filter(isWrite).length,
          gitlabMinimum,
          wallMs: result.wallMs,
          boundMs:
            bound(audit.vendor, audit.minimum, audit.chain, options) +
            bound('gitlab', gitlabMinimum, gitlabMinimum, options),
          peakPerWindow,
          peakShare: peakPerWindow / LIMITS[audit.vendor],
          cpuMs: result.cpuMs,
          maxRssMb: result.maxRssMb,
          code: result.code,
          note:
            result.code === 0
              ? result.stdout
                  .trim()
                  .split('\n')
                  .at(-1)!
                  .replace(/^.*?: \d+ finding/, (m) => m.slice(m.lastIndexOf(': ') + 2))
                  .slice(0, 120)
              : `exit ${result.code}: ${(result.stdout + result.stderr).slice(0, 300)}`,
        };
      };
      rows.push(await repeated(options, measureOpen));
    }

    if (wanted('followup')) rows.push(await measureFollowup(fakes, size, options));
    if (wanted('naive')) naive.push(...(await measureNaive(fakes, size, rows, options)));
  } finally {
    await Promise.all(allFakes(fakes).map((fake) => fake.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { rows, naive, startupMs };
}

/** Every fake's rate-limit window as a run a night (or a quarter) later finds it: nothing used. */
function freshWindows(fakes: Fakes): void {
  for (const fake of allFakes(fakes)) fake.forgetRateLimitWindow();
}

/**
 * The followup's reads at least: one notes page per issue, the bot's own open issues (one listing
 * for every platform, a page per 100 issues), and the three listings of closed issues it may still
 * owe something (status open, status review, closed lately).
 */
function followupMinimum(openIssueLabels: string[][]): number {
  return openIssueLabels.length + pages(openIssueLabels.length) + 3;
}

/**
 * What a run does before its first request, in a fresh process: the config and the roster read and
 * checked (median of the repeats).
 */
async function measureStartup(env: Record<string, string>, options: Options): Promise<number> {
  const times: number[] = [];
  for (let repeat = 0; repeat < options.repeat; repeat++) {
    const result = await runChild({ kind: 'startup', env });
    if (result.code !== 0) throw new Error(`the start-up run failed: ${result.stderr}`);
    times.push(result.wallMs);
  }
  return middle(times.sort((a, b) => a - b));
}

/** The median of values sorted ascending (the lower of the two middle ones for an even count). */
const middle = <T>(sorted: T[]): T => sorted[Math.floor((sorted.length - 1) / 2)];

/** The nightly followup over `issues` open audit issues with nothing due (copies of the ones `open` made). */
async function measureFollowup(fakes: Fakes, size: number, options: Options): Promise<Row> {
  if (fakes.gitlab.issues().length === 0) {
    const opened = await runChild({ kind: 'cli', argv: ['open', '--platform', 'pagerduty'], env: fakes.env });
    if (opened.code !== 0) throw new Error(`open failed: ${(opened.stdout + opened.stderr).slice(0, 500)}`);
  }
  cloneIssues(fakes.gitlab, options.issues);
  // The copies' notes have new ids, so their boards' checkpoints name notes they do not have: a
  // first night reads them in full and writes new checkpoints. The night measured is the next.
  const settled = await runChild({ kind: 'cli', argv: ['followup'], env: fakes.env });
  if (settled.code !== 0)
    throw new Error(`the settling followup failed: ${(settled.stdout + settled.stderr).slice(0, 500)}`);
  return repeated(options, () => measureNight(fakes, size, options));
}

/** One quiet night over the issues, measured. */
async function measureNight(fakes: Fakes, size: number, options: Options): Promise<Row> {
  // A night later GitLab's window holds none of the last night's requests.
  freshWindows(fakes);
  const gitlabBefore = fakes.gitlab.log.length;
  const followup = await runChild({ kind: 'cli', argv: ['followup'], env: fakes.env });
  const gitlabLog = fakes.gitlab.log.slice(gitlabBefore);
  const perIssue = new Map<string, number>();
  for (const entry of gitlabLog) {
    const iid = /\/issues\/(\d+)\//.exec(entry.path)?.[1];
    if (iid && entry.method === 'GET') perIssue.set(iid, (perIssue.get(iid) ?? 0) + 1);
  }
  const openIssues = fakes.gitlab.issues().filter((issue) => issue.state === 'opened');
  const issueCount = openIssues.length;
  const gitlabMinimum = followupMinimum(openIssues.map((issue) => issue.labels as string[]));
  return {
    tier: size,
    run: `followup, ${issueCount} issues`,
    vendor: 'gitlab',
    platformRequests: 0,
    minimum: 0,
    rateLimited: gitlabLog.filter((e) => e.status === 429).length,
    gitlabRequests: gitlabLog.length,
    gitlabWrites: gitlabLog.filter(isWrite).length,
    gitlabMinimum,
    wallMs: followup.wallMs,
    boundMs: bound('gitlab', gitlabMinimum, 2, options),
    cpuMs: followup.cpuMs,
    maxRssMb: followup.maxRssMb,
    code: followup.code,
    note:
      followup.code === 0
        ? `${followup.stdout.split('\n').filter((l) => /0 note\(s\) posted/.test(l)).length} ` +
          'issue(s) with nothing posted'
        : `exit ${followup.code}: ${(followup.stdout + followup.stderr).slice(0, 300)}`,
    maxReadsPerIssue: Math.max(0, ...perIssue.values()),
    issuesOverOnePage: openIssues.filter((issue) => fakes.gitlab.notesOf(issue.iid).length > 100).length,
  };
}

/**
 * `measure` run `options.repeat` times (each starts as the first did): the run with the median
 * wall time, with the range of wall times and the highest RSS.
 */
async function repeated(options: Options, measure: () => Promise<Row>): Promise<Row> {
  const runs: Row[] = [];
  for (let repeat = 0; repeat < options.repeat; repeat++) runs.push(await measure());
  const byWall = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const median = middle(byWall);
  return {
    ...median,
    code: runs.find((run) => run.code !== 0)?.code ?? 0,
    maxRssMb: Math.max(...runs.map((run) => run.maxRssMb)),
    wallRangeMs: runs.length > 1 ? [byWall[0].wallMs, byWall.at(-1)!.wallMs] : undefined,
  };
}

/** The naive N+1 strategy on the same fakes, next to our `open` rows. */
async function measureNaive(fakes: Fakes, size: number, rows: Row[], options: Options): Promise<NaiveRow[]> {
  const naive: NaiveRow[] = [];
  for (const module of PLATFORM_MODULES) {
    const strategy = module.bench.naive;
    const ours = rows.find((row) => row.run === `open ${strategy?.audit}`);
    if (!strategy || !ours) continue;
    freshWindows(fakes);
    const result = await runChild({ kind: 'naive', module: module.id, env: fakes.env, sample: options.naiveSample });
    const measured = result.naive!;
    naive.push({
      tier: size,
      platform: module.id,
      label: strategy.label,
      requests: measured.totalRequests,
      // Never faster than our share of the vendor's limit allows for that many requests.
      extrapolatedMs: Math.max(measured.extrapolatedMs, measured.totalRequests / ourRatePerMs(module.id, options)),
      sampled: measured.sampled,
      ours,
    });
  }
  return naive;
}

/**
 * Makes `total` open audit issues out of the ones `open` just created: copies with the same
 * description (board included), labels and notes (the bot's results note and pings, at the
 * times they were posted), so each looks exactly like `open`'s output.
 */
export function cloneIssues(gitlab: GitLabSandbox, total: number): void {
  const originals = gitlab.issues().filter((issue) => issue.state === 'opened');
  for (let k = 0; originals.length + k < total; k++) {
    const original = originals[k % originals.length];
    const copy = gitlab.addIssue({
      title: original.title,
      description: original.description,
      labels: original.labels as string[],
      author: BOT,
      confidential: original.confidential,
      createdAt: new Date(original.created_at),
    });
    for (const note of gitlab.notesOf(original.iid)) {
      if (note.system) continue;
      gitlab.addNote(copy.iid, { author: note.author.username, body: note.body, createdAt: new Date(note.created_at) });
    }
  }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const seconds = (ms: number) => `${fmt(ms / 1000, 2)} s`;
const ratio = (a: number, b: number) => (b > 0 ? `${fmt(a / b, 2)}×` : '—');
/** `0.31 s`, or with repeats the median and the range: `0.31 s (0.29–0.36)`. */
const wall = (row: Row) =>
  `${seconds(row.wallMs)}${row.wallRangeMs ? ` (${row.wallRangeMs.map((ms) => fmt(ms / 1000, 2)).join('–')})` : ''}`;

interface Verdict {
  ok: boolean;
  text: string;
  /** Reported, not judged: no target applies. */
  reported?: boolean;
}

function verdicts(rows: Row[], naive: NaiveRow[], tier: number, startupMs: number, options: Options): Verdict[] {
  const out: Verdict[] = [];
  for (const row of rows) {
    if (row.code !== 0) out.push({ ok: false, text: `${row.run}: exit code ${row.code} (${row.note})` });
    if (row.peakPerWindow !== undefined) {
      const allowed = Math.max(1, Math.floor(shareOf(row.vendor, options) * LIMITS[row.vendor]));
      out.push({
        ok: row.peakPerWindow <= allowed,
        text:
          `${row.run}: at most ${fmt(row.peakPerWindow)} requests in a window = ` +
          `share ${fmt(row.peakShare!, 2)} of the limit ${fmt(LIMITS[row.vendor])} ` +
          `(target ≤ ${fmt(allowed)}, share ${options.share})`,
      });
    }
    if (row.minimum > 0) {
      const r = row.platformRequests / row.minimum;
      out.push({
        ok: r <= 1.05,
        text:
          `${row.run}: requests ${fmt(row.platformRequests)} = ` +
          `${fmt(r, 3)}× the ${fmt(row.minimum)} pages needed (target ≤ 1.05×)`,
      });
    }
    const w = row.wallMs / row.boundMs;
    // Judged only where the limit binds: a run that needs more than our share of one window. One the
    // limit never makes wait is bound by its own CPU and start-up, and reported as it is.
    const needed = row.minimum > 0 ? row.minimum : row.gitlabMinimum;
    const oneWindow = Math.floor(shareOf(row.vendor, options) * LIMITS[row.vendor]);
    const text = `${row.run}: wall ${wall(row)} = ${fmt(w, 2)}× the lower bound ${seconds(row.boundMs)}`;
    if (needed <= oneWindow) {
      out.push({
        ok: true,
        reported: true,
        text:
          `${text} (its ${fmt(needed)} requests fit in our share of one window, ${fmt(oneWindow)}: ` +
          `the limit never binds; CPU ${seconds(row.cpuMs)}, start-up ${fmt(startupMs)} ms)`,
      });
    } else {
      // Why a run is slower than the bound: its own CPU (start-up: config and roster; the checks; GC).
      const why =
        w > 1.25
          ? `: the start-up alone takes ${fmt(startupMs)} ms ` +
            `(the bound plus it: ${fmt(row.wallMs / (row.boundMs + startupMs), 2)}×)` +
            (row.cpuMs > row.boundMs ? `; the run's own CPU time, ${seconds(row.cpuMs)}, exceeds the bound` : '')
          : '';
      out.push({ ok: w <= 1.25, text: `${text} (target ≤ 1.25×)${why}` });
    }
    if (row.maxReadsPerIssue !== undefined) {
      out.push({ ok: row.gitlabWrites === 0, text: `${row.run}: ${row.gitlabWrites} write(s) (target 0)` });
      const pagesWhy =
        row.maxReadsPerIssue > 1 && row.issuesOverOnePage
          ? `: ${row.issuesOverOnePage} issue(s) hold more than 100 notes, and GitLab lists notes 100 per page`
          : '';
      out.push({
        ok: row.maxReadsPerIssue <= 1,
        text: `${row.run}: at most ${row.maxReadsPerIssue} read(s) per issue (target ≤ 1)${pagesWhy}`,
      });
    }
  }
  out.push({
    ok: startupMs < 3000,
    text: `start-up ${fmt(startupMs)} ms at ${fmt(tier)} people (target < 3,000 ms)`,
  });
  const peak = Math.max(...rows.map((row) => row.maxRssMb));
  out.push({ ok: peak < 300, text: `peak RSS ${fmt(peak)} MB at ${fmt(tier)} people (target < 300 MB)` });
  for (const n of naive)
    out.push({
      ok: n.ours.platformRequests < n.requests,
      text: `${n.platform}: ${fmt(n.ours.platformRequests)} requests vs ${fmt(n.requests)} for N+1`,
    });
  return out;
}

/**
 * A fixed CPU workload, timed. On a steady machine it takes the same time every run; a virtual
 * machine whose neighbours take its CPU shows it here, and the tier's times are then slower too.
 */
export function cpuCheckMs(): number {
  const data = Buffer.alloc(1 << 20, 7);
  const json = JSON.stringify(Array.from({ length: 20_000 }, (_, index) => ({ index, name: `person ${index}` })));
  const started = performance.now();
  let digest = '';
  for (let round = 0; round < 20; round++) digest = createHash('sha256').update(data).update(digest).digest('hex');
  for (let round = 0; round < 5; round++) JSON.parse(json);
  return performance.now() - started;
}

function printTier(
  size: number,
  startupMs: number,
  rows: Row[],
  naive: NaiveRow[],
  cpuCheck?: { before: number; after: number },
): string {
  const lines: string[] = [];
  lines.push(`#### ${fmt(size)} people`);
  lines.push('');
  lines.push(
    'Start-up (the config and the roster read and checked in a fresh process, before any request may go out): ' +
      `${fmt(startupMs)} ms.`,
  );
  lines.push('');
  if (cpuCheck) {
    lines.push(
      'CPU check (the same fixed workload before and after the tier; a steady machine gives the same time): ' +
        `${fmt(cpuCheck.before)} ms, ${fmt(cpuCheck.after)} ms`,
    );
    lines.push('');
  }
  lines.push(
    '| Run | Requests | Pages needed | Ratio | 429s | Peak per window (share) | GitLab requests (writes) ' +
      '| Wall | Lower bound | Ratio | CPU | Peak RSS |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const requests = row.minimum > 0 ? fmt(row.platformRequests) : `${fmt(row.gitlabRequests)} (GitLab)`;
    const minimum = row.minimum > 0 ? fmt(row.minimum) : `${fmt(row.gitlabMinimum)} (GitLab)`;
    const r = row.minimum > 0 ? ratio(row.platformRequests, row.minimum) : ratio(row.gitlabRequests, row.gitlabMinimum);
    const peak =
      row.peakPerWindow === undefined
        ? '—'
        : `${fmt(row.peakPerWindow)} of ${fmt(LIMITS[row.vendor])} (${fmt(row.peakShare!, 2)})`;
    lines.push(
      `| ${row.run} | ${requests} | ${minimum} | ${r} | ${row.rateLimited} | ${peak} ` +
        `| ${fmt(row.gitlabRequests)} (${fmt(row.gitlabWrites)}) | ${wall(row)} | ${seconds(row.boundMs)} ` +
        `| ${ratio(row.wallMs, row.boundMs)} | ${seconds(row.cpuMs)} | ${fmt(row.maxRssMb)} MB |`,
    );
  }
  const followup = rows.find((row) => row.maxReadsPerIssue !== undefined);
  lines.push('');
  if (followup) {
    lines.push(
      `Followup with nothing due: ${followup.gitlabWrites} writes, ` +
        `at most ${followup.maxReadsPerIssue} GitLab read(s) per issue ` +
        `(${followup.note}; ${followup.issuesOverOnePage} issue(s) with more than 100 notes).`,
    );
  }
  lines.push('');
  lines.push('| Naive N+1 | Its requests | Ours | Ours ÷ N+1 | Its time (extrapolated) | Ours | Ours ÷ N+1 |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of naive) {
    lines.push(
      `| ${n.label} | ${fmt(n.requests)} | ${fmt(n.ours.platformRequests)} ` +
        `| ${ratio(n.ours.platformRequests, n.requests)} ` +
        `| ${seconds(n.extrapolatedMs)} | ${seconds(n.ours.wallMs)} | ${ratio(n.ours.wallMs, n.extrapolatedMs)} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  childFlags = [
    ...IMAGE_NODE_OPTIONS,
    ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${options.profile}`] : []),
    ...options.nodeFlags,
  ];
  childPacing = { budgetShare: options.share, budgetWindowMs: windowMsOf(options) };
  const started = Date.now();
  const header = [
    `audit-bot benchmark: ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? 'unknown'}), ` +
      `Node ${process.version}${childFlags.length > 0 ? ` (${childFlags.join(' ')})` : ''}, ` +
      new Date().toISOString().slice(0, 10),
    (options.factor === 1
      ? 'time at the real limits'
      : `time scaled ${options.factor}×: a vendor's minute lasts ${fmt(60 / options.factor, 1)} s`) +
      ' with its full per-minute limit ' +
      `(${PLATFORM_MODULES.map((module) => `${module.bench.vendor} ${LIMITS[module.id]}`).join(', ')}, ` +
      `GitLab ${fmt(LIMITS.gitlab)} per minute); ` +
      `our platform clients keep to ${options.share} of each limit (the lower bound counts at that rate); ` +
      `latency ${options.latencyMs} ms per request; ${options.issues} issues for the followup; ` +
      `N+1 sampled on ${options.naiveSample} users` +
      (options.repeat > 1 ? `; each run ${options.repeat} times, the median shown (range in brackets)` : ''),
  ];
  console.log(header.join('\n'));
  const all: {
    size: number;
    startupMs: number;
    rows: Row[];
    naive: NaiveRow[];
    cpuCheck: { before: number; after: number };
  }[] = [];
  const report: string[] = [];
  let failed = 0;
  for (const size of options.tiers) {
    const before = cpuCheckMs();
    const { rows, naive, startupMs } = await runTier(size, options);
    const cpuCheck = { before, after: cpuCheckMs() };
    all.push({ size, startupMs, rows, naive, cpuCheck });
    const table = printTier(size, startupMs, rows, naive, cpuCheck);
    report.push(table);
    console.log(`\n${table}`);
    for (const verdict of verdicts(rows, naive, size, startupMs, options)) {
      if (!verdict.ok) failed += 1;
      console.log(`${verdict.reported ? 'info' : verdict.ok ? 'ok  ' : 'MISS'} ${verdict.text}`);
    }
  }
  console.log(
    `\nbenchmark done in ${fmt((Date.now() - started) / 1000, 1)} s: ` +
      (failed === 0 ? 'every target met' : `${failed} target(s) missed (MISS above)`),
  );
  if (options.json) fs.writeFileSync(options.json, `${JSON.stringify({ header, options, tiers: all }, null, 2)}\n`);
  // A benchmark reports; with --strict a missed target is also the exit code (1).
  process.exitCode = options.strict && failed > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
