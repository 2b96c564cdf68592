/**
 * A corpus of broken rosters, configs and environments. Each one, for every command that reads
 * it, exits 2 with one line per problem naming the file, the line and the field, and sends
 * nothing to any server (so writes nothing).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAuditBot, withSandbox } from '../helpers.js';
import { SANDBOX_CONFIG } from '../../src/sandbox/environment.js';
import { servers } from './support.js';
import { reportFigures } from './figures.js';

const ROSTER = `- name: Alex Rivera
  email: alex.rivera@example.com
  gitlab: { username: som-alex }
  reports_to: null
  pagerduty: { id: PALEX01, schedules: [] }
- name: Morgan Smith
  email: morgan.smith@example.com
  gitlab: { username: msmith }
  reports_to: som-alex
  zendesk:
    main: { id: 360001002, role: agent, groups: [] }
  pagerduty: { id: PMORG01, schedules: [] }
- name: Jane Doe
  email: jane.doe@example.com
  gitlab: { username: jdoe }
  reports_to: msmith
  calendly: { email: jane.doe@example.com, role: user }
  pagerduty: { id: PJANE01, schedules: [] }
`;

/** The base roster with line `line` (1-based) replaced by `text` (several lines allowed). */
function rosterWith(line: number, text: string): string {
  const lines = ROSTER.split('\n');
  lines.splice(line - 1, 1, ...text.split('\n'));
  return lines.join('\n');
}

const CONFIG = fs.readFileSync(SANDBOX_CONFIG, 'utf8');

function configWith(from: string | RegExp, to: string): string {
  const changed = CONFIG.replace(from, to);
  if (changed === CONFIG) throw new Error(`config corpus: ${String(from)} not found`);
  return changed;
}

interface Case {
  name: string;
  roster?: string | Buffer;
  config?: string;
  env?: Record<string, string>;
  /** Every problem expected: which file, line and field; a word of the message. */
  expect: { file: 'roster' | 'config' | 'env'; line?: number; field?: string; says: RegExp }[];
}

