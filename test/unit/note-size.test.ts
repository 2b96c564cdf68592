import type { TrackedNote } from '../../src/gitlab/tracker.js';
import { botNotes, damagedRecord, resultsEntries, unfinishedBatch } from '../../src/domain/bot-notes.js';
import { renderMarker, parseMarkers } from '../../src/domain/markers.js';
import { NOTE_BUDGET, utf8Length } from '../../src/domain/note-size.js';
import { planOpen, type OpenPlanInput, type PlannedNote } from '../../src/domain/open-plan.js';
import { rebuildState } from '../../src/domain/followup-state.js';
import { idRanges, noteText } from '../../src/domain/render.js';
import type { Finding } from '../../src/domain/types.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const BOT = 'audit-bot';

/** Findings with long, escape-heavy, multi-byte text: the worst a row can cost. */
function findings(count: number, owner: (index: number) => string | null = () => null): Finding[] {
  return Array.from({ length: count }, (_, index) => ({
    platform: 'pagerduty' as const,
    kind: 'user-not-in-roster',
    fingerprint: `pagerduty:user-not-in-roster:P${String(index).padStart(7, '0')}`,
    owner: owner(index),
    subject: `Ünïcödé <-@#&> ${'ü-'.repeat(300)} ${index}`,
    detail: `${'😀[x]/'.repeat(120)} ${index}`,
  }));
}

function input(list: Finding[], existing: ReturnType<typeof botNotes> = []): OpenPlanInput {
  return {
    result: { platform: 'pagerduty', findings: list, stats: { requests: 1, itemsRead: { users: list.length } } },
    accepted: [],
    findings: list,
    quarter: '2026-Q4',
    existing,
    supportOpsManagers: ['som-alex'],
    secondPingAfter: 'PT72H',
    now: NOW,
  };
}

function asNotes(plan: PlannedNote[], firstId = 100): TrackedNote[] {
  return plan.map((note, index) => ({
    id: firstId + index,
    body: noteText(note.body, note.marker),
    author: BOT,
    system: false,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  }));
}

const steps = (plan: PlannedNote[]) => plan.map((note) => note.marker.step);

