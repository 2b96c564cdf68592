import type { TrackedNote } from '../gitlab/tracker.js';
import { parseMarkers, type Marker } from './markers.js';

export interface BotNote {
  noteId: number;
  createdAt: string;
  marker: Marker;
}

/**
 * The bot's own state, read back from the issue: markers in notes written by the bot user.
 * A marker in anyone else's note is ignored, so nobody can forge state by pasting one.
 */
export function botNotes(notes: TrackedNote[], botUsername: string, platform: string): BotNote[] {
  const result: BotNote[] = [];
  for (const note of notes) {
    if (note.system || note.author !== botUsername) continue;
    for (const marker of parseMarkers(note.body)) {
      if (marker.platform === platform) result.push({ noteId: note.id, createdAt: note.createdAt, marker });
    }
  }
  return result;
}

/** Short item ids (PD-3) already given out in this issue, by fingerprint. */
export function assignedItemIds(notes: BotNote[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const { marker } of notes) {
    const given = marker.ids;
    if (marker.step !== 'results' || !given || typeof given !== 'object') continue;
    for (const [fingerprint, id] of Object.entries(given as Record<string, unknown>)) {
      if (typeof id === 'string' && !ids.has(fingerprint)) ids.set(fingerprint, id);
    }
  }
  return ids;
}

/**
 * What is wrong with the bot's record in an issue, if anything:
 * - `never-posted`: no results note, and no note of anyone carries a marker for the platform:
 *   `open` stopped before posting it, and may post it;
 * - `deleted`: the bot's notes name findings that no results note of the bot lists (a results
 *   note was deleted): listing them again would number them afresh while replies name the old ids;
 * - `other-author`: the bot has no note for the platform, but someone else's notes carry its
 *   markers: the bot's token now belongs to another user (`ghost` when GitLab deleted that user).
 * A marker someone pastes into a comment can only turn `never-posted` into a refusal, the safe side.
 */
export type DamagedRecord = { cause: 'never-posted' | 'deleted' } | { cause: 'other-author'; author: string };

export function damagedRecord(notes: TrackedNote[], botUsername: string, platform: string): DamagedRecord | undefined {
  const own = botNotes(notes, botUsername, platform);
  const listed = new Set(own.flatMap(({ marker }) => (marker.step === 'results' ? (marker.findings ?? []) : [])));
  if (own.some(({ marker }) => marker.step !== 'results' && (marker.findings ?? []).some((finding) => !listed.has(finding)))) return { cause: 'deleted' };
  if (own.some(({ marker }) => marker.step === 'results')) return undefined;
  if (own.length > 0) return { cause: 'deleted' };
  const foreign = notes.find((note) => !note.system && note.author !== botUsername && parseMarkers(note.body).some((marker) => marker.platform === platform));
  return foreign ? { cause: 'other-author', author: foreign.author } : { cause: 'never-posted' };
}