const CASES: Case[] = [
  {
    name: 'roster: YAML syntax (unclosed flow sequence)',
    roster: rosterWith(5, '  pagerduty: { id: PALEX01, schedules: [ }'),
    expect: [{ file: 'roster', line: 5, says: /./ }],
  },
  {
    name: 'roster: tab indentation',
    roster: rosterWith(2, '\temail: alex.rivera@example.com'),
    expect: [{ file: 'roster', line: 2, says: /tab/i }],
  },
  {
    name: 'roster: duplicate key',
    roster: rosterWith(3, '  gitlab: { username: som-alex }\n  gitlab: { username: alex }'),
    expect: [{ file: 'roster', line: 4, says: /./ }],
  },
  {
    name: 'roster: duplicate username',
    roster: rosterWith(15, '  gitlab: { username: msmith }'),
    expect: [{ file: 'roster', line: 15, field: '[2].gitlab.username', says: /duplicate/ }],
  },
  {
    name: 'roster: duplicate email',
    roster: rosterWith(14, '  email: morgan.smith@example.com'),
    expect: [{ file: 'roster', line: 14, field: '[2].email', says: /duplicate/ }],
  },
  {
    name: 'roster: duplicate PagerDuty id',
    roster: rosterWith(18, '  pagerduty: { id: PMORG01, schedules: [] }'),
    expect: [{ file: 'roster', line: 18, field: '[2].pagerduty.id', says: /duplicate/ }],
  },
  {
    name: 'roster: unknown manager',
    roster: rosterWith(16, '  reports_to: msmiht'),
    expect: [{ file: 'roster', line: 16, field: '[2].reports_to', says: /msmith/ }],
  },
  {
    name: 'roster: reports_to cycle',
    roster: rosterWith(4, '  reports_to: jdoe'),
    expect: [{ file: 'roster', line: 4, field: '[0].reports_to', says: /cycle: .*som-alex/ }],
  },
  {
    name: 'roster: reports to themselves',
    roster: rosterWith(9, '  reports_to: msmith'),
    expect: [{ file: 'roster', line: 9, field: '[1].reports_to', says: /themselves/ }],
  },
  {
    name: 'roster: wrong type (email is a number)',
    roster: rosterWith(2, '  email: 42'),
    expect: [{ file: 'roster', line: 2, field: '[0].email', says: /./ }],
  },
  {
    name: 'roster: wrong type (Zendesk id is text)',
    roster: rosterWith(11, '    main: { id: abc, role: agent, groups: [] }'),
    expect: [{ file: 'roster', line: 11, field: '[1].zendesk.main.id', says: /./ }],
  },
  {
    name: 'roster: wrong type (groups is not a list)',
    roster: rosterWith(11, '    main: { id: 360001002, role: agent, groups: Support }'),
    expect: [{ file: 'roster', line: 11, field: '[1].zendesk.main.groups', says: /./ }],
  },
  {
    name: 'roster: wrong type (pagerduty is text)',
    roster: rosterWith(12, '  pagerduty: PMORG01'),
    expect: [{ file: 'roster', line: 12, field: '[1].pagerduty', says: /./ }],
  },
  {
    name: 'roster: missing GitLab username',
    roster: rosterWith(15, '  gitlab: {}'),
    expect: [{ file: 'roster', line: 15, field: '[2].gitlab.username', says: /required|missing/ }],
  },
  {
    name: 'roster: missing PagerDuty id',
    roster: rosterWith(18, '  pagerduty: { schedules: [] }'),
    expect: [{ file: 'roster', line: 18, field: '[2].pagerduty.id', says: /required|missing/ }],
  },
  {
    name: 'roster: missing name',
    roster: rosterWith(13, '- email: jane.doe@example.com').replace('  email: jane.doe@example.com\n', ''),
    expect: [{ file: 'roster', line: 13, field: '[2].name', says: /required|missing/ }],
  },
  {
    name: 'roster: unknown key',
    roster: rosterWith(16, '  reportsto: msmith'),
    expect: [{ file: 'roster', line: 16, field: '[2].reportsto', says: /unknown/ }],
  },
  { name: 'roster: not a list', roster: 'name: Alex\n', expect: [{ file: 'roster', line: 1, says: /list/ }] },
  {
    name: 'roster: a byte that is not UTF-8',
    roster: Buffer.concat([
      Buffer.from(ROSTER.slice(0, ROSTER.indexOf('Morgan'))),
      Buffer.from([0xff]),
      Buffer.from(ROSTER.slice(ROSTER.indexOf('Morgan'))),
    ]),
    expect: [{ file: 'roster', line: 6, says: /UTF-8/ }],
  },
  {
    name: 'config: YAML syntax',
    config: configWith('support_ops_managers: [som-alex]', 'support_ops_managers: [som-alex'),
    expect: [{ file: 'config', says: /./ }],
  },
  {
    name: 'config: Support Ops Managers empty',
    config: configWith('support_ops_managers: [som-alex]', 'support_ops_managers: []'),
    expect: [
      {
        file: 'config',
        line: CONFIG.split('\n').findIndex((l) => l.startsWith('support_ops_managers')) + 1,
        field: 'support_ops_managers',
        says: /empty/,
      },
    ],
  },
  {
    name: 'config: wrong type (confidential)',
    config: configWith('confidential: true', 'confidential: maybe'),
    expect: [{ file: 'config', field: 'confidential', says: /./ }],
  },
  {
    name: 'config: not a duration',
    config: configWith('second_ping_after: PT72H', 'second_ping_after: 3 days'),
    expect: [{ file: 'config', field: 'ladder.second_ping_after', says: /ISO-8601/ }],
  },
  {
    name: 'config: allow-list entry without reason or expiry',
    config: configWith('allow_list: []', 'allow_list:\n  - fingerprint: "pagerduty:user-not-in-roster:PX"'),
    expect: [
      { file: 'config', field: 'allow_list[0].reason', says: /required/ },
      { file: 'config', field: 'allow_list[0].expires', says: /required/ },
    ],
  },
  {
    name: 'config: unknown platform',
    config: configWith('platforms:\n', 'platforms:\n  jira: {}\n'),
    expect: [{ file: 'config', field: 'platforms.jira', says: /./ }],
  },
  {
    name: 'config: bad coverage window',
    config: configWith('coverage_window: P28D', 'coverage_window: 28 days'),
    expect: [{ file: 'config', field: 'platforms.pagerduty.coverage_window', says: /ISO-8601/ }],
  },
  {
    name: 'env: timeout not a number',
    env: { AUDIT_HTTP_TIMEOUT_MS: '200ms' },
    expect: [{ file: 'env', field: 'AUDIT_HTTP_TIMEOUT_MS', says: /milliseconds/ }],
  },
  {
    name: 'env: timeout zero',
    env: { AUDIT_HTTP_TIMEOUT_MS: '0' },
    expect: [{ file: 'env', field: 'AUDIT_HTTP_TIMEOUT_MS', says: /milliseconds/ }],
  },
  {
    name: 'env: URL with a path trick',
    env: { PAGERDUTY_URL: 'ftp://127.0.0.1/' },
    expect: [{ file: 'env', field: 'PAGERDUTY_URL', says: /http/ }],
  },
];

