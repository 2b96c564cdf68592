import { Gitlab } from '@gitbeaker/rest';
import type { Clock, Sleep } from '../clock.js';
import type { Logger } from '../log.js';
import { createGitLabRequester } from './requester.js';
import { HttpError } from '../http/errors.js';

const LEASE_PREFIX = 'audit-bot lease until ';
import type { IssueChanges, NewIssue, TrackedIssue, TrackedNote, Tracker } from './tracker.js';

export interface GitLabTrackerOptions {
  url: string;
  token: string;
  project: string;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  onRequest?: (method: string, path: string) => void;
}

interface RawIssue {
  iid: number;
  title: string;
  description: string | null;
  labels: (string | { name: string })[];
  state: string;
  confidential: boolean;
  web_url: string;
  created_at: string;
  closed_by?: { username: string } | null;
}

interface RawNote {
  id: number;
  body: string;
  author: { username: string };
  system: boolean;
  created_at: string;
  updated_at: string;
}

export class GitLabTracker implements Tracker {
  private readonly api: InstanceType<typeof Gitlab>;
  private username?: string;

  constructor(private readonly options: GitLabTrackerOptions) {
    this.api = new Gitlab({
      host: options.url.replace(/\/+$/, ''),
      token: options.token,
      requesterFn: createGitLabRequester(options),
    });
  }

  async currentUsername(): Promise<string> {
    this.username ??= ((await this.api.Users.showCurrentUser()) as unknown as { username: string }).username;
    return this.username;
  }

  async findIssues(labels: string[], state: 'opened' | 'closed' | 'all'): Promise<TrackedIssue[]> {
    const raw = (await this.api.Issues.all({
      projectId: this.options.project,
      labels: labels.join(','),
      state: state === 'all' ? undefined : state,
      orderBy: 'created_at',
      sort: 'asc',
      perPage: 100,
    } as never)) as unknown as RawIssue[];
    return raw.map(toIssue);
  }

  async createIssue(issue: NewIssue): Promise<TrackedIssue> {
    const raw = await this.api.Issues.create(this.options.project, issue.title, {
      description: issue.description,
      labels: issue.labels.join(','),
      confidential: issue.confidential,
    });
    return toIssue(raw as unknown as RawIssue);
  }

  async updateIssue(iid: number, changes: IssueChanges): Promise<TrackedIssue> {
    const raw = await this.api.Issues.edit(this.options.project, iid, {
      description: changes.description,
      addLabels: changes.addLabels?.join(','),
      removeLabels: changes.removeLabels?.join(','),
      stateEvent: changes.stateEvent,
    });
    return toIssue(raw as unknown as RawIssue);
  }

  async listNotes(iid: number): Promise<TrackedNote[]> {
    const raw = (await this.api.IssueNotes.all(this.options.project, iid, {
      sort: 'asc',
      orderBy: 'created_at',
      perPage: 100,
    })) as unknown as RawNote[];
    return raw.map(toNote);
  }

  /**
   * A project label is the lock: GitLab creates a label name once (409 for the second), which
   * makes creation an atomic test-and-set. Its description holds the expiry, so a lease left by
   * a killed run is taken over once it has expired.
   */
  async acquireLease(name: string, now: Date, expires: Date): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.api.ProjectLabels.create(this.options.project, name, '#808080', { description: `${LEASE_PREFIX}${expires.toISOString()}` });
        return true;
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 409) throw error;
      }
      const label = (await this.api.ProjectLabels.show(this.options.project, name)) as unknown as { description?: string | null };
      const until = Date.parse((label.description ?? '').replace(LEASE_PREFIX, ''));
      if (!Number.isNaN(until) && until > now.getTime()) return false;
      await this.releaseLease(name);
    }
    return false;
  }

  async releaseLease(name: string): Promise<void> {
    try {
      await this.api.ProjectLabels.remove(this.options.project, name);
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 404) throw error;
    }
  }

  async createNote(iid: number, body: string): Promise<TrackedNote> {
    const raw = await this.api.IssueNotes.create(this.options.project, iid, body);
    return toNote(raw as unknown as RawNote);
  }
}

function toIssue(raw: RawIssue): TrackedIssue {
  return {
    iid: raw.iid,
    title: raw.title,
    description: raw.description ?? '',
    labels: raw.labels.map((label) => (typeof label === 'string' ? label : label.name)),
    state: raw.state === 'closed' ? 'closed' : 'opened',
    confidential: raw.confidential,
    webUrl: raw.web_url,
    createdAt: raw.created_at,
    closedBy: raw.closed_by?.username ?? null,
  };
}

function toNote(raw: RawNote): TrackedNote {
  // GitLab answers 202 without a note when a body held nothing but quick actions; the bot never posts one.
  if (!raw.author) throw new Error('GitLab created no note: the body held only quick actions');
  return {
    id: raw.id,
    body: raw.body,
    author: raw.author.username,
    system: raw.system,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}
