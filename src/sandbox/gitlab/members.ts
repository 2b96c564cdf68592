/** Users, project membership and access levels, who can read an issue, and mention notifications. */

import type { FakeResponse } from '../fake-server.js';
import { json, str, type Ctx } from './http.js';
import type { GitLabUserJson } from './json.js';
import { paginate } from './pagination.js';
import { issueByIid, userByName, type NoteRecord, type IssueRecord, type SandboxState } from './state.js';
import type { GitLabSandboxUser } from './types.js';

const DEVELOPER = 30;
const PLANNER = 15;

/** The user's access level in the project, as GitLab counts membership (default Developer), or null. */
export function accessLevel(state: SandboxState, username: string): number | null {
  const key = username.toLowerCase();
  return state.memberLevels.has(key) ? state.memberLevels.get(key)! : DEVELOPER;
}

/**
 * Whether the user can read the issue: a confidential one only for active members with Planner or
 * higher, its author and its assignees (GitLab's rules); any active member otherwise.
 */
export function canRead(state: SandboxState, username: string, iid: number): boolean {
  const user = userByName(state, username);
  const issue = issueByIid(state, iid);
  if (!user || !issue || (user.state ?? 'active') !== 'active') return false;
  const level = accessLevel(state, username);
  if (!issue.confidential) return level !== null;
  return (level !== null && level >= PLANNER) || issue.authorId === user.id;
}

/** Records a notification for each user the note mentions who can read its issue. */
export function notifyMentions(state: SandboxState, issue: IssueRecord, note: NoteRecord): void {
  for (const username of mentionedUsernames(note.body)) {
    if (canRead(state, username, issue.iid))
      state.notifications.push({ username, issueIid: issue.iid, noteId: note.id });
  }
}

/** `@username` mentions in Markdown outside code spans, fenced code and HTML comments. */
function mentionedUsernames(body: string): string[] {
  const text = body
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`\n]*`/g, ' ');
  return [
    ...new Set(
      [...text.matchAll(/(?:^|[^\w@`/])@([A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_]|[A-Za-z0-9_])/g)].map(
        (match) => match[1],
      ),
    ),
  ];
}

// ─── routes ──────────────────────────────────────────────────────────────────────────────

/** GET /users: `username` (exact, any case) and `search` (username or name) filters, newest id first. */
export function listUsers(state: SandboxState, ctx: Ctx): FakeResponse {
  const username = str(ctx.params.username);
  const search = str(ctx.params.search)?.toLowerCase();
  let users = state.users;
  if (username !== undefined) users = users.filter((u) => u.username.toLowerCase() === username.toLowerCase());
  if (search)
    users = users.filter((u) => u.username.toLowerCase().includes(search) || u.name.toLowerCase().includes(search));
  return paginate(
    ctx,
    state.countLimit,
    [...users].sort((a, b) => b.id - a.id).map((u) => renderUser(state, u)),
  );
}

/** GET /users/:id */
export function getUser(state: SandboxState, id: string): FakeResponse {
  const user = state.users.find((u) => String(u.id) === id);
  return user ? json(200, renderUser(state, user)) : json(404, { message: '404 User Not Found' });
}

/** GET /projects/:id/members/all/:user_id */
export function getMember(state: SandboxState, userId: string): FakeResponse {
  const user = state.users.find((u) => String(u.id) === userId);
  const level = user ? accessLevel(state, user.username) : null;
  if (!user || level === null) return json(404, { message: '404 Not found' });
  return json(200, {
    ...renderUser(state, user),
    access_level: level,
    created_at: state.projectCreatedAt.toISOString(),
    expires_at: null,
    membership_state: 'active',
  });
}

// ─── rendering ───────────────────────────────────────────────────────────────────────────

export function renderUser(state: SandboxState, user: GitLabSandboxUser): GitLabUserJson {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: user.state ?? 'active',
    locked: false,
    avatar_url: `${state.baseUrl()}/uploads/-/system/user/avatar/${user.id}/avatar.png`,
    web_url: `${state.baseUrl()}/${user.username}`,
  };
}

/** GET /user: the token's own user, with the private fields. */
export function renderCurrentUser(state: SandboxState, user: GitLabSandboxUser): Record<string, unknown> {
  return {
    ...renderUser(state, user),
    created_at: state.projectCreatedAt.toISOString(),
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
    confirmed_at: state.projectCreatedAt.toISOString(),
    last_activity_on: state.clock().toISOString().slice(0, 10),
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
