import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitlabWrites, runAuditBot, withTimeline, type Timeline } from '../helpers.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import { SANDBOX_CONFIG } from '../../src/sandbox/environment.js';
import { fixSeededProblems, SEEDED_PAGERDUTY_FIXES } from '../../src/platforms/pagerduty/sandbox/seed.js';
import { CHECKLIST_STEPS, checklistMarker, type ChecklistStep } from '../../src/domain/checklist.js';

async function open(sandbox: Sandbox, time: Timeline, env: Record<string, string> = {}) {
  const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], env, time.now);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

async function followup(sandbox: Sandbox, time: Timeline, env: Record<string, string> = {}) {
  const run = await runAuditBot(sandbox, ['followup'], env, time.now);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return run;
}

const description = (sandbox: Sandbox) => sandbox.gitlab.issue(1)!.description ?? '';

/** The bot-owned boxes of the issue's checklist that are ticked, in checklist order. */
function ticked(sandbox: Sandbox): ChecklistStep[] {
  const text = description(sandbox);
  return CHECKLIST_STEPS.filter((step) => {
    const line = text.split('\n').find((candidate) => candidate.includes(checklistMarker(step)));
    expect(line).toBeDefined();
    return /^\s*(?:[-*+]|\d+[.)])\s+\[[xX]\]/.test(line!);
  });
}

/** A config (the sandbox's, edited) in a folder of its own, with an optional template for PagerDuty. */
function configWith(edit: (config: string) => string, template?: string): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-checklist-'));
  let config = edit(fs.readFileSync(SANDBOX_CONFIG, 'utf8'));
  if (template !== undefined) {
    fs.writeFileSync(path.join(dir, 'pagerduty.md'), template);
    // Relative to the config file's folder: a template must stay inside it (issue #18).
    config = config.replace('  pagerduty:\n', '  pagerduty:\n    template: pagerduty.md\n');
  }
  const file = path.join(dir, 'audit.config.yml');
  fs.writeFileSync(file, config);
  return { AUDIT_CONFIG: file };
}

