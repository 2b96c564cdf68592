import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitlabWrites, runAuditBot, withSandbox } from '../helpers.js';
import { SANDBOX_CONFIG, SANDBOX_ROSTER } from '../../src/sandbox/environment.js';

function tempFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

describe('bad configuration or input: exit 2, a line per problem, nothing read or written', () => {
  test('an unknown LOG_LEVEL and a quarter that has not begun are bad input too', async () => {
    await withSandbox(async (sandbox) => {
      const level = await runAuditBot(sandbox, ['followup'], { LOG_LEVEL: 'verbose' });
      expect(level.code).toBe(2);
      expect(level.stderr).toBe(
        'env LOG_LEVEL: "verbose" is not one of fatal, error, warn, info, debug, trace, silent\n',
      );
      // Empty is unset, as for every other variable.
      expect((await runAuditBot(sandbox, ['check', '--platform', 'pagerduty'], { LOG_LEVEL: '' })).code).toBe(0);
      const future = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty', '--quarter', '2027-Q2']);
      expect(future.code).toBe(2);
      expect(future.stderr).toContain('--quarter: 2027-Q2 has not begun (it is 2026-Q4, in UTC)');
      expect(sandbox.gitlab.log).toHaveLength(0);
    });
  });

  test('a broken roster names file, line and field for every problem', async () => {
    await withSandbox(async (sandbox) => {
      const roster = tempFile(
        'roster.yml',
        [
          '- name: Ann',
          '  email: ann@example.com',
          '  gitlab: { username: ann }',
          '  reports_to: nobody',
          '- name: Ben',
          '  email: not-an-email',
          '  gitlab: { username: ann }',
          '  reports_to: ann',
          '  pagerduty: { id: 42 }',
          '',
        ].join('\n'),
      );
      const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], { AUDIT_ROSTER: roster });
      expect(run.code).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(4);
      expect(lines.every((line) => line.startsWith(`${roster}:`))).toBe(true);
      expect(run.stderr).toMatch(/:4 \[0\]\.reports_to: /);
      expect(run.stderr).toMatch(/:6 \[1\]\.email: /);
      expect(run.stderr).toMatch(/:7 \[1\]\.gitlab\.username: duplicate/);
      expect(run.stderr).toMatch(/:9 \[1\]\.pagerduty\.id: /);
      expect(sandbox.gitlab.log).toHaveLength(0);
      expect(sandbox.pagerduty.log).toHaveLength(0);
    });
  });

  test('YAML syntax errors and config errors are reported together, from both files', async () => {
    await withSandbox(async (sandbox) => {
      const roster = tempFile('roster.yml', '- name: Ann\n  email: [unclosed\n');
      const config = tempFile('audit.config.yml', 'support_ops_managers: []\nladder:\n  manager_after: 4 days\n');
      const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {
        AUDIT_ROSTER: roster,
        AUDIT_CONFIG: config,
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${config}:1 support_ops_managers: must not be empty`);
      expect(run.stderr).toContain(`${config}:3 ladder.manager_after: "4 days" is not an ISO-8601 duration`);
      expect(run.stderr).toMatch(new RegExp(`${roster.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
      expect(gitlabWrites(sandbox)).toHaveLength(0);
      expect(sandbox.pagerduty.log).toHaveLength(0);
    });
  });

  test('a missing config file is exit 2', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {
        AUDIT_CONFIG: '/nonexistent/audit.config.yml',
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('/nonexistent/audit.config.yml: cannot read (ENOENT)');
    });
  });

  test('missing credentials are listed, all at once, without contacting anything', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], {
        GITLAB_TOKEN: '',
        PAGERDUTY_TOKEN: '',
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('env GITLAB_TOKEN: required');
      expect(run.stderr).toContain('env PAGERDUTY_TOKEN: required');
      expect(sandbox.gitlab.log).toHaveLength(0);
      expect(sandbox.pagerduty.log).toHaveLength(0);
    });
  });

  test('a missing issue template is a configuration error found before any request', async () => {
    await withSandbox(async (sandbox) => {
      const config = tempFile(
        'audit.config.yml',
        `${fs.readFileSync(SANDBOX_CONFIG, 'utf8')}\n`.replace(
          '  pagerduty:\n',
          '  pagerduty:\n    template: issue_templates/nope.md\n',
        ),
      );
      const run = await runAuditBot(sandbox, ['open', '--platform', 'pagerduty'], { AUDIT_CONFIG: config });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/platforms\.pagerduty\.template: cannot read .*nope\.md \(ENOENT\)/);
      expect(sandbox.gitlab.log).toHaveLength(0);
      expect(sandbox.pagerduty.log).toHaveLength(0);
    });
  });

  test.each([
    [['open'], '--platform is required'],
    [
      ['open', '--platform', 'jira'],
      '--platform: "jira" is not one of all, zendesk, zendesk-us-federal, calendly, pagerduty',
    ],
    [['open', '--platform', 'pagerduty', '--quarter', '2026-Q5'], '--quarter: "2026-Q5" is not like 2026-Q4'],
    [['open', '--platform', 'pagerduty', '--now', 'yesterday'], '--now: "yesterday" is not an ISO-8601 date-time'],
    [['open', '--platform', 'pagerduty', '--bogus'], "Unknown option '--bogus'"],
    [['check', '--platform', 'all'], '--platform: "all" is not one of zendesk'],
    [['check', '--platform', 'pagerduty', '--format', 'xml'], '--format: "xml" is not json or markdown'],
    [['explode'], 'unknown command "explode"'],
  ])('usage error %j', async (argv, message) => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, argv);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(sandbox.gitlab.log).toHaveLength(0);
      expect(sandbox.pagerduty.log).toHaveLength(0);
    });
  });

  test('the sandbox seed files themselves are valid', async () => {
    expect(fs.existsSync(SANDBOX_ROSTER)).toBe(true);
    await withSandbox(async (sandbox) => {
      expect((await runAuditBot(sandbox, ['check', '--platform', 'pagerduty'])).code).toBe(0);
    });
  });
});
