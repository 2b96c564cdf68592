import { instantSleep } from '../../src/clock.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli.js';
import { runDemo } from '../../src/commands/demo.js';
import { silentLogger } from '../../src/log.js';
import { parseMarkers } from '../../src/domain/markers.js';
import { SEEDED_ZENDESK_KINDS } from '../../src/platforms/zendesk/sandbox/seed.js';

/** What GitLab parses for mentions, references and links: the text outside code spans (their content is literal). */
const outsideCode = (markdown: string) => markdown.replace(/(?<!`)(`+)(?!`)[^\n]*?[^`\n]\1(?!`)/g, ' ');

/** The findings kinds in a thread's results notes. */
function kindsIn(thread: string): string[] {
  const fingerprints = parseMarkers(thread).flatMap((marker) =>
    marker.step === 'results' ? (marker.findings ?? []) : [],
  );
  return [...new Set(fingerprints.map((fingerprint) => fingerprint.split(':')[1]))].sort();
}

// One demo run (it takes a while) serves every assertion about it.
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-demo-'));
let stdout = '';
let code: number;
beforeAll(async () => {
  code = await runDemo({
    out,
    io: { stdout: (text) => (stdout += text), stderr: (text) => (stdout += text) },
    logger: silentLogger(),
    runCli: (argv, env, io, overrides) => runCli(argv, env, io, { ...overrides, sleep: instantSleep() }),
    start: new Date('2026-10-01T09:00:00Z'),
  });
});
const thread = (file: string) => fs.readFileSync(path.join(out, file), 'utf8');

test('npm run demo plays a whole quarter: open, replies, every ladder step, review, approval, close', () => {
  expect(code).toBe(0);
  expect(stdout).toContain('(re-run: 0 new notes)');
  expect(stdout).toContain('Demo finished');

  const pagerduty = thread('pagerduty.md');
  expect(pagerduty).toMatch(/^# #\d+ PagerDuty access audit 2026-Q4\n\n> closed · confidential/);
  const steps = parseMarkers(pagerduty).map((marker) => marker.step);
  for (const step of [
    'issue',
    'results',
    'ping1',
    'feedback',
    'addressed',
    'ping2',
    'manager',
    'som',
    'review',
    'outcome',
  ]) {
    expect(steps).toContain(step);
  }
  expect(steps.filter((step) => step === 'review')).toHaveLength(1);
  // Every kind of PagerDuty finding is in the demo's results note.
  expect(kindsIn(pagerduty)).toEqual([
    'coverage-gap',
    'dead-reference',
    'empty-rule',
    'invitation-pending',
    'missing-from-schedule',
    'role-drift',
    'schedule-member-not-in-roster',
    'single-target-policy',
    'unknown-id',
    'user-not-in-roster',
  ]);
  expect(steps.at(-1)).toBe('outcome');
  expect(stdout).not.toContain('FAILED');
  // ohaddad cannot see the confidential issues: never @-mentioned, their items went to their
  // manager with a line saying why.
  expect(pagerduty).not.toMatch(/@ohaddad\b/);
  expect(pagerduty).toContain(
    '`ohaddad` cannot see this confidential issue (not a member of the audit project): ' +
      'add them to the project as Planner or higher; so this comes to you.',
  );
});

test('npm run demo shows both Zendesk issues with every kind of finding and the token table', () => {
  expect(stdout).toMatch(/Requests made: .*Zendesk \d+, Zendesk US Federal \d+/);
  const main = thread('zendesk.md');
  const federal = thread('zendesk-us-federal.md');
  expect(main).toMatch(/^# #\d+ Zendesk access audit 2026-Q4\n/);
  expect(federal).toMatch(/^# #\d+ Zendesk US Federal access audit 2026-Q4\n/);
  expect([...new Set([...kindsIn(main), ...kindsIn(federal)])].sort()).toEqual(SEEDED_ZENDESK_KINDS);
  expect(main).toContain('Zendesk API tokens (9)');
  for (const text of [main, federal]) expect(outsideCode(text)).not.toMatch(/@all\b/);
});

test('npm run demo shows the Calendly issue with every kind of finding', () => {
  expect(stdout).toMatch(/Requests made: .*Calendly \d+/);
  const calendly = thread('calendly.md');
  expect(calendly).toMatch(/^# #\d+ Calendly access audit 2026-Q4\n/);
  // No email-mismatch: the seed's only one was found by name, which no longer ties a seat to a person (issue #18).
  expect(kindsIn(calendly)).toEqual([
    'admin-not-allowed',
    'member-not-in-roster',
    'missing-member',
    'role-drift',
    'stale-invitation',
  ]);
  expect(outsideCode(calendly)).not.toMatch(/@all\b/);
});
