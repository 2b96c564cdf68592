/** The project itself, its issue templates, and groups. */

import type { FakeResponse } from '../fake-server.js';
import { json, type Ctx } from './http.js';
import { paginate } from './pagination.js';
import { PROJECT_ID, type SandboxState } from './state.js';

/** GET /groups/:id (a known group path, any case). */
export function getGroup(state: SandboxState, path: string): FakeResponse {
  const key = path.toLowerCase();
  if (!state.groupPaths.has(key)) return json(404, { message: '404 Group Not Found' });
  return json(200, {
    id: 900 + [...state.groupPaths].indexOf(key),
    name: path,
    path,
    full_path: path,
    visibility: 'private',
  });
}

/** GET /projects/:id/templates/issues */
export function listTemplates(state: SandboxState, ctx: Ctx): FakeResponse {
  return paginate(
    ctx,
    state.countLimit,
    [...state.templates.keys()].sort().map((name) => ({ key: name, name })),
  );
}

/** GET /projects/:id/templates/issues/:name */
export function getTemplate(state: SandboxState, name: string): FakeResponse {
  const content = state.templates.get(name);
  return content === undefined ? json(404, { message: '404 Template Not Found' }) : json(200, { name, content });
}

export function renderProject(state: SandboxState): Record<string, unknown> {
  const base = state.baseUrl();
  const projectPath = state.projectPath;
  const parts = projectPath.split('/');
  const path = parts[parts.length - 1];
  const namespacePath = parts.slice(0, -1).join('/');
  return {
    id: PROJECT_ID,
    description: null,
    name: path,
    name_with_namespace: parts.join(' / '),
    path,
    path_with_namespace: projectPath,
    created_at: state.projectCreatedAt.toISOString(),
    default_branch: 'main',
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@127.0.0.1:${projectPath}.git`,
    http_url_to_repo: `${base}/${projectPath}.git`,
    web_url: `${base}/${projectPath}`,
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: state.clock().toISOString(),
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
    open_issues_count: state.issues.filter((i) => i.state === 'opened').length,
    _links: {
      self: `${base}/api/v4/projects/${PROJECT_ID}`,
      issues: `${base}/api/v4/projects/${PROJECT_ID}/issues`,
      labels: `${base}/api/v4/projects/${PROJECT_ID}/labels`,
    },
  };
}
