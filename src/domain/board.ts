import type { LadderDurations } from '../config/types.js';
import { dueAt, nextDueStep } from './ladder.js';
import type { IssueState, ItemState, LadderStep } from './followup-state.js';
import { compareNames } from './locale.js';
import { inline, table } from './markdown.js';
import { formatUtc } from './render.js';

/** Where the board sits in the description. */
export const BOARD = { start: '<!-- audit-bot:board:start -->', end: '<!-- audit-bot:board:end -->' };
const START = BOARD.start;
const END = BOARD.end;

const STEP_NAMES: Record<LadderStep, string> = {
  ping1: 'first ping',
  ping2: 'second ping',
  manager: 'manager asked',
  som: 'Support Ops asked',
};

const NEXT_NAMES: Record<LadderStep, string> = {
  ping1: 'first ping',
  ping2: 'second ping',
  manager: 'ask the manager',
  som: 'ask Support Ops',
};

export interface BoardInput {
  state: IssueState;
  ladder: LadderDurations;
  managerOf: (username: string) => string | null;
  status: 'open' | 'review' | 'done';
  /** Who the last step asks (never someone already asked about the item). */
  supportOpsManagers?: string[];
}

/**
 * The status board in the issue description: per person their open items, ladder step and
 * when the next step is due; a mermaid pie of items per state. It holds no platform text and
 * no run time, so an unchanged issue renders the same board and needs no write.
 */
export function renderBoard(input: BoardInput): string {
  const items = [...input.state.items.values()];
  const lines = [
    START,
    '### Status board',
    '',
    `Status: **${statusName(input.status)}** · ${items.length} item(s), ` +
      `${items.filter((i) => !i.addressed).length} open.`,
  ];
  if (items.length > 0) {
    lines.push('', '```mermaid', 'pie showData title Items by state');
    for (const [state, count] of countBy(items, itemStateName)) lines.push(`    "${state}" : ${count}`);
    lines.push('```');
    const people = groupByOwner(items);
    lines.push(
      '',
      table(
        ['Responsible', 'Open items', 'Step', 'Next step', 'Addressed'],
        [...people.entries()].map(([owner, own]) => {
          const open = own.filter((item) => !item.addressed);
          return [
            owner ? `\`${owner}\`` : '_nobody in the roster (Support Ops)_',
            open.map((item) => item.id).join(', ') || '—',
            [...new Set(open.map((item) => STEP_NAMES[item.pings.at(-1)?.step ?? 'ping1']))].join(', ') || '—',
            nextStepText(open, input),
            own
              .filter((item) => item.addressed)
              .map((item) => `${item.id} ${item.addressed!.how}`)
              .join(', ') || '—',
          ];
        }),
      ),
    );
  }
  if (input.state.unreachable.size > 0) {
    lines.push('', '**Could not be reached** (their items went to the next person up the chain):', '');
    for (const [username, reason] of [...input.state.unreachable.entries()].sort(([a], [b]) => compareNames(a, b))) {
      lines.push(`- \`${username}\`: ${inline(reason.replace(/`[^`]*`/g, '').replace(/^\s*/, ''), 300)}`);
    }
  }
  lines.push(END);
  return lines.join('\n');
}

/** The description with the board put in place of the old one (or before the bot's marker, or at the end). */
export function withBoard(description: string, board: string): string {
  // The board is the bot's own start…end pair (its heading right after the start marker), else the
  // first well-formed pair: a stray end marker before it, or a start marker pasted above it, does not
  // hide it (each night would append another board). Copies a run appended that way are removed.
  const spans = boardSpans(description);
  const own = spans.filter((span) => description.startsWith(`${START}\n### Status board`, span.start));
  const target = own[0] ?? spans[0];
  if (target) {
    let result = description;
    for (const span of [...new Set([target, ...own])].sort((a, b) => b.start - a.start)) {
      if (span === target) result = `${result.slice(0, span.start)}${board}${result.slice(span.end)}`;
      else result = `${result.slice(0, span.start).replace(/\n{1,2}$/, '')}${result.slice(span.end)}`;
    }
    return result;
  }
  const marker = description.lastIndexOf('<!-- audit-bot {');
  if (marker >= 0) return `${description.slice(0, marker)}${board}\n\n${description.slice(marker)}`;
  return `${description.trimEnd()}\n\n${board}\n`;
}

/** Every well-formed start…end pair: each end marker with the start marker nearest before it. */
function boardSpans(description: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let from = 0;
  for (;;) {
    const start = description.indexOf(START, from);
    if (start < 0) break;
    const end = description.indexOf(END, start + START.length);
    if (end < 0) break;
    spans.push({ start: description.lastIndexOf(START, end), end: end + END.length });
    from = end + END.length;
  }
  return spans;
}

function statusName(status: BoardInput['status']): string {
  return status === 'open'
    ? 'waiting for answers'
    : status === 'review'
      ? 'waiting for the Support Ops Manager review'
      : 'done';
}

function itemStateName(item: ItemState): string {
  if (item.addressed) return item.addressed.how;
  return `waiting: ${STEP_NAMES[item.pings.at(-1)?.step ?? 'ping1']}`;
}

function nextStepText(open: ItemState[], input: BoardInput): string {
  const next = open
    .map((item) => ({ item, at: dueAt(item, input.ladder, input) }))
    .filter((entry): entry is { item: ItemState; at: Date } => entry.at !== undefined)
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  if (!next) return open.length > 0 ? 'none (ladder finished)' : '—';
  const step = nextDueStep(next.item, {
    now: new Date(8.64e15),
    ladder: input.ladder,
    managerOf: input.managerOf,
    supportOpsManagers: input.supportOpsManagers,
  });
  return `${NEXT_NAMES[step ?? 'som']} after ${formatUtc(next.at)}`;
}

function countBy<T>(values: T[], key: (value: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
  return counts;
}

function groupByOwner(items: ItemState[]): Map<string | null, ItemState[]> {
  const groups = new Map<string | null, ItemState[]>();
  for (const item of items) groups.set(item.owner, [...(groups.get(item.owner) ?? []), item]);
  return new Map([...groups.entries()].sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : compareNames(a, b))));
}
