import type { RosterPerson } from '../../src/config/types.js';
import type { CalendlyRole } from '../../src/platforms/calendly/roster.js';
import { calendlyFindings, normalizeName } from '../../src/platforms/calendly/findings.js';
import type { CalendlyInvitation, CalendlyMembership } from '../../src/platforms/calendly/types.js';
import { uuidOf } from '../../src/platforms/calendly/types.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const API = 'https://api.calendly.com';
const ORG = `${API}/organizations/ORG1`;

let line = 1;
function person(
  username: string,
  name: string,
  options: { email?: string; calendly?: { email: string; role: CalendlyRole }; reports_to?: string | null } = {},
): RosterPerson {
  const entry: RosterPerson = {
    name,
    email: options.email ?? `${username}@example.com`,
    gitlab: { username },
    reports_to: options.reports_to === undefined ? 'boss' : options.reports_to,
    line,
    ...(options.calendly ? { calendly: options.calendly } : {}),
  };
  line += 6;
  return entry;
}

function member(
  uuid: string,
  name: string,
  email: string,
  role: CalendlyRole = 'user',
  created_at = '2025-01-01T00:00:00Z',
): CalendlyMembership {
  return {
    uri: `${API}/organization_memberships/M${uuid}`,
    role,
    user: { uri: `${API}/users/${uuid}`, name, email },
    organization: ORG,
    created_at,
  };
}

function invitation(uuid: string, email: string, created_at: string, status = 'pending'): CalendlyInvitation {
  return { uri: `${ORG}/invitations/${uuid}`, organization: ORG, email, status, created_at, last_sent_at: created_at };
}

const CONFIG = { admin_allow_list: ['boss@example.com'], pending_invitation_max_age: 'P14D' };

const ROSTER: RosterPerson[] = [
  person('boss', 'Bea Boss', { reports_to: null, calendly: { email: 'boss@example.com', role: 'owner' } }),
  person('ann', 'Ann Smith', { calendly: { email: 'ann@example.com', role: 'user' } }),
  person('ben', 'Ben Jones', { calendly: { email: 'ben.calendly@example.com', role: 'user' } }),
  person('cat', 'Cat Lee', { calendly: { email: 'cat@example.com', role: 'user' } }),
  person('dan', 'Dan Ray', { calendly: { email: 'dan@example.com', role: 'admin' } }),
  person('eve', 'Eve Ng', { calendly: { email: 'eve@example.com', role: 'user' } }),
  person('fay', 'Fay Wu', { calendly: { email: 'fay@example.com', role: 'user' } }),
  person('zoe', 'Zoë Ångström'),
  person('kim', 'Kim Park', { email: 'kim.park@example.com' }),
  person('top', 'Tess Top', { reports_to: null }),
  person('sam1', 'Sam Twin'),
  person('sam2', 'Sam Twin'),
];

const MEMBERS: CalendlyMembership[] = [
  member('UBOSS', 'Bea Boss', 'BOSS@example.com', 'owner'),
  member('UANN', 'Ann Smith', 'ann@example.com', 'admin'),
  member('UBEN', 'Ben Jones', 'ben@example.com'), // Ben's roster email, not his calendly.email
  member('UCAT', 'CAT  LEE', 'cat.lee@personal.example'), // Cat by name
  member('UDAN', 'Dan Ray', 'dan@example.com', 'user'),
  member('UZOE', 'ZOE ANGSTROM', 'zoe@contractor.example'),
  member('UKIM', 'K. Park', 'kim.park@example.com'),
  member('UTOP', 'Tess Top', 'tess@elsewhere.example'),
  member('USAM', 'Sam Twin', 'sam@elsewhere.example'),
  member('UEXT', 'Stranger Danger', 'stranger@elsewhere.example', 'admin'),
];

const INVITATIONS: CalendlyInvitation[] = [
  invitation('IEVE', 'eve@example.com', '2026-11-20T09:00:00Z'), // 4 days: fresh, Eve is not "missing"
  invitation('IOLD', 'old@elsewhere.example', '2026-10-01T09:00:00Z'),
  invitation('IKIM', 'KIM.PARK@example.com', '2026-11-01T09:00:00Z'),
];

