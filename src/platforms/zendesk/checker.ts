import type { CheckResult } from '../../domain/types.js';
import type { Roster, ZendeskConfig } from '../../config/types.js';
import type { ZendeskClient } from './client.js';
import { ZENDESK_INSTANCES, credentialInventories, zendeskFindings, type ZendeskPlatform } from './findings.js';

/** Reads one Zendesk instance (the client gathers the snapshot), then audits it as a pure function. */
export async function checkZendesk(
  platform: ZendeskPlatform,
  client: ZendeskClient,
  roster: Roster,
  config: ZendeskConfig,
  now: Date,
): Promise<CheckResult> {
  const before = client.http.requestCount;
  const snapshot = await client.snapshot();
  const instance = ZENDESK_INSTANCES[platform];
  return {
    platform,
    findings: zendeskFindings(snapshot, roster, config, now, instance),
    stats: {
      requests: client.http.requestCount - before,
      itemsRead: {
        agents_and_admins: snapshot.users.length,
        group_memberships: snapshot.memberships.length,
        groups: snapshot.groups.length,
        custom_roles: snapshot.customRoles.length,
        ...(snapshot.tokens.available ? { api_tokens: snapshot.tokens.tokens.length } : {}),
        oauth_clients: snapshot.oauthClients.length,
      },
    },
    inventories: credentialInventories(snapshot, roster, config, now, instance),
  };
}
