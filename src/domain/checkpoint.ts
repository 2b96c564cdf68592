import { createHash, createHmac } from 'node:crypto';
import type { LadderDurations } from '../config/types.js';
import type { TrackedNote } from '../gitlab/tracker.js';
import { dueAt, planFollowup, type AuditStatus } from './followup-plan.js';
import { noteDigest, type IssueState } from './followup-state.js';
import { BOARD, renderBoard, withBoard } from './board.js';
import { checklistState, withChecklist } from './checklist.js';

/**
 * What the last run that settled an audit issue knew, kept hidden in the issue's board, so that a
 * nightly run can tell with one small read that nothing happened since and nothing is due:
 * no new or edited note (the notes it saw newest, by last update), the same board, labels and
 * rules (ladder, Support Ops Managers, the managers of the people still waiting), and its next
 * due time not reached. Anything else, and any doubt, means reading the whole issue.
 */
export interface Checkpoint {
  v: 1;
  quarter: string;
  status: AuditStatus;
  /**
   * `[note id, digest of its body]` of the newest note the run read (the highest id: GitLab numbers
   * notes in the order they are made), then of the ones it posted. A body, not a time: an emoji
   * reaction moves a note's updated_at without changing it.
   */
  recent: [number, string][];
  /** When the next ladder step falls due; null when nothing is due until someone writes. */
  due: string | null;
  /** Owners of the items still open: their managers are part of `rules`. */
  owners: string[];
  rules: string;
  /**
   * Seal over the board the run wrote (without this checkpoint) and every other field here, keyed
   * with a key only the bot has: an edited board or checkpoint (a `due` moved away, say) is not
   * trusted, the issue is read in full and the board put back.
   */
  board: string;
  items: number;
  open: number;
}

export interface Rules {
  ladder: LadderDurations;
  supportOpsManagers: string[];
  managerOf: (username: string) => string | null;
  /** Key of the checkpoint's seal (derived from the bot's GitLab token); without one, a plain hash. */
  sealKey?: string;
}

const PREFIX = '<!-- audit-bot:checkpoint ';
const PATTERN = /<!-- audit-bot:checkpoint (\{[^<>]*\}) -->\n?/;

/**
 * Notes a fast check reads: the run's own posts and the newest it read, plus room for system notes
 * that came after. The bot's own board edit makes one ("changed the description"); label and state
 * changes are resource events, not notes. With more than that, the issue is simply read in full.
 */
const CHECK_PAGE_EXTRA = 5;
const MAX_PAGE = 100;

/**
 * The checkpoint for an issue once `posted` (this run's notes, as GitLab returned them) joined the
 * `notes` the run read; undefined when the issue is not quiet now (the planner would still act).
 */
export function settleCheckpoint(input: {
  notes: TrackedNote[];
  posted: TrackedNote[];
  /** The checkpoint the issue has now: kept as it is when it still describes the notes, so a re-run writes nothing. */
  previous?: Checkpoint;
  state: IssueState;
  status: AuditStatus;
  now: Date;
  rules: Rules;
}): Omit<Checkpoint, 'board'> | undefined {
  const { state, rules } = input;
  const people = input.notes.filter((note) => !note.system);
  const newestRead = people.reduce<TrackedNote | undefined>(
    (newest, note) => (!newest || note.id > newest.id ? note : newest),
    undefined,
  );
  const recent: [number, string][] = [...(newestRead ? [newestRead] : []), ...input.posted].map((note) => [
    note.id,
    noteDigest(note.body),
  ]);
  if (recent.length === 0 || input.posted.some((note) => note.id < 0)) return undefined;
  // Kept only when the next run's one page will show it holds: when it names more notes than a page
  // has room for, it is replaced.
  const previous = input.previous;
  const keep =
    previous &&
    input.posted.length === 0 &&
    unchangedSince(previous, newestFirst(input.notes).slice(0, checkPageSize(previous)));
  const again = planFollowup({
    state,
    issue: { open: true, closedBy: null },
    now: input.now,
    ladder: rules.ladder,
    supportOpsManagers: rules.supportOpsManagers,
    managerOf: rules.managerOf,
  });
  if (again.needsRecheck || again.notes.length > 0 || again.close || again.status !== input.status) return undefined;
  const open = [...state.items.values()].filter((item) => !item.addressed);
  const dues = open
    .map((item) => dueAt(item, rules.ladder, rules)?.getTime())
    .filter((at): at is number => at !== undefined);
  const owners = [...new Set(open.map((item) => item.owner).filter((owner): owner is string => owner !== null))].sort();
  return {
    v: 1,
    quarter: state.quarter,
    status: input.status,
    recent: keep ? previous.recent : recent,
    due: dues.length > 0 ? new Date(Math.min(...dues)).toISOString() : null,
    owners,
    rules: rulesHash(rules, owners),
    items: state.items.size,
    open: open.length,
  };
}

/**
 * The issue's description with the board for `state` in place, ending with the checkpoint of what
 * this run read and posted when the issue stays open.
 */
export function describedIssue(input: {
  issue: { description: string; open: boolean };
  state: IssueState;
  notes: TrackedNote[];
  posted: TrackedNote[];
  status: AuditStatus;
  now: Date;
  rules: Rules;
}): string {
  const { issue, rules } = input;
  const board = renderBoard({
    state: input.state,
    ladder: rules.ladder,
    managerOf: rules.managerOf,
    status: input.status,
    supportOpsManagers: rules.supportOpsManagers,
  });
  const previous = checkpointIn(issue.description, BOARD)?.checkpoint;
  const checkpoint = issue.open ? settleCheckpoint({ ...input, previous }) : undefined;
  // The process checklist's bot-owned boxes, from the same record (outside the board: the seal does not cover them).
  const description = withChecklist(issue.description, checklistState(input.state));
  return withBoard(description, withCheckpoint(board, checkpoint, rules.sealKey));
}

