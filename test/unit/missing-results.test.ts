import { missingResults } from '../../src/domain/bot-notes.js';
import { renderMarker } from '../../src/domain/markers.js';
import { noResultsNote } from '../../src/commands/apply.js';
import type { TrackedNote } from '../../src/gitlab/tracker.js';

let nextId = 1;
const note = (author: string, step: string, platform = 'pagerduty'): TrackedNote => ({
  id: nextId++,
  author,
  system: false,
  body: `text\n\n${renderMarker({ v: 1, step: step as never, platform, quarter: '2026-Q4' })}`,
  createdAt: '2026-11-24T09:00:00.000Z',
  updatedAt: '2026-11-24T09:00:00.000Z',
});
const reply: TrackedNote = { id: 99, author: 'tkim', system: false, body: 'PD-3 fixed', createdAt: '2026-11-24T10:00:00.000Z', updatedAt: '2026-11-24T10:00:00.000Z' };

describe('why an issue has no results note from the bot', () => {
  test('nothing of the bot for the platform: `open` never posted it, and posts it', () => {
    const missing = missingResults([reply, note('audit-bot', 'ping1', 'calendly')], 'audit-bot', 'pagerduty');
    expect(missing).toEqual({ cause: 'never-posted' });
    expect(noResultsNote(missing, 'pagerduty', '2026-Q4', 'audit-bot')).toBe('the issue has no results note: `open` stopped before posting it. `open --platform pagerduty --quarter 2026-Q4` posts it');
  });

  test("the bot's later notes without it: deleted, and the items must not be numbered again", () => {
    const missing = missingResults([note('audit-bot', 'ping1'), reply, note('audit-bot', 'ping2')], 'audit-bot', 'pagerduty');
    expect(missing).toEqual({ cause: 'deleted' });
    expect(noResultsNote(missing, 'pagerduty', '2026-Q4', 'audit-bot')).toContain('close the issue, remove its audit::pagerduty label, and run `open --platform pagerduty --quarter 2026-Q4`');
  });

  test("the bot's markers in another user's notes: the token changed hands", () => {
    const missing = missingResults([note('project_7_bot', 'results'), note('project_7_bot', 'ping1')], 'project_9_bot', 'pagerduty');
    expect(missing).toEqual({ cause: 'other-author', author: 'project_7_bot' });
    expect(noResultsNote(missing, 'pagerduty', '2026-Q4', 'project_9_bot')).toBe(
      "the bot's notes in this issue were written by project_7_bot, not by project_9_bot: GITLAB_TOKEN now belongs to another user. " +
        'Run with a token of project_7_bot; if there is none, close the issue, remove its audit::pagerduty label, and run `open --platform pagerduty --quarter 2026-Q4`: it opens a new issue with the findings',
    );
  });
});
