import { damagedRecord } from '../../src/domain/bot-notes.js';
import { renderMarker, type Marker } from '../../src/domain/markers.js';
import { damagedRecordNote } from '../../src/commands/apply.js';
import type { TrackedNote } from '../../src/gitlab/tracker.js';

let nextId = 1;
function note(author: string, step: Marker['step'], findings: string[], platform = 'pagerduty'): TrackedNote {
  return {
    id: nextId++,
    author,
    system: false,
    body: `text\n\n${renderMarker({ v: 1, step, platform, quarter: '2026-Q4', findings })}`,
    createdAt: '2026-11-24T09:00:00.000Z',
    updatedAt: '2026-11-24T09:00:00.000Z',
  };
}
const reply: TrackedNote = {
  id: 999,
  author: 'tkim',
  system: false,
  body: 'PD-3 fixed',
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:00:00.000Z',
};
const BOT = 'audit-bot';
const results = (findings: string[]) => note(BOT, 'results', findings);
const ping = (findings: string[]) => note(BOT, 'ping1', findings);

describe("the bot's record in an issue", () => {
  test('whole: every finding the bot named is in one of its results notes', () => {
    expect(
      damagedRecord(
        [
          results(['a', 'b']),
          ping(['a']),
          reply,
          results(['c']),
          ping(['b', 'c']),
          note(BOT, 'review', ['a', 'b', 'c']),
        ],
        BOT,
        'pagerduty',
      ),
    ).toBeUndefined();
  });

  test('never posted: no marker for the platform in any note; `open` may post it', () => {
    const record = damagedRecord([reply, note(BOT, 'ping1', ['x'], 'calendly')], BOT, 'pagerduty');
    expect(record).toEqual({ cause: 'never-posted' });
    expect(damagedRecordNote(record!, 'pagerduty', '2026-Q4', '2026-Q4', BOT)).toBe(
      'the issue has no results note: `open` stopped before posting it. ' +
        '`open --platform pagerduty --quarter 2026-Q4` posts it',
    );
    // An issue of an earlier quarter is closed instead: this quarter's issue lists the findings.
    expect(damagedRecordNote(record!, 'pagerduty', '2026-Q3', '2026-Q4', BOT)).toBe(
      'the issue has no results note: `open` stopped before posting it, in 2026-Q3, an earlier quarter. ' +
        "close the issue and remove its audit::pagerduty label; this quarter's audit lists the findings",
    );
  });

  test('deleted: the only results note, or one of two (pings name findings no results note lists)', () => {
    expect(damagedRecord([ping(['a']), reply], BOT, 'pagerduty')).toEqual({ cause: 'deleted' });
    expect(damagedRecord([ping(['a']), results(['c']), ping(['c'])], BOT, 'pagerduty')).toEqual({ cause: 'deleted' });
    expect(damagedRecordNote({ cause: 'deleted' }, 'pagerduty', '2026-Q4', '2026-Q4', BOT)).toBe(
      "a results note of the bot's in this issue was deleted. " +
        'The item ids cannot be given out again safely, as replies name them: ' +
        'close the issue and remove its audit::pagerduty label, ' +
        'then run `open --platform pagerduty --quarter 2026-Q4`: ' +
        'it opens a new issue that lists the findings again and pings their owners afresh ' +
        '(answers given in this issue do not carry over)',
    );
  });

  test("another user's notes with the bot's markers, and none of the bot's own: the token changed hands", () => {
    const record = damagedRecord(
      [note('project_7_bot', 'results', ['a']), note('project_7_bot', 'ping1', ['a'])],
      'project_9_bot',
      'pagerduty',
    );
    expect(record).toEqual({ cause: 'other-author', author: 'project_7_bot' });
    expect(damagedRecordNote(record!, 'pagerduty', '2026-Q4', '2026-Q4', 'project_9_bot')).toMatch(
      new RegExp(
        /^the bot's notes in this issue were written by project_7_bot, not by project_9_bot: /.source +
          /GITLAB_TOKEN now belongs to another user\. /.source +
          /Run with a token of project_7_bot; if there is none, close the issue/.source,
      ),
    );
    // GitLab moves a deleted user's notes to its ghost user: there is no token of it to run with.
    expect(
      damagedRecordNote({ cause: 'other-author', author: 'ghost' }, 'pagerduty', '2026-Q4', '2026-Q4', BOT),
    ).toMatch(
      new RegExp(
        /^the bot's notes in this issue were written by a user GitLab has since deleted /.source +
          /\(its token was revoked\): close the issue/.source,
      ),
    );
  });

  test('a marker pasted into a comment neither stops a whole record nor hides a deletion behind a token change', () => {
    const pasted = note('mallory', 'results', ['a']);
    expect(damagedRecord([results(['a']), ping(['a']), pasted], BOT, 'pagerduty')).toBeUndefined();
    expect(damagedRecord([ping(['a']), pasted], BOT, 'pagerduty')).toEqual({ cause: 'deleted' });
    // On an issue with nothing of the bot's yet it can only stop `open`, the safe side.
    expect(damagedRecord([pasted], BOT, 'pagerduty')).toEqual({ cause: 'other-author', author: 'mallory' });
  });
});
