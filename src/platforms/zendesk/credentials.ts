import type { Finding, Inventory } from '../../domain/types.js';
import type { Roster } from '../../config/types.js';
import type { ZendeskSnapshot } from './types.js';
import type { ZendeskAuditSettings, ZendeskInstanceInfo } from './instances.js';
import { tokenFindings, tokenInventory } from './api-tokens.js';
import { oauthClientFindings, oauthClientInventory } from './oauth-clients.js';

export { isServiceAccount } from './service-accounts.js';
export { tokenInventory } from './api-tokens.js';

/**
 * The credentials review of one Zendesk instance: every API token still listed (its owner read
 * from the description's naming convention) and every OAuth client (its owner the admin who
 * created it, found through the roster's Zendesk ids), each asked for a justification through the
 * ladder. Service accounts (`service_accounts`: the bot's own OAuth client, integrations) are
 * listed but not asked. Pure: a function of what Zendesk returned, the roster, settings and time.
 */
export function credentialFindings(
  snapshot: ZendeskSnapshot,
  roster: Roster,
  settings: ZendeskAuditSettings,
  now: Date,
  instance: ZendeskInstanceInfo,
): Finding[] {
  return [
    ...tokenFindings(snapshot, roster, settings, now, instance),
    ...oauthClientFindings(snapshot, roster, settings, now, instance),
  ];
}

/** The results note's tables: the API tokens, then the OAuth clients. */
export function credentialInventories(
  snapshot: ZendeskSnapshot,
  roster: Roster,
  settings: ZendeskAuditSettings,
  now: Date,
  instance: ZendeskInstanceInfo,
): Inventory[] {
  return [
    tokenInventory(snapshot, roster, settings, now, instance),
    oauthClientInventory(snapshot, roster, settings, now, instance),
  ];
}
