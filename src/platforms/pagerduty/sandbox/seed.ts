/*
 * PagerDuty seed for the sandbox, consistent with src/sandbox/seed/roster.yml. All times are
 * relative to `now` (rotations start at UTC midnight of `now`'s day), so a run on any date finds
 * the same things.
 *
 * Seeded item                                        → finding it should produce
 * ------------------------------------------------------------------------------------------------
 * Roster tkim: pagerduty.id PTKIM99 (no such user)  → roster PagerDuty id not found (owner tkim)
 * PD user PGHOST1 "@all /close | <script>…**bold**"  → PD user not in roster (owner null; the name
 *   ghost@example.com                                  must be escaped: mention, quick action, HTML, Markdown)
 * PD user PMONBOT "monitoring-bot"                   → PD user not in roster, unless listed in
 *                                                      pagerduty.service_accounts (service account)
 * PD user PPATDP1 "Pat Departed" (former employee)   → PD user not in roster
 * Roster cokafor lists PAMER01 but is not on it      → listed schedule, not on it (owner cokafor)
 * Schedule PMGRESC (America/New_York): nobody on
 *   call from day +9 00:00 UTC to day +11 00:00 UTC  → coverage-gap PMGRESC in the next 28 days
 *                                                      (92.86 %), owner som-alex (the members' manager)
 * Schedule PAMER01 still lists PPATDP1 (departed)    → schedule-member-not-in-roster, owner msmith
 * Schedule PEMEA01 still lists PDELETD (deleted)     → schedule-member-not-in-roster, owner pnair
 * Policy PEPEMEA rule 2 targets user PDELETD (gone)  → dead-reference PEPEMEA:PDELETD, owner pnair
 * Policy PEPFEDR rule 1 targets schedule PNOSUCH     → dead-reference PEPFEDR:PNOSUCH (owner null)
 * Policy PEPFEDR rule 2 has no targets               → empty-rule PEPFEDR:PEPFEDRR2 (owner null)
 * Policy PEPSOLO: one rule, one user target, 0 loops → single-target-policy PEPSOLO (owner null: the
 *                                                      SOM has no manager)
 * PD user POHADD1 (ohaddad) invitation_sent: true    → invitation-pending POHADD1 (owner ohaddad)
 * PD user PSAMLE1 (slee, an engineer) role 'admin'   → role-drift PSAMLE1 (owner slee): the roster
 *                                                      gives slee no PagerDuty role and the admin
 *                                                      allow-list is empty; som-alex's roster entry
 *                                                      says role: owner, which matches
 *
 * Shift-based (v3) schedule PV3WKND (only under /v3/schedules), members jdoe and lfischer, fully
 *   covered; policy PEPWKND targets it (schedule_v3_reference) then som-alex, loops once → no finding
 *   (read with its final schedule, audited like the v2 schedules)
 *
 * Correctly set up (no finding): som-alex PALXRV1, msmith PMSMTH1, pnair PPNAIR1 (all on PMGRESC),
 * jdoe PJDOE01 (PAMER01), lfischer PLFISC1 and ktanaka PKTANA1 (PEMEA01), rmendes (no PD account).
 * Schedules PAMER01 and PEMEA01 are fully covered from day -100 to day +400 (so runs months later,
 * e.g. next quarter's audit, still see the same rotas); policies PEPAMER and PEPWKND are healthy.
 */
import type { PagerDutyData, PdCoverageEntry, PdUser } from './data.js';

/** The seed's shift-based (v3) schedule and the policy that targets it. */
export const SEED_V3_SCHEDULE = 'PV3WKND';
export const SEED_V3_POLICY = 'PEPWKND';

const DAY_MS = 24 * 3600 * 1000;

export const SEED_GAP = { fromDay: 9, toDay: 11 } as const;
const ROTATION_DAYS_BEFORE = 100;
const ROTATION_DAYS_AFTER = 400;

