import type { Query, VendorClient } from '../../http/client.js';
import { IncompleteListingError, pick } from '../../http/paginate.js';
import { aboutPages, type ListingProgress } from '../../http/wait-report.js';
import type { PdUser } from './types.js';

/** PagerDuty refuses `offset + limit > 10000` on classic pagination. */
export const PD_MAX_OFFSET = 10_000;
const PAGE_SIZE = 100;

interface OffsetPage {
  limit?: number;
  more?: boolean;
  total?: number | null;
  [collection: string]: unknown;
}

export interface Listing<T> {
  items: T[];
  /** From `total=true` on the first page; null when the API did not say. */
  total: number | null;
  /** More items follow than the offset cap lets us read: `items` is NOT the whole listing. */
  capped: boolean;
}

/**
 * One classic-pagination listing from offset 0, `total=true` on the first page (free: the same
 * request). Stops without paging further as soon as the total says the listing is past the cap;
 * `capped` then tells the caller to narrow it. Never throws for the cap itself.
 */
export async function readListing<T>(
  http: VendorClient,
  path: string,
  collection: string,
  query: Query,
  maxOffset = PD_MAX_OFFSET,
  project?: (item: unknown) => T,
): Promise<Listing<T>> {
  const items: T[] = [];
  let offset = 0;
  let total: number | null = null;
  for (;;) {
    const first = offset === 0;
    const progress: ListingProgress = {
      page: Math.floor(offset / PAGE_SIZE) + 1,
      aboutPages: aboutPages(total, PAGE_SIZE),
    };
    const { body } = await http.getJson<OffsetPage>(
      path,
      { ...query, limit: PAGE_SIZE, offset, ...(first ? { total: true } : {}) },
      progress,
    );
    const page = body?.[collection];
    if (!Array.isArray(page))
      throw new IncompleteListingError(`${http.vendor} ${path}: the response has no "${collection}" list`);
    items.push(...(project ? page.map(project) : (page as T[])));
    if (first && typeof body.total === 'number') total = body.total;
    if (!body.more) return { items, total, capped: false };
    if (total !== null && total > maxOffset) return { items, total, capped: true };
    if (page.length === 0)
      throw new IncompleteListingError(`${http.vendor} ${path}: says more items follow offset ${offset} but sent none`);
    const used = typeof body.limit === 'number' && body.limit > 0 ? body.limit : PAGE_SIZE;
    offset += used;
    if (offset + used > maxOffset) return { items, total, capped: true };
  }
}

/** What the audit reads of a user (the API sends many more fields, for 50,000 users). */
const pickUser = pick<PdUser>(['id', 'name', 'email', 'role', 'invitation_sent', 'time_zone']);

/**
 * Characters of email local parts (RFC 5322 atext and the dot), most common first; lower case
 * (the query ignores case).
 */
const LOCAL_PART_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789._-+'!#$%&*/=?^`{|}~";
const DOMAIN_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789.-';
const MAX_QUERY_LENGTH = 254;

export interface UserListingOptions {
  maxOffset?: number;
  /** Upper bound on requests spent narrowing one over-cap listing (default: 2000, or 3 per 100 users if more). */
  maxRequests?: number;
}

/**
 * Every PagerDuty user, even past the 10,000 offset cap.
 *
 * Below the cap this is one plain listing. Past it, `GET /users` is split with its `query` filter,
 * which PagerDuty documents as matching "users whose names or email addresses match the query"
 * (a case-insensitive substring match). A substring filter has no natural partition, but an email
 * has exactly one `@`: the query `x@` selects the users whose email's local part ends in `x`, and
 * those sets are disjoint for different `x` (names rarely hold an `@`; any that do only add
 * duplicates, which are merged by id). A set still past the cap is split again to the left
 * (`ax@`, `bx@`, …); users whose local part is exactly `x`, which no left extension reaches,
 * are then reached through the domain (`x@a`, `x@b`, …). The alphabet is the RFC 5322 one plus
 * every character seen in the emails read so far.
 *
 * The result is checked against the account's `total`: if the partitions found fewer distinct
 * users, or a partition cannot be narrowed (the filter returns everything, the query would be
 * longer than an email, the request budget runs out), this throws IncompleteListingError rather
 * than returning a partial listing as complete.
 */
export async function listAllUsers(http: VendorClient, options: UserListingOptions = {}): Promise<PdUser[]> {
  const maxOffset = options.maxOffset ?? PD_MAX_OFFSET;
  const root = await readListing<PdUser>(http, 'users', 'users', {}, maxOffset, pickUser);
  if (!root.capped) return root.items;
  if (root.total === null) {
    throw new IncompleteListingError(
      `${http.vendor} users: more than ${maxOffset} users and no total to check a partitioned listing against; ` +
        'the listing would be incomplete',
    );
  }
  return new UserPartitioner(
    http,
    root,
    maxOffset,
    options.maxRequests ?? Math.max(2000, 3 * Math.ceil(root.total / PAGE_SIZE)),
  ).run();
}

