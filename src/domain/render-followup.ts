import type { LadderDurations } from '../config/types.js';
import { somsToAsk, type AddressedHow, type ItemState, type LadderStep } from './followup-state.js';
import { inline, mention, table } from './markdown.js';
import { PLATFORMS } from './platforms.js';
import { formatUtc, humanDuration, itemsOrSummary, renderPingNote } from './render.js';
import { everyoneReachable, mentionIfReachable, passedOverLines, type ReachOf, type Unreachable } from './reach.js';
import { REPLY_LIMITS } from './replies.js';
import type { PlatformId } from './types.js';

interface Base {
  platform: string;
  quarter: string;
}

export interface AddressedEntry {
  item: ItemState;
  how: AddressedHow;
  by: string | null;
  noteId?: number;
  reason?: string;
  /** Earlier claims on the item this entry answers too (`noteId:fingerprint`). */
  alsoAnswers?: string[];
}

export interface FeedbackEntry {
  item: ItemState;
  to: string;
  noteId: number;
  /** `unreadable`: the note names the item on a line the bot reads as no instruction. */
  reason: 'still-present' | 'not-allowed' | 'unreadable';
  laterClaims?: string[];
}

function platformName(platform: string): string {
  return PLATFORMS[platform as PlatformId]?.displayName ?? platform;
}

/** A username that must not notify (records, tables). */
function quiet(username: string | null): string {
  return username ? `\`${username.replace(/`/g, '')}\`` : '—';
}

function itemLine(item: ItemState, withOwner = false): string {
  const owner = withOwner ? ` · ${quiet(item.owner)}` : '';
  return `- **${item.id}**${owner} · ${inline(item.subject)} · ${inline(item.detail, 400)}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function outcomeText(how: AddressedHow, by: string | null, reason: string | undefined, platform: string): string {
  const who = by ? ` per ${quiet(by)}` : '';
  const why = reason ? `: “${inline(reason, 300)}”` : '';
  switch (how) {
    case 'fixed':
      return `fixed${who}, confirmed: the ${platformName(platform)} check no longer reports it`;
    case 'gone':
      return `the ${platformName(platform)} check no longer reports it (no reply needed)`;
    case 'intentional':
      return `intentional${who}${why}`;
    case 'accepted':
      return `accepted exception from the allow-list${why}`;
  }
}

export function renderAddressedNote(input: Base & { entries: AddressedEntry[]; now: Date }): string {
  const lines = [`Recorded on ${formatUtc(input.now)} (${platformName(input.platform)} audit ${input.quarter}):`, ''];
  for (const entry of input.entries) {
    lines.push(
      `- **${entry.item.id}** · ${inline(entry.item.subject)} · ` +
        outcomeText(entry.how, entry.by, entry.reason, input.platform),
    );
  }
  return lines.join('\n');
}

/**
 * Items an answer to a person describes line by line; any more are named by id, one line per kind
 * of answer.
 */
export const FEEDBACK_LINES = 50;

/**
 * The answer to a person's replies: one line per item and kind of answer (the first FEEDBACK_LINES),
 * the ids of any more, a line when a reply was read only in part (`cut`), and one when `later`
 * items had to wait for the next run's answer (a note holds only so much).
 */
export function renderFeedbackNote(
  input: Base & {
    to: string;
    entries: FeedbackEntry[];
    now: Date;
    supportOpsManagers: string[];
    cut?: boolean;
    later?: number;
  },
): string {
  const name = platformName(input.platform);
  const lines = [`${mention(input.to)}, about your reply:`, ''];
  for (const entry of input.entries.slice(0, FEEDBACK_LINES)) {
    const { id } = entry.item;
    if (entry.reason === 'unreadable') {
      lines.push(
        `- **${id}**: your reply names it, but the bot could not read an answer in it. ` +
          'Write one instruction per line, ' +
          `e.g. \`${id} fixed\` (or \`${id} is fixed\`) once it is fixed, or \`${id} intentional: <reason>\`.`,
      );
    } else if (entry.reason === 'still-present') {
      lines.push(
        `- **${id}** is still found in ${name} on ${formatUtc(input.now)}: ${inline(entry.item.detail, 400)} ` +
          `It stays open: fix it and reply \`${id} fixed\` again, or reply \`${id} intentional: <reason>\`.`,
      );
    } else {
      const who = entry.item.owner
        ? `its owner (${quiet(entry.item.owner)}), their manager or a Support Ops Manager`
        : 'a Support Ops Manager (nobody in the roster owns it)';
      lines.push(`- **${id}**: only ${who} can answer for it, so your reply was not counted.`);
    }
  }
  const rest = input.entries.slice(FEEDBACK_LINES);
  const idsOf = (reason: FeedbackEntry['reason']) =>
    rest.filter((entry) => entry.reason === reason).map((entry) => `**${entry.item.id}**`);
  const more: [FeedbackEntry['reason'], string][] = [
    ['still-present', `still found in ${name} on ${formatUtc(input.now)}, so they stay open`],
    ['not-allowed', 'not counted: only their owners, their managers or a Support Ops Manager can answer for them'],
    ['unreadable', 'named, but with no answer the bot could read (one instruction per line, e.g. `PD-3 fixed`)'],
  ];
  for (const [reason, what] of more) {
    const ids = idsOf(reason);
    if (ids.length > 0) lines.push(`- ${plural(ids.length, 'more item')} ${what}: ${ids.join(', ')}.`);
  }
  if (input.later) {
    lines.push(
      `- ${plural(input.later, 'more item')} of your replies will be answered in the next run's note: ` +
        'one note holds only so much.',
    );
  }
  if (input.cut) {
    lines.push(
      '- Your reply was longer than the bot reads, so it read only part of it: ' +
        `at most ${REPLY_LIMITS.instructions} different instructions ` +
        `per reply, ${REPLY_LIMITS.idsPerLine} item ids per line and ${REPLY_LIMITS.lineLength} characters per line ` +
        `(a reason is kept to ${REPLY_LIMITS.reason} characters). ` +
        'Put the rest in another reply, one instruction per line.',
    );
  }
  return lines.join('\n');
}

