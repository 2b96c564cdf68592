import { FakeServer, type Fault, type FakeRequest, type FakeResponse } from './fake-server.js';
import { compareNames } from '../domain/locale.js';
import { GITLAB_DESCRIPTION_LIMIT, GITLAB_NOTE_LIMIT } from '../domain/note-size.js';

/**
 * A local fake of the GitLab REST API v4, close enough to the real thing that code using
 * @gitbeaker/rest works against it unchanged: same routes, JSON shapes, status codes, error
 * bodies, offset pagination headers (x-* and an RFC 5988 Link header that gitbeaker follows),
 * GitLab's 429 (`Retry later`, Retry-After, RateLimit-*), and quick actions executed from notes
 * and descriptions with GitLab's own rules (a command only counts at the very start of a line,
 * outside fenced code, `>>>` quotes and HTML blocks; a note made only of commands is not created
 * and the API answers 202 with `commands_changes` and `summary`).
 *
 * One project (id 1, or its URL-encoded path). State lives in memory; the direct helpers
 * (`issues()`, `notesOf()`, `addNote()`, `addIssue()`, ...) let tests and the demo look and act
 * without HTTP.
 */

export interface GitLabSandboxUser {
  id: number;
  username: string;
  name: string;
  /** Marks a bot account (project access tokens are bots). */
  bot?: boolean;
  /** Default 'active'. */
  state?: 'active' | 'blocked' | 'deactivated';
}

export interface GitLabSandboxOptions {
  /** e.g. 'support-ops/audits'; the project's id is 1. */
  projectPath: string;
  /** All known users; include the bot. */
  users: GitLabSandboxUser[];
  /** token -> username (the bot's token and tokens for people who reply). */
  tokens: Record<string, string>;
  /** Issue template name -> content (GET /projects/:id/templates/issues/:name). */
  templates?: Record<string, string>;
  /** Clock for created_at/updated_at/closed_at (default: real time). */
  now?: () => Date;
  /**
   * A note posted over HTTP is dated this many ms after the clock's time of the request, as GitLab
   * dates a note a few seconds after the run that posts it started (default 0). Settable later too.
   */
  noteDelayMs?: number;
  /** Requests per sliding window (default window one minute) before answering 429. Off by default. */
  rateLimitPerMinute?: number;
  /** Length of the rate-limit window in ms (default 60 000); shorten it in tests. */
  rateLimitWindowMs?: number;
  /** Retry-After (seconds) of the injected 429 (failNext / rateLimited()). Default 1. */
  retryAfterSeconds?: number;
  /**
   * Rate-limit headers with millisecond precision (Retry-After in fractional seconds, RateLimit-Reset
   * a fractional Unix time), for benchmarks that scale the window down. Default false: whole seconds.
   */
  preciseRateLimitHeaders?: boolean;
  /**
   * Whether GET .../notes lists the system notes for label and state changes (default true).
   * Real GitLab (11.x+/13.x+) records those as resource label/state events instead of notes and
   * leaves them out of the Notes API; set false to get that behaviour. `notesOf()` always has them.
   */
  listLabelAndStateNotes?: boolean;
  /** Scoped labels (`scope::value`) are exclusive per scope, as on GitLab Premium. Default true. */
  scopedLabels?: boolean;
  /**
   * Project members' access levels by username (Guest 10, Planner 15, Reporter 20, Developer 30,
   * Maintainer 40, Owner 50). Default: every user is a Developer; a user mapped to null is no member.
   */
  members?: Record<string, number | null>;
  /** Paths of groups (`GET /groups/:id` answers them; any other is a 404). */
  groups?: string[];
}

export interface GitLabUserJson {
  id: number;
  username: string;
  name: string;
  state: string;
  locked: boolean;
  avatar_url: string;
  web_url: string;
}

export interface GitLabLabelJson {
  id: number;
  name: string;
  color: string;
  text_color: string;
  description: string | null;
  description_html: string;
  subscribed: boolean;
  priority: number | null;
  is_project_label: boolean;
  archived: boolean;
}

export interface GitLabIssue {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by: GitLabUserJson | null;
  labels: string[] | GitLabLabelJson[];
  milestone: null;
  assignees: GitLabUserJson[];
  assignee: GitLabUserJson | null;
  author: GitLabUserJson;
  type: 'ISSUE';
  issue_type: 'issue';
  user_notes_count: number;
  merge_requests_count: number;
  upvotes: number;
  downvotes: number;
  due_date: string | null;
  confidential: boolean;
  discussion_locked: boolean | null;
  web_url: string;
  time_stats: {
    time_estimate: number;
    total_time_spent: number;
    human_time_estimate: null;
    human_total_time_spent: null;
  };
  task_completion_status: { count: number; completed_count: number };
  has_tasks: boolean;
  blocking_issues_count: number;
  _links: { self: string; notes: string; award_emoji: string; project: string; closed_as_duplicate_of: null };
  references: { short: string; relative: string; full: string };
  severity: 'UNKNOWN';
  moved_to_id: null;
  service_desk_reply_to: null;
  imported: boolean;
  imported_from: 'none';
  subscribed?: boolean;
}

export interface GitLabNote {
  id: number;
  type: null;
  body: string;
  attachment: null;
  author: GitLabUserJson;
  created_at: string;
  updated_at: string;
  system: boolean;
  noteable_id: number;
  noteable_type: 'Issue';
  project_id: number;
  noteable_iid: number;
  resolvable: boolean;
  confidential: boolean;
  internal: boolean;
  imported: boolean;
  imported_from: 'none';
}

/** What a note's quick actions did (the body of the API's 202 answer). */
export interface QuickActionResult {
  commands_changes: Record<string, unknown>;
  summary: string[];
}

export interface AddNoteResult extends QuickActionResult {
  /** The stored note, or null when the body held nothing but quick actions (GitLab's 202). */
  note: GitLabNote | null;
}

export interface AddIssueInput {
  title: string;
  description?: string | null;
  labels?: string[];
  /** Username; default: the first token's user (normally the bot). */
  author?: string;
  confidential?: boolean;
  createdAt?: Date;
  state?: 'opened' | 'closed';
}

interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

interface IssueRecord {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  labels: string[];
  confidential: boolean;
  authorId: number;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  closedById: number | null;
}

type NoteKind = 'user' | 'label' | 'state' | 'other';

interface NoteRecord {
  id: number;
  issueIid: number;
  body: string;
  authorId: number;
  createdAt: Date;
  updatedAt: Date;
  system: boolean;
  kind: NoteKind;
}

interface LabelEventRecord {
  id: number;
  issueIid: number;
  userId: number;
  createdAt: Date;
  labelId: number;
  action: 'add' | 'remove';
}

interface StateEventRecord {
  id: number;
  issueIid: number;
  userId: number;
  createdAt: Date;
  state: 'closed' | 'reopened';
}

/** Changes to apply to an issue (from PUT, quick actions or both). Label names, not ids. */
interface IssueChanges {
  title?: string;
  description?: string | null;
  confidential?: boolean;
  stateEvent?: 'close' | 'reopen';
  setLabels?: string[];
  addLabels?: string[];
  removeLabels?: string[];
}

type Params = Record<string, unknown>;

const API_PREFIX = '/api/v4/';
const DEFAULT_LABEL_COLOR = '#6699cc';
const PROJECT_ID = 1;
const ISSUE_ORDER_BY = [
  'created_at',
  'updated_at',
  'priority',
  'due_date',
  'relative_position',
  'label_priority',
  'milestone_due',
  'popularity',
  'weight',
  'title',
];

/** Quick actions this fake executes. Others listed in INERT_COMMANDS are recognised and removed but do nothing. */
const MODELLED_COMMANDS = ['close', 'reopen', 'label', 'unlabel', 'relabel', 'title', 'confidential'] as const;
const INERT_COMMANDS = [
  'assign',
  'unassign',
  'reassign',
  'due',
  'remove_due_date',
  'milestone',
  'remove_milestone',
  'cc',
  'todo',
  'done',
  'subscribe',
  'unsubscribe',
  'award',
  'estimate',
  'remove_estimate',
  'spend',
  'remove_time_spent',
  'lock',
  'unlock',
  'weight',
  'clear_weight',
];

/** An opaque copy of a GitLab sandbox's stored data (`saveState` / `restoreState`). */
export interface GitLabSandboxState {
  readonly [key: string]: unknown;
}

