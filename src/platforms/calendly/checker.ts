import type { Clock } from '../../clock.js';
import type { CheckResult } from '../../domain/types.js';
import type { Roster } from '../../config/types.js';
import { clientDeps } from '../checker-support.js';
import type { Checker, CheckerDeps } from '../contract.js';
import { requireVariables } from '../variables.js';
import { CalendlyClient, createCalendlyHttp } from './client.js';
import { CALENDLY_ENV } from './env.js';
import { calendlyFindings } from './findings.js';
import type { CalendlyConfig } from './settings.js';

/** The variables the audit cannot run without (the URL has a default). */
export const CALENDLY_REQUIRED_ENV = ['CALENDLY_URL', 'CALENDLY_TOKEN'] as const;

/** The checker; throws a ConfigError naming the variables to set when they are missing. */
export function calendlyChecker(deps: CheckerDeps): Checker {
  const env = requireVariables(deps.env, CALENDLY_ENV, CALENDLY_REQUIRED_ENV);
  const http = createCalendlyHttp({
    baseUrl: env.CALENDLY_URL,
    token: env.CALENDLY_TOKEN,
    ...clientDeps('calendly', deps),
  });
  const client = new CalendlyClient(http, deps.roster.filter((person) => person.calendly).length);
  return () => checkCalendly(client, deps.roster, deps.config.platforms.calendly, deps.clock);
}

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
