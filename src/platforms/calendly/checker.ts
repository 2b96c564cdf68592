import type { Clock } from '../../clock.js';
import type { CheckResult } from '../../domain/types.js';
import type { CalendlyConfig, Roster } from '../../config/types.js';
import type { CalendlyClient } from './client.js';
import { calendlyFindings } from './findings.js';

export async function checkCalendly(
  client: CalendlyClient,
  roster: Roster,
  config: CalendlyConfig,
  clock: Clock,
): Promise<CheckResult> {
  const before = client.http.requestCount;
  const snapshot = await client.snapshot();
  return {
    platform: 'calendly',
    findings: calendlyFindings(snapshot, roster, config, clock()),
    stats: {
      requests: client.http.requestCount - before,
      itemsRead: {
        organization_members: snapshot.memberships.length,
        pending_invitations: snapshot.invitations.length,
      },
    },
  };
}
