import fs from 'node:fs';
import path from 'node:path';
import type { LadderDurations } from '../../src/config/types.js';
import { BOARD } from '../../src/domain/board.js';
import {
  CHECKLIST_STEPS,
  checklistMarker,
  checklistState,
  withChecklist,
  type ChecklistStep,
} from '../../src/domain/checklist.js';
import { rebuildState, type IssueState, type ItemState, type LadderStep } from '../../src/domain/followup-state.js';
import { issueDescription, TEMPLATE_PLACEHOLDERS } from '../../src/domain/issue.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { PLATFORM_IDS } from '../../src/domain/platforms.js';

const LADDER: LadderDurations = { second_ping_after: 'PT72H', manager_after: 'P4D', som_after: 'PT72H' };
const AT = '2026-11-24T09:00:00.000Z';

function item(id: string, steps: LadderStep[], addressed = false): ItemState {
  return {
    fingerprint: `pagerduty:kind:${id}`,
    id,
    kind: 'kind',
    owner: 'alice',
    subject: id,
    detail: id,
    listedAt: AT,
    pings: steps.map((step) => ({ step, at: AT })),
    ...(addressed ? { addressed: { how: 'fixed' as const, by: 'alice', at: AT } } : {}),
  };
}

/** A state as rebuilt from no notes (every field the record has), with these items listed. */
function state(items: ItemState[], extra: Partial<IssueState> = {}): IssueState {
  return {
    ...rebuildState([], 'audit-bot', 'pagerduty'),
    listed: true,
    quarter: '2026-Q4',
    items: new Map(items.map((entry) => [entry.fingerprint, entry])),
    byId: new Map(items.map((entry) => [entry.id, entry.fingerprint])),
    ...extra,
  };
}

const ticked = (steps: ChecklistStep[]) =>
  Object.fromEntries(CHECKLIST_STEPS.map((step) => [step, steps.includes(step)])) as Record<ChecklistStep, boolean>;
const truthy = (record: Record<ChecklistStep, boolean>) => CHECKLIST_STEPS.filter((step) => record[step]);

describe('checklistState: each box from the bot record only', () => {
  test('nothing listed yet: nothing ticked', () => {
    expect(truthy(checklistState(state([], { listed: false })))).toEqual([]);
  });

  test('results and everyone pinged; the ladder boxes as each step is taken for some item', () => {
    expect(truthy(checklistState(state([item('PD-1', ['ping1']), item('PD-2', ['ping1'])])))).toEqual([
      'results',
      'pinged',
    ]);
    expect(truthy(checklistState(state([item('PD-1', ['ping1', 'ping2']), item('PD-2', ['ping1'])])))).toEqual([
      'results',
      'pinged',
      'ping2',
    ]);
    expect(
      truthy(
        checklistState(state([item('PD-1', ['ping1', 'ping2', 'manager']), item('PD-2', ['ping1', 'ping2', 'som'])])),
      ),
    ).toEqual(['results', 'pinged', 'ping2', 'manager', 'som']);
  });

  test('someone not pinged yet (a run stopped between notes, or a finding just listed): "pinged" is unticked', () => {
    expect(truthy(checklistState(state([item('PD-1', ['ping1']), item('PD-2', [])])))).toEqual(['results']);
    // Answered before any ping was due counts as nobody left to ping.
    expect(truthy(checklistState(state([item('PD-1', ['ping1']), item('PD-2', [], true)])))).toEqual([
      'results',
      'pinged',
    ]);
  });

  test('nothing found: findings posted, nobody pinged, a review', () => {
    expect(truthy(checklistState(state([], { reviews: [[]] })))).toEqual(['results', 'review']);
  });

  test('review box: each item listed now reviewed; last box: an approval or a Support Ops Manager close', () => {
    const items = [item('PD-1', ['ping1'], true), item('PD-2', ['ping1'], true)];
    const all = items.map((entry) => entry.fingerprint);
    expect(checklistState(state(items, { reviews: [[all[0]]] })).review).toBe(false);
    expect(checklistState(state(items, { reviews: [[all[0]], [all[1], all[0]]] })).review).toBe(true);
    expect(checklistState(state(items, { outcome: { result: 'approved', by: 'som', at: AT } })).closed).toBe(true);
    expect(checklistState(state(items, { outcome: { result: 'closed', by: 'som', at: AT } })).closed).toBe(true);
    expect(checklistState(state(items, { outcome: { result: 'superseded', by: null, at: AT } })).closed).toBe(false);
  });
});

