import type { FakeResponse } from '../fake-server.js';
import { compareNames } from '../../domain/locale.js';
import { bool, json, str, type Ctx } from './http.js';
import type { GitLabLabelJson } from './json.js';
import { paginate } from './pagination.js';
import { labelByIdOrName, labelByName, type LabelRecord, type SandboxState } from './state.js';

const DEFAULT_LABEL_COLOR = '#6699cc';

/** Labels named via the API are created when unknown (GitLab does the same). */
export function ensureLabels(state: SandboxState, names: string[]): string[] {
  const out: string[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (!name) continue;
    const label = labelByName(state, name) ?? createLabelRecord(state, name);
    out.push(label.name);
  }
  return out;
}

function createLabelRecord(state: SandboxState, name: string): LabelRecord {
  const label: LabelRecord = { id: state.nextId.label++, name, color: DEFAULT_LABEL_COLOR, description: null };
  state.labels.push(label);
  return label;
}

/** Dedupe; with scoped labels, the last label of each `scope::` wins. */
export function normaliseLabelSet(state: SandboxState, names: string[]): string[] {
  const seenScopes = new Set<string>();
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const name of [...names].reverse()) {
    if (seen.has(name)) continue;
    seen.add(name);
    const cut = name.lastIndexOf('::');
    if (state.scopedLabels && cut > 0) {
      const scope = name.slice(0, cut);
      if (seenScopes.has(scope)) continue;
      seenScopes.add(scope);
    }
    kept.push(name);
  }
  return kept.reverse();
}

// ─── routes ──────────────────────────────────────────────────────────────────────────────

/** GET /projects/:id/labels: `search` and `with_counts`, by name. */
export function listLabels(state: SandboxState, ctx: Ctx): FakeResponse {
  const search = str(ctx.params.search)?.toLowerCase();
  const withCounts = bool(ctx.params.with_counts) ?? false;
  const labels = state.labels
    .filter((label) => !search || label.name.toLowerCase().includes(search))
    .sort((a, b) => compareNames(a.name, b.name))
    .map((label) => {
      const rendered: Record<string, unknown> = { ...renderLabel(label) };
      if (withCounts) {
        rendered.open_issues_count = state.issues.filter(
          (i) => i.state === 'opened' && i.labels.includes(label.name),
        ).length;
        rendered.closed_issues_count = state.issues.filter(
          (i) => i.state === 'closed' && i.labels.includes(label.name),
        ).length;
        rendered.open_merge_requests_count = 0;
      }
      return rendered;
    });
  return paginate(ctx, state.countLimit, labels);
}

/** POST /projects/:id/labels */
export function createLabel(state: SandboxState, ctx: Ctx): FakeResponse {
  const name = str(ctx.params.name);
  const color = str(ctx.params.color);
  if (name === undefined) return json(400, { error: 'name is missing' });
  if (color === undefined) return json(400, { error: 'color is missing' });
  if (name.trim() === '') return json(400, { message: { title: ["can't be blank"] } });
  if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) && !/^[a-z]+$/i.test(color)) {
    return json(400, { message: { color: ['must be a valid color code'] } });
  }
  if (labelByName(state, name.trim())) return json(409, { message: 'Label already exists' });
  const label: LabelRecord = {
    id: state.nextId.label++,
    name: name.trim(),
    color,
    description: str(ctx.params.description) ?? null,
  };
  state.labels.push(label);
  return json(201, renderLabel(label));
}

/** GET or DELETE /projects/:id/labels/:label_id (an id or a name); a deleted label leaves every issue. */
export function labelById(state: SandboxState, ctx: Ctx): FakeResponse {
  const label = labelByIdOrName(state, decodeURIComponent(ctx.seg[3]));
  if (!label) return json(404, { message: '404 Label Not Found' });
  if (ctx.method === 'DELETE') {
    state.labels.splice(state.labels.indexOf(label), 1);
    for (const issue of state.issues) issue.labels = issue.labels.filter((name) => name !== label.name);
    return { status: 204 };
  }
  return json(200, renderLabel(label));
}

export function renderLabel(label: LabelRecord): GitLabLabelJson {
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