export function seedPagerDuty(now: Date): PagerDutyData {
  const day0 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const at = (days: number): number => day0 + days * DAY_MS;

  const user = (
    id: string,
    name: string,
    email: string,
    role: PdUser['role'],
    extra: Partial<PdUser> = {},
  ): PdUser => ({
    id,
    name,
    email,
    role,
    time_zone: 'America/New_York',
    invitation_sent: false,
    job_title: null,
    description: null,
    teamIds: ['PTSUPRT'],
    ...extra,
  });

  const users: PdUser[] = [
    user('PALXRV1', 'Alex Rivera', 'alex.rivera@example.com', 'owner', {
      job_title: 'Support Operations Manager',
      teamIds: ['PTSUPRT', 'PTSOPS1'],
    }),
    user('PMSMTH1', 'Morgan Smith', 'morgan.smith@example.com', 'user', { job_title: 'Support Manager, AMER' }),
    user('PPNAIR1', 'Priya Nair', 'priya.nair@example.com', 'user', {
      job_title: 'Support Manager, EMEA',
      time_zone: 'Europe/Berlin',
    }),
    user('PJDOE01', 'Jane Doe', 'jane.doe@example.com', 'user', { job_title: 'Support Engineer' }),
    user('PSAMLE1', 'Sam Lee', 'sam.lee@example.com', 'admin', { job_title: 'Support Engineer' }),
    user('PCOKAF1', 'Chris Okafor', 'chris.okafor@example.com', 'user', { job_title: 'Support Engineer' }),
    user('PLFISC1', 'Lena Fischer', 'lena.fischer@example.com', 'user', {
      job_title: 'Support Engineer',
      time_zone: 'Europe/Berlin',
    }),
    user('POHADD1', 'Omar Haddad', 'omar.haddad@example.com', 'user', {
      job_title: 'Support Engineer',
      time_zone: 'Europe/London',
      invitation_sent: true,
    }),
    user('PKTANA1', 'Kai Tanaka', 'kai.tanaka@example.com', 'limited_user', {
      job_title: 'Support Engineer',
      time_zone: 'Europe/Berlin',
    }),
    // Not in the roster:
    user('PGHOST1', '@all /close | <script>alert(1)</script> **bold**', 'ghost@example.com', 'user', {
      job_title: '/label ~"audit-status::done"',
      description: '<img src=x onerror=alert(1)> @som-alex',
      teamIds: [],
    }),
    user('PMONBOT', 'monitoring-bot', 'monitoring-bot@example.com', 'limited_user', {
      job_title: 'Service account',
      description: 'Used by the monitoring integration; no human behind it.',
      time_zone: 'Etc/UTC',
      teamIds: ['PTSOPS1'],
    }),
    user('PPATDP1', 'Pat Departed', 'pat.departed@example.com', 'user', { job_title: 'Support Engineer (left)' }),
  ];

  return {
    teams: [
      { id: 'PTSUPRT', name: 'Support' },
      { id: 'PTSOPS1', name: 'Support Operations' },
    ],
    users,
    schedules: [
      {
        id: 'PAMER01',
        name: 'Support AMER On-Call',
        time_zone: 'America/New_York',
        description: 'Weekly rotation, AMER engineers',
        // Pat Departed left the team but is still on the rota's layer.
        userIds: ['PJDOE01', 'PSAMLE1', 'PPATDP1'],
        coverage: rotation(['PJDOE01', 'PSAMLE1'], at(-ROTATION_DAYS_BEFORE), at(ROTATION_DAYS_AFTER), 7),
        teamIds: ['PTSUPRT'],
      },
      {
        id: 'PEMEA01',
        name: 'Support EMEA On-Call',
        time_zone: 'Europe/Berlin',
        description: 'Weekly rotation, EMEA engineers',
        // PDELETD is a deleted user still listed on the layer.
        userIds: ['PLFISC1', 'POHADD1', 'PKTANA1', 'PDELETD'],
        coverage: rotation(['PLFISC1', 'POHADD1', 'PKTANA1'], at(-ROTATION_DAYS_BEFORE), at(ROTATION_DAYS_AFTER), 7),
        teamIds: ['PTSUPRT'],
      },
      {
        id: 'PMGRESC',
        name: 'Support Manager Escalation',
        time_zone: 'America/New_York',
        description: 'Managers and the SOM, two-day shifts',
        userIds: ['PALXRV1', 'PMSMTH1', 'PPNAIR1'],
        coverage: rotation(
          ['PALXRV1', 'PMSMTH1', 'PPNAIR1'],
          at(-ROTATION_DAYS_BEFORE),
          at(ROTATION_DAYS_AFTER),
          2,
        ).flatMap((entry) => cut(entry, at(SEED_GAP.fromDay), at(SEED_GAP.toDay))),
        teamIds: ['PTSUPRT', 'PTSOPS1'],
      },
    ],
    v3Schedules: [
      {
        id: SEED_V3_SCHEDULE,
        name: 'Support Weekend On-Call (shift-based)',
        time_zone: 'Europe/Berlin',
        description: 'Weekly rotation of AMER and EMEA engineers, on the v3 (shift-based) schedules API',
        rotations: [
          {
            id: 'PV3WKNDROT1',
            events: [
              {
                id: 'PV3WKNDEVT1',
                name: 'Weekly handoff',
                memberIds: ['PJDOE01', 'PLFISC1'],
                effective_since: new Date(at(-ROTATION_DAYS_BEFORE)).toISOString(),
                effective_until: null,
                recurrence: ['RRULE:FREQ=WEEKLY'],
              },
            ],
          },
        ],
        coverage: rotation(['PJDOE01', 'PLFISC1'], at(-ROTATION_DAYS_BEFORE), at(ROTATION_DAYS_AFTER), 7),
        teamIds: ['PTSUPRT'],
      },
    ],
    escalationPolicies: [
      {
        id: 'PEPAMER',
        name: 'Support AMER',
        description: 'Healthy: engineers, then managers, then the SOM; loops twice',
        num_loops: 2,
        rules: [
          { delayMinutes: 30, targets: [{ type: 'schedule', id: 'PAMER01' }] },
          { delayMinutes: 30, targets: [{ type: 'schedule', id: 'PMGRESC' }] },
          { delayMinutes: 30, targets: [{ type: 'user', id: 'PALXRV1' }] },
        ],
        services: [{ id: 'PSVCAMR', name: 'Customer Emergencies AMER' }],
        teamIds: ['PTSUPRT'],
      },
      {
        id: 'PEPEMEA',
        name: 'Support EMEA',
        num_loops: 1,
        rules: [
          { delayMinutes: 30, targets: [{ type: 'schedule', id: 'PEMEA01' }] },
          { delayMinutes: 30, targets: [{ type: 'user', id: 'PDELETD' }] },
        ],
        services: [{ id: 'PSVCEMA', name: 'Customer Emergencies EMEA' }],
        teamIds: ['PTSUPRT'],
      },
      {
        id: 'PEPFEDR',
        name: 'Support US Federal',
        num_loops: 1,
        rules: [
          { delayMinutes: 30, targets: [{ type: 'schedule', id: 'PNOSUCH' }] },
          { delayMinutes: 15, targets: [] },
        ],
        services: [{ id: 'PSVCFED', name: 'US Federal Emergencies' }],
        teamIds: ['PTSUPRT'],
      },
      {
        id: 'PEPSOLO',
        name: 'Support Ops Tooling',
        num_loops: 0,
        on_call_handoff_notifications: 'always',
        rules: [{ delayMinutes: 30, targets: [{ type: 'user', id: 'PALXRV1' }] }],
        services: [{ id: 'PSVCTLS', name: 'Support Tooling Alerts' }],
        teamIds: ['PTSOPS1'],
      },
      {
        id: SEED_V3_POLICY,
        name: 'Support Weekend',
        description: 'Healthy: the shift-based weekend rota, then the SOM; loops once',
        num_loops: 1,
        rules: [
          { delayMinutes: 30, targets: [{ type: 'schedule_v3', id: SEED_V3_SCHEDULE }] },
          { delayMinutes: 30, targets: [{ type: 'user', id: 'PALXRV1' }] },
        ],
        services: [{ id: 'PSVCWKD', name: 'Weekend Emergencies' }],
        teamIds: ['PTSUPRT'],
      },
    ],
  };
}

