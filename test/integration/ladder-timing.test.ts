/**
 * Issue #17 point 3: with nightly runs at a fixed hour, each ladder step lands exactly its configured
 * wait after the previous one (72 h, 4 days, 72 h), although GitLab dates each note a few seconds
 * after the run that posts it started. Over real HTTP, against the sandbox GitLab with `noteDelayMs`.
 */
import { DateTime } from 'luxon';
import { gitlabWrites, runAuditBot, withTimeline, type Timeline } from '../helpers.js';
import { BOARD } from '../../src/domain/board.js';
import { checkpointIn } from '../../src/domain/checkpoint.js';
import { parseMarkers } from '../../src/domain/markers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';

/** A night at 06:00 UTC, like the README's nightly schedule (cron `0 6 * * *`). */
const DAY0 = new Date('2026-11-02T06:00:00.000Z');
/** How long after the request the sandbox GitLab dates a note (GitLab: a few seconds after the run started). */
const NOTE_DELAY_MS = 4_000;
const HOUR = 3_600_000;
const LADDER_STEPS = ['ping1', 'ping2', 'manager', 'som'];

async function run(sandbox: Sandbox, time: Timeline, argv: string[]) {
  const result = await runAuditBot(sandbox, argv, {}, time.now);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result;
}

/**
 * The ladder steps the bot took for an item of issue #1 (default PD-6: Chris Okafor's, whose manager
 * is msmith, so it goes through all four), with GitLab's date of each note.
 */
function stepsTaken(sandbox: Sandbox, item = 'PD-6'): Map<string, Date> {
  const taken = new Map<string, Date>();
  for (const note of sandbox.gitlab.notesOf(1)) {
    if (note.system || note.author.username !== 'audit-bot' || !note.body.includes(`**${item}**`)) continue;
    const step = parseMarkers(note.body)[0]?.step;
    if (step && LADDER_STEPS.includes(step) && !taken.has(step)) taken.set(step, new Date(note.created_at));
  }
  return taken;
}

const night = (n: number) => `P${n}D`;

describe('ladder timing on a nightly schedule (GitLab dates notes a few seconds late)', () => {
  test(
    'open and nightly runs at 06:00: ping1 → ping2 → manager → Support Ops exactly 72 h, 96 h, 72 h apart; ' +
      'quiet nights stay one read',
    async () => {
      await withTimeline(async (sandbox, time) => {
        sandbox.gitlab.noteDelayMs = NOTE_DELAY_MS;
        await run(sandbox, time, ['open', '--platform', 'pagerduty']);
        const nightsActed: number[] = [];
        for (let n = 1; n <= 14; n++) {
          time.at(night(n));
          const before = gitlabWrites(sandbox).length;
          const result = await run(sandbox, time, ['followup']);
          if (gitlabWrites(sandbox).length > before) nightsActed.push(n);
          else
            expect(result.stdout).toContain(
              'pagerduty: issue #1: 0 note(s) posted, status open, unchanged since the last run',
            );
          // Same night again (a re-run): nothing more.
          const writes = gitlabWrites(sandbox).length;
          await run(sandbox, time, ['followup']);
          expect(gitlabWrites(sandbox).length).toBe(writes);
        }
        expect(nightsActed).toEqual([3, 7, 10]);

        const taken = stepsTaken(sandbox);
        // GitLab's dates: each a few seconds after its night's 06:00.
        expect([...taken.entries()].map(([step, at]) => [step, at.toISOString()])).toEqual([
          ['ping1', '2026-11-02T06:00:04.000Z'],
          ['ping2', '2026-11-05T06:00:04.000Z'],
          ['manager', '2026-11-09T06:00:04.000Z'],
          ['som', '2026-11-12T06:00:04.000Z'],
        ]);
        const gaps = LADDER_STEPS.slice(1).map(
          (step, index) => (taken.get(step)!.getTime() - taken.get(LADDER_STEPS[index])!.getTime()) / HOUR,
        );
        expect(gaps).toEqual([72, 96, 72]);
      }, DAY0);
    },
  );

  test("the board's next step and the checkpoint are the time the step falls due: the night it is taken", async () => {
    await withTimeline(async (sandbox, time) => {
      sandbox.gitlab.noteDelayMs = NOTE_DELAY_MS;
      await run(sandbox, time, ['open', '--platform', 'pagerduty']);
      time.at(night(3));
      await run(sandbox, time, ['followup']);
      const manager = DateTime.fromJSDate(DAY0, { zone: 'utc' }).plus({ days: 7 }).toJSDate();
      const description = sandbox.gitlab.issues()[0].description ?? '';
      expect(checkpointIn(description, BOARD)!.checkpoint.due).toBe(manager.toISOString());
      expect(description).toContain('ask the manager after 2026-11-09 06:00 UTC');

      // A minute before: quiet (one read, no write); at the time: the manager step.
      time.at('P6DT23H59M');
      const quiet = await run(sandbox, time, ['followup']);
      expect(quiet.stdout).toContain('unchanged since the last run');
      time.at(night(7));
      const due = await run(sandbox, time, ['followup']);
      expect(due.stdout).not.toContain('unchanged');
      expect(stepsTaken(sandbox).get('manager')!.toISOString()).toBe('2026-11-09T06:00:04.000Z');
    }, DAY0);
  });

  test(
    'a night re-run later (after a killed run, say) posts no step twice, ' +
      'and the next step stays timed from the first',
    async () => {
      await withTimeline(async (sandbox, time) => {
        sandbox.gitlab.noteDelayMs = NOTE_DELAY_MS;
        await run(sandbox, time, ['open', '--platform', 'pagerduty']);
        time.at(night(3));
        await run(sandbox, time, ['followup']);
        const afterNight3 = sandbox.gitlab.notesOf(1).length;
        time.at('P3DT0H20M');
        const rerun = await run(sandbox, time, ['followup']);
        expect(rerun.stdout).toContain('0 note(s) posted');
        expect(sandbox.gitlab.notesOf(1).length).toBe(afterNight3);
        // Every ping2 marker says when its run planned it: 06:00 sharp, not GitLab's 06:00:04.
        const ping2 = sandbox.gitlab
          .notesOf(1)
          .flatMap((note) => parseMarkers(note.body))
          .filter((marker) => marker.step === 'ping2');
        expect(ping2.length).toBeGreaterThan(0);
        expect(new Set(ping2.map((marker) => marker.at))).toEqual(new Set(['2026-11-05T06:00:00.000Z']));
        time.at(night(7));
        await run(sandbox, time, ['followup']);
        expect(stepsTaken(sandbox).get('manager')!.toISOString()).toBe('2026-11-09T06:00:04.000Z');
      }, DAY0);
    },
  );
});
