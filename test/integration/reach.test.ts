import { instantSleep } from '../../src/clock.js';
import { runAuditBot, withSandbox, withTimeline } from '../helpers.js';
import { parseMarkers } from '../../src/domain/markers.js';
import { createGitLabSandbox } from '../../src/sandbox/gitlab/index.js';
import { GitLabTracker } from '../../src/gitlab/gitbeaker-tracker.js';
import { resolveReach } from '../../src/gitlab/reach.js';
import { silentLogger } from '../../src/log.js';
import type { Sandbox } from '../../src/sandbox/environment.js';

const OPEN = ['open', '--platform', 'pagerduty'];

function botNotes(sandbox: Sandbox) {
  const issue = sandbox.gitlab
    .issues()
    .find((candidate) => (candidate.labels as string[]).includes('audit::pagerduty'))!;
  return sandbox.gitlab.notesOf(issue.iid).filter((note) => !note.system && note.author.username === 'audit-bot');
}

const pingTo = (sandbox: Sandbox, step: string, owner: string | null) =>
  botNotes(sandbox).find((note) =>
    parseMarkers(note.body).some((marker) => marker.step === step && (marker.owner ?? null) === owner),
  );

describe('every ping reaches someone who can read the confidential issue', () => {
  test('owners outside the project (or Guests) are never @-mentioned; the manager gets the items and why', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.gitlab.setMember('tkim', null);
      sandbox.gitlab.setMember('cokafor', 10);
      const run = await runAuditBot(sandbox, OPEN);
      expect(run.code).toBe(0);
      const bodies = botNotes(sandbox)
        .map((note) => note.body)
        .join('\n');
      expect(bodies).not.toMatch(/@tkim\b/);
      expect(bodies).not.toMatch(/@cokafor\b/);
      expect(pingTo(sandbox, 'ping1', 'tkim')).toBeUndefined();
      const manager = pingTo(sandbox, 'ping1', 'msmith')!;
      expect(manager.body).toMatch(/^@msmith, the PagerDuty access audit for 2026-Q4 needs you on \d+ items:/);
      expect(manager.body).toContain(
        '> `tkim` cannot see this confidential issue (not a member of the audit project): ' +
          'add them to the project as Planner or higher; so this comes to you.',
      );
      expect(manager.body).toContain(
        '> `cokafor` cannot see this confidential issue (a Guest of the audit project): ' +
          'add them to the project as Planner or higher; so this comes to you.',
      );
      const marker = parseMarkers(manager.body)[0];
      expect(marker.unreachable).toEqual([
        expect.objectContaining({ username: 'cokafor' }),
        expect.objectContaining({ username: 'tkim' }),
      ]);
      expect(marker.findings).toEqual(expect.arrayContaining(['pagerduty:unknown-id:tkim']));
      // The results note and the board say who could not be reached, and why.
      const results = botNotes(sandbox).find((note) =>
        parseMarkers(note.body).some((marker) => marker.step === 'results'),
      )!.body;
      expect(results).toContain('**Could not be reached** (their items go to the next person up the chain instead):');
      expect(results).toContain(
        '- `tkim` cannot see this confidential issue (not a member of the audit project): ' +
          'add them to the project as Planner or higher',
      );
      const description = sandbox.gitlab
        .issues()
        .find((candidate) => (candidate.labels as string[]).includes('audit::pagerduty'))!.description as string;
      expect(description).toContain('**Could not be reached** (their items went to the next person up the chain):');
      expect(description).toContain(
        '- `tkim`: cannot see this confidential issue (not a member of the audit project): ' +
          'add them to the project as Planner or higher',
      );
      // GitLab tells only those who can read: the manager was notified, the owners never.
      expect(sandbox.gitlab.notificationsOf('tkim')).toEqual([]);
      expect(sandbox.gitlab.notificationsOf('cokafor')).toEqual([]);
      expect(sandbox.gitlab.notificationsOf('msmith').length).toBeGreaterThanOrEqual(1);
      // Each name was looked up once: one user and one membership read per person mentioned.
      const userLookups = sandbox.gitlab.log.filter(
        (entry) => entry.path === '/api/v4/users' && entry.query.includes('username='),
      );
      const names = userLookups.map((entry) => new URLSearchParams(entry.query).get('username'));
      expect(new Set(names).size).toBe(names.length);
    });
  });

  test('if the manager is unreachable too, items go up the chain; a blocked user is named, not mentioned', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.gitlab.setMember('tkim', null);
      sandbox.gitlab.setUserState('msmith', 'blocked');
      expect((await runAuditBot(sandbox, OPEN)).code).toBe(0);
      const bodies = botNotes(sandbox)
        .map((note) => note.body)
        .join('\n');
      expect(bodies).not.toMatch(/@(tkim|msmith)\b/);
      const top = pingTo(sandbox, 'ping1', 'som-alex')!;
      expect(top.body).toContain(
        '> `msmith` is blocked in GitLab and gets no notifications: ' +
          'name someone active, or reactivate them; so this comes to you.',
      );
      expect(parseMarkers(top.body)[0].findings).toEqual(expect.arrayContaining(['pagerduty:unknown-id:tkim']));
    });
  });

  test('once the person can see the issue, the ladder goes on with them', async () => {
    await withTimeline(async (sandbox, time) => {
      sandbox.gitlab.setMember('tkim', null);
      expect((await runAuditBot(sandbox, OPEN, {}, time.now)).code).toBe(0);
      expect(pingTo(sandbox, 'ping1', 'msmith')!.body).toContain('`tkim` cannot see this confidential issue');
      sandbox.gitlab.setMember('tkim', 20);
      time.at('PT72H');
      expect((await runAuditBot(sandbox, ['followup', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      const second = pingTo(sandbox, 'ping2', 'tkim')!;
      expect(second.body).toMatch(/^@tkim, a reminder/);
      const issue = sandbox.gitlab
        .issues()
        .find((candidate) => (candidate.labels as string[]).includes('audit::pagerduty'))!;
      expect(issue.description).not.toContain('Could not be reached');
      expect(sandbox.gitlab.notificationsOf('tkim')).toHaveLength(1);
    });
  });

  test('a night that mentions nobody asks GitLab about nobody', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, OPEN, {}, time.now)).code).toBe(0);
      const before = sandbox.gitlab.log.length;
      time.at('PT1H');
      expect((await runAuditBot(sandbox, ['followup', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      const lookups = sandbox.gitlab.log
        .slice(before)
        .filter((entry) => entry.path === '/api/v4/users' || entry.path.includes('/members/'));
      expect(lookups).toEqual([]);
    });
  });
});

