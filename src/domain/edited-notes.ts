import type { TrackedNote } from '../gitlab/tracker.js';
import type { PlannedNote } from './audit-types.js';
import { unreportedEdits } from './bot-notes.js';
import type { PlatformId } from './types.js';

/**
 * The note that tells the issue, once, that someone edited notes of the bot's (GitLab lets a
 * Maintainer edit anyone's note): what it changed is not the bot's record. Its marker names the
 * notes, so a later run (or a re-run of a killed one) does not say it again. None when there is
 * nothing new to say.
 */
export function editedNotesNotice(
  notes: TrackedNote[],
  bot: string,
  platform: PlatformId,
  quarter: string,
): PlannedNote[] {
  const edited = unreportedEdits(notes, bot, platform);
  if (edited.length === 0) return [];
  const one = edited.length === 1;
  const named = edited.map((id) => `[note ${id}](#note_${id})`).join(', ');
  const body =
    `**${one ? 'A note' : 'Notes'} of the bot's in this issue ${one ? 'was' : 'were'} edited by someone else:** ` +
    `${named}. ` +
    'The bot never edits its notes, so it goes by what it wrote and ignores the change. ' +
    'To answer or correct something, reply in a new comment.';
  return [{ body, marker: { v: 1, step: 'edited', platform, quarter, notes: edited } }];
}
