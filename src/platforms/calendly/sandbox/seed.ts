/**
 * Sandbox Calendly organization, lined up with src/sandbox/seed/roster.yml. What the audit
 * should find (fixed clock: day 0 = the sandbox's "now"):
 *
 * Member "@all⏎/close | Mallory Intruder" (mallory@intruder.example)
 *                                      → member not in roster, nobody in the roster matches it
 *                                        (owner null: the Support Ops Managers are pinged). The
 *                                        name must stay inert: mention, quick action, table cell
 * Member "Zoe Angstrom" (zoe.angstrom@contractor.example.net)
 *                                      → member not in roster, owner null (Support Ops Managers);
 *                                        the name looks like Zoë Ångström (zangstrom): a hint
 *                                        in the detail only, a name never decides ownership
 * Member "Chris Okafor" as chris.o@example.com, roster says chris.okafor@example.com
 *                                      → member not in roster (owner null, the name a hint) and
 *                                        missing member (owner cokafor): found by name only
 * Roster tkim: no member, no invitation → missing member (owner tkim)
 * Member pnair: role user, roster admin → role drift (owner pnair)
 * Member slee: role admin, roster user  → role drift and admin not on the allow-list (owner slee)
 * Invitation omar.haddad@example.com, pending since day -20 (resent day -6)
 *                                      → stale invitation (owner ohaddad)
 * Invitation old.contractor@example.net, pending since day -45
 *                                      → stale invitation, nobody in the roster (owner null)
 *
 * No finding: som-alex (owner) and msmith (admin), both on the sandbox allow-list; jdoe,
 * lfischer, rmendes (users); ktanaka's invitation is pending but only 3 days old (not stale
 * before 14 days); jdoe's old invitation was accepted (not listed with status=pending).
 */
import type { CalendlyData, CalendlyMemberSeed } from './data.js';

const DAY_MS = 24 * 3600 * 1000;

export const CALENDLY_ORGANIZATION_UUID = 'ORGSUPPORTTEAM01';

export function seedCalendly(now: Date): CalendlyData {
  const day0 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 9);
  const at = (days: number): string => new Date(day0 + days * DAY_MS).toISOString();
  const member = (
    uuid: string,
    name: string,
    email: string,
    role: CalendlyMemberSeed['role'],
    createdDay: number,
    timezone?: string,
  ): CalendlyMemberSeed => ({
    uuid,
    name,
    email,
    role,
    created_at: at(createdDay),
    ...(timezone ? { timezone } : {}),
  });

  return {
    organization: { uuid: CALENDLY_ORGANIZATION_UUID, name: 'Support (sandbox)' },
    tokenUserUuid: 'UALEXRIVERA00001',
    members: [
      member('UALEXRIVERA00001', 'Alex Rivera', 'alex.rivera@example.com', 'owner', -900),
      member('UMORGANSMITH001', 'Morgan Smith', 'morgan.smith@example.com', 'admin', -850),
      member('UPRIYANAIR00001', 'Priya Nair', 'priya.nair@example.com', 'user', -800, 'Europe/Berlin'),
      member('UJANEDOE0000001', 'Jane Doe', 'jane.doe@example.com', 'user', -700),
      member('USAMLEE00000001', 'Sam Lee', 'sam.lee@example.com', 'admin', -650),
      member('UCHRISOKAFOR001', 'Chris Okafor', 'chris.o@example.com', 'user', -600),
      member('ULENAFISCHER001', 'Lena Fischer', 'lena.fischer@example.com', 'user', -500, 'Europe/Berlin'),
      member('URUTHMENDES0001', 'Ruth Mendes', 'ruth.mendes@example.com', 'user', -400, 'Europe/Lisbon'),
      // Not in the roster:
      member('UZOEANGSTROM001', 'Zoe Angstrom', 'zoe.angstrom@contractor.example.net', 'user', -60, 'Europe/Stockholm'),
      member('UMALLORY0000001', '@all\n/close | Mallory Intruder', 'mallory@intruder.example', 'user', -30),
    ],
    invitations: [
      {
        uuid: 'IJANEDOE0000001',
        email: 'jane.doe@example.com',
        status: 'accepted',
        created_at: at(-701),
        last_sent_at: at(-701),
        userUuid: 'UJANEDOE0000001',
      },
      {
        uuid: 'IOLDCONTRACT001',
        email: 'old.contractor@example.net',
        status: 'pending',
        created_at: at(-45),
        last_sent_at: at(-45),
      },
      {
        uuid: 'IOMARHADDAD0001',
        email: 'omar.haddad@example.com',
        status: 'pending',
        created_at: at(-20),
        last_sent_at: at(-6),
      },
      {
        uuid: 'IKAITANAKA00001',
        email: 'kai.tanaka@example.com',
        status: 'pending',
        created_at: at(-3),
        last_sent_at: at(-3),
      },
    ],
  };
}
