import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAuditBot, withTimeline } from '../helpers.js';
import { generatePagerDutyUsers } from '../../src/platforms/pagerduty/sandbox/data.js';
import type { AuditReport } from '../../src/domain/report.js';

function tempReport(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-report-')), 'evidence', 'report.json');
}

function readReport(file: string): { tool: string; command: string; generatedAt: string; audits: AuditReport[] } {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

describe('evidence: quarter-over-quarter diff and the JSON report', () => {
  test('the first results note compares with last quarter: new, still present (last answer), resolved', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      const q3 = sandbox.gitlab.notesOf(1).find((note) => note.body.includes('results'))!.body;
      expect(q3).toContain('No PagerDuty audit issue for 2026-Q2 was found');
      // Looked for once: the bot's own issues created since last quarter began (labels are no proof of an audit).
      expect(
        sandbox.gitlab.log.filter(
          (entry) => entry.method === 'GET' && /created_after=2026-0[34]/.test(decodeURIComponent(entry.query)),
        ),
      ).toHaveLength(1);

      time.at('PT2H');
      sandbox.gitlab.addNote(1, { author: 'tkim', body: 'PD-11 intentional: contractor' });
      time.at('PT3H');
      expect((await runAuditBot(sandbox, ['followup'], {}, time.now)).code).toBe(0);

      const pd = sandbox.pagerduty.data;
      pd.schedules.find((schedule) => schedule.id === 'PAMER01')!.userIds.push('PCOKAF1');
      pd.users.push({ ...generatePagerDutyUsers(1, 'New Hire')[0], id: 'PNEWHIR', email: 'new.hire@example.com' });
      time.at('P92D');
      const report = tempReport();
      const logFrom = sandbox.gitlab.log.length;
      const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty', '--report', report], {}, time.now);
      expect(run.code).toBe(0);
      const q4Issue = sandbox.gitlab.issues().find((issue) => issue.title.endsWith('2026-Q4'))!;
      // Last quarter's issue is read with the platform, before the first write; the new issue's (no)
      // notes are not read.
      const requests = sandbox.gitlab.log.slice(logFrom).map((entry) => `${entry.method} ${entry.path}`);
      const reads = requests.slice(
        0,
        requests.findIndex((request) => !request.startsWith('GET ')),
      );
      expect(reads.filter((request) => request.endsWith('/issues/1/notes'))).toHaveLength(1);
      expect(
        requests.filter((request) => request.startsWith('GET ') && request.endsWith(`/issues/${q4Issue.iid}/notes`)),
      ).toEqual([]);
      const q4 = sandbox.gitlab.notesOf(q4Issue.iid).find((note) => note.body.includes('results'))!.body;
      expect(q4).toContain('#### Since last quarter (2026-Q3, #1)');
      expect(q4).toMatch(/- \*\*New\*\* \(1\): \*\*PD-\d+\*\*/);
      expect(q4).toMatch(/- \*\*Still present\*\* \(11\): .*\(was PD-11: intentional per `tkim`\)/);
      // The Q3 coverage gap (in August) is behind the Q4 look-ahead window.
      expect(q4).toContain('- **Resolved since** (2): PD-1 Support Manager Escalation; PD-6 Chris Okafor');

      const evidence = readReport(report);
      expect(evidence.command).toBe('open');
      const [audit] = evidence.audits;
      expect(audit.platform).toBe('pagerduty');
      expect(audit.quarter).toBe('2026-Q4');
      expect(audit.check!.findings).toHaveLength(12);
      expect(audit.items).toHaveLength(12);
      expect(audit.items.every((item) => item.pings.length === 1 && item.pings[0].step === 'ping1')).toBe(true);
      expect(audit.quarterOverQuarter).toEqual({
        previousQuarter: '2026-Q3',
        previousIssue: 1,
        new: ['pagerduty:user-not-in-roster:PNEWHIR'],
        stillPresent: expect.arrayContaining(['pagerduty:unknown-id:tkim']),
        resolved: ['pagerduty:coverage-gap:PMGRESC', 'pagerduty:missing-from-schedule:cokafor:PAMER01'],
      });
    }, new Date('2026-08-01T09:00:00Z'));
  });

  test('followup --report records replies, answers and the outcome', async () => {
    await withTimeline(async (sandbox, time) => {
      expect((await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {}, time.now)).code).toBe(0);
      time.at('PT1H');
      sandbox.gitlab.addNote(1, { author: 'tkim', body: 'PD-11 intentional: contractor' });
      sandbox.gitlab.addNote(1, { author: 'slee', body: 'PD-6 fixed' });
      time.at('PT2H');
      const report = tempReport();
      const run = await runAuditBot(sandbox, ['followup', '--report', report], {}, time.now);
      expect(run.code).toBe(0);
      const [audit] = readReport(report).audits;
      expect(audit.replies).toEqual([
        expect.objectContaining({ author: 'tkim', kind: 'intentional', ids: ['PD-11'], text: 'contractor' }),
        expect.objectContaining({ author: 'slee', kind: 'fixed', ids: ['PD-6'], text: null }),
      ]);
      const pd11 = audit.items.find((item) => item.id === 'PD-11')!;
      expect(pd11.addressed).toEqual(expect.objectContaining({ how: 'intentional', by: 'tkim', reason: 'contractor' }));
      expect(audit.items.find((item) => item.id === 'PD-6')!.addressed).toBeNull();
      expect(audit.check).toBeNull(); // nothing needed the platform: slee may not answer for PD-6
      expect(audit.outcome).toBeNull();
    });
  });
});
