import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Groups, IssueNotes, Issues, ProjectLabels, ProjectMembers, Users } from '@gitbeaker/rest';
import type { Clock, Sleep } from '../clock.js';
import type { Logger } from '../log.js';
import { createGitLabRequester } from './requester.js';
import { mapConcurrently } from '../concurrency.js';
import { HttpError, RetriesExhaustedError } from '../http/errors.js';
import { scrubSecrets } from '../secrets.js';
import { markerJson } from '../domain/markers.js';

const LEASE_PREFIX = 'audit-bot lease until ';
const CLOCK_SKEW_MS = 5 * 60_000;
/**
 * `audit-bot lease until <ISO date> by <run id> sig <seal>`. The seal is keyed with GITLAB_TOKEN: a
 * lock label anyone else wrote (or a lease of an older version, with no seal) is not the bot's.
 */
const LEASE_DESCRIPTION = /^audit-bot lease until (\S+)(?: by (\S+))?(?: sig (\S+))?/;
import type {
  IssueChanges,
  IssueFilter,
  NewIssue,
  TrackedIssue,
  TrackedNote,
  TrackedUser,
  Tracker,
} from './tracker.js';

export interface GitLabTrackerOptions {
  url: string;
  token: string;
  project: string;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  /** Milliseconds one request may take (default 30 s). */
  timeoutMs?: number;
  onRequest?: (method: string, path: string) => void;
  /**
   * The run's known secrets: masked in everything written to GitLab (notes, descriptions, titles,
   * labels) and in error bodies.
   */
  secrets?: readonly string[];
}

interface RawIssue {
  iid: number;
  title: string;
  description: string | null;
  labels: (string | { name: string })[];
  state: string;
  confidential: boolean;
  web_url: string;
  created_at: string;
  closed_by?: { username: string } | null;
  closed_at?: string | null;
  author?: { username: string } | null;
  updated_at?: string;
}

interface RawNote {
  id: number;
  body: string;
  author: { username: string };
  system: boolean;
  created_at: string;
  updated_at: string;
}

/** The seal of a lease description: only a holder of GITLAB_TOKEN can write one. */
function leaseSeal(token: string, name: string, until: string, runId: string): string {
  return createHmac('sha256', `audit-bot lease\u0000${token}`)
    .update(`${name}\u0000${until}\u0000${runId}`)
    .digest('base64url')
    .slice(0, 32);
}

/** A lock label's description as a run of the bot writes it (exported for tests that leave a killed run's lease). */
export function leaseDescription(token: string, name: string, until: string, runId: string): string {
  return `${LEASE_PREFIX}${until} by ${runId} sig ${leaseSeal(token, name, until, runId)}`;
}

export class GitLabTracker implements Tracker {
  readonly dryRun = false;
  private readonly api: {
    Users: Users;
    Issues: Issues;
    IssueNotes: IssueNotes;
    ProjectLabels: ProjectLabels;
    ProjectMembers: ProjectMembers;
    Groups: Groups;
  };
  private username?: string;
  /** Names this run's leases, so a lease it created but whose answer was lost is known as its own. */
  private readonly runId = randomUUID();

  constructor(private readonly options: GitLabTrackerOptions) {
    // Only the resources the bot uses: `new Gitlab()` builds all 300 of gitbeaker's, each with its own rate limiters.
    const requesterFn = createGitLabRequester(options);
    // No queryTimeout: the requester times each request out itself (gitbeaker's would add an abort
    // signal and a timer to every read).
    const config = { host: options.url.replace(/\/+$/, ''), token: options.token, requesterFn, queryTimeout: null };
    this.api = {
      Users: new Users(config),
      Issues: new Issues(config),
      IssueNotes: new IssueNotes(config),
      ProjectLabels: new ProjectLabels(config),
      ProjectMembers: new ProjectMembers(config),
      Groups: new Groups(config),
    };
  }

  /**
   * The write boundary: nothing goes to GitLab with a known secret in it (a template, a vendor's
   * text or a platform name that carries one), masked as the logs mask it.
   */
  private scrub(text: string): string {
    return this.secretForms.length === 0 ? text : scrubSecrets(text, this.secretForms);
  }

  private get secretForms(): string[] {
    // As written, JSON-escaped, and as a marker writes it (hidden state may quote platform text).
    this.forms ??= [
      ...new Set(
        (this.options.secrets ?? []).flatMap((secret) => [
          secret,
          JSON.stringify(secret).slice(1, -1),
          markerJson(secret).slice(1, -1),
        ]),
      ),
    ];
    return this.forms;
  }

  private forms?: string[];

  private leaseSeal(name: string, until: string, runId: string): string {
    return leaseSeal(this.options.token, name, until, runId);
  }

