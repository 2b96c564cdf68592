import { DateTime, Duration } from 'luxon';
import type { Finding, Inventory } from '../../domain/types.js';
import { DEFAULT_TOKEN_MAX_UNUSED_AGE } from '../../config/audit-config.js';
import type { Roster, RosterPerson } from '../../config/types.js';
import { findTokenOwner, parseTokenDescription, type TokenDescription } from './tokens.js';
import type { ZdApiToken, ZdOAuthClient, ZdOAuthToken, ZendeskSnapshot } from './types.js';
import type { ZendeskAuditSettings, ZendeskInstanceInfo } from './instances.js';
import { date, daysSince, describeAge, isoMillis } from './dates.js';

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

/** Whether `service_accounts` names this credential (by any of `keys`: ids, identifiers, names, emails; case-insensitive). */
export function isServiceAccount(
  settings: ZendeskAuditSettings,
  keys: readonly (string | number | null | undefined)[],
): boolean {
  const entries = new Set((settings.service_accounts ?? []).map((entry) => entry.trim().toLowerCase()));
  return keys.some(
    (key) =>
      key !== null && key !== undefined && String(key).trim() !== '' && entries.has(String(key).trim().toLowerCase()),
  );
}

// ─── API tokens ───────────────────────────────────────────────────────────────────────────────

interface TokenReview {
  token: ZdApiToken;
  parsed: TokenDescription;
  person: RosterPerson | undefined;
  expired: boolean;
  /** Days since last use (or since creation when never used), when past the limit. */
  unused: { days: number; never: boolean } | undefined;
}

function reviewTokens(tokens: ZdApiToken[], roster: Roster, settings: ZendeskAuditSettings, now: Date): TokenReview[] {
  const maxUnused = Duration.fromISO(settings.token_max_unused_age || DEFAULT_TOKEN_MAX_UNUSED_AGE);
  const today = DateTime.fromJSDate(now, { zone: 'utc' });
  const limit = today.minus(maxUnused);
  return [...tokens]
    .sort((a, b) => a.id - b.id)
    .map((token) => {
      const parsed = parseTokenDescription(token.description);
      const person = parsed.ok ? findTokenOwner(parsed.owner, roster) : undefined;
      const expired =
        parsed.ok &&
        parsed.convention === 'personal' &&
        DateTime.fromISO(parsed.expires, { zone: 'utc' }).endOf('day') < today;
      const lastUsed = token.last_used ? DateTime.fromISO(token.last_used, { zone: 'utc' }) : undefined;
      const created = DateTime.fromISO(token.created_at ?? '', { zone: 'utc' });
      let unused: TokenReview['unused'];
      if (token.active !== false) {
        if (lastUsed?.isValid) {
          if (lastUsed < limit) unused = { days: daysSince(lastUsed, now), never: false };
        } else if (!created.isValid || created < limit) {
          unused = { days: created.isValid ? daysSince(created, now) : -1, never: true };
        }
      }
      return { token, parsed, person, expired, unused };
    });
}

