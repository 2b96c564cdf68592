/**
 * Runs started together on the same issues, for every platform: each note is posted once, and
 * the issues end exactly as after one run at a time. A run that finds an issue's lease taken
 * leaves that issue to the run holding it and says so (exit 1, NOT DONE).
 */
import { runAuditBot, withTimeline, type CliRun, type Timeline } from '../helpers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import { PLATFORM_IDS } from '../../src/domain/platforms.js';
import {
  clearFaults,
  duplicateNotes,
  FAST_ENV,
  QUIET_ENV,
  installRandomFaults,
  isWrite,
  issueOf,
  listedItems,
  markerKeys,
  newFaultCounts,
  runUntilDone,
  settle,
  snapshot,
  snapshotDiff,
} from './support.js';
import { reportFigures } from './figures.js';

interface Step {
  at: string;
  argv: string[];
  before?: (sandbox: Sandbox, time: Timeline) => void;
}

const STEPS: Step[] = [
  { at: 'PT0S', argv: ['open', '--platform', 'all'] },
  {
    at: 'PT6H',
    argv: ['followup'],
    before: (sandbox, time) => {
      time.at('PT5H');
      for (const platform of PLATFORM_IDS) {
        const iid = issueOf(sandbox, platform);
        const [first] = listedItems(sandbox, iid).filter((item) => item.owner !== null);
        sandbox.gitlab.addNote(iid, { author: first.owner!, body: `${first.id} intentional: kept` });
      }
    },
  },
  { at: 'PT72H', argv: ['followup'] },
  { at: 'P7D', argv: ['followup'] },
];

/** GitLab writes other than the leases' labels: what people see change. */
function issueWrites(sandbox: Sandbox): number {
  return sandbox.gitlab.log.filter((entry) => isWrite(entry.method) && !entry.path.includes('/labels')).length;
}

async function sequential(): Promise<{ after: string[][]; writes: number[] }> {
  return withTimeline(async (sandbox, time) => {
    const after: string[][] = [];
    const writes: number[] = [];
    for (const step of STEPS) {
      step.before?.(sandbox, time);
      time.at(step.at);
      const before = issueWrites(sandbox);
      const run = await runAuditBot(sandbox, step.argv, QUIET_ENV, time.now);
      expect(run.code).toBe(0);
      after.push(snapshot(sandbox));
      writes.push(issueWrites(sandbox) - before);
    }
    return { after, writes };
  });
}

const figures = { runs: 0, notDone: 0, steps: 0, duplicates: 0, extraWrites: 0, identical: 0 };
let expected: { after: string[][]; writes: number[] };

beforeAll(async () => {
  expected = await sequential();
});

function checkRuns(runs: CliRun[]): void {
  figures.runs += runs.length;
  // Every audit was done by one of the runs; a run that met another's lease says so, and nothing else failed.
  for (const platform of PLATFORM_IDS) {
    const done = runs.some((run) =>
      run.stdout.split('\n').some((line) => line.startsWith(`${platform}: issue #`) && !/FAILED|NOT DONE/.test(line)),
    );
    expect({ platform, done }).toEqual({ platform, done: true });
  }
  for (const run of runs.filter((r) => r.code !== 0)) {
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n').filter((line) => /FAILED|NOT DONE/.test(line));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toContain('NOT DONE, another audit-bot run holds its lease');
    figures.notDone += lines.length;
  }
}

describe('runs started together act once', () => {
  test.each([2])('%i runs of every step at once: each note once, the issues as after one run', async (parallel) => {
    await withTimeline(async (sandbox, time) => {
      for (const [index, step] of STEPS.entries()) {
        step.before?.(sandbox, time);
        time.at(step.at);
        const before = issueWrites(sandbox);
        const runs = await Promise.all(
          Array.from({ length: parallel }, () => runAuditBot(sandbox, step.argv, QUIET_ENV, time.now)),
        );
        checkRuns(runs);
        figures.steps += 1;
        const duplicates = duplicateNotes(sandbox);
        figures.duplicates += duplicates.length;
        figures.extraWrites += issueWrites(sandbox) - before - expected.writes[index];
        expect(duplicates).toEqual([]);
        expect(snapshotDiff(snapshot(sandbox), expected.after[index])).toBe('');
        expect(issueWrites(sandbox) - before).toBe(expected.writes[index]);
        figures.identical += 1;
      }
      expect(sandbox.gitlab.labels().filter((label) => label.name.startsWith('audit-bot-lock'))).toEqual([]);
    });
  });

  test('two follow-ups at once under random faults, re-run until done: each ping once', async () => {
    await withTimeline(async (sandbox, time) => {
      const counts = newFaultCounts();
      for (const [index, step] of STEPS.entries()) {
        clearFaults(sandbox);
        step.before?.(sandbox, time);
        time.at(step.at);
        if (index === 0) {
          expect((await runAuditBot(sandbox, step.argv, QUIET_ENV, time.now)).code).toBe(0);
          continue;
        }
        let round = 0;
        const faults = () => installRandomFaults(sandbox, 4242 + index * 100 + round++, 0.12, counts);
        faults();
        const together = await Promise.all([1, 2].map(() => runAuditBot(sandbox, step.argv, FAST_ENV, time.now)));
        figures.runs += together.length;
        await settle(sandbox);
        // Whatever the faults left undone, a later run finishes; nothing is ever doubled.
        expect(duplicateNotes(sandbox)).toEqual([]);
        const { runs } = await runUntilDone(sandbox, step.argv, time.now, faults);
        figures.runs += runs.length;
        clearFaults(sandbox);
        figures.steps += 1;
        expect(duplicateNotes(sandbox)).toEqual([]);
        expect(snapshotDiff(snapshot(sandbox), expected.after[index])).toBe('');
        figures.identical += 1;
      }
      expect(counts.faulted).toBeGreaterThan(0);
      expect(new Set(markerKeys(sandbox)).size).toBe(markerKeys(sandbox).length);
    });
  });
});

afterAll(() => {
  reportFigures('3. concurrency (runs started together)', [
    ['steps run concurrently (open, followups)', figures.steps],
    ['runs', figures.runs],
    ['audits left to the lease holder (NOT DONE)', figures.notDone],
    ['steps ending as one run at a time', `${figures.identical} of ${figures.steps}`],
    ['duplicate notes', figures.duplicates],
    ['issue writes beyond one run at a time', figures.extraWrites],
  ]);
});
