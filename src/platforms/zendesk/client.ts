import { VendorClient, type VendorClientOptions } from '../../http/client.js';
import { HttpError, RetriesExhaustedError } from '../../http/errors.js';
import { IncompleteListingError, collectCursorPages, pick } from '../../http/paginate.js';
import { settledAll } from '../../concurrency.js';
import type { ZdApiToken, ZdCustomRole, ZdGroup, ZdGroupMembership, ZdTokenListing, ZdUser, ZendeskSnapshot } from './types.js';

/** Basic auth as Zendesk documents it for API tokens: `{email}/token:{api_token}`. */
export function createZendeskHttp(options: Omit<VendorClientOptions, 'vendor' | 'headers'> & { email: string; token: string }): VendorClient {
  const { email, token, ...rest } = options;
  return new VendorClient({
    ...rest,
    vendor: 'zendesk',
    headers: {
      authorization: `Basic ${Buffer.from(`${email}/token:${token}`).toString('base64')}`,
      accept: 'application/json',
    },
  });
}

/** Zendesk Support API v2, read-only: agents and admins, group memberships, groups, custom roles, API tokens. */
export class ZendeskClient {
  constructor(readonly http: VendorClient) {}

  /** Every agent and admin (suspended ones included), cursor-paginated 100 at a time. */
  users(onFirstPage?: () => void): Promise<ZdUser[]> {
    return collectCursorPages<ZdUser>(this.http, 'api/v2/users', 'users', { 'role[]': ['agent', 'admin'] }, { project: slimUser, onFirstPage });
  }

  /** Every group membership of the account, in bulk (never one request per user). */
  memberships(): Promise<ZdGroupMembership[]> {
    return collectCursorPages<ZdGroupMembership>(this.http, 'api/v2/group_memberships', 'group_memberships', {}, { project: slimMembership });
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
      if (!Array.isArray(body?.custom_roles)) throw new IncompleteListingError('zendesk /api/v2/custom_roles: the response has no "custom_roles" list');
      return body.custom_roles as ZdCustomRole[];
    } catch (error) {
      const status = httpStatus(error);
      if (status === 403 || status === 404) {
        const withRole = (await users).find((user) => user.custom_role_id != null);
        if (!withRole) return [];
        throw new IncompleteListingError(
          `zendesk /api/v2/custom_roles answered HTTP ${status}, but user ${withRole.id} has custom_role_id ${withRole.custom_role_id}: roles cannot be compared`,
        );
      }
      throw error;
    }
  }

  /**
   * Every API token (the endpoint is not paginated). A 404 means token access is disabled (or
   * the deprecated endpoint is gone): that is reported as such, never as "no tokens". Any other
   * failure fails the audit.
   */
  async apiTokens(): Promise<ZdTokenListing> {
    try {
      const { body } = await this.http.getJson<{ api_tokens?: unknown; next_page?: unknown }>('api/v2/api_tokens');
      if (!Array.isArray(body?.api_tokens)) throw new IncompleteListingError('zendesk /api/v2/api_tokens: the response has no "api_tokens" list');
      if (typeof body.next_page === 'string' && body.next_page !== '') {
        throw new IncompleteListingError('zendesk /api/v2/api_tokens: the response says more tokens follow (next_page); the listing would be incomplete');
      }
      return { available: true, tokens: body.api_tokens as ZdApiToken[] };
    } catch (error) {
      if (httpStatus(error) === 404) return { available: false, status: 404, reason: (unwrap(error) as HttpError).bodyExcerpt };
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
      return settledAll([this.memberships(), this.groups(), this.customRoles(listedUsers), this.apiTokens()]);
    })();
    const [users, [memberships, groups, customRoles, tokens]] = await settledAll([listedUsers, others]);
    return { users, memberships, groups, customRoles, tokens };
  }
}

/* What the audit reads of users, memberships and groups (types.ts), not the dozens of fields per user the API sends. */
const slimUser = pick<ZdUser>(['id', 'name', 'email', 'role', 'role_type', 'custom_role_id', 'active', 'suspended', 'last_login_at', 'created_at', 'two_factor_auth_enabled']);
const slimMembership = pick<ZdGroupMembership>(['id', 'user_id', 'group_id', 'default']);
const slimGroup = pick<ZdGroup>(['id', 'name', 'deleted']);

/** The failure behind retries (a 429 answered, then a 404 on the retry). */
function unwrap(error: unknown): unknown {
  return error instanceof RetriesExhaustedError ? error.lastError : error;
}

function httpStatus(error: unknown): number | undefined {
  const cause = unwrap(error);
  return cause instanceof HttpError ? cause.status : undefined;
}
