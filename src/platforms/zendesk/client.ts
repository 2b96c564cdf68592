import { VendorClient, type VendorClientOptions } from '../../http/client.js';
import { ZENDESK_RATE_LIMIT_HEADERS } from './rate-limit.js';
import { HttpError, RetriesExhaustedError } from '../../http/errors.js';
import { IncompleteListingError, collectCursorPages, pick } from '../../http/paginate.js';
import { settledAll } from '../../concurrency.js';
import type { ZendeskAuth } from './auth.js';
import type {
  ZdApiToken,
  ZdCustomRole,
  ZdGroup,
  ZdGroupMembership,
  ZdOAuthClient,
  ZdOAuthToken,
  ZdOAuthTokenListing,
  ZdTokenListing,
  ZdUser,
  ZendeskSnapshot,
} from './types.js';

/** A client of one instance, logged in as `auth` says (an OAuth client, or the API-token pair). */
export function createZendeskHttp(
  options: Omit<VendorClientOptions, 'vendor' | 'headers' | 'credentials' | 'rateLimitHeaders'> & { auth: ZendeskAuth },
): VendorClient {
  const { auth, ...rest } = options;
  return new VendorClient({
    ...rest,
    vendor: 'zendesk',
    rateLimitHeaders: ZENDESK_RATE_LIMIT_HEADERS,
    headers: { ...auth.headers, accept: 'application/json' },
    credentials: auth.credentials,
  });
}

/** Zendesk Support API v2, read-only: agents and admins, group memberships, groups, custom roles, API tokens. */
export class ZendeskClient {
  /**
   * `ownClient`: the identifier of the OAuth client the audit logs in with, if it does.
   * `aboutUsers`: how many agents and admins the roster expects, for the progress said during long waits.
   */
  constructor(
    readonly http: VendorClient,
    private readonly ownClient?: string,
    private readonly aboutUsers?: number,
  ) {}

  /** Every agent and admin (suspended ones included), cursor-paginated 100 at a time. */
  users(onFirstPage?: () => void): Promise<ZdUser[]> {
    return collectCursorPages<ZdUser>(
      this.http,
      'api/v2/users',
      'users',
      { 'role[]': ['agent', 'admin'] },
      { project: slimUser, onFirstPage, aboutItems: this.aboutUsers },
    );
  }

  /** Every group membership of the account, in bulk (never one request per user). */
  memberships(): Promise<ZdGroupMembership[]> {
    return collectCursorPages<ZdGroupMembership>(
      this.http,
      'api/v2/group_memberships',
      'group_memberships',
      {},
      { project: slimMembership },
    );
  }

  groups(): Promise<ZdGroup[]> {
    return collectCursorPages<ZdGroup>(this.http, 'api/v2/groups', 'groups', {}, { project: slimGroup });
  }

  /**
   * Custom roles (Enterprise; not paginated). Below Enterprise the endpoint is refused (403/404)
   * and agents carry no custom_role_id, so an empty list is exact. A refusal while some agent
   * does carry a custom_role_id would leave roles unnamed: that fails the audit instead.
   */
  async customRoles(users: ZdUser[] | Promise<ZdUser[]>): Promise<ZdCustomRole[]> {
    try {
      const { body } = await this.http.getJson<{ custom_roles?: unknown }>('api/v2/custom_roles');
      if (!Array.isArray(body?.custom_roles))
        throw new IncompleteListingError('zendesk /api/v2/custom_roles: the response has no "custom_roles" list');
      return body.custom_roles as ZdCustomRole[];
    } catch (error) {
      const status = httpStatus(error);
      if (status === 403 || status === 404) {
        const withRole = (await users).find((user) => user.custom_role_id != null);
        if (!withRole) return [];
        throw new IncompleteListingError(
          `zendesk /api/v2/custom_roles answered HTTP ${status}, ` +
            `but user ${withRole.id} has custom_role_id ${withRole.custom_role_id}: roles cannot be compared`,
        );
      }
      throw error;
    }
  }

  /** The user the credentials act as: an admin, whom the listing of agents and admins must contain. */
  async me(): Promise<ZdUser> {
    const { body } = await this.http.getJson<{ user?: unknown }>('api/v2/users/me');
    const user = body?.user as ZdUser | undefined;
    if (!user || typeof user !== 'object' || typeof user.id !== 'number') {
      throw new IncompleteListingError(
        'zendesk /api/v2/users/me: the response names no user, so the audit cannot tell whom its credentials act as',
      );
    }
    const me = slimUser(user);
    assertAdmin(me);
    return me;
  }

  /** Every OAuth client of the instance (admins only), cursor-paginated. */
  oauthClients(): Promise<ZdOAuthClient[]> {
    return collectCursorPages<ZdOAuthClient>(this.http, 'api/v2/oauth/clients', 'clients', {}, { project: slimClient });
  }

  /**
   * Every OAuth access token of every user (`all=true`, admins only), to tell which clients hold
   * live tokens. A refusal (403/404) is reported as such, never as "no tokens".
   */
  async oauthTokens(): Promise<ZdOAuthTokenListing> {
    try {
      const tokens = await collectCursorPages<ZdOAuthToken>(
        this.http,
        'api/v2/oauth/tokens',
        'tokens',
        { all: 'true' },
        { project: slimOAuthToken },
      );
      return { available: true, tokens };
    } catch (error) {
      const status = httpStatus(error);
      if (status === 403 || status === 404)
        return { available: false, status, reason: (unwrap(error) as HttpError).bodyExcerpt };
      throw error;
    }
  }