const COMMANDS = [['open', '--platform', 'all'], ['followup'], ['check', '--platform', 'pagerduty']];

const figures = { cases: CASES.length, runs: 0, problems: 0, requests: 0 };

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('bad input: exit 2, file, line and field for each problem, nothing sent', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-bot-bad-'));
    const files = { roster: path.join(dir, 'roster.yml'), config: path.join(dir, 'audit.config.yml') };
    fs.writeFileSync(files.roster, c.roster ?? ROSTER);
    fs.writeFileSync(files.config, c.config ?? CONFIG);
    try {
      await withSandbox(async (sandbox) => {
        for (const argv of COMMANDS) {
          const run = await runAuditBot(sandbox, argv, {
            AUDIT_ROSTER: files.roster,
            AUDIT_CONFIG: files.config,
            ...c.env,
          });
          figures.runs += 1;
          expect({ argv, code: run.code, stdout: run.stdout }).toEqual({ argv, code: 2, stdout: '' });
          const lines = run.stderr.trim().split('\n');
          figures.problems += lines.length;
          // Every line names where: `file:line field: message`, or `env NAME: message`.
          for (const line of lines)
            expect(line).toMatch(
              new RegExp(
                `^(${escape(files.roster)}|${escape(files.config)}):\\d+(:\\d+)?( \\S+)?: \\S|^env [A-Z_]+: \\S`,
              ),
            );
          for (const wanted of c.expect) {
            const where =
              wanted.file === 'env'
                ? `env ${wanted.field}: `
                : `${escape(files[wanted.file])}:${wanted.line ?? '\\d+'}(:\\d+)?` +
                  `${wanted.field ? ` ${escape(wanted.field)}` : '( \\S+)?'}: `;
            const match = lines.find((line) => new RegExp(`^${where}`).test(line) && wanted.says.test(line));
            expect({ argv, wanted: `${where} ${wanted.says}`, match: match !== undefined, stderr: run.stderr }).toEqual(
              expect.objectContaining({ argv, wanted: `${where} ${wanted.says}`, match: true }),
            );
          }
        }
        figures.requests += servers(sandbox).reduce((sum, server) => sum + server.log.length, 0);
        expect(servers(sandbox).map((server) => server.log.length)).toEqual([0, 0, 0, 0, 0]);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

afterAll(() => {
  reportFigures('4. bad input (rosters, configs, environment)', [
    ['broken inputs in the corpus', figures.cases],
    ['runs (open, followup, check each)', `${figures.runs}, all exit 2`],
    ['problems reported, each with file:line field or env NAME', figures.problems],
    ['requests sent to any server', figures.requests],
  ]);
});
