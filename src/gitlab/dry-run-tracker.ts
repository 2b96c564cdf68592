import type { Logger } from '../log.js';
import type {
  IssueChanges,
  IssueFilter,
  NewIssue,
  RecordedWrite,
  TrackedIssue,
  TrackedNote,
  TrackedUser,
  Tracker,
} from './tracker.js';

export type { RecordedWrite } from './tracker.js';

/**
 * The DRY-RUN guard at the write boundary: reads go to the real tracker when there is one
 * (so the plan reflects the real issue), writes are only recorded and logged.
 */
export class DryRunTracker implements Tracker {
  readonly dryRun = true;
  readonly recordedWrites: RecordedWrite[] = [];
  private nextId = 1;

  constructor(
    private readonly reads: Tracker | undefined,
    private readonly logger: Logger,
    private readonly botUsername = 'audit-bot',
  ) {}

  currentUsername(): Promise<string> {
    return this.reads ? this.reads.currentUsername() : Promise.resolve(this.botUsername);
  }

  findIssues(labels: string[], state: 'opened' | 'closed' | 'all', filter?: IssueFilter): Promise<TrackedIssue[]> {
    return this.reads ? this.reads.findIssues(labels, state, filter) : Promise.resolve([]);
  }

  getIssue(iid: number): Promise<TrackedIssue> {
    return this.reads
      ? this.reads.getIssue(iid)
      : Promise.reject(new Error(`dry run without GitLab: no issue #${iid}`));
  }

  listNotes(iid: number): Promise<TrackedNote[]> {
    return this.reads && iid > 0 ? this.reads.listNotes(iid) : Promise.resolve([]);
  }

  recentNotes(iid: number, count: number): Promise<TrackedNote[]> {
    return this.reads && iid > 0 ? this.reads.recentNotes(iid, count) : Promise.resolve([]);
  }

  async createIssue(issue: NewIssue): Promise<TrackedIssue> {
    this.recordedWrites.push({ kind: 'create-issue', issue });
    this.logger.info({ title: issue.title, labels: issue.labels }, 'dry run: would create issue');
    return {
      iid: 0,
      title: issue.title,
      description: issue.description,
      labels: issue.labels,
      state: 'opened',
      confidential: issue.confidential,
      webUrl: '(dry run)',
      createdAt: new Date(0).toISOString(),
      closedBy: null,
      author: await this.currentUsername(),
    };
  }

  updateIssue(iid: number, changes: IssueChanges): Promise<TrackedIssue> {
    this.recordedWrites.push({ kind: 'update-issue', iid, changes });
    this.logger.info({ iid, changes: Object.keys(changes) }, 'dry run: would update issue');
    return Promise.resolve({
      iid,
      title: '',
      description: changes.description ?? '',
      labels: [],
      state: 'opened',
      confidential: true,
      webUrl: '(dry run)',
      createdAt: new Date(0).toISOString(),
      closedBy: null,
    });
  }

  /** A dry run writes nothing, so it needs no lease and takes none. */
  acquireLease(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async releaseLease(): Promise<void> {}

  /** Without GitLab nobody is known to be unreachable: everyone is taken as a member. */
  findUser(username: string): Promise<TrackedUser | undefined> {
    return this.reads ? this.reads.findUser(username) : Promise.resolve({ id: 0, username, state: 'active' });
  }

  isGroup(path: string): Promise<boolean> {
    return this.reads ? this.reads.isGroup(path) : Promise.resolve(false);
  }

  projectAccessLevel(userId: number): Promise<number | null> {
    return this.reads ? this.reads.projectAccessLevel(userId) : Promise.resolve(50);
  }

  async createNote(iid: number, body: string): Promise<TrackedNote> {
    this.recordedWrites.push({ kind: 'create-note', iid, body });
    this.logger.info({ iid, length: body.length }, 'dry run: would post note');
    const now = new Date().toISOString();
    return {
      id: -this.nextId++,
      body,
      author: await this.currentUsername(),
      system: false,
      createdAt: now,
      updatedAt: now,
    };
  }
}
