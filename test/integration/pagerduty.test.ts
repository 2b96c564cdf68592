import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAuditBot, withSandbox } from '../helpers.js';
import { generatePagerDutyUsers } from '../../src/platforms/pagerduty/sandbox/data.js';
import type { Sandbox } from '../../src/sandbox/environment.js';
import type { Finding } from '../../src/domain/types.js';

const CHECK = ['check', '--platform', 'pagerduty', '--format', 'json'];

async function check(sandbox: Sandbox, env: Record<string, string> = {}): Promise<Finding[]> {
  const run = await runAuditBot(sandbox, CHECK, env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Finding[];
}

function configFile(...lines: string[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-pd-')), 'audit.config.yml');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const query = (entry: { query: string }) => new URLSearchParams(entry.query);

describe('the PagerDuty audit against the sandbox fake, over real HTTP', () => {
  test('every kind of finding and owner from 8 requests: users, schedules, policies, v3, one render each', async () => {
    await withSandbox(async (sandbox) => {
      const findings = await check(sandbox);
      expect(Object.fromEntries(findings.map((f) => [f.fingerprint, f.owner]))).toEqual({
        'pagerduty:coverage-gap:PMGRESC': 'som-alex', // msmith and pnair report to som-alex
        'pagerduty:dead-reference:PEPEMEA:PDELETD': 'pnair', // the EMEA engineers' manager
        'pagerduty:dead-reference:PEPFEDR:PNOSUCH': null, // pages nobody in the roster
        'pagerduty:empty-rule:PEPFEDR:PEPFEDRR2': null,
        'pagerduty:invitation-pending:POHADD1': 'ohaddad',
        'pagerduty:missing-from-schedule:cokafor:PAMER01': 'cokafor',
        'pagerduty:role-drift:PSAMLE1': 'slee',
        'pagerduty:schedule-member-not-in-roster:PAMER01:PPATDP1': 'msmith',
        'pagerduty:schedule-member-not-in-roster:PEMEA01:PDELETD': 'pnair',
        'pagerduty:single-target-policy:PEPSOLO': null, // som-alex has no manager
        'pagerduty:unknown-id:tkim': 'tkim',
        'pagerduty:user-not-in-roster:PGHOST1': null,
        'pagerduty:user-not-in-roster:PPATDP1': null,
      });
      for (const finding of findings) expect(finding.fingerprint.startsWith(`pagerduty:${finding.kind}:`)).toBe(true);

      // The fake renders the final schedule in America/New_York (-05:00): parsed as instants.
      const gap = findings.find((f) => f.kind === 'coverage-gap')!;
      expect(gap.detail).toBe(
        'Schedule PMGRESC is 92.86% covered over the next 28 days; 2 days uncovered in 1 interval: ' +
          '2026-12-03 00:00 → 12-05 00:00 UTC (2026-12-02 19:00 → 12-04 19:00 America/New_York).',
      );
      expect(gap.evidence).toMatchObject({
        renderedCoveragePercentage: 92.86,
        computedCoveragePercentage: 92.86,
        timeZone: 'America/New_York',
      });

      const log = sandbox.pagerduty.log.map((entry) => `${entry.status} ${entry.path}${entry.query}`);
      expect(log).toEqual([
        '200 /users?limit=100&offset=0&total=true',
        '200 /schedules?limit=100&offset=0',
        '200 /escalation_policies?limit=100&offset=0',
        // A policy (PEPWKND) targets a shift-based schedule: the v3 listing, then that schedule with its
        // final schedule.
        '200 /v3/schedules?limit=1000&offset=0',
        ...['PAMER01', 'PEMEA01', 'PMGRESC'].map(
          (id) => `200 /schedules/${id}?since=2026-11-24T09%3A00%3A00.000Z&until=2026-12-22T09%3A00%3A00.000Z`,
        ),
        '200 /v3/schedules/PV3WKND?since=2026-11-24T09%3A00%3A00.000Z&until=2026-12-22T09%3A00%3A00.000Z' +
          '&include%5B%5D=final_schedule',
      ]);
      // The shift-based schedule and its policy were checked and are healthy: nothing names them.
      expect(findings.filter((f) => JSON.stringify(f).match(/PV3WKND|PEPWKND/))).toEqual([]);
    });
  });

  test('a configured window and schedule list narrow the checks; an unknown configured one is reported', async () => {
    await withSandbox(async (sandbox) => {
      const config = configFile(
        'support_ops_managers: [som-alex]',
        'platforms:',
        '  pagerduty:',
        '    service_accounts: [PMONBOT]',
        '    coverage_window: P7D',
        '    schedules: [PAMER01, PNOSUCH]',
      );
      const fingerprints = (await check(sandbox, { AUDIT_CONFIG: config })).map((f) => f.fingerprint);
      expect(fingerprints).toContain('pagerduty:configured-schedule-missing:PNOSUCH');
      expect(fingerprints).toContain('pagerduty:schedule-member-not-in-roster:PAMER01:PPATDP1');
      expect(fingerprints).not.toContain('pagerduty:schedule-member-not-in-roster:PEMEA01:PDELETD');
      expect(fingerprints.filter((f) => f.includes('coverage-gap'))).toEqual([]);
      // Policies are not narrowed.
      expect(fingerprints).toContain('pagerduty:dead-reference:PEPFEDR:PNOSUCH');
      const rendered = sandbox.pagerduty.log.filter((entry) => /^\/schedules\/./.test(entry.path));
      expect(rendered.map((entry) => [entry.path, query(entry).get('until')])).toEqual([
        ['/schedules/PAMER01', '2026-12-01T09:00:00.000Z'],
      ]);
    });
  });

  test('a schedule deleted between the listing and its rendering is audited as gone, not as a failure', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.setFaultPlan((req) =>
        req.url.pathname === '/schedules/PEMEA01'
          ? { type: 'status', status: 404, body: { error: { message: 'Not Found', code: 2100 } } }
          : undefined,
      );
      const fingerprints = (await check(sandbox)).map((f) => f.fingerprint);
      expect(fingerprints).toEqual(
        expect.arrayContaining([
          'pagerduty:unknown-schedule:lfischer:PEMEA01',
          'pagerduty:unknown-schedule:ohaddad:PEMEA01',
          'pagerduty:unknown-schedule:ktanaka:PEMEA01',
          'pagerduty:dead-reference:PEPEMEA:PEMEA01',
        ]),
      );
      expect(fingerprints).not.toContain('pagerduty:schedule-member-not-in-roster:PEMEA01:PDELETD');
      expect(sandbox.pagerduty.requestsTo('/schedules/PEMEA01').map((entry) => entry.status)).toEqual([404]);
    });
  });

  test('many gaps: the finding lists a few in UTC and the schedule’s zone, the evidence all of them', async () => {
    await withSandbox(async (sandbox) => {
      // Five 6-hour holes in the EMEA rota (Europe/Berlin), on days 1, 3, 5, 7 and 9.
      const emea = sandbox.pagerduty.data.schedules.find((s) => s.id === 'PEMEA01')!;
      const day0 = Date.UTC(2026, 10, 24);
      for (let day = 1; day <= 9; day += 2) {
        const [from, to] = [day0 + day * 86_400_000, day0 + day * 86_400_000 + 6 * 3_600_000];
        emea.coverage = emea.coverage.flatMap((entry) => {
          const [start, end] = [Date.parse(entry.start), entry.end === null ? Infinity : Date.parse(entry.end)];
          if (end <= from || start >= to) return [entry];
          return [
            ...(start < from ? [{ ...entry, end: new Date(from).toISOString() }] : []),
            ...(end > to ? [{ ...entry, start: new Date(to).toISOString() }] : []),
          ];
        });
      }
      const gap = (await check(sandbox)).find((f) => f.fingerprint === 'pagerduty:coverage-gap:PEMEA01')!;
      expect(gap.owner).toBe('pnair');
      expect(gap.detail).toBe(
        'Schedule PEMEA01 is 95.54% covered over the next 28 days; 1 day 6 hours uncovered in 5 intervals: ' +
          '2026-11-25 00:00 → 06:00 UTC (2026-11-25 01:00 → 07:00 Europe/Berlin); ' +
          '2026-11-27 00:00 → 06:00 UTC (2026-11-27 01:00 → 07:00 Europe/Berlin); ' +
          '2026-11-29 00:00 → 06:00 UTC (2026-11-29 01:00 → 07:00 Europe/Berlin); 2 more in the evidence.',
      );
      const gaps = gap.evidence!.gaps as { start: string; startLocal: string }[];
      expect(gaps.map((g) => [g.start, g.startLocal])).toEqual([
        ['2026-11-25T00:00:00.000Z', '2026-11-25 01:00'],
        ['2026-11-27T00:00:00.000Z', '2026-11-27 01:00'],
        ['2026-11-29T00:00:00.000Z', '2026-11-29 01:00'],
        ['2026-12-01T00:00:00.000Z', '2026-12-01 01:00'],
        ['2026-12-03T00:00:00.000Z', '2026-12-03 01:00'],
      ]);
    });
  });
});