export function renderLadderNote(
  input: Base & {
    step: LadderStep;
    recipient: string | null;
    items: ItemState[];
    ladder: LadderDurations;
    supportOpsManagers: string[];
    managerOf: (username: string) => string | null;
    now: Date;
    /** Whom this step passed over, because they cannot see the issue. */
    skipped?: Unreachable[];
    reach?: ReachOf;
  },
): string {
  const name = platformName(input.platform);
  const reach = input.reach ?? everyoneReachable;
  const soms = input.supportOpsManagers.map((username) => mentionIfReachable(username, reach)).join(' ');
  const to = input.recipient ? mention(input.recipient) : soms;
  const passedOver = passedOverLines(input.skipped ?? [], 'so this comes to you');
  const count = plural(input.items.length, 'item');
  const example = input.items[0]?.id ?? 'PD-1';
  const answer =
    `Reply \`${example} fixed\` or \`${example} intentional: <reason>\` ` + '(or `all fixed` for all of yours).';
  if (input.step === 'ping1') {
    return renderPingNote({
      platform: input.platform as PlatformId,
      quarter: input.quarter,
      owner: input.recipient,
      supportOpsManagers: input.supportOpsManagers,
      findings: input.items.map((item) => ({ ...item, platform: input.platform as PlatformId })),
      ids: new Map(input.items.map((item) => [item.fingerprint, item.id])),
      secondPingAfter: input.ladder.second_ping_after,
      skipped: input.skipped,
      reach,
    });
  }
  const lines: string[] = [];
  switch (input.step) {
    case 'ping2':
      lines.push(
        `${to}, a reminder: the ${name} access audit for ${input.quarter} still has ${count} waiting for you:`,
      );
      break;
    case 'manager':
      lines.push(
        `${to}, ${count} of the ${name} access audit for ${input.quarter}, owned by your reports, ` +
          'got no answer after two pings. Please help them fix these or answer for them:',
      );
      break;
    case 'som':
      lines.push(
        `${soms}, ${count} of the ${name} access audit for ${input.quarter} ` +
          `${input.items.length === 1 ? 'is' : 'are'} still not addressed after every reminder. Please assist:`,
      );
      break;
  }
  if (passedOver.length > 0) lines.push('', ...passedOver);
  lines.push('');
  // Thousands of items would not fit in one note (GitLab's cap): their ids then, the results notes describe them.
  const withOwner = input.step === 'manager' || input.step === 'som' || passedOver.length > 0;
  lines.push(
    ...itemsOrSummary(
      input.items.map((item) => itemLine(item, withOwner)),
      input.items.map((item) => item.id),
      input.platform,
      input.quarter,
    ),
  );
  lines.push('');
  // After the step that asks the last Support Ops Manager left, nobody else is asked.
  const lastStep =
    input.step === 'som' ||
    input.items.every(
      (item) =>
        somsToAsk(
          { ...item, pings: [...item.pings, { step: input.step, at: '', to: input.recipient }] },
          input.supportOpsManagers,
        ).length === 0,
    );
  const next = lastStep
    ? 'This is the last reminder the bot sends.'
    : input.step === 'ping2'
      ? input.items.every((item) => item.owner !== null && input.managerOf(item.owner) !== null)
        ? `Without an answer, your manager will be asked in ${humanDuration(input.ladder.manager_after)}.`
        : 'Without an answer, the Support Ops Managers will be asked for assistance in ' +
          `${humanDuration(input.ladder.manager_after)}.`
      : input.step === 'manager'
        ? `Without an answer, the Support Ops Managers will be asked in ${humanDuration(input.ladder.som_after)}.`
        : 'This is the last reminder the bot sends.';
  lines.push(`${answer} ${next}`);
  return lines.join('\n');
}

