import { VendorClient, type VendorClientOptions } from '../../http/client.js';
import { CALENDLY_RATE_LIMIT_HEADERS } from './rate-limit.js';
import { HttpError, RetriesExhaustedError } from '../../http/errors.js';
import { IncompleteListingError, collectTokenPages } from '../../http/paginate.js';
import { settledAll } from '../../concurrency.js';
import {
  uuidOf,
  type CalendlyInvitation,
  type CalendlyMembership,
  type CalendlySnapshot,
  type CalendlyUser,
} from './types.js';

/**
 * The scope each endpoint the audit reads needs (developer.calendly.com, Authorization Scopes,
 * and each endpoint's reference page): `GET /users/{uuid|me}` needs `users:read`; `GET
 * /organization_memberships` and `GET /organizations/{uuid}/invitations` need
 * `organizations:read`. A `:write` scope includes the `:read` one of its domain.
 */
export const CALENDLY_SCOPES = {
  me: 'users:read',
  memberships: 'organizations:read',
  invitations: 'organizations:read',
} as const;

/** Every scope a token needs for the audit, in the order the audit uses them. */
export const CALENDLY_REQUIRED_SCOPES: readonly string[] = [...new Set(Object.values(CALENDLY_SCOPES))];

/** The environment variable that holds the token; named in every refusal so the reader knows what to fix. */
export const CALENDLY_TOKEN_VARIABLE = 'CALENDLY_TOKEN';

export function createCalendlyHttp(
  options: Omit<VendorClientOptions, 'vendor' | 'headers' | 'rateLimitHeaders'> & { token: string },
): VendorClient {
  const { token, ...rest } = options;
  return new VendorClient({
    ...rest,
    vendor: 'calendly',
    rateLimitHeaders: CALENDLY_RATE_LIMIT_HEADERS,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    },
  });
}

/**
 * Calendly refused the token: 401 (invalid, expired or revoked) or 403 (a scope is missing, or
 * the token's user may not see the resource). Still an HttpError (status, path, the scrubbed
 * body excerpt), with a message that says which scope is needed and which variable to fix.
 */
export class CalendlyTokenError extends HttpError {
  constructor(
    cause: HttpError,
    /** The scope the refused endpoint needs. */
    readonly scope: string,
  ) {
    super(cause.vendor, cause.method, cause.path, cause.status, cause.headers, cause.bodyExcerpt);
    this.name = 'CalendlyTokenError';
    const said =
      `${cause.vendor} ${cause.method} ${cause.path} answered HTTP ${cause.status}: ` +
      (cause.bodyExcerpt ? `${cause.bodyExcerpt} — ` : '');
    const all = CALENDLY_REQUIRED_SCOPES.map((s) => `\`${s}\``).join(' and ');
    this.message =
      cause.status === 401
        ? `${said}Calendly refused the token (invalid, expired or revoked); ` +
          `create a personal access token with the scopes ${all} and set ${CALENDLY_TOKEN_VARIABLE}`
        : `${said}the token lacks the scope \`${scope}\`; ` +
          `create a personal access token with it (the audit needs ${all}) and set ${CALENDLY_TOKEN_VARIABLE}. ` +
          'If the token has that scope, its user may not read this: ' +
          'use a token of an owner or admin of the organization';
  }
}

/** A 401 or 403 (also behind retries: a 429, then a 403) as a CalendlyTokenError; anything else as it was. */
export function explainRefusal(error: unknown, scope: string): unknown {
  const cause = error instanceof RetriesExhaustedError ? error.lastError : error;
  if (
    cause instanceof HttpError &&
    !(cause instanceof CalendlyTokenError) &&
    (cause.status === 401 || cause.status === 403)
  ) {
    return new CalendlyTokenError(cause, scope);
  }
  return error;
}

async function needing<T>(scope: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw explainRefusal(error, scope);
  }
}

/** Calendly API v2, read-only: the token's user, the organization's members and pending invitations. */
export class CalendlyClient {
  /** `aboutMembers`: how many members the roster expects, for the progress said during long waits. */
  constructor(
    readonly http: VendorClient,
    private readonly aboutMembers?: number,
  ) {}

  me(): Promise<CalendlyUser> {
    return needing(CALENDLY_SCOPES.me, async () => {
      const { body } = await this.http.getJson<{ resource?: CalendlyUser }>('users/me');
      if (!body?.resource || typeof body.resource.uri !== 'string') {
        throw new IncompleteListingError('calendly /users/me: the response has no user resource');
      }
      return body.resource;
    });
  }

  memberships(organization: string): Promise<CalendlyMembership[]> {
    return needing(CALENDLY_SCOPES.memberships, () =>
      collectTokenPages<CalendlyMembership>(
        this.http,
        'organization_memberships',
        { organization },
        { aboutItems: this.aboutMembers },
      ),
    );
  }

  pendingInvitations(organization: string): Promise<CalendlyInvitation[]> {
    return needing(CALENDLY_SCOPES.invitations, () =>
      collectTokenPages<CalendlyInvitation>(
        this.http,
        `organizations/${encodeURIComponent(uuidOf(organization))}/invitations`,
        {
          status: 'pending',
        },
      ),
    );
  }

  async snapshot(): Promise<CalendlySnapshot> {
    const me = await this.me();
    const organization = me.current_organization;
    if (!organization) {
      throw new IncompleteListingError(
        "calendly /users/me: the token's user has no current_organization; " +
          'use a token of an organization owner or admin',
      );
    }
    // Side by side: the client's pacer keeps the requests in flight within Calendly's budget.
    const [memberships, invitations] = await settledAll([
      this.memberships(organization),
      this.pendingInvitations(organization),
    ]);
    assertPlausibleMemberships(me, organization, memberships);
    return { me, organization, memberships, invitations };
  }
}

/**
 * A listing no real organization could give is not taken as complete: the token's own user is a
 * member of their current organization, so a membership listing without them (empty, cut short,
 * filtered) would report the whole roster as missing. Nor may it hold another organization's
 * memberships. Either throws IncompleteListingError: the check fails instead of reporting.
 */
export function assertPlausibleMemberships(
  me: CalendlyUser,
  organization: string,
  memberships: readonly CalendlyMembership[],
): void {
  const own = uuidOf(me.uri);
  if (
    !memberships.some((membership) => typeof membership?.user?.uri === 'string' && uuidOf(membership.user.uri) === own)
  ) {
    throw new IncompleteListingError(
      `calendly /organization_memberships: the membership listing of organization ${organization} ` +
        `(${memberships.length} member(s)) ` +
        `does not contain the token's own user ${me.uri}: the listing is incomplete, so no finding is reported`,
    );
  }
  const orgUuid = uuidOf(organization);
  const stranger = memberships.find(
    (membership) => typeof membership?.organization === 'string' && uuidOf(membership.organization) !== orgUuid,
  );
  if (stranger) {
    throw new IncompleteListingError(
      `calendly /organization_memberships: the membership listing of organization ${organization} ` +
        'holds a membership of another organization ' +
        `(${stranger.organization}): the listing cannot be trusted, so no finding is reported`,
    );
  }
}
