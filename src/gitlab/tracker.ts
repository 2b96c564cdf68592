/** What the commands need from an issue tracker. GitLab implements it; the dry-run wrapper logs writes. */
export interface TrackedIssue {
  iid: number;
  title: string;
  description: string;
  labels: string[];
  state: 'opened' | 'closed';
  confidential: boolean;
  webUrl: string;
  createdAt: string;
  /** Username of who closed it, when closed. */
  closedBy: string | null;
  /** When it was last closed (GitLab keeps it after a reopen), or null; absent where not read. */
  closedAt?: string | null;
  /** Username of who created it: GitLab never changes an issue's author. Absent where not read. */
  author?: string;
  /** When anything about it last changed (absent where not read). */
  updatedAt?: string;
}

/** Filters of an issue listing besides labels and state. */
export interface IssueFilter {
  /** Only issues the token's own user created (GitLab's `scope=created_by_me`): the bot's audit issues. */
  ownOnly?: boolean;
  /** Only issues created at or after this time. */
  createdAfter?: Date;
  /** Only issues changed at or after this time. */
  updatedAfter?: Date;
}

export interface TrackedNote {
  id: number;
  body: string;
  author: string;
  system: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface NewIssue {
  title: string;
  description: string;
  labels: string[];
  confidential: boolean;
}

export interface IssueChanges {
  description?: string;
  addLabels?: string[];
  removeLabels?: string[];
  stateEvent?: 'close' | 'reopen';
  confidential?: boolean;
}

/** A GitLab user as the reach check needs it. */
export interface TrackedUser {
  id: number;
  username: string;
  /** `active`, `blocked`, `deactivated`, … */
  state: string;
}

/** A write the dry-run decorator recorded instead of making it. */
export type RecordedWrite =
  | { kind: 'create-issue'; issue: NewIssue }
  | { kind: 'update-issue'; iid: number; changes: IssueChanges }
  | { kind: 'create-note'; iid: number; body: string };

export interface Tracker {
  /** True on the dry-run decorator: writes are recorded (`recordedWrites`), never made. */
  readonly dryRun: boolean;
  /** The writes a dry run recorded instead of making them, in order; absent on a tracker that writes. */
  readonly recordedWrites?: readonly RecordedWrite[];
  /** The username the bot posts as; only its notes' markers are trusted. */
  currentUsername(): Promise<string>;
  /** Issues carrying every one of `labels` (none: any labels) and matching `filter`, oldest first. */
  findIssues(labels: string[], state: 'opened' | 'closed' | 'all', filter?: IssueFilter): Promise<TrackedIssue[]>;
  /** The issue as it is now (a run that waited for a lease reads it again). */
  getIssue(iid: number): Promise<TrackedIssue>;
  createIssue(issue: NewIssue): Promise<TrackedIssue>;
  updateIssue(iid: number, changes: IssueChanges): Promise<TrackedIssue>;
  /** Every note of the issue, oldest first, system notes included. */
  listNotes(iid: number): Promise<TrackedNote[]>;
  /** The `count` notes most recently created or edited, newest first, system notes included: one request. */
  recentNotes(iid: number, count: number): Promise<TrackedNote[]>;
  createNote(iid: number, body: string): Promise<TrackedNote>;
  /**
   * Takes the exclusive lease `name` until `expires`. False while another run holds an unexpired
   * one. Two runs acting on the same issue at once would each post the same ping.
   */
  acquireLease(name: string, now: Date, expires: Date): Promise<boolean>;
  releaseLease(name: string): Promise<void>;
  /** The user with exactly this username (case-insensitive), or undefined. */
  findUser(username: string): Promise<TrackedUser | undefined>;
  /** Whether a group (or subgroup path) has this name: a mention of it notifies every member. */
  isGroup(path: string): Promise<boolean>;
  /** The user's access level in the audit project (inherited membership included), or null when not a member. */
  projectAccessLevel(userId: number): Promise<number | null>;
}
