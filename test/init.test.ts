/**
 * `audit-bot init <dir>` (issue #19): writes a new audits project that `audit-bot validate` accepts
 * as written, never overwrites a file, and prints the steps left as a checklist.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { runCli } from '../src/cli.js';
import { COMPONENT_PROJECT, MANAGER_PLACEHOLDER, packageVersion } from '../src/commands/init.js';
import { PLATFORM_IDS } from '../src/domain/platforms.js';
import { PACKAGE_ROOT } from '../src/paths.js';

async function cli(argv: string[], env: Record<string, string> = {}, baseDir?: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    env,
    { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) },
    { baseDir, clock: () => new Date('2026-11-24T09:00:00Z') },
  );
  return { code, stdout, stderr };
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-init-'));
const FILES = [
  'audit.config.yml',
  'roster.yml',
  '.gitlab-ci.yml',
  ...PLATFORM_IDS.map((id) => `issue_templates/${id}.md`),
];

/** `validate`, offline, in the new project (as the component's job runs it, from the checkout). */
const validate = (dir: string) =>
  cli(
    ['validate'],
    { AUDIT_CONFIG: path.join(dir, 'audit.config.yml'), AUDIT_ROSTER: path.join(dir, 'roster.yml') },
    dir,
  );

describe('audit-bot init <dir>', () => {
  test('writes the config, roster, issue templates and a .gitlab-ci.yml that includes the component', async () => {
    const dir = path.join(tempDir(), 'audits');
    const run = await cli(['init', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const file of FILES)
      expect({ file, exists: fs.existsSync(path.join(dir, file)) }).toEqual({ file, exists: true });
    expect(fs.readdirSync(dir).sort()).toEqual(['.gitlab-ci.yml', 'audit.config.yml', 'issue_templates', 'roster.yml']);
    for (const id of PLATFORM_IDS)
      expect(fs.readFileSync(path.join(dir, 'issue_templates', `${id}.md`), 'utf8')).toBe(
        fs.readFileSync(path.join(PACKAGE_ROOT, 'issue_templates', `${id}.md`), 'utf8'),
      );

    const config = fs.readFileSync(path.join(dir, 'audit.config.yml'), 'utf8');
    expect(config.split('\n').filter((line) => line.startsWith('#')).length).toBeGreaterThan(10);
    expect(parse(config)).toMatchObject({ support_ops_managers: [MANAGER_PLACEHOLDER] });
    const roster = parse(fs.readFileSync(path.join(dir, 'roster.yml'), 'utf8')) as { gitlab: { username: string } }[];
    expect(roster).toHaveLength(1);
    expect(roster[0].gitlab.username).toBe(MANAGER_PLACEHOLDER);

    const ci = fs.readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8');
    expect(ci).toContain(`include:\n  - component: ${COMPONENT_PROJECT}/audit@${packageVersion()}\n    inputs:\n`);
    expect(ci).not.toMatch(/TOKEN\s*:|SECRET\s*:|glpat-/);
  });

  test('its files pass `audit-bot validate` as written, and once the placeholder is replaced in both', async () => {
    const dir = tempDir();
    expect((await cli(['init', dir])).code).toBe(0);
    const ok = await validate(dir);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      new RegExp(
        /^ok: .*1 people, 1 Support Ops Manager\(s\); /.source +
          /platforms enabled: zendesk, zendesk-us-federal, calendly, pagerduty\n$/.source,
      ),
    );

    for (const file of ['audit.config.yml', 'roster.yml']) {
      const at = path.join(dir, file);
      fs.writeFileSync(at, fs.readFileSync(at, 'utf8').replaceAll(MANAGER_PLACEHOLDER, 'som-alex'));
    }
    expect((await validate(dir)).code).toBe(0);

    // Replaced in one file only: validate names the mismatch (exit 2).
    const config = path.join(dir, 'audit.config.yml');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('[som-alex]', '[som-alexa]'));
    const mismatch = await validate(dir);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/audit\.config\.yml:\d+ support_ops_managers\[0\]: "som-alexa" is not a person in/);
  });

  test('never overwrites: when a file exists, writes nothing and exits 2 naming each one', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'roster.yml'), '# mine\n');
    fs.mkdirSync(path.join(dir, 'issue_templates'));
    fs.writeFileSync(path.join(dir, 'issue_templates', 'calendly.md'), 'my template\n');
    const run = await cli(['init', dir]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      `${path.join(dir, 'roster.yml')}: already exists; init never overwrites a file (nothing was written)`,
      `${path.join(dir, 'issue_templates', 'calendly.md')}: ` +
        'already exists; init never overwrites a file (nothing was written)',
    ]);
    expect(fs.readFileSync(path.join(dir, 'roster.yml'), 'utf8')).toBe('# mine\n');
    expect(fs.readFileSync(path.join(dir, 'issue_templates', 'calendly.md'), 'utf8')).toBe('my template\n');
    expect(fs.readdirSync(dir).sort()).toEqual(['issue_templates', 'roster.yml']);
    expect(fs.readdirSync(path.join(dir, 'issue_templates'))).toEqual(['calendly.md']);
    // A second init into a folder it filled refuses too.
    const again = tempDir();
    expect((await cli(['init', again])).code).toBe(0);
    const second = await cli(['init', again]);
    expect(second.code).toBe(2);
    expect(second.stderr.trim().split('\n')).toHaveLength(FILES.length);
  });

  test('prints the steps left as a checklist: token and role, variables, members, UTC schedules, dry run', async () => {
    const dir = tempDir();
    const { stdout } = await cli(['init', dir]);
    const checklist = stdout.slice(stdout.indexOf('Next steps:'));
    const items = checklist.split('\n').filter((line) => line.startsWith('[ ] '));
    expect(items.length).toBeGreaterThanOrEqual(6);
    for (const expected of [
      MANAGER_PLACEHOLDER,
      'audit-bot validate',
      'project access token',
      'api scope',
      'Reporter',
      'GITLAB_TOKEN',
      'PAGERDUTY_TOKEN',
      'CALENDLY_TOKEN',
      'ZENDESK_CLIENT_SECRET',
      'ZENDESK_US_FEDERAL_CLIENT_SECRET',
      'ZENDESK_CLIENT_ID',
      'Planner or higher',
      'timezone UTC',
      '`0 9 1 1,4,7,10 *` with variable AUDIT_JOB=open',
      '`0 6 * * *` with variable AUDIT_JOB=followup',
      'Run pipeline, dry-run ticked',
    ]) {
      expect({ expected, present: checklist.includes(expected) }).toEqual({ expected, present: true });
    }
  });

  test('usage: listed in --help, `init --help`, and a missing or extra folder is exit 2', async () => {
    expect((await cli(['--help'])).stdout).toContain('audit-bot init <dir>');
    const help = await cli(['init', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: audit-bot init <dir>\n/);
    for (const argv of [['init'], ['init', 'a', 'b'], ['init', '--force']]) {
      const run = await cli(argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      expect(run.stderr).toContain('audit-bot init <dir>');
    }
  });
});
