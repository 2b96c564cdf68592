import { plural } from './http.js';
import type { IssueChanges } from './changes.js';
import { labelByName, type IssueRecord, type LabelRecord, type SandboxState } from './state.js';

/** Quick actions this fake executes. Others listed in INERT_COMMANDS are recognised and removed but do nothing. */
type ModelledCommand = 'close' | 'reopen' | 'label' | 'unlabel' | 'relabel' | 'title' | 'confidential';
const INERT_COMMANDS = [
  'assign',
  'unassign',
  'reassign',
  'due',
  'remove_due_date',
  'milestone',
  'remove_milestone',
  'cc',
  'todo',
  'done',
  'subscribe',
  'unsubscribe',
  'award',
  'estimate',
  'remove_estimate',
  'spend',
  'remove_time_spent',
  'lock',
  'unlock',
  'weight',
  'clear_weight',
];

/** A text with its quick actions taken out, and what they do. */
export interface Interpretation {
  /** The text without its commands, trailing whitespace trimmed. */
  content: string;
  commands: { name: string; arg: string }[];
  changes: IssueChanges;
  /** The API's `commands_changes` (label ids, not names). */
  commandsChanges: Record<string, unknown>;
  summary: string[];
}

type Command = { name: string; arg: string };

/**
 * Takes the quick actions out of a note's or a description's text and works out their effect on
 * the issue (nothing is applied here). `persisted`: the issue exists already (`/close` and
 * `/reopen` are only available then).
 */
export function interpret(state: SandboxState, text: string, issue: IssueRecord, persisted: boolean): Interpretation {
  const { content, commands } = extractCommands(text, availableCommands(state, issue, persisted));
  return { content: content.replace(/\s+$/, ''), commands, ...runCommands(state, issue, commands) };
}

function availableCommands(state: SandboxState, issue: IssueRecord, persisted: boolean): string[] {
  const available: string[] = [...INERT_COMMANDS, 'title'];
  if (persisted && issue.state === 'opened') available.push('close');
  if (persisted && issue.state === 'closed') available.push('reopen');
  if (state.labels.length > 0) available.push('label');
  if (issue.labels.length > 0) available.push('unlabel', 'relabel');
  if (!issue.confidential) available.push('confidential');
  return available;
}

/**
 * GitLab's extractor: a command is `/name` at the very start of a line, optionally followed
 * by one space and an argument, ending the line. Fenced code blocks, `>>>` quote blocks and
 * HTML blocks are skipped. Only commands available for the issue's current state are
 * extracted; the rest stay in the text (e.g. `/close` on a closed issue).
 */
function extractCommands(text: string, available: string[]): { content: string; commands: Command[] } {
  const names = available.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const regex = new RegExp(
    '(?<code>^```.+?\\n```$)' +
      '|(?<html>^<[^>]+?>\\n.+?\\n<\\/[^>]+?>$)' +
      '|(?<quote>^>>>.+?\\n>>>$)' +
      `|(?:^\\/(?<cmd>${names})(?: (?<arg>[^\\n]*))?(?:\\s*\\n|$))`,
    'gims',
  );
  const commands: Command[] = [];
  const content = text.replace(/\r/g, '').replace(regex, (...args: unknown[]) => {
    const groups = args[args.length - 1] as Record<string, string | undefined>;
    const whole = args[0] as string;
    if (groups.cmd === undefined) return whole;
    commands.push({ name: groups.cmd.toLowerCase(), arg: (groups.arg ?? '').trim() });
    return '';
  });
  return { content, commands };
}

/** What the commands do, in order; `labels` follows the issue's labels as they would be after each. */
function runCommands(
  state: SandboxState,
  issue: IssueRecord,
  commands: Command[],
): Pick<Interpretation, 'changes' | 'commandsChanges' | 'summary'> {
  const changes: IssueChanges = {};
  const commandsChanges: Record<string, unknown> = {};
  const summary: string[] = [];
  let labels = issue.labels.slice();
  for (const { name, arg } of commands) {
    switch (name as ModelledCommand) {
      case 'close':
        changes.stateEvent = 'close';
        commandsChanges.state_event = 'close';
        summary.push('Closed this issue.');
        break;
      case 'reopen':
        changes.stateEvent = 'reopen';
        commandsChanges.state_event = 'reopen';
        summary.push('Reopened this issue.');
        break;
      case 'title':
        if (arg) {
          changes.title = arg;
          commandsChanges.title = arg;
          summary.push(`Changed the title to "${arg}".`);
        }
        break;
      case 'confidential':
        changes.confidential = true;
        commandsChanges.confidential = true;
        summary.push('Made this issue confidential.');
        break;
      case 'label': {
        const found = findLabels(state, arg);
        if (found.length === 0) break;
        changes.addLabels = [...(changes.addLabels ?? []), ...found.map((l) => l.name)];
        commandsChanges.add_label_ids = [
          ...((commandsChanges.add_label_ids as number[]) ?? []),
          ...found.map((l) => l.id),
        ];
        labels = [...labels, ...found.map((l) => l.name)];
        summary.push(`Added ${found.map((l) => `~${l.id}`).join(' ')} ${plural('label', found.length)}.`);
        break;
      }
      case 'unlabel': {
        if (arg === '') {
          changes.setLabels = [];
          changes.addLabels = [];
          commandsChanges.label_ids = [];
          labels = [];
          summary.push('Removed all labels.');
          break;
        }
        const found = findLabels(state, arg).filter((l) => labels.includes(l.name));
        if (found.length === 0) break;
        changes.removeLabels = [...(changes.removeLabels ?? []), ...found.map((l) => l.name)];
        commandsChanges.remove_label_ids = [
          ...((commandsChanges.remove_label_ids as number[]) ?? []),
          ...found.map((l) => l.id),
        ];
        labels = labels.filter((l) => !found.some((f) => f.name === l));
        summary.push(`Removed ${found.map((l) => `~${l.id}`).join(' ')} ${plural('label', found.length)}.`);
        break;
      }
      case 'relabel': {
        const found = findLabels(state, arg);
        if (found.length === 0) break;
        changes.setLabels = found.map((l) => l.name);
        changes.addLabels = [];
        changes.removeLabels = [];
        commandsChanges.label_ids = found.map((l) => l.id);
        labels = found.map((l) => l.name);
        summary.push(
          `Replaced all labels with ${found.map((l) => `~${l.id}`).join(' ')} ${plural('label', found.length)}.`,
        );
        break;
      }
      default:
        break; // recognised (and removed) but not modelled: no effect here
    }
  }
  return { changes, commandsChanges, summary };
}

/** `~bug ~"two words" ~"scope::value" ~12` or bare comma-separated names; existing labels only. */
function findLabels(state: SandboxState, arg: string): LabelRecord[] {
  const found: LabelRecord[] = [];
  const add = (label: LabelRecord | undefined) => {
    if (label && !found.includes(label)) found.push(label);
  };
  if (arg.includes('~')) {
    const ref = /~(?:"([^"]+)"|(\d+)\b(?![^\s]\w)|([A-Za-z0-9_\-?.&]+(?<![.?])))/g;
    for (const m of arg.matchAll(ref)) {
      if (m[1] !== undefined) add(labelByName(state, m[1]));
      else if (m[2] !== undefined) add(state.labels.find((l) => l.id === Number(m[2])) ?? labelByName(state, m[2]));
      else if (m[3] !== undefined) add(labelByName(state, m[3]));
    }
  } else {
    for (const name of arg
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      add(labelByName(state, name));
  }
  return found;
}
