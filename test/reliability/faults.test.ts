/**
 * Faults on a seeded random schedule, on every server at once (GitLab and the four platform
 * fakes): each vendor's 429, 500/502/503, resets before and after the server acted, answers
 * slower than the CLI's timeout. Every run either ends exactly as a fault-free run does, or
 * exits 1 naming what it could not do; re-run, it ends as the fault-free run does. Nothing is
 * posted twice, nothing is lost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAuditBot, withTimeline, type CliRun, type Timeline } from '../helpers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import { SANDBOX_ROSTER } from '../../src/sandbox/environment.js';
import { loadRoster } from '../../src/config/roster.js';
import { PLATFORM_IDS } from '../../src/domain/platforms.js';
import {
  clearFaults,
  duplicateNotes,
  FAST_ENV,
  QUIET_ENV,
  failureIsClear,
  FAULT_KINDS,
  installRandomFaults,
  issueOf,
  listedItems,
  markerKeys,
  newFaultCounts,
  runUntilDone,
  settle,
  snapshot,
  snapshotDiff,
  retriesOf,
} from './support.js';
import { reportFigures } from './figures.js';

const SEEDS = [0x5eed01, 0xc0ffee, 20261124];
const RATE = 0.12;
const SOM = 'som-alex';

const roster = loadRoster(SANDBOX_ROSTER);
const managerOf = new Map(roster.map((person) => [person.gitlab.username, person.reports_to]));

/** A reply from someone with no say over `owner`'s item: not the owner, their manager or a Support Ops Manager. */
function outsiderFor(owner: string): string {
  return roster
    .map((person) => person.gitlab.username)
    .find((name) => name !== owner && name !== managerOf.get(owner) && name !== SOM)!;
}

interface Step {
  name: string;
  at: string;
  argv: string[];
  /** What people do in the issues before the run (no HTTP: the fake's own helpers). */
  before?: (sandbox: Sandbox, time: Timeline) => void;
}

const STEPS: Step[] = [
  { name: 'open --platform all', at: 'PT0S', argv: ['open', '--platform', 'all'] },
  {
    name: 'followup, after replies',
    at: 'PT6H',
    argv: ['followup'],
    before: (sandbox, time) => {
      time.at('PT5H');
      for (const platform of PLATFORM_IDS) {
        const iid = issueOf(sandbox, platform);
        const owned = listedItems(sandbox, iid).filter((item) => item.owner !== null && item.owner !== SOM);
        const [a, b, c] = owned;
        sandbox.gitlab.addNote(iid, { author: a.owner!, body: `${a.id} intentional: needed for the reliability test` });
        if (b) sandbox.gitlab.addNote(iid, { author: outsiderFor(b.owner!), body: `${b.id} fixed` });
        if (c) sandbox.gitlab.addNote(iid, { author: c.owner!, body: `${c.id} fixed` });
      }
    },
  },
  { name: 'followup, second pings', at: 'PT72H', argv: ['followup'] },
  { name: 'followup, managers', at: 'P7D', argv: ['followup'] },
  { name: 'followup, Support Ops Managers', at: 'P10D', argv: ['followup'] },
  {
    name: 'followup, review (Calendly, PagerDuty)',
    at: 'P10DT1H',
    argv: ['followup'],
    before: (sandbox, time) => {
      time.at('P10DT30M');
      for (const platform of ['calendly', 'pagerduty'] as const) {
        const iid = issueOf(sandbox, platform);
        const ids = listedItems(sandbox, iid).map((item) => item.id);
        sandbox.gitlab.addNote(iid, { author: SOM, body: `${ids.join(', ')} intentional: accepted by Support Ops` });
      }
    },
  },
  {
    name: 'followup, approval and close (PagerDuty)',
    at: 'P10DT3H',
    argv: ['followup'],
    before: (sandbox, time) => {
      time.at('P10DT2H');
      sandbox.gitlab.addNote(issueOf(sandbox, 'pagerduty'), { author: SOM, body: 'approved' });
    },
  },
];

