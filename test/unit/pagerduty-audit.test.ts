import type { RosterPerson } from '../../src/config/types.js';
import type { Finding } from '../../src/domain/types.js';
import {
  MAX_GAPS_IN_DETAIL,
  pagerDutyFindings,
  type PagerDutyAuditSettings,
} from '../../src/platforms/pagerduty/findings.js';
import type {
  PagerDutySnapshot,
  PdCoverage,
  PdEscalationPolicy,
  PdSchedule,
  PdUser,
} from '../../src/platforms/pagerduty/types.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const H = 3600 * 1000;
const DAY = 24 * H;
const T0 = NOW.getTime();

let line = 1;
function person(username: string, reportsTo: string | null, pagerduty?: RosterPerson['pagerduty']): RosterPerson {
  const entry: RosterPerson = {
    name: username,
    email: `${username}@example.com`,
    gitlab: { username },
    reports_to: reportsTo,
    line,
    ...(pagerduty ? { pagerduty } : {}),
  };
  line += 6;
  return entry;
}
const user = (id: string, email: string, extra: Partial<PdUser> = {}): PdUser => ({
  id,
  name: id,
  email,
  role: 'user',
  invitation_sent: false,
  ...extra,
});
const ref = (id: string, type = 'user_reference') => ({ id, type });
const schedule = (id: string, members: string[], extra: Partial<PdSchedule> = {}): PdSchedule => ({
  id,
  name: `Schedule ${id}`,
  time_zone: 'UTC',
  users: members.map((m) => ref(m)),
  ...extra,
});
const policy = (
  id: string,
  loops: number,
  rules: { id?: string; targets: { id: string; type: string }[] }[],
): PdEscalationPolicy => ({
  id,
  name: `Policy ${id}`,
  num_loops: loops,
  escalation_rules: rules.map((rule, index) => ({
    id: rule.id ?? `${id}R${index + 1}`,
    escalation_delay_in_minutes: 30,
    targets: rule.targets,
  })),
});
const covered = (scheduleId: string, stretches: [number, number][], extra: Partial<PdCoverage> = {}): PdCoverage => ({
  scheduleId,
  since: NOW.toISOString(),
  until: new Date(T0 + 28 * DAY).toISOString(),
  timeZone: 'UTC',
  percentage: null,
  entries: stretches.map(([from, to]) => ({
    start: new Date(T0 + from).toISOString(),
    end: new Date(T0 + to).toISOString(),
  })),
  ...extra,
});

// som (no manager) manages mgr-a and mgr-b; a1, a2 report to mgr-a; b1 to mgr-b.
const ROSTER: RosterPerson[] = [
  person('som', null, { id: 'PSOM001', schedules: [], role: 'owner' }),
  person('mgr-a', 'som', { id: 'PMGRA01', schedules: [] }),
  person('mgr-b', 'som', { id: 'PMGRB01', schedules: [] }),
  person('a1', 'mgr-a', { id: 'PA10001', schedules: ['PSCHA01'] }),
  person('a2', 'mgr-a', { id: 'PA20001', schedules: ['PSCHA01'], role: 'user' }),
  person('b1', 'mgr-b', { id: 'PB10001', schedules: ['PSCHB01'], role: 'admin' }),
];

const USERS: PdUser[] = [
  user('PSOM001', 'som@example.com', { role: 'owner' }),
  user('PMGRA01', 'mgr-a@example.com', { role: 'admin' }), // no roster role, on the admin allow-list by email
  user('PMGRB01', 'mgr-b@example.com'),
  user('PA10001', 'a1@example.com', { role: 'admin' }), // no roster role, not allow-listed: drift
  user('PA20001', 'a2@example.com', { role: 'limited_user' }), // roster says user: drift
  user('PB10001', 'b1@example.com', { role: 'admin', invitation_sent: true }), // roster says admin; invitation pending
  user('PLEFT01', 'left@example.com', { name: 'Left Person', invitation_sent: true }), // departed, still on a rota
  user('PBOT001', 'bot@example.com', { role: 'admin' }), // service account with admin: drift
  user('PBOT002', 'bot2@example.com', { invitation_sent: true }), // service account never activated
];

