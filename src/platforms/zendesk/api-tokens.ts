import { DateTime, Duration } from 'luxon';
import type { Finding, Inventory } from '../../domain/types.js';
import type { Roster, RosterPerson } from '../../config/types.js';
import { findTokenOwner, parseTokenDescription, type TokenDescription } from './tokens.js';
import type { ZdApiToken, ZendeskSnapshot } from './types.js';
import type { ZendeskAuditSettings, ZendeskInstanceInfo } from './instances.js';
import { DEFAULT_TOKEN_MAX_UNUSED_AGE } from './settings.js';
import { date, daysSince, describeAge } from './dates.js';
import { isServiceAccount } from './service-accounts.js';

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

export function tokenFindings(
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
          `GET /api/v2/api_tokens answered HTTP ${snapshot.tokens.status}: ` +
          `API token access is disabled in ${instance.name} ` +
          `(or the endpoint, deprecated for 2027-04-30, is gone), so the API token review could not be done. ` +
          'A Zendesk admin (Support Ops) reviews the tokens in Admin Center ' +
          '(Apps and integrations > APIs > API tokens) and records the result here.',
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
    const state = token.active === false ? 'inactive' : 'active';
    const use = token.last_used ? `last used ${date(token.last_used)}` : 'never used';
    const facts = `API token ${token.id} (${state}, created ${date(token.created_at)}, ${use})`;
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
          ? 'it has never been used' +
              (review.unused.days >= 0 ? ` in the ${review.unused.days} days since it was created` : '') +
              ` (limit: ${describeAge(maxUnused)})`
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
        detail:
          `${facts}, a service account's token (platforms.${p}.service_accounts).${found} ` +
          `${ADMIN} to delete it if nothing needs it any more.`,
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
          `${facts}: its description breaks the naming convention (name - request link - expiry, or Target - name): ` +
          `${parsed.problem}.${found} ` +
          'Nobody can be asked to justify it, so the Support Ops Managers are pinged: ' +
          'find its owner and have it renamed, or delete it (Zendesk admins only).',
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
        ? `"${parsed.owner}" is not in the roster, so the Support Ops Managers are pinged: ` +
          'find its owner, or delete it (Zendesk admins only).'
        : parsed.convention === 'personal' && review.expired
          ? `If it is still needed, ${lowerFirst(ADMIN)} to rotate it (new expiry in the description) ` +
            'and reply why (intentional: <reason>); if not, ask them to delete it.'
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

/**
 * Only a Zendesk admin can delete or rotate an API token (Admin Center > Apps and integrations >
 * APIs > API tokens).
 */
const ADMIN = 'Ask Support Ops (a Zendesk admin)';

function capitalize(text: string): string {
  return `${text[0].toUpperCase()}${text.slice(1)}`;
}

function lowerFirst(text: string): string {
  return `${text[0].toLowerCase()}${text.slice(1)}`;
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
      empty:
        `The tokens could not be listed: GET /api/v2/api_tokens answered HTTP ${snapshot.tokens.status} ` +
        '(API token access is disabled). This is not "no tokens".',
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
