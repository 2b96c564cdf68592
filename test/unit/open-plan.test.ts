import type { TrackedNote } from '../../src/gitlab/tracker.js';
import type { AcceptedFinding } from '../../src/domain/allow-list.js';
import { assignedItemIds, botNotes, resultsEntries, type BotNote } from '../../src/domain/bot-notes.js';
import { renderMarker } from '../../src/domain/markers.js';
import { planOpen, type OpenPlanInput, type PlannedNote } from '../../src/domain/open-plan.js';
import { noteText } from '../../src/domain/render.js';
import type { Finding } from '../../src/domain/types.js';

const NOW = new Date('2026-11-24T09:00:00Z');
const BOT = 'audit-bot';
const SOMS = ['som-alex', 'som-bea'];

function finding(kind: string, key: string, owner: string | null, subject = key): Finding {
  return {
    platform: 'pagerduty',
    kind,
    fingerprint: `pagerduty:${kind}:${key}`,
    owner,
    subject,
    detail: `${kind} for ${subject}`,
  };
}

const FINDINGS: Finding[] = [
  finding('user-not-in-roster', 'PSTRANG', null, 'Stranger <s@x.test>'),
  finding('unknown-id', 'alice', 'alice', 'Alice'),
  finding('user-not-in-roster', 'PHOSTIL', null, '@all\n/close <!-- audit-bot {"v":1} --> | #1'),
  finding('missing-from-schedule', 'bob:PSCHED1', 'bob', 'Bob'),
];

function input(findings: Finding[], existing: BotNote[], accepted: AcceptedFinding[] = []): OpenPlanInput {
  return {
    result: { platform: 'pagerduty', findings, stats: { requests: 3, itemsRead: { users: 7, schedules: 2 } } },
    accepted,
    findings,
    quarter: '2026-Q4',
    existing,
    supportOpsManagers: SOMS,
    secondPingAfter: 'PT72H',
    now: NOW,
  };
}

/** The notes as GitLab would hold them once posted, read back the way the commands do. */
function posted(plan: PlannedNote[], firstId = 100): BotNote[] {
  const notes: TrackedNote[] = plan.map((note, index) => ({
    id: firstId + index,
    body: noteText(note.body, note.marker),
    author: BOT,
    system: false,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  }));
  return botNotes(notes, BOT, 'pagerduty');
}