/** Back-to-back shifts of `shiftDays`, cycling through `userIds`, from `from` until `to` (ms). */
function rotation(userIds: string[], from: number, to: number, shiftDays: number): PdCoverageEntry[] {
  const entries: PdCoverageEntry[] = [];
  for (let start = from, i = 0; start < to; start += shiftDays * DAY_MS, i++) {
    const end = Math.min(start + shiftDays * DAY_MS, to);
    entries.push({
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      userId: userIds[i % userIds.length],
    });
  }
  return entries;
}

/** Removes [gapFrom, gapTo) from an entry. */
function cut(entry: PdCoverageEntry, gapFrom: number, gapTo: number): PdCoverageEntry[] {
  const start = Date.parse(entry.start);
  const end = entry.end === null ? Infinity : Date.parse(entry.end);
  const parts: PdCoverageEntry[] = [];
  if (start < gapFrom) parts.push({ ...entry, end: new Date(Math.min(end, gapFrom)).toISOString() });
  if (end > gapTo) parts.push({ ...entry, start: new Date(Math.max(start, gapTo)).toISOString() });
  return parts.filter((p) => p.end === null || Date.parse(p.end) > Date.parse(p.start));
}

/**
 * What the people pinged would do in PagerDuty to fix a seeded problem, applied to the live fake
 * data (for the demo and the follow-up tests). Takes finding fingerprints; unknown ones (and
 * tkim's unknown-id, which only a roster change fixes) are ignored. Deleting a user also takes
 * them off every rota, as PagerDuty does.
 */
