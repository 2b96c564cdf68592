import type { AcceptedFinding } from './allow-list.js';
import { assignedItemIds, type BotNote } from './bot-notes.js';
import { compareCodeUnits, compareNames } from './locale.js';
import type { Marker } from './markers.js';
import { PLATFORMS } from './platforms.js';
import { renderPingNote, renderResultsNote } from './render.js';
import type { CheckResult, Finding } from './types.js';
import type { QuarterDiff } from './quarter-diff.js';

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
}

export interface PlannedNote {
  marker: Marker;
  body: string;
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
  const pinged = new Set(input.existing.filter(({ marker }) => marker.step === 'ping1').flatMap(({ marker }) => marker.findings ?? []));
  const hasResults = input.existing.some(({ marker }) => marker.step === 'results');

  const sorted = [...input.findings].sort((a, b) => compareCodeUnits(a.fingerprint, b.fingerprint));
  const unlisted = sorted.filter((finding) => !listed.has(finding.fingerprint));
  let next = 1 + Math.max(0, ...[...ids.values()].map((id) => Number(id.split('-').pop()) || 0));
  const newIds: Record<string, string> = {};
  for (const finding of unlisted) {
    newIds[finding.fingerprint] = `${PLATFORMS[platform].itemPrefix}-${next++}`;
    ids.set(finding.fingerprint, newIds[finding.fingerprint]);
  }

  const planned: PlannedNote[] = [];
  if (!hasResults || unlisted.length > 0) {
    const marker: Marker = {
      v: 1,
      step: 'results',
      platform,
      quarter: input.quarter,
      findings: unlisted.map((f) => f.fingerprint),
      ids: newIds,
      items: Object.fromEntries(unlisted.map((f) => [f.fingerprint, itemRecord(f)])),
    };
    const body = renderResultsNote({ ...input, findings: unlisted, ids, followUp: hasResults });
    planned.push({ marker, body });
  }

  const byResponsible = new Map<string, Finding[]>();
  for (const finding of sorted) {
    if (pinged.has(finding.fingerprint)) continue;
    const key = finding.owner ?? '';
    byResponsible.set(key, [...(byResponsible.get(key) ?? []), finding]);
  }
  const owners = [...byResponsible.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : compareNames(a, b)));
  for (const owner of owners) {
    const findings = byResponsible.get(owner)!;
    const marker: Marker = {
      v: 1,
      step: 'ping1',
      platform,
      quarter: input.quarter,
      owner: owner || null,
      findings: findings.map((f) => f.fingerprint),
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
      }),
    });
  }
  return planned;
}

/** What later runs need to know of a finding without asking the platform again (bounded: platform text can be huge). */
export interface ItemRecord {
  kind: string;
  owner: string | null;
  subject: string;
  detail: string;
}

const MAX_RECORDED_TEXT = 500;

function itemRecord(finding: Finding): ItemRecord {
  const cut = (text: string) => (text.length > MAX_RECORDED_TEXT ? `${text.slice(0, MAX_RECORDED_TEXT)}…` : text);
  return { kind: finding.kind, owner: finding.owner, subject: cut(finding.subject), detail: cut(finding.detail) };
}
