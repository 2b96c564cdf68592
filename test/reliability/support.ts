/**
 * Shared machinery of the reliability suite (issue #8): a seeded PRNG, fault plans for every
 * sandbox server, a "killed after the Nth write" plan, snapshots of the issues to compare runs,
 * and the figures printed at the end of `npm test` (see figures-reporter.js).
 */
import { expireLeases, runAuditBot, threads, type CliRun } from '../helpers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import type { Fault, FakeRequest, FakeServer } from '../../src/sandbox/fake-server.js';
import { parseMarkers, type Marker } from '../../src/domain/markers.js';
import { resultsEntries } from '../../src/domain/bot-notes.js';

/** The HTTP timeout the suite runs the CLI with, and how slow a "slow" answer is. */
export const TIMEOUT_MS = 200;
export const SLOW_MS = 300;
export const FAST_ENV = { AUDIT_HTTP_TIMEOUT_MS: String(TIMEOUT_MS), LOG_LEVEL: 'warn' };
/** Runs where nothing is slow keep the default timeout: a loaded machine never fakes a fault there. */
export const QUIET_ENV = { LOG_LEVEL: 'warn' };

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** GitLab and every registered platform's fakes. */
export function servers(sandbox: Sandbox): FakeServer[] {
  return [sandbox.gitlab, ...Object.values(sandbox.fakes)];
}

