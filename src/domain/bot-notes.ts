import type { TrackedNote } from '../gitlab/tracker.js';
import { parseMarkers, readMarkers, type Marker, type ReadMarker } from './markers.js';
import type { ItemRecord } from './audit-types.js';
import { textOf } from './text.js';

export interface BotNote {
  noteId: number;
  createdAt: string;
  marker: Marker;
}

/**
 * The bot's own state, read back from the issue: markers in notes written by the bot user whose
 * seal verifies (markers.ts). A marker in anyone else's note is ignored, so nobody can forge state
 * by pasting one; nor can someone who edits a bot note (a Maintainer can): see `readBotRecord`.
 */
export function botNotes(notes: TrackedNote[], botUsername: string, platform: string): BotNote[] {
  return readBotRecord(notes, botUsername).trusted.filter(({ marker }) => marker.platform === platform);
}

/** The bot's notes as read: the markers that are its record, and how the others failed. */
interface BotRecord {
  trusted: BotNote[];
  /** Bot notes someone else changed: a marker in them is not the bot's (by note id, oldest first). */
  edited: { noteId: number; markers: ReadMarker[] }[];
  /** Whether any marker's seal verified. */
  sealed: boolean;
}

/**
 * Which of the bot's markers are its record. The bot never edits its notes, so a marker counts only
 * as it was posted:
 * - a sealed marker whose seal verifies over its JSON and its note's visible text: trusted;
 * - a sealed marker whose seal does not (added by hand, or its note's text changed): not;
 * - an unsealed marker (notes from before seals): trusted only in a note older than the bot's first
 *   note with a verified seal. From that note on the bot seals everything, so a seal stripped off,
 *   or a marker added without one, counts for nothing. (Before the first sealed note, unsealed
 *   markers are trusted as they always were: there is nothing yet to tell an edit by.)
 * A note with a marker that is not trusted is `edited`.
 */
export function readBotRecord(notes: TrackedNote[], botUsername: string): BotRecord {
  const own = notes
    .filter((note) => !note.system && note.author === botUsername)
    .map((note) => ({ note, markers: readMarkers(note.body) }));
  const firstSealed = Math.min(
    ...own.filter(({ markers }) => markers.some((read) => read.seal === 'valid')).map(({ note }) => note.id),
  );
  const trusted: BotNote[] = [];
  const edited: BotRecord['edited'] = [];
  for (const { note, markers } of own) {
    let changed = false;
    for (const read of markers) {
      if (read.seal === 'valid' || (read.seal === 'unsealed' && note.id < firstSealed))
        trusted.push({ noteId: note.id, createdAt: note.createdAt, marker: read.marker });
      else changed = true;
    }
    if (changed) edited.push({ noteId: note.id, markers });
  }
  return { trusted, edited, sealed: Number.isFinite(firstSealed) };
}

/**
 * The bot's notes of `platform` that someone else edited and that no `edited` note of the bot's
 * reported yet (ids, ascending): the next run says so in the issue, once.
 */
export function unreportedEdits(notes: TrackedNote[], botUsername: string, platform: string): number[] {
  const record = readBotRecord(notes, botUsername);
  const reported = new Set(
    record.trusted
      .filter(({ marker }) => marker.step === 'edited' && marker.platform === platform)
      .flatMap(({ marker }) => (Array.isArray(marker.notes) ? (marker.notes as unknown[]) : [])),
  );
  const ofPlatform = (markers: ReadMarker[]) =>
    markers.some((read) => !read.marker || read.marker.platform === platform);
  return record.edited
    .filter(({ noteId, markers }) => !reported.has(noteId) && ofPlatform(markers))
    .map(({ noteId }) => noteId);
}

/** One finding a results note lists: its item id and what later runs know of it. */
export interface ListedEntry {
  fingerprint: string;
  id: string;
  record: Partial<ItemRecord>;
}

/**
 * The findings a results marker lists, in either of its two forms:
 * - one results note per run (until 2026): `findings`, `ids` {fingerprint: 'PD-3'} and `items`
 *   {fingerprint: {kind, owner, subject, detail}};
 * - results in parts (`part` of `parts`, in `batch`): `findings`, and `rows` in the same order,
 *   each `[id number, kind index, owner index or null, subject, detail]`, with `prefix` ('PD'),
 *   `kinds` and `owners` written once per note.
 * A finding without a readable id is left out (its id cannot be known).
 */
export function resultsEntries(marker: Marker): ListedEntry[] {
  if (marker.step !== 'results') return [];
  const findings = marker.findings ?? [];
  const entries: ListedEntry[] = [];
  if (Array.isArray(marker.rows)) {
    const kinds = Array.isArray(marker.kinds) ? (marker.kinds as unknown[]) : [];
    const owners = Array.isArray(marker.owners) ? (marker.owners as unknown[]) : [];
    const prefix = typeof marker.prefix === 'string' ? marker.prefix : '';
    for (const [index, fingerprint] of findings.entries()) {
      const row = (marker.rows as unknown[])[index];
      if (!Array.isArray(row) || !Number.isSafeInteger(row[0]) || !prefix) continue;
      const [number, kind, owner, subject, detail] = row as unknown[];
      const ownerName = typeof owner === 'number' ? owners[owner] : undefined;
      entries.push({
        fingerprint,
        id: `${prefix}-${number as number}`,
        record: {
          kind: typeof kind === 'number' ? textOf(kinds[kind]) : '',
          owner: typeof ownerName === 'string' ? ownerName : null,
          subject: textOf(subject),
          detail: textOf(detail),
        },
      });
    }
    return entries;
  }
  const ids = marker.ids && typeof marker.ids === 'object' ? (marker.ids as Record<string, unknown>) : {};
  const items =
    marker.items && typeof marker.items === 'object'
      ? (marker.items as Record<string, Partial<ItemRecord> | undefined>)
      : {};
  for (const fingerprint of findings) {
    const id = ids[fingerprint];
    if (typeof id === 'string') entries.push({ fingerprint, id, record: items[fingerprint] ?? {} });
  }
  return entries;
}

