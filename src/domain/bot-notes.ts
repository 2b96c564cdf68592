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