describe('calendlyFindings', () => {
  const findings = calendlyFindings({ memberships: MEMBERS, invitations: INVITATIONS }, ROSTER, CONFIG, NOW);
  const find = (fingerprint: string) => {
    const found = findings.find((f) => f.fingerprint === fingerprint);
    if (!found) throw new Error(`no finding ${fingerprint}`);
    return found;
  };

  test('exactly the expected findings', () => {
    expect(findings.map((f) => f.fingerprint).sort()).toEqual([
      'calendly:admin-not-allowed:UANN',
      'calendly:admin-not-allowed:UEXT',
      'calendly:email-mismatch:ben',
      'calendly:member-not-in-roster:UCAT',
      'calendly:member-not-in-roster:UEXT',
      'calendly:member-not-in-roster:UKIM',
      'calendly:member-not-in-roster:USAM',
      'calendly:member-not-in-roster:UTOP',
      'calendly:member-not-in-roster:UZOE',
      'calendly:missing-member:cat',
      'calendly:missing-member:fay',
      'calendly:role-drift:ann',
      'calendly:role-drift:dan',
      'calendly:stale-invitation:IKIM',
      'calendly:stale-invitation:IOLD',
    ]);
    for (const f of findings) expect(f.platform).toBe('calendly');
  });

  test('a member nobody in the roster knows: no owner, and the text says the Support Ops Managers are pinged', () => {
    const f = find('calendly:member-not-in-roster:UEXT');
    expect(f).toMatchObject({
      kind: 'member-not-in-roster',
      owner: null,
      subject: 'Stranger Danger <stranger@elsewhere.example>',
    });
    expect(f.detail).toContain('No roster person has this email or name, so the Support Ops Managers are pinged');
    expect(f.evidence).toMatchObject({ calendlyUserUuid: 'UEXT', rosterMatch: null });
  });

  test('a member the roster knows by another email: their manager owns it; a name alone hints, never owns', () => {
    const byName = find('calendly:member-not-in-roster:UZOE');
    expect(byName.owner).toBeNull();
    expect(byName.detail).toContain('No roster person has this email, so the Support Ops Managers are pinged');
    expect(byName.detail).toContain('The name looks like Zoë Ångström (zoe) under another email');
    const byEmail = find('calendly:member-not-in-roster:UKIM');
    expect(byEmail.owner).toBe('boss');
    expect(byEmail.detail).toContain('(by roster email) as Kim Park');
  });

  test('known but at the top of the tree, or an ambiguous name: the Support Ops Managers', () => {
    const top = find('calendly:member-not-in-roster:UTOP');
    expect(top.owner).toBeNull();
    expect(top.detail).toContain('The name looks like Tess Top (top) under another email');
    const twin = find('calendly:member-not-in-roster:USAM');
    expect(twin.owner).toBeNull();
    expect(twin.detail).toContain('No roster person has this email or name');
  });

  test('email mismatch, found by roster email (never name), reported once (not also missing or not in roster)', () => {
    expect(find('calendly:email-mismatch:ben')).toMatchObject({
      kind: 'email-mismatch',
      owner: 'ben',
      subject: 'Ben Jones',
    });
    expect(find('calendly:email-mismatch:ben').detail).toContain(
      'as ben.calendly@example.com, but Calendly has them (found by roster email) as ben@example.com',
    );
    expect(findings.some((f) => f.fingerprint.endsWith(':UBEN'))).toBe(false);
    // A member named like Cat is not Cat's seat: Cat is missing, and the member is the Support Ops Managers' finding.
    expect(find('calendly:missing-member:cat').owner).toBe('cat');
    expect(find('calendly:member-not-in-roster:UCAT')).toMatchObject({ owner: null });
    expect(find('calendly:member-not-in-roster:UCAT').detail).toContain(
      'The name looks like Cat Lee (cat) under another email',
    );
  });

  test('missing member, unless a pending invitation is on its way', () => {
    expect(find('calendly:missing-member:fay')).toMatchObject({
      kind: 'missing-member',
      owner: 'fay',
      evidence: { rosterCalendlyEmail: 'fay@example.com' },
    });
    expect(findings.some((f) => f.fingerprint.includes(':eve') || f.fingerprint.endsWith(':IEVE'))).toBe(false);
  });

  test('role drift, both ways', () => {
    expect(find('calendly:role-drift:ann')).toMatchObject({
      owner: 'ann',
      evidence: { rosterRole: 'user', calendlyRole: 'admin' },
    });
    expect(find('calendly:role-drift:dan')).toMatchObject({
      owner: 'dan',
      evidence: { rosterRole: 'admin', calendlyRole: 'user' },
    });
    expect(find('calendly:role-drift:dan').detail).toBe(
      'Calendly role is user; the roster says admin: ' +
        'ask Support Ops (a Calendly admin) to change the role in Calendly, ' +
        'or correct calendly.role in your roster entry.',
    );
  });

  test('owners and admins off the allow-list (matched case-insensitively)', () => {
    expect(find('calendly:admin-not-allowed:UANN')).toMatchObject({
      owner: 'ann',
      subject: 'Ann Smith <ann@example.com>',
    });
    expect(find('calendly:admin-not-allowed:UEXT').owner).toBeNull();
    expect(find('calendly:admin-not-allowed:UEXT').detail).toContain('Support Ops Managers are pinged');
    expect(findings.some((f) => f.fingerprint === 'calendly:admin-not-allowed:UBOSS')).toBe(false);
  });

  test('stale invitations: the invited roster person, their manager, or nobody', () => {
    const unknown = find('calendly:stale-invitation:IOLD');
    expect(unknown).toMatchObject({ owner: null, subject: 'old@elsewhere.example' });
    expect(unknown.detail).toContain('Invitation created 2026-10-01 (54 days ago)');
    expect(unknown.detail).toContain('No roster person has this email, so the Support Ops Managers are pinged');
    expect(find('calendly:stale-invitation:IKIM').owner).toBe('boss');
    const invited = calendlyFindings(
      { memberships: [], invitations: [invitation('IFAY', 'fay@example.com', '2026-11-01T09:00:00Z')] },
      [ROSTER[6]],
      CONFIG,
      NOW,
    );
    expect(invited).toHaveLength(1);
    expect(invited[0]).toMatchObject({
      fingerprint: 'calendly:stale-invitation:IFAY',
      owner: 'fay',
      subject: 'Fay Wu <fay@example.com>',
    });
  });

  test('the age limit: exactly the configured duration is stale, a minute less is not', () => {
    const at = (iso: string) =>
      calendlyFindings(
        { memberships: [], invitations: [invitation('I1', 'x@elsewhere.example', iso)] },
        [],
        CONFIG,
        NOW,
      );
    expect(at('2026-11-10T09:01:00Z')).toHaveLength(0);
    expect(at('2026-11-10T09:00:00Z')).toHaveLength(1);
    const month = calendlyFindings(
      { memberships: [], invitations: [invitation('I1', 'x@elsewhere.example', '2026-11-01T09:00:00Z')] },
      [],
      { ...CONFIG, pending_invitation_max_age: 'P1M' },
      NOW,
    );
    expect(month).toHaveLength(0);
    expect(at('not a date')[0]?.detail).toMatch(/^Invitation created an unknown date, last sent/);
  });

  test('no findings when Calendly matches the roster', () => {
    const roster = [ROSTER[0], person('gil', 'Gil Ha', { calendly: { email: 'gil@example.com', role: 'admin' } })];
    const clean = calendlyFindings(
      {
        memberships: [
          member('UBOSS', 'Bea Boss', 'boss@example.com', 'owner'),
          member('UGIL', 'Gil Ha', 'Gil@Example.com', 'admin'),
        ],
        invitations: [],
      },
      roster,
      { ...CONFIG, admin_allow_list: ['boss@example.com', 'GIL@example.com'] },
      NOW,
    );
    expect(clean).toEqual([]);
  });
});

describe('helpers', () => {
  test('normalizeName ignores case, diacritics, punctuation and spacing', () => {
    expect(normalizeName('Zoë  Ångström')).toBe('zoe angstrom');
    expect(normalizeName('ZOE-ANGSTROM')).toBe('zoe angstrom');
    expect(normalizeName("José O'Brien")).toBe('jose o brien');
    expect(normalizeName('@all\n/close')).toBe('all close');
  });

  test('uuidOf takes the last segment of a Calendly URI', () => {
    expect(uuidOf('https://api.calendly.com/users/AAAA1111')).toBe('AAAA1111');
    expect(uuidOf('https://api.calendly.com/organizations/ORG/invitations/INV1/')).toBe('INV1');
    expect(uuidOf('PLAIN')).toBe('PLAIN');
  });
});
