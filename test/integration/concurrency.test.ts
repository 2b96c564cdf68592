import { runAuditBot, withTimeline } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import { leaseDescription } from '../../src/gitlab/gitbeaker-tracker.js';
import type { Sandbox } from '../../src/sandbox/environment.js';

function markerKeys(sandbox: Sandbox): string[] {
  return sandbox.gitlab
    .issues()
    .flatMap((issue) => sandbox.gitlab.notesOf(issue.iid))
    .flatMap((note) => parseMarkers(note.body))
    .map((marker) => `${marker.step}:${marker.owner ?? ''}:${(marker.findings ?? []).join(',')}`);
}

describe('two runs at once act once', () => {
  test('two `open` runs started together create one issue and post each note once', async () => {
    await withTimeline(async (sandbox, time) => {
      const runs = await Promise.all(
        [1, 2].map(() => runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)),
      );
      // A run that finds the lease taken says so and fails (its work is the other run's); at least one succeeds.
      expect(runs.some((run) => run.code === 0)).toBe(true);
      for (const run of runs.filter((r) => r.code !== 0))
        expect(run.stdout).toContain('NOT DONE, another audit-bot run holds its lease');
      expect(sandbox.gitlab.issues()).toHaveLength(1);
      const keys = markerKeys(sandbox);
      expect(new Set(keys).size).toBe(keys.length);
      // One per owner of the seeded PagerDuty findings.
      expect(keys.filter((key) => key.startsWith('ping1:'))).toHaveLength(8);
      expect(sandbox.gitlab.labels().some((label) => label.name.startsWith('audit-bot-lock'))).toBe(false);
    });
  });

  test('two `followup` runs started together post each ping once', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      time.at('PT72H');
      const runs = await Promise.all([1, 2, 3].map(() => runAuditBot(sandbox, ['followup'], {}, time.now)));
      expect(runs.some((run) => run.code === 0)).toBe(true);
      for (const run of runs.filter((r) => r.code !== 0))
        expect(run.stdout).toContain('NOT DONE, another audit-bot run holds its lease');
      const keys = markerKeys(sandbox);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.filter((key) => key.startsWith('ping2:'))).toHaveLength(8);
    });
  });

  test('a lease left behind by a killed run is taken over once it has expired, and respected before', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      time.at('PT72H');
      const lease = (until: Date) =>
        fetch(`${sandbox.gitlab.url}/api/v4/projects/1/labels`, {
          method: 'POST',
          headers: { 'PRIVATE-TOKEN': sandbox.env.GITLAB_TOKEN, 'content-type': 'application/json' },
          // A killed run's lease, sealed as the bot seals it (an unsealed label is not the bot's:
          // tamper-holes.test.ts).
          body: JSON.stringify({
            name: 'audit-bot-lock-issue-1',
            color: '#808080',
            description: leaseDescription(
              sandbox.env.GITLAB_TOKEN,
              'audit-bot-lock-issue-1',
              until.toISOString(),
              'killed-run',
            ),
          }),
        });
      expect((await lease(new Date(time.now.getTime() + 60_000))).status).toBe(201);
      const blocked = await runAuditBot(sandbox, ['followup'], {}, time.now);
      expect(blocked.code).toBe(1);
      expect(blocked.stdout).toContain('issue #1: NOT DONE, another audit-bot run holds its lease');
      expect(markerKeys(sandbox).filter((key) => key.startsWith('ping2:'))).toHaveLength(0);

      time.at('PT72H1M1S');
      const taken = await runAuditBot(sandbox, ['followup'], {}, time.now);
      expect(taken.code).toBe(0);
      expect(markerKeys(sandbox).filter((key) => key.startsWith('ping2:'))).toHaveLength(8);
      expect(sandbox.gitlab.labels().some((label) => label.name.startsWith('audit-bot-lock'))).toBe(false);
    });
  });

  test('a lock label dated further ahead than any run leases for is not a lease: it blocks nothing', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      time.at('PT72H');
      // Anyone who may create labels could write one that claims a lease for a year.
      const forged = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/labels`, {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': sandbox.env.GITLAB_TOKEN, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'audit-bot-lock-issue-1',
          color: '#808080',
          description: `audit-bot lease until ${new Date(time.now.getTime() + 365 * 86_400_000).toISOString()}`,
        }),
      });
      expect(forged.status).toBe(201);
      const run = await runAuditBot(sandbox, ['followup'], {}, time.now);
      expect(run.code).toBe(0);
      expect(markerKeys(sandbox).filter((key) => key.startsWith('ping2:'))).toHaveLength(8);
    });
  });
});
