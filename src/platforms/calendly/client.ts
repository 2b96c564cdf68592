import { VendorClient, type VendorClientOptions } from '../../http/client.js';
import { IncompleteListingError, collectTokenPages } from '../../http/paginate.js';
import { settledAll } from '../../concurrency.js';
import { uuidOf, type CalendlyInvitation, type CalendlyMembership, type CalendlySnapshot, type CalendlyUser } from './types.js';

export function createCalendlyHttp(options: Omit<VendorClientOptions, 'vendor' | 'headers'> & { token: string }): VendorClient {
  const { token, ...rest } = options;
  return new VendorClient({
    ...rest,
    vendor: 'calendly',
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    },
  });
}

/** Calendly API v2, read-only: the token's user, the organization's members and pending invitations. */
export class CalendlyClient {
  constructor(readonly http: VendorClient) {}

  async me(): Promise<CalendlyUser> {
    const { body } = await this.http.getJson<{ resource?: CalendlyUser }>('users/me');
    if (!body?.resource || typeof body.resource.uri !== 'string') {
      throw new IncompleteListingError('calendly /users/me: the response has no user resource');
    }
    return body.resource;
  }

  memberships(organization: string): Promise<CalendlyMembership[]> {
    return collectTokenPages<CalendlyMembership>(this.http, 'organization_memberships', { organization });
  }

  pendingInvitations(organization: string): Promise<CalendlyInvitation[]> {
    return collectTokenPages<CalendlyInvitation>(this.http, `organizations/${encodeURIComponent(uuidOf(organization))}/invitations`, {
      status: 'pending',
    });
  }

  async snapshot(): Promise<CalendlySnapshot> {
    const me = await this.me();
    const organization = me.current_organization;
    if (!organization) {
      throw new IncompleteListingError('calendly /users/me: the token\'s user has no current_organization; use a token of an organization owner or admin');
    }
    // Side by side: the client's pacer keeps the requests in flight within Calendly's budget.
    const [memberships, invitations] = await settledAll([this.memberships(organization), this.pendingInvitations(organization)]);
    return { me, organization, memberships, invitations };
  }
}
