/** JSON shapes of the GitLab REST API v4 answers the sandbox renders. */

export interface GitLabUserJson {
  id: number;
  username: string;
  name: string;
  state: string;
  locked: boolean;
  avatar_url: string;
  web_url: string;
}

export interface GitLabLabelJson {
  id: number;
  name: string;
  color: string;
  text_color: string;
  description: string | null;
  description_html: string;
  subscribed: boolean;
  priority: number | null;
  is_project_label: boolean;
  archived: boolean;
}

export interface GitLabIssue {
  id: number;
  iid: number;
  project_id: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by: GitLabUserJson | null;
  labels: string[] | GitLabLabelJson[];
  milestone: null;
  assignees: GitLabUserJson[];
  assignee: GitLabUserJson | null;
  author: GitLabUserJson;
  type: 'ISSUE';
  issue_type: 'issue';
  user_notes_count: number;
  merge_requests_count: number;
  upvotes: number;
  downvotes: number;
  due_date: string | null;
  confidential: boolean;
  discussion_locked: boolean | null;
  web_url: string;
  time_stats: {
    time_estimate: number;
    total_time_spent: number;
    human_time_estimate: null;
    human_total_time_spent: null;
  };
  task_completion_status: { count: number; completed_count: number };
  has_tasks: boolean;
  blocking_issues_count: number;
  _links: { self: string; notes: string; award_emoji: string; project: string; closed_as_duplicate_of: null };
  references: { short: string; relative: string; full: string };
  severity: 'UNKNOWN';
  moved_to_id: null;
  service_desk_reply_to: null;
  imported: boolean;
  imported_from: 'none';
  subscribed?: boolean;
}

export interface GitLabNote {
  id: number;
  type: null;
  body: string;
  attachment: null;
  author: GitLabUserJson;
  created_at: string;
  updated_at: string;
  system: boolean;
  noteable_id: number;
  noteable_type: 'Issue';
  project_id: number;
  noteable_iid: number;
  resolvable: boolean;
  confidential: boolean;
  internal: boolean;
  imported: boolean;
  imported_from: 'none';
}

/** What a note's quick actions did (the body of the API's 202 answer). */
export interface QuickActionResult {
  commands_changes: Record<string, unknown>;
  summary: string[];
}

export interface AddNoteResult extends QuickActionResult {
  /** The stored note, or null when the body held nothing but quick actions (GitLab's 202). */
  note: GitLabNote | null;
}
