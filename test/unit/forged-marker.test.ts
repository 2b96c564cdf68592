/**
 * Which of the bot's markers are its record (issue #18, point 3): sealed ones whose seal verifies,
 * and unsealed ones (from before seals) only in notes older than its first sealed note.
 */
import { botNotes, damagedRecord, readBotRecord, unreportedEdits } from '../../src/domain/bot-notes.js';
import {
  markerJson,
  readMarkers,
  sealedNoteText,
  sealKeyOf,
  useSealKey,
  type Marker,
} from '../../src/domain/markers.js';
import type { TrackedNote } from '../../src/gitlab/tracker.js';

const KEY = sealKeyOf('unit-test-seal-key')!;
const BOT = 'audit-bot';
const base = { v: 1, platform: 'pagerduty', quarter: '2026-Q4' };
const results: Marker = { ...base, step: 'results', findings: ['f1'], ids: { f1: 'PD-1' } };
const ping: Marker = { ...base, step: 'ping1', owner: 'jdoe', findings: ['f1'] };
const approved: Marker = { ...base, step: 'outcome', result: 'approved', by: 'som-alex' };
const unsealed = (body: string, marker: Marker) => `${body}\n\n<!-- audit-bot ${markerJson(marker)} -->`;

function note(id: number, body: string, author = BOT): TrackedNote {
  const at = new Date(Date.UTC(2026, 10, 1, 0, id)).toISOString();
  return { id, body, author, system: false, createdAt: at, updatedAt: at };
}

describe('sealed markers', () => {
  test("a sealed marker verifies with its key only, over its JSON and its note's visible text", () => {
    const text = sealedNoteText('Results', results, KEY);
    expect(text).toMatch(/,"seal":"[A-Za-z0-9_-]{22}"\} -->$/);
    expect(readMarkers(text, KEY)).toEqual([{ marker: results, seal: 'valid' }]);
    expect(readMarkers(text, sealKeyOf('another key'))[0].seal).toBe('forged');
    expect(readMarkers(text, undefined)[0].seal).toBe('forged');
    expect(readMarkers(text.replace('Results', 'Nothing here'), KEY)[0].seal).toBe('forged');
    expect(readMarkers(text.replace('"f1"', '"f2"'), KEY)[0].seal).toBe('forged');
    // A marker added under it leaves its seal valid; the added one has none that fits.
    const appended = `${text}\n${unsealed('', approved).trim()}`;
    expect(readMarkers(appended, KEY).map((read) => read.seal)).toEqual(['valid', 'unsealed']);
    const seal = /"seal":"([^"]+)"/.exec(text)![1];
    const copied = `${text}\n<!-- audit-bot ${markerJson(approved).slice(0, -1)},"seal":"${seal}"} -->`;
    expect(readMarkers(copied, KEY).map((read) => read.seal)).toEqual(['valid', 'forged']);
  });

  test('without a key, nothing is sealed', () => {
    expect(sealedNoteText('Results', results, undefined)).toBe(unsealed('Results', results));
  });
});

describe('the bot record', () => {
  const review: Marker = { ...base, step: 'review', findings: ['f1'] };

  test('unsealed markers before seals count; after the first sealed note, unsealed or badly sealed ones do not', () => {
    useSealKey(KEY);
    const notes = [
      note(1, unsealed('Results', results)),
      note(2, sealedNoteText('Ping', ping, KEY)),
      // A forger adds an outcome to a sealed note, or strips a seal off: the marker is not the bot's.
      note(3, `${sealedNoteText('Review', review, KEY)}\n${unsealed('', approved).trim()}`),
      note(4, unsealed('Outcome', approved)),
      note(5, unsealed('pasted by a person', approved), 'jdoe'),
    ];
    expect(botNotes(notes, BOT, 'pagerduty').map(({ noteId, marker }) => [noteId, marker.step])).toEqual([
      [1, 'results'],
      [2, 'ping1'],
      [3, 'review'],
    ]);
    expect(readBotRecord(notes, BOT).edited.map(({ noteId }) => noteId)).toEqual([3, 4]);
    expect(unreportedEdits(notes, BOT, 'pagerduty')).toEqual([3, 4]);
    const told = [...notes, note(6, sealedNoteText('Edited', { ...base, step: 'edited', notes: [3, 4] }, KEY))];
    expect(unreportedEdits(told, BOT, 'pagerduty')).toEqual([]);
    expect(damagedRecord(notes, BOT, 'pagerduty')).toBeUndefined();
  });

  test('an issue of unsealed notes only (before seals) reads as it always did', () => {
    useSealKey(KEY);
    const notes = [note(1, unsealed('Results', results)), note(2, unsealed('Ping', ping))];
    expect(botNotes(notes, BOT, 'pagerduty')).toHaveLength(2);
    expect(unreportedEdits(notes, BOT, 'pagerduty')).toEqual([]);
  });

  test('seals failing the current key (token rotated without AUDIT_SEAL_KEY): unverified, not never-posted', () => {
    useSealKey(sealKeyOf('the new token'));
    const notes = [note(1, sealedNoteText('Results', results, KEY)), note(2, sealedNoteText('Ping', ping, KEY))];
    expect(botNotes(notes, BOT, 'pagerduty')).toEqual([]);
    expect(damagedRecord(notes, BOT, 'pagerduty')).toEqual({ cause: 'unverified' });
  });

  test('a results note whose text was edited: the record names it', () => {
    useSealKey(KEY);
    const notes = [
      note(1, sealedNoteText('Results', results, KEY).replace('Results', 'Changed')),
      note(2, sealedNoteText('Ping', ping, KEY)),
    ];
    expect(damagedRecord(notes, BOT, 'pagerduty')).toEqual({ cause: 'edited', noteId: 1 });
  });
});