const SCHEDULES: PdSchedule[] = [
  schedule('PSCHA01', ['PA10001', 'PA20001', 'PLEFT01', 'PGONE01'], { time_zone: 'America/New_York' }),
  schedule('PSCHB01', ['PB10001', 'PBOT001']),
  schedule('PSCHM01', ['PMGRA01', 'PMGRB01', 'PSOM001']),
];

const POLICIES: PdEscalationPolicy[] = [
  policy('PEPOK01', 2, [{ targets: [ref('PSCHA01', 'schedule_reference')] }, { targets: [ref('PMGRA01')] }]),
  policy('PEPDEAD', 1, [
    { targets: [ref('PSCHA01', 'schedule_reference'), ref('PGONE01')] },
    { targets: [ref('PNOSCHD', 'schedule_reference')] },
    { id: 'PEPDEADR3', targets: [] },
  ]),
  policy('PEPSOLO', 0, [{ targets: [ref('PSCHB01', 'schedule_reference')] }]),
  policy('PEPTWIC', 0, [
    { targets: [ref('PSCHB01', 'schedule_reference')] },
    { targets: [ref('PSCHB01', 'schedule_reference')] },
  ]),
  policy('PEPTWO1', 0, [{ targets: [ref('PSCHB01', 'schedule_reference'), ref('PMGRB01')] }]),
];

const SNAPSHOT: PagerDutySnapshot = {
  users: USERS,
  schedules: SCHEDULES,
  escalationPolicies: POLICIES,
  coverage: [
    // Gaps: day 2 00:00–06:00 and day 10–12 (PSCHA01, New York time), none for the others.
    covered(
      'PSCHA01',
      [
        [0, 2 * DAY],
        [2 * DAY + 6 * H, 10 * DAY],
        [12 * DAY, 28 * DAY],
      ],
      { timeZone: 'America/New_York', percentage: 91.96 },
    ),
    covered('PSCHB01', [[-DAY, 30 * DAY]], { percentage: 100 }),
    covered('PSCHM01', [[0, 28 * DAY]], { percentage: 100 }),
  ],
};

const SETTINGS: PagerDutyAuditSettings = {
  service_accounts: ['PBOT001', 'BOT2@example.com'],
  admin_allow_list: ['Mgr-A@Example.com'],
  coverage_window: 'P28D',
};

const audit = (snapshot = SNAPSHOT, settings = SETTINGS, roster = ROSTER) =>
  pagerDutyFindings(snapshot, roster, settings, NOW);
const byFingerprint = (findings: Finding[]) => new Map(findings.map((finding) => [finding.fingerprint, finding]));

