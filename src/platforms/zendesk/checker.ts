import type { CheckResult } from '../../domain/types.js';
import type { Roster } from '../../config/types.js';
import { clientDeps, withAccessHints } from '../checker-support.js';
import type { Checker, CheckerDeps } from '../contract.js';
import { zendeskAuth } from './auth.js';
import { ZendeskClient, createZendeskHttp } from './client.js';
import { zendeskCredentials } from './env.js';
import { ZENDESK_INSTANCES, credentialInventories, zendeskFindings, type ZendeskPlatform } from './findings.js';
import type { ZendeskConfig } from './settings.js';

/**
 * One instance's checker: its own URL, credentials, roster section and config. Throws a
 * ConfigError naming the variables to set when its credentials are missing.
 */
export function zendeskChecker(platform: ZendeskPlatform, deps: CheckerDeps): Checker {
  const login = zendeskCredentials(deps.env, platform);
  const common = clientDeps(platform, deps);
  const auth = zendeskAuth(login, { ...common, baseUrl: login.baseUrl });
  if (auth.warning) common.logger.warn(`${platform} ${auth.warning}`);
  const http = createZendeskHttp({ baseUrl: login.baseUrl, auth, ...common });
  const variables =
    login.kind === 'oauth'
      ? `${login.variables.join(' and ')} (a confidential OAuth client, owned by an admin)`
      : `${login.variables.join(' and ')} (an admin's email and API token)`;
  return withAccessHints(async () => {
    const rosterKey = ZENDESK_INSTANCES[platform].rosterKey;
    const aboutUsers = deps.roster.filter((person) => person.zendesk?.[rosterKey]).length;
    const client = new ZendeskClient(http, login.kind === 'oauth' ? login.clientId : undefined, aboutUsers);
    const result = await checkZendesk(platform, client, deps.roster, deps.config.platforms[platform], deps.clock());
    return auth.warning ? { ...result, warnings: [...(result.warnings ?? []), `This audit ${auth.warning}`] } : result;
  }, variables);
}

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