export class GitLabSandbox extends FakeServer {
  private readonly projectPath: string;
  private readonly userList: GitLabSandboxUser[];
  private readonly tokenMap: Map<string, string>;
  private readonly templateMap: Map<string, string>;
  private readonly listLabelAndStateNotes: boolean;
  private readonly scopedLabels: boolean;
  private clock: () => Date;
  /** See GitLabSandboxOptions.noteDelayMs. */
  noteDelayMs: number;
  private budget: number | undefined;
  private windowMs: number;
  private retryAfter: number;
  private readonly precise: boolean;
  private hits: number[] = [];

  private readonly labelStore: LabelRecord[] = [];
  private readonly issueStore: IssueRecord[] = [];
  private readonly noteStore: NoteRecord[] = [];
  private readonly labelEvents: LabelEventRecord[] = [];
  private readonly stateEvents: StateEventRecord[] = [];
  private nextIssueId = 5001;
  private nextNoteId = 90001;
  private nextLabelId = 11;
  private nextEventId = 701;
  private readonly projectCreatedAt: Date;
  private readonly memberLevels = new Map<string, number | null>();
  private readonly groupPaths: Set<string>;
  /** Who GitLab notified of a mention: only users who can read the (confidential) issue. */
  readonly notifications: { username: string; issueIid: number; noteId: number }[] = [];

  constructor(options: GitLabSandboxOptions) {
    const self: { it?: GitLabSandbox } = {};
    super(
      'gitlab',
      (req) => self.it!.serve(req),
      () => self.it!.vendorRateLimitFault(),
    );
    self.it = this;
    this.projectPath = options.projectPath;
    this.userList = options.users.map((user) => ({ ...user }));
    this.tokenMap = new Map(Object.entries(options.tokens));
    this.templateMap = new Map(Object.entries(options.templates ?? {}));
    this.clock = options.now ?? (() => new Date());
    this.noteDelayMs = options.noteDelayMs ?? 0;
    this.budget = options.rateLimitPerMinute;
    this.windowMs = options.rateLimitWindowMs ?? 60_000;
    this.retryAfter = options.retryAfterSeconds ?? 1;
    this.precise = options.preciseRateLimitHeaders ?? false;
    this.listLabelAndStateNotes = options.listLabelAndStateNotes ?? true;
    this.scopedLabels = options.scopedLabels ?? true;
    this.projectCreatedAt = new Date(this.clock().getTime() - 365 * 24 * 3600 * 1000);
    for (const [username, level] of Object.entries(options.members ?? {}))
      this.memberLevels.set(username.toLowerCase(), level);
    this.groupPaths = new Set((options.groups ?? []).map((path) => path.toLowerCase()));
    for (const [token, username] of this.tokenMap) {
      if (!this.userByName(username))
        throw new Error(`gitlab sandbox: token ${token.slice(0, 4)}… names unknown user ${username}`);
    }
  }

  // ─── direct helpers (no HTTP) ────────────────────────────────────────────────────────────

  /**
   * An emoji reaction on a note: GitLab records the award and moves the note's updated_at (its body
   * is unchanged).
   */
  react(iid: number, noteId: number, username: string, name = 'thumbsup'): void {
    const note = this.noteStore.find((candidate) => candidate.issueIid === iid && candidate.id === noteId);
    const user = this.userByName(username);
    if (!note || !user) throw new Error(`gitlab sandbox: no note ${noteId} in #${iid}, or no user ${username}`);
    this.award(note, user, name);
  }

  private award(note: NoteRecord, user: GitLabSandboxUser, name: string): Record<string, unknown> {
    const at = this.clock();
    note.updatedAt = at;
    return {
      id: this.nextEventId++,
      name,
      user: this.renderUser(user),
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
      awardable_id: note.id,
      awardable_type: 'Note',
    };
  }

  /** Sets a user's project access level (null: not a member). */
  setMember(username: string, level: number | null): void {
    this.memberLevels.set(username.toLowerCase(), level);
  }

  /** Blocks or deactivates a user (or makes them active again). */
  setUserState(username: string, state: 'active' | 'blocked' | 'deactivated'): void {
    const user = this.userByName(username);
    if (!user) throw new Error(`gitlab sandbox: no user ${username}`);
    user.state = state;
  }

  /** The user's access level in the project, as GitLab counts membership (default Developer), or null. */
  accessLevel(username: string): number | null {
    const key = username.toLowerCase();
    return this.memberLevels.has(key) ? this.memberLevels.get(key)! : 30;
  }

  /**
   * Whether the user can read the issue: a confidential one only for active members with Planner or
   * higher, its author and its assignees (GitLab's rules); any active member otherwise.
   */
  canRead(username: string, iid: number): boolean {
    const user = this.userByName(username);
    const issue = this.issueByIid(iid);
    if (!user || !issue || (user.state ?? 'active') !== 'active') return false;
    const level = this.accessLevel(username);
    if (!issue.confidential) return level !== null;
    return (level !== null && level >= 15) || issue.authorId === user.id;
  }

  /** The mentions GitLab notified `username` of (the mentions of people who cannot read the issue are dropped). */
  notificationsOf(username: string): { issueIid: number; noteId: number }[] {
    return this.notifications.filter((entry) => entry.username.toLowerCase() === username.toLowerCase());
  }

  /** Every stored issue, as the API would render it, in iid order. */
  issues(): GitLabIssue[] {
    return this.issueStore.map((issue) => this.renderIssue(issue, false));
  }

  issue(iid: number): GitLabIssue | undefined {
    const issue = this.issueByIid(iid);
    return issue ? this.renderIssue(issue, false) : undefined;
  }

  /** All notes of an issue, system notes included, in creation order. */
  notesOf(iid: number): GitLabNote[] {
    const issue = this.mustIssue(iid);
    return this.noteStore.filter((note) => note.issueIid === iid).map((note) => this.renderNote(note, issue));
  }

  labels(): GitLabLabelJson[] {
    return this.labelStore.map((label) => this.renderLabel(label));
  }

  /** As if `author` commented on the issue: quick actions run like on GitLab. */
  addNote(iid: number, input: { author: string; body: string; createdAt?: Date }): AddNoteResult {
    const issue = this.mustIssue(iid);
    const author = this.userByName(input.author);
    if (!author) throw new Error(`gitlab sandbox: unknown user ${input.author}`);
    const result = this.createNote(issue, author, input.body, input.createdAt ?? this.clock());
    if ('error' in result) throw new Error(`gitlab sandbox: note rejected: ${result.error}`);
    return result;
  }

  /** Seeds an issue without HTTP (no quick actions run, no system notes). */
  addIssue(input: AddIssueInput): GitLabIssue {
    const author = input.author ? this.userByName(input.author) : this.defaultAuthor();
    if (!author) throw new Error(`gitlab sandbox: unknown user ${input.author}`);
    const at = input.createdAt ?? this.clock();
    const issue: IssueRecord = {
      id: this.nextIssueId++,
      iid: this.issueStore.length + 1,
      title: input.title,
      description: input.description ?? null,
      state: input.state ?? 'opened',
      labels: this.normaliseLabelSet(this.ensureLabels(input.labels ?? [])),
      confidential: input.confidential ?? false,
      authorId: author.id,
      createdAt: at,
      updatedAt: at,
      closedAt: input.state === 'closed' ? at : null,
      closedById: input.state === 'closed' ? author.id : null,
    };
    this.issueStore.push(issue);
    return this.renderIssue(issue, false);
  }

  setNow(now: () => Date): void {
    this.clock = now;
  }

  /** Everything stored (labels, issues, notes, events, id counters), for `restoreState`: tests replay many runs from one point. */
  saveState(): GitLabSandboxState {
    return structuredClone({
      labels: this.labelStore,
      issues: this.issueStore,
      notes: this.noteStore,
      labelEvents: this.labelEvents,
      stateEvents: this.stateEvents,
      next: [this.nextIssueId, this.nextNoteId, this.nextLabelId, this.nextEventId],
    }) as GitLabSandboxState;
  }

  restoreState(state: GitLabSandboxState): void {
    const copy = structuredClone(state) as unknown as {
      labels: LabelRecord[];
      issues: IssueRecord[];
      notes: NoteRecord[];
      labelEvents: LabelEventRecord[];
      stateEvents: StateEventRecord[];
      next: number[];
    };
    this.labelStore.splice(0, Infinity, ...copy.labels);
    this.issueStore.splice(0, Infinity, ...copy.issues);
    this.noteStore.splice(0, Infinity, ...copy.notes);
    this.labelEvents.splice(0, Infinity, ...copy.labelEvents);
    this.stateEvents.splice(0, Infinity, ...copy.stateEvents);
    [this.nextIssueId, this.nextNoteId, this.nextLabelId, this.nextEventId] = copy.next;
  }