describe('withChecklist: only the boxes of the lines the bot owns', () => {
  const line = (step: ChecklistStep, box = ' ', text = `Step ${step}`) => `- [${box}] ${text} ${checklistMarker(step)}`;

  test('ticks and clears the box only; text, other lines and line endings stay as they are', () => {
    const description = [
      '## My own heading',
      "- [ ] my own item, not the bot's",
      '- [x] another of mine, ticked',
      line('pinged', ' ', 'Everyone pinged, in my words'),
      '* [ ] reordered: findings first? no, later <!-- audit-bot:checklist:results --> trailing text',
      '3. [X] Support Ops review asked <!-- audit-bot:checklist:review -->',
      line('som', 'x'),
      '- [ ] an unknown step <!-- audit-bot:checklist:coffee -->',
      '',
    ].join('\r\n');
    const after = withChecklist(description, ticked(['results', 'pinged', 'review']));
    expect(after.split('\r\n')).toEqual([
      '## My own heading',
      "- [ ] my own item, not the bot's",
      '- [x] another of mine, ticked',
      line('pinged', 'x', 'Everyone pinged, in my words'),
      '* [x] reordered: findings first? no, later <!-- audit-bot:checklist:results --> trailing text',
      // Already ticked (by whoever): left as written.
      '3. [X] Support Ops review asked <!-- audit-bot:checklist:review -->',
      // Ticked by hand with no record behind it: cleared.
      line('som', ' '),
      '- [ ] an unknown step <!-- audit-bot:checklist:coffee -->',
      '',
    ]);
  });

  test('a bot line nested under a line of the user is still the bot line', () => {
    const description = `- [ ] Our kick-off\n    ${line('results')}\n  + [ ] our sub-step\n`;
    expect(withChecklist(description, ticked(['results']))).toBe(
      `- [ ] Our kick-off\n    ${line('results', 'x')}\n  + [ ] our sub-step\n`,
    );
  });

  test('the same record gives back the very same text (no write)', () => {
    const description = `${line('results', 'x')}\n${line('pinged')}\n`;
    expect(withChecklist(description, ticked(['results']))).toBe(description);
  });

  test('lines in code blocks and in the status board are never touched', () => {
    const description = [
      '```markdown',
      line('results'),
      '```',
      '~~~~',
      line('pinged'),
      '```',
      line('pinged'),
      '~~~~',
      BOARD.start,
      line('review'),
      BOARD.end,
      line('results'),
    ].join('\n');
    const after = withChecklist(description, ticked(['results', 'pinged', 'review']));
    expect(after.split('\n')).toEqual([
      '```markdown',
      line('results'),
      '```',
      '~~~~',
      line('pinged'),
      '```',
      line('pinged'),
      '~~~~',
      BOARD.start,
      line('review'),
      BOARD.end,
      line('results', 'x'),
    ]);
  });
});

describe('the shipped templates', () => {
  const templates = PLATFORM_IDS.map(
    (platform) =>
      [platform, fs.readFileSync(path.join(PACKAGE_ROOT, 'issue_templates', `${platform}.md`), 'utf8')] as const,
  );

  test.each(templates)(
    '%s: every step has its bot-owned box, every placeholder is known and filled',
    (platform, template) => {
      for (const step of CHECKLIST_STEPS)
        expect(template).toMatch(new RegExp(`^- \\[ \\] .*${checklistMarker(step)}$`, 'm'));
      for (const placeholder of template.match(/\{\{[^{}\n]*\}\}/g) ?? [])
        expect(TEMPLATE_PLACEHOLDERS).toContain(placeholder);
      const description = issueDescription(template, platform, '2026-Q4', LADDER);
      expect(description).not.toMatch(/\{\{/);
      expect(description).toContain('- [ ] No answer after 3 days: second ping, then 4 days (audit-bot)');
      expect(description).toContain("- [ ] Still no answer: the person's manager pinged, then 3 days (audit-bot)");
    },
  );

  test('the ladder waits come from the config, worded like the notes', () => {
    const description = issueDescription(
      '{{second_ping_after}} / {{manager_after}} / {{som_after}}',
      'pagerduty',
      '2026-Q4',
      {
        second_ping_after: 'PT48H',
        manager_after: 'P1DT12H',
        som_after: 'P1W',
      },
    );
    expect(description.split('\n')[0]).toBe('2 days / 1 day and 12 hours / 1 week');
  });
});
