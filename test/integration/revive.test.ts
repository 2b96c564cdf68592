import { runAuditBot, withTimeline, type Timeline } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import { fixSeededProblems, SEEDED_PAGERDUTY_FIXES } from '../../src/platforms/pagerduty/sandbox/seed.js';

// Issue #18 point 5: "gone" is not final. An item recorded fixed or gone that a later re-check finds
// again is open again in the same issue, with its history, and its ladder resumes where it stopped.

async function run(sandbox: Sandbox, time: Timeline, command: string[]) {
  const result = await runAuditBot(sandbox, command, {}, time.now);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result;
}

function botSteps(sandbox: Sandbox, since = 0) {
  return sandbox.gitlab
    .notesOf(1)
    .filter((note) => !note.system && note.author.username === 'audit-bot')
    .slice(since)
    .map((note) => {
      const marker = parseMarkers(note.body)[0];
      return [
        marker.step,
        marker.owner ?? null,
        note.body.match(/\*\*PD-\d+\*\*/g)?.map((id) => id.slice(2, -2)) ?? [],
      ];
    });
}

const botNotes = (sandbox: Sandbox) =>
  sandbox.gitlab.notesOf(1).filter((note) => !note.system && note.author.username === 'audit-bot');
const say = (sandbox: Sandbox, author: string, body: string) => sandbox.gitlab.addNote(1, { author, body });

