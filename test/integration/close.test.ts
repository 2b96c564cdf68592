import { runAuditBot, withTimeline, type Timeline } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';

const FOLLOWUP = ['followup', '--platform', 'pagerduty'];

const issueOf = (sandbox: Sandbox) =>
  sandbox.gitlab.issues().find((candidate) => (candidate.labels as string[]).includes('audit::pagerduty'))!;
const markers = (sandbox: Sandbox) =>
  sandbox.gitlab
    .notesOf(issueOf(sandbox).iid)
    .filter((note) => !note.system && note.author.username === 'audit-bot')
    .flatMap((note) => parseMarkers(note.body).map((marker) => ({ marker, body: note.body })));

async function setState(sandbox: Sandbox, as: string, event: 'close' | 'reopen'): Promise<void> {
  const response = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/issues/${issueOf(sandbox).iid}`, {
    method: 'PUT',
    headers: { 'PRIVATE-TOKEN': `token-${as}`, 'content-type': 'application/json' },
    body: JSON.stringify({ state_event: event }),
  });
  expect(response.status).toBe(200);
}

async function opened(sandbox: Sandbox, time: Timeline): Promise<void> {
  expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
}

describe('only a Support Ops Manager may end an audit', () => {
  test('a close by anyone else is undone on the next run, said once, and the ladder goes on', async () => {
    await withTimeline(async (sandbox, time) => {
      await opened(sandbox, time);
      time.at('PT1H');
      await setState(sandbox, 'jdoe', 'close');
      expect(issueOf(sandbox).state).toBe('closed');
      time.at('PT2H');
      expect((await runAuditBot(sandbox, FOLLOWUP, {}, time.now)).code).toBe(0);
      expect(issueOf(sandbox).state).toBe('opened');
      const reopened = markers(sandbox).filter(({ marker }) => marker.step === 'reopened');
      expect(reopened).toHaveLength(1);
      expect(reopened[0].body).toMatch(
        new RegExp(
          '^`jdoe` closed this issue, but only a Support Ops Manager \\(`som-alex`\\) ' +
            'may end the PagerDuty access audit for 2026-Q4: the bot reopened it',
        ),
      );
      expect(markers(sandbox).some(({ marker }) => marker.step === 'outcome')).toBe(false);
      expect(issueOf(sandbox).labels).toContain('audit-status::open');
      // Said once: the next night is quiet.
      time.at('PT3H');
      expect((await runAuditBot(sandbox, FOLLOWUP, {}, time.now)).code).toBe(0);
      expect(markers(sandbox).filter(({ marker }) => marker.step === 'reopened')).toHaveLength(1);
      // The ladder goes on.
      time.at('PT72H');
      expect((await runAuditBot(sandbox, FOLLOWUP, {}, time.now)).code).toBe(0);
      expect(markers(sandbox).filter(({ marker }) => marker.step === 'ping2').length).toBeGreaterThan(0);
    });
  });

  test('a `/close` in a reply is undone the same way; a second close is explained again', async () => {
    await withTimeline(async (sandbox, time) => {
      await opened(sandbox, time);
      time.at('PT1H');
      sandbox.gitlab.addNote(issueOf(sandbox).iid, { author: 'slee', body: 'PD-99 fixed I think\n/close' });
      expect(issueOf(sandbox).state).toBe('closed');
      time.at('PT2H');
      expect((await runAuditBot(sandbox, FOLLOWUP, {}, time.now)).code).toBe(0);
      expect(issueOf(sandbox).state).toBe('opened');
      time.at('PT5H');
      await setState(sandbox, 'slee', 'close');
      time.at('PT6H');
      expect((await runAuditBot(sandbox, FOLLOWUP, {}, time.now)).code).toBe(0);
      expect(issueOf(sandbox).state).toBe('opened');
      expect(markers(sandbox).filter(({ marker }) => marker.step === 'reopened')).toHaveLength(2);
    });
  });

  test(
    "a Support Ops Manager's close ends the audit as it stands; " +
      'reopening it resumes the ladder for what is unanswered',
    async () => {
      await withTimeline(async (sandbox, time) => {
        await opened(sandbox, time);
        time.at('PT1H');
        await setState(sandbox, 'som-alex', 'close');
        time.at('PT2H');
        expect((await runAuditBot(sandbox, FOLLOWUP, {}, time.now)).code).toBe(0);
        expect(issueOf(sandbox).state).toBe('closed');
        expect(markers(sandbox).find(({ marker }) => marker.step === 'outcome')!.marker).toMatchObject({
          result: 'closed',
          by: 'som-alex',
        });
        expect(issueOf(sandbox).labels).toContain('audit-status::done');
        time.at('PT24H');
        await setState(sandbox, 'msmith', 'reopen');
        time.at('PT72H');
        expect((await runAuditBot(sandbox, FOLLOWUP, {}, time.now)).code).toBe(0);
        expect(markers(sandbox).filter(({ marker }) => marker.step === 'resumed')).toHaveLength(1);
        expect(markers(sandbox).filter(({ marker }) => marker.step === 'ping2').length).toBeGreaterThan(0);
        expect(issueOf(sandbox).labels).toContain('audit-status::open');
        // A resumed audit that a Support Ops Manager closes again ends again.
        time.at('PT73H');
        await setState(sandbox, 'som-alex', 'close');
        time.at('PT74H');
        expect((await runAuditBot(sandbox, FOLLOWUP, {}, time.now)).code).toBe(0);
        expect(markers(sandbox).filter(({ marker }) => marker.step === 'outcome')).toHaveLength(2);
        expect(issueOf(sandbox).state).toBe('closed');
      });
    },
  );
});
