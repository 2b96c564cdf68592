import { gitlabWrites, runAuditBot, withTimeline, type Timeline } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';

const FOLLOWUP = ['followup', '--platform', 'pagerduty'];

async function night(sandbox: Sandbox, time: Timeline, offset: string) {
  time.at(offset);
  const run = await runAuditBot(sandbox, FOLLOWUP, {}, time.now);
  expect(run.code).toBe(0);
  return run;
}

const botMarkers = (sandbox: Sandbox) =>
  sandbox.gitlab
    .notesOf(1)
    .filter((note) => !note.system && note.author.username === 'audit-bot')
    .map((note) => ({ marker: parseMarkers(note.body)[0], body: note.body }));

describe('answers people actually write', () => {
  test("a manager's `all fixed` answers every item their ping listed", async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      await night(sandbox, time, 'PT72H');
      await night(sandbox, time, 'P7D');
      const managerPing = botMarkers(sandbox).find(
        ({ marker }) => marker.step === 'manager' && marker.owner === 'msmith',
      )!;
      expect(managerPing.body).toContain('`all fixed`');
      const before = botMarkers(sandbox).length;
      sandbox.gitlab.addNote(1, { author: 'msmith', body: 'all fixed' });
      await night(sandbox, time, 'P7DT1H');
      // Every item of the manager's ping was re-checked and answered (still found), none was ignored;
      // and so was their own (PD-8).
      const answer = botMarkers(sandbox)
        .slice(before)
        .find(({ marker }) => marker.step === 'feedback' && marker.owner === 'msmith')!;
      expect([...answer.marker.findings!].sort()).toEqual(
        [...managerPing.marker.findings!, 'pagerduty:schedule-member-not-in-roster:PAMER01:PPATDP1'].sort(),
      );
      expect(answer.body).not.toContain('your reply was not counted');
    });
  });

  test('a reply naming an item but no instruction: one short answer with the forms; wider grammar counts', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      const before = botMarkers(sandbox).length;
      sandbox.gitlab.addNote(1, { author: 'tkim', body: 'Hi! I think PD-11 is sorted now, can you check?\nThanks' });
      sandbox.gitlab.addNote(1, { author: 'slee', body: 'PD-7 has been fixed.' });
      await night(sandbox, time, 'PT1H');
      const after = botMarkers(sandbox).slice(before);
      const hint = after.find(({ marker }) => marker.step === 'feedback' && marker.owner === 'tkim')!;
      expect(hint.body).toContain('**PD-11**: your reply names it, but the bot could not read an answer in it.');
      expect(hint.body).toContain('`PD-11 fixed`');
      // "PD-7 has been fixed." is read as "PD-7 fixed": re-checked, still found.
      expect(after.find(({ marker }) => marker.step === 'feedback' && marker.owner === 'slee')!.body).toContain(
        '**PD-7** is still found in PagerDuty',
      );
      // Said once.
      const count = botMarkers(sandbox).length;
      await night(sandbox, time, 'PT2H');
      expect(botMarkers(sandbox).length).toBe(count);
    });
  });

  test('an emoji reaction is not an edit: the reply still counts and a quiet night stays one read', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      const { note } = sandbox.gitlab.addNote(1, {
        author: 'tkim',
        body: 'PD-11 intentional: contractor, kept until March',
      });
      await night(sandbox, time, 'PT1H');
      expect(botMarkers(sandbox).at(-1)!.marker.step).toBe('addressed');
      await night(sandbox, time, 'PT2H');
      // Reactions on the reply and on a bot note move their updated_at, and change nothing.
      time.at('PT3H');
      sandbox.gitlab.react(1, note!.id, 'msmith');
      const botNote = sandbox.gitlab
        .notesOf(1)
        .filter((n) => n.author.username === 'audit-bot')
        .at(-1)!;
      sandbox.gitlab.react(1, botNote.id, 'som-alex', 'eyes');
      const writes = gitlabWrites(sandbox).length;
      const reads = sandbox.gitlab.log.length;
      await night(sandbox, time, 'PT4H');
      expect(gitlabWrites(sandbox).length).toBe(writes);
      // One listing of open issues, one page of the newest notes (and the closed-issue listings): no full read.
      expect(sandbox.gitlab.log.slice(reads).filter((entry) => entry.path.endsWith('/notes'))).toHaveLength(1);
      // At the second-ping time, PD-11 is still answered.
      await night(sandbox, time, 'PT72H');
      const pinged = botMarkers(sandbox)
        .filter(({ marker }) => marker.step === 'ping2')
        .flatMap(({ marker }) => marker.findings ?? []);
      expect(pinged).not.toContain('pagerduty:unknown-id:tkim');
    });
  });
});
