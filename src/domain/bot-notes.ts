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
 * Why an issue holds no results note from the bot: `open` stopped before posting it (no note of
 * the bot's for the platform at all), it was deleted (the bot's later notes are there), or the
 * notes with the bot's markers are another user's (the bot's token now belongs to someone else).
 */
export type MissingResults = { cause: 'never-posted' | 'deleted' } | { cause: 'other-author'; author: string };

export function missingResults(notes: TrackedNote[], botUsername: string, platform: string): MissingResults {
  for (const note of notes) {
    if (note.system || note.author === botUsername) continue;
    if (parseMarkers(note.body).some((marker) => marker.platform === platform && marker.step === 'results')) return { cause: 'other-author', author: note.author };
  }
  return { cause: botNotes(notes, botUsername, platform).length > 0 ? 'deleted' : 'never-posted' };
}