  /**
   * Past this many items a listing leaves out X-Total, X-Total-Pages and the rel="last" link, as
   * GitLab does "for performance reasons" past 10,000 (the default); lower it in tests.
   */
  countLimit = 10_000;

  get rateLimitPerMinute(): number | undefined {
    return this.budget;
  }

  /** Requests allowed per sliding window; undefined turns the limit off. */
  set rateLimitPerMinute(value: number | undefined) {
    this.budget = value;
    this.hits = [];
  }

  set rateLimitWindowMs(value: number) {
    this.windowMs = value;
  }

  /** Retry-After (seconds) of the injected 429. */
  set retryAfterSeconds(value: number) {
    this.retryAfter = value;
  }

  get retryAfterSeconds(): number {
    return this.retryAfter;
  }

  // ─── HTTP ────────────────────────────────────────────────────────────────────────────────

  /** GitLab's own 429 (Rack::Attack): text/plain "Retry later", Retry-After and RateLimit-* headers. */
  private vendorRateLimitFault(): Fault {
    const limit = this.budget ?? 2000;
    return {
      type: 'status',
      status: 429,
      headers: this.throttleHeaders(limit, limit + 1, this.retryAfter),
      body: 'Retry later\n',
    };
  }

  private throttleHeaders(limit: number, observed: number, retryAfterSeconds: number): Record<string, string> {
    const reset = new Date(Date.now() + retryAfterSeconds * 1000);
    return {
      'content-type': 'text/plain',
      'retry-after': String(retryAfterSeconds),
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': String(limit),
      'ratelimit-observed': String(observed),
      'ratelimit-remaining': '0',
      'ratelimit-reset': this.precise ? (reset.getTime() / 1000).toFixed(3) : String(Math.ceil(reset.getTime() / 1000)),
      'ratelimit-resettime': reset.toUTCString(),
    };
  }

  override forgetRateLimitWindow(): void {
    this.hits = [];
  }

  private serve(req: FakeRequest): FakeResponse {
    let rateHeaders: Record<string, string> = {};
    if (this.budget !== undefined) {
      const nowMs = Date.now();
      this.hits = this.hits.filter((t) => t > nowMs - this.windowMs);
      if (this.hits.length >= this.budget) {
        const waitMs = this.hits[0] + this.windowMs - nowMs;
        const wait = this.precise
          ? Number((Math.max(1, waitMs) / 1000).toFixed(3))
          : Math.max(1, Math.ceil(waitMs / 1000));
        return {
          status: 429,
          headers: this.throttleHeaders(this.budget, this.hits.length + 1, wait),
          body: 'Retry later\n',
        };
      }
      this.hits.push(nowMs);
      const resetMs = this.hits[0] + this.windowMs;
      rateHeaders = {
        'ratelimit-name': 'throttle_authenticated_api',
        'ratelimit-limit': String(this.budget),
        'ratelimit-observed': String(this.hits.length),
        'ratelimit-remaining': String(this.budget - this.hits.length),
        'ratelimit-reset': this.precise ? (resetMs / 1000).toFixed(3) : String(Math.ceil(resetMs / 1000)),
        'ratelimit-resettime': new Date(resetMs).toUTCString(),
      };
    }
    const response = this.route(req);
    if (response.status !== 204 && response.body !== undefined && typeof response.body !== 'string') {
      response.headers = { 'content-type': 'application/json', ...(response.headers ?? {}) };
    }
    response.headers = { ...rateHeaders, ...(response.headers ?? {}) };
    return response;
  }

  private route(req: FakeRequest): FakeResponse {
    const pathname = req.url.pathname;
    if (!pathname.startsWith(API_PREFIX)) return notFoundRoute();
    let seg: string[];
    try {
      seg = pathname.slice(API_PREFIX.length).replace(/\/+$/, '').split('/').map(decodeURIComponent);
    } catch {
      return notFoundRoute();
    }
    const method = req.method.toUpperCase();
    const match = matchRoute(seg);
    if (!match) return notFoundRoute();
    if (!match.methods.includes(method)) return json(405, { error: '405 Not Allowed' });

    const actor = this.authenticate(req);
    if (!actor) return json(401, { message: '401 Unauthorized' });

    const params: Params = { ...queryParams(req.url), ...(isObject(req.body) ? req.body : {}) };
    const ctx: Ctx = { req, method, actor, params, seg, routeParams: {} };

    switch (match.name) {
      case 'user':
        return json(200, this.renderCurrentUser(actor));
      case 'users':
        return this.listUsers(ctx);
      case 'userById': {
        const user = this.userList.find((u) => String(u.id) === seg[1]);
        return user ? json(200, this.renderUser(user)) : json(404, { message: '404 User Not Found' });
      }
      case 'group':
        return this.groupPaths.has(seg[1]!.toLowerCase())
          ? json(200, {
              id: 900 + [...this.groupPaths].indexOf(seg[1]!.toLowerCase()),
              name: seg[1],
              path: seg[1],
              full_path: seg[1],
              visibility: 'private',
            })
          : json(404, { message: '404 Group Not Found' });
      default:
        break;
    }

    // Everything else is under /projects/:id
    if (!this.isProject(seg[1])) return json(404, { message: '404 Project Not Found' });
    ctx.routeParams.id = seg[1];
    switch (match.name) {
      case 'project':
        return json(200, this.renderProject());
      case 'memberAll': {
        const user = this.userList.find((u) => String(u.id) === seg[4]);
        const level = user ? this.accessLevel(user.username) : null;
        if (!user || level === null) return json(404, { message: '404 Not found' });
        return json(200, {
          ...this.renderUser(user),
          access_level: level,
          created_at: this.projectCreatedAt.toISOString(),
          expires_at: null,
          membership_state: 'active',
        });
      }
      case 'labels':
        return method === 'GET' ? this.listLabels(ctx) : this.createLabel(ctx);
      case 'label': {
        const label = this.labelByIdOrName(decodeURIComponent(seg[3]));
        if (!label) return json(404, { message: '404 Label Not Found' });
        if (method === 'DELETE') {
          this.labelStore.splice(this.labelStore.indexOf(label), 1);
          for (const issue of this.issueStore) issue.labels = issue.labels.filter((name) => name !== label.name);
          return { status: 204 };
        }
        return json(200, this.renderLabel(label));
      }
      case 'templates':
        return this.paginate(
          ctx,
          [...this.templateMap.keys()].sort().map((name) => ({ key: name, name })),
        );
      case 'template': {
        const content = this.templateMap.get(seg[4]);
        return content === undefined
          ? json(404, { message: '404 Template Not Found' })
          : json(200, { name: seg[4], content });
      }
      case 'issues':
        return method === 'GET' ? this.listIssues(ctx) : this.createIssue(ctx);
      default:
        break;
    }

    // Everything else is under /projects/:id/issues/:issue_iid
    if (!/^\d+$/.test(seg[3])) return json(400, { error: 'issue_iid is invalid' });
    const issue = this.issueByIid(Number(seg[3]));
    if (!issue) return json(404, { message: '404 Issue Not Found' });
    switch (match.name) {
      case 'issue':
        return method === 'GET' ? json(200, this.renderIssue(issue, true)) : this.updateIssue(ctx, issue);
      case 'notes':
        ctx.routeParams.noteable_id = seg[3];
        return method === 'GET' ? this.listNotes(ctx, issue) : this.postNote(ctx, issue);
      case 'note':
        return this.noteById(ctx, issue);
      case 'noteAward': {
        const note = this.noteStore.find(
          (candidate) => candidate.issueIid === issue.iid && String(candidate.id) === seg[5],
        );
        if (!note) return json(404, { message: '404 Note Not Found' });
        const name = str(ctx.params.name);
        if (!name) return json(400, { error: 'name is missing' });
        return json(201, this.award(note, ctx.actor, name));
      }
      case 'labelEvents':
        ctx.routeParams.eventable_id = seg[3];
        return this.paginate(
          ctx,
          this.labelEvents.filter((e) => e.issueIid === issue.iid).map((e) => this.renderLabelEvent(e, issue)),
        );
      case 'stateEvents':
        ctx.routeParams.eventable_id = seg[3];
        return this.paginate(
          ctx,
          this.stateEvents.filter((e) => e.issueIid === issue.iid).map((e) => this.renderStateEvent(e, issue)),
        );
      default:
        return notFoundRoute();
    }
  }

