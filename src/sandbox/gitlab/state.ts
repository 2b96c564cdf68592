import type { GitLabSandboxOptions, GitLabSandboxState, GitLabSandboxUser } from './types.js';

/** The one project's id (it also answers to its URL-encoded path). */
export const PROJECT_ID = 1;

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface IssueRecord {
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

export type NoteKind = 'user' | 'label' | 'state' | 'other';

export interface NoteRecord {
  id: number;
  issueIid: number;
  body: string;
  authorId: number;
  createdAt: Date;
  updatedAt: Date;
  system: boolean;
  kind: NoteKind;
}

export interface LabelEventRecord {
  id: number;
  issueIid: number;
  userId: number;
  createdAt: Date;
  labelId: number;
  action: 'add' | 'remove';
}

export interface StateEventRecord {
  id: number;
  issueIid: number;
  userId: number;
  createdAt: Date;
  state: 'closed' | 'reopened';
}

export interface MentionNotification {
  username: string;
  issueIid: number;
  noteId: number;
}

/** The sandbox's project: its settings, its people and everything stored in it. */
export interface SandboxState {
  readonly projectPath: string;
  readonly users: GitLabSandboxUser[];
  /** token -> username. */
  readonly tokens: Map<string, string>;
  readonly templates: Map<string, string>;
  /** Lower-cased group paths. */
  readonly groupPaths: Set<string>;
  /** Access levels by lower-cased username; a user absent here is a Developer, one mapped to null no member. */
  readonly memberLevels: Map<string, number | null>;
  readonly listLabelAndStateNotes: boolean;
  readonly scopedLabels: boolean;
  readonly projectCreatedAt: Date;
  /** The server's address for links in answers (a placeholder while it is not running). */
  readonly baseUrl: () => string;
  clock: () => Date;
  /** See GitLabSandboxOptions.noteDelayMs. */
  noteDelayMs: number;
  /** Past this many items a listing leaves out its totals (see GitLabSandbox.countLimit). */
  countLimit: number;
  readonly labels: LabelRecord[];
  readonly issues: IssueRecord[];
  readonly notes: NoteRecord[];
  readonly labelEvents: LabelEventRecord[];
  readonly stateEvents: StateEventRecord[];
  /** Who GitLab notified of a mention: only users who can read the (confidential) issue. */
  readonly notifications: MentionNotification[];
  readonly nextId: { issue: number; note: number; label: number; event: number };
}

export function createState(options: GitLabSandboxOptions, baseUrl: () => string): SandboxState {
  const clock = options.now ?? (() => new Date());
  const state: SandboxState = {
    projectPath: options.projectPath,
    users: options.users.map((user) => ({ ...user })),
    tokens: new Map(Object.entries(options.tokens)),
    templates: new Map(Object.entries(options.templates ?? {})),
    groupPaths: new Set((options.groups ?? []).map((path) => path.toLowerCase())),
    memberLevels: new Map(),
    listLabelAndStateNotes: options.listLabelAndStateNotes ?? true,
    scopedLabels: options.scopedLabels ?? true,
    projectCreatedAt: new Date(clock().getTime() - 365 * 24 * 3600 * 1000),
    baseUrl,
    clock,
    noteDelayMs: options.noteDelayMs ?? 0,
    countLimit: 10_000,
    labels: [],
    issues: [],
    notes: [],
    labelEvents: [],
    stateEvents: [],
    notifications: [],
    nextId: { issue: 5001, note: 90001, label: 11, event: 701 },
  };
  for (const [username, level] of Object.entries(options.members ?? {}))
    state.memberLevels.set(username.toLowerCase(), level);
  for (const [token, username] of state.tokens) {
    if (!userByName(state, username))
      throw new Error(`gitlab sandbox: token ${token.slice(0, 4)}… names unknown user ${username}`);
  }
  return state;
}

interface StoredData {
  labels: LabelRecord[];
  issues: IssueRecord[];
  notes: NoteRecord[];
  labelEvents: LabelEventRecord[];
  stateEvents: StateEventRecord[];
  /** Next ids of issues, notes, labels and events. */
  next: number[];
}

/** A deep copy of everything stored (labels, issues, notes, events, id counters). */
export function snapshotData(state: SandboxState): GitLabSandboxState {
  const { issue, note, label, event } = state.nextId;
  const data: StoredData = {
    labels: state.labels,
    issues: state.issues,
    notes: state.notes,
    labelEvents: state.labelEvents,
    stateEvents: state.stateEvents,
    next: [issue, note, label, event],
  };
  return structuredClone(data) as unknown as GitLabSandboxState;
}

export function restoreData(state: SandboxState, saved: GitLabSandboxState): void {
  const copy = structuredClone(saved) as unknown as StoredData;
  state.labels.splice(0, Infinity, ...copy.labels);
  state.issues.splice(0, Infinity, ...copy.issues);
  state.notes.splice(0, Infinity, ...copy.notes);
  state.labelEvents.splice(0, Infinity, ...copy.labelEvents);
  state.stateEvents.splice(0, Infinity, ...copy.stateEvents);
  [state.nextId.issue, state.nextId.note, state.nextId.label, state.nextId.event] = copy.next;
}

// ─── lookups ─────────────────────────────────────────────────────────────────────────────

export function isProject(state: SandboxState, idOrPath: string): boolean {
  return idOrPath === String(PROJECT_ID) || idOrPath.toLowerCase() === state.projectPath.toLowerCase();
}

export function userByName(state: SandboxState, username: string): GitLabSandboxUser | undefined {
  return state.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
}

export function userById(state: SandboxState, id: number): GitLabSandboxUser | undefined {
  return state.users.find((u) => u.id === id);
}

/** The first token's user (normally the bot), else the first user. */
export function defaultAuthor(state: SandboxState): GitLabSandboxUser | undefined {
  const first = state.tokens.values().next();
  return (first.done ? undefined : userByName(state, first.value)) ?? state.users[0];
}

export function issueByIid(state: SandboxState, iid: number): IssueRecord | undefined {
  return state.issues.find((i) => i.iid === iid);
}

export function mustIssue(state: SandboxState, iid: number): IssueRecord {
  const issue = issueByIid(state, iid);
  if (!issue) throw new Error(`gitlab sandbox: no issue #${iid}`);
  return issue;
}

export function labelByName(state: SandboxState, name: string): LabelRecord | undefined {
  return state.labels.find((l) => l.name === name);
}

export function labelByIdOrName(state: SandboxState, idOrName: string): LabelRecord | undefined {
  return (
    (/^\d+$/.test(idOrName) ? state.labels.find((l) => String(l.id) === idOrName) : undefined) ??
    labelByName(state, idOrName)
  );
}
