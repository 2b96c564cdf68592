import { gitlabWrites, runAuditBot, withTimeline } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';

/** The bot notes posted after the first `since`, as [step, recipient-or-owner, item ids in the body]. */
function botSteps(sandbox: Sandbox, since = 0) {
  return sandbox.gitlab
    .notesOf(1)
    .filter((note) => !note.system && note.author.username === 'audit-bot')
    .slice(since)
    .map((note) => [
      parseMarkers(note.body)[0].step,
      parseMarkers(note.body)[0].owner ?? null,
      note.body.match(/\*\*PD-\d+\*\*/g)?.map((id) => id.slice(2, -2)) ?? [],
    ]);
}

const botNoteCount = (sandbox: Sandbox) =>
  sandbox.gitlab.notesOf(1).filter((note) => !note.system && note.author.username === 'audit-bot').length;

describe('one comment must not block the follow-up (issue #18)', () => {
  test('"PD-1 fixed" 10,000 times: one short answer, a quiet next night; the other items’ ladder goes on', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      const opened = botNoteCount(sandbox);
      time.at('PT5H');
      // PD-1 is som-alex's: cokafor has no say on it. Then a megabyte on one line, naming it.
      sandbox.gitlab.addNote(1, { author: 'cokafor', body: Array(10_000).fill('PD-1 fixed').join('\n') });
      sandbox.gitlab.addNote(1, { author: 'cokafor', body: 'PD-1 fixed '.repeat(90_000) });

      time.at('PT6H');
      const night = await runAuditBot(sandbox, ['followup'], {}, time.now);
      expect(night.stderr).toBe('');
      expect(night.code).toBe(0);
      expect(night.stdout).toContain('pagerduty: issue #1: 1 note(s) posted');
      expect(botSteps(sandbox, opened)).toEqual([['feedback', 'cokafor', ['PD-1']]]);
      const answer = sandbox.gitlab
        .notesOf(1)
        .filter((note) => !note.system)
        .at(-1)!.body;
      expect(answer.match(/only its owner \(`som-alex`\)/g)).toHaveLength(1);
      // The one line, and once the note on the megabyte line that was not read.
      expect(answer.match(/Your reply was longer than the bot reads/g)).toHaveLength(1);
      expect(answer.length).toBeLessThan(1_500);

      // The next night: nothing new, nothing due: one read, no write.
      time.at('PT30H');
      const writes = gitlabWrites(sandbox).length;
      const quiet = await runAuditBot(sandbox, ['followup'], {}, time.now);
      expect(quiet.code).toBe(0);
      expect(quiet.stdout).toContain('unchanged since the last run');
      expect(gitlabWrites(sandbox).length).toBe(writes);

      // The ladder goes on for every item, PD-1 included (nobody with a say answered it).
      time.at('PT72H');
      const ladder = await runAuditBot(sandbox, ['followup'], {}, time.now);
      expect(ladder.code).toBe(0);
      expect(botSteps(sandbox, opened + 1)).toEqual([
        ['ping2', 'cokafor', ['PD-6']],
        ['ping2', 'msmith', ['PD-8']],
        ['ping2', 'ohaddad', ['PD-5']],
        ['ping2', 'pnair', ['PD-2', 'PD-9']],
        ['ping2', 'slee', ['PD-7']],
        ['ping2', 'som-alex', ['PD-1']],
        ['ping2', 'tkim', ['PD-11']],
        ['ping2', null, ['PD-3', 'PD-4', 'PD-10', 'PD-12', 'PD-13']],
      ]);
    });
  });
});