  /**
   * Every API token (the endpoint is not paginated). A 404 means token access is disabled (or
   * the deprecated endpoint is gone): that is reported as such, never as "no tokens". A 403 means
   * the credentials do not act as an admin. Any other failure fails the audit.
   */
  async apiTokens(): Promise<ZdTokenListing> {
    try {
      const { body } = await this.http.getJson<{ api_tokens?: unknown; next_page?: unknown }>('api/v2/api_tokens');
      if (!Array.isArray(body?.api_tokens))
        throw new IncompleteListingError('zendesk /api/v2/api_tokens: the response has no "api_tokens" list');
      if (typeof body.next_page === 'string' && body.next_page !== '') {
        throw new IncompleteListingError(
          'zendesk /api/v2/api_tokens: the response says more tokens follow (next_page); ' +
            'the listing would be incomplete',
        );
      }
      return { available: true, tokens: body.api_tokens as ZdApiToken[] };
    } catch (error) {
      if (httpStatus(error) === 404)
        return { available: false, status: 404, reason: (unwrap(error) as HttpError).bodyExcerpt };
      if (httpStatus(error) === 403) {
        throw new ZendeskPermissionError(
          'zendesk GET /api/v2/api_tokens answered HTTP 403: listing API tokens is for admins. ' +
            "The user the audit's credentials act as " +
            '(the admin who owns the OAuth client, or ZENDESK_EMAIL) must be an admin of this instance.',
        );
      }
      throw error;
    }
  }

  async snapshot(): Promise<ZendeskSnapshot> {
    // The first page of users alone (wrong credentials cost one refused request, not five), then
    // the other listings side by side with the rest of it: the client's pacer keeps the requests
    // in flight within Zendesk's budget.
    let firstPageRead!: () => void;
    const usersStarted = new Promise<void>((resolve) => (firstPageRead = resolve));
    const listedUsers = this.users(() => firstPageRead());
    const others = (async () => {
      await Promise.race([usersStarted, listedUsers]);
      return settledAll([
        this.me(),
        this.memberships(),
        this.groups(),
        this.customRoles(listedUsers),
        this.apiTokens(),
        this.oauthClients(),
        this.oauthTokens(),
      ]);
    })();
    const [users, [me, memberships, groups, customRoles, tokens, oauthClients, oauthTokens]] = await settledAll([
      listedUsers,
      others,
    ]);
    assertListsItself(users, me);
    return {
      users,
      memberships,
      groups,
      customRoles,
      tokens,
      oauthClients,
      oauthTokens,
      me,
      ...(this.ownClient ? { ownClient: this.ownClient } : {}),
    };
  }
}

/** The credentials act as someone who cannot read what the audit needs. */
export class ZendeskPermissionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZendeskPermissionError';
  }
}

function assertAdmin(me: ZdUser): void {
  if (me.role !== 'admin') {
    throw new ZendeskPermissionError(
      `zendesk: the audit's credentials act as user ${me.id} (role ${me.role}), not as an admin: ` +
        'the audit reads admin-only listings (API tokens, OAuth clients). ' +
        "Use an OAuth client created by an admin, or an admin's ZENDESK_EMAIL.",
    );
  }
}

/**
 * A listing of agents and admins that lacks the very user the audit reads it as is not a real
 * account's listing (a proxy, a sandbox, a broken page): taking it as complete would report every
 * roster person as missing. The audit's user must be an admin besides.
 */
export function assertListsItself(users: ZdUser[], me: ZdUser): void {
  assertAdmin(me);
  if (!users.some((user) => user.id === me.id)) {
    throw new IncompleteListingError(
      `zendesk /api/v2/users: the listing of ${users.length} agents and admins does not contain user ${me.id}, ` +
        "the admin the audit's credentials act as: the listing is not complete, and nothing is reported from it",
    );
  }
}

/* What the audit reads of users, memberships and groups (types.ts), not the dozens of fields per user the API sends. */
const slimUser = pick<ZdUser>([
  'id',
  'name',
  'email',
  'role',
  'role_type',
  'custom_role_id',
  'active',
  'suspended',
  'last_login_at',
  'created_at',
  'two_factor_auth_enabled',
]);
const slimMembership = pick<ZdGroupMembership>(['id', 'user_id', 'group_id', 'default']);
const slimGroup = pick<ZdGroup>(['id', 'name', 'deleted']);
const slimClient = pick<ZdOAuthClient>([
  'id',
  'name',
  'identifier',
  'kind',
  'user_id',
  'company',
  'created_at',
  'global',
]);
const slimOAuthToken = pick<ZdOAuthToken>([
  'id',
  'client_id',
  'user_id',
  'created_at',
  'expires_at',
  'used_at',
  'scopes',
]);

/** The failure behind retries (a 429 answered, then a 404 on the retry). */
function unwrap(error: unknown): unknown {
  return error instanceof RetriesExhaustedError ? error.lastError : error;
}

function httpStatus(error: unknown): number | undefined {
  const cause = unwrap(error);
  return cause instanceof HttpError ? cause.status : undefined;
}
