import { DateTime } from 'luxon';
import type { AcceptedFinding } from './allow-list.js';
import { humanDuration } from './duration.js';
import { OUTPUT_LOCALE } from './locale.js';
import { inline, mention, table } from './markdown.js';
import { renderMarker, type Marker } from './markers.js';
import { PLATFORMS } from './platforms.js';
import type { CheckResult, Finding, Inventory, PlatformId } from './types.js';
import type { QuarterDiff } from './audit-types.js';
import { everyoneReachable, mentionIfReachable, passedOverLines, type ReachOf, type Unreachable } from './reach.js';
import { previousQuarter } from './quarter.js';
import { NOTE_BUDGET, utf8Length } from './note-size.js';

export { humanDuration } from './duration.js';

export function noteText(body: string, marker: Marker): string {
  return `${body.trimEnd()}\n\n${renderMarker(marker)}`;
}

export function formatUtc(date: Date): string {
  return DateTime.fromJSDate(date, { zone: 'utc' }).toFormat("yyyy-LL-dd HH:mm 'UTC'", { locale: OUTPUT_LOCALE });
}

/** A username in running text that must not notify (results tables, summaries). */
function quietName(username: string | null): string {
  return username ? `\`${username.replace(/`/g, '')}\`` : '_nobody in the roster_';
}

function describeReads(result: CheckResult): string {
  const parts = Object.entries(result.stats.itemsRead).map(
    ([collection, count]) => `${count} ${collection.replace(/_/g, ' ')}`,
  );
  const requests = `${result.stats.requests} request${result.stats.requests === 1 ? '' : 's'}`;
  return parts.length ? `read ${parts.join(', ')} in ${requests}` : `made ${requests}`;
}

export interface ResultsNoteInput {
  result: CheckResult;
  findings: Finding[];
  accepted: AcceptedFinding[];
  ids: Map<string, string>;
  quarter: string;
  now: Date;
  /** True when an earlier results note exists: this one lists only new findings. */
  followUp: boolean;
  /** Comparison with last quarter's issue; null when there was none; absent when not looked up. */
  diff?: QuarterDiff | null;
  /**
   * Which note of the run's results this is, when they take several (GitLab caps a note's size):
   * the first has everything but the rows of the later ones; a later one only its rows.
   */
  part?: { index: number; of: number };
  /** How many findings the run's results list in all its parts (default: `findings`). */
  total?: number;
  /** People the pings pass over because they cannot see the issue, with why. */
  unreachable?: readonly Unreachable[];
}

const RESULTS_HEADERS = ['Item', 'Account', 'Finding', 'Responsible'];

/** A finding's row in the results table, as `table` writes it. */
export function resultsTableRow(finding: Finding, ids: Map<string, string>): string {
  const cells = [
    `**${ids.get(finding.fingerprint) ?? '?'}**`,
    inline(finding.subject),
    inline(finding.detail, 400),
    quietName(finding.owner),
  ];
  return `| ${cells.map((cell) => cell || ' ').join(' | ')} |`;
}

function resultsTable(findings: Finding[], ids: Map<string, string>): string {
  return [table(RESULTS_HEADERS, []), ...findings.map((finding) => resultsTableRow(finding, ids))].join('\n');
}

export function renderResultsNote(input: ResultsNoteInput): string {
  const name = PLATFORMS[input.result.platform].displayName;
  const part = input.part ?? { index: 1, of: 1 };
  const lines: string[] = [];
  lines.push(
    `### ${name} access audit ${input.quarter}: ${input.followUp ? 'new findings' : 'results'}` +
      (part.of > 1 ? ` (part ${part.index} of ${part.of})` : ''),
    '',
  );
  if (part.index > 1) {
    const first = input.ids.get(input.findings[0]?.fingerprint ?? '') ?? '?';
    const last = input.ids.get(input.findings.at(-1)?.fingerprint ?? '') ?? '?';
    lines.push(
      `Continued from part ${part.index - 1}: items **${first}** to **${last}**.`,
      '',
      resultsTable(input.findings, input.ids),
    );
    return lines.join('\n');
  }
  lines.push(`The audit ran on ${formatUtc(input.now)} and ${describeReads(input.result)}.`);
  for (const warning of input.result.warnings ?? []) lines.push('', `> **Warning:** ${inline(warning, 600)}`);
  if (input.unreachable?.length) {
    lines.push('', '**Could not be reached** (their items go to the next person up the chain instead):', '');
    for (const entry of input.unreachable) lines.push(`- ${entry.reason.replace(/\s+/g, ' ')}`);
  }
  if (input.findings.length === 0) {
    lines.push('', `**No findings.** Every ${name} account checked matches the roster.`);
  } else {
    const count = input.total ?? input.findings.length;
    const where = part.of > 1 ? `, listed in ${part.of} notes (GitLab caps a note's size)` : '';
    lines.push(
      `**${count} finding${count === 1 ? '' : 's'}** need${count === 1 ? 's' : ''} action${where}; ` +
        'each responsible person is pinged below.',
      '',
    );
    lines.push(resultsTable(input.findings, input.ids));
  }
  if (!input.followUp)
    for (const inventory of input.result.inventories ?? []) lines.push('', ...renderInventory(inventory));
  if (input.diff !== undefined && !input.followUp)
    lines.push('', ...renderQuarterDiff(input.diff, input.ids, input.result.platform, input.quarter));
  if (input.accepted.length > 0 && !input.followUp) {
    lines.push(
      '',
      `<details><summary>${input.accepted.length} accepted exception(s) from the allow-list</summary>`,
      '',
    );
    lines.push(
      boundedTable(
        ['Account', 'Finding', 'Reason', 'Expires'],
        input.accepted.map(({ finding, exception }) => [
          inline(finding.subject),
          inline(finding.detail, 400),
          inline(exception.reason),
          inline(exception.expires),
        ]),
        'exceptions (the allow-list in the audit config has them all)',
      ),
    );
    lines.push('', '</details>');
  }
  return lines.join('\n');
}

