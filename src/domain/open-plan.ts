import type { AcceptedFinding } from './allow-list.js';
import { assignedItemIds, resultsBatches, unfinishedBatch, type BotNote } from './bot-notes.js';
import { compareCodeUnits, compareNames } from './locale.js';
import { markerJson, type Marker } from './markers.js';
import { NOTE_BUDGET, utf8Length } from './note-size.js';
import { PLATFORMS } from './platforms.js';
import { noteText, renderPingNote, renderResultsNote, resultsTableRow } from './render.js';
import type { CheckResult, Finding } from './types.js';
import type { ItemRecord, PlannedNote, QuarterDiff } from './audit-types.js';
import { everyoneReachable, routeUp, uniqueUnreachable, type ReachOf, type Unreachable } from './reach.js';

export type { ItemRecord, PlannedNote } from './audit-types.js';

export interface OpenPlanInput {
  result: CheckResult;
  accepted: AcceptedFinding[];
  /** Findings after the allow-list. */
  findings: Finding[];
  quarter: string;
  existing: BotNote[];
  supportOpsManagers: string[];
  secondPingAfter: string;
  now: Date;
  /** Last quarter's comparison: null when there was no issue last quarter, absent when not looked up. */
  diff?: QuarterDiff | null;
  /** The manager (roster reports_to) of a GitLab username: where a ping goes when its owner cannot see the issue. */
  managerOf?: (username: string) => string | null;
  /** Who cannot be reached by a mention in this issue (default: everyone can). */
  reach?: ReachOf;
}

/**
 * What `open` must post so the issue lists every finding once and pings every responsible
 * person once: a pure function of the check result and the bot's notes already in the issue.
 * Re-running it after any subset of its notes were posted plans exactly the missing ones.
 */
export function planOpen(input: OpenPlanInput): PlannedNote[] {
  const platform = input.result.platform;
  const ids = assignedItemIds(input.existing);
  const listed = new Set(ids.keys());
  const pinged = new Set(
    input.existing.filter(({ marker }) => marker.step === 'ping1').flatMap(({ marker }) => marker.findings ?? []),
  );
  const hasResults = input.existing.some(({ marker }) => marker.step === 'results');
  // A run that stopped between two parts of its results: this one posts the rest as its later parts.
  const unfinished = unfinishedBatch(input.existing);

  const sorted = [...input.findings].sort((a, b) => compareCodeUnits(a.fingerprint, b.fingerprint));
  const unlisted = sorted.filter((finding) => !listed.has(finding.fingerprint));
  let next = 1 + Math.max(0, ...[...ids.values()].map((id) => Number(id.split('-').pop()) || 0));
  for (const finding of unlisted) ids.set(finding.fingerprint, `${PLATFORMS[platform].itemPrefix}-${next++}`);

  // Each owner's findings go to them, or up the roster's chain to the first person who can see the issue.
  const reach = input.reach ?? everyoneReachable;
  const routeOf = (finding: Finding) =>
    finding.owner === null ? { to: null, skipped: [] } : routeUp(finding.owner, input.managerOf ?? (() => null), reach);
  const planned: PlannedNote[] = [];
  if (unfinished ? unlisted.length > 0 : !hasResults || unlisted.length > 0) {
    const batches = resultsBatches(input.existing);
    const unreachable = uniqueUnreachable(unlisted.flatMap((finding) => routeOf(finding).skipped));
    planned.push(
      ...resultsParts({ ...input, unreachable }, unlisted, ids, {
        batch: unfinished?.batch ?? 1 + Math.max(0, ...batches.map((batch) => batch.batch)),
        firstPart: unfinished ? unfinished.parts.at(-1)! + 1 : 1,
        followUp: unfinished ? batches.length > 1 : hasResults,
      }),
    );
  }

  const byResponsible = new Map<string, { findings: Finding[]; skipped: Unreachable[] }>();
  for (const finding of sorted) {
    if (pinged.has(finding.fingerprint)) continue;
    const route = routeOf(finding);
    const key = route.to ?? '';
    const group = byResponsible.get(key) ?? { findings: [], skipped: [] };
    group.findings.push(finding);
    group.skipped.push(...route.skipped);
    byResponsible.set(key, group);
  }
  const owners = [...byResponsible.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : compareNames(a, b)));
  // Someone with more items than one ping's marker holds gets several pings (see pingChunks).
  for (const owner of owners)
    for (const findings of pingChunks(byResponsible.get(owner)!.findings)) {
      const skipped = uniqueUnreachable(byResponsible.get(owner)!.skipped);
      const marker: Marker = {
        v: 1,
        step: 'ping1',
        platform,
        quarter: input.quarter,
        owner: owner || null,
        findings: findings.map((f) => f.fingerprint),
        ...(skipped.length > 0 ? { unreachable: skipped.map(({ username, reason }) => ({ username, reason })) } : {}),
        // The second ping is timed from this run's clock, not from when GitLab dates the note.
        at: input.now.toISOString(),
      };
      planned.push({
        marker,
        body: renderPingNote({
          platform,
          quarter: input.quarter,
          owner: owner || null,
          supportOpsManagers: input.supportOpsManagers,
          findings,
          ids,
          secondPingAfter: input.secondPingAfter,
          skipped,
          reach,
        }),
      });
    }
  return planned;
}

const MAX_RECORDED_TEXT = 500;