describe('an item found again after it was recorded gone or fixed (revive)', () => {
  test('gone a night, back the next: open again with history; the ladder resumes, timed from the revival', async () => {
    await withTimeline(async (sandbox, time) => {
      await run(sandbox, time, ['open', '--platform', 'pagerduty']);
      const pd = sandbox.pagerduty.data;
      const pat = structuredClone(pd.users.find((user) => user.id === 'PPATDP1')!);
      // Pat's account is deleted (off the rota too): PD-13 (Pat) and PD-8 (Pat on the rota) are gone
      // at the second ping.
      fixSeededProblems(pd, ['pagerduty:user-not-in-roster:PPATDP1']);
      time.at('PT72H');
      await run(sandbox, time, ['followup']);
      const afterGone = botNotes(sandbox).length;
      expect(botNotes(sandbox).find((note) => parseMarkers(note.body)[0].step === 'addressed')!.body).toMatch(
        /\*\*PD-13\*\*.*no longer reports it/,
      );

      // The account comes back (restored for a night, a fix undone). An answer written while PD-13
      // was recorded gone does not count for it once it is back.
      pd.users.push(pat);
      time.at('PT75H');
      say(sandbox, 'som-alex', 'PD-13 fixed');
      // A re-check happens when something depends on it: here tkim's claim.
      say(sandbox, 'tkim', 'PD-11 fixed');
      time.at('PT80H');
      await run(sandbox, time, ['followup']);
      const steps = botSteps(sandbox, afterGone);
      expect(steps).toContainEqual(['revived', null, ['PD-13']]);
      expect(steps.some(([step, , ids]) => step === 'addressed' && (ids as string[]).includes('PD-13'))).toBe(false);
      const revivedNote = botNotes(sandbox).find((note) => parseMarkers(note.body)[0].step === 'revived')!.body;
      expect(revivedNote).toContain(
        '**PD-13** is found again in PagerDuty (recorded gone on 2026-11-27 09:00 UTC): it is open again.',
      );
      expect(revivedNote).toContain('the next one on 2026-11-30 17:00 UTC');
      // The board counts it open again.
      expect(sandbox.gitlab.issues()[0].description).toMatch(/PD-13/);

      // Its ladder resumes where it stopped (its first ping), timed from the revival: the second ping
      // is due 72 h after PT80H, not 72 h after the first ping.
      const beforeResume = botNotes(sandbox).length;
      time.at('PT151H');
      await run(sandbox, time, ['followup']);
      expect(botSteps(sandbox, beforeResume).flatMap(([, , ids]) => ids as string[])).not.toContain('PD-13');
      time.at('PT152H');
      await run(sandbox, time, ['followup']);
      expect(botSteps(sandbox, beforeResume)).toContainEqual(['ping2', null, ['PD-13']]);

      // Answered again after the revival: recorded again.
      fixSeededProblems(pd, ['pagerduty:user-not-in-roster:PPATDP1']);
      time.at('PT153H');
      say(sandbox, 'som-alex', 'PD-13 fixed');
      const beforeFix = botNotes(sandbox).length;
      time.at('PT154H');
      await run(sandbox, time, ['followup']);
      expect(botSteps(sandbox, beforeFix)[0]).toEqual(['addressed', null, ['PD-13']]);
      expect(botNotes(sandbox).at(-1)!.body).toMatch(
        /\*\*PD-13\*\* · Pat Departed .* · fixed per `som-alex`, confirmed/,
      );
    });
  });

  test('before the review request, items recorded gone are re-checked: one found is open, no review yet', async () => {
    await withTimeline(async (sandbox, time) => {
      await run(sandbox, time, ['open', '--platform', 'pagerduty']);
      const pd = sandbox.pagerduty.data;
      const pat = structuredClone(pd.users.find((user) => user.id === 'PPATDP1')!);
      fixSeededProblems(pd, SEEDED_PAGERDUTY_FIXES);
      time.at('PT72H');
      await run(sandbox, time, ['followup']);
      // Everything but tkim's roster id (PD-11) is gone; PD-11 got its second ping.
      expect(botSteps(sandbox).filter(([step]) => step === 'review')).toEqual([]);
      const before = botNotes(sandbox).length;
      // Pat's account is back; then PD-11, the last open item, is answered as intentional (no platform
      // re-check needed for it).
      pd.users.push(pat);
      time.at('PT73H');
      say(sandbox, 'msmith', 'PD-11 intentional: contractor, kept until the roster import is fixed');
      time.at('PT74H');
      const night = await run(sandbox, time, ['followup']);
      expect(night.stdout).toContain('platform re-checked');
      expect(botSteps(sandbox, before)).toEqual([
        ['addressed', null, ['PD-11']],
        ['revived', null, ['PD-13']],
      ]);
      expect(sandbox.gitlab.issues()[0].labels).toContain('audit-status::open');
    });
  });

  test('a confirmed "fixed" that regresses is open again; an intentional answer stays answered', async () => {
    await withTimeline(async (sandbox, time) => {
      await run(sandbox, time, ['open', '--platform', 'pagerduty']);
      const pd = sandbox.pagerduty.data;
      const sam = pd.users.find((user) => user.id === 'PSAMLE1')!;
      const role = sam.role;
      // PD-7: Sam Lee's role drift. Fixed and confirmed, and PD-11 answered as intentional.
      fixSeededProblems(pd, ['pagerduty:role-drift:PSAMLE1']);
      time.at('PT1H');
      say(sandbox, 'slee', 'PD-7 fixed');
      say(sandbox, 'msmith', 'PD-11 intentional: contractor, kept until the roster import is fixed');
      time.at('PT2H');
      await run(sandbox, time, ['followup']);
      const answered = botNotes(sandbox).length;
      expect(botSteps(sandbox, answered - 1)).toEqual([['addressed', null, ['PD-7', 'PD-11']]]);

      // The fix is undone. The second ping night re-checks: PD-7 is back, PD-11 stays answered.
      sam.role = role;
      time.at('PT72H');
      await run(sandbox, time, ['followup']);
      const steps = botSteps(sandbox, answered);
      expect(steps[0]).toEqual(['revived', null, ['PD-7']]);
      expect(botNotes(sandbox).at(-steps.length)!.body).toContain(
        '**PD-7** is found again in PagerDuty (recorded fixed per `slee` on 2026-11-24 11:00 UTC): it is open again.',
      );
      // Its ladder resumes from its first ping, timed from the revival: the second ping 72 h from now,
      // not with the others tonight.
      expect(steps.flatMap(([, , ids]) => ids as string[]).filter((id) => id === 'PD-7')).toEqual(['PD-7']);
      expect(steps.flatMap(([, , ids]) => ids as string[])).not.toContain('PD-11');

      // Re-run at the same instant: nothing more (the revival is recorded once).
      const count = botNotes(sandbox).length;
      await run(sandbox, time, ['followup']);
      expect(botNotes(sandbox).length).toBe(count);
      time.at('PT144H');
      await run(sandbox, time, ['followup']);
      expect(botSteps(sandbox, count)).toContainEqual(['ping2', 'slee', ['PD-7']]);
    });
  });
});
