import type { FakeResponse } from '../fake-server.js';
import { GITLAB_NOTE_LIMIT } from '../../domain/note-size.js';
import { textOf } from '../../domain/text.js';
import { applyChanges } from './changes.js';
import { json, NOTE_TOO_LONG, str, tooLong, type Ctx } from './http.js';
import type { AddNoteResult, GitLabNote } from './json.js';
import { accessLevel, notifyMentions, renderUser } from './members.js';
import { paginate } from './pagination.js';
import { interpret } from './quick-actions.js';
import { PROJECT_ID, userById, type IssueRecord, type NoteRecord, type SandboxState } from './state.js';
import type { GitLabSandboxUser } from './types.js';

const MAINTAINER = 40;

/**
 * Posts a comment as `author`: its quick actions run and leave the text; a comment made only of
 * commands is not stored. Mentions notify the users who can read the issue.
 */
export function createNote(
  state: SandboxState,
  issue: IssueRecord,
  author: GitLabSandboxUser,
  body: string,
  at: Date,
): AddNoteResult | { error: unknown; tooLong?: true } {
  const interpreted = interpret(state, body, issue, true);
  if (interpreted.content.trim() === '' && interpreted.commands.length === 0) {
    return { error: { note: ["can't be blank"] } };
  }
  // GitLab validates the note it would save (quick actions taken out): nothing is written when it is too long.
  if (tooLong(interpreted.content, GITLAB_NOTE_LIMIT)) return { error: NOTE_TOO_LONG, tooLong: true };
  let note: NoteRecord | null = null;
  if (interpreted.content.trim() !== '') {
    note = {
      id: state.nextId.note++,
      issueIid: issue.iid,
      body: interpreted.content,
      authorId: author.id,
      createdAt: at,
      updatedAt: at,
      system: false,
      kind: 'user',
    };
    state.notes.push(note);
    notifyMentions(state, issue, note);
  }
  applyChanges(state, issue, author, interpreted.changes, at);
  issue.updatedAt = at;
  return {
    note: note ? renderNote(state, note, issue) : null,
    commands_changes: interpreted.commandsChanges,
    summary: interpreted.summary,
  };
}

/** An emoji reaction: GitLab records the award and moves the note's updated_at (its body is unchanged). */
export function award(
  state: SandboxState,
  note: NoteRecord,
  user: GitLabSandboxUser,
  name: string,
): Record<string, unknown> {
  const at = state.clock();
  note.updatedAt = at;
  return {
    id: state.nextId.event++,
    name,
    user: renderUser(state, user),
    created_at: at.toISOString(),
    updated_at: at.toISOString(),
    awardable_id: note.id,
    awardable_type: 'Note',
  };
}

// ─── routes ──────────────────────────────────────────────────────────────────────────────

/** GET .../issues/:iid/notes: `sort` and `order_by` (created_at or updated_at), newest first by default. */
export function listNotes(state: SandboxState, ctx: Ctx, issue: IssueRecord): FakeResponse {
  const sort = str(ctx.params.sort) ?? 'desc';
  if (!['asc', 'desc'].includes(sort)) return json(400, { error: 'sort does not have a valid value' });
  const orderBy = str(ctx.params.order_by) ?? 'created_at';
  if (!['created_at', 'updated_at'].includes(orderBy))
    return json(400, { error: 'order_by does not have a valid value' });
  const direction = sort === 'asc' ? 1 : -1;
  const notes = state.notes
    .filter((n) => n.issueIid === issue.iid)
    .filter((n) => state.listLabelAndStateNotes || (n.kind !== 'label' && n.kind !== 'state'))
    .sort((a, b) => {
      const field = orderBy === 'updated_at' ? 'updatedAt' : 'createdAt';
      return (a[field].getTime() - b[field].getTime() || a.id - b.id) * direction;
    });
  return paginate(ctx, state.countLimit, notes, (n) => renderNote(state, n, issue));
}

/** POST .../issues/:iid/notes: 201 with the note, or 202 when it held nothing but quick actions. */
export function postNote(state: SandboxState, ctx: Ctx, issue: IssueRecord): FakeResponse {
  if (ctx.params.body === undefined || ctx.params.body === null) return json(400, { error: 'body is missing' });
  const result = createNote(
    state,
    issue,
    ctx.actor,
    textOf(ctx.params.body),
    new Date(state.clock().getTime() + state.noteDelayMs),
  );
  if ('tooLong' in result) return json(400, { message: `400 Bad request - Note ${NOTE_TOO_LONG}` });
  if ('error' in result) return json(400, { message: result.error });
  if (result.note) return json(201, result.note);
  return json(202, { commands_changes: result.commands_changes, summary: result.summary });
}

/** GET, PUT or DELETE .../issues/:iid/notes/:note_id */
export function noteById(state: SandboxState, ctx: Ctx, issue: IssueRecord): FakeResponse {
  const note = state.notes.find((n) => n.issueIid === issue.iid && String(n.id) === ctx.seg[5]);
  if (!note) return json(404, { message: '404 Note Not Found' });
  if (ctx.method === 'GET') return json(200, renderNote(state, note, issue));
  // GitLab: a note's author may edit or delete it; a Maintainer (40) or higher may also edit anyone's.
  const own = note.authorId === ctx.actor.id;
  const maintains = (accessLevel(state, ctx.actor.username) ?? 0) >= MAINTAINER;
  if (note.system || !(own || (ctx.method === 'PUT' && maintains))) return json(403, { message: '403 Forbidden' });
  if (ctx.method === 'DELETE') {
    state.notes.splice(state.notes.indexOf(note), 1);
    return { status: 204 };
  }
  return editNote(state, ctx, issue, note);
}

/** PUT: quick actions run on edits too (GitLab applies them when a comment is modified). */
function editNote(state: SandboxState, ctx: Ctx, issue: IssueRecord, note: NoteRecord): FakeResponse {
  if (ctx.params.body === undefined || ctx.params.body === null) return json(400, { error: 'body is missing' });
  const at = state.clock();
  const interpreted = interpret(state, textOf(ctx.params.body), issue, true);
  if (interpreted.content.trim() === '' && interpreted.commands.length === 0) {
    return json(400, { message: { note: ["can't be blank"] } });
  }
  if (tooLong(interpreted.content, GITLAB_NOTE_LIMIT))
    return json(400, { message: `400 Bad request - Failed to save note ${NOTE_TOO_LONG}` });
  applyChanges(state, issue, ctx.actor, interpreted.changes, at);
  if (interpreted.content.trim() === '') {
    state.notes.splice(state.notes.indexOf(note), 1);
    return json(202, { commands_changes: interpreted.commandsChanges, summary: interpreted.summary });
  }
  note.body = interpreted.content;
  note.updatedAt = at;
  return json(200, renderNote(state, note, issue));
}

/** POST .../issues/:iid/notes/:note_id/award_emoji */
export function awardNote(state: SandboxState, ctx: Ctx, issue: IssueRecord): FakeResponse {
  const note = state.notes.find((candidate) => candidate.issueIid === issue.iid && String(candidate.id) === ctx.seg[5]);
  if (!note) return json(404, { message: '404 Note Not Found' });
  const name = str(ctx.params.name);
  if (!name) return json(400, { error: 'name is missing' });
  return json(201, award(state, note, ctx.actor, name));
}

export function renderNote(state: SandboxState, note: NoteRecord, issue: IssueRecord): GitLabNote {
  return {
    id: note.id,
    type: null,
    body: note.body,
    attachment: null,
    author: renderUser(state, userById(state, note.authorId)!),
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
