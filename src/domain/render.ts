import { DateTime, Duration } from 'luxon';
import type { AcceptedFinding } from './allow-list.js';
import { OUTPUT_LOCALE } from './locale.js';
import { inline, mention, table } from './markdown.js';
import { renderMarker, type Marker } from './markers.js';
import { PLATFORMS } from './platforms.js';
import type { CheckResult, Finding, Inventory, PlatformId } from './types.js';
import type { QuarterDiff } from './quarter-diff.js';
import { previousQuarter } from './quarter.js';

export function noteText(body: string, marker: Marker): string {
  return `${body.trimEnd()}\n\n${renderMarker(marker)}`;
}

export function formatUtc(date: Date): string {
  return DateTime.fromJSDate(date, { zone: 'utc' }).toFormat("yyyy-LL-dd HH:mm 'UTC'", { locale: OUTPUT_LOCALE });
}

/**
 * `3 days`, `1 day and 12 hours`: luxon's `toHuman({ listStyle: 'long' })` in English, written
 * out for whole numbers of each unit, as every ladder and age is, because luxon's builds an
 * Intl.NumberFormat per unit and an Intl.ListFormat (about 9 ms at the start of every run).
 */
export function humanDuration(iso: string): string {
  const duration = Duration.fromISO(iso, { locale: OUTPUT_LOCALE });
  if (!duration.isValid) return iso;
  const rescaled = duration.rescale();
  const counts = Object.entries(rescaled.toObject()).map(([unit, count]) => [unit.slice(0, -1), count] as const);
  if (counts.length === 0 || counts.some(([, count]) => !Number.isSafeInteger(count) || count < 0)) return rescaled.toHuman({ listStyle: 'long' });
  const parts = counts.map(([unit, count]) => `${count} ${unit}${count === 1 ? '' : 's'}`);
  return parts.length <= 2 ? parts.join(' and ') : `${parts.slice(0, -1).join(', ')}, and ${parts.at(-1)}`;
}

/** A username in running text that must not notify (results tables, summaries). */
function quietName(username: string | null): string {
  return username ? `\`${username.replace(/`/g, '')}\`` : '_nobody in the roster_';
}

function describeReads(result: CheckResult): string {
  const parts = Object.entries(result.stats.itemsRead).map(([collection, count]) => `${count} ${collection.replace(/_/g, ' ')}`);
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
}

export function renderResultsNote(input: ResultsNoteInput): string {
  const name = PLATFORMS[input.result.platform].displayName;
  const lines: string[] = [];
  lines.push(`### ${name} access audit ${input.quarter}: ${input.followUp ? 'new findings' : 'results'}`, '');
  lines.push(`The audit ran on ${formatUtc(input.now)} and ${describeReads(input.result)}.`);
  for (const warning of input.result.warnings ?? []) lines.push('', `> **Warning:** ${inline(warning, 600)}`);
  if (input.findings.length === 0) {
    lines.push('', `**No findings.** Every ${name} account checked matches the roster.`);
  } else {
    const count = input.findings.length;
    lines.push(`**${count} finding${count === 1 ? '' : 's'}** need${count === 1 ? 's' : ''} action; each responsible person is pinged below.`, '');
    lines.push(
      table(
        ['Item', 'Account', 'Finding', 'Responsible'],
        input.findings.map((finding) => [
          `**${input.ids.get(finding.fingerprint) ?? '?'}**`,
          inline(finding.subject),
          inline(finding.detail, 400),
          quietName(finding.owner),
        ]),
      ),
    );
  }
  if (!input.followUp) for (const inventory of input.result.inventories ?? []) lines.push('', ...renderInventory(inventory));
  if (input.diff !== undefined && !input.followUp) lines.push('', ...renderQuarterDiff(input.diff, input.ids, input.result.platform, input.quarter));
  if (input.accepted.length > 0 && !input.followUp) {
    lines.push('', `<details><summary>${input.accepted.length} accepted exception(s) from the allow-list</summary>`, '');
    lines.push(
      table(
        ['Account', 'Finding', 'Reason', 'Expires'],
        input.accepted.map(({ finding, exception }) => [inline(finding.subject), inline(finding.detail, 400), inline(exception.reason), inline(exception.expires)]),
      ),
    );
    lines.push('', '</details>');
  }
  return lines.join('\n');
}