/**
 * What one listing besides the findings (an inventory, the quarter-over-quarter lists, the
 * accepted exceptions) may take of the first results note, in UTF-8 bytes: with all of them
 * at once the note keeps room for its rows under NOTE_BUDGET.
 */
export const RESULTS_LISTING_BUDGET = 50_000;

/** A table cut to RESULTS_LISTING_BUDGET, saying how many rows were left out and where they are. */
function boundedTable(headers: string[], rows: string[][], what: string): string {
  const lines = table(headers, rows).split('\n');
  let size = 0;
  let kept = 2;
  while (kept < lines.length && size + utf8Length(lines[kept]) + 1 <= RESULTS_LISTING_BUDGET)
    size += utf8Length(lines[kept++]) + 1;
  if (kept === lines.length) return lines.join('\n');
  return `${lines.slice(0, kept).join('\n')}\n\n_… and ${lines.length - kept} more ${what}, too many for one note._`;
}

/** A comma-separated list cut to RESULTS_LISTING_BUDGET, saying how many entries were left out. */
function boundedList(entries: string[], separator: string): string {
  let size = 0;
  let kept = 0;
  while (kept < entries.length && size + utf8Length(entries[kept]) + separator.length <= RESULTS_LISTING_BUDGET)
    size += utf8Length(entries[kept++]) + separator.length;
  return kept === entries.length
    ? entries.join(separator)
    : `${entries.slice(0, kept).join(separator)}${separator}… and ${entries.length - kept} more`;
}

/** A checker's inventory (e.g. API tokens) as a table; every cell is platform text, escaped. */
function renderInventory(inventory: Inventory): string[] {
  const lines = [`#### ${inline(inventory.title)} (${inventory.rows.length})`, ''];
  if (inventory.rows.length === 0) return [...lines, `_${inline(inventory.empty ?? 'Nothing to list.', 400)}_`];
  return [
    ...lines,
    boundedTable(
      inventory.headers.map((header) => inline(header)),
      inventory.rows.map((row) => row.map((cell) => inline(cell, 120))),
      "rows (the run's --report JSON has them all)",
    ),
  ];
}

export interface PingNoteInput {
  platform: PlatformId;
  quarter: string;
  owner: string | null;
  supportOpsManagers: string[];
  findings: Finding[];
  ids: Map<string, string>;
  secondPingAfter: string;
  /** Whom this ping passed over (the owner, or a manager, who cannot see the issue). */
  skipped?: Unreachable[];
  reach?: ReachOf;
}

export function renderPingNote(input: PingNoteInput): string {
  const name = PLATFORMS[input.platform].displayName;
  const count = input.findings.length;
  const items = `${count} item${count === 1 ? '' : 's'}`;
  const lines: string[] = [];
  const skipped = input.skipped ?? [];
  if (input.owner) {
    lines.push(`${mention(input.owner)}, the ${name} access audit for ${input.quarter} needs you on ${items}:`);
  } else if (skipped.length > 0) {
    const managers = input.supportOpsManagers
      .map((username) => mentionIfReachable(username, input.reach ?? everyoneReachable))
      .join(' ');
    lines.push(
      `${managers}, the ${name} access audit for ${input.quarter} needs you on ${items} whose owner cannot be reached:`,
    );
  } else {
    const managers = input.supportOpsManagers
      .map((username) => mentionIfReachable(username, input.reach ?? everyoneReachable))
      .join(' ');
    lines.push(
      `${managers}, nobody in the roster owns ${count === 1 ? 'this' : 'these'} ` +
        `${count === 1 ? '' : `${count} `}${name} item${count === 1 ? '' : 's'}; please decide for each:`,
    );
  }
  if (skipped.length > 0) lines.push('', ...passedOverLines(skipped, 'so this comes to you'));
  lines.push('');
  lines.push(
    ...itemsOrSummary(
      input.findings.map(
        (finding) =>
          `- **${input.ids.get(finding.fingerprint) ?? '?'}** · ${inline(finding.subject)} · ` +
          inline(finding.detail, 400),
      ),
      input.findings.map((finding) => input.ids.get(finding.fingerprint) ?? '?'),
      input.platform,
      input.quarter,
    ),
  );
  const example = input.ids.get(input.findings[0]?.fingerprint ?? '') ?? 'PD-1';
  lines.push(
    '',
    `Fix each item in ${name}, or say why it is intended, by replying in this issue, e.g. \`${example} fixed\`, ` +
      `\`${example} intentional: <reason>\`, or \`all fixed\`. Fixed items are re-checked on the next nightly run; ` +
      `without an answer you will be reminded in ${humanDuration(input.secondPingAfter)}.`,
  );
  return lines.join('\n');
}