interface Probe {
  local: string;
  domain: string;
  total: number;
  capped: boolean;
}

class UserPartitioner {
  private readonly found = new Map<string, PdUser>();
  private readonly localChars = new Set(LOCAL_PART_CHARS);
  private readonly domainChars = new Set(DOMAIN_CHARS);
  private readonly startRequests: number;

  constructor(
    private readonly http: VendorClient,
    private readonly root: Listing<PdUser>,
    private readonly maxOffset: number,
    private readonly maxRequests: number,
  ) {
    this.startRequests = http.requestCount;
    this.add(root.items);
  }

  async run(): Promise<PdUser[]> {
    const total = this.root.total!;
    await this.split({ local: '', domain: '', total, capped: true });
    if (this.found.size < total) {
      throw new IncompleteListingError(
        `${this.http.vendor} users: more than ${this.maxOffset} users; the listings filtered by email found ` +
          `${this.found.size} of the ${total} users, so the listing would be incomplete`,
      );
    }
    return [...this.found.values()];
  }

  private add(users: PdUser[]): void {
    for (const user of users) {
      this.found.set(user.id, user);
      const email = typeof user.email === 'string' ? user.email.toLowerCase() : '';
      const at = email.lastIndexOf('@');
      if (at < 0) continue;
      for (const char of email.slice(0, at)) this.localChars.add(char);
      for (const char of email.slice(at + 1)) this.domainChars.add(char);
    }
  }

  private async probe(local: string, domain: string): Promise<Probe> {
    const query = `${local}@${domain}`;
    if (query.length > MAX_QUERY_LENGTH) {
      throw new IncompleteListingError(
        `${this.http.vendor} users: the partition "${query.slice(0, 40)}…" cannot be narrowed further; ` +
          'the listing would be incomplete',
      );
    }
    if (this.http.requestCount - this.startRequests >= this.maxRequests) {
      throw new IncompleteListingError(
        `${this.http.vendor} users: narrowing the listing past the ${this.maxOffset} offset cap ` +
          `needs more than ${this.maxRequests} requests; the listing would be incomplete`,
      );
    }
    const listing = await readListing<PdUser>(this.http, 'users', 'users', { query }, this.maxOffset, pickUser);
    this.add(listing.items);
    if (listing.capped && listing.total === null) {
      throw new IncompleteListingError(
        `${this.http.vendor} users?query=${query}: past the offset cap with no total; the listing would be incomplete`,
      );
    }
    return { local, domain, total: listing.total ?? listing.items.length, capped: listing.capped };
  }

  /** Splits a partition that is past the cap into narrower ones, recursively. */
  private async split(parent: Probe): Promise<void> {
    // Left extension while on the local part; the domain once the local part is exhausted.
    const left = parent.domain === '';
    const children = left
      ? await this.probeEach(this.localChars, (char) => this.probe(char + parent.local, ''))
      : await this.probeEach(this.domainChars, (char) => this.probe(parent.local, parent.domain + char));
    await this.descend(parent, children);

    // Users whose local part is exactly `parent.local` match the parent but none of its left
    // extensions: reach them through the domain.
    if (left && parent.local !== '') {
      const reached = children.reduce((sum, child) => sum + child.total, 0);
      if (reached < parent.total) {
        await this.descend(parent, await this.probeEach(this.domainChars, (char) => this.probe(parent.local, char)));
      }
    }
  }

  /** Probes one child per character, including characters first seen while probing. */
  private async probeEach(alphabet: Set<string>, probe: (char: string) => Promise<Probe>): Promise<Probe[]> {
    const children: Probe[] = [];
    const done = new Set<string>();
    for (;;) {
      const next = [...alphabet].find((char) => !done.has(char));
      if (next === undefined) return children;
      done.add(next);
      children.push(await probe(next));
    }
  }

  private async descend(parent: Probe, children: Probe[]): Promise<void> {
    const whole = children.filter((child) => child.total >= parent.total);
    if (children.length > 1 && whole.length === children.length) {
      throw new IncompleteListingError(
        `${this.http.vendor} users${parent.local || parent.domain ? `?query=${parent.local}@${parent.domain}` : ''}: ` +
          'the query filter does not narrow the listing ' +
          `(every narrower query returned all ${parent.total} users); the listing would be incomplete`,
      );
    }
    // A child that returned its whole parent is redundant when its siblings account for the parent.
    const othersReach = children
      .filter((child) => child.total < parent.total)
      .reduce((sum, child) => sum + child.total, 0);
    for (const child of children) {
      if (!child.capped) continue;
      if (child.total >= parent.total && othersReach >= parent.total) continue;
      await this.split(child);
    }
  }
}
