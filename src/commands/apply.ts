import type { Logger } from '../log.js';
import type { TrackedIssue, Tracker } from '../gitlab/tracker.js';
import { botNotes } from '../domain/bot-notes.js';
import type { Marker } from '../domain/markers.js';
import type { PlannedNote } from '../domain/open-plan.js';
import { noteText } from '../domain/render.js';
import { identityLabels, issueDescription, issueTitle } from '../domain/issue.js';
import type { PlatformId } from '../domain/types.js';

export interface EnsureIssueInput {
  platform: PlatformId;
  quarter: string;
  template: string;
  labels: string[];
  confidential: boolean;
}

/**
 * Find-or-create the quarter's audit issue. A create whose answer was lost (timeout, 5xx after
 * the server acted) is followed by a second look before failing, so a retry never makes two.
 */
export async function ensureIssue(tracker: Tracker, input: EnsureIssueInput, logger: Logger): Promise<{ issue: TrackedIssue; created: boolean }> {
  const identity = identityLabels(input.platform, input.quarter);
  const existing = await tracker.findIssues(identity, 'all');
  if (existing.length > 0) {
    if (existing.length > 1) logger.warn({ iids: existing.map((issue) => issue.iid) }, 'several audit issues carry the same labels; using the oldest');
    return { issue: existing[0], created: false };
  }
  const newIssue = {
    title: issueTitle(input.platform, input.quarter),
    description: issueDescription(input.template, input.platform, input.quarter),
    labels: [...new Set([...input.labels, ...identity])],
    confidential: input.confidential,
  };
  try {
    return { issue: await tracker.createIssue(newIssue), created: true };
  } catch (error) {
    const after = await tracker.findIssues(identity, 'all').catch(() => []);
    if (after.length > 0) return { issue: after[0], created: true };
    throw error;
  }
}

/** Identifies a note's purpose: two notes with the same key are the same note. */
export function markerKey(marker: Marker): string {
  return JSON.stringify([marker.platform, marker.quarter, marker.step, marker.owner ?? null, [...(marker.findings ?? [])].sort()]);
}

/**
 * Posts planned notes in order. If a post fails without a clear "not done" (the retry layer
 * already retried what is safe), the notes are read again: a note that did land counts as posted.
 */
export async function postNotes(tracker: Tracker, iid: number, planned: PlannedNote[], platform: PlatformId): Promise<number> {
  let posted = 0;
  for (const note of planned) {
    try {
      await tracker.createNote(iid, noteText(note.body, note.marker));
    } catch (error) {
      const bot = await tracker.currentUsername();
      const landed = botNotes(await tracker.listNotes(iid), bot, platform).some(({ marker }) => markerKey(marker) === markerKey(note.marker));
      if (!landed) throw error;
    }
    posted += 1;
  }
  return posted;
}
