import { BOARD } from './board.js';
import type { IssueState, LadderStep } from './followup-state.js';

/**
 * The process checklist in the issue description ticks itself as the audit goes. The bot owns a
 * task-list line only when the line carries its hidden marker, e.g.
 *
 *     - [ ] Each responsible person pinged (audit-bot) <!-- audit-bot:checklist:pinged -->
 *
 * The line's text is the template's (the user's) and is never rewritten; only the character in
 * its box is, and only on lines with a marker of a known step. Lines without a marker (a
 * template's own items, a person's notes, issues opened before the markers existed) are left as
 * they are, and so are lines in code blocks and in the status board.
 *
 * Each box is a pure function of the bot's record (the state rebuilt from its notes' markers), as
 * the board is: a box is ticked only once its step happened, and a box ticked or cleared by hand
 * on a bot-owned line is set back to the record the next time the bot writes the description.
 */
export const CHECKLIST_STEPS = ['results', 'pinged', 'ping2', 'manager', 'som', 'review', 'closed'] as const;
export type ChecklistStep = (typeof CHECKLIST_STEPS)[number];

/** The hidden marker that makes a task-list line the bot's, for a step. */
export const checklistMarker = (step: ChecklistStep): string => `<!-- audit-bot:checklist:${step} -->`;

// `- [ ] text <!-- audit-bot:checklist:step -->`: bullet or ordered item (nested too), a plain or
// ticked box, the marker anywhere after it (`s`: a line split from CRLF text keeps its `\r`, which
// `.` would not match).
const LINE = /^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[)([ xX])(\].*<!--\s*audit-bot:checklist:([a-z0-9-]+)\s*-->.*)$/s;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** Which steps of the process happened, by the bot's record. */
export function checklistState(state: IssueState): Record<ChecklistStep, boolean> {
  const items = [...state.items.values()];
  const took = (step: LadderStep) =>
    state.listed && items.some((item) => item.pings.some((ping) => ping.step === step));
  const everything = [...state.items.keys()].sort();
  const result = state.outcome?.result;
  return {
    results: state.listed,
    // Every item listed has had its first ping (or was answered before one was due): nobody left to
    // ping. None listed: nobody was pinged.
    pinged: took('ping1') && items.every((item) => item.pings.length > 0 || item.addressed !== undefined),
    ping2: took('ping2'),
    manager: took('manager'),
    som: took('som'),
    // The review asked for covers every item listed now: new findings since ask for another one.
    review:
      state.listed &&
      state.reviews.some(
        (review) =>
          review.length === everything.length &&
          [...review].sort().every((finding, index) => finding === everything[index]),
      ),
    // A Support Ops Manager approved, or closed the issue themselves (a superseded audit was not reviewed).
    closed: result === 'approved' || result === 'closed',
  };
}

/**
 * The description with the box of every bot-owned checklist line set to `ticked`. Nothing else in
 * it changes: same lines, same line endings; an unchanged record gives back the very same text.
 */
export function withChecklist(description: string, ticked: Record<ChecklistStep, boolean>): string {
  const lines = description.split('\n');
  let fence: string | undefined;
  let inBoard = false;
  let changed = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (inBoard) {
      if (line.includes(BOARD.end)) inBoard = false;
      continue;
    }
    if (line.includes(BOARD.start)) {
      inBoard = !line.includes(BOARD.end);
      continue;
    }
    const opening = FENCE.exec(line);
    if (fence !== undefined) {
      if (opening && opening[1][0] === fence[0] && opening[1].length >= fence.length && line.trim() === opening[1])
        fence = undefined;
      continue;
    }
    if (opening) {
      fence = opening[1];
      continue;
    }
    const match = LINE.exec(line);
    if (!match || !isStep(match[4])) continue;
    const want = ticked[match[4]];
    const has = match[2] !== ' ';
    if (want === has) continue;
    lines[index] = `${match[1]}${want ? 'x' : ' '}${match[3]}`;
    changed = true;
  }
  return changed ? lines.join('\n') : description;
}

function isStep(value: string): value is ChecklistStep {
  return (CHECKLIST_STEPS as readonly string[]).includes(value);
}