/** The fault-free run of the whole script: the issues after each step, and what `check` finds. */
async function faultFree(): Promise<{ after: string[][]; keys: string[][]; checks: Map<string, string> }> {
  return withTimeline(async (sandbox, time) => {
    const checks = new Map<string, string>();
    for (const platform of PLATFORM_IDS) {
      const run = await runAuditBot(sandbox, ['check', '--platform', platform], QUIET_ENV, time.now);
      expect(run.code).toBe(0);
      checks.set(platform, run.stdout);
    }
    const after: string[][] = [];
    const keys: string[][] = [];
    for (const step of STEPS) {
      step.before?.(sandbox, time);
      time.at(step.at);
      const run = await runAuditBot(sandbox, step.argv, QUIET_ENV, time.now);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      after.push(snapshot(sandbox));
      keys.push(markerKeysByTitle(sandbox));
    }
    // The script reaches every kind of write: results, every ladder step, answers, records, review, outcome, close.
    const steps = new Set(markerKeys(sandbox).map((key) => key.split(':')[1]));
    expect([...steps].sort()).toEqual([
      'addressed',
      'feedback',
      'manager',
      'outcome',
      'ping1',
      'ping2',
      'results',
      'review',
      'som',
    ]);
    expect(sandbox.gitlab.issues().filter((issue) => issue.state === 'closed')).toHaveLength(1);
    return { after, keys, checks };
  });
}

interface SeedResult {
  attempts: number;
  firstTryIdentical: number;
  failedClearly: number;
  leasesLeft: number;
  retries: number;
  checksIdentical: number;
  checksFailed: number;
  duplicates: number;
}

const totals = {
  counts: newFaultCounts(),
  steps: 0,
  attempts: 0,
  identical: 0,
  failedClearly: 0,
  leasesLeft: 0,
  retries: 0,
  checksIdentical: 0,
  checksFailed: 0,
  duplicates: 0,
  lost: 0,
  reports: 0,
};

let expected: { after: string[][]; keys: string[][]; checks: Map<string, string> };