describe('pagerDutyFindings: the full audit', () => {
  const findings = audit();
  const find = (fingerprint: string) => byFingerprint(findings).get(fingerprint);

  test('exactly the expected findings, each once', () => {
    expect(findings.map((f) => f.fingerprint).sort()).toEqual([
      'pagerduty:coverage-gap:PSCHA01',
      'pagerduty:dead-reference:PEPDEAD:PGONE01',
      'pagerduty:dead-reference:PEPDEAD:PNOSCHD',
      'pagerduty:empty-rule:PEPDEAD:PEPDEADR3',
      'pagerduty:invitation-pending:PB10001',
      'pagerduty:invitation-pending:PBOT002',
      'pagerduty:role-drift:PA10001',
      'pagerduty:role-drift:PA20001',
      'pagerduty:role-drift:PBOT001',
      'pagerduty:schedule-member-not-in-roster:PSCHA01:PGONE01',
      'pagerduty:schedule-member-not-in-roster:PSCHA01:PLEFT01',
      'pagerduty:single-target-policy:PEPSOLO',
      'pagerduty:single-target-policy:PEPTWIC',
      'pagerduty:user-not-in-roster:PLEFT01',
    ]);
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
  });

  test('role drift: a roster role must match; else admin/owner needs the allow-list (by id or email, any case)', () => {
    expect(find('pagerduty:role-drift:PA20001')).toMatchObject({
      owner: 'a2',
      evidence: { role: 'limited_user', expectedRole: 'user' },
    });
    expect(find('pagerduty:role-drift:PA20001')!.detail).toContain('the roster says user');
    expect(find('pagerduty:role-drift:PA10001')).toMatchObject({
      owner: 'a1',
      evidence: { role: 'admin', expectedRole: null },
    });
    expect(find('pagerduty:role-drift:PBOT001')).toMatchObject({ owner: null, subject: 'PBOT001 <bot@example.com>' });
    // som is owner as the roster says; b1 is admin as the roster says; mgr-a is allow-listed.
    for (const id of ['PSOM001', 'PB10001', 'PMGRA01']) expect(find(`pagerduty:role-drift:${id}`)).toBeUndefined();
    const byId = audit(SNAPSHOT, { ...SETTINGS, admin_allow_list: ['PA10001'] });
    expect(byId.some((f) => f.fingerprint === 'pagerduty:role-drift:PA10001')).toBe(false);
    expect(byId.some((f) => f.fingerprint === 'pagerduty:role-drift:PMGRA01')).toBe(true);
  });

  test('invitations never accepted: roster people, service accounts; a non-roster user: one finding saying so', () => {
    expect(find('pagerduty:invitation-pending:PB10001')).toMatchObject({
      kind: 'invitation-pending',
      owner: 'b1',
      subject: 'b1',
    });
    expect(find('pagerduty:invitation-pending:PBOT002')).toMatchObject({ owner: null });
    expect(find('pagerduty:invitation-pending:PLEFT01')).toBeUndefined();
    expect(find('pagerduty:user-not-in-roster:PLEFT01')!.detail).toContain('(invited, never activated)');
  });

  test("non-roster schedule members (departed, deleted), owned by the others' manager; service accounts exempt", () => {
    expect(find('pagerduty:schedule-member-not-in-roster:PSCHA01:PLEFT01')).toMatchObject({
      owner: 'mgr-a',
      subject: 'Schedule PSCHA01',
      evidence: { exists: true, pagerdutyUserId: 'PLEFT01' },
    });
    expect(find('pagerduty:schedule-member-not-in-roster:PSCHA01:PLEFT01')!.detail).toContain(
      'Left Person (PLEFT01), who is not in the roster',
    );
    expect(find('pagerduty:schedule-member-not-in-roster:PSCHA01:PGONE01')!.detail).toContain(
      'no longer exists in PagerDuty',
    );
    expect(find('pagerduty:schedule-member-not-in-roster:PSCHB01:PBOT001')).toBeUndefined();
  });

  test("coverage: gaps in UTC and the schedule's zone, owned by the members' manager, all in the evidence", () => {
    const gap = find('pagerduty:coverage-gap:PSCHA01')!;
    expect(gap).toMatchObject({ kind: 'coverage-gap', owner: 'mgr-a', subject: 'Schedule PSCHA01' });
    expect(gap.detail).toBe(
      'Schedule PSCHA01 is 91.96% covered over the next 28 days; 2 days 6 hours uncovered in 2 intervals: ' +
        '2026-11-26 09:00 → 15:00 UTC (2026-11-26 04:00 → 10:00 America/New_York); ' +
        '2026-12-04 09:00 → 12-06 09:00 UTC (2026-12-04 04:00 → 12-06 04:00 America/New_York).',
    );
    expect(gap.evidence).toMatchObject({
      scheduleId: 'PSCHA01',
      timeZone: 'America/New_York',
      since: '2026-11-24T09:00:00.000Z',
      until: '2026-12-22T09:00:00.000Z',
      renderedCoveragePercentage: 91.96,
      computedCoveragePercentage: 91.96,
      gaps: [
        {
          start: '2026-11-26T09:00:00.000Z',
          end: '2026-11-26T15:00:00.000Z',
          startLocal: '2026-11-26 04:00',
          endLocal: '2026-11-26 10:00',
          minutes: 360,
        },
        {
          start: '2026-12-04T09:00:00.000Z',
          end: '2026-12-06T09:00:00.000Z',
          startLocal: '2026-12-04 04:00',
          endLocal: '2026-12-06 04:00',
          minutes: 2880,
        },
      ],
    });
  });

  test('a long gap list stays readable: a few intervals in the detail, under 400 characters, all in evidence', () => {
    // 40 one-hour gaps, one a day, in a zone with a long name.
    const stretches: [number, number][] = Array.from({ length: 40 }, (_, i) => [i * 16 * H, (i + 1) * 16 * H - H]);
    stretches.push([40 * 16 * H, 28 * DAY]);
    const snapshot = {
      ...SNAPSHOT,
      coverage: [covered('PSCHM01', stretches, { timeZone: 'America/Argentina/ComodRivadavia' })],
    };
    const gap = audit(snapshot).find((f) => f.kind === 'coverage-gap')!;
    expect(gap.fingerprint).toBe('pagerduty:coverage-gap:PSCHM01');
    expect(gap.owner).toBe('som'); // mgr-a and mgr-b report to som; som has no manager
    expect(gap.detail.length).toBeLessThanOrEqual(400);
    expect(gap.detail).toMatch(/uncovered in 40 intervals: .* \d+ more in the evidence\.$/);
    expect(gap.detail.split(' → ').length - 1).toBeLessThanOrEqual(2 * MAX_GAPS_IN_DETAIL);
    expect((gap.evidence!.gaps as unknown[]).length).toBe(40);
  });

  test("window from the settings: a gap beyond it is no finding; PagerDuty's < 100 % is trusted without a gap", () => {
    expect(audit(SNAPSHOT, { ...SETTINGS, coverage_window: 'P1D' }).some((f) => f.kind === 'coverage-gap')).toBe(false);
    const odd = { ...SNAPSHOT, coverage: [covered('PSCHM01', [[0, 28 * DAY]], { percentage: 99.5 })] };
    const finding = audit(odd).find((f) => f.kind === 'coverage-gap')!;
    expect(finding.detail).toContain('99.5% covered');
    expect(finding.detail).toContain('its rendered entries show no uncovered interval');
  });

  test('escalation policies: dead references, empty rules, one target and no loops; owned via the people paged', () => {
    expect(find('pagerduty:dead-reference:PEPDEAD:PGONE01')).toMatchObject({
      kind: 'dead-reference',
      owner: 'mgr-a',
      subject: 'Policy PEPDEAD',
    });
    // Rule 1 still has PSCHA01.
    expect(find('pagerduty:dead-reference:PEPDEAD:PGONE01')!.detail).not.toContain('pages nobody');
    expect(find('pagerduty:dead-reference:PEPDEAD:PNOSCHD')!.detail).toBe(
      'Escalation policy PEPDEAD, rule 2 targets schedule PNOSCHD, which no longer exists: the rule pages nobody. ' +
        'Replace or remove the target (or ask Support Ops, PagerDuty admins, to).',
    );
    expect(find('pagerduty:empty-rule:PEPDEAD:PEPDEADR3')).toMatchObject({ kind: 'empty-rule', evidence: { rule: 3 } });
    expect(find('pagerduty:single-target-policy:PEPSOLO')).toMatchObject({
      owner: 'mgr-b',
      evidence: { target: 'schedule:PSCHB01', numLoops: 0 },
    });
    // The same schedule in two rules is still one target; two targets, or loops, are fine.
    expect(find('pagerduty:single-target-policy:PEPTWIC')).toBeDefined();
    expect(find('pagerduty:single-target-policy:PEPTWO1')).toBeUndefined();
    expect(find('pagerduty:single-target-policy:PEPOK01')).toBeUndefined();
  });

  test('owners: people with different managers share none (null, the Support Ops Managers)', () => {
    const mixed = {
      ...SNAPSHOT,
      escalationPolicies: [policy('PEPMIX1', 1, [{ targets: [ref('PA10001'), ref('PB10001'), ref('PGONE01')] }])],
    };
    expect(audit(mixed).find((f) => f.fingerprint === 'pagerduty:dead-reference:PEPMIX1:PGONE01')!.owner).toBeNull();
  });

  test('a configured schedule list narrows the schedule checks; a configured id PagerDuty lacks is a finding', () => {
    const narrowed = audit(SNAPSHOT, { ...SETTINGS, schedules: ['PSCHB01', 'PMISSNG'] });
    const kinds = narrowed.map((f) => f.fingerprint);
    expect(kinds.filter((f) => f.includes('coverage-gap') || f.includes('schedule-member'))).toEqual([]);
    expect(narrowed.find((f) => f.kind === 'configured-schedule-missing')).toMatchObject({
      fingerprint: 'pagerduty:configured-schedule-missing:PMISSNG',
      owner: null,
    });
    // Policy and user checks are not narrowed.
    expect(kinds).toContain('pagerduty:dead-reference:PEPDEAD:PGONE01');
    expect(kinds).toContain('pagerduty:role-drift:PA10001');
  });

  test('fingerprints are stable: independent of the order of users, members, policies and gaps', () => {
    const shuffled: PagerDutySnapshot = {
      users: [...USERS].reverse(),
      schedules: SCHEDULES.map((s) => ({ ...s, users: [...s.users].reverse() })).reverse(),
      escalationPolicies: [...POLICIES].reverse(),
      coverage: SNAPSHOT.coverage!.map((c) => ({ ...c, entries: [...c.entries].reverse() })).reverse(),
    };
    const sorted = (list: Finding[]) => [...list].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
    expect(sorted(audit(shuffled, SETTINGS, [...ROSTER].reverse()))).toEqual(sorted(findings));
  });
});