function tokenFindings(
  snapshot: ZendeskSnapshot,
  roster: Roster,
  settings: ZendeskAuditSettings,
  now: Date,
  instance: ZendeskInstanceInfo,
): Finding[] {
  const p = instance.platform;
  if (!snapshot.tokens.available) {
    return [
      {
        platform: p,
        kind: 'api-token-access-disabled',
        fingerprint: `${p}:api-token-access-disabled`,
        owner: null,
        subject: `${instance.name} API tokens`,
        detail:
          `GET /api/v2/api_tokens answered HTTP ${snapshot.tokens.status}: API token access is disabled in ${instance.name} ` +
          `(or the endpoint, deprecated for 2027-04-30, is gone), so the API token review could not be done. ` +
          `A Zendesk admin (Support Ops) reviews the tokens in Admin Center (Apps and integrations > APIs > API tokens) and records the result here.`,
        evidence: { status: snapshot.tokens.status, reason: snapshot.tokens.reason },
      },
    ];
  }
  const maxUnused = settings.token_max_unused_age || DEFAULT_TOKEN_MAX_UNUSED_AGE;
  const findings: Finding[] = [];
  for (const review of reviewTokens(snapshot.tokens.tokens, roster, settings, now)) {
    const { token, parsed, person } = review;
    const owner = person?.gitlab.username ?? null;
    const subject = tokenSubject(token);
    const facts = `API token ${token.id} (${token.active === false ? 'inactive' : 'active'}, created ${date(token.created_at)}, ${token.last_used ? `last used ${date(token.last_used)}` : 'never used'})`;
    const evidence = {
      tokenId: token.id,
      description: token.description,
      active: token.active,
      createdAt: token.created_at,
      lastUsed: token.last_used ?? null,
      owner: parsed.ok ? parsed.owner : null,
      rosterUsername: owner,
    };
    // One item per token, naming every problem it has (expired, unused, deactivated, unnamed).
    const problems: string[] = [];
    if (parsed.ok && parsed.convention === 'personal' && review.expired) problems.push(`it is past that expiry`);
    if (review.unused) {
      problems.push(
        review.unused.never
          ? `it has never been used${review.unused.days >= 0 ? ` in the ${review.unused.days} days since it was created` : ''} (limit: ${describeAge(maxUnused)})`
          : `it has not been used for ${review.unused.days} days (limit: ${describeAge(maxUnused)})`,
      );
    }
    const found = problems.length ? ` ${capitalize(problems.join(', and '))}.` : '';
    if (isServiceAccount(settings, [token.id])) {
      // A service account's token is listed in the inventory, not asked about; only its disuse is a finding.
      if (!review.unused) continue;
      findings.push({
        platform: p,
        kind: 'api-token-review',
        fingerprint: `${p}:api-token-review:${token.id}`,
        owner,
        subject,
        detail: `${facts}, a service account's token (platforms.${p}.service_accounts).${found} ${ADMIN} to delete it if nothing needs it any more.`,
        evidence: { ...evidence, serviceAccount: true, maxUnusedAge: maxUnused, unusedDays: review.unused.days },
      });
    } else if (!parsed.ok) {
      findings.push({
        platform: p,
        kind: 'api-token-bad-description',
        fingerprint: `${p}:api-token-bad-description:${token.id}`,
        owner: null,
        subject,
        detail:
          `${facts}: its description breaks the naming convention (name - request link - expiry, or Target - name): ${parsed.problem}.${found} ` +
          `Nobody can be asked to justify it, so the Support Ops Managers are pinged: find its owner and have it renamed, or delete it (Zendesk admins only).`,
        evidence: {
          ...evidence,
          problem: parsed.problem,
          ...(review.unused ? { maxUnusedAge: maxUnused, unusedDays: review.unused.days } : {}),
        },
      });
    } else {
      const named =
        parsed.convention === 'personal'
          ? `named for ${parsed.owner} (request ${parsed.request}, expires ${parsed.expires})`
          : `the ${parsed.target} integration's token, owned by ${parsed.owner}`;
      const deactivated = token.active === false ? ' It is deactivated.' : '';
      const ask = !person
        ? `"${parsed.owner}" is not in the roster, so the Support Ops Managers are pinged: find its owner, or delete it (Zendesk admins only).`
        : parsed.convention === 'personal' && review.expired
          ? `If it is still needed, ${lowerFirst(ADMIN)} to rotate it (new expiry in the description) and reply why (intentional: <reason>); if not, ask them to delete it.`
          : `If it is still needed, reply why (intentional: <reason>); if not, ${lowerFirst(ADMIN)} to delete it.`;
      findings.push({
        platform: p,
        kind: 'api-token-review',
        fingerprint: `${p}:api-token-review:${token.id}`,
        owner,
        subject,
        detail: `${facts}, ${named}.${deactivated}${found} ${ask}`,
        evidence: {
          ...evidence,
          ...(parsed.convention === 'personal' ? { expires: parsed.expires, expired: review.expired } : {}),
          ...(review.unused ? { maxUnusedAge: maxUnused, unusedDays: review.unused.days } : {}),
        },
      });
    }
  }
  return findings;
}

