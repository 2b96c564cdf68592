import type { FakeResponse } from '../fake-server.js';
import { compareNames } from '../../domain/locale.js';
import { GITLAB_DESCRIPTION_LIMIT } from '../../domain/note-size.js';
import { textOf } from '../../domain/text.js';
import { applyChanges, mergeChanges, nextLabelSet, type IssueChanges } from './changes.js';
import { bool, descriptionTooLong, json, list, str, tooLong, type Ctx, type Params } from './http.js';
import type { GitLabIssue } from './json.js';
import { ensureLabels, normaliseLabelSet, renderLabel } from './labels.js';
import { renderUser } from './members.js';
import { paginate } from './pagination.js';
import { interpret } from './quick-actions.js';
import {
  defaultAuthor,
  labelByName,
  PROJECT_ID,
  userById,
  userByName,
  type IssueRecord,
  type LabelRecord,
  type SandboxState,
} from './state.js';
import type { AddIssueInput } from './types.js';

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

/** Parameters of PUT .../issues/:iid, at least one of which must be given. */
const UPDATE_PARAMETERS = [
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

/** Seeds an issue without HTTP (no quick actions run, no system notes). */
export function seedIssue(state: SandboxState, input: AddIssueInput): GitLabIssue {
  const author = input.author ? userByName(state, input.author) : defaultAuthor(state);
  if (!author) throw new Error(`gitlab sandbox: unknown user ${input.author}`);
  const at = input.createdAt ?? state.clock();
  const issue: IssueRecord = {
    id: state.nextId.issue++,
    iid: state.issues.length + 1,
    title: input.title,
    description: input.description ?? null,
    state: input.state ?? 'opened',
    labels: normaliseLabelSet(state, ensureLabels(state, input.labels ?? [])),
    confidential: input.confidential ?? false,
    authorId: author.id,
    createdAt: at,
    updatedAt: at,
    closedAt: input.state === 'closed' ? at : null,
    closedById: input.state === 'closed' ? author.id : null,
  };
  state.issues.push(issue);
  return renderIssue(state, issue, false);
}

// ─── routes ──────────────────────────────────────────────────────────────────────────────

/** GET /projects/:id/issues: GitLab's filters, `order_by` and `sort`. */
export function listIssues(state: SandboxState, ctx: Ctx): FakeResponse {
  const p = ctx.params;
  const issueState = str(p.state) ?? 'all';
  if (!['opened', 'closed', 'all'].includes(issueState))
    return json(400, { error: 'state does not have a valid value' });
  const orderBy = str(p.order_by) ?? 'created_at';
  if (!ISSUE_ORDER_BY.includes(orderBy)) return json(400, { error: 'order_by does not have a valid value' });
  const sort = str(p.sort) ?? 'desc';
  if (!['asc', 'desc'].includes(sort)) return json(400, { error: 'sort does not have a valid value' });

  const filtered = filterIssues(state, ctx, issueState);
  if ('error' in filtered) return json(400, { error: filtered.error });
  const issues = filtered.issues;
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
  for (const note of state.notes)
    if (!note.system) userNotes.set(note.issueIid, (userNotes.get(note.issueIid) ?? 0) + 1);
  return paginate(ctx, state.countLimit, issues, (i) =>
    renderIssue(state, i, false, withDetails, userNotes.get(i.iid) ?? 0),
  );
}

/** The issues the listing's filters keep, or the 400 error message of an invalid one. */
function filterIssues(
  state: SandboxState,
  ctx: Ctx,
  issueState: string,
): { issues: IssueRecord[] } | { error: string } {
  const p: Params = ctx.params;
  let issues = state.issues.slice();
  if (issueState !== 'all') issues = issues.filter((i) => i.state === issueState);
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
    issues = issues.filter((i) => userById(state, i.authorId)?.username === authorUsername);
  const authorId = str(p.author_id);
  if (authorId !== undefined) issues = issues.filter((i) => String(i.authorId) === authorId);
  // `scope`: created_by_me (the token's own user is the author), assigned_to_me (no issue has assignees here) or all.
  const scope = str(p.scope) ?? 'all';
  if (!['created_by_me', 'assigned_to_me', 'all'].includes(scope))
    return { error: 'scope does not have a valid value' };
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
    if (Number.isNaN(limit)) return { error: `${key} is invalid` };
    issues = issues.filter((i) => (after ? i[field].getTime() >= limit : i[field].getTime() <= limit));
  }
  return { issues };
}