describe('shift-based (v3) schedules are audited like v2 ones', () => {
  // PV3SCHD: a1 and a2 (roster), PLEFT01 (departed) and PGONE01 (deleted); b1's roster lists it but b1 is not on it.
  const v3 = schedule('PV3SCHD', ['PA10001', 'PA20001', 'PLEFT01', 'PGONE01'], {
    api: 'v3',
    time_zone: 'Europe/Berlin',
  });
  const roster = ROSTER.map((p) =>
    p.gitlab.username === 'b1' ? { ...p, pagerduty: { ...p.pagerduty!, schedules: ['PSCHB01', 'PV3SCHD'] } } : p,
  );
  const v3Target = ref('PV3SCHD', 'schedule_v3_reference');
  const snapshot: PagerDutySnapshot = {
    ...SNAPSHOT,
    schedules: [...SCHEDULES, v3],
    escalationPolicies: [
      ...POLICIES,
      policy('PEPV3OK', 1, [{ targets: [v3Target] }]),
      policy('PEPV3MIX', 0, [{ targets: [v3Target, ref('PMGRA01')] }]),
      policy('PEPV3ONE', 0, [{ targets: [v3Target] }]),
      policy('PEPV3DED', 1, [{ targets: [ref('PV3GONE', 'schedule_v3_reference')] }, { targets: [ref('PMGRA01')] }]),
    ],
    coverage: [
      ...SNAPSHOT.coverage!,
      covered(
        'PV3SCHD',
        [
          [0, 3 * DAY],
          [4 * DAY, 28 * DAY],
        ],
        { timeZone: 'Europe/Berlin', percentage: 96.43 },
      ),
    ],
  };
  const findings = audit(snapshot, SETTINGS, roster);
  const fingerprints = findings.map((f) => f.fingerprint);
  const added = fingerprints.filter((f) => !audit().some((base) => base.fingerprint === f));

  test('a policy targeting a v3 schedule: no dead reference, live target; a true single target is still found', () => {
    expect(added.filter((f) => f.includes('PEPV3'))).toEqual([
      'pagerduty:single-target-policy:PEPV3ONE',
      'pagerduty:dead-reference:PEPV3DED:PV3GONE',
    ]);
    const single = findings.find((f) => f.fingerprint === 'pagerduty:single-target-policy:PEPV3ONE')!;
    expect(single.evidence).toMatchObject({ target: 'schedule:PV3SCHD' });
    // The people it pages are the v3 schedule's members: a1 and a2 share mgr-a.
    expect(single.owner).toBe('mgr-a');
  });

  test('a v3 schedule’s missing roster person, stray members and coverage gap: the v2 kinds and fingerprints', () => {
    expect(added.filter((f) => !f.includes('PEPV3')).sort()).toEqual([
      'pagerduty:coverage-gap:PV3SCHD',
      'pagerduty:missing-from-schedule:b1:PV3SCHD',
      'pagerduty:schedule-member-not-in-roster:PV3SCHD:PGONE01',
      'pagerduty:schedule-member-not-in-roster:PV3SCHD:PLEFT01',
    ]);
    const gap = findings.find((f) => f.fingerprint === 'pagerduty:coverage-gap:PV3SCHD')!;
    expect(gap.owner).toBe('mgr-a');
    expect(gap.detail).toContain(
      '1 day uncovered in 1 interval: 2026-11-27 09:00 → 11-28 09:00 UTC ' +
        '(2026-11-27 10:00 → 11-28 10:00 Europe/Berlin)',
    );
  });

  test('a v3 schedule narrowed out of the schedule checks still counts for the policies and the roster', () => {
    const narrowed = audit(snapshot, { ...SETTINGS, schedules: ['PSCHB01'] }, roster).map((f) => f.fingerprint);
    expect(narrowed).toContain('pagerduty:missing-from-schedule:b1:PV3SCHD');
    expect(narrowed).not.toContain('pagerduty:coverage-gap:PV3SCHD');
    expect(narrowed.filter((f) => f.startsWith('pagerduty:schedule-member-not-in-roster:PV3SCHD'))).toEqual([]);
    expect(narrowed).not.toContain('pagerduty:dead-reference:PEPV3OK:PV3SCHD');
  });
});