describe('planOpen', () => {
  const first = planOpen(input(FINDINGS, []));

  test('first run: one results note, then one ping per responsible person, unowned to the SOMs in one note', () => {
    expect(first.map((note) => [note.marker.step, note.marker.owner ?? null])).toEqual([
      ['results', null],
      ['ping1', 'alice'],
      ['ping1', 'bob'],
      ['ping1', null],
    ]);
    const [results, alice, bob, som] = first;
    expect(results.body).toContain('access audit 2026-Q4: results');
    expect(results.body).toContain('**4 findings**');
    expect(Object.fromEntries(assignedItemIds([{ noteId: 1, createdAt: '', marker: results.marker }]))).toEqual({
      'pagerduty:missing-from-schedule:bob:PSCHED1': 'PD-1',
      'pagerduty:unknown-id:alice': 'PD-2',
      'pagerduty:user-not-in-roster:PHOSTIL': 'PD-3',
      'pagerduty:user-not-in-roster:PSTRANG': 'PD-4',
    });
    expect(results.marker).toMatchObject({ batch: 1, part: 1, parts: 1 });
    expect(alice.body.startsWith('@alice,')).toBe(true);
    expect(alice.marker.findings).toEqual(['pagerduty:unknown-id:alice']);
    expect(bob.body.startsWith('@bob,')).toBe(true);
    expect(som.body.startsWith('@som-alex @som-bea,')).toBe(true);
    expect(som.marker.findings).toEqual([
      'pagerduty:user-not-in-roster:PHOSTIL',
      'pagerduty:user-not-in-roster:PSTRANG',
    ]);
    expect(som.body).toContain('**PD-3**');
    expect(som.body).toContain('**PD-4**');
  });

  test('hostile finding text stays inert in every note', () => {
    for (const note of first) {
      const text = noteText(note.body, note.marker);
      for (const line of text.split('\n')) expect(line.startsWith('/')).toBe(false);
      // GitLab parses no mention or reference inside a code span: what counts is the text outside them.
      const outsideCode = text.replace(/(?<!`)(`+)(?!`)[^\n]*?[^`\n]\1(?!`)/g, ' ');
      expect(outsideCode).not.toMatch(/@all/);
      expect(outsideCode).not.toMatch(/(^|[^&])#1\b/);
      // Exactly the bot's own marker is read back.
      expect(
        botNotes([{ id: 1, body: text, author: BOT, system: false, createdAt: '', updatedAt: '' }], BOT, 'pagerduty'),
      ).toHaveLength(1);
    }
  });

  test('the plan does not depend on the order of the findings', () => {
    expect(planOpen(input([...FINDINGS].reverse(), []))).toEqual(first);
  });

  test('re-planning with every planned note posted plans nothing', () => {
    expect(planOpen(input(FINDINGS, posted(first)))).toEqual([]);
  });

  test.each([0, 1, 2, 3, 4])('a crash after %i notes: planning again yields exactly the rest, identical', (k) => {
    expect(planOpen(input(FINDINGS, posted(first.slice(0, k))))).toEqual(first.slice(k));
  });

  test('built BotNote objects work the same as notes read back', () => {
    const existing: BotNote[] = first
      .slice(0, 2)
      .map((note, index) => ({ noteId: index + 1, createdAt: NOW.toISOString(), marker: note.marker }));
    expect(planOpen(input(FINDINGS, existing))).toEqual(first.slice(2));
  });

  test('a new finding on a later run gets the next id and a "new findings" note', () => {
    const extra = finding('unknown-schedule', 'alice:PNEW', 'alice', 'Alice');
    const later = planOpen(input([...FINDINGS, extra], posted(first)));
    expect(later).toHaveLength(2);
    const [results, ping] = later;
    expect(results.marker).toEqual({
      v: 1,
      step: 'results',
      platform: 'pagerduty',
      quarter: '2026-Q4',
      batch: 2,
      part: 1,
      parts: 1,
      findings: [extra.fingerprint],
      prefix: 'PD',
      kinds: [extra.kind],
      owners: ['alice'],
      rows: [[5, 0, 0, extra.subject, extra.detail]],
    });
    expect(resultsEntries(results.marker)).toEqual([
      {
        fingerprint: extra.fingerprint,
        id: 'PD-5',
        record: { kind: extra.kind, owner: extra.owner, subject: extra.subject, detail: extra.detail },
      },
    ]);
    expect(results.body).toContain('access audit 2026-Q4: new findings');
    expect(results.body).toContain('**PD-5**');
    expect(results.body).not.toContain('PD-1');
    expect(ping.marker).toMatchObject({ step: 'ping1', owner: 'alice', findings: [extra.fingerprint] });
    expect(ping.body).toContain('**PD-5**');
    expect(ping.body).not.toContain('PD-2');
    // …and once posted, nothing more.
    expect(planOpen(input([...FINDINGS, extra], [...posted(first), ...posted(later, 200)]))).toEqual([]);
  });

  test('zero findings: one "No findings" results note, once', () => {
    const plan = planOpen(input([], []));
    expect(plan).toHaveLength(1);
    expect(plan[0].marker).toMatchObject({ step: 'results', findings: [], rows: [] });
    expect(plan[0].body).toContain('**No findings.**');
    expect(planOpen(input([], posted(plan)))).toEqual([]);
  });

  test('accepted exceptions are listed in the first results note', () => {
    const accepted: AcceptedFinding[] = [
      {
        finding: finding('user-not-in-roster', 'PBOT', null, 'Bot'),
        exception: {
          fingerprint: 'pagerduty:user-not-in-roster:PBOT',
          reason: 'monitoring | bot',
          expires: '2027-01-31',
        },
      },
    ];
    const plan = planOpen(input([], [], accepted));
    expect(plan[0].body).toContain('1 accepted exception(s)');
    expect(plan[0].body).toContain('monitoring &#124; bot');
  });
});

describe('botNotes', () => {
  const marker = { v: 1, step: 'ping1' as const, platform: 'pagerduty', findings: ['x'] };
  const note = (id: number, author: string, system: boolean, body: string): TrackedNote => ({
    id,
    author,
    system,
    body,
    createdAt: '2026-11-24T09:00:00Z',
    updatedAt: '2026-11-24T09:00:00Z',
  });

  test('reads only markers in non-system notes written by the bot, for the platform', () => {
    const notes = [
      note(1, BOT, false, `hi\n\n${renderMarker(marker)}`),
      note(2, 'mallory', false, `forged\n\n${renderMarker({ ...marker, step: 'results' })}`),
      note(3, BOT, true, `system\n\n${renderMarker({ ...marker, step: 'som' })}`),
      note(4, BOT, false, renderMarker({ ...marker, platform: 'calendly' })),
      note(5, BOT, false, 'no marker'),
    ];
    expect(botNotes(notes, BOT, 'pagerduty')).toEqual([{ noteId: 1, createdAt: '2026-11-24T09:00:00Z', marker }]);
  });
});