export function isWrite(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** Waits until no server is still handling a request (a slow write the CLI gave up on has landed). */
export async function settle(sandbox: Sandbox): Promise<void> {
  await Promise.all(servers(sandbox).map((server) => server.settled()));
}

export function clearFaults(sandbox: Sandbox): void {
  for (const server of servers(sandbox)) server.clearFaults();
}

/**
 * Everything people see of the audit issues: threads, descriptions (the board), labels, state;
 * by title (a run that failed on one platform may create the issues in another order). The
 * board's checkpoint is compared too, except which notes it names as the newest and the seal
 * that covers them: a re-run after a crash read some of its notes instead of posting them, and
 * names those.
 */
export function snapshot(sandbox: Sandbox): string[] {
  const issues = sandbox.gitlab.issues();
  return threads(sandbox)
    .map((thread, index) => {
      const issue = issues[index];
      const labels = (issue.labels as string[]).slice().sort().join(',');
      // The seal covers `recent` as well.
      const description = (issue.description ?? '')
        .replace(/("recent":)\[\[[^<>]*?\]\]/, '$1[…]')
        .replace(/("board":)"[^"]*"/, '$1"…"');
      return `${thread}\n==== labels: ${labels}\n==== description:\n${description}`;
    })
    .sort();
}

/** Bot notes whose marker is identical to an earlier one's in the same issue: a doubled write. */
export function duplicateNotes(sandbox: Sandbox): string[] {
  const duplicates: string[] = [];
  for (const issue of sandbox.gitlab.issues()) {
    const seen = new Set<string>();
    for (const note of sandbox.gitlab.notesOf(issue.iid)) {
      if (note.system || note.author.username !== 'audit-bot') continue;
      for (const marker of parseMarkers(note.body)) {
        const key = JSON.stringify(marker);
        if (seen.has(key)) duplicates.push(`#${issue.iid} ${marker.step} ${marker.owner ?? ''}`);
        seen.add(key);
      }
    }
  }
  return duplicates;
}

/** Marker keys (step, owner, findings) of every bot note, per issue: what was listed, pinged, recorded. */
export function markerKeys(sandbox: Sandbox): string[] {
  return sandbox.gitlab.issues().flatMap((issue) =>
    sandbox.gitlab
      .notesOf(issue.iid)
      .filter((note) => !note.system && note.author.username === 'audit-bot')
      .flatMap((note) => parseMarkers(note.body))
      .map((marker) => `#${issue.iid}:${marker.step}:${marker.owner ?? ''}:${(marker.findings ?? []).join(',')}`),
  );
}

// ─── faults on a seeded random schedule ────────────────────────

export type FaultKind =
  | '429 (vendor style)'
  | '429 no headers (PagerDuty)'
  | '500'
  | '502'
  | '503'
  | 'connection reset'
  | 'reset after processing'
  | 'slow past the timeout'
  | 'slow answer after processing';

export const FAULT_KINDS: FaultKind[] = [
  '429 (vendor style)',
  '429 no headers (PagerDuty)',
  '500',
  '502',
  '503',
  'connection reset',
  'reset after processing',
  'slow past the timeout',
  'slow answer after processing',
];

export interface FaultCounts {
  requests: number;
  faulted: number;
  byKind: Map<FaultKind, number>;
}

export function newFaultCounts(): FaultCounts {
  return { requests: 0, faulted: 0, byKind: new Map(FAULT_KINDS.map((kind) => [kind, 0])) };
}

function faultOf(kind: FaultKind, server: FakeServer): Fault {
  switch (kind) {
    case '429 (vendor style)':
      return server.rateLimited();
    case '429 no headers (PagerDuty)':
      return { type: 'status', status: 429, body: '' };
    case '500':
    case '502':
    case '503':
      return { type: 'status', status: Number(kind), body: { error: `injected ${kind}` } };
    case 'connection reset':
      return { type: 'reset' };
    case 'reset after processing':
      return { type: 'reset-after-processing' };
    case 'slow past the timeout':
      return { type: 'delay', ms: SLOW_MS };
    case 'slow answer after processing':
      return { type: 'delay', ms: SLOW_MS, afterProcessing: true };
  }
}

/**
 * Installs, on every server, a plan that faults `rate` of the requests on a schedule drawn from
 * `seed`: each vendor's own 429 (PagerDuty's also without headers), 500/502/503, resets before and
 * after the server acted, and answers slower than the CLI's timeout. Slow ones are rarer (they cost
 * real time). Each server's first fault is its vendor's 429 (PagerDuty's: the one without headers),
 * so every style of rate limiting is met whatever the draw.
 */
export function installRandomFaults(sandbox: Sandbox, seed: number, rate: number, counts: FaultCounts): void {
  const weighted: [FaultKind, number][] = [
    ['429 (vendor style)', 3],
    ['429 no headers (PagerDuty)', 1],
    ['500', 1],
    ['502', 1],
    ['503', 1],
    ['connection reset', 1.5],
    ['reset after processing', 1.5],
    ['slow past the timeout', 0.2],
    ['slow answer after processing', 0.2],
  ];
  for (const [index, server] of servers(sandbox).entries()) {
    const random = mulberry32(seed * 7 + index);
    const kinds = weighted.filter(([kind]) => kind !== '429 no headers (PagerDuty)' || server === sandbox.pagerduty);
    const total = kinds.reduce((sum, [, weight]) => sum + weight, 0);
    let first = true;
    server.setFaultPlan(() => {
      counts.requests += 1;
      if (random() >= rate) return undefined;
      let pick = random() * total;
      let [kind] = kinds.find(([, weight]) => (pick -= weight) < 0) ?? kinds[0];
      if (first) kind = server === sandbox.pagerduty ? '429 no headers (PagerDuty)' : '429 (vendor style)';
      first = false;
      counts.faulted += 1;
      counts.byKind.set(kind, (counts.byKind.get(kind) ?? 0) + 1);
      return faultOf(kind, server);
    });
  }
}

// ─── killed after the Nth write ──────────────────────────

/**
 * The process dies right after its `after`-th GitLab write landed: from then on nothing it sends
 * has any effect on any server, like a job killed by the runner. (Those requests are refused at
 * once with a status no layer retries, so the dead run ends fast; what it does then changes nothing.)
 */
export function killAfterWrites(sandbox: Sandbox, after: number): { writes: () => number } {
  let writes = 0;
  let dead = false;
  const plan =
    (server: FakeServer) =>
    (req: FakeRequest): Fault | undefined => {
      if (!dead && server === sandbox.gitlab && isWrite(req.method)) {
        if (writes >= after) dead = true;
        else writes += 1;
      }
      return dead ? { type: 'status', status: 418, body: { error: 'the process was killed' } } : undefined;
    };
  for (const server of servers(sandbox)) server.setFaultPlan(plan(server));
  return { writes: () => writes };
}

// ─── people in the issue ─────────────────────────────

export interface ListedItem {
  id: string;
  fingerprint: string;
  owner: string | null;
}

/** The items the bot listed in an issue, from its results markers. */
export function listedItems(sandbox: Sandbox, iid: number): ListedItem[] {
  const items: ListedItem[] = [];
  for (const note of sandbox.gitlab.notesOf(iid)) {
    if (note.system || note.author.username !== 'audit-bot') continue;
    for (const marker of parseMarkers(note.body).filter((m: Marker) => m.step === 'results')) {
      // One results note, or results in parts: resultsEntries reads both forms.
      for (const { fingerprint, id, record } of resultsEntries(marker)) {
        if (items.some((item) => item.fingerprint === fingerprint)) continue;
        items.push({ id, fingerprint, owner: record.owner ?? null });
      }
    }
  }
  return items;
}

export function issueOf(sandbox: Sandbox, platform: string): number {
  const issue = sandbox.gitlab
    .issues()
    .find((candidate) => (candidate.labels as string[]).includes(`audit::${platform}`));
  if (!issue) throw new Error(`no ${platform} issue`);
  return issue.iid;
}

// ─── running the CLI until it succeeds ────────────────────────

export interface Attempts {
  /** Every attempt, in order; the last one exited 0 unless the budget ran out. */
  runs: CliRun[];
  leasesLeft: number;
}

/**
 * Runs `argv` until it exits 0 (at most `max` times). Between attempts the servers settle (a
 * re-run starts after the killed one's slow requests are done) and a lease a fault left behind
 * is expired (as 15 minutes would). Every failed attempt must have said why, per audit.
 */
export async function runUntilDone(
  sandbox: Sandbox,
  argv: string[],
  now: Date,
  faults: () => void,
  onAttempt?: (run: CliRun) => void,
  max = 12,
): Promise<Attempts> {
  const runs: CliRun[] = [];
  let leasesLeft = 0;
  for (let attempt = 0; attempt < max; attempt++) {
    const run = await runAuditBot(sandbox, argv, FAST_ENV, now);
    runs.push(run);
    onAttempt?.(run);
    await settle(sandbox);
    if (process.env.DEBUG_RELIABILITY && run.code !== 0)
      process.stdout.write(`attempt ${attempt + 1} of ${argv.join(' ')}:\n${run.stdout}\n`);
    if (run.code === 0) break;
    if (sandbox.gitlab.labels().some((label) => label.name.startsWith('audit-bot-lock'))) {
      leasesLeft += 1;
      clearFaults(sandbox);
      await expireLeases(sandbox);
      faults();
    }
  }
  return { runs, leasesLeft };
}

/**
 * What a failed run must look like: exit 1, nothing on stderr, and each audit it could not finish
 * named with the reason.
 */
export function failureIsClear(run: CliRun): string | undefined {
  if (run.code !== 1) return `exit ${run.code}`;
  // The run could not even list what to do (e.g. GitLab's issue list): one line saying why.
  if (/^audit-bot: \S[^\n]*\n$/.test(run.stderr) && run.stdout === '') return undefined;
  if (run.stderr !== '') return `stderr: ${run.stderr}`;
  const failed = run.stdout.split('\n').filter((line) => /: (FAILED|NOT DONE)\b/.test(line));
  if (failed.length === 0) return `exit 1 without naming a failed audit:\n${run.stdout}`;
  for (const line of failed) {
    if (!/: (FAILED|NOT DONE)[^:]*: \S/.test(line) && !/NOT DONE, another audit-bot run holds its lease/.test(line))
      return `no reason given: ${line}`;
  }
  return undefined;
}

/** How many times the retry layer sent a request again in a run (its "retrying" log lines). */
export function retriesOf(run: CliRun): number {
  return run.logs.match(/"msg":"retrying"/g)?.length ?? 0;
}

/** A short account of how two snapshots differ ('' when they are equal), for readable failures. */
export function snapshotDiff(actual: string[], expected: string[]): string {
  const out: string[] = [];
  if (actual.length !== expected.length) out.push(`${actual.length} issues, expected ${expected.length}`);
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    const a = (actual[i] ?? '').split('\n');
    const b = (expected[i] ?? '').split('\n');
    const first = a.findIndex((line, index) => line !== b[index]);
    if (first === -1 && a.length === b.length) continue;
    const at = first === -1 ? Math.min(a.length, b.length) : first;
    const cut = (line: string | undefined) =>
      line === undefined ? '(none)' : line.length > 160 ? `${line.slice(0, 160)}…` : line;
    out.push(`issue ${i + 1} (${b[0]}), line ${at + 1}:`);
    for (let j = Math.max(0, at - 2); j < at; j++) out.push(`    ${cut(b[j])}`);
    out.push(`  - ${cut(b[at])}`, `  + ${cut(a[at])}`);
    const extra = a.length - b.length;
    if (extra !== 0) out.push(`  (${Math.abs(extra)} lines ${extra > 0 ? 'more' : 'fewer'} than expected)`);
  }
  return out.join('\n');
}