describe('the reach check against GitLab', () => {
  test('a group, an unknown name, a deactivated user, a Guest, a non-member and a Planner', async () => {
    const gitlab = createGitLabSandbox({
      projectPath: 'support-ops/access-audits',
      users: [
        { id: 1, username: 'audit-bot', name: 'Audit Bot', bot: true },
        { id: 2, username: 'planner', name: 'P' },
        { id: 3, username: 'guest', name: 'G' },
        { id: 4, username: 'outsider', name: 'O' },
        { id: 5, username: 'gone', name: 'D', state: 'deactivated' },
      ],
      tokens: { 'bot-token': 'audit-bot' },
      members: { planner: 15, guest: 10, outsider: null },
      groups: ['support-team'],
    });
    await gitlab.start();
    try {
      const tracker = new GitLabTracker({
        url: gitlab.url,
        token: 'bot-token',
        project: 'support-ops/access-audits',
        clock: () => new Date(),
        sleep: instantSleep(),
        logger: silentLogger(),
      });
      const reach = await resolveReach(tracker, [
        'Planner',
        'guest',
        'outsider',
        'gone',
        'support-team',
        'nobody',
        'planner',
      ]);
      expect(reach.get('Planner')).toBeUndefined();
      expect(reach.get('planner')).toBeUndefined();
      expect(reach.get('guest')?.reason).toContain('(a Guest of the audit project)');
      expect(reach.get('outsider')?.reason).toContain('(not a member of the audit project)');
      expect(reach.get('gone')?.reason).toContain('is deactivated in GitLab');
      expect(reach.get('support-team')?.reason).toContain('is a GitLab group, not a person');
      expect(reach.get('nobody')?.reason).toContain('is not a GitLab user');
      // One user lookup per distinct name, whatever its case.
      expect(gitlab.log.filter((entry) => entry.path === '/api/v4/users')).toHaveLength(6);
    } finally {
      await gitlab.stop();
    }
  });
});