/**
 * A run's results as notes under NOTE_BUDGET (GitLab caps a note at 1,000,000 characters): the
 * findings, sorted, cut greedily into parts. Part 1 has the run's summary, its first rows and
 * the listings besides; each later part only rows. A part's marker lists its findings with
 * everything later runs need of them, written compactly (see `resultsEntries`).
 * The cut depends only on the findings from a part on, so a run that stopped after part j
 * and is run again cuts the rest into the same parts j+1, j+2, … (`firstPart`).
 */
function resultsParts(
  input: OpenPlanInput & { unreachable?: readonly Unreachable[] },
  findings: Finding[],
  ids: Map<string, string>,
  where: { batch: number; firstPart: number; followUp: boolean },
): PlannedNote[] {
  const render = (part: Finding[], index: number, of: number): PlannedNote => ({
    marker: resultsMarker(input, part, ids, { batch: where.batch, part: index, parts: of }),
    body: renderResultsNote({
      ...input,
      findings: part,
      ids,
      followUp: where.followUp,
      part: { index, of },
      total: findings.length,
    }),
  });
  const size = (note: PlannedNote) => utf8Length(noteText(note.body, note.marker));
  // What a part costs besides its rows, with room for part numbers and the ids a later part names.
  const overhead = (index: number) => size(render([], index, 99)) + 400;
  const parts: Finding[][] = [];
  let current: Finding[] = [];
  let used = overhead(where.firstPart);
  let seen = new Set<string>();
  for (const finding of findings) {
    let cost = rowCost(finding, ids, seen);
    if (current.length > 0 && used + cost > NOTE_BUDGET) {
      parts.push(current);
      current = [];
      seen = new Set();
      used = overhead(where.firstPart + parts.length);
      cost = rowCost(finding, ids, seen);
    }
    current.push(finding);
    used += cost;
    seen.add(`k${finding.kind}`).add(`o${finding.owner}`);
  }
  parts.push(current);
  const of = where.firstPart + parts.length - 1;
  return parts.map((part, index) => {
    const note = render(part, where.firstPart + index, of);
    // Never expected (the cut counts every byte): a bug, better stopped here than refused by GitLab.
    if (size(note) > NOTE_BUDGET)
      throw new Error(
        `results part ${where.firstPart + index} would take ${size(note)} bytes, over the ${NOTE_BUDGET} a note may`,
      );
    return note;
  });
}

/** What a finding adds to a results part: its table row and its entries in the marker. */
function rowCost(finding: Finding, ids: Map<string, string>, seen: Set<string>): number {
  const record = itemRecord(finding);
  const row = [
    Number(ids.get(finding.fingerprint)?.split('-').pop()),
    0,
    finding.owner === null ? null : 0,
    record.subject,
    record.detail,
  ];
  let cost =
    utf8Length(resultsTableRow(finding, ids)) +
    1 +
    utf8Length(markerJson(finding.fingerprint)) +
    1 +
    utf8Length(markerJson(row)) +
    1;
  if (!seen.has(`k${finding.kind}`)) cost += utf8Length(markerJson(finding.kind)) + 1;
  if (!seen.has(`o${finding.owner}`) && finding.owner !== null) cost += utf8Length(markerJson(finding.owner)) + 1;
  return cost;
}

/**
 * A results part's marker: `findings` in order, `rows` in the same order, each
 * [id number, index in `kinds`, index in `owners` or null, subject, detail] (`resultsEntries` reads it).
 */
function resultsMarker(
  input: OpenPlanInput,
  findings: Finding[],
  ids: Map<string, string>,
  place: { batch: number; part: number; parts: number },
): Marker {
  const kinds: string[] = [];
  const owners: string[] = [];
  const indexOf = (list: string[], value: string) =>
    list.includes(value) ? list.indexOf(value) : list.push(value) - 1;
  const rows = findings.map((finding) => {
    const record = itemRecord(finding);
    return [
      Number(ids.get(finding.fingerprint)!.split('-').pop()),
      indexOf(kinds, record.kind),
      record.owner === null ? null : indexOf(owners, record.owner),
      record.subject,
      record.detail,
    ];
  });
  return {
    v: 1,
    step: 'results',
    platform: input.result.platform,
    quarter: input.quarter,
    ...place,
    findings: findings.map((finding) => finding.fingerprint),
    prefix: PLATFORMS[input.result.platform].itemPrefix,
    kinds,
    owners,
    rows,
  };
}

/** What a ping's marker may spend on fingerprints, in UTF-8 bytes: about 10,000 items. */
const PING_MARKER_BUDGET = NOTE_BUDGET / 2;

/**
 * A person's items cut so that each ping's marker stays under PING_MARKER_BUDGET: one ping for
 * anyone with fewer than about 10,000 items (its text lists them, or names their ids when they are
 * too many to describe: see `itemsOrSummary`), several beyond.
 */
function pingChunks(findings: Finding[]): Finding[][] {
  const chunks: Finding[][] = [[]];
  let used = 0;
  for (const finding of findings) {
    const cost = utf8Length(markerJson(finding.fingerprint)) + 1;
    if (chunks.at(-1)!.length > 0 && used + cost > PING_MARKER_BUDGET) {
      chunks.push([]);
      used = 0;
    }
    chunks.at(-1)!.push(finding);
    used += cost;
  }
  return chunks;
}

function itemRecord(finding: Finding): ItemRecord {
  const cut = (text: string) => (text.length > MAX_RECORDED_TEXT ? `${text.slice(0, MAX_RECORDED_TEXT)}…` : text);
  return { kind: finding.kind, owner: finding.owner, subject: cut(finding.subject), detail: cut(finding.detail) };
}
