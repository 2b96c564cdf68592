import type { RosterPerson } from '../../src/config/types.js';
import { pagerDutyFindings } from '../../src/platforms/pagerduty/findings.js';
import type { PagerDutySnapshot, PdUser } from '../../src/platforms/pagerduty/types.js';

let line = 1;
function person(username: string, pagerduty?: { id: string; schedules: string[] }): RosterPerson {
  const entry: RosterPerson = {
    name: username[0].toUpperCase() + username.slice(1),
    email: `${username}@example.com`,
    gitlab: { username },
    reports_to: 'msmith',
    line,
    ...(pagerduty ? { pagerduty } : {}),
  };
  line += 8;
  return entry;
}
const user = (id: string, email: string, name = id): PdUser => ({ id, name, email, role: 'user' });

const ROSTER: RosterPerson[] = [
  person('alice', { id: 'PALICE1', schedules: ['PSCHED1', 'PSCHEDX'] }),
  person('bob', { id: 'PBOB001', schedules: ['PSCHED1'] }),
  person('carol', { id: 'PCAROL1', schedules: [] }),
  person('dave', { id: 'PDAVE01', schedules: [] }),
  person('erin'),
  person('frank', { id: 'PFRANK1', schedules: ['PSCHED1'] }),
];

const SNAPSHOT: PagerDutySnapshot = {
  users: [
    user('PALICE1', 'alice@example.com'),
    user('PBOB001', 'Bob@Example.com'),
    user('PFRANK1', 'frank@example.com'),
    user('PCAROLX', 'CAROL@example.com'),
    user('PERIN01', 'erin@example.com'),
    user('PSTRANG', 'stranger@elsewhere.test', 'Stranger'),
    user('PMONBOT', 'monitor@example.com'),
    user('PNOTIFY', 'alerts@example.com'),
  ],
  schedules: [
    {
      id: 'PSCHED1',
      name: 'Support AMER',
      users: [
        { id: 'PALICE1', type: 'user_reference' },
        { id: 'PFRANK1', type: 'user_reference' },
      ],
    },
  ],
  escalationPolicies: [],
};

const CONFIG = { service_accounts: ['pmonbot', 'Alerts@Example.com'] };
const NOW = new Date('2026-11-24T09:00:00Z');

const byFingerprint = (findings: { fingerprint: string }[]) =>
  [...findings].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));

describe('pagerDutyFindings', () => {
  const findings = pagerDutyFindings(SNAPSHOT, ROSTER, CONFIG, NOW);
  const find = (fingerprint: string) => findings.find((f) => f.fingerprint === fingerprint);

  test('exactly the expected findings', () => {
    expect(findings.map((f) => f.fingerprint).sort()).toEqual([
      'pagerduty:missing-from-schedule:bob:PSCHED1',
      'pagerduty:unknown-id:carol',
      'pagerduty:unknown-id:dave',
      'pagerduty:unknown-schedule:alice:PSCHEDX',
      'pagerduty:user-not-in-roster:PERIN01',
      'pagerduty:user-not-in-roster:PSTRANG',
    ]);
    for (const f of findings) expect(f.platform).toBe('pagerduty');
  });

  test('unknown-schedule', () => {
    expect(find('pagerduty:unknown-schedule:alice:PSCHEDX')).toMatchObject({
      kind: 'unknown-schedule',
      owner: 'alice',
      subject: 'Alice',
      evidence: { rosterLine: 1, scheduleId: 'PSCHEDX' },
    });
  });

  test('missing-from-schedule', () => {
    expect(find('pagerduty:missing-from-schedule:bob:PSCHED1')).toMatchObject({
      kind: 'missing-from-schedule',
      owner: 'bob',
      evidence: { scheduleName: 'Support AMER', pagerdutyUserId: 'PBOB001' },
    });
  });

  test('a PagerDuty user with a roster email under another id is one unknown-id finding, not two', () => {
    const carol = findings.filter((f) => f.fingerprint.includes('carol') || f.fingerprint.includes('PCAROLX'));
    expect(carol).toHaveLength(1);
    expect(carol[0]).toMatchObject({
      kind: 'unknown-id',
      owner: 'carol',
      evidence: { rosterId: 'PCAROL1', pagerdutyIdForEmail: 'PCAROLX' },
    });
    expect(carol[0].detail).toContain('PCAROLX');
  });

  test('unknown-id with no user for the email', () => {
    expect(find('pagerduty:unknown-id:dave')).toMatchObject({
      kind: 'unknown-id',
      owner: 'dave',
      evidence: { pagerdutyIdForEmail: null },
    });
  });

  test('user-not-in-roster, owned when the email is a roster person', () => {
    expect(find('pagerduty:user-not-in-roster:PERIN01')).toMatchObject({ kind: 'user-not-in-roster', owner: 'erin' });
    expect(find('pagerduty:user-not-in-roster:PSTRANG')).toMatchObject({
      kind: 'user-not-in-roster',
      owner: null,
      subject: 'Stranger <stranger@elsewhere.test>',
    });
  });

  test('service accounts, by id or email in any case, suppress user-not-in-roster', () => {
    expect(findings.some((f) => f.fingerprint.includes('PMONBOT') || f.fingerprint.includes('PNOTIFY'))).toBe(false);
    const without = pagerDutyFindings(SNAPSHOT, ROSTER, { service_accounts: [] }, NOW).map((f) => f.fingerprint);
    expect(without).toEqual(
      expect.arrayContaining(['pagerduty:user-not-in-roster:PMONBOT', 'pagerduty:user-not-in-roster:PNOTIFY']),
    );
  });

  test('a clean audit has no findings', () => {
    const roster = [person('alice', { id: 'PALICE1', schedules: ['PSCHED1'] })];
    const snapshot: PagerDutySnapshot = {
      users: [user('PALICE1', 'alice@example.com')],
      schedules: [{ id: 'PSCHED1', name: 'S', users: [{ id: 'PALICE1', type: 'user_reference' }] }],
      escalationPolicies: [],
    };
    expect(pagerDutyFindings(snapshot, roster, { service_accounts: [] }, NOW)).toEqual([]);
  });

  test('fingerprints are stable and independent of input order', () => {
    const shuffled: PagerDutySnapshot = {
      users: [...SNAPSHOT.users].reverse(),
      schedules: SNAPSHOT.schedules.map((s) => ({ ...s, users: [...s.users].reverse() })),
      escalationPolicies: [],
    };
    const again = pagerDutyFindings(
      shuffled,
      [...ROSTER].reverse(),
      { service_accounts: [...CONFIG.service_accounts].reverse() },
      NOW,
    );
    expect(byFingerprint(again)).toEqual(byFingerprint(findings));
    expect(byFingerprint(pagerDutyFindings(SNAPSHOT, ROSTER, CONFIG, NOW))).toEqual(byFingerprint(findings));
  });
});
