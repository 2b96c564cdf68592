import { plural } from './http.js';
import { normaliseLabelSet } from './labels.js';
import { labelByName, type IssueRecord, type NoteKind, type SandboxState } from './state.js';
import type { GitLabSandboxUser } from './types.js';

/** Changes to apply to an issue (from PUT, quick actions or both). Label names, not ids. */
export interface IssueChanges {
  title?: string;
  description?: string | null;
  confidential?: boolean;
  stateEvent?: 'close' | 'reopen';
  setLabels?: string[];
  addLabels?: string[];
  removeLabels?: string[];
}

/** Adds `from` to `into`: later scalar changes win, label additions and removals accumulate. */
export function mergeChanges(into: IssueChanges, from: IssueChanges): void {
  if (from.title !== undefined) into.title = from.title;
  if (from.confidential !== undefined) into.confidential = from.confidential;
  if (from.stateEvent !== undefined) into.stateEvent = from.stateEvent;
  if (from.setLabels !== undefined) into.setLabels = from.setLabels;
  if (from.addLabels !== undefined) into.addLabels = [...(into.addLabels ?? []), ...from.addLabels];
  if (from.removeLabels !== undefined) into.removeLabels = [...(into.removeLabels ?? []), ...from.removeLabels];
}

export function nextLabelSet(state: SandboxState, current: string[], changes: IssueChanges): string[] {
  let next = changes.setLabels ? [...changes.setLabels] : [...current];
  for (const name of changes.addLabels ?? []) next.push(name);
  const remove = new Set(changes.removeLabels ?? []);
  next = next.filter((name) => !remove.has(name));
  return normaliseLabelSet(state, next);
}

/**
 * Applies the changes as `actor` at `at`, as GitLab records them: a system note per change, and
 * resource label and state events for label and state changes.
 */
export function applyChanges(
  state: SandboxState,
  issue: IssueRecord,
  actor: GitLabSandboxUser,
  changes: IssueChanges,
  at: Date,
): void {
  let touched = false;
  const systemNote = (body: string, kind: NoteKind) => {
    state.notes.push({
      id: state.nextId.note++,
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
  const nextLabels = nextLabelSet(state, issue.labels, changes);
  const added = nextLabels.filter((l) => !issue.labels.includes(l));
  const removed = issue.labels.filter((l) => !nextLabels.includes(l));
  if (added.length > 0 || removed.length > 0) {
    systemNote(labelChangeNote(state, added, removed), 'label');
    for (const [names, action] of [
      [added, 'add'],
      [removed, 'remove'],
    ] as const) {
      for (const name of names) {
        const label = labelByName(state, name);
        if (label)
          state.labelEvents.push({
            id: state.nextId.event++,
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
    state.stateEvents.push({
      id: state.nextId.event++,
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
    state.stateEvents.push({
      id: state.nextId.event++,
      issueIid: issue.iid,
      userId: actor.id,
      createdAt: at,
      state: 'reopened',
    });
  }
  if (touched) issue.updatedAt = at;
}

/** e.g. `added ~12 ~13 and removed ~14 labels` (labels by id). */
function labelChangeNote(state: SandboxState, added: string[], removed: string[]): string {
  const ref = (name: string) => `~${labelByName(state, name)?.id ?? name}`;
  const parts: string[] = [];
  if (added.length > 0) parts.push(`added ${added.map(ref).join(' ')}`);
  if (added.length > 0 && removed.length > 0) parts.push('and');
  if (removed.length > 0) parts.push(`removed ${removed.map(ref).join(' ')}`);
  parts.push(plural('label', added.length + removed.length));
  return parts.join(' ');
}
