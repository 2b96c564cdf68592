import { runAuditBot, withTimeline, type Timeline } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';

/**
 * Issue #18, point 1: labels alone never decide which issues are audits. Everyone who can read a
 * confidential audit issue can relabel it; the bot goes by what it authored and its own record.
 * Each test here fails on the label-based finding (before #18): see the comment on each.
 */

async function open(sandbox: Sandbox, time: Timeline) {
  const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now);
  expect(run.code).toBe(0);
  return run;
}

async function followup(sandbox: Sandbox, time: Timeline) {
  const run = await runAuditBot(sandbox, ['followup'], {}, time.now);
  expect(run.stderr).toBe('');
  return run;
}

/** An issue edit as a person (tkim: a project member who can relabel and close, not a Support Ops Manager). */
async function edit(sandbox: Sandbox, iid: number, changes: Record<string, unknown>, who = 'tkim') {
  const response = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/issues/${iid}`, {
    method: 'PUT',
    headers: { 'PRIVATE-TOKEN': `token-${who}`, 'content-type': 'application/json' },
    body: JSON.stringify(changes),
  });
  expect(response.status).toBe(200);
}

const issue = (sandbox: Sandbox, iid: number) => sandbox.gitlab.issue(iid)!;
const botMarkers = (sandbox: Sandbox, iid: number) =>
  sandbox.gitlab
    .notesOf(iid)
    .filter((note) => !note.system && note.author.username === 'audit-bot')
    .flatMap((note) => parseMarkers(note.body));

describe('labels are an index for people: the bot finds its audits by author and record', () => {
  // Before: followup listed open issues by `audit::<platform>`, so the night saw nothing (and, past
  // missed_quarter_after, reported a missed quarter); `open` found the quarter's issue by the same
  // labels and created a second one, pinging everyone again.
  test('a removed audit::<platform> label silences nothing: the night restores it, `open` finds it', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('PT24H');
      await edit(sandbox, 1, { remove_labels: 'audit::pagerduty' });
      expect(issue(sandbox, 1).labels).not.toContain('audit::pagerduty');

      const night = await followup(sandbox, time);
      expect(night.code).toBe(0);
      expect(night.stdout).toContain('pagerduty: issue #1: 0 note(s) posted, status open');
      expect(issue(sandbox, 1).labels).toEqual(
        expect.arrayContaining(['audit::pagerduty', 'audit-quarter::2026-Q4', 'audit-status::open']),
      );

      // Removed again, then the quarterly `open` runs: same issue, no second one, nobody pinged twice.
      await edit(sandbox, 1, { remove_labels: 'audit::pagerduty,audit-quarter::2026-Q4' });
      const notes = sandbox.gitlab.notesOf(1).length;
      const again = await open(sandbox, time);
      expect(again.stdout).toContain('pagerduty: issue #1 ');
      expect(sandbox.gitlab.issues()).toHaveLength(1);
      expect(sandbox.gitlab.notesOf(1).filter((note) => !note.system)).toHaveLength(
        sandbox.gitlab
          .notesOf(1)
          .slice(0, notes)
          .filter((note) => !note.system).length,
      );
      expect(issue(sandbox, 1).labels).toEqual(expect.arrayContaining(['audit::pagerduty', 'audit-quarter::2026-Q4']));

      // The night after is quiet again: one read of the newest notes.
      time.at('PT25H');
      const quiet = await followup(sandbox, time);
      expect(quiet.stdout).toContain(
        'pagerduty: issue #1: 0 note(s) posted, status open, unchanged since the last run',
      );
    });
  });

  // Before: the quarter was read from the label, so #1 relabelled 2026-Q3 was "an earlier quarter's
  // issue" and was closed as superseded by the attacker's issue, which carried the audit's labels.
  test("moved quarter label and an attacker's issue with the audit's labels supersede nothing; it stays", async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('PT24H');
      await edit(sandbox, 1, { add_labels: 'audit-quarter::2026-Q3', remove_labels: 'audit-quarter::2026-Q4' });
      sandbox.gitlab.addIssue({
        title: 'PagerDuty access audit 2026-Q4',
        author: 'jdoe',
        labels: ['audit::pagerduty', 'audit-quarter::2026-Q4', 'audit-status::open'],
        confidential: true,
      });
      sandbox.gitlab.addIssue({
        title: 'PagerDuty access audit 2027-Q1',
        author: 'jdoe',
        labels: ['audit::pagerduty', 'audit-quarter::2027-Q1', 'audit-status::open'],
        confidential: false,
      });
      const attackers = [issue(sandbox, 2), issue(sandbox, 3)];

      const night = await followup(sandbox, time);
      expect(night.code).toBe(0);
      expect(night.stdout).not.toMatch(/issue #[23]/);
      expect(issue(sandbox, 1).state).toBe('opened');
      expect(botMarkers(sandbox, 1).some((marker) => marker.step === 'outcome')).toBe(false);
      // Its quarter label is the record's again.
      expect(issue(sandbox, 1).labels).toContain('audit-quarter::2026-Q4');
      expect(issue(sandbox, 1).labels).not.toContain('audit-quarter::2026-Q3');
      // The attacker's issues: no note, no change.
      expect(sandbox.gitlab.notesOf(2)).toEqual([]);
      expect(sandbox.gitlab.notesOf(3)).toEqual([]);
      expect([issue(sandbox, 2), issue(sandbox, 3)]).toEqual(attackers);

      // Into 2027-Q1 (the attacker's issue "for" it is open and labelled): still nothing superseded,
      // and `open` opens its own.
      time.at('P38DT21H');
      const later = await followup(sandbox, time);
      expect(later.code).toBe(0);
      expect(issue(sandbox, 1).state).toBe('opened');
      expect(botMarkers(sandbox, 1).some((marker) => marker.step === 'outcome')).toBe(false);
      const q1 = await open(sandbox, time);
      expect(q1.stdout).toContain('pagerduty: issue #4 (new)');
      expect([issue(sandbox, 2), issue(sandbox, 3)]).toEqual(attackers);
    });
  });

  // Before: closed issues were listed by audit-status::open / ::review only, so one PUT by anyone
  // (done + close) took the issue out of every night without a trace.
  test('audit-status::done or a close by someone with no say: reopened, explained once, label fixed', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('PT24H');
      await edit(sandbox, 1, {
        state_event: 'close',
        add_labels: 'audit-status::done',
        remove_labels: 'audit-status::open',
      });
      expect(issue(sandbox, 1)).toMatchObject({
        state: 'closed',
        labels: expect.arrayContaining(['audit-status::done']),
      });

      time.at('PT25H');
      const night = await followup(sandbox, time);
      expect(night.code).toBe(0);
      expect(night.stdout).toContain('pagerduty: issue #1: 1 note(s) posted, status open');
      expect(issue(sandbox, 1).state).toBe('opened');
      expect(issue(sandbox, 1).labels).toContain('audit-status::open');
      expect(issue(sandbox, 1).labels).not.toContain('audit-status::done');
      expect(botMarkers(sandbox, 1).filter((marker) => marker.step === 'reopened')).toEqual([
        expect.objectContaining({ by: 'tkim' }),
      ]);

      // A wrong status label alone (the issue open) is corrected too.
      await edit(sandbox, 1, { add_labels: 'audit-status::review', remove_labels: 'audit-status::open' });
      time.at('PT26H');
      expect((await followup(sandbox, time)).code).toBe(0);
      expect(issue(sandbox, 1).labels).toContain('audit-status::open');
      expect(issue(sandbox, 1).labels).not.toContain('audit-status::review');
    });
  });

  // Before: with its platform label gone the issue was never listed again, so it stayed public.
  test('an issue made public after its label was removed is made confidential again, before all else', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('PT24H');
      await edit(sandbox, 1, { remove_labels: 'audit::pagerduty' });
      await edit(sandbox, 1, { confidential: false });
      expect(issue(sandbox, 1).confidential).toBe(false);
      const from = sandbox.gitlab.log.length;
      const night = await followup(sandbox, time);
      expect(night.code).toBe(0);
      expect(issue(sandbox, 1).confidential).toBe(true);
      expect(issue(sandbox, 1).labels).toContain('audit::pagerduty');
      const writes = sandbox.gitlab.log
        .slice(from)
        .filter((entry) => entry.method !== 'GET' && !entry.path.includes('/labels'));
      expect(writes[0]).toMatchObject({ method: 'PUT', path: expect.stringMatching(/\/issues\/1$/) });
    });
  });
});