describe('the process checklist in the issue description ticks itself from the bot record', () => {
  test(
    'open: findings posted and everyone pinged; then each ladder step, ' +
      'the review and the approval as they happen; quiet nights write nothing',
    async () => {
      await withTimeline(async (sandbox, time) => {
        await open(sandbox, time);
        expect(ticked(sandbox)).toEqual(['results', 'pinged']);
        expect(description(sandbox)).toContain(
          '- [x] Audit run and findings posted (audit-bot) <!-- audit-bot:checklist:results -->',
        );
        expect(description(sandbox)).toContain(
          '- [ ] No answer after 3 days: second ping, then 4 days (audit-bot) <!-- audit-bot:checklist:ping2 -->',
        );
        expect(description(sandbox)).toContain(
          "- [ ] Still no answer: the person's manager pinged, then 3 days (audit-bot) " +
            '<!-- audit-bot:checklist:manager -->',
        );

        // A quiet night: one read, no write.
        time.at('PT24H');
        let writes = gitlabWrites(sandbox).length;
        expect((await followup(sandbox, time)).stdout).toContain('unchanged since the last run');
        expect(gitlabWrites(sandbox).length).toBe(writes);

        time.at('PT72H');
        await followup(sandbox, time);
        expect(ticked(sandbox)).toEqual(['results', 'pinged', 'ping2']);

        // Same instant again, and a quiet night after: nothing written.
        writes = gitlabWrites(sandbox).length;
        await followup(sandbox, time);
        time.at('P5D');
        await followup(sandbox, time);
        expect(gitlabWrites(sandbox).length).toBe(writes);

        // The managers; then the Support Ops Managers (for the items nobody above owns, perhaps on the same night).
        time.at('P7D');
        await followup(sandbox, time);
        expect(ticked(sandbox).filter((step) => step !== 'som')).toEqual(['results', 'pinged', 'ping2', 'manager']);
        time.at('P10D');
        await followup(sandbox, time);
        expect(ticked(sandbox)).toEqual(['results', 'pinged', 'ping2', 'manager', 'som']);

        // Everything answered: fixed on the platform, one kept on purpose; the review is asked.
        fixSeededProblems(sandbox.pagerduty.data, SEEDED_PAGERDUTY_FIXES);
        time.at('P10DT2H');
        sandbox.gitlab.addNote(1, {
          author: 'tkim',
          body: 'PD-11 intentional: contractor, roster id fixed in the next roster MR',
        });
        sandbox.gitlab.addNote(1, {
          author: 'som-alex',
          body: 'PD-1, PD-2, PD-3, PD-4, PD-5, PD-6, PD-7, PD-8, PD-9, PD-10, PD-12, PD-13 fixed',
        });
        time.at('P11D');
        await followup(sandbox, time);
        expect(sandbox.gitlab.issue(1)!.labels).toContain('audit-status::review');
        expect(ticked(sandbox)).toEqual(['results', 'pinged', 'ping2', 'manager', 'som', 'review']);

        writes = gitlabWrites(sandbox).length;
        time.at('P12D');
        await followup(sandbox, time);
        expect(gitlabWrites(sandbox).length).toBe(writes);

        sandbox.gitlab.addNote(1, { author: 'som-alex', body: 'approved' });
        time.at('P12DT1H');
        await followup(sandbox, time);
        expect(sandbox.gitlab.issue(1)!.state).toBe('closed');
        expect(ticked(sandbox)).toEqual([...CHECKLIST_STEPS]);
        expect(description(sandbox)).toContain(
          '- [x] Support Operations Manager reviewed and closed this issue <!-- audit-bot:checklist:closed -->',
        );
      });
    },
  );

  test('a box ticked by hand is not the record: a quiet night leaves it, the next write sets it back', async () => {
    await withTimeline(async (sandbox, time) => {
      await open(sandbox, time);
      time.at('PT1H');
      const handTicked = description(sandbox).replace('- [ ] Everything addressed', '- [x] Everything addressed');
      const edit = await fetch(`${sandbox.gitlab.url}/api/v4/projects/1/issues/1`, {
        method: 'PUT',
        headers: { 'PRIVATE-TOKEN': 'token-som-alex', 'Content-Type': 'application/json' },
        body: JSON.stringify({ description: handTicked }),
      });
      expect(edit.status).toBe(200);
      expect(ticked(sandbox)).toEqual(['results', 'pinged', 'review']);

      time.at('PT24H');
      const writes = gitlabWrites(sandbox).length;
      await followup(sandbox, time);
      expect(gitlabWrites(sandbox).length).toBe(writes);
      expect(ticked(sandbox)).toEqual(['results', 'pinged', 'review']);

      time.at('PT72H');
      await followup(sandbox, time);
      expect(ticked(sandbox)).toEqual(['results', 'pinged', 'ping2']);
    });
  });

  test("a template the user edited: the user's lines stay as written, the bot's own ticked in place", async () => {
    const template = [
      '# Our {{platform_name}} audit, {{quarter}}',
      '',
      'House rules first, then the steps, in our own order and words.',
      '',
      '- [ ] Tell #support-ops in Slack that the audit started',
      '- [x] Book a review slot with the Support Ops Manager',
      `1. [ ] Review asked <!-- audit-bot:checklist:review -->`,
      `2. [ ] People pinged, the bot says <!-- audit-bot:checklist:pinged --> (waits: {{second_ping_after}})`,
      `3. [ ] Bot listed what it found ${checklistMarker('results')}`,
      '- [ ] Audit run and findings posted (audit-bot)',
      '- [ ] a note to myself <!-- audit-bot:checklist:not-a-step -->',
      '',
      '```markdown',
      `- [ ] example of a bot line ${checklistMarker('results')}`,
      '```',
      '',
      '- [ ] Archive the evidence',
      '',
    ].join('\n');
    await withTimeline(async (sandbox, time) => {
      const env = configWith((config) => config, template);
      await open(sandbox, time, env);
      const lines = description(sandbox).split('\n');
      expect(lines.slice(0, 17)).toEqual([
        '# Our PagerDuty audit, 2026-Q4',
        '',
        'House rules first, then the steps, in our own order and words.',
        '',
        '- [ ] Tell #support-ops in Slack that the audit started',
        '- [x] Book a review slot with the Support Ops Manager',
        `1. [ ] Review asked <!-- audit-bot:checklist:review -->`,
        `2. [x] People pinged, the bot says <!-- audit-bot:checklist:pinged --> (waits: 3 days)`,
        `3. [x] Bot listed what it found ${checklistMarker('results')}`,
        // The stock wording without the marker is not the bot's.
        '- [ ] Audit run and findings posted (audit-bot)',
        '- [ ] a note to myself <!-- audit-bot:checklist:not-a-step -->',
        '',
        '```markdown',
        `- [ ] example of a bot line ${checklistMarker('results')}`,
        '```',
        '',
        '- [ ] Archive the evidence',
      ]);
      // The board follows, as ever.
      expect(description(sandbox)).toContain('### Status board');
    });
  });

  test('ladder.second_ping_after: PT48H is "2 days" in the description, and the box ticks two days in', async () => {
    await withTimeline(async (sandbox, time) => {
      const env = configWith((config) => config.replace('second_ping_after: PT72H', 'second_ping_after: PT48H'));
      await open(sandbox, time, env);
      expect(description(sandbox)).toContain(
        '- [ ] No answer after 2 days: second ping, then 4 days (audit-bot) <!-- audit-bot:checklist:ping2 -->',
      );
      time.at('PT48H');
      await followup(sandbox, time, env);
      expect(ticked(sandbox)).toEqual(['results', 'pinged', 'ping2']);
    });
  });
});