/** The board with its checkpoint (if any) as its last hidden line. */
export function withCheckpoint(board: string, checkpoint: Omit<Checkpoint, 'board'> | undefined, sealKey = ''): string {
  if (!checkpoint) return board;
  const full: Checkpoint = { ...checkpoint, board: seal(sealKey, board, checkpoint) };
  const json = JSON.stringify(full).replace(
    /[<>]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const end = board.lastIndexOf('\n');
  return `${board.slice(0, end)}\n${PREFIX}${json} -->${board.slice(end)}`;
}

/** The checkpoint in a description's board, if it has one. */
export function checkpointIn(
  description: string,
  board: { start: string; end: string },
): { checkpoint: Checkpoint; section: string } | undefined {
  const start = description.indexOf(board.start);
  const end = description.indexOf(board.end, start);
  if (start < 0 || end < 0) return undefined;
  const section = description.slice(start, end + board.end.length);
  const match = PATTERN.exec(section);
  const checkpoint = match ? parseCheckpoint(match[1]) : undefined;
  return checkpoint ? { checkpoint, section } : undefined;
}

/**
 * The checkpoint of an open issue whose board, labels and rules are as the last run left them and
 * whose next step is not due yet; undefined when the issue must be read in full.
 */
export function standingCheckpoint(
  issue: { state: 'opened' | 'closed'; description: string; labels: string[] },
  board: { start: string; end: string },
  statusLabels: Record<AuditStatus, string>,
  rules: Rules,
  now: Date,
): Checkpoint | undefined {
  if (issue.state !== 'opened') return undefined;
  const found = checkpointIn(issue.description, board);
  if (!found) return undefined;
  const { checkpoint, section } = found;
  // An audit that is over is closed: open again, someone reopened it, and the ladder may resume.
  if (checkpoint.status === 'done') return undefined;
  const { board: sealed, ...fields } = checkpoint;
  if (seal(rules.sealKey ?? '', section.replace(PATTERN, ''), fields) !== sealed) return undefined;
  const wanted = statusLabels[checkpoint.status];
  if (
    !issue.labels.includes(wanted) ||
    Object.values(statusLabels).some((label) => label !== wanted && issue.labels.includes(label))
  )
    return undefined;
  if (rulesHash(rules, checkpoint.owners) !== checkpoint.rules) return undefined;
  if (checkpoint.due !== null && now.getTime() >= Date.parse(checkpoint.due)) return undefined;
  return checkpoint;
}

/** How many of the newest notes (by last update) a fast check reads. */
export function checkPageSize(checkpoint: Checkpoint): number {
  return Math.min(MAX_PAGE, checkpoint.recent.length + CHECK_PAGE_EXTRA);
}

/**
 * Whether the newest notes by last update (newest first, one page) are exactly the ones the
 * checkpoint recorded: no note was added or edited since. A page that cannot tell is a no.
 */
export function unchangedSince(checkpoint: Checkpoint, newestFirst: TrackedNote[]): boolean {
  const people = newestFirst.filter((note) => !note.system);
  const byId = new Map(people.map((note) => [note.id, note]));
  // Every note it recorded is there with the same body (a reaction may have moved it up or down the page)…
  if (!checkpoint.recent.every(([id, digest]) => byId.has(id) && noteDigest(byId.get(id)!.body) === digest))
    return false;
  // …and every other note on the page is one the run had read (ids grow with every note): a change
  // to one of those is a reaction, or an edit the record ignores. A note made since is not.
  const recorded = new Set(checkpoint.recent.map(([id]) => id));
  const newestRead = checkpoint.recent[0][0];
  return people.every((note) => recorded.has(note.id) || note.id < newestRead);
}

function newestFirst(notes: TrackedNote[]): TrackedNote[] {
  return [...notes].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : b.id - a.id));
}

function rulesHash(rules: Rules, owners: string[]): string {
  return hash(
    JSON.stringify([
      rules.ladder,
      [...rules.supportOpsManagers].sort(),
      owners.map((owner) => [owner, rules.managerOf(owner)]),
    ]),
  );
}

/** The board and the checkpoint's other fields (in the order written), keyed when there is a key. */
function seal(key: string, board: string, fields: Omit<Checkpoint, 'board'>): string {
  const text = `${board}\u0000${JSON.stringify(fields)}`;
  return (key ? createHmac('sha256', key) : createHash('sha256')).update(text).digest('base64url').slice(0, 22);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

function parseCheckpoint(json: string): Checkpoint | undefined {
  try {
    const value = JSON.parse(json) as Partial<Checkpoint>;
    const valid =
      value.v === 1 &&
      typeof value.quarter === 'string' &&
      (value.status === 'open' || value.status === 'review' || value.status === 'done') &&
      Array.isArray(value.recent) &&
      value.recent.length > 0 &&
      value.recent.every(
        (entry) => Array.isArray(entry) && typeof entry[0] === 'number' && typeof entry[1] === 'string',
      ) &&
      (value.due === null || (typeof value.due === 'string' && !Number.isNaN(Date.parse(value.due)))) &&
      Array.isArray(value.owners) &&
      value.owners.every((owner) => typeof owner === 'string') &&
      typeof value.rules === 'string' &&
      typeof value.board === 'string' &&
      typeof value.items === 'number' &&
      typeof value.open === 'number';
    return valid ? (value as Checkpoint) : undefined;
  } catch {
    return undefined;
  }
}