/** A checker's inventory (e.g. API tokens) as a table; every cell is platform text, escaped. */
function renderInventory(inventory: Inventory): string[] {
  const lines = [`#### ${inline(inventory.title)} (${inventory.rows.length})`, ''];
  if (inventory.rows.length === 0) return [...lines, `_${inline(inventory.empty ?? 'Nothing to list.', 400)}_`];
  return [...lines, table(inventory.headers.map((header) => inline(header)), inventory.rows.map((row) => row.map((cell) => inline(cell, 120))))];
}

export interface PingNoteInput {
  platform: PlatformId;
  quarter: string;
  owner: string | null;
  supportOpsManagers: string[];
  findings: Finding[];
  ids: Map<string, string>;
  secondPingAfter: string;
}

export function renderPingNote(input: PingNoteInput): string {
  const name = PLATFORMS[input.platform].displayName;
  const count = input.findings.length;
  const items = `${count} item${count === 1 ? '' : 's'}`;
  const lines: string[] = [];
  if (input.owner) {
    lines.push(`${mention(input.owner)}, the ${name} access audit for ${input.quarter} needs you on ${items}:`);
  } else {
    const managers = input.supportOpsManagers.map(mention).join(' ');
    lines.push(`${managers}, nobody in the roster owns ${count === 1 ? 'this' : 'these'} ${count === 1 ? '' : `${count} `}${name} item${count === 1 ? '' : 's'}; please decide for each:`);
  }
  lines.push('');
  for (const finding of input.findings) {
    lines.push(`- **${input.ids.get(finding.fingerprint) ?? '?'}** · ${inline(finding.subject)} · ${inline(finding.detail, 400)}`);
  }
  const example = input.ids.get(input.findings[0]?.fingerprint ?? '') ?? 'PD-1';
  lines.push(
    '',
    `Fix each item in ${name}, or say why it is intended, by replying in this issue, e.g. \`${example} fixed\`, ` +
      `\`${example} intentional: <reason>\`, or \`all fixed\`. Fixed items are re-checked on the next nightly run; ` +
      `without an answer you will be reminded in ${humanDuration(input.secondPingAfter)}.`,
  );
  return lines.join('\n');
}

function renderQuarterDiff(diff: QuarterDiff | null, ids: Map<string, string>, platform: PlatformId, quarter: string): string[] {
  if (!diff) return [`_No ${PLATFORMS[platform].displayName} audit issue for ${previousQuarter(quarter)} was found: there is no quarter-over-quarter comparison._`];
  const idList = (fingerprints: string[]) => fingerprints.map((fingerprint) => `**${ids.get(fingerprint) ?? '?'}**`).join(', ') || 'none';
  const lines = [
    `#### Since last quarter (${diff.previousQuarter}, #${diff.previousIssue})`,
    '',
    `- **New** (${diff.new.length}): ${idList(diff.new.map((finding) => finding.fingerprint))}`,
    `- **Still present** (${diff.stillPresent.length}): ${
      diff.stillPresent
        .map(({ finding, before }) => {
          const then = before.addressed ? `${before.addressed.how}${before.addressed.by ? ` per \`${before.addressed.by}\`` : ''}` : 'unanswered';
          return `**${ids.get(finding.fingerprint) ?? '?'}** (was ${before.id}: ${then})`;
        })
        .join(', ') || 'none'
    }`,
    `- **Resolved since** (${diff.resolved.length}): ${diff.resolved.map((item) => `${item.id} ${inline(item.subject, 80)}`).join('; ') || 'none'}`,
  ];
  return lines;
}
