/**
 * `audit-bot validate` (issue #17 point 2): offline, config + roster + templates with every check
 * `open` makes; `--online`, the credentials and GitLab access, as a table. Over real HTTP against
 * the sandbox.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXED_NOW, runAuditBot, withSandbox } from '../helpers.js';
import { runCli } from '../../src/cli.js';
import { PACKAGE_ROOT } from '../../src/paths.js';
import { SANDBOX_CONFIG, SANDBOX_ROSTER, SANDBOX_TOKENS, type Sandbox } from '../../src/sandbox/environment.js';
import { nextQuarterStart } from '../../src/commands/validate-online.js';

function tempFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-validate-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

const SEED_CONFIG = fs.readFileSync(SANDBOX_CONFIG, 'utf8');

/** Nothing but the config and roster: no token, no URL. */
function offlineEnv(sandbox: Sandbox): Record<string, string> {
  return Object.fromEntries(
    Object.keys(sandbox.env)
      .filter((name) => !['AUDIT_CONFIG', 'AUDIT_ROSTER'].includes(name))
      .map((name) => [name, '']),
  );
}

function requestCount(sandbox: Sandbox): number {
  return [sandbox.gitlab, sandbox.pagerduty, sandbox.calendly, sandbox.zendesk, sandbox.zendeskUsFederal].reduce(
    (sum, server) => sum + server.log.length,
    0,
  );
}

/**
 * GitLab 15.5+ answers `GET /personal_access_tokens/self` with the token's scopes and expiry; the
 * sandbox does not serve it, so the test answers it for the bot's token (a 401 for any other).
 */
function tokenSelf(sandbox: Sandbox, token: { scopes: string[]; expires_at: string | null }): void {
  sandbox.gitlab.setFaultPlan((req) => {
    if (req.method !== 'GET' || req.url.pathname !== '/api/v4/personal_access_tokens/self') return undefined;
    if (req.headers['private-token'] !== SANDBOX_TOKENS.gitlab)
      return { type: 'status', status: 401, body: { message: '401 Unauthorized' } };
    return {
      type: 'status',
      status: 200,
      body: {
        id: 7,
        name: 'audit-bot',
        revoked: false,
        active: true,
        user_id: 1,
        created_at: '2026-01-05T10:00:00Z',
        last_used_at: null,
        ...token,
      },
    };
  });
}

/** The table's row for `check` (and `target`, when given): [check, target, result, detail]. */
function rowsOf(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => /\s(OK|WARN|FAIL)\s/.test(line) || /\s(OK|WARN|FAIL)$/.test(line))
    .map((line) => line.split(/\s{2,}/));
}