describe('past the 10,000 offset cap: complete, or a failure, never a partial listing', () => {
  test('10,050 more users: split by the end of the email’s local part, every user audited once', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.data.users.push(...generatePagerDutyUsers(10_050));
      const findings = await check(sandbox);
      const notInRoster = findings.filter((f) => f.kind === 'user-not-in-roster').map((f) => f.fingerprint);
      expect(notInRoster).toHaveLength(10_052);
      expect(new Set(notInRoster).size).toBe(10_052);
      expect(findings).toHaveLength(10_063);

      const users = sandbox.pagerduty.requestsTo('/users');
      expect(users.every((entry) => entry.status === 200)).toBe(true);
      expect(
        users.every((entry) => Number(query(entry).get('offset')) + Number(query(entry).get('limit')) <= 10_000),
      ).toBe(true);
      // One unfiltered page (its total says 10,062), then one filtered listing per character before "@".
      expect(query(users[0]).get('query')).toBeNull();
      expect(users.slice(1).every((entry) => /^.@$/.test(query(entry).get('query') ?? ''))).toBe(true);
      // Each digit selects ~1,005 generated users (11 pages); every other character one page.
      expect(users).toHaveLength(157);
    });
  });

  test('a partition still past the cap is split again to the left', async () => {
    await withSandbox(async (sandbox) => {
      // Every generated email's local part ends in "0": "0@" alone holds 10,050 users.
      sandbox.pagerduty.data.users.push(
        ...generatePagerDutyUsers(10_050).map((user, i) => ({ ...user, email: `oncall-${i}0@example.com` })),
      );
      const findings = await check(sandbox);
      expect(findings.filter((f) => f.kind === 'user-not-in-roster')).toHaveLength(10_052);
      const queries = sandbox.pagerduty.requestsTo('/users').map((entry) => query(entry).get('query'));
      expect(queries).toContain('0@');
      expect(queries).toContain('90@');
      expect(sandbox.pagerduty.log.every((entry) => entry.status === 200)).toBe(true);
    });
  });

  test('users sharing one local part are reached through the domain', async () => {
    await withSandbox(async (sandbox) => {
      // "a@" holds 10,050 users and no left extension reaches any of them.
      sandbox.pagerduty.data.users.push(
        ...generatePagerDutyUsers(10_050).map((user, i) => ({ ...user, email: `a@${i}.example.com` })),
      );
      const findings = await check(sandbox);
      expect(findings.filter((f) => f.kind === 'user-not-in-roster')).toHaveLength(10_052);
      const queries = sandbox.pagerduty.requestsTo('/users').map((entry) => query(entry).get('query'));
      expect(queries).toContain('a@');
      expect(queries).toContain('ba@');
      expect(queries).toContain('a@7');
    });
  });

  test('a query filter that does not narrow the listing fails the audit (exit 1): no issue, no findings', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.data.users.push(...generatePagerDutyUsers(10_050));
      const everyone = sandbox.pagerduty.data.users;
      // A PagerDuty whose `query` returns the whole account.
      sandbox.pagerduty.setFaultPlan((req) =>
        req.url.pathname === '/users' && req.url.searchParams.has('query')
          ? {
              type: 'status',
              status: 200,
              body: { users: everyone.slice(0, 100), limit: 100, offset: 0, more: true, total: everyone.length },
            }
          : undefined,
      );
      const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /pagerduty: FAILED, no findings were produced: .*the query filter does not narrow the listing/,
      );
      expect(sandbox.gitlab.issues()).toHaveLength(0);
    });
  });

  test('filtered listings that miss users (e.g. filtering names only) fail against the account’s total', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.data.users.push(...generatePagerDutyUsers(10_050));
      sandbox.pagerduty.setFaultPlan((req) =>
        req.url.pathname === '/users' && req.url.searchParams.has('query')
          ? { type: 'status', status: 200, body: { users: [], limit: 100, offset: 0, more: false, total: 0 } }
          : undefined,
      );
      const run = await runAuditBot(sandbox, CHECK);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr + run.logs).toMatch(/found 100 of the 10062 users, so the listing would be incomplete/);
    });
  });
});
