import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli.js';
import { runDemo } from '../../src/commands/demo.js';
import { silentLogger } from '../../src/log.js';
import { parseMarkers } from '../../src/domain/markers.js';

test('npm run demo plays a whole quarter: open, replies, every ladder step, review, approval, close', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-demo-'));
  let stdout = '';
  const code = await runDemo({
    out,
    io: { stdout: (text) => (stdout += text), stderr: (text) => (stdout += text) },
    logger: silentLogger(),
    runCli: (argv, env, io, overrides) => runCli(argv, env, io, { ...overrides, sleep: async () => {} }),
    start: new Date('2026-10-01T09:00:00Z'),
  });
  expect(code).toBe(0);
  expect(stdout).toContain('(re-run: 0 new notes)');
  expect(stdout).toContain('Demo finished');

  const thread = fs.readFileSync(path.join(out, 'pagerduty.md'), 'utf8');
  expect(thread).toMatch(/^# #\d+ PagerDuty access audit 2026-Q4\n\n> closed · confidential/);
  const steps = parseMarkers(thread).map((marker) => marker.step);
  for (const step of ['issue', 'results', 'ping1', 'feedback', 'addressed', 'ping2', 'manager', 'som', 'review', 'outcome']) {
    expect(steps).toContain(step);
  }
  expect(steps.filter((step) => step === 'review')).toHaveLength(1);
  // Every kind of PagerDuty finding is in the demo's results note.
  const kinds = new Set(parseMarkers(thread).flatMap((marker) => (marker.step === 'results' ? (marker.findings ?? []) : [])).map((fingerprint) => fingerprint.split(':')[1]));
  expect([...kinds].sort()).toEqual([
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
});
