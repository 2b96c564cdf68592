import { FakeServer, type FakeRequest, type FakeResponse } from '../fake-server.js';
import { textOf } from '../../domain/text.js';
import type { AddNoteResult, GitLabIssue, GitLabLabelJson, GitLabNote } from './json.js';
import { renderLabel } from './labels.js';
import { accessLevel, canRead } from './members.js';
import { award, createNote, renderNote } from './notes.js';
import { renderIssue, seedIssue } from './issues.js';
import { RateLimiter } from './rate-limit.js';
import { route } from './routes.js';
import {
  createState,
  issueByIid,
  mustIssue,
  restoreData,
  snapshotData,
  userByName,
  type MentionNotification,
  type SandboxState,
} from './state.js';
import type { AddIssueInput, GitLabSandboxOptions, GitLabSandboxState } from './types.js';

export type {
  AddNoteResult,
  GitLabIssue,
  GitLabLabelJson,
  GitLabNote,
  GitLabUserJson,
  QuickActionResult,
} from './json.js';
export type { AddIssueInput, GitLabSandboxOptions, GitLabSandboxState, GitLabSandboxUser } from './types.js';

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
export class GitLabSandbox extends FakeServer {
  private readonly state: SandboxState;
  private readonly rateLimiter: RateLimiter;

  constructor(options: GitLabSandboxOptions) {
    const self: { it?: GitLabSandbox } = {};
    super(
      'gitlab',
      (req) => self.it!.serve(req),
      () => self.it!.rateLimiter.fault(),
    );
    self.it = this;
    this.rateLimiter = new RateLimiter(
      options.rateLimitPerMinute,
      options.rateLimitWindowMs ?? 60_000,
      options.retryAfterSeconds ?? 1,
      options.preciseRateLimitHeaders ?? false,
    );
    this.state = createState(options, () => this.baseUrl());
  }

  /** Who GitLab notified of a mention: only users who can read the (confidential) issue. */
  get notifications(): MentionNotification[] {
    return this.state.notifications;
  }

  /** See GitLabSandboxOptions.noteDelayMs. */
  get noteDelayMs(): number {
    return this.state.noteDelayMs;
  }

  set noteDelayMs(value: number) {
    this.state.noteDelayMs = value;
  }

  // ─── direct helpers (no HTTP) ────────────────────────────────────────────────────────────

  /**
   * An emoji reaction on a note: GitLab records the award and moves the note's updated_at (its body
   * is unchanged).
   */
  react(iid: number, noteId: number, username: string, name = 'thumbsup'): void {
    const note = this.state.notes.find((candidate) => candidate.issueIid === iid && candidate.id === noteId);
    const user = userByName(this.state, username);
    if (!note || !user) throw new Error(`gitlab sandbox: no note ${noteId} in #${iid}, or no user ${username}`);
    award(this.state, note, user, name);
  }

  /** Rotates a token: `oldToken` is refused from now on (as a revoked one), `newToken` acts as its user. */
  rotateToken(oldToken: string, newToken: string): void {
    const username = this.state.tokens.get(oldToken);
    if (username === undefined) throw new Error('gitlab sandbox: no such token');
    this.state.tokens.delete(oldToken);
    this.state.tokens.set(newToken, username);
  }

  /** Sets a user's project access level (null: not a member). */
  setMember(username: string, level: number | null): void {
    this.state.memberLevels.set(username.toLowerCase(), level);
  }

  /** Blocks or deactivates a user (or makes them active again). */
  setUserState(username: string, state: 'active' | 'blocked' | 'deactivated'): void {
    const user = userByName(this.state, username);
    if (!user) throw new Error(`gitlab sandbox: no user ${username}`);
    user.state = state;
  }

  /** The user's access level in the project, as GitLab counts membership (default Developer), or null. */
  accessLevel(username: string): number | null {
    return accessLevel(this.state, username);
  }

  /**
   * Whether the user can read the issue: a confidential one only for active members with Planner or
   * higher, its author and its assignees (GitLab's rules); any active member otherwise.
   */
  canRead(username: string, iid: number): boolean {
    return canRead(this.state, username, iid);
  }