  private authenticate(req: FakeRequest): GitLabSandboxUser | undefined {
    const privateToken = header(req, 'private-token');
    const authorization = header(req, 'authorization');
    let token: string | undefined;
    if (privateToken) token = privateToken;
    else if (authorization && /^bearer\s+/i.test(authorization))
      token = authorization.replace(/^bearer\s+/i, '').trim();
    else {
      const fromQuery = req.url.searchParams.get('private_token');
      if (fromQuery) token = fromQuery;
    }
    if (!token) return undefined;
    const username = this.tokenMap.get(token);
    const user = username ? this.userByName(username) : undefined;
    if (!user || (user.state ?? 'active') !== 'active') return undefined;
    return user;
  }

  // ─── users, project, labels, templates ───────────────────────────────────────────────────

  private listUsers(ctx: Ctx): FakeResponse {
    const username = str(ctx.params.username);
    const search = str(ctx.params.search)?.toLowerCase();
    let users = this.userList;
    if (username !== undefined) users = users.filter((u) => u.username.toLowerCase() === username.toLowerCase());
    if (search)
      users = users.filter((u) => u.username.toLowerCase().includes(search) || u.name.toLowerCase().includes(search));
    return this.paginate(
      ctx,
      [...users].sort((a, b) => b.id - a.id).map((u) => this.renderUser(u)),
    );
  }

  private listLabels(ctx: Ctx): FakeResponse {
    const search = str(ctx.params.search)?.toLowerCase();
    const withCounts = bool(ctx.params.with_counts) ?? false;
    const labels = this.labelStore
      .filter((label) => !search || label.name.toLowerCase().includes(search))
      .sort((a, b) => compareNames(a.name, b.name))
      .map((label) => {
        const rendered: Record<string, unknown> = { ...this.renderLabel(label) };
        if (withCounts) {
          rendered.open_issues_count = this.issueStore.filter(
            (i) => i.state === 'opened' && i.labels.includes(label.name),
          ).length;
          rendered.closed_issues_count = this.issueStore.filter(
            (i) => i.state === 'closed' && i.labels.includes(label.name),
          ).length;
          rendered.open_merge_requests_count = 0;
        }
        return rendered;
      });
    return this.paginate(ctx, labels);
  }

