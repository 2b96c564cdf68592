import type { TrackedNote, Tracker } from '../gitlab/tracker.js';

/**
 * The tracker, with every note it creates kept as GitLab returned it. GitLab dates a note when it
 * is created, which on a long run is later than the run's start: the board's "next step" dates
 * are made from these, so the next run renders the same board and has nothing to change.
 */
export function recordingNotes(tracker: Tracker): { tracker: Tracker; notes: TrackedNote[] } {
  const notes: TrackedNote[] = [];
  const recording = Object.create(tracker) as Tracker;
  recording.createNote = async (iid: number, body: string) => {
    const note = await tracker.createNote(iid, body);
    notes.push(note);
    return note;
  };
  return { tracker: recording, notes };
}