describe('audit-bot validate (offline)', () => {
  test('the sample config, roster and templates: exit 0, a short summary, no request, no token', async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, ['validate'], offlineEnv(sandbox));
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(
          /^ok: .*audit\.config\.yml, .*roster\.yml and 4 issue template\(s\) checked; /.source +
            /\d+ people, 1 Support Ops Manager\(s\); /.source +
            /platforms enabled: zendesk, zendesk-us-federal, calendly, pagerduty\n$/.source,
        ),
      );
      expect(requestCount(sandbox)).toBe(0);
    });
  });

  test("the repository's own audit.config.yml and roster.yml pass (what the CI job runs)", async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, ['validate'], {
        ...offlineEnv(sandbox),
        AUDIT_CONFIG: path.join(PACKAGE_ROOT, 'examples', 'audit.config.yml'),
        AUDIT_ROSTER: path.join(PACKAGE_ROOT, 'examples', 'roster.yml'),
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    });
  });

  test('a SOM not in the roster, a missing template: exit 2, `file:line path: message` each, in order', async () => {
    await withSandbox(async (sandbox) => {
      const text = SEED_CONFIG.replace(
        'support_ops_managers: [som-alex]',
        'support_ops_managers:\n  - SOM-Alex\n  - som-alx',
      ).replace('  pagerduty:\n', '  pagerduty:\n    template: issue_templates/nope.md\n');
      const config = tempFile('audit.config.yml', text);
      const lines = text.split('\n');
      const lineOf = (needle: string) => lines.findIndex((line) => line.includes(needle)) + 1;
      const run = await runAuditBot(sandbox, ['validate'], { ...offlineEnv(sandbox), AUDIT_CONFIG: config });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const problems = run.stderr.trim().split('\n');
      // `SOM-Alex` is som-alex: GitLab usernames are compared without case.
      expect(problems).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${escape(config)}:${lineOf('- som-alx')} support_ops_managers\\[1\\]: ` +
              '"som-alx" is not a person in .*roster\\.yml .*did you mean "som-alex"\\?',
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^${escape(config)}:${lineOf('nope.md')} ` +
              'platforms\\.pagerduty\\.template: cannot read .*nope\\.md \\(ENOENT\\)$',
          ),
        ),
      ]);
      expect(requestCount(sandbox)).toBe(0);
    });
  });

  test("a template the config does not name is reported at its platform's line; unknown placeholders too", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-validate-'));
    fs.mkdirSync(path.join(dir, 'issue_templates'));
    fs.writeFileSync(
      path.join(dir, 'issue_templates', 'calendly.md'),
      '# {{platform_name}} audit {{quarter}}\nOwner: {{owner}}\n',
    );
    const text = SEED_CONFIG.replace('  zendesk:\n', '  zendesk:\n    enabled: false\n').replace(
      '  zendesk-us-federal:\n',
      '  zendesk-us-federal:\n    enabled: false\n',
    );
    const config = tempFile('audit.config.yml', text);
    // Relative template paths resolve against the working directory (the helper's is the package
    // root): the CLI run here works in `dir`.
    let stderr = '';
    const code = await runCli(
      ['validate'],
      { AUDIT_CONFIG: config, AUDIT_ROSTER: SANDBOX_ROSTER, LOG_LEVEL: 'silent' },
      { stdout: () => {}, stderr: (text) => (stderr += text) },
      { baseDir: dir, clock: () => FIXED_NOW },
    );
    expect(code).toBe(2);
    const lines = text.split('\n');
    const platformLine = (id: string) => lines.findIndex((line) => line === `  ${id}:`) + 1;
    expect(stderr.trim().split('\n')).toEqual([
      `${config}:${platformLine('calendly')} platforms.calendly.template: ` +
        'issue_templates/calendly.md: unknown placeholder {{owner}} (known: {{quarter}}, {{platform}}, ' +
        '{{platform_name}}, {{second_ping_after}}, {{manager_after}}, {{som_after}})',
      expect.stringMatching(
        new RegExp(
          `^${escape(config)}:${platformLine('pagerduty')} ` +
            'platforms\\.pagerduty\\.template: cannot read .*pagerduty\\.md \\(ENOENT\\)$',
        ),
      ),
    ]);
  });

  test('a broken roster or config is reported like every other command, file:line path: message', async () => {
    await withSandbox(async (sandbox) => {
      const config = tempFile('audit.config.yml', 'support_ops_managers: []\n');
      const run = await runAuditBot(sandbox, ['validate'], { ...offlineEnv(sandbox), AUDIT_CONFIG: config });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${config}:1 support_ops_managers: must not be empty`);
    });
  });

  test('--help prints the usage and exits 0; an unknown option exits 2 with the usage', async () => {
    await withSandbox(async (sandbox) => {
      const help = await runAuditBot(sandbox, ['validate', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^usage: audit-bot validate \[--online\]/);
      const bad = await runAuditBot(sandbox, ['validate', '--platform', 'pagerduty']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('validate does not take --platform');
      expect(bad.stderr).toContain('audit-bot validate [--online]');
      const unknown = await runAuditBot(sandbox, ['validate', '--bogus']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("Unknown option '--bogus'");
      expect(requestCount(sandbox)).toBe(0);
    });
  });
});

describe('audit-bot validate --online', () => {
  test('against the sandbox: every check OK, exit 0, no secret printed, nothing written', async () => {
    await withSandbox(async (sandbox) => {
      tokenSelf(sandbox, { scopes: ['api'], expires_at: '2027-06-30' });
      const run = await runAuditBot(sandbox, ['validate', '--online']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const rows = rowsOf(run.stdout);
      expect(rows.map(([check, , result]) => [check, result])).toEqual([
        ['gitlab token', 'OK'],
        ['gitlab token scope', 'OK'],
        ['gitlab token expiry', 'OK'],
        ['gitlab role', 'OK'],
        ['people reach', 'OK'],
        ['zendesk', 'OK'],
        ['zendesk-us-federal', 'OK'],
        ['calendly', 'OK'],
        ['pagerduty', 'OK'],
      ]);
      expect(run.stdout).toContain('acts as @audit-bot (a bot user: project or group access token)');
      expect(run.stdout).toContain('expires 2027-06-30, after the next quarterly run on 2027-01-01');
      expect(run.stdout).toContain('@audit-bot is Developer (30)');
      expect(run.stdout).toMatch(/(\d+) of \1 usernames .* can read the confidential issues/);
      expect(run.stdout).toMatch(/online checks passed\n$/);
      for (const secret of Object.values(SANDBOX_TOKENS))
        expect(run.stdout + run.stderr + run.logs).not.toContain(secret);
      for (const server of [
        sandbox.gitlab,
        sandbox.pagerduty,
        sandbox.calendly,
        sandbox.zendesk,
        sandbox.zendeskUsFederal,
      ]) {
        expect(
          server.log.filter(
            (entry) => entry.method !== 'GET' && !(entry.method === 'POST' && entry.path === '/oauth/tokens'),
          ),
        ).toEqual([]);
      }
      expect(sandbox.pagerduty.log.map((entry) => `${entry.path}${entry.query}`)).toEqual(['/users?limit=1']);
    });
  });

  test('a wrong PagerDuty token is a FAIL row naming PAGERDUTY_TOKEN: exit 1, the token never printed', async () => {
    await withSandbox(async (sandbox) => {
      tokenSelf(sandbox, { scopes: ['api'], expires_at: null });
      const wrong = 'pd-wrong-token-1234567890';
      const run = await runAuditBot(sandbox, ['validate', '--online'], { PAGERDUTY_TOKEN: wrong });
      expect(run.code).toBe(1);
      const pagerduty = rowsOf(run.stdout).find(([check]) => check === 'pagerduty')!;
      expect(pagerduty[2]).toBe('FAIL');
      expect(pagerduty[3]).toContain('PagerDuty refused PAGERDUTY_TOKEN');
      expect(pagerduty[3]).toContain('answered HTTP 401');
      expect(rowsOf(run.stdout).filter(([, , result]) => result === 'FAIL')).toHaveLength(1);
      expect(run.stdout).toMatch(/FAILED: 1 check\(s\) failed\n$/);
      expect(run.stdout + run.stderr + run.logs).not.toContain(wrong);
    });
  });

  test('a GitLab token that does not work, or whose user has no role in the project, is a FAIL', async () => {
    await withSandbox(async (sandbox) => {
      const revoked = await runAuditBot(sandbox, ['validate', '--online'], {
        GITLAB_TOKEN: 'glpat-revoked-000000000000',
      });
      expect(revoked.code).toBe(1);
      const gitlab = rowsOf(revoked.stdout).filter(
        ([check]) => check.startsWith('gitlab') || check.startsWith('people'),
      );
      expect(gitlab).toEqual([
        ['gitlab token', sandbox.env.GITLAB_URL, 'FAIL', expect.stringContaining('GitLab refused GITLAB_TOKEN')],
      ]);
      expect(revoked.stdout).toContain('answered HTTP 401');
      expect(revoked.stdout + revoked.logs).not.toContain('glpat-revoked-000000000000');

      // A real token of a user who is no member of the audit project: works, but cannot see the confidential issues.
      sandbox.gitlab.setMember('slee', null);
      const outsider = await runAuditBot(sandbox, ['validate', '--online'], { GITLAB_TOKEN: 'token-slee' });
      expect(outsider.code).toBe(1);
      const role = rowsOf(outsider.stdout).find(([check]) => check === 'gitlab role')!;
      expect(role[2]).toBe('FAIL');
      expect(role[3]).toMatch(/^@slee is not a member of support-ops\/access-audits: the bot needs Reporter/);

      sandbox.gitlab.setMember('slee', 10);
      const guest = await runAuditBot(sandbox, ['validate', '--online'], { GITLAB_TOKEN: 'token-slee' });
      expect(rowsOf(guest.stdout).find(([check]) => check === 'gitlab role')).toEqual([
        'gitlab role',
        'support-ops/access-audits',
        'FAIL',
        expect.stringMatching(/^@slee is Guest \(10\)/),
      ]);
      // Lee is also someone the audit mentions: a Guest cannot read the confidential issues.
      expect(rowsOf(guest.stdout)).toContainEqual([
        'people reach',
        '@slee',
        'FAIL',
        expect.stringContaining('cannot see this confidential issue'),
      ]);
    });
  });

  test('a token without the api scope is a FAIL; one expiring before the next quarterly run is a WARN', async () => {
    await withSandbox(async (sandbox) => {
      expect(nextQuarterStart(FIXED_NOW)).toBe('2027-01-01');
      tokenSelf(sandbox, { scopes: ['read_api'], expires_at: '2027-01-01' });
      const run = await runAuditBot(sandbox, ['validate', '--online']);
      expect(run.code).toBe(1);
      const rows = rowsOf(run.stdout);
      expect(rows.find(([check]) => check === 'gitlab token scope')).toEqual([
        'gitlab token scope',
        sandbox.env.GITLAB_URL,
        'FAIL',
        expect.stringContaining('lacks `api`'),
      ]);
      expect(rows.find(([check]) => check === 'gitlab token expiry')).toEqual([
        'gitlab token expiry',
        sandbox.env.GITLAB_URL,
        'WARN',
        'expires 2027-01-01, before the next quarterly run on 2027-01-01: rotate it and update GITLAB_TOKEN',
      ]);
    });
  });

  test("a GitLab that does not tell the token's scopes and expiry is a WARN, not a FAIL", async () => {
    await withSandbox(async (sandbox) => {
      const run = await runAuditBot(sandbox, ['validate', '--online']);
      expect(run.code).toBe(0);
      expect(rowsOf(run.stdout).find(([check]) => check === 'gitlab token scope')).toEqual([
        'gitlab token scope',
        sandbox.env.GITLAB_URL,
        'WARN',
        expect.stringContaining("GitLab does not tell this token's scopes and expiry"),
      ]);
    });
  });

  test('a platform whose credentials are not set is a WARN row, not a FAIL; a disabled one is unchecked', async () => {
    await withSandbox(async (sandbox) => {
      tokenSelf(sandbox, { scopes: ['api'], expires_at: null });
      const config = tempFile(
        'audit.config.yml',
        SEED_CONFIG.replace('  zendesk-us-federal:\n', '  zendesk-us-federal:\n    enabled: false\n'),
      );
      const run = await runAuditBot(sandbox, ['validate', '--online'], {
        AUDIT_CONFIG: config,
        CALENDLY_TOKEN: '',
        ZENDESK_CLIENT_ID: '',
        ZENDESK_CLIENT_SECRET: '',
      });
      expect(run.code).toBe(0);
      const rows = rowsOf(run.stdout);
      expect(rows.find(([check]) => check === 'calendly')).toEqual([
        'calendly',
        sandbox.env.CALENDLY_URL,
        'WARN',
        expect.stringMatching(/^not set: CALENDLY_TOKEN: its jobs will fail/),
      ]);
      expect(rows.find(([check]) => check === 'zendesk')).toEqual([
        'zendesk',
        sandbox.env.ZENDESK_URL,
        'WARN',
        expect.stringMatching(/^not set: ZENDESK_CLIENT_ID, ZENDESK_CLIENT_SECRET: its jobs will fail/),
      ]);
      expect(rows.some(([check]) => check === 'zendesk-us-federal')).toBe(false);
      expect(rows.find(([check]) => check === 'pagerduty')?.[2]).toBe('OK');
      expect(run.stdout).toMatch(/online checks passed, 2 warning\(s\)\n$/);
      expect(sandbox.calendly.log).toHaveLength(0);
      expect(sandbox.zendesk.log).toHaveLength(0);
    });
  });

  test('bad configuration stops before any request, even with --online', async () => {
    await withSandbox(async (sandbox) => {
      const text = SEED_CONFIG.replace('support_ops_managers: [som-alex]', 'support_ops_managers: [nobody-here]');
      const config = tempFile('audit.config.yml', text);
      const run = await runAuditBot(sandbox, ['validate', '--online'], { AUDIT_CONFIG: config });
      expect(run.code).toBe(2);
      const line = text.split('\n').findIndex((candidate) => candidate.includes('nobody-here')) + 1;
      expect(run.stderr).toContain(`${config}:${line} support_ops_managers[0]: "nobody-here" is not a person in `);
      expect(requestCount(sandbox)).toBe(0);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