  /** The mentions GitLab notified `username` of (the mentions of people who cannot read the issue are dropped). */
  notificationsOf(username: string): { issueIid: number; noteId: number }[] {
    return this.state.notifications.filter((entry) => entry.username.toLowerCase() === username.toLowerCase());
  }

  /** Every stored issue, as the API would render it, in iid order. */
  issues(): GitLabIssue[] {
    return this.state.issues.map((issue) => renderIssue(this.state, issue, false));
  }

  issue(iid: number): GitLabIssue | undefined {
    const issue = issueByIid(this.state, iid);
    return issue ? renderIssue(this.state, issue, false) : undefined;
  }

  /** All notes of an issue, system notes included, in creation order. */
  notesOf(iid: number): GitLabNote[] {
    const issue = mustIssue(this.state, iid);
    return this.state.notes.filter((note) => note.issueIid === iid).map((note) => renderNote(this.state, note, issue));
  }

  labels(): GitLabLabelJson[] {
    return this.state.labels.map((label) => renderLabel(label));
  }

  /** As if `author` commented on the issue: quick actions run like on GitLab. */
  addNote(iid: number, input: { author: string; body: string; createdAt?: Date }): AddNoteResult {
    const issue = mustIssue(this.state, iid);
    const author = userByName(this.state, input.author);
    if (!author) throw new Error(`gitlab sandbox: unknown user ${input.author}`);
    const result = createNote(this.state, issue, author, input.body, input.createdAt ?? this.state.clock());
    if ('error' in result) throw new Error(`gitlab sandbox: note rejected: ${textOf(result.error)}`);
    return result;
  }

  /** Seeds an issue without HTTP (no quick actions run, no system notes). */
  addIssue(input: AddIssueInput): GitLabIssue {
    return seedIssue(this.state, input);
  }

  setNow(now: () => Date): void {
    this.state.clock = now;
  }

  /**
   * Everything stored (labels, issues, notes, events, id counters), for `restoreState`: tests
   * replay many runs from one point.
   */
  saveState(): GitLabSandboxState {
    return snapshotData(this.state);
  }

  restoreState(state: GitLabSandboxState): void {
    restoreData(this.state, state);
  }

  /**
   * Past this many items a listing leaves out X-Total, X-Total-Pages and the rel="last" link, as
   * GitLab does "for performance reasons" past 10,000 (the default); lower it in tests.
   */
  get countLimit(): number {
    return this.state.countLimit;
  }

  set countLimit(value: number) {
    this.state.countLimit = value;
  }

  get rateLimitPerMinute(): number | undefined {
    return this.rateLimiter.budget;
  }

  /** Requests allowed per sliding window; undefined turns the limit off. */
  set rateLimitPerMinute(value: number | undefined) {
    this.rateLimiter.budget = value;
  }

  set rateLimitWindowMs(value: number) {
    this.rateLimiter.windowMs = value;
  }

  /** Retry-After (seconds) of the injected 429. */
  set retryAfterSeconds(value: number) {
    this.rateLimiter.retryAfterSeconds = value;
  }

  get retryAfterSeconds(): number {
    return this.rateLimiter.retryAfterSeconds;
  }

  override forgetRateLimitWindow(): void {
    this.rateLimiter.forget();
  }

  // ─── HTTP ────────────────────────────────────────────────────────────────────────────────

  private serve(req: FakeRequest): FakeResponse {
    const admission = this.rateLimiter.admit();
    if (!admission.admitted) return admission.response;
    const response = route(this.state, req);
    if (response.status !== 204 && response.body !== undefined && typeof response.body !== 'string') {
      response.headers = { 'content-type': 'application/json', ...(response.headers ?? {}) };
    }
    response.headers = { ...admission.headers, ...(response.headers ?? {}) };
    return response;
  }

  private baseUrl(): string {
    try {
      return this.url;
    } catch {
      return 'http://127.0.0.1';
    }
  }
}

export function createGitLabSandbox(options: GitLabSandboxOptions): GitLabSandbox {
  return new GitLabSandbox(options);
}