/** What the bot listed, pinged and recorded, per audit (issue numbers may differ between runs). */
function markerKeysByTitle(sandbox: Sandbox): string[] {
  const titles = new Map(sandbox.gitlab.issues().map((issue) => [`#${issue.iid}`, issue.title]));
  return markerKeys(sandbox).map((key) => key.replace(/^#\d+/, (iid) => titles.get(iid) ?? iid));
}

let started = 0;
let reportDir = '';
beforeAll(async () => {
  started = Date.now();
  reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-faults-'));
  expected = await faultFree();
}, 60_000);

describe('faults on a seeded random schedule, on every server', () => {
  // The seeds run side by side (each on its own servers): slow answers wait in real time, and overlap.
  test.concurrent.each(SEEDS)(
    'seed %i: every run ends as the fault-free run, or exits 1 saying what it could not do',
    async (seed) => {
      const counts = newFaultCounts();
      const result: SeedResult = {
        attempts: 0,
        firstTryIdentical: 0,
        failedClearly: 0,
        leasesLeft: 0,
        retries: 0,
        checksIdentical: 0,
        checksFailed: 0,
        duplicates: 0,
      };
      const retries = (runs: CliRun[]) => runs.reduce((sum, run) => sum + retriesOf(run), 0);

      await withTimeline(async (sandbox, time) => {
        installRandomFaults(sandbox, seed, RATE, counts);
        // `check`: exactly the fault-free findings, or exit 1 with nothing on stdout.
        for (const platform of PLATFORM_IDS) {
          const run = await runAuditBot(sandbox, ['check', '--platform', platform], FAST_ENV, time.now);
          await settle(sandbox);
          result.retries += retriesOf(run);
          if (run.code === 0) {
            expect(run.stdout).toBe(expected.checks.get(platform));
            result.checksIdentical += 1;
          } else {
            expect(run.code).toBe(1);
            expect(run.stdout).toBe('');
            expect(run.stderr).toMatch(/^audit-bot: \S/);
            result.checksFailed += 1;
          }
        }

        for (const [index, step] of STEPS.entries()) {
          clearFaults(sandbox);
          step.before?.(sandbox, time);
          let reinstalled = 0;
          const faults = () => installRandomFaults(sandbox, seed * 31 + index * 7 + reinstalled++, RATE, counts);
          faults();
          time.at(step.at);
          // The evidence file of every attempt says whether it is complete, and what is missing when not.
          const report = path.join(reportDir, `seed-${seed}-step-${index}.json`);
          const { runs, leasesLeft } = await runUntilDone(
            sandbox,
            [...step.argv, '--report', report],
            time.now,
            faults,
            (run) => {
              if (!fs.existsSync(report)) {
                expect(run.code).not.toBe(0); // a run stopped before any audit writes no evidence at all
                return;
              }
              const evidence = JSON.parse(fs.readFileSync(report, 'utf8')) as { complete: boolean; failed: string[] };
              fs.rmSync(report);
              expect({ code: run.code, complete: evidence.complete, failed: evidence.failed.length > 0 }).toEqual({
                code: run.code,
                complete: run.code === 0,
                failed: run.code !== 0,
              });
              totals.reports += 1;
            },
          );
          result.attempts += runs.length;
          result.leasesLeft += leasesLeft;
          result.retries += retries(runs);
          for (const run of runs.slice(0, -1)) {
            expect(failureIsClear(run)).toBeUndefined();
            result.failedClearly += 1;
          }
          const last = runs.at(-1)!;
          if (last.code !== 0) process.stdout.write(`${step.name}: ${last.stdout}\n`);
          expect(last.stderr).toBe('');
          expect(last.code).toBe(0);
          if (runs.length === 1) result.firstTryIdentical += 1;
          clearFaults(sandbox);
          const duplicates = duplicateNotes(sandbox);
          const keys = markerKeysByTitle(sandbox);
          totals.duplicates += duplicates.length;
          totals.lost += expected.keys[index].filter((key) => !keys.includes(key)).length;
          expect(duplicates).toEqual([]);
          expect(snapshotDiff(snapshot(sandbox), expected.after[index])).toBe('');
        }
      });

      expect(counts.faulted / counts.requests).toBeGreaterThanOrEqual(0.1);
      totals.steps += STEPS.length;
      totals.attempts += result.attempts;
      totals.identical += result.attempts - result.failedClearly;
      totals.failedClearly += result.failedClearly;
      totals.leasesLeft += result.leasesLeft;
      totals.retries += result.retries;
      totals.checksIdentical += result.checksIdentical;
      totals.checksFailed += result.checksFailed;
      totals.counts.requests += counts.requests;
      totals.counts.faulted += counts.faulted;
      for (const [kind, n] of counts.byKind) totals.counts.byKind.set(kind, (totals.counts.byKind.get(kind) ?? 0) + n);
    },
    60_000,
  );

  test('every kind of fault was injected, on at least 10 % of the requests', () => {
    for (const kind of FAULT_KINDS)
      expect({ kind, injected: (totals.counts.byKind.get(kind) ?? 0) > 0 }).toEqual({ kind, injected: true });
    expect(totals.counts.faulted / totals.counts.requests).toBeGreaterThanOrEqual(0.1);
  });
});

afterAll(() => {
  fs.rmSync(reportDir, { recursive: true, force: true });
  const { counts } = totals;
  reportFigures('1. faults (seeded random schedule, all five servers)', [
    ['seeds', SEEDS.length],
    ['requests served', counts.requests],
    ['faults injected', `${counts.faulted} (${((100 * counts.faulted) / Math.max(1, counts.requests)).toFixed(1)} %)`],
    ...FAULT_KINDS.map((kind): [string, number] => [`  ${kind}`, counts.byKind.get(kind) ?? 0]),
    ['retries by the CLI', totals.retries],
    ['check runs identical / failed exit 1', `${totals.checksIdentical} / ${totals.checksFailed}`],
    ['CLI steps (open, followups)', totals.steps],
    ['  runs exit 0, identical to fault-free', totals.identical],
    ['  runs exit 1, clear message, then re-run', totals.failedClearly],
    ['  leases a fault left behind (expired)', totals.leasesLeft],
    ['evidence files, complete exactly when the run exit 0', totals.reports],
    ['duplicate notes', totals.duplicates],
    ['findings, pings or records lost', totals.lost],
    ['time (seeds side by side, and the fault-free run)', `${((Date.now() - started) / 1000).toFixed(1)} s`],
  ]);
});
