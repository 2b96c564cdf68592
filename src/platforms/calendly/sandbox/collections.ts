import { compareCodeUnits } from '../../../domain/locale.js';
import { json, type FakeResponse } from '../../../sandbox/fake-server.js';
import type { ListingCache } from '../../../sandbox/listing-cache.js';
import { decodeCursor, encodeCursor, listingOf } from '../../../sandbox/page-cursor.js';
import type { CalendlyData, CalendlyMemberSeed } from './data.js';
import { invalid, permissionDenied } from './errors.js';
import type { CalendlyRenderer } from './render.js';

export const CALENDLY_MAX_COUNT = 100;
export const CALENDLY_DEFAULT_COUNT = 20;

/** The fake's two collections, organization memberships and invitations, a page at a time. */
export class CalendlyCollections {
  private emailIndex?: Map<string, CalendlyMemberSeed[]>;

  constructor(
    private readonly data: CalendlyData,
    private readonly render: CalendlyRenderer,
    private readonly listings: ListingCache,
    /** User uuids left out of the memberships listing. */
    private readonly omitFromMemberships: ReadonlySet<string>,
  ) {}

  /** `GET /organization_memberships`: by `organization` or `user`, filtered by `email` and `role`. */
  memberships(path: string, params: URLSearchParams): FakeResponse {
    const organization = params.get('organization');
    const user = params.get('user');
    if (!organization && !user) return invalid('organization', 'organization or user is required');
    if (organization && organization !== this.render.organizationUri) return permissionDenied();
    const email = params.get('email')?.toLowerCase();
    const role = params.get('role');
    const select = (from: CalendlyMemberSeed[]) =>
      from
        .filter((m) => !this.omitFromMemberships.has(m.uuid))
        .filter((m) => !user || this.render.userUri(m.uuid) === user)
        .filter((m) => !email || m.email.toLowerCase() === email)
        .filter((m) => !role || m.role === role)
        .sort((a, b) => compareCodeUnits(a.created_at, b.created_at) || compareCodeUnits(a.uuid, b.uuid));
    // Memoized: a lookup by email (one request per person, as a naive audit does) uses an index.
    const members =
      this.listings.enabled && email
        ? select(this.membersByEmail().get(email) ?? [])
        : this.listings.get(`memberships?${user ?? ''}&${email ?? ''}&${role ?? ''}`, () =>
            select([...this.data.members]),
          );
    return this.page(path, params, members, (m) => this.render.membership(m));
  }

  /** `GET /organizations/{uuid}/invitations`: filtered by `status` and `email`, sorted by `sort`. */
  invitations(path: string, params: URLSearchParams): FakeResponse {
    const status = params.get('status');
    if (status && !['pending', 'accepted', 'declined'].includes(status))
      return invalid('status', 'must be one of pending, accepted, declined');
    const sort = params.get('sort') ?? 'created_at:asc';
    if (!['created_at:asc', 'created_at:desc'].includes(sort))
      return invalid('sort', 'must be created_at:asc or created_at:desc');
    const email = params.get('email')?.toLowerCase();
    const invitations = this.listings.get(`invitations?${status ?? ''}&${email ?? ''}&${sort}`, () => {
      const sorted = [...this.data.invitations]
        .filter((i) => !status || i.status === status)
        .filter((i) => !email || i.email.toLowerCase() === email)
        .sort((a, b) => compareCodeUnits(a.created_at, b.created_at) || compareCodeUnits(a.uuid, b.uuid));
      return sort === 'created_at:desc' ? sorted.reverse() : sorted;
    });
    return this.page(path, params, invitations, (i) => this.render.invitation(i));
  }

  private membersByEmail(): Map<string, CalendlyMemberSeed[]> {
    if (!this.emailIndex) {
      this.emailIndex = new Map();
      for (const m of this.data.members) {
        const key = m.email.toLowerCase();
        this.emailIndex.set(key, [...(this.emailIndex.get(key) ?? []), m]);
      }
    }
    return this.emailIndex;
  }

  /** One page of a collection, with Calendly's pagination object. */
  private page<T>(path: string, params: URLSearchParams, items: T[], render: (item: T) => unknown): FakeResponse {
    const countRaw = params.get('count');
    let count = CALENDLY_DEFAULT_COUNT;
    if (countRaw !== null) {
      if (!/^\d+$/.test(countRaw)) return invalid('count', 'must be an integer');
      count = Number(countRaw);
      if (count < 1 || count > CALENDLY_MAX_COUNT)
        return invalid('count', `must be between 1 and ${CALENDLY_MAX_COUNT}`);
    }
    // The token binds the listing (path and filters, not count or token) and the offset.
    const { key } = listingOf(path, params, ['count', 'page_token']);
    let offset = 0;
    const token = params.get('page_token');
    if (token !== null) {
      const decoded = decodeCursor(token);
      if (!decoded || decoded.k !== key) return invalid('page_token', 'is invalid');
      offset = decoded.o;
    }
    const slice = items.slice(offset, offset + count);
    const nextToken = offset + count < items.length ? encodeCursor({ k: key, o: offset + count }) : null;
    const previousToken = offset > 0 ? encodeCursor({ k: key, o: Math.max(0, offset - count) }) : null;
    const link = (pageToken: string | null) => {
      if (pageToken === null) return null;
      const query = new URLSearchParams(params);
      query.set('count', String(count));
      query.set('page_token', pageToken);
      return `${this.render.apiUrl}${path}?${query.toString()}`;
    };
    return json(200, {
      collection: slice.map(render),
      pagination: {
        count: slice.length,
        next_page: link(nextToken),
        previous_page: link(previousToken),
        next_page_token: nextToken,
        previous_page_token: previousToken,
      },
    });
  }
}
