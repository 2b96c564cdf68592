/** Resource label and state events, as GitLab lists them for an issue. */

import type { FakeResponse } from '../fake-server.js';
import type { Ctx } from './http.js';
import { renderUser } from './members.js';
import { paginate } from './pagination.js';
import {
  userById,
  type IssueRecord,
  type LabelEventRecord,
  type SandboxState,
  type StateEventRecord,
} from './state.js';

/** GET .../issues/:iid/resource_label_events */
export function listLabelEvents(state: SandboxState, ctx: Ctx, issue: IssueRecord): FakeResponse {
  ctx.routeParams.eventable_id = ctx.seg[3];
  return paginate(
    ctx,
    state.countLimit,
    state.labelEvents.filter((e) => e.issueIid === issue.iid).map((e) => renderLabelEvent(state, e, issue)),
  );
}

/** GET .../issues/:iid/resource_state_events */
export function listStateEvents(state: SandboxState, ctx: Ctx, issue: IssueRecord): FakeResponse {
  ctx.routeParams.eventable_id = ctx.seg[3];
  return paginate(
    ctx,
    state.countLimit,
    state.stateEvents.filter((e) => e.issueIid === issue.iid).map((e) => renderStateEvent(state, e, issue)),
  );
}

function renderLabelEvent(state: SandboxState, event: LabelEventRecord, issue: IssueRecord): Record<string, unknown> {
  const label = state.labels.find((l) => l.id === event.labelId);
  return {
    id: event.id,
    user: renderUser(state, userById(state, event.userId)!),
    created_at: event.createdAt.toISOString(),
    resource_type: 'Issue',
    resource_id: issue.id,
    label: label
      ? { id: label.id, name: label.name, color: label.color, text_color: '#FFFFFF', description: label.description }
      : null,
    action: event.action,
  };
}

function renderStateEvent(state: SandboxState, event: StateEventRecord, issue: IssueRecord): Record<string, unknown> {
  return {
    id: event.id,
    user: renderUser(state, userById(state, event.userId)!),
    created_at: event.createdAt.toISOString(),
    resource_type: 'Issue',
    resource_id: issue.id,
    state: event.state,
  };
}