export function fixSeededProblems(data: PagerDutyData, fingerprints: readonly string[]): void {
  const schedule = (id: string) => data.schedules.find((candidate) => candidate.id === id);
  const policy = (id: string) => data.escalationPolicies.find((candidate) => candidate.id === id);
  const user = (id: string) => data.users.find((candidate) => candidate.id === id);
  const deleteUser = (id: string) => {
    data.users = data.users.filter((candidate) => candidate.id !== id);
    for (const rota of data.schedules) rota.userIds = rota.userIds.filter((member) => member !== id);
    for (const event of (data.v3Schedules ?? []).flatMap((rota) =>
      rota.rotations.flatMap((rotation) => rotation.events),
    )) {
      event.memberIds = event.memberIds.filter((member) => member !== id);
    }
  };
  for (const fingerprint of fingerprints) {
    switch (fingerprint) {
      case 'pagerduty:coverage-gap:PMGRESC': {
        // An override by Morgan Smith over every hole of the final schedule.
        const rota = schedule('PMGRESC')!;
        const entries = [...rota.coverage].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
        for (let i = 1; i < entries.length; i++) {
          const previousEnd = entries[i - 1].end;
          if (previousEnd !== null && Date.parse(entries[i].start) > Date.parse(previousEnd)) {
            rota.coverage.push({ start: previousEnd, end: entries[i].start, userId: 'PMSMTH1' });
          }
        }
        break;
      }
      case 'pagerduty:dead-reference:PEPEMEA:PDELETD':
        policy('PEPEMEA')!.rules[1].targets = [{ type: 'user', id: 'PPNAIR1' }];
        break;
      case 'pagerduty:dead-reference:PEPFEDR:PNOSUCH':
        policy('PEPFEDR')!.rules[0].targets = [{ type: 'schedule', id: 'PAMER01' }];
        break;
      case 'pagerduty:empty-rule:PEPFEDR:PEPFEDRR2':
        policy('PEPFEDR')!.rules[1].targets = [{ type: 'schedule', id: 'PMGRESC' }];
        break;
      case 'pagerduty:single-target-policy:PEPSOLO':
        policy('PEPSOLO')!.num_loops = 2;
        break;
      case 'pagerduty:invitation-pending:POHADD1':
        user('POHADD1')!.invitation_sent = false;
        break;
      case 'pagerduty:role-drift:PSAMLE1':
        user('PSAMLE1')!.role = 'user';
        break;
      case 'pagerduty:schedule-member-not-in-roster:PAMER01:PPATDP1':
        schedule('PAMER01')!.userIds = schedule('PAMER01')!.userIds.filter((member) => member !== 'PPATDP1');
        break;
      case 'pagerduty:schedule-member-not-in-roster:PEMEA01:PDELETD':
        schedule('PEMEA01')!.userIds = schedule('PEMEA01')!.userIds.filter((member) => member !== 'PDELETD');
        break;
      case 'pagerduty:missing-from-schedule:cokafor:PAMER01':
        schedule('PAMER01')!.userIds.push('PCOKAF1');
        break;
      case 'pagerduty:user-not-in-roster:PGHOST1':
        deleteUser('PGHOST1');
        break;
      case 'pagerduty:user-not-in-roster:PPATDP1':
        deleteUser('PPATDP1');
        break;
    }
  }
}

/** Every seeded problem that a change in PagerDuty fixes (all but tkim's roster id). */
export const SEEDED_PAGERDUTY_FIXES: readonly string[] = [
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
  'pagerduty:user-not-in-roster:PGHOST1',
  'pagerduty:user-not-in-roster:PPATDP1',
];
