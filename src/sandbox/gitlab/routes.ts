import type { FakeRequest, FakeResponse } from '../fake-server.js';
import { authenticate } from './auth.js';
import { listLabelEvents, listStateEvents } from './events.js';
import { isObject, json, notFoundRoute, queryParams, type Ctx, type Params } from './http.js';
import { createIssue, listIssues, renderIssue, updateIssue } from './issues.js';
import { createLabel, labelById, listLabels } from './labels.js';
import { getMember, getUser, listUsers, renderCurrentUser } from './members.js';
import { awardNote, listNotes, noteById, postNote } from './notes.js';
import { getGroup, getTemplate, listTemplates, renderProject } from './project.js';
import { issueByIid, isProject, type SandboxState } from './state.js';

const API_PREFIX = '/api/v4/';

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

function matchRoute(seg: string[]) {
  return ROUTES.find(
    (route) =>
      route.pattern.length === seg.length && route.pattern.every((p, i) => (p === ':' ? seg[i] !== '' : p === seg[i])),
  );
}

/** Answers one API request: 404 for an unknown route, 405 for a wrong method, 401 without a valid token. */
export function route(state: SandboxState, req: FakeRequest): FakeResponse {
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

  const actor = authenticate(state, req);
  if (!actor) return json(401, { message: '401 Unauthorized' });

  const params: Params = { ...queryParams(req.url), ...(isObject(req.body) ? req.body : {}) };
  const ctx: Ctx = { req, method, actor, params, seg, routeParams: {} };

  switch (match.name) {
    case 'user':
      return json(200, renderCurrentUser(state, actor));
    case 'users':
      return listUsers(state, ctx);
    case 'userById':
      return getUser(state, seg[1]);
    case 'group':
      return getGroup(state, seg[1]);
    default:
      return routeInProject(state, match.name, ctx);
  }
}

/** Routes under /projects/:id */
function routeInProject(state: SandboxState, name: RouteName, ctx: Ctx): FakeResponse {
  const { seg, method } = ctx;
  if (!isProject(state, seg[1])) return json(404, { message: '404 Project Not Found' });
  ctx.routeParams.id = seg[1];
  switch (name) {
    case 'project':
      return json(200, renderProject(state));
    case 'memberAll':
      return getMember(state, seg[4]);
    case 'labels':
      return method === 'GET' ? listLabels(state, ctx) : createLabel(state, ctx);
    case 'label':
      return labelById(state, ctx);
    case 'templates':
      return listTemplates(state, ctx);
    case 'template':
      return getTemplate(state, seg[4]);
    case 'issues':
      return method === 'GET' ? listIssues(state, ctx) : createIssue(state, ctx);
    default:
      return routeInIssue(state, name, ctx);
  }
}

/** Routes under /projects/:id/issues/:issue_iid */
function routeInIssue(state: SandboxState, name: RouteName, ctx: Ctx): FakeResponse {
  const { seg, method } = ctx;
  if (!/^\d+$/.test(seg[3])) return json(400, { error: 'issue_iid is invalid' });
  const issue = issueByIid(state, Number(seg[3]));
  if (!issue) return json(404, { message: '404 Issue Not Found' });
  switch (name) {
    case 'issue':
      return method === 'GET' ? json(200, renderIssue(state, issue, true)) : updateIssue(state, ctx, issue);
    case 'notes':
      ctx.routeParams.noteable_id = seg[3];
      return method === 'GET' ? listNotes(state, ctx, issue) : postNote(state, ctx, issue);
    case 'note':
      return noteById(state, ctx, issue);
    case 'noteAward':
      return awardNote(state, ctx, issue);
    case 'labelEvents':
      return listLabelEvents(state, ctx, issue);
    case 'stateEvents':
      return listStateEvents(state, ctx, issue);
    default:
      return notFoundRoute();
  }
}