/** POST /projects/:id/issues: quick actions in the description run on create. */
export function createIssue(state: SandboxState, ctx: Ctx): FakeResponse {
  const p = ctx.params;
  if (p.title === undefined || p.title === null) return json(400, { error: 'title is missing' });
  const title = textOf(p.title);
  if (title.trim() === '') return json(400, { message: { title: ["can't be blank"] } });
  if (title.length > 255) return json(400, { message: { title: ['is too long (maximum is 255 characters)'] } });
  const at = state.clock();
  const rawDescription = p.description === undefined || p.description === null ? null : textOf(p.description);
  if (rawDescription !== null && tooLong(rawDescription, GITLAB_DESCRIPTION_LIMIT)) return descriptionTooLong();
  const issue: IssueRecord = {
    id: state.nextId.issue++,
    iid: state.issues.length + 1,
    title: title.trim(),
    description: rawDescription,
    state: 'opened',
    labels: normaliseLabelSet(state, ensureLabels(state, list(p.labels ?? []))),
    confidential: bool(p.confidential) ?? false,
    authorId: ctx.actor.id,
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    closedById: null,
  };
  // Quick actions in the description run on create (e.g. a template's `/label ~x` line).
  if (rawDescription !== null) {
    const interpreted = interpret(state, rawDescription, issue, false);
    issue.description = interpreted.content;
    const changes = interpreted.changes;
    if (changes.title !== undefined) issue.title = changes.title;
    if (changes.confidential !== undefined) issue.confidential = changes.confidential;
    issue.labels = nextLabelSet(state, issue.labels, changes);
  }
  state.issues.push(issue);
  return json(201, renderIssue(state, issue, true));
}

/** PUT /projects/:id/issues/:iid: quick actions in a new description run too. */
export function updateIssue(state: SandboxState, ctx: Ctx, issue: IssueRecord): FakeResponse {
  const p = ctx.params;
  if (!UPDATE_PARAMETERS.some((key) => p[key] !== undefined)) {
    return json(400, {
      error: `${UPDATE_PARAMETERS.join(', ')} are missing, at least one parameter must be provided`,
    });
  }
  const changes: IssueChanges = {};
  if (p.title !== undefined) {
    const title = textOf(p.title).trim();
    if (title === '') return json(400, { message: { title: ["can't be blank"] } });
    changes.title = title;
  }
  if (p.labels !== undefined) changes.setLabels = ensureLabels(state, list(p.labels));
  if (p.add_labels !== undefined) changes.addLabels = ensureLabels(state, list(p.add_labels));
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
    if (p.description !== null && tooLong(textOf(p.description), GITLAB_DESCRIPTION_LIMIT)) return descriptionTooLong();
    const interpreted = interpret(state, textOf(p.description), issue, true);
    changes.description = p.description === null ? null : interpreted.content;
    mergeChanges(changes, interpreted.changes);
  }
  applyChanges(state, issue, ctx.actor, changes, state.clock());
  return json(200, renderIssue(state, issue, true));
}

// ─── rendering ───────────────────────────────────────────────────────────────────────────

/**
 * The API's issue. `single`: the answer about one issue (it has `subscribed`). Listings pass the
 * count of user notes they worked out once for all issues.
 */
export function renderIssue(
  state: SandboxState,
  issue: IssueRecord,
  single: boolean,
  withLabelDetails = false,
  userNotesCount?: number,
): GitLabIssue {
  const base = state.baseUrl();
  const projectPath = state.projectPath;
  const author = userById(state, issue.authorId)!;
  const closedBy = issue.closedById === null ? null : (userById(state, issue.closedById) ?? null);
  const labelNames = [...issue.labels].sort(compareNames);
  const tasks = [...(issue.description ?? '').matchAll(/^\s*(?:[-*+]|\d+\.)\s+\[([ xX])\]/gm)];
  const apiUrl = `${base}/api/v4/projects/${PROJECT_ID}`;
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
    closed_by: closedBy ? renderUser(state, closedBy) : null,
    labels: withLabelDetails
      ? labelNames
          .map((name) => labelByName(state, name))
          .filter((l): l is LabelRecord => !!l)
          .map((l) => renderLabel(l))
      : labelNames,
    milestone: null,
    assignees: [],
    assignee: null,
    author: renderUser(state, author),
    type: 'ISSUE',
    issue_type: 'issue',
    user_notes_count: userNotesCount ?? state.notes.filter((n) => n.issueIid === issue.iid && !n.system).length,
    merge_requests_count: 0,
    upvotes: 0,
    downvotes: 0,
    due_date: null,
    confidential: issue.confidential,
    discussion_locked: null,
    web_url: `${base}/${projectPath}/-/issues/${issue.iid}`,
    time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
    task_completion_status: { count: tasks.length, completed_count: tasks.filter((m) => m[1] !== ' ').length },
    has_tasks: tasks.length > 0,
    blocking_issues_count: 0,
    _links: {
      self: `${apiUrl}/issues/${issue.iid}`,
      notes: `${apiUrl}/issues/${issue.iid}/notes`,
      award_emoji: `${apiUrl}/issues/${issue.iid}/award_emoji`,
      project: apiUrl,
      closed_as_duplicate_of: null,
    },
    references: { short: `#${issue.iid}`, relative: `#${issue.iid}`, full: `${projectPath}#${issue.iid}` },
    severity: 'UNKNOWN',
    moved_to_id: null,
    service_desk_reply_to: null,
    imported: false,
    imported_from: 'none',
  };
  if (single) rendered.subscribed = true;
  return rendered;
}
