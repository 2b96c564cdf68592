/**
 * Issue #17 point 7: a quarter whose audit was never opened does not go unnoticed. Once the quarter
 * began longer ago than `missed_quarter_after` (default P3D), the nightly `followup` names each
 * enabled platform with no audit issue for the quarter and the command that opens it, and exits 1,
 * after doing its normal work for every issue it follows. Over real HTTP, against the sandbox.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitlabWrites, runAuditBot, withTimeline } from '../helpers.js';
import { SANDBOX_CONFIG } from '../../src/sandbox/environment.js';
import type { PlatformId } from '../../src/domain/types.js';

/** 06:00 UTC on the first day of 2027-Q1. */
const Q1 = new Date('2027-01-01T06:00:00.000Z');

/**
 * The sandbox config with the default `missed_quarter_after` (the sandbox's own never reports) and
 * only `enabled` platforms on.
 */
function configWith(enabled: PlatformId[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-missed-'));
  const file = path.join(dir, 'audit.config.yml');
  let text = fs.readFileSync(SANDBOX_CONFIG, 'utf8').replace(/^missed_quarter_after: .*\n/m, '');
  expect(text).not.toContain('missed_quarter_after:');
  for (const platform of ['zendesk', 'zendesk-us-federal', 'calendly', 'pagerduty'] as const) {
    text = text.replace(
      new RegExp(`^  ${platform}:\\n`, 'm'),
      `  ${platform}:\n    enabled: ${enabled.includes(platform)}\n`,
    );
  }
  fs.writeFileSync(file, text);
  return file;
}

const missed = (platform: string, quarter = '2027-Q1', began = '2027-01-01') =>
  `${platform}: MISSED QUARTER: no audit issue for ${quarter}, which began on ${began} ` +
  '(more than P3D ago, missed_quarter_after in ';
const command = (platform: string) => `Run \`audit-bot open --platform ${platform}\` to open it.`;

describe('a missed quarter: followup goes red until the quarter’s audit is opened', () => {
  test('no issue: day 2 ok; day 4 exit 1 naming enabled platforms (only) and commands; after open, ok', async () => {
    await withTimeline(async (sandbox, time) => {
      const env = { AUDIT_CONFIG: configWith(['pagerduty', 'zendesk-us-federal']) };
      time.at('P1D'); // 2027-01-02: day 2 of the quarter
      let night = await runAuditBot(sandbox, ['followup'], env, time.now);
      expect(night.stderr).toBe('');
      expect(night.code).toBe(0);
      expect(night.stdout).toContain('no audit issue needs following up\n');
      expect(night.stdout).not.toContain('MISSED');

      time.at('P3D'); // 2027-01-04 06:00: more than 3 days since 2027-01-01 00:00 UTC
      night = await runAuditBot(sandbox, ['followup'], env, time.now);
      expect(night.stderr).toBe('');
      expect(night.code).toBe(1);
      const lines = night.stdout.split('\n').filter((line) => line.includes('MISSED QUARTER'));
      expect(lines).toHaveLength(2);
      for (const platform of ['pagerduty', 'zendesk-us-federal']) {
        const line = lines.find((candidate) => candidate.startsWith(`${platform}:`))!;
        expect(line).toContain(missed(platform));
        expect(line).toContain(command(platform));
      }
      // Disabled platforms are never reported.
      expect(night.stdout).toContain('calendly: skipped, disabled in');
      expect(night.stdout).not.toMatch(/^(zendesk|calendly): MISSED/m);
      expect(gitlabWrites(sandbox)).toHaveLength(0);

      // Each platform's own job (`--platform <id>`) reports only its platform.
      const job = await runAuditBot(sandbox, ['followup', '--platform', 'pagerduty'], env, time.now);
      expect(job.code).toBe(1);
      expect(job.stdout).toContain(command('pagerduty'));
      expect(job.stdout).not.toContain('zendesk-us-federal');
      const disabled = await runAuditBot(sandbox, ['followup', '--platform', 'calendly'], env, time.now);
      expect(disabled.code).toBe(0);
      expect(disabled.stdout).not.toContain('MISSED');

      // What the message says to do.
      for (const platform of ['pagerduty', 'zendesk-us-federal']) {
        const open = await runAuditBot(sandbox, ['open', '--platform', platform], env, time.now);
        expect(open.code).toBe(0);
      }
      night = await runAuditBot(sandbox, ['followup'], env, time.now);
      expect(night.stderr).toBe('');
      expect(night.code).toBe(0);
      expect(night.stdout).not.toContain('MISSED');
    }, Q1);
  });

  test('other issues get their night (pings, board, --report) before the job goes red; a dry run too', async () => {
    await withTimeline(async (sandbox, time) => {
      const env = { AUDIT_CONFIG: configWith(['pagerduty', 'calendly']) };
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], env, time.now)).code).toBe(0);
      time.at('PT72H'); // 2027-01-04 06:00: pagerduty's second pings are due; calendly was never opened
      const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-missed-')), 'followup.json');
      const dry = await runAuditBot(sandbox, ['followup', '--dry-run'], env, time.now);
      expect(dry.code).toBe(1);
      expect(dry.stdout).toContain('pagerduty: issue #1: 8 note(s) planned');
      expect(dry.stdout).toContain(command('calendly'));
      // Without GitLab credentials a dry run sees no issue at all: it cannot tell, and says nothing.
      const blind = await runAuditBot(sandbox, ['followup', '--dry-run'], { ...env, GITLAB_TOKEN: '' }, time.now);
      expect(blind.stdout).not.toContain('MISSED');
      expect(blind.code).toBe(0);

      const night = await runAuditBot(sandbox, ['followup', '--report', report], env, time.now);
      expect(night.stderr).toBe('');
      expect(night.code).toBe(1);
      expect(night.stdout).toContain('pagerduty: issue #1: 8 note(s) posted, status open, platform re-checked');
      expect(night.stdout).toContain(`${missed('calendly')}${env.AUDIT_CONFIG}). ${command('calendly')}`);
      expect(night.stdout).not.toContain('pagerduty: MISSED');
      const evidence = JSON.parse(fs.readFileSync(report, 'utf8')) as {
        complete: boolean;
        failed: string[];
        audits: { platform: string }[];
      };
      expect(evidence.complete).toBe(false);
      expect(evidence.failed).toEqual([expect.stringContaining(command('calendly'))]);
      expect(evidence.audits.map((audit) => audit.platform)).toEqual(['pagerduty']);
    }, Q1);
  });

  test("an audit already done and closed this quarter counts; an earlier quarter's issue does not", async () => {
    await withTimeline(async (sandbox, time) => {
      const env = { AUDIT_CONFIG: configWith(['pagerduty']) };
      time.at('-P10D'); // 2026-12-22: last quarter's audit, still open in the new quarter
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], env, time.now)).code).toBe(0);
      time.at('P4D');
      let night = await runAuditBot(sandbox, ['followup'], env, time.now);
      expect(night.code).toBe(1);
      expect(night.stdout).toContain(command('pagerduty'));

      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], env, time.now)).code).toBe(0);
      // The quarter's audit ends early: a Support Ops Manager closes it, the bot records the outcome.
      sandbox.gitlab.addNote(2, { author: 'som-alex', body: 'Done offline.\n/close' });
      night = await runAuditBot(sandbox, ['followup'], env, time.now);
      expect(night.code).toBe(0);
      time.at('P20D');
      night = await runAuditBot(sandbox, ['followup'], env, time.now);
      expect(night.stderr).toBe('');
      expect(night.code).toBe(0);
      expect(night.stdout).not.toContain('MISSED');
      // The quarter's issue is closed (so not followed) and last quarter's is still open: one more listing finds it.
      expect(sandbox.gitlab.issues().map((issue) => [issue.iid, issue.title, issue.state])).toEqual([
        [1, 'PagerDuty access audit 2026-Q4', 'opened'],
        [2, 'PagerDuty access audit 2027-Q1', 'closed'],
      ]);
    }, Q1);
  });
});