  private sealedLease(name: string, until: string, runId: string | undefined, seal: string | undefined): boolean {
    if (!runId || !seal) return false;
    const expected = Buffer.from(this.leaseSeal(name, until, runId));
    const given = Buffer.from(seal);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  async currentUsername(): Promise<string> {
    this.username ??= ((await this.api.Users.showCurrentUser()) as unknown as { username: string }).username;
    return this.username;
  }

  async findIssues(
    labels: string[],
    state: 'opened' | 'closed' | 'all',
    filter: IssueFilter = {},
  ): Promise<TrackedIssue[]> {
    const raw = await allPages<RawIssue>(
      (page) =>
        this.api.Issues.all({
          projectId: this.options.project,
          labels: labels.length > 0 ? labels.join(',') : undefined,
          state: state === 'all' ? undefined : state,
          scope: filter.ownOnly ? 'created_by_me' : undefined,
          createdAfter: filter.createdAfter?.toISOString(),
          updatedAfter: filter.updatedAfter?.toISOString(),
          orderBy: 'created_at',
          sort: 'asc',
          perPage: 100,
          page,
          showExpanded: true,
        } as never) as never,
    );
    return raw.map(toIssue);
  }

  async getIssue(iid: number): Promise<TrackedIssue> {
    return toIssue((await this.api.Issues.show(iid, { projectId: this.options.project })) as unknown as RawIssue);
  }

  async createIssue(issue: NewIssue): Promise<TrackedIssue> {
    const raw = await this.api.Issues.create(this.options.project, this.scrub(issue.title), {
      description: this.scrub(issue.description),
      labels: this.scrub(issue.labels.join(',')),
      confidential: issue.confidential,
    });
    return toIssue(raw as unknown as RawIssue);
  }

  async updateIssue(iid: number, changes: IssueChanges): Promise<TrackedIssue> {
    const raw = await this.api.Issues.edit(this.options.project, iid, {
      description: changes.description === undefined ? undefined : this.scrub(changes.description),
      addLabels: changes.addLabels === undefined ? undefined : this.scrub(changes.addLabels.join(',')),
      removeLabels: changes.removeLabels?.join(','),
      stateEvent: changes.stateEvent,
      confidential: changes.confidential,
    });
    return toIssue(raw as unknown as RawIssue);
  }

  async listNotes(iid: number): Promise<TrackedNote[]> {
    const raw = await allPages<RawNote>((page) =>
      this.api.IssueNotes.all(this.options.project, iid, {
        sort: 'asc',
        orderBy: 'created_at',
        perPage: 100,
        page,
        showExpanded: true,
      }),
    );
    return raw.map(toNote);
  }

  async recentNotes(iid: number, count: number): Promise<TrackedNote[]> {
    // `page` makes gitbeaker stop after this one page.
    const raw = (await this.api.IssueNotes.all(this.options.project, iid, {
      sort: 'desc',
      orderBy: 'updated_at',
      perPage: count,
      page: 1,
    })) as unknown as RawNote[];
    return raw.map(toNote);
  }

  /**
   * A project label is the lock: GitLab creates a label name once (409 for the second), which
   * makes creation an atomic test-and-set. Its description holds the expiry, so a lease left by
   * a killed run is taken over once it has expired, and this run's id, so a create whose answer
   * was lost (and was retried into a 409) is recognised as this run's own lease. It is sealed with
   * a key from GITLAB_TOKEN: a lock label the bot did not write (anyone who may create labels can
   * name one `audit-bot-lock-…`, even in the bot's format) is never honoured. It is removed, the
   * lease taken, and the log says so (a warning naming the label, and what to do if it recurs).
   */
  async acquireLease(name: string, now: Date, expires: Date): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const until = expires.toISOString();
        await this.api.ProjectLabels.create(this.options.project, name, '#808080', {
          description: leaseDescription(this.options.token, name, until, this.runId),
        });
        return true;
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
      let label: { description?: string | null };
      try {
        label = await this.api.ProjectLabels.show(this.options.project, name);
      } catch (error) {
        if (statusOf(error) === 404) continue; // released in between: try again
        throw error;
      }
      const [, until, owner, seal] = LEASE_DESCRIPTION.exec(label.description ?? '') ?? [];
      const sealed = until !== undefined && this.sealedLease(name, until, owner, seal);
      if (sealed && owner === this.runId) return true;
      const untilMs = Date.parse(until ?? '');
      // No run of the bot leases for longer than this one asks to: an expiry further ahead is not a
      // lease the bot took, and would block every run until then. Ahead of the real time too (a run
      // may step through time with --now), with room for runners' clocks to differ.
      const longest = Math.max(expires.getTime(), Date.now() + (expires.getTime() - now.getTime())) + CLOCK_SKEW_MS;
      if (sealed && !Number.isNaN(untilMs) && untilMs > now.getTime() && untilMs <= longest) return false;
      if (!sealed) {
        this.options.logger.warn(
          { lease: name, description: (label.description ?? '').slice(0, 200) },
          `the lock label ${name} was not written by this bot (no valid seal): removed and taken. ` +
            'If it keeps coming back, find who creates labels named audit-bot-lock-… in the project ' +
            '(only the bot should).',
        );
      } else if (untilMs <= now.getTime()) {
        this.options.logger.info(
          { lease: name, until },
          `the lease ${name} expired at ${until} (a killed run's): taken over`,
        );
      }
      await this.releaseLease(name);
    }
    return false;
  }

  async releaseLease(name: string): Promise<void> {
    try {
      await this.api.ProjectLabels.remove(this.options.project, name);
    } catch (error) {
      // Gone already (or a retried delete whose first try landed).
      if (statusOf(error) !== 404) throw error;
    }
  }

  async createNote(iid: number, body: string): Promise<TrackedNote> {
    const raw = await this.api.IssueNotes.create(this.options.project, iid, this.scrub(body));
    return toNote(raw);
  }

  async findUser(username: string): Promise<TrackedUser | undefined> {
    const users = (await this.api.Users.all({ username, perPage: 20, page: 1 } as never)) as unknown as {
      id: number;
      username: string;
      state: string;
    }[];
    const user = users.find((candidate) => candidate.username.toLowerCase() === username.toLowerCase());
    return user ? { id: user.id, username: user.username, state: user.state } : undefined;
  }

  async isGroup(path: string): Promise<boolean> {
    try {
      await this.api.Groups.show(path);
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  async projectAccessLevel(userId: number): Promise<number | null> {
    try {
      const member = (await this.api.ProjectMembers.show(this.options.project, userId, {
        includeInherited: true,
      })) as unknown as {
        access_level: number;
        membership_state?: string;
      };
      // A membership awaiting approval (or an invitation not yet accepted) does not let them read the project.
      return member.membership_state !== undefined && member.membership_state !== 'active' ? null : member.access_level;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }
}

interface ExpandedPage<T> {
  data: T[];
  paginationInfo: { next: number | null; totalPages: number };
}

/** Pages read side by side once the first page has told how many there are. */
const PAGES_AT_ONCE = 4;

/**
 * Every page of an offset-paginated listing (`page` counts from 1). The first page gives the
 * number of pages (X-Total-Pages), and the rest are read side by side. GitLab leaves that header
 * out past 10,000 items; the pages then follow one another until X-Next-Page is empty.
 */
async function allPages<T>(read: (page: number) => Promise<ExpandedPage<T>>): Promise<T[]> {
  const first = await read(1);
  const { totalPages } = first.paginationInfo;
  if (Number.isFinite(totalPages)) {
    const rest = await mapConcurrently(
      Array.from({ length: Math.max(0, totalPages - 1) }, (_, index) => index + 2),
      PAGES_AT_ONCE,
      async (page) => (await read(page)).data,
    );
    return first.data.concat(...rest);
  }
  const items = [...first.data];
  for (let next = first.paginationInfo.next; next;) {
    const page = await read(next);
    items.push(...page.data);
    next = page.paginationInfo.next;
  }
  return items;
}

function toIssue(raw: RawIssue): TrackedIssue {
  return {
    iid: raw.iid,
    title: raw.title,
    description: raw.description ?? '',
    labels: raw.labels.map((label) => (typeof label === 'string' ? label : label.name)),
    state: raw.state === 'closed' ? 'closed' : 'opened',
    confidential: raw.confidential,
    webUrl: raw.web_url,
    createdAt: raw.created_at,
    closedBy: raw.closed_by?.username ?? null,
    closedAt: raw.closed_at ?? null,
    ...(raw.author?.username ? { author: raw.author.username } : {}),
    ...(raw.updated_at ? { updatedAt: raw.updated_at } : {}),
  };
}

function toNote(raw: RawNote): TrackedNote {
  // GitLab answers 202 without a note when a body held nothing but quick actions; the bot never posts one.
  if (!raw.author) throw new Error('GitLab created no note: the body held only quick actions');
  return {
    id: raw.id,
    body: raw.body,
    author: raw.author.username,
    system: raw.system,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

/** The HTTP status behind an error, also when retries came first (a 502, then the 409 of the retry). */
function statusOf(error: unknown): number | undefined {
  const cause = error instanceof RetriesExhaustedError ? error.lastError : error;
  return cause instanceof HttpError ? cause.status : undefined;
}