/** Short item ids (PD-3) already given out in this issue, by fingerprint. */
export function assignedItemIds(notes: BotNote[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const { marker } of notes) {
    for (const { fingerprint, id } of resultsEntries(marker)) if (!ids.has(fingerprint)) ids.set(fingerprint, id);
  }
  return ids;
}

/** Results notes of one run: its `batch` number, the parts posted, and how many it was cut into. */
export interface ResultsBatch {
  batch: number;
  /** Part numbers posted, ascending. */
  parts: number[];
  /** How many parts the last part posted says the batch has. */
  of: number;
}

/**
 * The results batches of an issue, oldest first. A results note from before parts is a batch of
 * one part. Parts are posted in order, so a batch whose highest part is not its last is
 * unfinished: `open` stopped between two parts.
 */
export function resultsBatches(notes: BotNote[]): ResultsBatch[] {
  const batches: ResultsBatch[] = [];
  for (const { marker } of notes) {
    if (marker.step !== 'results') continue;
    const part = Number.isSafeInteger(marker.part) ? (marker.part as number) : 1;
    const of = Number.isSafeInteger(marker.parts) ? (marker.parts as number) : 1;
    const number = Number.isSafeInteger(marker.batch) ? (marker.batch as number) : batches.length + 1;
    const known = Number.isSafeInteger(marker.batch) ? batches.find((batch) => batch.batch === number) : undefined;
    if (!known) batches.push({ batch: number, parts: [part], of });
    else if (!known.parts.includes(part)) {
      known.parts = [...known.parts, part].sort((a, b) => a - b);
      if (part === known.parts.at(-1)) known.of = of;
    }
  }
  return batches;
}

/** The latest batch, when `open` stopped before posting all its parts. */
export function unfinishedBatch(notes: BotNote[]): ResultsBatch | undefined {
  const last = resultsBatches(notes).at(-1);
  return last && last.parts.at(-1)! < last.of ? last : undefined;
}

/**
 * Whether results notes are missing that were posted once: a gap in a batch's parts or in the item
 * ids, or an earlier batch left unfinished.
 */
function resultsPartDeleted(notes: BotNote[]): boolean {
  const batches = resultsBatches(notes);
  for (const [index, batch] of batches.entries()) {
    if (batch.parts.some((part, at) => part !== at + 1)) return true;
    if (index < batches.length - 1 && batch.parts.at(-1)! < batch.of) return true;
  }
  // Item ids are given out 1, 2, 3, … across the results notes: a gap is a deleted note's.
  const numbers = new Set([...assignedItemIds(notes).values()].map((id) => Number(id.split('-').pop())));
  const highest = Math.max(0, ...numbers);
  return numbers.size > 0 && [...numbers].every(Number.isSafeInteger) && numbers.size < highest;
}

/**
 * What is wrong with the bot's record in an issue, if anything:
 * - `never-posted`: no results note, and no note of anyone carries a marker for the platform:
 *   `open` stopped before posting it, and may post it;
 * - `deleted`: the bot's notes name findings that no results note of the bot lists, or its results
 *   notes miss a part or an item id given out (a results note, or one part of one, was deleted):
 *   listing them again would number them afresh while replies name the old ids;
 * - `other-author`: the bot has no note for the platform, but someone else's notes carry its
 *   markers: the bot's token now belongs to another user (`ghost` when GitLab deleted that user).
 * A marker someone pastes into a comment can only turn `never-posted` into a refusal, the safe side.
 */
export type DamagedRecord =
  | { cause: 'never-posted' | 'deleted' | 'unverified' }
  | { cause: 'other-author'; author: string }
  | { cause: 'edited'; noteId: number };

export function damagedRecord(notes: TrackedNote[], botUsername: string, platform: string): DamagedRecord | undefined {
  const record = readBotRecord(notes, botUsername);
  const own = record.trusted.filter(({ marker }) => marker.platform === platform);
  // Sealed notes of the bot's, and not one seal verifies: the key changed (GITLAB_TOKEN rotated
  // while AUDIT_SEAL_KEY was unset). Nothing of the record can be trusted, nor listed afresh.
  if (
    !record.sealed &&
    record.edited.some(({ markers }) =>
      markers.some((read) => read.seal === 'forged' && read.marker?.platform === platform),
    )
  )
    return { cause: 'unverified' };
  // A results note whose marker no longer verifies: someone edited it.
  const editedResults = record.edited.find(({ markers }) =>
    markers.some(
      (read) => read.seal !== 'valid' && read.marker?.platform === platform && read.marker.step === 'results',
    ),
  );
  const lost = (): DamagedRecord =>
    editedResults ? { cause: 'edited', noteId: editedResults.noteId } : { cause: 'deleted' };
  const listed = new Set(own.flatMap(({ marker }) => (marker.step === 'results' ? (marker.findings ?? []) : [])));
  if (
    own.some(
      ({ marker }) => marker.step !== 'results' && (marker.findings ?? []).some((finding) => !listed.has(finding)),
    )
  )
    return lost();
  if (resultsPartDeleted(own)) return lost();
  if (own.some(({ marker }) => marker.step === 'results')) return undefined;
  if (own.length > 0 || editedResults) return lost();
  const foreign = notes.find(
    (note) =>
      !note.system &&
      note.author !== botUsername &&
      parseMarkers(note.body).some((marker) => marker.platform === platform),
  );
  return foreign ? { cause: 'other-author', author: foreign.author } : { cause: 'never-posted' };
}