function renderQuarterDiff(
  diff: QuarterDiff | null,
  ids: Map<string, string>,
  platform: PlatformId,
  quarter: string,
): string[] {
  if (!diff)
    return [
      `_No ${PLATFORMS[platform].displayName} audit issue for ${previousQuarter(quarter)} was found: ` +
        'there is no quarter-over-quarter comparison._',
    ];
  const idList = (fingerprints: string[]) =>
    boundedList(
      fingerprints.map((fingerprint) => `**${ids.get(fingerprint) ?? '?'}**`),
      ', ',
    ) || 'none';
  const lines = [
    `#### Since last quarter (${diff.previousQuarter}, #${diff.previousIssue})`,
    '',
    `- **New** (${diff.new.length}): ${idList(diff.new.map((finding) => finding.fingerprint))}`,
    `- **Still present** (${diff.stillPresent.length}): ${
      boundedList(
        diff.stillPresent.map(({ finding, before }) => {
          const then = before.addressed
            ? `${before.addressed.how}${before.addressed.by ? ` per \`${before.addressed.by}\`` : ''}`
            : 'unanswered';
          return `**${ids.get(finding.fingerprint) ?? '?'}** (was ${before.id}: ${then})`;
        }),
        ', ',
      ) || 'none'
    }`,
    `- **Resolved since** (${diff.resolved.length}): ${
      boundedList(
        diff.resolved.map((item) => `${item.id} ${inline(item.subject, 80)}`),
        '; ',
      ) || 'none'
    }`,
  ];
  return lines;
}

/** What a note's list of items may take, in UTF-8 bytes: half a note, the rest being its marker and text. */
export const ITEM_LIST_BUDGET = NOTE_BUDGET / 2;

/**
 * A ping's item lines; or, when they would not fit in one note (someone owns thousands of items),
 * their ids, consecutive ones as a range, and where each is described: the results notes.
 */
export function itemsOrSummary(lines: string[], ids: string[], platform: string, quarter: string): string[] {
  if (utf8Length(lines.join('\n')) <= ITEM_LIST_BUDGET) return lines;
  const name = PLATFORMS[platform as PlatformId]?.displayName ?? platform;
  return [
    `These ${ids.length} items are too many to describe in one note: ` +
      'each is described in the tables of the results notes ' +
      `(“${name} access audit ${quarter}: results”) in this issue. Their ids: ${idRanges(ids)}.`,
  ];
}

/** `PD-1 to PD-40, PD-42`: ids in order, consecutive numbers of one prefix as a range; cut to ITEM_LIST_BUDGET. */
export function idRanges(ids: string[]): string {
  const parsed = ids
    .map((id) => /^(.*)-(\d+)$/.exec(id))
    .map((match, index) =>
      match ? { prefix: match[1], number: Number(match[2]) } : { prefix: ids[index], number: NaN },
    );
  const order = [...parsed.keys()].sort(
    (a, b) => compareCodeUnitsOf(parsed[a].prefix, parsed[b].prefix) || parsed[a].number - parsed[b].number,
  );
  const runs: string[] = [];
  let start = 0;
  for (let at = 1; at <= order.length; at++) {
    const previous = parsed[order[at - 1]];
    const current = at < order.length ? parsed[order[at]] : undefined;
    if (current && current.prefix === previous.prefix && current.number === previous.number + 1) continue;
    const first = order[start];
    const last = order[at - 1];
    runs.push(first === last ? `**${ids[first]}**` : `**${ids[first]}** to **${ids[last]}**`);
    start = at;
  }
  let size = 0;
  let kept = 0;
  while (kept < runs.length && size + runs[kept].length + 2 <= ITEM_LIST_BUDGET) size += runs[kept++].length + 2;
  if (kept === runs.length) return runs.join(', ');
  return `${runs.slice(0, kept).join(', ')}, … and ${runs.length - kept} more`;
}

function compareCodeUnitsOf(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