describe('results over several notes (GitLab caps a note at 1,000,000 characters)', () => {
  const all = findings(1500);
  const first = planOpen(input(all));
  const results = first.filter((note) => note.marker.step === 'results');
  const notes = asNotes(first);

  test('every note, results and ping, stays under the budget, counted in UTF-8 bytes', () => {
    expect(results.length).toBeGreaterThan(2);
    for (const text of notes.map((note) => note.body)) expect(utf8Length(text)).toBeLessThanOrEqual(NOTE_BUDGET);
    expect(results.map((note) => [note.marker.batch, note.marker.part, note.marker.parts])).toEqual(
      results.map((_, index) => [1, index + 1, results.length]),
    );
    expect(results[0].body).toContain(`**1500 findings** need action, listed in ${results.length} notes`);
    expect(results[1].body).toMatch(
      new RegExp(
        String.raw`^### PagerDuty access audit 2026-Q4: results \(part 2 of \d+\)\n\n` +
          String.raw`Continued from part 1: items \*\*PD-\d+\*\* to \*\*PD-\d+\*\*\.`,
      ),
    );
    // The SOMs own all 1,500: their one ping names the ids instead of describing each.
    const ping = first.find((note) => note.marker.step === 'ping1')!;
    expect(ping.marker.findings).toHaveLength(1500);
    expect(ping.body).toContain('These 1500 items are too many to describe in one note');
    expect(ping.body).toContain('**PD-1** to **PD-1500**');
  });

  test('followup rebuilds every item from the parts: id, kind, owner, subject and detail', () => {
    const state = rebuildState(notes, BOT, 'pagerduty');
    expect(state.items.size).toBe(1500);
    const item = state.items.get(all[1234].fingerprint)!;
    expect(item).toMatchObject({
      kind: 'user-not-in-roster',
      owner: null,
      subject: all[1234].subject.slice(0, 500) + '…',
      detail: all[1234].detail.slice(0, 500) + '…',
    });
    expect(new Set([...state.items.values()].map((entry) => entry.id)).size).toBe(1500);
    expect([...state.items.values()].every((entry) => entry.pings.length === 1)).toBe(true);
    expect(damagedRecord(notes, BOT, 'pagerduty')).toBeUndefined();
  });

  test('a run stopped after any part plans exactly the rest, identical; then nothing', () => {
    for (const posted of [1, 2, results.length - 1, results.length]) {
      const existing = botNotes(asNotes(first.slice(0, posted)), BOT, 'pagerduty');
      expect(unfinishedBatch(existing) !== undefined).toBe(posted < results.length);
      expect(planOpen(input(all, existing))).toEqual(first.slice(posted));
    }
    expect(planOpen(input(all, botNotes(notes, BOT, 'pagerduty')))).toEqual([]);
  });

  test('a finding gone before the re-run: the rest is listed, no id given twice, the batch ends', () => {
    const posted = botNotes(asNotes(first.slice(0, 1)), BOT, 'pagerduty');
    const listed = new Set(posted.flatMap(({ marker }) => marker.findings ?? []));
    const fewer = all.filter((finding, index) => listed.has(finding.fingerprint) || index % 2 === 0);
    const rest = planOpen(input(fewer, posted));
    const after = botNotes(asNotes([...first.slice(0, 1), ...rest]), BOT, 'pagerduty');
    expect(unfinishedBatch(after)).toBeUndefined();
    const ids = after.flatMap(({ marker }) => resultsEntries(marker).map((entry) => entry.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(fewer.length);
    expect(
      rest.filter((note) => note.marker.step === 'results').every((note) => (note.marker.part as number) > 1),
    ).toBe(true);
  });

  test('a deleted part is damage: the first, a middle or the last one', () => {
    const resultsNotes = notes.slice(0, results.length);
    const pings = notes.slice(results.length);
    for (const deleted of [0, 1, results.length - 1]) {
      const left = [...resultsNotes.filter((_, index) => index !== deleted), ...pings];
      expect({ deleted, record: damagedRecord(left, BOT, 'pagerduty') }).toEqual({
        deleted,
        record: { cause: 'deleted' },
      });
    }
    // Before any ping was posted too: a gap in the parts, or in the item ids, shows it.
    expect(damagedRecord([resultsNotes[0], resultsNotes[2]], BOT, 'pagerduty')).toEqual({ cause: 'deleted' });
    // Only the parts posted so far: `open` stopped between two, not damage.
    expect(damagedRecord(resultsNotes.slice(0, 2), BOT, 'pagerduty')).toBeUndefined();
  });

  test('the marker is compact: each fingerprint once, kinds and owners once per note', () => {
    const marker = results[0].marker;
    const json = renderMarker(marker);
    expect(json.split('P0000000"').length).toBe(2);
    expect(json.split('roster"').length).toBe(2);
    expect(marker.kinds).toEqual(['user-not-in-roster']);
    expect(marker.owners).toEqual([]);
  });
});

describe('results notes written before parts', () => {
  const legacy = {
    v: 1,
    step: 'results' as const,
    platform: 'pagerduty',
    quarter: '2026-Q4',
    findings: ['fp:a', 'fp:b'],
    ids: { 'fp:a': 'PD-1', 'fp:b': 'PD-2' },
    items: {
      'fp:a': { kind: 'k', owner: 'alice', subject: 'A', detail: 'a' },
      'fp:b': { kind: 'k', owner: null, subject: 'B', detail: 'b' },
    },
  };
  const note = (id: number, marker: object): TrackedNote => ({
    id,
    body: `x\n\n${renderMarker(marker as never)}`,
    author: BOT,
    system: false,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  });

  test('are read as before, and a new finding continues their ids in a new batch', () => {
    const state = rebuildState([note(1, legacy)], BOT, 'pagerduty');
    expect([...state.items.values()].map((item) => [item.id, item.owner, item.subject])).toEqual([
      ['PD-1', 'alice', 'A'],
      ['PD-2', null, 'B'],
    ]);
    const existing = botNotes([note(1, legacy)], BOT, 'pagerduty');
    const extra: Finding = {
      platform: 'pagerduty',
      kind: 'k',
      fingerprint: 'fp:c',
      owner: null,
      subject: 'C',
      detail: 'c',
    };
    const plan = planOpen(input([extra], existing));
    expect(steps(plan)).toEqual(['results', 'ping1']);
    expect(plan[0].marker).toMatchObject({ batch: 2, part: 1, parts: 1, rows: [[3, 0, null, 'C', 'c']] });
    expect(plan[0].body).toContain('new findings');
    expect(damagedRecord([note(1, legacy)], BOT, 'pagerduty')).toBeUndefined();
    // A gap in the ids of old notes: one of them was deleted.
    expect(
      damagedRecord([note(1, { ...legacy, findings: ['fp:b'], ids: { 'fp:b': 'PD-2' } })], BOT, 'pagerduty'),
    ).toEqual({ cause: 'deleted' });
  });

  test('a hand-edited marker that no longer parses is ignored, not fatal', () => {
    expect(parseMarkers('<!-- audit-bot {"v":1,"step":"results","platform":"pagerduty","rows":[[1, -->')).toEqual([]);
  });
});

describe('idRanges', () => {
  test('consecutive ids as ranges, in order', () => {
    expect(idRanges(['PD-3', 'PD-1', 'PD-2', 'PD-5', 'PD-7', 'PD-8'])).toBe(
      '**PD-1** to **PD-3**, **PD-5**, **PD-7** to **PD-8**',
    );
  });
});