export function renderReviewNote(
  input: Base & { supportOpsManagers: string[]; items: ItemState[]; reach?: ReachOf },
): string {
  const name = platformName(input.platform);
  const soms = input.supportOpsManagers
    .map((username) => mentionIfReachable(username, input.reach ?? everyoneReachable))
    .join(' ');
  const lines = [
    input.items.length === 0
      ? `${soms}, the ${name} access audit for ${input.quarter} found nothing to address. Please review and close it.`
      : `${soms}, every item of the ${name} access audit for ${input.quarter} is addressed ` +
        `(${plural(input.items.length, 'item')}). Please review:`,
  ];
  if (input.items.length > 0) {
    lines.push(
      '',
      table(
        ['Item', 'Account', 'Owner', 'Outcome'],
        input.items.map((item) => [
          `**${item.id}**`,
          inline(item.subject),
          quiet(item.owner),
          item.addressed
            ? outcomeText(item.addressed.how, item.addressed.by, item.addressed.reason, input.platform)
            : 'open',
        ]),
      ),
    );
  }
  lines.push('', 'Reply `approved` to approve and close the issue, or close it yourself.');
  return lines.join('\n');
}

export function renderOutcomeNote(
  input: Base & {
    result: 'approved' | 'closed' | 'superseded';
    by: string | null;
    next?: { iid: number; quarter: string };
    now: Date;
    items: ItemState[];
  },
): string {
  const open = input.items.filter((item) => !item.addressed);
  const lines =
    input.result === 'approved'
      ? [`Review approved by ${quiet(input.by)} on ${formatUtc(input.now)}. The audit is complete; closing the issue.`]
      : input.result === 'superseded'
        ? [
            `Superseded by #${input.next!.iid}, the ${input.next!.quarter} audit, ` +
              'which lists every finding still present; ' +
              `recorded on ${formatUtc(input.now)}. ` +
              'Closing this issue: the bot follows up there only.',
          ]
        : [`Issue closed by ${quiet(input.by)}; recorded on ${formatUtc(input.now)}. The bot stops following up.`];
  if (open.length > 0) {
    lines.push('', `${plural(open.length, 'item')} had no recorded answer at that point:`, '');
    for (const item of open) lines.push(itemLine(item, true));
  }
  return lines.join('\n');
}

/** Said once per close by someone with no say in the audit: the bot reopened the issue. */
export function renderReopenedNote(input: Base & { closedBy: string | null; supportOpsManagers: string[] }): string {
  const who = input.closedBy ? quiet(input.closedBy) : 'Someone';
  const soms = input.supportOpsManagers.map((username) => `\`${username}\``).join(', ');
  return (
    `${who} closed this issue, but only a Support Ops Manager (${soms}) may end ` +
    `the ${platformName(input.platform)} access audit for ${input.quarter}: ` +
    'the bot reopened it, and the follow-up goes on for the items still open. ' +
    'To end the audit, a Support Ops Manager approves the review or closes the issue.'
  );
}

/** A Support Ops Manager's close was followed by a reopen: the ladder picks up the items still open. */
export function renderResumedNote(input: Base & { closedBy: string | null }): string {
  return (
    `This issue was reopened after ${quiet(input.closedBy)} closed it: ` +
    `the follow-up of the ${platformName(input.platform)} access audit for ${input.quarter} ` +
    'resumes for the items still open.'
  );
}

/**
 * Items recorded `fixed` or `gone` that a re-check found again: open again in this issue, with
 * their history; `next` says where each one's ladder resumes.
 */
export function renderRevivedNote(
  input: Base & { items: ItemState[]; now: Date; next: (item: ItemState) => string },
): string {
  const name = platformName(input.platform);
  const example = input.items[0]?.id ?? 'PD-1';
  const lines = input.items.map((item) => {
    const was = item.revived?.was;
    const recorded = was?.how === 'fixed' ? `fixed${was.by ? ` per ${quiet(was.by)}` : ''}` : 'gone';
    const before = was ? ` (recorded ${recorded} on ${formatUtc(new Date(was.at))})` : '';
    return (
      `- **${item.id}** is found again in ${name}${before}: it is open again. ` +
      `${inline(item.subject)} · ${inline(item.detail, 400)} ` +
      `${input.next(item)}`
    );
  });
  return [
    `Re-checked ${name} on ${formatUtc(input.now)} (${name} access audit for ${input.quarter}):`,
    '',
    ...lines,
    '',
    `An earlier \`fixed\` no longer counts for ${input.items.length === 1 ? 'it' : 'them'}: ` +
      `reply \`${example} fixed\` once it is fixed again, or \`${example} intentional: <reason>\`.`,
  ].join('\n');
}
