import { FIXED_NOW, gitlabWrites, runAuditBot, threads, withSandbox } from '../helpers.js';
import { generatePagerDutyUsers } from '../../src/platforms/pagerduty/sandbox/data.js';
import { parseMarkers } from '../../src/domain/markers.js';

const OPEN = ['open', '--platform', 'pagerduty'];

describe('audit-bot open --platform pagerduty against the sandbox', () => {
  test('opens one confidential issue from the template, posts the results and one ping per person', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);

      const [issue, ...others] = sandbox.gitlab.issues();
      expect(others).toHaveLength(0);
      expect(issue.title).toBe('PagerDuty access audit 2026-Q4');
      expect(issue.confidential).toBe(true);
      expect(issue.state).toBe('opened');
      const labels = (issue.labels as string[]).slice().sort();
      expect(labels).toEqual(['audit', 'audit-quarter::2026-Q4', 'audit-status::open', 'audit::pagerduty']);
      expect(issue.description).toContain('## PagerDuty access audit — 2026-Q4');

      const notes = sandbox.gitlab.notesOf(issue.iid).filter((note) => !note.system);
      const steps = notes.map((note) => parseMarkers(note.body)[0]);
      expect(steps.map((marker) => [marker.step, marker.owner ?? null])).toEqual([
        ['results', null],
        ['ping1', 'cokafor'],
        ['ping1', 'msmith'],
        ['ping1', 'ohaddad'],
        ['ping1', 'pnair'],
        ['ping1', 'slee'],
        ['ping1', 'som-alex'],
        ['ping1', 'tkim'],
        ['ping1', null],
      ]);
      expect(notes.every((note) => note.author.username === 'audit-bot')).toBe(true);
      expect(notes[1].body.startsWith('@cokafor, ')).toBe(true);
      expect(notes[8].body.startsWith('@som-alex, ')).toBe(true);
      // The results note names people without notifying them.
      expect(notes[0].body).not.toMatch(/(^|\s)@[a-z]/);
      expect(notes[0].body).toContain('**13 findings**');
      // users, schedules, escalation policies, one rendered schedule per schedule (3), the v3 listing
      // and the v3 schedule a policy targets
      expect(run.stdout).toMatch(
        new RegExp(
          String.raw`pagerduty: issue #1 \(new\) .*: 13 finding\(s\), 0 accepted exception\(s\), ` +
            String.raw`9 note\(s\) posted, 8 platform request\(s\)`,
        ),
      );
    });
  });

  test('is idempotent: a second run finds the issue and posts nothing', async () => {
    await withSandbox(async (sandbox) => {
      expect((await runAuditBot(sandbox, OPEN)).code).toBe(0);
      const before = threads(sandbox);
      const writesBefore = gitlabWrites(sandbox).length;
      const again = await runAuditBot(sandbox, OPEN);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('0 note(s) posted');
      expect(threads(sandbox)).toEqual(before);
      expect(gitlabWrites(sandbox).length).toBe(writesBefore);
    });
  });

  test('an audit issue that is not confidential is made confidential before anything is posted in it', async () => {
    await withSandbox(async (sandbox) => {
      // Someone creates a public issue with the audit's labels before the quarter's run: not the bot's,
      // so never adopted (labels do not make an audit issue); the bot opens its own, confidential.
      sandbox.gitlab.addIssue({
        title: 'PagerDuty access audit 2026-Q4',
        author: 'jdoe',
        labels: ['audit::pagerduty', 'audit-quarter::2026-Q4'],
        confidential: false,
      });
      const from = sandbox.gitlab.log.length;
      expect((await runAuditBot(sandbox, OPEN)).code).toBe(0);
      expect(sandbox.gitlab.issues()[1].confidential).toBe(true);
      const writes = sandbox.gitlab.log
        .slice(from)
        .filter((entry) => entry.method !== 'GET' && !entry.path.includes('/labels'));
      expect(writes[0]).toMatchObject({ method: 'POST', path: expect.stringMatching(/\/issues$/) });
      expect(writes.some((entry) => /\/issues\/1(\/|$)/.test(entry.path))).toBe(false);
      expect(writes.slice(1).some((entry) => entry.path.endsWith('/notes'))).toBe(true);

      // Made public later: the next run makes it confidential, though it has nothing to post.
      const publish = () =>
        fetch(`${sandbox.gitlab.url}/api/v4/projects/1/issues/2`, {
          method: 'PUT',
          headers: { 'PRIVATE-TOKEN': sandbox.env.GITLAB_TOKEN, 'content-type': 'application/json' },
          body: JSON.stringify({ confidential: false }),
        });
      for (const argv of [OPEN, ['followup']]) {
        expect((await publish()).status).toBe(200);
        expect(sandbox.gitlab.issues()[1].confidential).toBe(false);
        expect((await runAuditBot(sandbox, argv)).code).toBe(0);
        expect(sandbox.gitlab.issues()[1].confidential).toBe(true);
      }
    });
  });

  test('a finding that appears later is listed and pinged once, with the next item id', async () => {
    await withSandbox(async (sandbox) => {
      expect((await runAuditBot(sandbox, OPEN)).code).toBe(0);
      sandbox.pagerduty.data.users.push({
        ...generatePagerDutyUsers(1, 'Late Joiner')[0],
        id: 'PLATE01',
        email: 'late@example.com',
      });
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      const notes = sandbox.gitlab.notesOf(1).filter((note) => !note.system);
      expect(notes).toHaveLength(11);
      expect(notes[9].body).toContain('new findings');
      expect(notes[9].body).toContain('**PD-14**');
      expect(notes[10].body).toContain('PD-14');
      expect(notes[10].body).not.toContain('PD-3');
    });
  });

  test('reads every page: 250 extra PagerDuty users take 3 pages of 100', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.data.users.push(...generatePagerDutyUsers(250));
      const run = await runAuditBot(sandbox, ['check', '--platform', 'pagerduty']);
      expect(run.code).toBe(0);
      const findings = JSON.parse(run.stdout) as { kind: string }[];
      expect(findings.filter((finding) => finding.kind === 'user-not-in-roster')).toHaveLength(252);
      const userPages = sandbox.pagerduty.requestsTo('/users');
      expect(userPages.map((entry) => new URLSearchParams(entry.query).get('offset'))).toEqual(['0', '100', '200']);
      expect(userPages.every((entry) => new URLSearchParams(entry.query).get('limit') === '100')).toBe(true);
    });
  });

  test('an account past the 10,000 offset cap is audited completely: each of 10,062 users is checked', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.data.users.push(...generatePagerDutyUsers(10_050));
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      // The 13 findings of the seed plus one user-not-in-roster per generated user, each once.
      expect(run.stdout).toMatch(/: 10063 finding\(s\), 0 accepted exception\(s\), \d+ note\(s\) posted/);
      const markers = sandbox.gitlab.notesOf(1).flatMap((note) => parseMarkers(note.body));
      // Listed over several results notes, each under GitLab's cap.
      const listed = markers.filter((marker) => marker.step === 'results').flatMap((marker) => marker.findings ?? []);
      expect(sandbox.gitlab.notesOf(1).every((note) => note.body.length < 1_000_000)).toBe(true);
      expect(new Set(listed).size).toBe(10_063);
      for (const id of ['P0000001', 'P0005000', 'P0009999', 'P0010000', 'P0010050'])
        expect(listed).toContain(`pagerduty:user-not-in-roster:${id}`);
      const userRequests = sandbox.pagerduty.requestsTo('/users');
      expect(userRequests.every((entry) => entry.status === 200)).toBe(true);
      expect(userRequests.every((entry) => Number(new URLSearchParams(entry.query).get('offset')) <= 9_900)).toBe(true);
      expect(userRequests.length).toBeLessThan(200);
    });
  });

  test('the check command prints findings as JSON with the contract fields', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, ['check', '--platform', 'pagerduty', '--format', 'json']);
      expect(run.code).toBe(0);
      const findings = JSON.parse(run.stdout) as Record<string, unknown>[];
      expect(findings).toHaveLength(13);
      for (const finding of findings) {
        expect(Object.keys(finding)).toEqual(
          expect.arrayContaining(['platform', 'kind', 'fingerprint', 'owner', 'subject', 'detail']),
        );
        expect(finding.platform).toBe('pagerduty');
      }
      expect(findings.map((finding) => finding.kind).sort()).toEqual([
        'coverage-gap',
        'dead-reference',
        'dead-reference',
        'empty-rule',
        'invitation-pending',
        'missing-from-schedule',
        'role-drift',
        'schedule-member-not-in-roster',
        'schedule-member-not-in-roster',
        'single-target-policy',
        'unknown-id',
        'user-not-in-roster',
        'user-not-in-roster',
      ]);
      expect(sandbox.gitlab.log).toHaveLength(0);
      const markdown = await runAuditBot(sandbox, ['check', '--platform', 'pagerduty', '--format', 'markdown']);
      expect(markdown.stdout).toContain('| **PD-1** |');
    });
  });

  test('--dry-run prints the plan and writes nothing', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, [...OPEN, '--dry-run']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('would create issue "PagerDuty access audit 2026-Q4"');
      expect(run.stdout).toContain('@cokafor, the PagerDuty access audit');
      expect(gitlabWrites(sandbox)).toHaveLength(0);
      expect(sandbox.gitlab.issues()).toHaveLength(0);
    });
  });

  test('--quarter names the issue; the default quarter comes from the clock', async () => {
    await withSandbox(async (sandbox) => {
      expect((await runAuditBot(sandbox, [...OPEN, '--quarter', '2026-Q3'])).code).toBe(0);
      expect((await runAuditBot(sandbox, OPEN, {}, new Date('2026-10-01T00:00:00Z'))).code).toBe(0);
      expect(
        sandbox.gitlab
          .issues()
          .map((issue) => issue.title)
          .sort(),
      ).toEqual(['PagerDuty access audit 2026-Q3', 'PagerDuty access audit 2026-Q4']);
      expect(FIXED_NOW.toISOString()).toBe('2026-11-24T09:00:00.000Z');
    });
  });
});