describe('rendered entries whose end is null never end', () => {
  const open = (scheduleId: string, from: number): PdCoverage => ({
    ...covered(scheduleId, []),
    entries: [{ start: new Date(T0 + from).toISOString(), end: null }],
  });

  test('an entry with a null end covers to the end of the window (no gap, no failure)', () => {
    const snapshot = {
      ...SNAPSHOT,
      coverage: [covered('PSCHA01', [[0, 28 * DAY]]), open('PSCHB01', -DAY), covered('PSCHM01', [[0, 28 * DAY]])],
    };
    expect(audit(snapshot).filter((f) => f.kind === 'coverage-gap')).toEqual([]);
  });

  test('an open entry that starts late leaves only the time before it uncovered', () => {
    const snapshot = {
      ...SNAPSHOT,
      coverage: [covered('PSCHA01', [[0, 28 * DAY]]), open('PSCHB01', 20 * DAY), covered('PSCHM01', [[0, 28 * DAY]])],
    };
    const gap = audit(snapshot).find((f) => f.fingerprint === 'pagerduty:coverage-gap:PSCHB01')!;
    expect(gap.evidence!.gaps).toEqual([
      expect.objectContaining({ start: NOW.toISOString(), end: new Date(T0 + 20 * DAY).toISOString() }),
    ]);
  });
});
