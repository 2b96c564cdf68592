import type { Finding, Inventory } from '../../domain/types.js';
import type { Roster, RosterPerson } from '../../config/types.js';
import type { ZdOAuthClient, ZdOAuthToken, ZendeskSnapshot } from './types.js';
import type { ZendeskAuditSettings, ZendeskInstanceInfo } from './instances.js';
import { date, isoMillis } from './dates.js';
import { isServiceAccount } from './service-accounts.js';

interface ClientReview {
  client: ZdOAuthClient;
  /** The roster person whose Zendesk id (in this instance) created the client. */
  person: RosterPerson | undefined;
  service: boolean;
  /** Live access tokens the client holds, when the admin-wide token listing could be read. */
  live: { count: number; lastUsed: string | null } | undefined;
  /** The client this audit logs in with. */
  own: boolean;
}

function reviewClients(
  snapshot: ZendeskSnapshot,
  roster: Roster,
  settings: ZendeskAuditSettings,
  now: Date,
  instance: ZendeskInstanceInfo,
): ClientReview[] {
  const byZendeskId = new Map<number, RosterPerson>();
  for (const person of roster) {
    const id = person.zendesk?.[instance.rosterKey]?.id;
    if (id !== undefined && !byZendeskId.has(id)) byZendeskId.set(id, person);
  }
  const tokensByClient = new Map<number, ZdOAuthToken[]>();
  if (snapshot.oauthTokens.available) {
    for (const token of snapshot.oauthTokens.tokens) {
      if (token.client_id == null || !isLive(token, now)) continue;
      tokensByClient.set(token.client_id, [...(tokensByClient.get(token.client_id) ?? []), token]);
    }
  }
  return [...snapshot.oauthClients]
    .sort((a, b) => a.id - b.id)
    .map((client) => {
      const tokens = tokensByClient.get(client.id) ?? [];
      const lastUsed =
        tokens
          .map((token) => token.used_at)
          .filter((used): used is string => typeof used === 'string')
          .sort()
          .at(-1) ?? null;
      return {
        client,
        person: client.user_id != null ? byZendeskId.get(client.user_id) : undefined,
        service: isServiceAccount(settings, [client.id, client.identifier, client.name]),
        live: snapshot.oauthTokens.available ? { count: tokens.length, lastUsed } : undefined,
        own: snapshot.ownClient !== undefined && client.identifier === snapshot.ownClient,
      };
    });
}

function isLive(token: ZdOAuthToken, now: Date): boolean {
  if (!token.expires_at) return true;
  const expires = isoMillis(token.expires_at);
  return expires === undefined || expires > now.getTime();
}

function clientSubject(client: ZdOAuthClient): string {
  return `OAuth client "${client.name || '(no name)'}" (${client.identifier || 'no identifier'})`;
}

function describeLive(live: ClientReview['live'], own: boolean): string {
  if (own) return 'it is the client this audit logs in with';
  if (!live) return 'whether it holds live access tokens is unknown (the OAuth token listing was refused)';
  if (live.count === 0) return 'it holds no live access token';
  const tokens = `${live.count} live access token${live.count === 1 ? '' : 's'}`;
  return `it holds ${tokens}${live.lastUsed ? `, last used ${date(live.lastUsed)}` : ', never used'}`;
}

export function oauthClientFindings(
  snapshot: ZendeskSnapshot,
  roster: Roster,
  settings: ZendeskAuditSettings,
  now: Date,
  instance: ZendeskInstanceInfo,
): Finding[] {
  const p = instance.platform;
  return reviewClients(snapshot, roster, settings, now, instance)
    .filter((review) => !review.service)
    .map(({ client, person, live, own }) => {
      const facts =
        `${instance.name} OAuth client ${client.id} ` +
        `(identifier ${client.identifier || 'none'}${client.kind ? `, ${client.kind}` : ''}, ` +
        `created ${date(client.created_at)} by Zendesk user ${client.user_id ?? 'unknown'}): ` +
        `${describeLive(live, own)}.`;
      const ask = person
        ? 'If it is still needed, reply why (intentional: <reason>); ' +
          'if not, delete it (Admin Center > Apps and integrations > APIs > OAuth clients; ' +
          'Zendesk admins only: if you no longer are one, ask Support Ops).'
        : `The admin who created it is not in the roster (${rosterSection(instance)} ids), ` +
          'so the Support Ops Managers are pinged: find its owner, or delete it (Zendesk admins only). ' +
          `A client an integration or this audit uses belongs in platforms.${p}.service_accounts.`;
      return {
        platform: p,
        kind: 'oauth-client-review',
        fingerprint: `${p}:oauth-client-review:${client.id}`,
        owner: person?.gitlab.username ?? null,
        subject: clientSubject(client),
        detail: `${facts} ${ask}`,
        evidence: {
          clientId: client.id,
          identifier: client.identifier,
          name: client.name,
          kind: client.kind ?? null,
          createdBy: client.user_id ?? null,
          createdAt: client.created_at ?? null,
          liveTokens: own ? null : (live?.count ?? null),
          lastUsed: own ? null : (live?.lastUsed ?? null),
          rosterUsername: person?.gitlab.username ?? null,
        },
      };
    });
}

export function oauthClientInventory(
  snapshot: ZendeskSnapshot,
  roster: Roster,
  settings: ZendeskAuditSettings,
  now: Date,
  instance: ZendeskInstanceInfo,
): Inventory {
  const rows = reviewClients(snapshot, roster, settings, now, instance).map(
    ({ client, person, service, live, own }) => [
      String(client.id),
      client.name || '(no name)',
      client.identifier || '',
      client.kind ?? 'not reported',
      client.user_id == null
        ? 'unknown'
        : `${client.user_id} (${person ? person.gitlab.username : 'not in the roster'})`,
      date(client.created_at),
      own ? "this audit's" : live ? String(live.count) : 'unknown',
      own ? 'now' : live?.lastUsed ? date(live.lastUsed) : live ? 'never' : 'unknown',
      service ? 'service account (not asked)' : 'asked to justify',
    ],
  );
  return {
    title: `${instance.name} OAuth clients`,
    headers: ['Client', 'Name', 'Identifier', 'Kind', 'Created by', 'Created', 'Live tokens', 'Last used', 'Review'],
    rows,
    empty: `${instance.name} has no OAuth clients.`,
  };
}

function rosterSection(instance: ZendeskInstanceInfo): string {
  return `zendesk.${instance.rosterKey}`;
}