  private createLabel(ctx: Ctx): FakeResponse {
    const name = str(ctx.params.name);
    const color = str(ctx.params.color);
    if (name === undefined) return json(400, { error: 'name is missing' });
    if (color === undefined) return json(400, { error: 'color is missing' });
    if (name.trim() === '') return json(400, { message: { title: ["can't be blank"] } });
    if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) && !/^[a-z]+$/i.test(color)) {
      return json(400, { message: { color: ['must be a valid color code'] } });
    }
    if (this.labelByName(name.trim())) return json(409, { message: 'Label already exists' });
    const label: LabelRecord = {
      id: this.nextLabelId++,
      name: name.trim(),
      color,
      description: str(ctx.params.description) ?? null,
    };
    this.labelStore.push(label);
    return json(201, this.renderLabel(label));
  }

  // ─── issues ──────────────────────────────────────────────────────────────────────────────

  private listIssues(ctx: Ctx): FakeResponse {
    const p = ctx.params;
    const state = str(p.state) ?? 'all';
    if (!['opened', 'closed', 'all'].includes(state)) return json(400, { error: 'state does not have a valid value' });
    const orderBy = str(p.order_by) ?? 'created_at';
    if (!ISSUE_ORDER_BY.includes(orderBy)) return json(400, { error: 'order_by does not have a valid value' });
    const sort = str(p.sort) ?? 'desc';
    if (!['asc', 'desc'].includes(sort)) return json(400, { error: 'sort does not have a valid value' });

    let issues = this.issueStore.slice();
    if (state !== 'all') issues = issues.filter((i) => i.state === state);
    const labels = p.labels === undefined ? undefined : list(p.labels);
    if (labels && labels.length > 0) {
      const only = labels.length === 1 ? labels[0].toLowerCase() : undefined;
      if (only === 'none') issues = issues.filter((i) => i.labels.length === 0);
      else if (only === 'any') issues = issues.filter((i) => i.labels.length > 0);
      else issues = issues.filter((i) => labels.every((name) => i.labels.includes(name)));
    }
    const confidential = bool(p.confidential);
    if (confidential !== undefined) issues = issues.filter((i) => i.confidential === confidential);
    if (p.iids !== undefined) {
      const iids = new Set(list(p.iids).map(Number));
      issues = issues.filter((i) => iids.has(i.iid));
    }
    const search = str(p.search)?.toLowerCase();
    if (search) {
      const fields = list(p.in ?? 'title,description');
      issues = issues.filter(
        (i) =>
          (fields.includes('title') && i.title.toLowerCase().includes(search)) ||
          (fields.includes('description') && (i.description ?? '').toLowerCase().includes(search)),
      );
    }
    const authorUsername = str(p.author_username);
    if (authorUsername !== undefined)
      issues = issues.filter((i) => this.userById(i.authorId)?.username === authorUsername);
    const authorId = str(p.author_id);
    if (authorId !== undefined) issues = issues.filter((i) => String(i.authorId) === authorId);
    // `scope`: created_by_me (the token's own user is the author), assigned_to_me (no issue has assignees here) or all.
    const scope = str(p.scope) ?? 'all';
    if (!['created_by_me', 'assigned_to_me', 'all'].includes(scope))
      return json(400, { error: 'scope does not have a valid value' });
    if (scope === 'created_by_me') issues = issues.filter((i) => i.authorId === ctx.actor.id);
    if (scope === 'assigned_to_me') issues = [];
    for (const [key, field, after] of [
      ['created_after', 'createdAt', true],
      ['created_before', 'createdAt', false],
      ['updated_after', 'updatedAt', true],
      ['updated_before', 'updatedAt', false],
    ] as const) {
      const value = str(p[key]);
      if (value === undefined) continue;
      const limit = Date.parse(value);
      if (Number.isNaN(limit)) return json(400, { error: `${key} is invalid` });
      issues = issues.filter((i) => (after ? i[field].getTime() >= limit : i[field].getTime() <= limit));
    }

    const direction = sort === 'asc' ? 1 : -1;
    issues.sort((a, b) => {
      let cmp: number;
      if (orderBy === 'title') cmp = compareNames(a.title, b.title);
      else if (orderBy === 'updated_at') cmp = a.updatedAt.getTime() - b.updatedAt.getTime();
      else cmp = a.createdAt.getTime() - b.createdAt.getTime();
      return (cmp || a.id - b.id) * direction;
    });
    const withDetails = bool(p.with_labels_details) ?? false;
    const userNotes = new Map<number, number>();
    for (const note of this.noteStore)
      if (!note.system) userNotes.set(note.issueIid, (userNotes.get(note.issueIid) ?? 0) + 1);
    return this.paginate(ctx, issues, (i) => this.renderIssue(i, false, withDetails, userNotes.get(i.iid) ?? 0));
  }

  private createIssue(ctx: Ctx): FakeResponse {
    const p = ctx.params;
    if (p.title === undefined || p.title === null) return json(400, { error: 'title is missing' });
    const title = String(p.title);
    if (title.trim() === '') return json(400, { message: { title: ["can't be blank"] } });
    if (title.length > 255) return json(400, { message: { title: ['is too long (maximum is 255 characters)'] } });
    const at = this.clock();
    const rawDescription = p.description === undefined || p.description === null ? null : String(p.description);
    if (rawDescription !== null && tooLong(rawDescription, GITLAB_DESCRIPTION_LIMIT)) return descriptionTooLong();
    const issue: IssueRecord = {
      id: this.nextIssueId++,
      iid: this.issueStore.length + 1,
      title: title.trim(),
      description: rawDescription,
      state: 'opened',
      labels: this.normaliseLabelSet(this.ensureLabels(list(p.labels ?? []))),
      confidential: bool(p.confidential) ?? false,
      authorId: ctx.actor.id,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      closedById: null,
    };
    // Quick actions in the description run on create (e.g. a template's `/label ~x` line).
    if (rawDescription !== null) {
      const interpreted = this.interpret(rawDescription, issue, false);
      issue.description = interpreted.content;
      const changes = interpreted.changes;
      if (changes.title !== undefined) issue.title = changes.title;
      if (changes.confidential !== undefined) issue.confidential = changes.confidential;
      issue.labels = this.nextLabelSet(issue.labels, changes);
    }
    this.issueStore.push(issue);
    return json(201, this.renderIssue(issue, true));
  }

  private updateIssue(ctx: Ctx, issue: IssueRecord): FakeResponse {
    const p = ctx.params;
    const known = [
      'title',
      'description',
      'labels',
      'add_labels',
      'remove_labels',
      'state_event',
      'confidential',
      'discussion_locked',
      'assignee_ids',
      'assignee_id',
      'milestone_id',
      'due_date',
      'weight',
      'issue_type',
      'updated_at',
      'epic_id',
      'epic_iid',
    ];
    if (!known.some((key) => p[key] !== undefined)) {
      return json(400, { error: `${known.join(', ')} are missing, at least one parameter must be provided` });
    }
    const changes: IssueChanges = {};
    if (p.title !== undefined) {
      const title = String(p.title).trim();
      if (title === '') return json(400, { message: { title: ["can't be blank"] } });
      changes.title = title;
    }
    if (p.labels !== undefined) changes.setLabels = this.ensureLabels(list(p.labels));
    if (p.add_labels !== undefined) changes.addLabels = this.ensureLabels(list(p.add_labels));
    if (p.remove_labels !== undefined) changes.removeLabels = list(p.remove_labels);
    const confidential = bool(p.confidential);
    if (confidential !== undefined) changes.confidential = confidential;
    const stateEvent = str(p.state_event);
    if (stateEvent !== undefined) {
      if (stateEvent !== 'close' && stateEvent !== 'reopen')
        return json(400, { error: 'state_event does not have a valid value' });
      changes.stateEvent = stateEvent;
    }
    if (p.description !== undefined) {
      if (p.description !== null && tooLong(String(p.description), GITLAB_DESCRIPTION_LIMIT))
        return descriptionTooLong();
      const interpreted = this.interpret(p.description === null ? '' : String(p.description), issue, true);
      changes.description = p.description === null ? null : interpreted.content;
      mergeChanges(changes, interpreted.changes);
    }
    this.applyChanges(issue, ctx.actor, changes, this.clock());
    return json(200, this.renderIssue(issue, true));
  }

  // ─── notes ───────────────────────────────────────────────────────────────────────────────

  private listNotes(ctx: Ctx, issue: IssueRecord): FakeResponse {
    const sort = str(ctx.params.sort) ?? 'desc';
    if (!['asc', 'desc'].includes(sort)) return json(400, { error: 'sort does not have a valid value' });
    const orderBy = str(ctx.params.order_by) ?? 'created_at';
    if (!['created_at', 'updated_at'].includes(orderBy))
      return json(400, { error: 'order_by does not have a valid value' });
    const direction = sort === 'asc' ? 1 : -1;
    const notes = this.noteStore
      .filter((n) => n.issueIid === issue.iid)
      .filter((n) => this.listLabelAndStateNotes || (n.kind !== 'label' && n.kind !== 'state'))
      .sort((a, b) => {
        const field = orderBy === 'updated_at' ? 'updatedAt' : 'createdAt';
        return (a[field].getTime() - b[field].getTime() || a.id - b.id) * direction;
      });
    return this.paginate(ctx, notes, (n) => this.renderNote(n, issue));
  }

  private postNote(ctx: Ctx, issue: IssueRecord): FakeResponse {
    if (ctx.params.body === undefined || ctx.params.body === null) return json(400, { error: 'body is missing' });
    const result = this.createNote(
      issue,
      ctx.actor,
      String(ctx.params.body),
      new Date(this.clock().getTime() + this.noteDelayMs),
    );
    if ('tooLong' in result) return json(400, { message: `400 Bad request - Note ${NOTE_TOO_LONG}` });
    if ('error' in result) return json(400, { message: result.error });
    if (result.note) return json(201, result.note);
    return json(202, { commands_changes: result.commands_changes, summary: result.summary });
  }

  private noteById(ctx: Ctx, issue: IssueRecord): FakeResponse {
    const note = this.noteStore.find((n) => n.issueIid === issue.iid && String(n.id) === ctx.seg[5]);
    if (!note) return json(404, { message: '404 Note Not Found' });
    if (ctx.method === 'GET') return json(200, this.renderNote(note, issue));
    // GitLab: a note's author may edit or delete it; a Maintainer (40) or higher may also edit anyone's.
    const own = note.authorId === ctx.actor.id;
    const maintains = (this.accessLevel(ctx.actor.username) ?? 0) >= 40;
    if (note.system || !(own || (ctx.method === 'PUT' && maintains))) return json(403, { message: '403 Forbidden' });
    if (ctx.method === 'DELETE') {
      this.noteStore.splice(this.noteStore.indexOf(note), 1);
      return { status: 204 };
    }
    // PUT: quick actions run on edits too (GitLab applies them when a comment is modified).
    if (ctx.params.body === undefined || ctx.params.body === null) return json(400, { error: 'body is missing' });
    const at = this.clock();
    const interpreted = this.interpret(String(ctx.params.body), issue, true);
    if (interpreted.content.trim() === '' && interpreted.commands.length === 0) {
      return json(400, { message: { note: ["can't be blank"] } });
    }
    if (tooLong(interpreted.content, GITLAB_NOTE_LIMIT))
      return json(400, { message: `400 Bad request - Failed to save note ${NOTE_TOO_LONG}` });
    this.applyChanges(issue, ctx.actor, interpreted.changes, at);
    if (interpreted.content.trim() === '') {
      this.noteStore.splice(this.noteStore.indexOf(note), 1);
      return json(202, { commands_changes: interpreted.commandsChanges, summary: interpreted.summary });
    }
    note.body = interpreted.content;
    note.updatedAt = at;
    return json(200, this.renderNote(note, issue));
  }

  private createNote(
    issue: IssueRecord,
    author: GitLabSandboxUser,
    body: string,
    at: Date,
  ): AddNoteResult | { error: unknown; tooLong?: true } {
    const interpreted = this.interpret(body, issue, true);
    if (interpreted.content.trim() === '' && interpreted.commands.length === 0) {
      return { error: { note: ["can't be blank"] } };
    }
    // GitLab validates the note it would save (quick actions taken out): nothing is written when it is too long.
    if (tooLong(interpreted.content, GITLAB_NOTE_LIMIT)) return { error: NOTE_TOO_LONG, tooLong: true };
    let note: NoteRecord | null = null;
    if (interpreted.content.trim() !== '') {
      note = {
        id: this.nextNoteId++,
        issueIid: issue.iid,
        body: interpreted.content,
        authorId: author.id,
        createdAt: at,
        updatedAt: at,
        system: false,
        kind: 'user',
      };
      this.noteStore.push(note);
      for (const username of mentionedUsernames(note.body)) {
        if (this.canRead(username, issue.iid))
          this.notifications.push({ username, issueIid: issue.iid, noteId: note.id });
      }
    }
    this.applyChanges(issue, author, interpreted.changes, at);
    issue.updatedAt = at;
    return {
      note: note ? this.renderNote(note, issue) : null,
      commands_changes: interpreted.commandsChanges,
      summary: interpreted.summary,
    };
  }

  // ─── quick actions ───────────────────────────────────────────────────────────────────────

  /**
   * GitLab's extractor: a command is `/name` at the very start of a line, optionally followed
   * by one space and an argument, ending the line. Fenced code blocks, `>>>` quote blocks and
   * HTML blocks are skipped. Only commands available for the issue's current state are
   * extracted; the rest stay in the text (e.g. `/close` on a closed issue).
   */
  private interpret(text: string, issue: IssueRecord, persisted: boolean) {
    const available: string[] = [...INERT_COMMANDS, 'title'];
    if (persisted && issue.state === 'opened') available.push('close');
    if (persisted && issue.state === 'closed') available.push('reopen');
    if (this.labelStore.length > 0) available.push('label');
    if (issue.labels.length > 0) available.push('unlabel', 'relabel');
    if (!issue.confidential) available.push('confidential');
    const names = available.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    const regex = new RegExp(
      '(?<code>^```.+?\\n```$)' +
        '|(?<html>^<[^>]+?>\\n.+?\\n<\\/[^>]+?>$)' +
        '|(?<quote>^>>>.+?\\n>>>$)' +
        `|(?:^\\/(?<cmd>${names})(?: (?<arg>[^\\n]*))?(?:\\s*\\n|$))`,
      'gims',
    );
    const commands: { name: string; arg: string }[] = [];
    const content = text.replace(/\r/g, '').replace(regex, (...args: unknown[]) => {
      const groups = args[args.length - 1] as Record<string, string | undefined>;
      const whole = args[0] as string;
      if (groups.cmd === undefined) return whole;
      commands.push({ name: groups.cmd.toLowerCase(), arg: (groups.arg ?? '').trim() });
      return '';
    });

    const changes: IssueChanges = {};
    const commandsChanges: Record<string, unknown> = {};
    const summary: string[] = [];
    let labels = issue.labels.slice();
    for (const { name, arg } of commands) {
      switch (name as (typeof MODELLED_COMMANDS)[number]) {
        case 'close':
          changes.stateEvent = 'close';
          commandsChanges.state_event = 'close';
          summary.push('Closed this issue.');
          break;
        case 'reopen':
          changes.stateEvent = 'reopen';
          commandsChanges.state_event = 'reopen';
          summary.push('Reopened this issue.');
          break;
        case 'title':
          if (arg) {
            changes.title = arg;
            commandsChanges.title = arg;
            summary.push(`Changed the title to "${arg}".`);
          }
          break;
        case 'confidential':
          changes.confidential = true;
          commandsChanges.confidential = true;
          summary.push('Made this issue confidential.');
          break;
        case 'label': {
          const found = this.findLabels(arg);
          if (found.length === 0) break;
          changes.addLabels = [...(changes.addLabels ?? []), ...found.map((l) => l.name)];
          commandsChanges.add_label_ids = [
            ...((commandsChanges.add_label_ids as number[]) ?? []),
            ...found.map((l) => l.id),
          ];
          labels = [...labels, ...found.map((l) => l.name)];
          summary.push(`Added ${found.map((l) => `~${l.id}`).join(' ')} ${plural('label', found.length)}.`);
          break;
        }
        case 'unlabel': {
          if (arg === '') {
            changes.setLabels = [];
            changes.addLabels = [];
            commandsChanges.label_ids = [];
            labels = [];
            summary.push('Removed all labels.');
            break;
          }
          const found = this.findLabels(arg).filter((l) => labels.includes(l.name));
          if (found.length === 0) break;
          changes.removeLabels = [...(changes.removeLabels ?? []), ...found.map((l) => l.name)];
          commandsChanges.remove_label_ids = [
            ...((commandsChanges.remove_label_ids as number[]) ?? []),
            ...found.map((l) => l.id),
          ];
          labels = labels.filter((l) => !found.some((f) => f.name === l));
          summary.push(`Removed ${found.map((l) => `~${l.id}`).join(' ')} ${plural('label', found.length)}.`);
          break;
        }
        case 'relabel': {
          const found = this.findLabels(arg);
          if (found.length === 0) break;
          changes.setLabels = found.map((l) => l.name);
          changes.addLabels = [];
          changes.removeLabels = [];
          commandsChanges.label_ids = found.map((l) => l.id);
          labels = found.map((l) => l.name);
          summary.push(
            `Replaced all labels with ${found.map((l) => `~${l.id}`).join(' ')} ${plural('label', found.length)}.`,
          );
          break;
        }
        default:
          break; // recognised (and removed) but not modelled: no effect here
      }
    }
    return { content: content.replace(/\s+$/, ''), commands, changes, commandsChanges, summary };
  }

  /** `~bug ~"two words" ~"scope::value" ~12` or bare comma-separated names; existing labels only. */
  private findLabels(arg: string): LabelRecord[] {
    const found: LabelRecord[] = [];
    const add = (label: LabelRecord | undefined) => {
      if (label && !found.includes(label)) found.push(label);
    };
    if (arg.includes('~')) {
      const ref = /~(?:"([^"]+)"|(\d+)\b(?![^\s]\w)|([A-Za-z0-9_\-?.&]+(?<![.?])))/g;
      for (const m of arg.matchAll(ref)) {
        if (m[1] !== undefined) add(this.labelByName(m[1]));
        else if (m[2] !== undefined) add(this.labelStore.find((l) => l.id === Number(m[2])) ?? this.labelByName(m[2]));
        else if (m[3] !== undefined) add(this.labelByName(m[3]));
      }
    } else {
      for (const name of arg
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean))
        add(this.labelByName(name));
    }
    return found;
  }

  // ─── applying changes (system notes, resource events) ────────────────────────────────────

  private applyChanges(issue: IssueRecord, actor: GitLabSandboxUser, changes: IssueChanges, at: Date): void {
    let touched = false;
    const systemNote = (body: string, kind: NoteKind) => {
      this.noteStore.push({
        id: this.nextNoteId++,
        issueIid: issue.iid,
        body,
        authorId: actor.id,
        createdAt: at,
        updatedAt: at,
        system: true,
        kind,
      });
      touched = true;
    };
    if (changes.title !== undefined && changes.title !== issue.title) {
      systemNote(`changed title from **${issue.title}** to **${changes.title}**`, 'other');
      issue.title = changes.title;
    }
    if (changes.description !== undefined && changes.description !== issue.description) {
      systemNote('changed the description', 'other');
      issue.description = changes.description;
    }
    if (changes.confidential !== undefined && changes.confidential !== issue.confidential) {
      systemNote(changes.confidential ? 'made the issue confidential' : 'made the issue visible to everyone', 'other');
      issue.confidential = changes.confidential;
    }
    const nextLabels = this.nextLabelSet(issue.labels, changes);
    const added = nextLabels.filter((l) => !issue.labels.includes(l));
    const removed = issue.labels.filter((l) => !nextLabels.includes(l));
    if (added.length > 0 || removed.length > 0) {
      const ref = (name: string) => `~${this.labelByName(name)?.id ?? name}`;
      const parts: string[] = [];
      if (added.length > 0) parts.push(`added ${added.map(ref).join(' ')}`);
      if (added.length > 0 && removed.length > 0) parts.push('and');
      if (removed.length > 0) parts.push(`removed ${removed.map(ref).join(' ')}`);
      parts.push(plural('label', added.length + removed.length));
      systemNote(parts.join(' '), 'label');
      for (const [names, action] of [
        [added, 'add'],
        [removed, 'remove'],
      ] as const) {
        for (const name of names) {
          const label = this.labelByName(name);
          if (label)
            this.labelEvents.push({
              id: this.nextEventId++,
              issueIid: issue.iid,
              userId: actor.id,
              createdAt: at,
              labelId: label.id,
              action,
            });
        }
      }
      issue.labels = nextLabels;
    }
    if (changes.stateEvent === 'close' && issue.state === 'opened') {
      issue.state = 'closed';
      issue.closedAt = at;
      issue.closedById = actor.id;
      systemNote('closed', 'state');
      this.stateEvents.push({
        id: this.nextEventId++,
        issueIid: issue.iid,
        userId: actor.id,
        createdAt: at,
        state: 'closed',
      });
    } else if (changes.stateEvent === 'reopen' && issue.state === 'closed') {
      issue.state = 'opened';
      issue.closedAt = null;
      issue.closedById = null;
      systemNote('reopened', 'state');
      this.stateEvents.push({
        id: this.nextEventId++,
        issueIid: issue.iid,
        userId: actor.id,
        createdAt: at,
        state: 'reopened',
      });
    }
    if (touched) issue.updatedAt = at;
  }

  private nextLabelSet(current: string[], changes: IssueChanges): string[] {
    let next = changes.setLabels ? [...changes.setLabels] : [...current];
    for (const name of changes.addLabels ?? []) next.push(name);
    const remove = new Set(changes.removeLabels ?? []);
    next = next.filter((name) => !remove.has(name));
    return this.normaliseLabelSet(next);
  }

  /** Dedupe; with scoped labels, the last label of each `scope::` wins. */
  private normaliseLabelSet(names: string[]): string[] {
    const seenScopes = new Set<string>();
    const seen = new Set<string>();
    const kept: string[] = [];
    for (const name of [...names].reverse()) {
      if (seen.has(name)) continue;
      seen.add(name);
      const cut = name.lastIndexOf('::');
      if (this.scopedLabels && cut > 0) {
        const scope = name.slice(0, cut);
        if (seenScopes.has(scope)) continue;
        seenScopes.add(scope);
      }
      kept.push(name);
    }
    return kept.reverse();
  }

  /** Labels named via the API are created when unknown (GitLab does the same). */
  private ensureLabels(names: string[]): string[] {
    const out: string[] = [];
    for (const raw of names) {
      const name = raw.trim();
      if (!name) continue;
      const label = this.labelByName(name) ?? this.createLabelRecord(name);
      out.push(label.name);
    }
    return out;
  }

  private createLabelRecord(name: string): LabelRecord {
    const label: LabelRecord = { id: this.nextLabelId++, name, color: DEFAULT_LABEL_COLOR, description: null };
    this.labelStore.push(label);
    return label;
  }

  // ─── pagination ──────────────────────────────────────────────────────────────────────────

  /**
   * GitLab's offset pagination: page/per_page (default 20, max 100), x-* headers, and a Link
   * header with prev/next/first/last absolute URLs carrying every other query parameter.
   */
  /** One page of `items`, each rendered by `render` (only the page's: a listing of many costs no more than one page). */
  private paginate<T>(ctx: Ctx, items: T[], render: (item: T) => unknown = (item) => item): FakeResponse {
    const perPageRaw = Number(str(ctx.params.per_page) ?? 20);
    const perPage = Number.isFinite(perPageRaw) && perPageRaw >= 1 ? Math.min(Math.floor(perPageRaw), 100) : 20;
    const pageRaw = Number(str(ctx.params.page) ?? 1);
    const page = Number.isFinite(pageRaw) && pageRaw >= 1 ? Math.floor(pageRaw) : 1;
    const total = items.length;
    const totalPages = Math.max(1, Math.ceil(total / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage).map(render);
    const next = page < totalPages ? page + 1 : undefined;
    // Kaminari: no prev/next page when the requested page is out of range.
    const prev = page > 1 && page <= totalPages ? page - 1 : undefined;

    const host = header(ctx.req, 'host') ?? '127.0.0.1';
    const base = `http://${host}${ctx.req.url.pathname}`;
    const href = (p: number) => {
      const query = new Map<string, string[]>();
      for (const [key, value] of Object.entries(ctx.routeParams)) query.set(key, [value]);
      for (const [key, value] of ctx.req.url.searchParams) {
        if (key === 'private_token') continue;
        query.set(key, [...(query.get(key) ?? []), value]);
      }
      query.set('page', [String(p)]);
      query.set('per_page', [String(perPage)]);
      const parts: string[] = [];
      for (const key of [...query.keys()].sort()) {
        for (const value of query.get(key)!) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
      }
      return `${base}?${parts.join('&')}`;
    };
    const links: string[] = [];
    if (prev) links.push(`<${href(prev)}>; rel="prev"`);
    if (next) links.push(`<${href(next)}>; rel="next"`);
    links.push(`<${href(1)}>; rel="first"`);
    const counted = total <= this.countLimit;
    if (counted) links.push(`<${href(totalPages)}>; rel="last"`);
    return {
      status: 200,
      body: slice,
      headers: {
        'content-type': 'application/json',
        link: links.join(', '),
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-next-page': next ? String(next) : '',
        'x-prev-page': prev ? String(prev) : '',
        ...(counted ? { 'x-total': String(total), 'x-total-pages': String(totalPages) } : {}),
      },
    };
  }

  // ─── rendering ───────────────────────────────────────────────────────────────────────────

  private baseUrl(): string {
    try {
      return this.url;
    } catch {
      return 'http://127.0.0.1';
    }
  }

  private renderUser(user: GitLabSandboxUser): GitLabUserJson {
    return {
      id: user.id,
      username: user.username,
      name: user.name,
      state: user.state ?? 'active',
      locked: false,
      avatar_url: `${this.baseUrl()}/uploads/-/system/user/avatar/${user.id}/avatar.png`,
      web_url: `${this.baseUrl()}/${user.username}`,
    };
  }

  private renderCurrentUser(user: GitLabSandboxUser): Record<string, unknown> {
    return {
      ...this.renderUser(user),
      created_at: this.projectCreatedAt.toISOString(),
      bio: '',
      location: '',
      public_email: null,
      skype: '',
      linkedin: '',
      twitter: '',
      discord: '',
      website_url: '',
      organization: '',
      job_title: '',
      pronouns: null,
      bot: user.bot ?? false,
      work_information: null,
      local_time: null,
      last_sign_in_at: null,
      confirmed_at: this.projectCreatedAt.toISOString(),
      last_activity_on: this.clock().toISOString().slice(0, 10),
      email: `${user.username}@example.com`,
      theme_id: 1,
      color_scheme_id: 1,
      projects_limit: 0,
      current_sign_in_at: null,
      identities: [],
      can_create_group: false,
      can_create_project: false,
      two_factor_enabled: false,
      external: false,
      private_profile: false,
      commit_email: `${user.username}@example.com`,
    };
  }

  private renderProject(): Record<string, unknown> {
    const base = this.baseUrl();
    const parts = this.projectPath.split('/');
    const path = parts[parts.length - 1];
    const namespacePath = parts.slice(0, -1).join('/');
    return {
      id: PROJECT_ID,
      description: null,
      name: path,
      name_with_namespace: parts.join(' / '),
      path,
      path_with_namespace: this.projectPath,
      created_at: this.projectCreatedAt.toISOString(),
      default_branch: 'main',
      tag_list: [],
      topics: [],
      ssh_url_to_repo: `git@127.0.0.1:${this.projectPath}.git`,
      http_url_to_repo: `${base}/${this.projectPath}.git`,
      web_url: `${base}/${this.projectPath}`,
      readme_url: null,
      forks_count: 0,
      avatar_url: null,
      star_count: 0,
      last_activity_at: this.clock().toISOString(),
      namespace: {
        id: 2,
        name: parts[parts.length - 2] ?? path,
        path: parts[parts.length - 2] ?? path,
        kind: 'group',
        full_path: namespacePath,
        parent_id: null,
        avatar_url: null,
        web_url: `${base}/groups/${namespacePath}`,
      },
      visibility: 'private',
      issues_enabled: true,
      archived: false,
      open_issues_count: this.issueStore.filter((i) => i.state === 'opened').length,
      _links: {
        self: `${base}/api/v4/projects/${PROJECT_ID}`,
        issues: `${base}/api/v4/projects/${PROJECT_ID}/issues`,
        labels: `${base}/api/v4/projects/${PROJECT_ID}/labels`,
      },
    };
  }

  private renderLabel(label: LabelRecord): GitLabLabelJson {
    return {
      id: label.id,
      name: label.name,
      color: label.color,
      text_color: '#FFFFFF',
      description: label.description,
      description_html: label.description ?? '',
      subscribed: false,
      priority: null,
      is_project_label: true,
      archived: false,
    };
  }

  private renderIssue(
    issue: IssueRecord,
    single: boolean,
    withLabelDetails = false,
    userNotesCount?: number,
  ): GitLabIssue {
    const base = this.baseUrl();
    const author = this.userById(issue.authorId)!;
    const closedBy = issue.closedById === null ? null : (this.userById(issue.closedById) ?? null);
    const labelNames = [...issue.labels].sort(compareNames);
    const tasks = [...(issue.description ?? '').matchAll(/^\s*(?:[-*+]|\d+\.)\s+\[([ xX])\]/gm)];
    const rendered: GitLabIssue = {
      id: issue.id,
      iid: issue.iid,
      project_id: PROJECT_ID,
      title: issue.title,
      description: issue.description,
      state: issue.state,
      created_at: issue.createdAt.toISOString(),
      updated_at: issue.updatedAt.toISOString(),
      closed_at: issue.closedAt ? issue.closedAt.toISOString() : null,
      closed_by: closedBy ? this.renderUser(closedBy) : null,
      labels: withLabelDetails
        ? labelNames
            .map((name) => this.labelByName(name))
            .filter((l): l is LabelRecord => !!l)
            .map((l) => this.renderLabel(l))
        : labelNames,
      milestone: null,
      assignees: [],
      assignee: null,
      author: this.renderUser(author),
      type: 'ISSUE',
      issue_type: 'issue',
      user_notes_count: userNotesCount ?? this.noteStore.filter((n) => n.issueIid === issue.iid && !n.system).length,
      merge_requests_count: 0,
      upvotes: 0,
      downvotes: 0,
      due_date: null,
      confidential: issue.confidential,
      discussion_locked: null,
      web_url: `${base}/${this.projectPath}/-/issues/${issue.iid}`,
      time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
      task_completion_status: { count: tasks.length, completed_count: tasks.filter((m) => m[1] !== ' ').length },
      has_tasks: tasks.length > 0,
      blocking_issues_count: 0,
      _links: {
        self: `${base}/api/v4/projects/${PROJECT_ID}/issues/${issue.iid}`,
        notes: `${base}/api/v4/projects/${PROJECT_ID}/issues/${issue.iid}/notes`,
        award_emoji: `${base}/api/v4/projects/${PROJECT_ID}/issues/${issue.iid}/award_emoji`,
        project: `${base}/api/v4/projects/${PROJECT_ID}`,
        closed_as_duplicate_of: null,
      },
      references: { short: `#${issue.iid}`, relative: `#${issue.iid}`, full: `${this.projectPath}#${issue.iid}` },
      severity: 'UNKNOWN',
      moved_to_id: null,
      service_desk_reply_to: null,
      imported: false,
      imported_from: 'none',
    };
    if (single) rendered.subscribed = true;
    return rendered;
  }

  private renderNote(note: NoteRecord, issue: IssueRecord): GitLabNote {
    return {
      id: note.id,
      type: null,
      body: note.body,
      attachment: null,
      author: this.renderUser(this.userById(note.authorId)!),
      created_at: note.createdAt.toISOString(),
      updated_at: note.updatedAt.toISOString(),
      system: note.system,
      noteable_id: issue.id,
      noteable_type: 'Issue',
      project_id: PROJECT_ID,
      noteable_iid: issue.iid,
      resolvable: false,
      confidential: false,
      internal: false,
      imported: false,
      imported_from: 'none',
    };
  }

  private renderLabelEvent(event: LabelEventRecord, issue: IssueRecord): Record<string, unknown> {
    const label = this.labelStore.find((l) => l.id === event.labelId);
    return {
      id: event.id,
      user: this.renderUser(this.userById(event.userId)!),
      created_at: event.createdAt.toISOString(),
      resource_type: 'Issue',
      resource_id: issue.id,
      label: label
        ? { id: label.id, name: label.name, color: label.color, text_color: '#FFFFFF', description: label.description }
        : null,
      action: event.action,
    };
  }

  private renderStateEvent(event: StateEventRecord, issue: IssueRecord): Record<string, unknown> {
    return {
      id: event.id,
      user: this.renderUser(this.userById(event.userId)!),
      created_at: event.createdAt.toISOString(),
      resource_type: 'Issue',
      resource_id: issue.id,
      state: event.state,
    };
  }

  // ─── lookups ─────────────────────────────────────────────────────────────────────────────

  private isProject(idOrPath: string): boolean {
    return idOrPath === String(PROJECT_ID) || idOrPath.toLowerCase() === this.projectPath.toLowerCase();
  }

  private userByName(username: string): GitLabSandboxUser | undefined {
    return this.userList.find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  private userById(id: number): GitLabSandboxUser | undefined {
    return this.userList.find((u) => u.id === id);
  }

  private defaultAuthor(): GitLabSandboxUser | undefined {
    const first = this.tokenMap.values().next();
    return (first.done ? undefined : this.userByName(first.value)) ?? this.userList[0];
  }

  private issueByIid(iid: number): IssueRecord | undefined {
    return this.issueStore.find((i) => i.iid === iid);
  }

  private mustIssue(iid: number): IssueRecord {
    const issue = this.issueByIid(iid);
    if (!issue) throw new Error(`gitlab sandbox: no issue #${iid}`);
    return issue;
  }

  private labelByName(name: string): LabelRecord | undefined {
    return this.labelStore.find((l) => l.name === name);
  }

  private labelByIdOrName(idOrName: string): LabelRecord | undefined {
    return (
      (/^\d+$/.test(idOrName) ? this.labelStore.find((l) => String(l.id) === idOrName) : undefined) ??
      this.labelByName(idOrName)
    );
  }
}

export function createGitLabSandbox(options: GitLabSandboxOptions): GitLabSandbox {
  return new GitLabSandbox(options);
}

// ─── routing table and small helpers ─────────────────────────────────────────────────────────

interface Ctx {
  req: FakeRequest;
  method: string;
  actor: GitLabSandboxUser;
  params: Params;
  seg: string[];
  /** Route parameters GitLab echoes into pagination links (e.g. id, noteable_id). */
  routeParams: Record<string, string>;
}

type RouteName =
  | 'user'
  | 'users'
  | 'userById'
  | 'group'
  | 'memberAll'
  | 'noteAward'
  | 'project'
  | 'labels'
  | 'label'
  | 'templates'
  | 'template'
  | 'issues'
  | 'issue'
  | 'notes'
  | 'note'
  | 'labelEvents'
  | 'stateEvents';

const ROUTES: { pattern: string[]; name: RouteName; methods: string[] }[] = [
  { pattern: ['user'], name: 'user', methods: ['GET'] },
  { pattern: ['users'], name: 'users', methods: ['GET'] },
  { pattern: ['users', ':'], name: 'userById', methods: ['GET'] },
  { pattern: ['projects', ':'], name: 'project', methods: ['GET'] },
  { pattern: ['projects', ':', 'members', 'all', ':'], name: 'memberAll', methods: ['GET'] },
  { pattern: ['groups', ':'], name: 'group', methods: ['GET'] },
  { pattern: ['projects', ':', 'labels'], name: 'labels', methods: ['GET', 'POST'] },
  { pattern: ['projects', ':', 'labels', ':'], name: 'label', methods: ['GET', 'DELETE'] },
  { pattern: ['projects', ':', 'templates', 'issues'], name: 'templates', methods: ['GET'] },
  { pattern: ['projects', ':', 'templates', 'issues', ':'], name: 'template', methods: ['GET'] },
  { pattern: ['projects', ':', 'issues'], name: 'issues', methods: ['GET', 'POST'] },
  { pattern: ['projects', ':', 'issues', ':'], name: 'issue', methods: ['GET', 'PUT'] },
  { pattern: ['projects', ':', 'issues', ':', 'notes'], name: 'notes', methods: ['GET', 'POST'] },
  { pattern: ['projects', ':', 'issues', ':', 'notes', ':'], name: 'note', methods: ['GET', 'PUT', 'DELETE'] },
  { pattern: ['projects', ':', 'issues', ':', 'notes', ':', 'award_emoji'], name: 'noteAward', methods: ['POST'] },
  { pattern: ['projects', ':', 'issues', ':', 'resource_label_events'], name: 'labelEvents', methods: ['GET'] },
  { pattern: ['projects', ':', 'issues', ':', 'resource_state_events'], name: 'stateEvents', methods: ['GET'] },
];

/** `@username` mentions in Markdown outside code spans, fenced code and HTML comments. */
function mentionedUsernames(body: string): string[] {
  const text = body
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`\n]*`/g, ' ');
  return [
    ...new Set(
      [...text.matchAll(/(?:^|[^\w@`/])@([A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_]|[A-Za-z0-9_])/g)].map(
        (match) => match[1]!,
      ),
    ),
  ];
}

function matchRoute(seg: string[]) {
  return ROUTES.find(
    (route) =>
      route.pattern.length === seg.length && route.pattern.every((p, i) => (p === ':' ? seg[i] !== '' : p === seg[i])),
  );
}

function notFoundRoute(): FakeResponse {
  return json(404, { error: '404 Not Found' });
}

/**
 * GitLab's size caps (docs/vendor-facts.md, "GitLab"): a note or a description longer than its
 * limit in characters (Ruby counts code points) is refused with a 400, and nothing is saved.
 */
function tooLong(text: string, limit: number): boolean {
  if (text.length <= limit) return false;
  let characters = 0;
  for (const _ of text) if (++characters > limit) return true;
  return false;
}

/** A note over the cap: Rails' error hash as GitLab's notes API prints it in its 400 message. */
const NOTE_TOO_LONG = `{:note=>["is too long (maximum is ${GITLAB_NOTE_LIMIT} characters)"]}`;

function descriptionTooLong(): FakeResponse {
  return json(400, { message: { description: [`is too long (maximum is ${GITLAB_DESCRIPTION_LIMIT} characters)`] } });
}

function json(status: number, body: unknown): FakeResponse {
  return { status, body, headers: { 'content-type': 'application/json' } };
}

function header(req: FakeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Query string as GitLab reads it: `key[]=a&key[]=b` is an array. */
function queryParams(url: URL): Params {
  const out: Record<string, unknown> = {};
  for (const [key, value] of url.searchParams) {
    if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const current = out[name];
      out[name] = Array.isArray(current) ? [...current, value] : [value];
    } else {
      out[key] = value;
    }
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
  return String(value);
}

function bool(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes', 't'].includes(text)) return true;
  if (['false', '0', 'no', 'f'].includes(text)) return false;
  return undefined;
}

/** A comma-separated string or an array, trimmed, empties dropped. */
function list(value: unknown): string[] {
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

function plural(word: string, count: number): string {
  return count === 1 ? word : `${word}s`;
}

function mergeChanges(into: IssueChanges, from: IssueChanges): void {
  if (from.title !== undefined) into.title = from.title;
  if (from.confidential !== undefined) into.confidential = from.confidential;
  if (from.stateEvent !== undefined) into.stateEvent = from.stateEvent;
  if (from.setLabels !== undefined) into.setLabels = from.setLabels;
  if (from.addLabels !== undefined) into.addLabels = [...(into.addLabels ?? []), ...from.addLabels];
  if (from.removeLabels !== undefined) into.removeLabels = [...(into.removeLabels ?? []), ...from.removeLabels];
}
