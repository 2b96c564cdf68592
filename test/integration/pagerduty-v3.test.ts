import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAuditBot, withSandbox } from '../helpers.js';
import { SANDBOX_CONFIG, SANDBOX_ROSTER, type Sandbox } from '../../src/sandbox/environment.js';
import type { Finding } from '../../src/domain/types.js';

/*
 * Shift-based (v3) schedules over real HTTP against the sandbox fake: the seed's policy PEPWKND
 * targets the v3 schedule PV3WKND (members jdoe PJDOE01 and lfischer PLFISC1, fully covered).
 */
const CHECK = ['check', '--platform', 'pagerduty', '--format', 'json'];
const DAY = 86_400_000;
const NOW = Date.parse('2026-11-24T09:00:00Z');

async function check(sandbox: Sandbox, env: Record<string, string> = {}): Promise<Finding[]> {
  const run = await runAuditBot(sandbox, CHECK, env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Finding[];
}

function tempFile(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-pd-v3-')), name);
  fs.writeFileSync(file, text);
  return file;
}

const v3Requests = (sandbox: Sandbox) => sandbox.pagerduty.requestsTo('/v3/');
const baseline = [
  'pagerduty:coverage-gap:PMGRESC',
  'pagerduty:dead-reference:PEPEMEA:PDELETD',
  'pagerduty:dead-reference:PEPFEDR:PNOSUCH',
  'pagerduty:empty-rule:PEPFEDR:PEPFEDRR2',
  'pagerduty:invitation-pending:POHADD1',
  'pagerduty:missing-from-schedule:cokafor:PAMER01',
  'pagerduty:role-drift:PSAMLE1',
  'pagerduty:schedule-member-not-in-roster:PAMER01:PPATDP1',
  'pagerduty:schedule-member-not-in-roster:PEMEA01:PDELETD',
  'pagerduty:single-target-policy:PEPSOLO',
  'pagerduty:unknown-id:tkim',
  'pagerduty:user-not-in-roster:PGHOST1',
  'pagerduty:user-not-in-roster:PPATDP1',
];

describe('shift-based (v3) schedules in the PagerDuty audit', () => {
  test("a v3 schedule as a policy's sole target, no loops: true single-target finding, no dead reference", async () => {
    await withSandbox(async (sandbox) => {
      const policy = sandbox.pagerduty.data.escalationPolicies.find((p) => p.id === 'PEPWKND')!;
      policy.num_loops = 0;
      policy.rules = policy.rules.slice(0, 1);
      const findings = await check(sandbox);
      const fingerprints = findings.map((f) => f.fingerprint).sort();
      expect(fingerprints).toEqual([...baseline, 'pagerduty:single-target-policy:PEPWKND'].sort());
      const single = findings.find((f) => f.fingerprint === 'pagerduty:single-target-policy:PEPWKND')!;
      expect(single.evidence).toMatchObject({ target: 'schedule:PV3WKND' });
      // jdoe reports to msmith, lfischer to pnair: no shared manager.
      expect(single.owner).toBeNull();
    });
  });

  test('a v3 schedule’s missing roster person, stray members and coverage gap: found as for v2', async () => {
    await withSandbox(async (sandbox) => {
      const rota = sandbox.pagerduty.data.v3Schedules!.find((s) => s.id === 'PV3WKND')!;
      rota.rotations[0].events[0].memberIds.push('PPATDP1', 'PDELETD');
      // A former member on an event that ended before the window is no longer on the rota.
      rota.rotations[0].events.push({
        id: 'OLD',
        name: 'Old',
        memberIds: ['PGHOST1'],
        effective_since: '2026-01-01T00:00:00Z',
        effective_until: '2026-06-01T00:00:00Z',
      });
      // Day +3 to +4 nobody; day +5 to +6 an empty_member slot (intentionally unassigned: still uncovered).
      rota.coverage = [
        { start: new Date(NOW - DAY).toISOString(), end: new Date(NOW + 3 * DAY).toISOString(), userId: 'PJDOE01' },
        { start: new Date(NOW + 4 * DAY).toISOString(), end: new Date(NOW + 5 * DAY).toISOString(), userId: 'PLFISC1' },
        { start: new Date(NOW + 5 * DAY).toISOString(), end: new Date(NOW + 6 * DAY).toISOString(), userId: null },
        { start: new Date(NOW + 6 * DAY).toISOString(), end: null, userId: 'PJDOE01' },
      ];
      const roster = fs
        .readFileSync(SANDBOX_ROSTER, 'utf8')
        .replace(
          'pagerduty: { id: PSAMLE1, schedules: [PAMER01] }',
          'pagerduty: { id: PSAMLE1, schedules: [PAMER01, PV3WKND] }',
        );
      const findings = await check(sandbox, { AUDIT_ROSTER: tempFile('roster.yml', roster) });
      const added = findings.filter((f) => !baseline.includes(f.fingerprint));
      expect(Object.fromEntries(added.map((f) => [f.fingerprint, f.owner]))).toEqual({
        'pagerduty:missing-from-schedule:slee:PV3WKND': 'slee',
        'pagerduty:schedule-member-not-in-roster:PV3WKND:PPATDP1': null,
        'pagerduty:schedule-member-not-in-roster:PV3WKND:PDELETD': null,
        'pagerduty:coverage-gap:PV3WKND': null,
      });
      const gap = added.find((f) => f.kind === 'coverage-gap')!;
      expect(gap.evidence).toMatchObject({
        renderedCoveragePercentage: 92.86,
        computedCoveragePercentage: 92.86,
        timeZone: 'Europe/Berlin',
      });
      expect((gap.evidence!.gaps as { start: string; end: string }[]).map((g) => [g.start, g.end])).toEqual([
        [new Date(NOW + 3 * DAY).toISOString(), new Date(NOW + 4 * DAY).toISOString()],
        [new Date(NOW + 5 * DAY).toISOString(), new Date(NOW + 6 * DAY).toISOString()],
      ]);
      expect(added.find((f) => f.fingerprint === 'pagerduty:missing-from-schedule:slee:PV3WKND')!.detail).toBe(
        'Not on schedule "Support Weekend On-Call (shift-based)" (PV3WKND), which the roster expects: ' +
          'ask Support Ops (a PagerDuty admin) to add you to it, or correct pagerduty.schedules in your roster entry.',
      );
    });
  });

  test('a v2 rendered entry with a null end covers to the end of the window', async () => {
    await withSandbox(async (sandbox) => {
      const managers = sandbox.pagerduty.data.schedules.find((s) => s.id === 'PMGRESC')!;
      // From the seeded gap on (day +9, UTC midnight), the rota never ends.
      const gapStart = Date.UTC(2026, 10, 24) + 9 * DAY;
      managers.coverage = [
        ...managers.coverage.filter((entry) => entry.end !== null && Date.parse(entry.end) <= gapStart),
        { start: new Date(gapStart).toISOString(), end: null, userId: 'PMSMTH1' },
      ];
      const fingerprints = (await check(sandbox)).map((f) => f.fingerprint);
      expect(fingerprints).not.toContain('pagerduty:coverage-gap:PMGRESC');
      expect(fingerprints).toHaveLength(baseline.length - 1);
    });
  });

  test('a v3 listing that fails fails the check: no findings, exit 1', async () => {
    for (const fault of [
      { type: 'status', status: 403, body: { error: { message: 'Forbidden', code: 2010 } } } as const,
      { type: 'status', status: 404, body: { error: { message: 'Not Found', code: 2100 } } } as const,
      { type: 'status', status: 200, body: { limit: 1000, offset: 0, more: false } } as const,
      { type: 'status', status: 500 } as const,
    ]) {
      await withSandbox(async (sandbox) => {
        sandbox.pagerduty.setFaultPlan((req) => (req.url.pathname === '/v3/schedules' ? fault : undefined));
        const run = await runAuditBot(sandbox, CHECK);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr + run.logs).toMatch(/v3\/schedules/);
      });
    }
  });

  test('a v3 schedule that cannot be read (403), or a second page that fails, fails the check', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.setFaultPlan((req) =>
        req.url.pathname === '/v3/schedules/PV3WKND'
          ? { type: 'status', status: 403, body: { error: { message: 'Forbidden', code: 2010 } } }
          : undefined,
      );
      const run = await runAuditBot(sandbox, CHECK);
      expect([run.code, run.stdout]).toEqual([1, '']);
    });
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.data.v3Schedules!.push(
        ...Array.from({ length: 1000 }, (_, i) => ({
          id: `PV3X${String(i).padStart(3, '0')}`,
          name: `Extra rota ${i}`,
          time_zone: 'UTC',
          rotations: [],
          coverage: [],
        })),
      );
      sandbox.pagerduty.setFaultPlan((req) =>
        req.url.pathname === '/v3/schedules' && req.url.searchParams.get('offset') === '1000'
          ? { type: 'status', status: 200, body: { limit: 1000, offset: 1000, more: true, schedules: [] } }
          : undefined,
      );
      const run = await runAuditBot(sandbox, CHECK);
      expect([run.code, run.stdout]).toEqual([1, '']);
      expect(run.stderr + run.logs).toMatch(/more items follow offset 1000 but sent none/);
    });
  });

  test('every page of the v3 listing is read (1,001 schedules: 2 pages of up to 1000), each one audited', async () => {
    await withSandbox(async (sandbox) => {
      sandbox.pagerduty.data.v3Schedules!.push(
        ...Array.from({ length: 1000 }, (_, i) => ({
          id: `PV3X${String(i).padStart(3, '0')}`,
          name: `Extra rota ${String(i).padStart(3, '0')}`,
          time_zone: 'UTC',
          rotations: [],
          coverage: [],
        })),
      );
      const findings = await check(sandbox);
      const listing = sandbox.pagerduty.requestsTo('/v3/schedules').filter((entry) => entry.path === '/v3/schedules');
      expect(listing.map((entry) => entry.query)).toEqual(['?limit=1000&offset=0', '?limit=1000&offset=1000']);
      // Each extra rota is empty: 0 % covered.
      expect(
        findings.filter((f) => f.kind === 'coverage-gap' && f.fingerprint.startsWith('pagerduty:coverage-gap:PV3X')),
      ).toHaveLength(1000);
      expect(findings.some((f) => f.fingerprint.includes('PV3WKND'))).toBe(false);
    });
  });

  test('accounts that do not use v3 schedules: no v3 request, or a 404/403 on the listing is no failure', async () => {
    await withSandbox(async (sandbox) => {
      const pd = sandbox.pagerduty.data;
      pd.escalationPolicies = pd.escalationPolicies.filter((p) => p.id !== 'PEPWKND');
      pd.v3Schedules = [];
      expect((await check(sandbox)).map((f) => f.fingerprint).sort()).toEqual(baseline);
      // Nothing points at a schedule v2 lacks but PEPFEDR's schedule_reference PNOSUCH: no v3 request at all.
      expect(v3Requests(sandbox)).toEqual([]);
    });
    for (const status of [403, 404]) {
      await withSandbox(async (sandbox) => {
        const pd = sandbox.pagerduty.data;
        pd.escalationPolicies = pd.escalationPolicies.filter((p) => p.id !== 'PEPWKND');
        sandbox.pagerduty.setFaultPlan((req) =>
          req.url.pathname.startsWith('/v3/')
            ? { type: 'status', status, body: { error: { message: 'Forbidden', code: 2010 } } }
            : undefined,
        );
        // A configured schedule v2 lacks: the v3 listing is asked, answers 403/404, and the id is reported missing.
        const config = fs
          .readFileSync(SANDBOX_CONFIG, 'utf8')
          .replace(/\n {2}pagerduty:\n/, '\n  pagerduty:\n    schedules: [PAMER01, PNOSUCH]\n');
        const fingerprints = (await check(sandbox, { AUDIT_CONFIG: tempFile('audit.config.yml', config) })).map(
          (f) => f.fingerprint,
        );
        expect(fingerprints).toContain('pagerduty:configured-schedule-missing:PNOSUCH');
        expect(v3Requests(sandbox).map((entry) => `${entry.status} ${entry.path}`)).toEqual([
          `${status} /v3/schedules`,
        ]);
      });
    }
  });

  test("a configured v3 schedule narrows the list; a roster's v3 schedule is read even when narrowed out", async () => {
    await withSandbox(async (sandbox) => {
      const config = fs
        .readFileSync(SANDBOX_CONFIG, 'utf8')
        .replace(/\n {2}pagerduty:\n/, '\n  pagerduty:\n    schedules: [PV3WKND]\n');
      const fingerprints = (await check(sandbox, { AUDIT_CONFIG: tempFile('audit.config.yml', config) })).map(
        (f) => f.fingerprint,
      );
      expect(fingerprints.filter((f) => f.includes('PV3WKND') || f.includes('configured-schedule-missing'))).toEqual(
        [],
      );
      expect(sandbox.pagerduty.requestsTo('/schedules/')).toEqual([]);
      expect(v3Requests(sandbox).map((entry) => entry.path)).toEqual(['/v3/schedules', '/v3/schedules/PV3WKND']);
    });
    await withSandbox(async (sandbox) => {
      // Narrowed to PAMER01, no policy targeting PV3WKND, but slee's roster entry lists it.
      const pd = sandbox.pagerduty.data;
      pd.escalationPolicies = pd.escalationPolicies.filter((p) => p.id !== 'PEPWKND');
      const config = fs
        .readFileSync(SANDBOX_CONFIG, 'utf8')
        .replace(/\n {2}pagerduty:\n/, '\n  pagerduty:\n    schedules: [PAMER01]\n');
      const roster = fs
        .readFileSync(SANDBOX_ROSTER, 'utf8')
        .replace(
          'pagerduty: { id: PSAMLE1, schedules: [PAMER01] }',
          'pagerduty: { id: PSAMLE1, schedules: [PAMER01, PV3WKND] }',
        );
      const fingerprints = (
        await check(sandbox, {
          AUDIT_CONFIG: tempFile('audit.config.yml', config),
          AUDIT_ROSTER: tempFile('roster.yml', roster),
        })
      ).map((f) => f.fingerprint);
      expect(fingerprints.filter((f) => f.includes('PV3WKND'))).toEqual([
        'pagerduty:missing-from-schedule:slee:PV3WKND',
      ]);
      expect(v3Requests(sandbox).map((entry) => entry.path)).toEqual(['/v3/schedules', '/v3/schedules/PV3WKND']);
    });
  });
});