/** Only a Zendesk admin can delete or rotate an API token (Admin Center > Apps and integrations > APIs > API tokens). */
const ADMIN = 'Ask Support Ops (a Zendesk admin)';

function capitalize(text: string): string {
  return `${text[0]!.toUpperCase()}${text.slice(1)}`;
}

function lowerFirst(text: string): string {
  return `${text[0]!.toLowerCase()}${text.slice(1)}`;
}

function tokenSubject(token: ZdApiToken): string {
  const description = token.description?.trim() ? token.description : '(no description)';
  return `API token "${description}"${token.visible_token ? ` (…${token.visible_token})` : ''}`;
}

/**
 * The API token inventory shown in the results note: every token, its owner as the naming
 * convention gives it (and the roster person it maps to), dates, whether it is active, and what
 * the review flags. A listing the API refused says so instead of showing an empty table.
 */
export function tokenInventory(
  snapshot: ZendeskSnapshot,
  roster: Roster,
  settings: ZendeskAuditSettings,
  now: Date,
  instance: ZendeskInstanceInfo,
): Inventory {
  const title = `${instance.name} API tokens`;
  const headers = ['Token', 'Description', 'Owner', 'Created', 'Last used', 'Active', 'Flags'];
  if (!snapshot.tokens.available) {
    return {
      title,
      headers,
      rows: [],
      empty: `The tokens could not be listed: GET /api/v2/api_tokens answered HTTP ${snapshot.tokens.status} (API token access is disabled). This is not "no tokens".`,
    };
  }
  const rows = reviewTokens(snapshot.tokens.tokens, roster, settings, now).map(
    ({ token, parsed, person, expired, unused }) => {
      const owner = parsed.ok
        ? person
          ? `${parsed.owner} (${person.gitlab.username})`
          : `${parsed.owner} (not in the roster)`
        : 'unknown';
      const flags = [
        isServiceAccount(settings, [token.id]) ? 'service account' : undefined,
        parsed.ok ? undefined : 'breaks the naming convention',
        expired && parsed.ok && parsed.convention === 'personal' ? `expired ${parsed.expires}` : undefined,
        unused ? (unused.never ? 'never used' : `unused ${unused.days} days`) : undefined,
      ].filter((flag): flag is string => flag !== undefined);
      return [
        `${token.id}${token.visible_token ? ` (…${token.visible_token})` : ''}`,
        token.description?.trim() ? token.description : '(no description)',
        owner,
        date(token.created_at),
        token.last_used ? date(token.last_used) : 'never',
        token.active === false ? 'no' : 'yes',
        flags.join('; ') || 'none',
      ];
    },
  );
  return { title, headers, rows, empty: `${instance.name} has no API tokens.` };
}

// ─── OAuth clients ────────────────────────────────────────────────────────────────────────────

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
  return `it holds ${live.count} live access token${live.count === 1 ? '' : 's'}${live.lastUsed ? `, last used ${date(live.lastUsed)}` : ', never used'}`;
}

function oauthClientFindings(
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
        `${instance.name} OAuth client ${client.id} (identifier ${client.identifier || 'none'}${client.kind ? `, ${client.kind}` : ''}, ` +
        `created ${date(client.created_at)} by Zendesk user ${client.user_id ?? 'unknown'}): ${describeLive(live, own)}.`;
      const ask = person
        ? `If it is still needed, reply why (intentional: <reason>); if not, delete it (Admin Center > Apps and integrations > APIs > OAuth clients; Zendesk admins only: if you no longer are one, ask Support Ops).`
        : `The admin who created it is not in the roster (${rosterSection(instance)} ids), so the Support Ops Managers are pinged: find its owner, or delete it (Zendesk admins only). ` +
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

function oauthClientInventory(
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
