import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitlabWrites, runAuditBot, withTimeline, type Timeline } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import { fixSeededProblems, SEEDED_PAGERDUTY_FIXES } from '../../src/platforms/pagerduty/sandbox/seed.js';

const FOLLOWUP = ['followup'];

async function open(sandbox: Sandbox, time: Timeline) {
  const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now);
  expect(run.code).toBe(0);
}

async function followup(sandbox: Sandbox, time: Timeline, extra: string[] = []) {
  const run = await runAuditBot(sandbox, [...FOLLOWUP, ...extra], {}, time.now);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

/** The bot notes posted after `since` notes, as [step, recipient-or-owner, item ids]. */
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

function botNoteCount(sandbox: Sandbox) {
  return sandbox.gitlab.notesOf(1).filter((note) => !note.system && note.author.username === 'audit-bot').length;
}

function say(sandbox: Sandbox, author: string, body: string) {
  sandbox.gitlab.addNote(1, { author, body });
}

describe('the follow-up ladder (nightly), driven by the issue notes and the clock', () => {
  test('nothing due: no note, no platform request, and a second run at the same instant changes nothing', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('PT71H59M');
      const before = gitlabWrites(sandbox).length;
      const pdBefore = sandbox.pagerduty.log.length;
      const run = await followup(sandbox, time);
      expect(run.stdout).toContain('pagerduty: issue #1: 0 note(s) posted, status open');
      expect(gitlabWrites(sandbox).length).toBe(before);
      expect(sandbox.pagerduty.log.length).toBe(pdBefore);
    });
  });

  test('every step of an unanswered ladder: second ping, manager, Support Ops Manager, then silence', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      const opened = botNoteCount(sandbox);

      time.at('PT72H');
      await followup(sandbox, time);
      expect(botSteps(sandbox, opened)).toEqual([
        ['ping2', 'cokafor', ['PD-6']],
        ['ping2', 'msmith', ['PD-8']],
        ['ping2', 'ohaddad', ['PD-5']],
        ['ping2', 'pnair', ['PD-2', 'PD-9']],
        ['ping2', 'slee', ['PD-7']],
        ['ping2', 'som-alex', ['PD-1']],
        ['ping2', 'tkim', ['PD-11']],
        ['ping2', null, ['PD-3', 'PD-4', 'PD-10', 'PD-12', 'PD-13']],
      ]);
      const notes = sandbox.gitlab.notesOf(1).filter((note) => !note.system);
      expect(notes.at(-1)!.body.startsWith('@som-alex, a reminder')).toBe(true);
      // The Support Ops Manager is never escalated to themselves: for the unowned items and their own,
      // this is the last reminder.
      expect(notes.at(-1)!.body).toContain('This is the last reminder the bot sends.');
      expect(notes.at(-3)!.body).toMatch(
        /^@som-alex, a reminder: the PagerDuty access audit for 2026-Q4 still has 1 item waiting for you/,
      );
      expect(notes.at(-3)!.body).toContain('This is the last reminder the bot sends.');
      expect(notes.at(-2)!.body).toContain('your manager will be asked in 4 days');

      // Same instant again: nothing more.
      const writes = gitlabWrites(sandbox).length;
      await followup(sandbox, time);
      expect(gitlabWrites(sandbox).length).toBe(writes);

      // The manager step is 4 days after the second ping, not before.
      time.at('P6DT23H59M');
      await followup(sandbox, time);
      expect(botNoteCount(sandbox)).toBe(opened + 8);
      time.at('P7D');
      await followup(sandbox, time);
      // Each manager for their reports' items (som-alex manages msmith and pnair). som-alex's own item
      // and the unowned ones already asked the only Support Ops Manager: they are not escalated to her.
      expect(botSteps(sandbox, opened + 8)).toEqual([
        ['manager', 'msmith', ['PD-6', 'PD-7', 'PD-11']],
        ['manager', 'pnair', ['PD-5']],
        ['manager', 'som-alex', ['PD-2', 'PD-8', 'PD-9']],
      ]);
      const managerNotes = sandbox.gitlab.notesOf(1).filter((n) => !n.system);
      expect(managerNotes.at(-3)!.body).toMatch(/^@msmith, 3 items .* owned by your reports/);
      expect(managerNotes.at(-3)!.body).toContain('the Support Ops Managers will be asked in 3 days');
      expect(managerNotes.at(-1)!.body).toContain('This is the last reminder the bot sends.');

      time.at('P10D');
      await followup(sandbox, time);
      expect(botSteps(sandbox, opened + 11)).toEqual([['som', null, ['PD-5', 'PD-6', 'PD-7', 'PD-11']]]);

      time.at('P60D');
      await followup(sandbox, time);
      expect(botNoteCount(sandbox)).toBe(opened + 12);
    });
  });

  test(
    'replies: fixed is re-checked (still found → told so; fixed → recorded), ' +
      'intentional needs a reason, authority is enforced',
    async () => {
      await withTimeline(async (sandbox, time) => {
        await open(sandbox, time);
        const opened = botNoteCount(sandbox);
        time.at('PT5H');
        say(sandbox, 'cokafor', 'PD-6 fixed');
        say(sandbox, 'slee', 'PD-11 fixed');
        say(sandbox, 'tkim', 'PD-11 intentional');
        time.at('PT6H');
        await followup(sandbox, time);
        // tkim's "intentional" without a reason is no answer: one short note shows the forms the bot reads.
        expect(botSteps(sandbox, opened)).toEqual([
          ['feedback', 'cokafor', ['PD-6']],
          ['feedback', 'slee', ['PD-11']],
          ['feedback', 'tkim', ['PD-11']],
        ]);
        const notes = sandbox.gitlab.notesOf(1).filter((n) => !n.system);
        expect(notes.at(-3)!.body).toContain('**PD-6** is still found in PagerDuty');
        expect(notes.at(-2)!.body).toContain('only its owner (`tkim`), their manager or a Support Ops Manager');
        expect(notes.at(-1)!.body).toContain(
          '**PD-11**: your reply names it, but the bot could not read an answer in it.',
        );

        // Nothing new: no second answer to the same replies.
        await followup(sandbox, time);
        expect(botNoteCount(sandbox)).toBe(opened + 3);

        // Fixed for real, answered again; the manager answers for tkim.
        sandbox.pagerduty.data.schedules.find((s) => s.id === 'PAMER01')!.userIds.push('PCOKAF1');
        time.at('PT8H');
        say(sandbox, 'cokafor', 'PD-6 fixed');
        say(sandbox, 'msmith', 'PD-11 intentional: contractor, account kept until the roster import is fixed (link)');
        time.at('PT9H');
        await followup(sandbox, time);
        expect(botSteps(sandbox, opened + 3)).toEqual([['addressed', null, ['PD-6', 'PD-11']]]);
        const record = sandbox.gitlab
          .notesOf(1)
          .filter((n) => !n.system)
          .at(-1)!.body;
        expect(record).toContain(
          '**PD-6** · Chris Okafor · fixed per `cokafor`, confirmed: the PagerDuty check no longer reports it',
        );
        expect(record).toContain(
          '**PD-11** · Taylor Kim · intentional per `msmith`: ' +
            '“contractor, account kept until the roster import is fixed (link)”',
        );

        // At the second-ping time only the items nobody answered are pinged again.
        time.at('PT72H');
        await followup(sandbox, time);
        expect(botSteps(sandbox, opened + 4)).toEqual([
          ['ping2', 'msmith', ['PD-8']],
          ['ping2', 'ohaddad', ['PD-5']],
          ['ping2', 'pnair', ['PD-2', 'PD-9']],
          ['ping2', 'slee', ['PD-7']],
          ['ping2', 'som-alex', ['PD-1']],
          ['ping2', null, ['PD-3', 'PD-4', 'PD-10', 'PD-12', 'PD-13']],
        ]);
      });
    },
  );

  test(
    'an item that disappears from the platform counts as fixed with no reply; ' +
      'all addressed → review once → approved → closed',
    async () => {
      await withTimeline(async (sandbox, time) => {
        await open(sandbox, time);
        const opened = botNoteCount(sandbox);
        const pd = sandbox.pagerduty.data;
        // Pat Departed is deleted from PagerDuty, which also takes Pat off the AMER rota.
        fixSeededProblems(pd, ['pagerduty:user-not-in-roster:PPATDP1']);
        time.at('PT10H');
        say(sandbox, 'som-alex', 'all fixed');
        say(sandbox, 'tkim', 'PD-11 intentional: roster id fixed in the next roster MR');
        say(sandbox, 'cokafor', '> PD-6 fixed\nnot yet, sorry');
        time.at('PT11H');
        await followup(sandbox, time);
        // A Support Ops Manager's "all fixed" covers every open item: PD-13 (Pat) is gone, and with it
        // PD-8 (Pat on the rota, msmith's); PD-11 has tkim's later answer; the others are still there.
        expect(botSteps(sandbox, opened)).toEqual([
          ['addressed', null, ['PD-8', 'PD-11', 'PD-13']],
          ['feedback', 'som-alex', ['PD-1', 'PD-2', 'PD-3', 'PD-4', 'PD-5', 'PD-6', 'PD-7', 'PD-9', 'PD-10', 'PD-12']],
        ]);

        fixSeededProblems(pd, SEEDED_PAGERDUTY_FIXES);
        time.at('PT72H');
        await followup(sandbox, time);
        expect(botSteps(sandbox, opened + 2)).toEqual([
          ['addressed', null, ['PD-1', 'PD-2', 'PD-3', 'PD-4', 'PD-5', 'PD-6', 'PD-7', 'PD-9', 'PD-10', 'PD-12']],
          ['review', null, Array.from({ length: 13 }, (_, i) => `PD-${i + 1}`)],
        ]);
        expect(sandbox.gitlab.issues()[0].labels).toContain('audit-status::review');
        const review = sandbox.gitlab
          .notesOf(1)
          .filter((n) => !n.system)
          .at(-1)!.body;
        expect(
          review.startsWith('@som-alex, every item of the PagerDuty access audit for 2026-Q4 is addressed (13 items)'),
        ).toBe(true);

        time.at('P4D');
        await followup(sandbox, time);
        expect(botNoteCount(sandbox)).toBe(opened + 4);

        say(sandbox, 'cokafor', 'approved');
        await followup(sandbox, time);
        expect(sandbox.gitlab.issues()[0].state).toBe('opened');
        say(sandbox, 'som-alex', 'Approved, thanks all.');
        time.at('P4DT1H');
        await followup(sandbox, time);
        const issue = sandbox.gitlab.issues()[0];
        expect(issue.state).toBe('closed');
        expect(issue.labels).toContain('audit-status::done');
        expect(botSteps(sandbox, opened + 4)).toEqual([['outcome', null, []]]);

        time.at('P30D');
        const writes = gitlabWrites(sandbox).length;
        await followup(sandbox, time);
        expect(gitlabWrites(sandbox).length).toBe(writes);
      });
    },
  );

  test('a Support Ops Manager closing the issue by hand is recorded once, and the pings stop', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      const opened = botNoteCount(sandbox);
      time.at('PT20H');
      say(sandbox, 'som-alex', 'Handled offline.\n/close');
      expect(sandbox.gitlab.issues()[0].state).toBe('closed');
      time.at('PT72H');
      await followup(sandbox, time);
      expect(botSteps(sandbox, opened)).toEqual([
        ['outcome', null, Array.from({ length: 13 }, (_, i) => `PD-${i + 1}`)],
      ]);
      expect(
        sandbox.gitlab
          .notesOf(1)
          .filter((n) => !n.system)
          .at(-1)!.body,
      ).toContain('Issue closed by `som-alex`');
      expect(sandbox.gitlab.issues()[0].labels).toContain('audit-status::done');
      time.at('P8D');
      await followup(sandbox, time);
      expect(botNoteCount(sandbox)).toBe(opened + 1);
    });
  });

  test('--dry-run prints the plan and writes nothing', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('PT72H');
      const writes = gitlabWrites(sandbox).length;
      const run = await followup(sandbox, time, ['--dry-run']);
      expect(run.stdout).toContain('8 note(s) planned');
      expect(run.stdout).toContain('--- would post on issue #1:\n@cokafor, a reminder');
      expect(gitlabWrites(sandbox).length).toBe(writes);
    });
  });

  test('--now steps through time without touching the clock', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('PT72H');
      const run = await runAuditBot(
        sandbox,
        ['followup', '--now', '2026-11-27T09:00:00Z'],
        {},
        new Date('2026-11-24T09:00:00Z'),
      );
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('8 note(s) posted');
    });
  });

  // Killed after any write of a follow-up night (pings, records, answers, the review, the close), then re-run:
  // test/reliability/crash.test.ts.

  test('a reply edited after the bot saw it does not add claims; a deleted reply does not undo a record', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      const opened = botNoteCount(sandbox);
      time.at('PT1H');
      const { note } = sandbox.gitlab.addNote(1, { author: 'tkim', body: 'PD-11 intentional: kept on purpose' });
      time.at('PT2H');
      await followup(sandbox, time);
      expect(botSteps(sandbox, opened)).toEqual([['addressed', null, ['PD-11']]]);

      // tkim edits the reply to also claim someone else's item, then deletes it.
      time.at('PT3H');
      const url = `${sandbox.gitlab.url}/api/v4/projects/1/issues/1/notes/${note!.id}`;
      const edit = await fetch(url, {
        method: 'PUT',
        headers: { 'PRIVATE-TOKEN': 'token-tkim', 'content-type': 'application/json' },
        body: JSON.stringify({ body: 'PD-11 intentional: kept\nall fixed' }),
      });
      expect(edit.status).toBe(200);
      time.at('PT4H');
      await followup(sandbox, time);
      expect(botNoteCount(sandbox)).toBe(opened + 1);
      const removal = await fetch(url, { method: 'DELETE', headers: { 'PRIVATE-TOKEN': 'token-tkim' } });
      expect(removal.status).toBe(204);
      time.at('PT72H');
      await followup(sandbox, time);
      // PD-11 stays addressed: only the others get the second ping.
      expect(botSteps(sandbox, opened + 1)).toEqual([
        ['ping2', 'cokafor', ['PD-6']],
        ['ping2', 'msmith', ['PD-8']],
        ['ping2', 'ohaddad', ['PD-5']],
        ['ping2', 'pnair', ['PD-2', 'PD-9']],
        ['ping2', 'slee', ['PD-7']],
        ['ping2', 'som-alex', ['PD-1']],
        ['ping2', null, ['PD-3', 'PD-4', 'PD-10', 'PD-12', 'PD-13']],
      ]);
    });
  });

  test("issues are found by the bot's own labels, whatever audit.config.yml labels them with", async () => {
    await withTimeline(async (sandbox, time) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-labels-'));
      const config = path.join(dir, 'audit.config.yml');
      fs.writeFileSync(
        config,
        fs
          .readFileSync(sandbox.env.AUDIT_CONFIG, 'utf8')
          .replace(/^labels: \[audit\]$/m, 'labels: [access-review, support-ops]'),
      );
      const env = { AUDIT_CONFIG: config };
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], env, time.now)).code).toBe(0);
      expect(sandbox.gitlab.issues()[0].labels).toEqual(
        expect.arrayContaining(['access-review', 'support-ops', 'audit::pagerduty']),
      );
      expect(sandbox.gitlab.issues()[0].labels).not.toContain('audit');

      time.at('PT72H');
      const night = await runAuditBot(sandbox, FOLLOWUP, env, time.now);
      expect(night.code).toBe(0);
      expect(night.stdout).toContain('pagerduty: issue #1: 8 note(s) posted, status open');
      // Closed issues the bot still owes an outcome are found by their status label alone.
      say(sandbox, 'som-alex', '/close');
      time.at('PT73H');
      const after = await runAuditBot(sandbox, FOLLOWUP, env, time.now);
      expect(after.stdout).toContain('pagerduty: issue #1: 1 note(s) posted, status done\n');
    });
  });

  test("last quarter's issue, open when the new one opens, is closed as superseded: never two ladders", async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('P38D'); // 2027-01-01 09:00 UTC
      await open(sandbox, time);
      expect(sandbox.gitlab.issues().map((issue) => [issue.iid, issue.title, issue.state])).toEqual([
        [1, 'PagerDuty access audit 2026-Q4', 'opened'],
        [2, 'PagerDuty access audit 2027-Q1', 'opened'],
      ]);
      const before = sandbox.gitlab.notesOf(1).length;
      time.at('P38DT21H');
      const night = await followup(sandbox, time);
      expect(night.stdout).toContain('pagerduty: issue #1: 1 note(s) posted, status done, closed');
      const added = sandbox.gitlab
        .notesOf(1)
        .slice(before)
        .filter((note) => !note.system);
      expect(added).toHaveLength(1);
      expect(parseMarkers(added[0].body)[0]).toMatchObject({ step: 'outcome', result: 'superseded', next: 2 });
      expect(added[0].body).toMatch(
        new RegExp(
          '^Superseded by #2, the 2027-Q1 audit, which lists every finding still present; ' +
            'recorded on 2027-01-02 06:00 UTC\\. Closing this issue',
        ),
      );
      expect(sandbox.gitlab.issues()[0].state).toBe('closed');
      expect(sandbox.gitlab.issues()[0].labels).toContain('audit-status::done');
      const next = await followup(sandbox, time);
      expect(next.stdout).not.toContain('issue #1');
    });
  });

  test(
    '--platform lists only that platform’s open issues (and the closed ones owed an outcome), ' +
      'and leaves the others alone',
    async () => {
      await withTimeline(async (sandbox, time) => {
        await open(sandbox, time);
        time.at('PT72H');
        const from = sandbox.gitlab.log.length;
        const run = await runAuditBot(sandbox, ['followup', '--platform', 'calendly'], {}, time.now);
        expect(run.code).toBe(0);
        expect(run.stdout).toBe('no audit issue needs following up\n');
        const listings = sandbox.gitlab.log
          .slice(from)
          .filter((entry) => entry.method === 'GET' && /\/issues$/.test(entry.path));
        // One listing of the bot's own open issues serves every platform (labels do not decide which
        // issues are audits), and three of its closed ones.
        expect(listings.map((entry) => new URLSearchParams(entry.query).get('labels')).sort()).toEqual([
          'audit-status::open',
          'audit-status::review',
          null,
          null,
        ]);
        expect(listings.every((entry) => new URLSearchParams(entry.query).get('scope') === 'created_by_me')).toBe(true);
        expect(sandbox.gitlab.log.slice(from).filter((entry) => entry.method !== 'GET')).toHaveLength(0);
      });
    },
  );

  test(
    'a deleted results note: nights fail and say what to do, ' +
      '`open` will not list the items again, a new issue starts over',
    async () => {
      await withTimeline(async (sandbox, time) => {
        await open(sandbox, time);
        const results = sandbox.gitlab.notesOf(1).find((note) => parseMarkers(note.body)[0]?.step === 'results')!;
        const asBot = { 'PRIVATE-TOKEN': sandbox.env.GITLAB_TOKEN, 'content-type': 'application/json' };
        // Maintainers can delete anyone's comment; the sandbox lets only the author, so the bot's token does it.
        const removal = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/issues/1/notes/${results.id}`, {
          method: 'DELETE',
          headers: asBot,
        });
        expect(removal.status).toBe(204);

        time.at('PT80H');
        const writes = gitlabWrites(sandbox).length;
        const pdRequests = sandbox.pagerduty.log.length;
        const night = await runAuditBot(sandbox, FOLLOWUP, {}, time.now);
        expect(night.code).toBe(1);
        const what =
          "a results note of the bot's in this issue was deleted. " +
          'The item ids cannot be given out again safely, as replies name them: ' +
          'close the issue and remove its audit::pagerduty label, ' +
          'then run `open --platform pagerduty --quarter 2026-Q4`: ' +
          'it opens a new issue that lists the findings again and pings their owners afresh ' +
          '(answers given in this issue do not carry over)';
        expect(night.stdout).toContain(`pagerduty: issue #1: FAILED, nothing more was done for it: ${what}`);
        // Listing the findings again would number them afresh, and old replies would name other items.
        const again = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now);
        expect(again.code).toBe(1);
        expect(again.stdout).toContain(`pagerduty: FAILED, issue #1: ${what}`);
        expect(gitlabWrites(sandbox).length).toBe(writes);
        expect(sandbox.pagerduty.log.length).toBe(pdRequests + 8);

        // What the message says to do.
        const closing = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/issues/1`, {
          method: 'PUT',
          headers: asBot,
          body: JSON.stringify({ state_event: 'close', remove_labels: 'audit::pagerduty' }),
        });
        expect(closing.status).toBe(200);
        const fresh = await runAuditBot(
          sandbox,
          ['open', '--platform', 'pagerduty', '--quarter', '2026-Q4'],
          {},
          time.now,
        );
        expect(fresh.code).toBe(0);
        expect(fresh.stdout).toContain('pagerduty: issue #2 (new)');
        const next = await runAuditBot(sandbox, FOLLOWUP, {}, time.now);
        expect(next.code).toBe(0);
        expect(next.stdout).toContain('pagerduty: issue #2: 0 note(s) posted');
        expect(next.stdout).not.toContain('issue #1');
      });
    },
  );
});

describe('quiet nights: one read per issue the last run left as it is', () => {
  const issueReads = (sandbox: Sandbox, from: number) =>
    sandbox.gitlab.log.slice(from).filter((entry) => entry.method === 'GET' && /\/issues\/1\//.test(entry.path));

  test('nothing new, nothing due: one page of the newest notes, no full read, no write; --report says so', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('PT24H');
      const from = sandbox.gitlab.log.length;
      const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-quiet-')), 'followup.json');
      const run = await followup(sandbox, time, ['--report', report]);
      expect(run.stdout).toContain('pagerduty: issue #1: 0 note(s) posted, status open, unchanged since the last run');
      // A quiet night reads no platform.
      expect(run.platformReads).toBe(0);
      const reads = issueReads(sandbox, from);
      expect(reads).toHaveLength(1);
      expect(reads[0].path).toMatch(/\/issues\/1\/notes$/);
      const query = Object.fromEntries(new URLSearchParams(reads[0].query));
      // The results note and 8 pings, plus room for the system notes that came after them.
      expect(query).toEqual({ order_by: 'updated_at', sort: 'desc', page: '1', per_page: '14' });
      expect(sandbox.gitlab.log.slice(from).filter((entry) => entry.method !== 'GET')).toEqual([]);
      // Besides that page, only the issue listings: who the bot is matters only to a night that reads notes in full.
      expect(sandbox.gitlab.log.slice(from).filter((entry) => !/\/issues(\/1\/notes)?$/.test(entry.path))).toEqual([]);
      const [entry] = (
        JSON.parse(fs.readFileSync(report, 'utf8')) as { audits: { unchanged: Record<string, unknown> }[] }
      ).audits;
      expect(entry.unchanged).toEqual(
        expect.objectContaining({ status: 'open', items: 13, open: 13, nextStepDue: '2026-11-27T09:00:00.000Z' }),
      );
    });
  });

  test('a note or an edit since the last run means reading everything, once; then quiet again', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('PT2H');
      say(sandbox, 'tkim', 'Thanks, looking into it.');
      time.at('PT24H');
      let from = sandbox.gitlab.log.length;
      let run = await followup(sandbox, time);
      expect(run.stdout).not.toContain('unchanged');
      expect(issueReads(sandbox, from).length).toBeGreaterThan(1);
      // Only the board's checkpoint changed: the board people see is the same.
      expect(
        sandbox.gitlab.log.slice(from).filter((entry) => entry.method === 'PUT' && /\/issues\/1$/.test(entry.path)),
      ).toHaveLength(1);

      time.at('PT48H');
      from = sandbox.gitlab.log.length;
      run = await followup(sandbox, time);
      expect(run.stdout).toContain('unchanged since the last run');
      expect(issueReads(sandbox, from)).toHaveLength(1);

      // tkim edits the note into an answer: read in full, and answered.
      const note = sandbox.gitlab.notesOf(1).find((candidate) => candidate.author.username === 'tkim')!;
      time.at('PT50H');
      const edit = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/issues/1/notes/${note.id}`, {
        method: 'PUT',
        headers: { 'PRIVATE-TOKEN': 'token-tkim', 'Content-Type': 'application/json' },
        body: JSON.stringify({ body: 'PD-11 intentional: contractor until March' }),
      });
      expect(edit.status).toBe(200);
      time.at('PT60H');
      run = await followup(sandbox, time);
      expect(run.stdout).toContain('pagerduty: issue #1: 1 note(s) posted');
      expect(botSteps(sandbox).at(-1)).toEqual(['addressed', null, ['PD-11']]);
    });
  });
});
